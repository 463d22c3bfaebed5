"""The queue page: sortable headers that keep the filters, shareable views, bulk claims."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from dueprocess.audit.models import AuditEvent
from dueprocess.demands.models import Demand
from dueprocess.review.models import SavedView
from tests.review.roles import staff_member, verified_client

QUEUE = "/review/"
pytestmark = pytest.mark.django_db


def _headers(body: str) -> dict[str, tuple[str, str]]:
    """Header label -> (aria-sort, link query)."""
    found = re.findall(r'<th scope="col"[^>]*aria-sort="(\w+)"[^>]*><a href="\?([^"]*)" '
                       r'class="sort"[^>]*>(\w[\w.]*)', body)
    return {label: (aria, query.replace("&amp;", "&")) for aria, query, label in found}


def test_headers_say_the_order_and_their_links_keep_the_filters(
        demand: Demand, reviewer_client: Client) -> None:
    body = reviewer_client.get(QUEUE, {"jurisdiction": "US", "sort": "deadline"}).content.decode()
    heads = _headers(body)
    assert heads["Due"][0] == "ascending" and heads["Risk"][0] == "none"
    assert heads["Due"][1] == "jurisdiction=US&sort=-deadline"  # a second click reverses
    assert heads["Received"][1] == "jurisdiction=US&sort=-received"  # newest first at first
    default = _headers(reviewer_client.get(QUEUE).content.decode())
    assert default["Risk"][0] == "descending"


def test_the_assignee_filter_lists_people_who_can_be_assigned(
        demand: Demand, reviewer: Any, make_user: Callable[..., Any],
        reviewer_client: Client) -> None:
    make_user("clerk@platform.example", staff=True)
    body = reviewer_client.get(QUEUE).content.decode()
    select = body[body.index('name="assignee"'):]
    select = select[:select.index("</select>")]
    assert f'<option value="{reviewer.pk}">reviewer@platform.example</option>' in select
    assert "clerk@platform.example" not in select


def test_an_hour_deadline_shows_a_countdown(make_demand: Callable[..., Demand],
                                            reviewer_client: Client) -> None:
    demand = make_demand()
    Demand.objects.filter(pk=demand.pk).update(
        instrument="eu.tco.art3", received_at=timezone.now() - timedelta(minutes=20))
    body = reviewer_client.get(QUEUE).content.decode()
    match = re.search(r'<time datetime="([^"]+)" data-countdown class="countdown">([^<]+)</time>',
                      body)
    assert match is not None
    assert re.fullmatch(r"(39|40) min left", match.group(2))


def test_an_overdue_demand_says_by_how_much(make_demand: Callable[..., Demand],
                                            reviewer_client: Client) -> None:
    demand = make_demand()
    Demand.objects.filter(pk=demand.pk).update(deadline=timezone.now() - timedelta(hours=3))
    body = reviewer_client.get(QUEUE).content.decode()
    assert re.search(r"overdue by (2 h 59 min|3 h 0 min)", body)


def test_bulk_claim_assigns_and_reports_refusals(make_demand: Callable[..., Demand],
                                                 reviewer: Any,
                                                 reviewer_client: Client) -> None:
    from dueprocess.demands import actions

    first, second = make_demand(reference="A"), make_demand(reference="B")
    closed = make_demand(reference="C")
    actions.withdraw_demand(closed, user=None, reason="withdrawn")
    response = reviewer_client.post("/review/assign/", {
        "demands": [first.pk, second.pk, closed.pk], "assignee": "me",
        "next": "jurisdiction=US"}, follow=True)
    assert response.redirect_chain[-1][0] == "/review/?jurisdiction=US"
    body = response.content.decode()
    assert "Assigned 2 demands to you." in body
    assert f"Not assigned #{closed.pk}" in body
    assert set(Demand.objects.filter(assignee=reviewer).values_list("pk", flat=True)) == {
        first.pk, second.pk}
    assert AuditEvent.objects.filter(verb="demand.assigned").count() == 2


def test_bulk_assign_to_someone_not_listed_changes_nothing(
        demand: Demand, make_user: Callable[..., Any], reviewer_client: Client) -> None:
    clerk = make_user("clerk@platform.example", staff=True)
    response = reviewer_client.post("/review/assign/", {"demands": [demand.pk],
                                                        "assignee": str(clerk.pk)})
    assert response.status_code == 400
    assert b"Nothing was assigned" in response.content
    assert Demand.objects.get(pk=demand.pk).assignee_id is None


def test_a_view_is_saved_from_the_page_and_listed_then_deleted(demand: Demand) -> None:
    reviewer = staff_member("legal_reviewer", "lr@platform.example")
    reviewer_client = verified_client(reviewer)
    response = reviewer_client.post("/review/views/", {
        "name": "US by deadline", "query": "jurisdiction=US&sort=deadline&page=3"}, follow=True)
    assert response.redirect_chain[-1][0] == "/review/?jurisdiction=US&sort=deadline"
    view = SavedView.objects.get(owner=reviewer)
    assert view.query == "jurisdiction=US&sort=deadline"
    body = response.content.decode()
    assert 'href="?jurisdiction=US&amp;sort=deadline" class="view active"' in body
    reviewer_client.post("/review/views/delete/", {"view": view.pk})
    assert not SavedView.objects.exists()


def test_the_auditor_changes_nothing_not_even_a_view(demand: Demand) -> None:
    auditor = verified_client(staff_member("auditor", "audit@platform.example"))
    response = auditor.post("/review/views/", {"name": "mine", "query": "emergency=1"})
    assert response.status_code == 403 and not SavedView.objects.exists()
    response = auditor.post("/review/assign/", {"demands": [demand.pk], "assignee": "me"})
    assert response.status_code == 403
    assert Demand.objects.get(pk=demand.pk).assignee_id is None


def test_built_in_views_are_offered(demand: Demand, reviewer_client: Client) -> None:
    body = reviewer_client.get(QUEUE, {"emergency": "1"}).content.decode()
    for label in ("Needs human-rights review", "Answer received", "Awaiting approval",
                  "Emergencies", "My demands"):
        assert label in body
    assert 'href="?emergency=1" class="view active" aria-current="page"' in body
