"""The queue's orders and built-in views, read through the selector."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from dueprocess.demands.models import Authority, Demand
from dueprocess.review import selectors
from dueprocess.review.models import HumanRightsReview
from tests.review.conftest import RECEIVED

pytestmark = pytest.mark.django_db


def _ids(**query: Any) -> list[int]:
    return [r.demand.pk for r in selectors.queue_page(selectors.QueueQuery(**query)).rows]


def _set(demand: Demand, **fields: Any) -> Demand:
    Demand.objects.filter(pk=demand.pk).update(**fields)
    return Demand.objects.get(pk=demand.pk)


def test_blocks_rank_by_kind_then_emergencies_then_warnings(
        make_demand: Callable[..., Demand]) -> None:
    risks = [1, 3, 6, 0, 4, 2, 5]
    made = {risk: _set(make_demand(reference=f"K-{risk}"), risk=risk) for risk in risks}
    page = selectors.queue_page(selectors.QueueQuery())
    assert [r.demand.pk for r in page.rows] == [made[r].pk for r in (6, 5, 4, 3, 2, 1, 0)]
    assert [r.block for r in page.rows] == ["forgery", "sanctions", "human rights",
                                            "legal process", "", "", ""]


def test_within_a_kind_the_nearest_deadline_comes_first(
        make_demand: Callable[..., Demand]) -> None:
    later = _set(make_demand(reference="LATER"), risk=3, deadline=RECEIVED + timedelta(days=9))
    none = _set(make_demand(reference="NONE"), risk=3)
    sooner = _set(make_demand(reference="SOON"), risk=3, deadline=RECEIVED + timedelta(days=2))
    assert _ids() == [sooner.pk, later.pk, none.pk]


def test_an_hour_limit_counts_in_hours(make_demand: Callable[..., Demand]) -> None:
    """A removal order due within the hour sorts before a warrant due in a day."""
    now = timezone.now()
    day = _set(make_demand(reference="DAY"), deadline=now + timedelta(days=1))
    hour = _set(make_demand(reference="TCO"), instrument="eu.tco.art3",
                received_at=now - timedelta(minutes=20))
    assert _ids(sort="deadline") == [hour.pk, day.pk]
    row = selectors.queue_page(selectors.QueueQuery(sort="deadline")).rows[0]
    assert row.due is not None and timedelta(0) < row.due - now <= timedelta(minutes=40)
    assert _ids(due="week") == [hour.pk, day.pk]


@pytest.mark.parametrize("sort,key", [
    ("received", lambda d: (d.received_at, -d.pk)),
    ("-received", lambda d: (d.received_at, d.pk)),
    ("jurisdiction", lambda d: (d.jurisdiction, -d.pk)),
    ("-authority", lambda d: (d.authority.name, d.pk)),
])
def test_columns_sort_both_ways_with_ties_in_a_fixed_order(
        make_demand: Callable[..., Demand], hk_police: Authority, sort: str,
        key: Callable[[Demand], Any]) -> None:
    made = [make_demand(reference=f"S-{i}", received_at=RECEIVED + timedelta(hours=i % 3),
                        **({"authority": hk_police, "instrument": "generic.police_request"}
                           if i % 2 else {}))
            for i in range(7)]
    expected = sorted(made, key=key, reverse=sort.startswith("-"))
    assert _ids(sort=sort) == [d.pk for d in expected]
    assert _ids(sort=sort) == _ids(sort=sort)  # stable from one request to the next


def test_unknown_sort_falls_back_to_the_risk_order() -> None:
    assert selectors.parse_sort("-nonsense") == ("risk", True)
    assert selectors.parse_sort("deadline") == ("deadline", False)


def test_sorted_pages_neither_repeat_nor_skip(make_demand: Callable[..., Demand]) -> None:
    made = [make_demand(reference=f"P-{i}") for i in range(selectors.PAGE_SIZE + 3)]
    first = selectors.queue_page(selectors.QueueQuery(sort="received"))
    second = selectors.queue_page(selectors.QueueQuery(sort="received", page=2))
    assert first.more and not second.more
    seen = [r.demand.pk for r in first.rows + second.rows]
    assert sorted(seen) == sorted(d.pk for d in made)


def test_emergencies_and_human_rights_views(make_demand: Callable[..., Demand],
                                            reviewer: Any) -> None:
    plain = make_demand(reference="PLAIN")
    urgent = make_demand(reference="URGENT", emergency=True)
    assert _ids(emergency=True) == [urgent.pk]
    flagged = make_demand(reference="FLAGGED")
    flagged.findings.create(code="rights.target_at_risk", severity="warning",
                            message="A journalist.", rule="rights", rule_version=1)
    assert _ids(needs_hr=True) == [flagged.pk]
    HumanRightsReview.objects.create(demand=flagged, reviewer=reviewer, legality="met",
                                     necessity="met", proportionality="met",
                                     conclusion="proceed", rationale="Narrow and lawful.")
    assert _ids(needs_hr=True) == []
    assert plain.pk in _ids()


def test_assignable_people_are_staff_who_may_decide(reviewer: Any,
                                                    make_user: Callable[..., Any]) -> None:
    make_user("clerk@platform.example", staff=True)
    make_user("outsider@example.org", perms=("demands.add_decision",))
    assert [p.pk for p in selectors.assignable_people()] == [reviewer.pk]


@pytest.mark.parametrize("sort", ["deadline", "-deadline"])
def test_the_deadline_order_matches_the_estimate_sql_would_sort_by(
        make_demand: Callable[..., Demand], sort: str) -> None:
    now = timezone.now()
    for i in range(9):
        d = make_demand(reference=f"D-{i}")
        if i % 3 == 0:
            _set(d, deadline=now + timedelta(hours=5 * i - 10))
        elif i % 3 == 1:
            _set(d, instrument="eu.tco.art3", received_at=now - timedelta(minutes=30 * i))
    from dueprocess.review import deadlines

    desc = sort.startswith("-")
    estimate = deadlines.due_estimate()
    expected = list(Demand.objects.annotate(e=estimate).order_by(
        estimate.desc(nulls_last=True) if desc else estimate.asc(nulls_last=True),
        "-id").values_list("pk", flat=True))
    assert _ids(sort=sort) == expected
    assert len(expected) == 9
