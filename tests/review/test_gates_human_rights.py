"""The human-rights review: required where vetting flags rights risks or policy asks for it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dueprocess.audit.models import AuditEvent
from dueprocess.demands.actions import receive_demand
from dueprocess.demands.inputs import DemandIn
from dueprocess.demands.models import Authority, Decision, Demand, Status
from dueprocess.review.models import HumanRightsReview
from tests.conftest import sch4_disclose
from tests.review.roles import staff_member, verified_client

REVIEW = {"legality": "unclear", "legality_notes": "Vague offence of 'secession'.",
          "necessity": "not_met", "proportionality": "not_met",
          "alternatives": ["withhold_in_territory"],
          "conclusion": "proceed_with_alternative",
          "rationale": "Withholding in HK only is the least restrictive answer."}


@pytest.fixture
def hk_demand(hk_police: Authority) -> Demand:
    body = {k: v for k, v in sch4_disclose("2020-07-20T09:05:00+08:00").items()
            if k not in ("authority", "received_at")}
    return receive_demand(DemandIn.model_validate(body), authority=hk_police, requester=None,
                          user=None, received_at=datetime(2020, 7, 20, 1, 5, tzinfo=UTC))


def _comply(client: Client, demand: Demand) -> Any:
    return client.post(reverse("review:decide", args=[demand.pk]), {
        "ask-0-outcome": "comply", "ask-0-reason_codes": ["valid_legal_process"]})


@pytest.mark.django_db
def test_complying_with_a_flagged_demand_needs_a_review_first(hk_demand: Demand) -> None:
    client = verified_client(staff_member("legal_reviewer"))
    page = client.get(reverse("review:demand", args=[hk_demand.pk])).content.decode()
    assert "human-rights review required" in page
    assert "rights.high_risk_instrument" in page
    response = _comply(client, hk_demand)
    assert response.status_code == 409
    assert "a human-rights review is required" in response.content.decode()
    assert not Decision.objects.filter(demand=hk_demand).exists()
    # Refusing needs no review.
    refused = client.post(reverse("review:decide", args=[hk_demand.pk]), {
        "ask-0-outcome": "reject", "ask-0-reason_codes": ["human_rights_risk"]})
    assert refused.status_code == 302


@pytest.mark.django_db
def test_the_api_applies_the_same_rule(hk_demand: Demand, api_as: Any) -> None:
    reviewer = staff_member("legal_reviewer")
    response = api_as(reviewer).post(f"/demands/{hk_demand.pk}/decisions", {"decisions": [
        {"ask": 0, "outcome": "comply", "reason_codes": ["valid_legal_process"]}]})
    assert response.status_code == 409
    assert "human-rights review" in response.json()["error"]["message"]


@pytest.mark.django_db
def test_reviewer_records_a_review_and_then_complying_is_possible(hk_demand: Demand) -> None:
    hr = staff_member("human_rights_reviewer")
    client = verified_client(hr)
    page = client.get(reverse("review:demand", args=[hk_demand.pk])).content.decode()
    assert "Record the review" in page
    assert "Withhold in the requesting territory only" in page
    response = client.post(reverse("review:human_rights", args=[hk_demand.pk]), REVIEW)
    assert response.status_code == 302
    review = HumanRightsReview.objects.get(demand=hk_demand)
    assert review.reviewer == hr
    assert review.alternatives == ["withhold_in_territory"]
    event = AuditEvent.objects.get(demand_id=hk_demand.pk, verb="demand.human_rights_reviewed")
    assert event.payload["conclusion"] == "proceed_with_alternative"
    reviewer = verified_client(staff_member("legal_reviewer"))
    # The conclusion binds: complying in full goes beyond "less restrictive only".
    limited = _comply(reviewer, hk_demand)
    assert limited.status_code == 409
    assert "human-rights limits" in limited.content.decode()
    assert not Decision.objects.filter(demand=hk_demand).exists()
    assert client.post(reverse("review:human_rights", args=[hk_demand.pk]), {
        **REVIEW, "conclusion": "proceed", "alternatives": []}).status_code == 302
    # The order's issuer is not competent (a block finding): complying needs an override
    # by a legal lead, and then a second person's approval.
    refused = _comply(reviewer, hk_demand)
    assert refused.status_code == 409
    assert "override required" in refused.content.decode()
    lead = verified_client(staff_member("legal_lead"))
    done = lead.post(reverse("review:decide", args=[hk_demand.pk]), {
        "ask-0-outcome": "comply", "ask-0-reason_codes": ["valid_legal_process"],
        "override-findings": ["legal.issuer_not_competent"],
        "override-reason_codes": ["valid_legal_process"],
        "override-rationale": "The Commissioner's delegation was produced and checked."})
    assert done.status_code == 302
    hk_demand.refresh_from_db()
    assert hk_demand.awaiting_approval


@pytest.mark.django_db
def test_a_newer_review_supersedes_and_do_not_proceed_blocks(hk_demand: Demand) -> None:
    client = verified_client(staff_member("human_rights_reviewer"))
    url = reverse("review:human_rights", args=[hk_demand.pk])
    assert client.post(url, REVIEW).status_code == 302
    assert client.post(url, {**REVIEW, "conclusion": "do_not_proceed",
                             "alternatives": []}).status_code == 302
    assert HumanRightsReview.objects.filter(demand=hk_demand).count() == 2
    assert HumanRightsReview.objects.filter(demand=hk_demand,
                                            superseded_at__isnull=True).count() == 1
    response = _comply(verified_client(staff_member("legal_reviewer")), hk_demand)
    assert response.status_code == 409
    assert "concluded not to proceed" in response.content.decode()


@pytest.mark.django_db
def test_form_errors_and_missing_alternative(hk_demand: Demand) -> None:
    client = verified_client(staff_member("human_rights_reviewer"))
    url = reverse("review:human_rights", args=[hk_demand.pk])
    response = client.post(url, {**REVIEW, "alternatives": [], "rationale": ""})
    assert response.status_code == 400
    body = response.content.decode()
    assert "name the alternative" in body
    assert not HumanRightsReview.objects.exists()


@pytest.mark.django_db
def test_a_legal_reviewer_may_not_record_the_review(hk_demand: Demand) -> None:
    client = verified_client(staff_member("legal_reviewer"))
    response = client.post(reverse("review:human_rights", args=[hk_demand.pk]), REVIEW)
    assert response.status_code == 403
    assert not HumanRightsReview.objects.exists()


@pytest.mark.django_db
def test_a_plain_warrant_needs_no_review(make_demand: Callable[..., Demand]) -> None:
    demand = make_demand()
    response = _comply(verified_client(staff_member("legal_reviewer")), demand)
    assert response.status_code == 302
    demand.refresh_from_db()
    assert demand.status in (Status.APPROVED, Status.EXECUTING, Status.COMPLETED)


@pytest.mark.django_db
def test_an_override_without_reasons_is_refused_beside_the_form(hk_demand: Demand) -> None:
    lead = verified_client(staff_member("legal_lead"))
    page = lead.get(reverse("review:demand", args=[hk_demand.pk])).content.decode()
    assert "Before complying" in page and "legal.issuer_not_competent" in page
    assert "Override (complying against block findings" in page
    response = lead.post(reverse("review:decide", args=[hk_demand.pk]), {
        "ask-0-outcome": "reject", "ask-0-reason_codes": ["human_rights_risk"],
        "override-findings": ["legal.issuer_not_competent"], "override-rationale": "ok"})
    assert response.status_code == 422
    body = response.content.decode()
    assert "override: give at least one reason code" in body
    assert not Decision.objects.filter(demand=hk_demand).exists()
