"""The queue: open demands, riskiest first, filtered, paginated by keyset."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dueprocess.demands import actions
from dueprocess.demands.models import Authority, Demand, Status
from tests.review.conftest import RECEIVED

QUEUE = "/review/"


def _ids(response: Any) -> list[int]:
    return [int(n) for n in re.findall(rb'href="/review/demands/(\d+)/"', response.content)]


def _next_link(response: Any) -> str | None:
    match = re.search(rb'href="\?([^"]*page=\d+[^"]*)" class="btn" rel="next"',
                      response.content)
    return match.group(1).decode().replace("&amp;", "&") if match else None


@pytest.mark.django_db
def test_staff_sees_open_demand_with_its_columns(demand: Demand,
                                                 reviewer_client: Client) -> None:
    response = reviewer_client.get(reverse("review:queue"))
    assert response.status_code == 200
    body = response.content.decode()
    assert demand.reference in body
    assert "Federal Bureau of Investigation" in body
    assert "us.ecpa.warrant" in body
    assert _ids(response) == [demand.pk]
    assert "2020-10-05 14:00" in body


@pytest.mark.django_db
def test_closed_demands_only_under_all(make_demand: Callable[..., Demand],
                                       reviewer_client: Client) -> None:
    open_one = make_demand(reference="OPEN-1")
    closed = make_demand(reference="CLOSED-1")
    actions.withdraw_demand(closed, user=None, reason="no longer needed")
    assert _ids(reviewer_client.get(QUEUE)) == [open_one.pk]
    assert set(_ids(reviewer_client.get(QUEUE, {"status": "all"}))) == {open_one.pk, closed.pk}
    assert _ids(reviewer_client.get(QUEUE, {"status": "withdrawn"})) == [closed.pk]


@pytest.mark.django_db
def test_filters_by_jurisdiction_and_assignee(make_demand: Callable[..., Demand],
                                              hk_police: Authority, reviewer: Any,
                                              reviewer_client: Client) -> None:
    us = make_demand(reference="US-1")
    hk = make_demand(reference="HK-1", authority=hk_police, instrument="generic.police_request")
    assert _ids(reviewer_client.get(QUEUE, {"jurisdiction": "hk"})) == [hk.pk]
    actions.claim_demand(us, reviewer)
    assert _ids(reviewer_client.get(QUEUE, {"mine": "1"})) == [us.pk]


@pytest.mark.django_db
def test_invalid_filters_are_ignored_not_fatal(demand: Demand, reviewer_client: Client) -> None:
    response = reviewer_client.get(QUEUE, {"status": "bogus", "jurisdiction": "<x>",
                                           "after": "abc"})
    assert response.status_code == 200
    assert _ids(response) == [demand.pk]
    assert b"Ignored an invalid filter" in response.content


@pytest.mark.django_db
def test_counts_per_status(make_demand: Callable[..., Demand], reviewer: Any,
                           reviewer_client: Client) -> None:
    first = make_demand(reference="A")
    make_demand(reference="B")
    actions.request_clarification(actions.claim_demand(first, reviewer), "Which account?",
                                  user=reviewer)
    response = reviewer_client.get(QUEUE)
    body = response.content.decode()
    assert re.search(r"Open <span class=\"count\">2</span>", body)
    assert re.search(r"awaiting authority <span class=\"count\">1</span>", body)


@pytest.mark.django_db
def test_pagination_returns_every_demand_once(make_demand: Callable[..., Demand],
                                                     reviewer_client: Client) -> None:
    made = [make_demand(reference=f"P-{i:02d}", emergency=i % 12 == 0,
                        received_at=RECEIVED + timedelta(minutes=i)) for i in range(60)]
    first = reviewer_client.get(QUEUE)
    page1 = _ids(first)
    assert len(page1) == 50
    link = _next_link(first)
    assert link is not None
    second = reviewer_client.get(f"{QUEUE}?{link}")
    page2 = _ids(second)
    assert len(page2) == 10
    assert _next_link(second) is None
    assert len(set(page1) | set(page2)) == 60
    assert set(page1) | set(page2) == {d.pk for d in made}
    # Emergencies are riskier, so they come first; within the tier the nearest deadline
    # (the platform's emergency target after receipt) first, so the oldest first.
    emergencies = sorted(d.pk for d in made if d.emergency)
    assert page1[: len(emergencies)] == emergencies


@pytest.mark.django_db
def test_pagination_keeps_filters(make_demand: Callable[..., Demand],
                                  reviewer_client: Client) -> None:
    for i in range(52):
        make_demand(reference=f"F-{i}")
    link = _next_link(reviewer_client.get(QUEUE, {"jurisdiction": "US"}))
    assert link is not None
    assert "jurisdiction=US" in link


@pytest.mark.django_db
def test_queue_query_count_does_not_grow_with_rows(make_demand: Callable[..., Demand],
                                                   reviewer: Any,
                                                   reviewer_client: Client) -> None:
    def queries_with(n: int) -> int:
        for i in range(n):
            actions.claim_demand(make_demand(reference=f"Q-{n}-{i}"), reviewer)
        with CaptureQueriesContext(connection) as ctx:
            response = reviewer_client.get(QUEUE)
        assert response.status_code == 200
        return len(ctx.captured_queries)

    assert queries_with(1) == queries_with(12)


@pytest.mark.django_db
def test_a_page_past_the_end_is_empty_not_an_error(demand: Demand,
                                                   reviewer_client: Client) -> None:
    response = reviewer_client.get(QUEUE, {"page": "150"})
    assert response.status_code == 200 and _ids(response) == []
    assert _ids(reviewer_client.get(QUEUE, {"page": "1"})) == [demand.pk]


@pytest.mark.django_db
def test_status_filter_for_single_status(make_demand: Callable[..., Demand],
                                         reviewer_client: Client) -> None:
    demand = make_demand()
    assert demand.status in (Status.IN_REVIEW, Status.ON_HOLD)
    assert _ids(reviewer_client.get(QUEUE, {"status": demand.status})) == [demand.pk]
    other = Status.ON_HOLD if demand.status == Status.IN_REVIEW else Status.IN_REVIEW
    assert _ids(reviewer_client.get(QUEUE, {"status": other})) == []


@pytest.mark.django_db
def test_archive_sorted_by_receipt_pages_newest_first(make_demand: Callable[..., Demand],
                                  reviewer_client: Client) -> None:
    made = [make_demand(reference=f"R-{i:02d}", emergency=i == 3) for i in range(55)]
    first = reviewer_client.get(QUEUE, {"status": "all", "sort": "-received"})
    page1 = _ids(first)
    assert page1 == sorted((d.pk for d in made), reverse=True)[:50]
    link = _next_link(first)
    assert link is not None and "status=all" in link
    page2 = _ids(reviewer_client.get(f"{QUEUE}?{link}"))
    assert page2 == sorted(d.pk for d in made)[:5][::-1]
