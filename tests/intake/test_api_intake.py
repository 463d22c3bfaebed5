"""Callbacks, fraud signals, clarifications, scopes and rate limits over the API."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from dueprocess.accounts.actions import issue_token
from dueprocess.accounts.models import ApiToken
from dueprocess.demands import actions
from dueprocess.demands.models import Authority, Demand
from dueprocess.intake.models import CallbackRecord, FraudSignal
from tests.conftest import ApiClient
from tests.intake.conftest import emergency_body, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def emergency(fbi: Authority) -> Demand:
    fbi.phones = ["+1 202 324 3000"]
    fbi.save()
    return receive(fbi, emergency_body(), channel="email", sender_email="d.price@fbi.gov")


def test_staff_record_a_callback_on_a_registry_number_and_the_block_lifts(
        api_as: Any, reviewer: Any, emergency: Demand) -> None:
    client = api_as(reviewer)
    before = client.get(f"/demands/{emergency.pk}/sender").json()
    assert before["verified"] and not before["callback_recorded"]
    r = client.post(f"/demands/{emergency.pk}/callbacks",
                    {"phone": "+1 202 324 3000", "outcome": "confirmed",
                     "spoke_with": "Duty officer"})
    assert r.status_code == 201, r.content
    codes = [f["code"] for f in client.get(f"/demands/{emergency.pk}").json()["findings"]]
    assert "auth.emergency_unverified" not in codes
    assert client.get(f"/demands/{emergency.pk}/sender").json()["callback_recorded"]


def test_a_number_from_the_demand_is_not_a_callback(api_as: Any, reviewer: Any,
                                                    emergency: Demand) -> None:
    r = api_as(reviewer).post(f"/demands/{emergency.pk}/callbacks",
                              {"phone": "+1 555 0100", "outcome": "confirmed"})
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "phone"
    assert "never on a number taken from the demand" in r.json()["error"]["message"]
    assert not CallbackRecord.objects.exists()


def test_officers_cannot_record_callbacks_or_read_sender_checks(
        api_as: Any, officer: Any, emergency: Demand) -> None:
    client = api_as(officer)
    assert client.post(f"/demands/{emergency.pk}/callbacks",
                       {"phone": "+1 202 324 3000", "outcome": "confirmed"}).status_code == 403
    assert client.get(f"/demands/{emergency.pk}/sender").status_code == 403


def test_fraud_signals_mark_export_and_import(api_as: Any, reviewer: Any, fbi: Authority,
                                              admin_user: Any) -> None:
    client = api_as(admin_user)
    assert api_as(reviewer).post("/fraud-signals", {"value": "x@evil.example"}
                                 ).status_code == 403
    r = client.post("/fraud-signals", {"value": "M.Hill@FBI-gov.us", "reason": "forged EDR"})
    assert r.status_code == 201
    assert (r.json()["kind"], r.json()["value"]) == ("sender", "m.hill@fbi-gov.us")
    exported = client.get("/fraud-signals/export")
    text = exported.content.decode()
    assert text.splitlines()[0] == "kind,value,reason,first_seen,source"
    assert "sender,m.hill@fbi-gov.us,forged EDR" in text

    csv_body = (b"kind,value,reason\ndomain,xn--fb-ioc.gov,cyrillic i\n"
                b"domain,not a domain!,x\nsender,nobody,x\n,evil.example,\n")
    f = io.BytesIO(csv_body)
    f.name = "shared.csv"
    r = client.client.post("/api/v1/fraud-signals/import?source=partner", {"file": f},
                           headers=client._headers())
    assert r.status_code == 200, r.content
    assert (r.json()["added"], r.json()["rejected"]) == (2, 2)
    assert [e["line"] for e in r.json()["errors"]] == [3, 4]
    assert FraudSignal.objects.filter(kind="domain", value="fb\u0456.gov",
                                      source="partner").exists()


def test_the_authority_answers_a_clarification_and_the_demand_returns_to_review(
        api_as: Any, officer: Any, reviewer: Any, fbi: Authority) -> None:
    demand = receive(fbi, emergency_body(emergency=False, instrument="us.ecpa.subpoena"),
                     requester=officer.requester, channel="api")
    actions.request_clarification(demand, "Which account exactly?", user=reviewer)
    client = api_as(officer)
    assert client.get(f"/demands/{demand.pk}").json()["status"] == "awaiting_authority"
    r = client.post(f"/demands/{demand.pk}/clarifications", {"answer": "The one at @x."})
    assert r.status_code == 200 and r.json()["status"] == "in_review"
    again = client.post(f"/demands/{demand.pk}/clarifications", {"answer": "again"})
    assert again.status_code == 409


def test_a_read_only_token_cannot_submit_or_upload(officer: Any, open_demand: Demand) -> None:
    _, raw = issue_token(officer, scopes=["read"])
    client = ApiClient(raw)
    assert client.get(f"/demands/{open_demand.pk}").status_code == 200
    r = client.post(f"/demands/{open_demand.pk}/withdraw")
    assert r.status_code == 403 and "'submit'" in r.json()["error"]["message"]
    r = client.client.post(f"/api/v1/demands/{open_demand.pk}/targets", b"@a\n",
                           content_type="text/plain", headers=client._headers())
    assert r.status_code == 403 and "'upload'" in r.json()["error"]["message"]


def test_expired_and_revoked_tokens_are_refused(officer: Any, open_demand: Demand) -> None:
    token, raw = issue_token(officer, expires_in_days=1)
    client = ApiClient(raw)
    assert client.get("/demands").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(1))
    assert client.get("/demands").status_code == 401
    token2, raw2 = issue_token(officer)
    ApiToken.objects.filter(pk=token2.pk).update(revoked_at=timezone.now())
    assert ApiClient(raw2).get("/demands").status_code == 401


def test_rate_limit_answers_429_with_retry_after(officer: Any, settings: Any) -> None:
    settings.DUEPROCESS_RATE_LIMITS = {"read": 3}
    _, raw = ApiToken.issue(officer)
    client = ApiClient(raw)
    assert [client.get("/demands").status_code for _ in range(3)] == [200, 200, 200]
    r = client.get("/demands")
    assert r.status_code == 429
    assert 1 <= int(r["Retry-After"]) <= 61
    assert r.json()["error"]["code"] == "rate_limited"
    _, other = ApiToken.issue(officer)
    assert ApiClient(other).get("/demands").status_code == 200  # limits are per token


def test_guessing_tokens_is_throttled_per_address(settings: Any, db: Any) -> None:
    settings.DUEPROCESS_RATE_LIMITS = {"auth_failure": 2}
    client = ApiClient("dp_wrong")
    assert [client.get("/demands").status_code for _ in range(3)] == [401, 401, 429]


def test_token_scopes_are_validated(officer: Any) -> None:
    from dueprocess.errors import InvalidInput

    with pytest.raises(InvalidInput, match="unknown scope"):
        issue_token(officer, scopes=["admin"])
