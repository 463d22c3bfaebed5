"""The demand page's reads: a fixed number of queries, however big the demand grows."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dueprocess.demands import actions
from dueprocess.demands.inputs import DecisionsIn
from dueprocess.demands.models import Demand
from dueprocess.review import selectors
from tests.conftest import us_warrant
from tests.demands.test_actions import decide, receive

pytestmark = pytest.mark.django_db

#: The queries one demand page costs (measured; a change that adds a query per row would
#: make the large demand below cost more and fail).
PAGE_QUERIES = 32


def _fresh(demand: Demand) -> Demand:
    return Demand.objects.select_related("authority").get(pk=demand.pk)


def test_the_case_file_reads_in_a_fixed_number_of_queries(
        fbi: Any, reviewer: Any, django_assert_num_queries: Any) -> None:
    small = receive(fbi, us_warrant())
    with django_assert_num_queries(PAGE_QUERIES):
        page = selectors.case_file(_fresh(small))
    assert [t.identifier for t in page.targets] == ["cs_suspect_42"]
    assert page.version > 0 and page.case.jurisdiction == "US"

    many = [{"type": "account", "id": f"acct_{i:04d}"} for i in range(450)]
    large = receive(fbi, us_warrant(reference="2:20-mj-00999", targets=many))
    decide(large, reviewer, outcome="reject", reason_codes=["insufficient_process"],
           rationale="overbroad")
    with django_assert_num_queries(PAGE_QUERIES):
        page = selectors.case_file(_fresh(large))
    assert len(page.targets) == selectors.TARGETS_PAGE and page.targets_next is not None
    assert page.decisions and page.decisions[0].outcome == "reject"
    with CaptureQueriesContext(connection) as later:
        rest = selectors.case_file(_fresh(large), targets_after=page.targets_next)
    assert len(later) == PAGE_QUERIES
    assert rest.targets[0].pk > page.targets[-1].pk


def test_the_queue_reads_a_page_in_a_fixed_number_of_queries(
        fbi: Any, django_assert_max_num_queries: Any) -> None:
    for i in range(selectors.PAGE_SIZE + 5):
        receive(fbi, us_warrant(reference=f"2:20-mj-{i:05d}"))
    # one count per open status, per risk rank at most a count and one index range, the
    # rows: bounded the same for 55 demands as for 55,000
    queries = len(selectors.QUEUE_STATUSES) + 2 * len(selectors.RISK_LEVELS) + 1
    with django_assert_max_num_queries(queries):
        first = selectors.queue_page(selectors.QueueQuery())
    assert len(first.rows) == selectors.PAGE_SIZE and first.more
    keys = [(r.demand.risk, r.demand.pk) for r in first.rows]
    assert keys == sorted(keys, reverse=True)  # riskiest first, newest first within a risk
    with django_assert_max_num_queries(queries):
        second = selectors.queue_page(selectors.QueueQuery(page=2))
    assert len(second.rows) == 5 and not second.more
    assert {r.demand.pk for r in first.rows}.isdisjoint(r.demand.pk for r in second.rows)


def test_target_rows_carry_their_decision_exception_and_execution(
        fbi: Any, reviewer: Any, django_capture_on_commit_callbacks: Any) -> None:
    three = [{"type": "account", "id": "alice_1"}, {"type": "account", "id": "bob_2"},
             {"type": "content", "url": "https://example.com/p/1"}]
    demand = receive(fbi, us_warrant(targets=three, asks=[
        {"kind": "disclose", "data_categories": ["subscriber"]}]))
    with django_capture_on_commit_callbacks(execute=False):
        actions.record_decisions(demand, DecisionsIn.model_validate({"decisions": [
            {"ask": 0, "outcome": "comply", "reason_codes": ["valid_legal_process"]},
            {"ask": 0, "target": "bob_2", "outcome": "reject", "reason_codes": ["no_data"]},
        ]}), user=reviewer)
    page = selectors.case_file(_fresh(demand))
    # a disclosure acts on accounts: the content target gets no row
    assert [(r.target.identifier, r.ask.position) for r in page.rows] == [
        ("alice_1", 0), ("bob_2", 0)]
    alice, bob = page.rows
    assert alice.exception is None and alice.decision is not None
    assert alice.decision.outcome == "comply"
    assert bob.exception is not None and bob.decision is bob.exception
    assert bob.decision.outcome == "reject"
    assert [(a.kind, a.status) for a in alice.actions] == [("export", "pending")]
    assert bob.actions == []


def test_views_fold_into_one_count_and_the_timeline_filters_by_kind(
        fbi: Any, reviewer: Any) -> None:
    demand = receive(fbi, us_warrant())
    reviewer.first_name, reviewer.last_name = "Maria", "Chen"
    reviewer.save()
    for _ in range(3):
        actions.record_view(demand, user=reviewer, what="demand_page")
    actions.claim_demand(demand, reviewer)
    page = selectors.case_file(_fresh(demand))
    assert page.views_total == 3 and len(page.views) == 3
    assert page.views[0].sentence == "Maria Chen viewed the demand"
    verbs = [line.event.verb for line in page.lines]
    assert "demand.viewed" not in verbs and "demand.claimed" in verbs
    assert "Maria Chen claimed the demand" in [line.sentence for line in page.lines]
    vetting = selectors.case_file(_fresh(demand), events_kind="vetting")
    assert {line.kind for line in vetting.lines} == {"vetting"}
    assert vetting.views_total == 3  # folded views are counted whatever the filter
