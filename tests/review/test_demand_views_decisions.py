"""Claiming, deciding, clarifying and four-eyes approval through the console."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dueprocess.audit.models import AuditEvent
from dueprocess.demands.models import (
    Action,
    Decision,
    Demand,
    Notice,
    NoticeKind,
    Policy,
    PolicyEffect,
    Status,
)


def _decide(client: Client, demand: Demand, **fields: Any) -> Any:
    data: dict[str, Any] = {"ask-0-outcome": "comply",
                            "ask-0-reason_codes": ["valid_legal_process"],
                            "ask-0-rationale": "Warrant signed by a magistrate judge."}
    data.update({f"ask-0-{k}": v for k, v in fields.items()})
    return client.post(reverse("review:decide", args=[demand.pk]), data)


@pytest.mark.django_db
def test_claim_assigns_and_audits(demand: Demand, reviewer: Any,
                                  reviewer_client: Client) -> None:
    page = reviewer_client.get(reverse("review:demand", args=[demand.pk]))
    assert b"Claim this demand" in page.content
    response = reviewer_client.post(reverse("review:claim", args=[demand.pk]))
    assert response.status_code == 302
    demand.refresh_from_db()
    assert demand.assignee_id == reviewer.pk
    assert AuditEvent.objects.filter(demand_id=demand.pk, verb="demand.claimed").exists()
    followed = reviewer_client.get(response["Location"])
    assert b"You are now assigned" in followed.content
    assert b"Claim this demand" not in followed.content


@pytest.mark.django_db
def test_comply_moves_the_demand_to_execution(demand: Demand, reviewer: Any,
                                              reviewer_client: Client) -> None:
    response = _decide(reviewer_client, demand)
    assert response.status_code == 302
    demand.refresh_from_db()
    assert demand.status in (Status.APPROVED, Status.EXECUTING)
    decision = Decision.objects.get(demand=demand)
    assert decision.outcome == "comply"
    assert decision.reason_codes == ["valid_legal_process"]
    assert decision.decided_by_id == reviewer.pk
    assert Action.objects.filter(demand=demand, kind="export").count() == 1
    followed = reviewer_client.get(response["Location"])
    assert b"Decisions recorded" in followed.content


@pytest.mark.django_db
def test_comply_in_part_narrows(make_demand: Callable[..., Demand],
                                reviewer_client: Client) -> None:
    demand = make_demand(asks=[{"kind": "disclose", "data_categories": ["subscriber", "content"],
                                "date_from": "2020-01-01", "date_to": "2020-09-30"}])
    response = _decide(reviewer_client, demand, outcome="comply_partially",
                       reason_codes=["overbroad"], data_categories=["subscriber"],
                       date_from="2020-06-01")
    assert response.status_code == 302
    decision = Decision.objects.get(demand=demand)
    assert decision.narrowed == {"data_categories": ["subscriber"], "date_from": "2020-06-01"}
    action = Action.objects.get(demand=demand)
    assert action.params["categories"] == ["subscriber"]


@pytest.mark.django_db
def test_narrowing_cannot_add_a_category(demand: Demand, reviewer_client: Client) -> None:
    status = demand.status
    response = _decide(reviewer_client, demand, outcome="comply_partially",
                       reason_codes=["overbroad"], data_categories=["content"])
    assert response.status_code == 400
    assert b"not recorded" in response.content
    assert b"content is not one of the available choices" in response.content
    demand.refresh_from_db()
    assert demand.status == status
    assert not Decision.objects.filter(demand=demand).exists()
    assert not AuditEvent.objects.filter(demand_id=demand.pk, verb="demand.decided").exists()


@pytest.mark.django_db
def test_domain_refusal_is_shown_not_raised(demand: Demand, reviewer_client: Client) -> None:
    """Widening the date range passes the form but the action refuses it."""
    status = demand.status
    response = _decide(reviewer_client, demand, outcome="comply_partially",
                       reason_codes=["overbroad"], date_from="2019-01-01")
    assert response.status_code == 422
    assert b"narrowing cannot widen the date range" in response.content
    assert b'value="2019-01-01"' in response.content  # the form keeps what was typed
    demand.refresh_from_db()
    assert demand.status == status
    assert not Decision.objects.filter(demand=demand).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("fields", [
    {"outcome": "", "reason_codes": ["overbroad"]},
    {"outcome": "comply", "reason_codes": []},
    {"outcome": "comply", "reason_codes": ["made_up_reason"]},
    {"outcome": "comply_partially", "reason_codes": ["overbroad"]},
    {"outcome": "comply_partially", "reason_codes": ["overbroad"],
     "date_from": "2020-05-01", "date_to": "2020-04-01"},
    {"outcome": "comply", "date_from": "not a date"},
])
def test_incomplete_decisions_are_refused(demand: Demand, reviewer_client: Client,
                                          fields: dict[str, Any]) -> None:
    response = _decide(reviewer_client, demand, **fields)
    assert response.status_code == 400
    assert not Decision.objects.filter(demand=demand).exists()


@pytest.mark.django_db
def test_reject_sends_a_refusal(demand: Demand, reviewer_client: Client) -> None:
    response = _decide(reviewer_client, demand, outcome="reject",
                       reason_codes=["insufficient_process"])
    assert response.status_code == 302
    demand.refresh_from_db()
    assert demand.status == Status.REJECTED
    assert Notice.objects.filter(demand=demand, kind=NoticeKind.REFUSAL).exists()
    # A closed demand cannot be decided again: the refusal is a 409 on the page.
    again = _decide(reviewer_client, demand)
    assert again.status_code == 409
    assert b"cannot be decided" in again.content


@pytest.mark.django_db
def test_clarification_request(demand: Demand, reviewer: Any, reviewer_client: Client) -> None:
    url = reverse("review:clarify", args=[demand.pk])
    if demand.status == Status.ON_HOLD:
        # The warrant may be held by vetting; the console only offers what the state allows.
        page = reviewer_client.get(reverse("review:demand", args=[demand.pk]))
        assert b"Request clarification" not in page.content
        assert reviewer_client.post(url, {"message": "Which dates?"}).status_code == 409
        return
    empty = reviewer_client.post(url, {"message": ""})
    assert empty.status_code == 400
    response = reviewer_client.post(url, {"message": "Please state the handle of the account."})
    assert response.status_code == 302
    demand.refresh_from_db()
    assert demand.status == Status.AWAITING_AUTHORITY
    letter = Notice.objects.get(demand=demand, kind=NoticeKind.CLARIFICATION_REQUEST)
    assert "Please state the handle of the account." in letter.body


@pytest.fixture
def four_eyes(db: Any) -> Policy:
    return Policy.objects.create(name="Four-eyes on every disclosure",
                                 effect=PolicyEffect.FOUR_EYES, ask_kinds=["disclose"],
                                 valid_from=date(2000, 1, 1))


@pytest.mark.django_db
def test_four_eyes(four_eyes: Policy, demand: Demand, reviewer: Any, approver: Any,
                   reviewer_client: Client, approver_client: Client) -> None:
    assert _decide(reviewer_client, demand).status_code == 302
    demand.refresh_from_db()
    assert demand.awaiting_approval
    assert demand.decided_by_id == reviewer.pk
    assert demand.status == Status.IN_REVIEW
    assert not Action.objects.filter(demand=demand).exists()

    own = reviewer_client.get(reverse("review:demand", args=[demand.pk]))
    assert b"Approve decisions" not in own.content
    assert b"wait for approval by another reviewer" in own.content
    refused = reviewer_client.post(reverse("review:approve", args=[demand.pk]))
    assert refused.status_code == 403
    assert b"four-eyes" in refused.content
    demand.refresh_from_db()
    assert demand.awaiting_approval

    other = approver_client.get(reverse("review:demand", args=[demand.pk]))
    assert b"Approve decisions" in other.content
    approved = approver_client.post(reverse("review:approve", args=[demand.pk]))
    assert approved.status_code == 302
    demand.refresh_from_db()
    assert not demand.awaiting_approval
    assert demand.approved_by_id == approver.pk
    assert demand.status in (Status.APPROVED, Status.EXECUTING)


@pytest.mark.django_db
def test_approving_when_nothing_waits_is_a_conflict(demand: Demand,
                                                    approver_client: Client) -> None:
    response = approver_client.post(reverse("review:approve", args=[demand.pk]))
    assert response.status_code == 409
    assert b"no decisions are waiting for approval" in response.content


@pytest.mark.django_db
def test_the_form_offers_withholding_in_the_issuing_country(
        make_demand: Callable[..., Demand], reviewer_client: Client) -> None:
    # A court order, which can compel an account restriction (a warrant cannot).
    demand = make_demand(instrument="generic.court_order",
                         issued_by={"name": "Hon. Jane Doe", "title": "Judge", "role": "court"},
                         asks=[{"kind": "restrict_account", "measure": "suspend"}])
    page = reviewer_client.get(reverse("review:demand", args=[demand.pk]))
    assert b"Withhold the account only in" in page.content
    assert b'name="ask-0-withhold_in" value="US"' in page.content

    missing = _decide(reviewer_client, demand, outcome="comply_partially", withhold_in="")
    assert missing.status_code == 400
    assert b"name the countries to withhold in" in missing.content
    bad = _decide(reviewer_client, demand, outcome="comply_partially", withhold_in="USA")
    assert bad.status_code == 400 and b"two-letter country codes" in bad.content
    assert not Decision.objects.filter(demand=demand).exists()

    done = _decide(reviewer_client, demand, outcome="comply_partially", withhold_in="us")
    assert done.status_code == 302
    decision = Decision.objects.get(demand=demand)
    assert decision.narrowed == {"measure": "withhold", "territorial_scope": ["US"]}
    action = Action.objects.get(demand=demand)
    assert (action.kind, action.params) == ("withhold_account",
                                            {"territories": ["US"], "instead_of": "suspend"})


@pytest.mark.django_db
def test_comply_ignores_the_withholding_field(make_demand: Callable[..., Demand],
                                              reviewer_client: Client) -> None:
    demand = make_demand(instrument="generic.court_order",
                         issued_by={"name": "Hon. Jane Doe", "title": "Judge", "role": "court"},
                         asks=[{"kind": "restrict_content", "measure": "remove"}],
                         targets=[{"type": "content", "url": "https://example.social/p/1"}])
    _decide(reviewer_client, demand, outcome="comply", withhold_in="US")
    assert Decision.objects.get(demand=demand).narrowed == {}
    assert Action.objects.get(demand=demand).kind == "remove"
