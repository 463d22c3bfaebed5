"""API tokens in the console: each person their own, the administrator everyone's, revoking
after a confirmation page, through the audited action."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dueprocess.accounts.actions import issue_token
from dueprocess.accounts.models import ApiToken
from dueprocess.audit.models import AuditEvent
from dueprocess.demands.models import Authority
from tests.conftest import ApiClient
from tests.review.roles import staff_member, verified_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(fbi: Authority, officer_of: Any) -> dict[str, Any]:
    reviewer = staff_member("legal_reviewer")
    admin = staff_member("admin")
    auditor = staff_member("auditor")
    officer = officer_of(fbi)
    tokens = {
        "reviewer": issue_token(reviewer, name="reviewer script", scopes=["read"])[0],
        "officer": issue_token(officer, name="case system", scopes=["read", "submit"])[0],
    }
    return {"reviewer": reviewer, "admin": admin, "auditor": auditor, "officer": officer,
            "tokens": tokens}


def _listed(client: Any) -> str:
    response = client.get(reverse("review:tokens"))
    assert response.status_code == 200
    return response.content.decode()


def test_staff_see_their_own_tokens_only(people: dict[str, Any]) -> None:
    page = _listed(verified_client(people["reviewer"]))
    assert "reviewer script" in page and "read" in page
    assert "case system" not in page


def test_the_administrator_sees_everyones_with_owner_and_authority(
        people: dict[str, Any]) -> None:
    page = _listed(verified_client(people["admin"]))
    assert "reviewer script" in page and "case system" in page
    assert "Federal Bureau of Investigation" in page
    assert people["officer"].username in page
    assert "read, submit" in page


def test_last_use_shows_once_the_token_was_used(people: dict[str, Any]) -> None:
    token, raw = issue_token(people["reviewer"], name="used one")
    assert ApiClient(raw).get("/demands").status_code in (200, 403)
    token.refresh_from_db()
    assert token.last_used_at is not None
    page = _listed(verified_client(people["reviewer"]))
    assert token.last_used_at.strftime("%Y-%m-%d") in page.split("used one")[1][:600]


def test_revoking_asks_first_then_revokes_and_audits(people: dict[str, Any]) -> None:
    client = verified_client(people["admin"])
    token = people["tokens"]["officer"]
    url = reverse("review:revoke_token", args=[token.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200 and b"Revoke the token" in confirm.content
    token.refresh_from_db()
    assert token.revoked_at is None  # asking changes nothing
    done = client.post(url)
    assert done.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    event = AuditEvent.objects.get(verb="token.revoked")
    assert event.actor.endswith(people["admin"].username)
    assert "revoked" in _listed(client)


def test_others_tokens_are_neither_shown_nor_revocable_without_the_permission(
        people: dict[str, Any]) -> None:
    officer_token = people["tokens"]["officer"]
    reviewer = verified_client(people["reviewer"])
    url = reverse("review:revoke_token", args=[officer_token.pk])
    assert reviewer.post(url).status_code == 404
    auditor = verified_client(people["auditor"])
    page = _listed(auditor)
    assert "case system" in page  # the auditor reads every token ...
    assert url not in page
    assert auditor.post(url).status_code == 403  # ... and changes none
    assert ApiToken.objects.get(pk=officer_token.pk).revoked_at is None
    assert not AuditEvent.objects.filter(verb="token.revoked").exists()


def test_a_reviewer_revokes_their_own(people: dict[str, Any]) -> None:
    token = people["tokens"]["reviewer"]
    client = verified_client(people["reviewer"])
    assert client.post(reverse("review:revoke_token", args=[token.pk])).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_officers_and_anonymous_visitors_are_kept_out(people: dict[str, Any]) -> None:
    assert Client().get(reverse("review:tokens")).status_code == 302
    officer = Client()
    officer.force_login(people["officer"])
    assert officer.get(reverse("review:tokens")).status_code == 403
