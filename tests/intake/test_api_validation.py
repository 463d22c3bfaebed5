"""Validation by another authority and stay-down asks, from every intake channel to the
case page: e-Evidence Regulation 2023/1543 Art. 4 and Glawischnig-Piesczek (C-18/18)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from dueprocess.demands.models import Authority, Demand, Requester
from dueprocess.intake.email_intake import import_eml
from tests.intake.conftest import TOTP_KEY, eml, totp_now

pytestmark = pytest.mark.django_db

ISSUER = "legal.issuer_not_competent"


@pytest.fixture
def parquet(db: Any) -> Authority:
    return Authority.objects.create(slug="pnf", name="Parquet national financier",
                                    jurisdiction="FR", kind="prosecutor",
                                    domains=["justice.fr"])


@pytest.fixture
def staff_api(api_as: Any, reviewer: Any) -> Any:
    return api_as(reviewer)


def epoc(**extra: Any) -> dict[str, Any]:
    return {"reference": "PNF-2026-77", "instrument": "eu.evidence.epoc", "authority": "pnf",
            "issued_by": {"name": "Mme C. Martin", "title": "Procureure", "role": "prosecutor"},
            "legal_basis": "Regulation (EU) 2023/1543, Art. 5",
            "statement_of_reasons": "Organised fraud", "offences": ["fr.code_penal.313-1"],
            "received_at": "2026-09-01T09:00:00Z",
            "asks": [{"kind": "disclose", "data_categories": ["content"],
                      "date_from": "2026-06-01", "date_to": "2026-08-31"}],
            "targets": [{"type": "account", "id": "@fraud"}], **extra}


def dsa_stay_down(**extra: Any) -> dict[str, Any]:
    return {"reference": "PNF-DSA-1", "instrument": "eu.dsa.art9", "authority": "pnf",
            "issued_by": {"name": "Mme C. Martin", "role": "prosecutor"},
            "legal_basis": "Art. 9 DSA", "statement_of_reasons": "Defamation of a person",
            "redress": "Tribunal judiciaire de Paris", "received_at": "2026-09-01T09:00:00Z",
            "asks": [{"kind": "restrict_content", "measure": "withhold",
                      "territorial_scope": ["FR"], "equivalent_content": True}],
            "targets": [{"type": "content", "url": "https://example.social/p/1"}], **extra}


def codes(body: dict[str, Any]) -> set[str]:
    return {f["code"] for f in body["findings"]}


def test_a_prosecutors_epoc_for_content_needs_a_judges_validation(
        staff_api: Any, parquet: Authority, reviewer: Any) -> None:
    alone = staff_api.post("/demands", epoc())
    assert alone.status_code == 201, alone.content
    assert ISSUER in codes(alone.json())
    assert alone.json()["recommendation"] == "reject"
    validated = staff_api.post("/demands", epoc(
        reference="PNF-2026-78",
        validated_by={"role": "judge", "name": "M. J. Roux", "title": "Juge des libertés"}))
    assert validated.status_code == 201, validated.content
    body = validated.json()
    assert ISSUER not in codes(body)
    assert body["recommendation"] != "reject"
    assert body["validated_by"] == {"role": "judge", "name": "M. J. Roux",
                                    "title": "Juge des libertés"}
    # the validating judge is screened like every official named on the demand
    assert "M. J. Roux" in [o["name"] for o in body["officials"]]
    client = Client()
    client.force_login(reviewer)
    page = client.get(f"/review/demands/{body['id']}/").content.decode()
    assert "Validated by" in page and "M. J. Roux" in page


def test_validation_by_a_prosecutor_is_not_enough_for_content(
        staff_api: Any, parquet: Authority) -> None:
    body = staff_api.post("/demands", epoc(issued_by={"name": "Cdt Durand", "role": "police"},
                                           validated_by={"role": "prosecutor"})).json()
    finding = next(f for f in body["findings"] if f["code"] == ISSUER)
    assert finding["evidence"]["validated_by"] == "prosecutor"


@pytest.mark.parametrize("validated_by", [{"role": "police"}, {"name": "No role"}])
def test_a_validation_needs_a_judicial_role(staff_api: Any, parquet: Authority,
                                            validated_by: dict[str, str]) -> None:
    r = staff_api.post("/demands", epoc(validated_by=validated_by))
    assert r.status_code == 422
    assert not Demand.objects.exists()


def test_a_stay_down_ask_is_stored_shown_and_flagged(
        staff_api: Any, parquet: Authority, reviewer: Any) -> None:
    r = staff_api.post("/demands", dsa_stay_down())
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["asks"][0]["equivalent_content"] is True
    finding = next(f for f in body["findings"] if f["code"] == "scope.equivalent_content")
    assert finding["severity"] == "warning"
    assert "C-18/18" in finding["message"]
    assert body["recommendation"] == "escalate"
    client = Client()
    client.force_login(reviewer)
    page = client.get(f"/review/demands/{body['id']}/").content.decode()
    assert "identical or equivalent content" in page


def test_only_a_content_restriction_reaches_equivalent_content(
        staff_api: Any, parquet: Authority) -> None:
    r = staff_api.post("/demands", epoc(asks=[{
        "kind": "disclose", "data_categories": ["subscriber"], "equivalent_content": True}]))
    assert r.status_code == 422


@pytest.fixture
def french_portal(make_user: Any, parquet: Authority) -> Client:
    user = make_user("c.martin@justice.fr")
    Requester.objects.create(authority=parquet, user=user, title="Procureure", verified=True)
    TOTPDevice.objects.create(user=user, name="phone", key=TOTP_KEY, confirmed=True)
    client = Client()
    r = client.post("/portal/login/", {"email": user.email,
                                       "password": "correct horse battery staple",
                                       "otp_token": totp_now()})
    assert r.status_code == 302, r.content
    return client


PORTAL_EPOC = {
    "reference": "PNF-P-1", "issued_by_name": "Mme C. Martin", "issued_by_role": "prosecutor",
    "legal_basis": "Regulation (EU) 2023/1543", "statement_of_reasons": "Fraud",
    "offences": "fr.code_penal.313-1", "ask_kind": "disclose", "data_categories": ["content"],
    "date_from": "2026-06-01", "date_to": "2026-08-31", "target_type": "auto",
    "targets": "@fraud\n", "language": "fr",
}


def test_the_portal_form_records_the_validation(french_portal: Client) -> None:
    url = "/portal/demands/new/?instrument=eu.evidence.epoc"
    assert "Validated by" in french_portal.get(url).content.decode()
    no_role = french_portal.post(url, {**PORTAL_EPOC, "validated_by_name": "M. J. Roux"})
    assert no_role.status_code == 400
    assert not Demand.objects.exists()
    r = french_portal.post(url, {**PORTAL_EPOC, "validated_by_role": "judge",
                                 "validated_by_name": "M. J. Roux"})
    assert r.status_code == 302, r.content.decode()[:2000]
    demand = Demand.objects.get()
    assert demand.validated_by == {"role": "judge", "name": "M. J. Roux", "title": ""}
    assert not demand.findings.current().filter(code=ISSUER).exists()


def test_the_portal_form_offers_stay_down_only_for_content(french_portal: Client) -> None:
    assert "equivalent content" not in french_portal.get(
        "/portal/demands/new/?instrument=eu.evidence.epoc").content.decode()
    url = "/portal/demands/new/?instrument=eu.dsa.art9"
    r = french_portal.post(url, {
        "reference": "PNF-P-2", "issued_by_name": "Mme C. Martin",
        "issued_by_role": "prosecutor", "legal_basis": "Art. 9 DSA",
        "statement_of_reasons": "Defamation", "redress": "Tribunal judiciaire",
        "ask_kind": "restrict_content", "measure": "withhold", "territorial_scope": "FR",
        "equivalent_content": "on", "target_type": "auto",
        "targets": "https://example.social/p/1\n", "language": "fr"})
    assert r.status_code == 302, r.content.decode()[:2000]
    demand = Demand.objects.get()
    assert demand.asks.get().equivalent_content is True
    assert demand.findings.current().filter(code="scope.equivalent_content").exists()


def test_an_email_states_the_validation_and_the_stay_down(parquet: Authority,
                                                          reviewer: Any) -> None:
    validated = import_eml(eml(
        sender="Claire Martin <c.martin@justice.fr>", subject="EPOC PNF-2026-90",
        body="Reference: PNF-2026-90\nInstrument: eu.evidence.epoc\nRole: prosecutor\n"
             "Validated by: M. J. Roux\nValidator role: judge\n"
             "Offences: fr.code_penal.313-1\n"
             "Ask: disclose content 2026-06-01 2026-08-31\nTarget: @fraud\n"), user=reviewer)
    assert validated.demand is not None
    assert validated.demand.validated_by == {"role": "judge", "name": "M. J. Roux",
                                             "title": ""}
    stay_down = import_eml(eml(
        sender="Claire Martin <c.martin@justice.fr>", subject="Order PNF-DSA-9",
        body="Reference: PNF-DSA-9\nInstrument: eu.dsa.art9\nRole: prosecutor\n"
             "Ask: restrict_content withhold FR equivalent\n"
             "Target: https://example.social/p/1\n"), user=reviewer)
    assert stay_down.demand is not None
    assert stay_down.demand.asks.get().equivalent_content is True
    assert stay_down.demand.findings.current().filter(code="scope.equivalent_content").exists()
