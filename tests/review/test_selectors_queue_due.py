"""The queue's deadline order and deadline filters read the stored due date and give what
the rule gives row by row: the same demands, in the same order, page after page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from dueprocess.demands.models import Authority, Demand
from dueprocess.review import selectors
from dueprocess.review.deadlines import response_due

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=["sorted by the database", "read in index order"])
def few(request: Any, monkeypatch: Any) -> None:
    """Under a filter, a few rows are sorted by the database and many read in index order:
    both ways give the same pages."""
    if request.param == "read in index order":
        monkeypatch.setattr(selectors, "FEW", 0)


def _all_ids(monkeypatch: Any, **query: Any) -> list[int]:
    """Every page of the queue, three rows a page."""
    monkeypatch.setattr(selectors, "PAGE_SIZE", 3)
    ids: list[int] = []
    for page in range(1, 30):
        result = selectors.queue_page(selectors.QueueQuery(page=page, **query))
        ids += [r.demand.pk for r in result.rows]
        if not result.more:
            return ids
    raise AssertionError("more pages than demands")


@pytest.fixture
def mix(make_demand: Callable[..., Demand], hk_police: Authority) -> list[Demand]:
    """Stated deadlines (two equal), hour limits, emergencies, statutory periods and no limit
    at all, spread over the open statuses, risks and two jurisdictions."""
    now = timezone.now()
    same = now + timedelta(days=2)
    changes: list[dict[str, Any]] = [
        {"deadline": now - timedelta(days=3)},
        {"deadline": same},
        {"deadline": same, "status": "on_hold"},
        {"deadline": now + timedelta(days=9), "risk": 3},
        {"instrument": "eu.tco.art3", "received_at": now - timedelta(minutes=20)},
        {"instrument": "eu.tco.art3", "received_at": now - timedelta(hours=5), "risk": 2},
        {"instrument": "us.ecpa.emergency", "emergency": True, "received_at": now},
        {"instrument": "us.ecpa.emergency"},  # no limit in law, not an emergency
        {"instrument": "us.ecpa.emergency", "status": "awaiting_authority"},
        {"status": "approved"},
        {"received_at": now - timedelta(days=1), "status": "executing", "risk": 3},
        {"deadline": now + timedelta(hours=30), "status": "completed"},  # closed
    ]
    made = []
    for i, change in enumerate(changes):
        d = make_demand(reference=f"M-{i}", **({"authority": hk_police,
                                                "instrument": "generic.police_request"}
                                               if i % 4 == 0 else {}))
        Demand.objects.filter(pk=d.pk).update(**change)
        made.append(Demand.objects.get(pk=d.pk))
    return made


def _open(made: list[Demand]) -> list[Demand]:
    return [d for d in made if d.status in selectors.QUEUE_STATUSES]


def _rule_order(rows: list[Demand], desc: bool) -> list[int]:
    """The deadline order computed from the rule itself, newest first on ties, none last."""
    dated = [(response_due(d), d.pk) for d in rows if response_due(d) is not None]
    dated.sort(key=lambda k: (k[0], k[1] if desc else -k[1]), reverse=desc)
    undated = sorted((d.pk for d in rows if response_due(d) is None), reverse=True)
    return [pk for _, pk in dated] + undated


@pytest.mark.parametrize("desc", [False, True])
def test_the_deadline_order_is_the_rules_order(mix: list[Demand], monkeypatch: Any,
                                               desc: bool) -> None:
    sort = "-deadline" if desc else "deadline"
    assert _all_ids(monkeypatch, sort=sort) == _rule_order(_open(mix), desc)
    archive = _all_ids(monkeypatch, sort=sort, status="all")
    assert archive == _rule_order(mix, desc)
    hk = [d for d in _open(mix) if d.jurisdiction == "HK"]
    assert _all_ids(monkeypatch, sort=sort, jurisdiction="HK") == _rule_order(hk, desc)


def _risk_order(rows: list[Demand]) -> list[int]:
    far = datetime.max.replace(tzinfo=timezone.get_current_timezone())
    return [d.pk for d in sorted(rows, key=lambda d: (-d.risk, response_due(d) or far, -d.pk))]


@pytest.mark.parametrize("due,days", [("overdue", 0), ("week", 7)])
def test_the_deadline_filters_find_what_the_rule_finds(mix: list[Demand], monkeypatch: Any,
                                                       due: str, days: int) -> None:
    bound = timezone.now() + timedelta(days=days)
    wanted = [d for d in _open(mix) if (response_due(d) or bound) < bound]
    assert len(wanted) >= 2
    assert _all_ids(monkeypatch, due=due) == _risk_order(wanted)
    assert _all_ids(monkeypatch, due=due, sort="deadline") == _rule_order(wanted, False)


def test_the_risk_order_breaks_ties_by_the_exact_due_date(mix: list[Demand],
                                                          monkeypatch: Any) -> None:
    assert _all_ids(monkeypatch) == _risk_order(_open(mix))
    urgent = [d for d in _open(mix) if d.emergency]
    assert _all_ids(monkeypatch, emergency=True) == _risk_order(urgent)
    flagged = [d for d in _open(mix) if d.risk == 3]
    for d in [*flagged, mix[-1]]:  # a closed one too: never in the open queue
        d.findings.create(code="rights.target_at_risk", severity="warning",
                          message="A journalist.", rule="rights", rule_version=1)
    assert _all_ids(monkeypatch, needs_hr=True) == _risk_order(flagged)
    assert _all_ids(monkeypatch, needs_hr=True, sort="-deadline") == _rule_order(flagged, True)


def test_the_shown_due_date_is_the_rules(mix: list[Demand]) -> None:
    page = selectors.queue_page(selectors.QueueQuery(sort="deadline"))
    assert [r.due for r in page.rows] == [response_due(r.demand) for r in page.rows]


def test_the_jurisdiction_order_reads_one_jurisdiction_after_the_other(
        mix: list[Demand], monkeypatch: Any) -> None:
    rows = _open(mix)
    up = [d.pk for d in sorted(rows, key=lambda d: (d.jurisdiction, -d.pk))]
    down = [d.pk for d in sorted(rows, key=lambda d: (d.jurisdiction, d.pk), reverse=True)]
    assert _all_ids(monkeypatch, sort="jurisdiction") == up
    assert _all_ids(monkeypatch, sort="-jurisdiction") == down
