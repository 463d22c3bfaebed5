"""Only platform staff reach the console: anonymous users log in, everyone else gets 403."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dueprocess.demands.models import Authority, Demand, Requester
from tests.review.conftest import logged_in

GET_URLS = ("review:queue", "review:demand")
POST_URLS = ("review:decide", "review:claim", "review:clarify", "review:approve")


def _url(name: str, demand: Demand) -> str:
    return reverse(name) if name == "review:queue" else reverse(name, args=[demand.pk])


@pytest.mark.django_db
@pytest.mark.parametrize("name", GET_URLS + POST_URLS)
def test_anonymous_is_sent_to_login(name: str, demand: Demand) -> None:
    client = Client()
    url = _url(name, demand)
    response = client.post(url) if name in POST_URLS else client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


@pytest.mark.django_db
@pytest.mark.parametrize("name", GET_URLS + POST_URLS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_authority_officer_is_forbidden(name: str, method: str, demand: Demand,
                                        fbi: Authority,
                                        officer_of: Callable[[Authority], Any]) -> None:
    client = logged_in(officer_of(fbi))
    response = getattr(client, method)(_url(name, demand))
    assert response.status_code == 403
    assert demand.reference.encode() not in response.content


@pytest.mark.django_db
def test_staff_flag_on_an_authority_account_does_not_open_the_console(
        demand: Demand, fbi: Authority, make_user: Callable[..., Any]) -> None:
    user = make_user("mistake@fbi.example", staff=True)
    Requester.objects.create(authority=fbi, user=user)
    response = logged_in(user).get(reverse("review:queue"))
    assert response.status_code == 403


@pytest.mark.django_db
def test_staff_without_decision_permission_may_read_but_not_decide(
        demand: Demand, make_user: Callable[..., Any]) -> None:
    client = logged_in(make_user("reader@platform.example", staff=True,
                                 perms=("demands.view_demand",)))
    page = client.get(reverse("review:demand", args=[demand.pk]))
    assert page.status_code == 200
    assert b"Record decisions" not in page.content
    response = client.post(reverse("review:claim", args=[demand.pk]))
    assert response.status_code == 403
    assert b"demands.add_decision" in response.content
    demand.refresh_from_db()
    assert demand.assignee_id is None


@pytest.mark.django_db
def test_wrong_method_is_refused(demand: Demand, reviewer_client: Client) -> None:
    assert reviewer_client.get(reverse("review:claim", args=[demand.pk])).status_code == 405
    assert reviewer_client.post(reverse("review:queue")).status_code == 405


@pytest.mark.django_db
def test_unknown_demand_is_404(reviewer_client: Client) -> None:
    assert reviewer_client.get(reverse("review:demand", args=[999999])).status_code == 404


@pytest.mark.django_db
def test_login_page_renders_and_signs_in(reviewer: Any) -> None:
    client = Client()
    page = client.get("/login/")
    assert page.status_code == 200
    assert b"Sign in" in page.content
    response = client.post("/login/", {"username": reviewer.username,
                                       "password": "correct horse battery staple"})
    assert response.status_code == 302
    assert response["Location"] == "/review/"
    assert client.get("/review/").status_code == 200


@pytest.mark.django_db
def test_failed_login_says_so() -> None:
    response = Client().post("/login/", {"username": "nobody", "password": "wrong"})
    assert response.status_code == 200
    assert b"did not match" in response.content
