"""Admin: registries editable, policies checked and re-vetting, demands and tokens read-only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dueprocess.accounts.models import ApiToken
from dueprocess.audit.models import AuditEvent
from dueprocess.demands.admin import PolicyForm
from dueprocess.demands.models import Demand, Policy
from tests.review.conftest import logged_in

POLICY = {
    "name": "Hong Kong: pause data requests",
    "effect": "pause",
    "jurisdiction": "hk",
    "ask_kinds": '["disclose"]',
    "instruments": "[]",
    "params": "{}",
    "valid_from": "2020-07-06",
    "valid_to": "",
    "active": "on",
}


@pytest.fixture
def admin_client(admin_user: Any) -> Client:
    return logged_in(admin_user)


@pytest.mark.django_db
def test_policy_form_rejects_invalid_cel() -> None:
    form = PolicyForm(data={**POLICY, "condition": "jurisdiction == "})
    assert not form.is_valid()
    assert "Invalid CEL condition" in str(form.errors["condition"])


@pytest.mark.django_db
def test_policy_form_rejects_unknown_variable_and_bad_fields() -> None:
    form = PolicyForm(data={**POLICY, "condition": "jurisdicton == 'HK'",
                            "ask_kinds": '["disclose", "arrest"]', "jurisdiction": "HKG",
                            "valid_to": "2020-07-01"})
    assert not form.is_valid()
    assert set(form.errors) >= {"condition", "ask_kinds", "jurisdiction", "valid_to"}


@pytest.mark.django_db
def test_policy_form_accepts_valid_cel() -> None:
    form = PolicyForm(data={**POLICY, "condition": "jurisdiction == 'HK'"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["jurisdiction"] == "HK"


@pytest.mark.django_db
def test_admin_add_policy_with_invalid_cel_shows_error(admin_client: Client) -> None:
    response = admin_client.post(reverse("admin:demands_policy_add"),
                                 {**POLICY, "condition": "ask == && 1"})
    assert response.status_code == 200
    assert b"Invalid CEL condition" in response.content
    assert not Policy.objects.exists()


@pytest.mark.django_db
def test_saving_a_policy_revets_open_demands(admin_client: Client, demand: Demand) -> None:
    vetted = AuditEvent.objects.filter(demand_id=demand.pk, verb="demand.vetted").count()
    response = admin_client.post(reverse("admin:demands_policy_add"),
                                 {**POLICY, "jurisdiction": "US", "condition": ""})
    assert response.status_code == 302
    assert Policy.objects.get().jurisdiction == "US"
    assert AuditEvent.objects.filter(demand_id=demand.pk,
                                     verb="demand.vetted").count() == vetted + 1


@pytest.mark.django_db
def test_demand_admin_is_read_only(admin_client: Client, demand: Demand) -> None:
    assert admin_client.get(reverse("admin:demands_demand_changelist")).status_code == 200
    change = reverse("admin:demands_demand_change", args=[demand.pk])
    page = admin_client.get(change)
    assert page.status_code == 200
    assert b'name="status"' not in page.content
    assert admin_client.post(change, {"status": "completed"}).status_code == 403
    assert admin_client.get(reverse("admin:demands_demand_add")).status_code == 403
    demand.refresh_from_db()
    assert demand.status != "completed"


@pytest.mark.django_db
def test_registries_are_listed(admin_client: Client, fbi: Any) -> None:
    for name in ("admin:demands_authority_changelist", "admin:demands_requester_changelist",
                 "admin:demands_policy_changelist"):
        assert admin_client.get(reverse(name)).status_code == 200
    found = admin_client.get(reverse("admin:demands_authority_changelist"), {"q": "bureau"})
    assert b"fbi" in found.content


@pytest.mark.django_db
def test_tokens_are_listed_without_hash_and_can_be_revoked(admin_client: Client,
                                                           reviewer: Any) -> None:
    token, _raw = ApiToken.issue(reviewer, name="ci")
    listing = admin_client.get(reverse("admin:accounts_apitoken_changelist"))
    assert listing.status_code == 200
    assert token.prefix.encode() in listing.content
    assert token.key_hash.encode() not in listing.content
    detail = admin_client.get(reverse("admin:accounts_apitoken_change", args=[token.pk]))
    assert token.key_hash.encode() not in detail.content
    response = admin_client.post(reverse("admin:accounts_apitoken_changelist"),
                                 {"action": "revoke", "_selected_action": [token.pk]})
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert not ApiToken.objects.active().filter(pk=token.pk).exists()
    assert AuditEvent.objects.filter(verb="token.revoked").count() == 1
    assert admin_client.get(reverse("admin:accounts_apitoken_add")).status_code == 403
