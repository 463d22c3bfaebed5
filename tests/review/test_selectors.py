"""The demand page's reads: a fixed number of queries, however big the demand grows."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dueprocess.demands.models import Demand
from dueprocess.review import selectors
from tests.conftest import us_warrant
from tests.demands.test_actions import decide, receive

pytestmark = pytest.mark.django_db

#: The queries one demand page costs (measured; a change that adds a query per row would
#: make the large demand below cost more and fail).
PAGE_QUERIES = 29


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
