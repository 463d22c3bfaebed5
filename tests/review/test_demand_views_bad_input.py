"""Forged posts, lost updates, HTML everywhere: refused or neutralised."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from dueprocess.demands import actions
from dueprocess.demands.models import Decision, Demand, Policy, PolicyEffect, Status
from tests.review.roles import staff_member, verified_client

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _version(page: bytes) -> str:
    found = re.search(rb'name="version" value="(\d+)"', page)
    assert found is not None
    return found.group(1).decode()


def _comply(demand: Demand, version: str, **extra: Any) -> dict[str, Any]:
    return {"version": version, "ask-0-outcome": "comply",
            "ask-0-reason_codes": ["valid_legal_process"], **extra}


@pytest.mark.django_db
def test_a_forged_post_without_csrf_token_is_refused(demand: Demand) -> None:
    user = staff_member("legal_reviewer")
    client = verified_client(user)
    client.handler.enforce_csrf_checks = True
    response = client.post(reverse("review:claim", args=[demand.pk]))
    assert response.status_code == 403
    demand.refresh_from_db()
    assert demand.assignee_id is None


@pytest.mark.django_db
def test_a_decision_on_a_page_that_is_out_of_date_is_refused(demand: Demand) -> None:
    first = verified_client(staff_member("legal_reviewer", "first@platform.example"))
    second = verified_client(staff_member("legal_reviewer", "second@platform.example"))
    url = reverse("review:demand", args=[demand.pk])
    seen_by_first = _version(first.get(url).content)
    seen_by_second = _version(second.get(url).content)
    assert seen_by_first == seen_by_second  # page views do not change the version
    assert second.post(reverse("review:decide", args=[demand.pk]), {
        "version": seen_by_second, "ask-0-outcome": "hold",
        "ask-0-reason_codes": ["overbroad"], "ask-0-rationale": "Ask for a narrower range.",
    }).status_code == 302
    response = first.post(reverse("review:decide", args=[demand.pk]),
                          _comply(demand, seen_by_first))
    assert response.status_code == 409
    body = response.content.decode()
    assert "changed since you opened it" in body
    assert "demand.decided" in body
    decision = Decision.objects.get(demand=demand, superseded=False)
    assert decision.outcome == "hold"  # the second reviewer's decision was not overwritten


@pytest.mark.django_db
def test_approval_of_decisions_changed_after_loading_is_refused(demand: Demand) -> None:
    Policy.objects.create(name="Four-eyes", effect=PolicyEffect.FOUR_EYES,
                          valid_from=date(2000, 1, 1))
    decider = staff_member("legal_reviewer")
    deciding = verified_client(decider)
    page = reverse("review:demand", args=[demand.pk])
    assert deciding.post(reverse("review:decide", args=[demand.pk]),
                         _comply(demand, _version(deciding.get(page).content))).status_code == 302
    approving = verified_client(staff_member("approver"))
    seen = approving.get(page).content
    assert b"Approve decisions" in seen
    # The decider narrows the decision after the approver opened the page.
    assert deciding.post(reverse("review:decide", args=[demand.pk]), _comply(
        demand, _version(deciding.get(page).content), **{
            "ask-0-outcome": "comply_partially", "ask-0-date_from": "2020-06-01"}),
    ).status_code == 302
    stale = approving.post(reverse("review:approve", args=[demand.pk]),
                           {"version": _version(seen)})
    assert stale.status_code == 409
    demand.refresh_from_db()
    assert demand.awaiting_approval
    fresh = approving.post(reverse("review:approve", args=[demand.pk]),
                           {"version": _version(approving.get(page).content)})
    assert fresh.status_code == 302
    demand.refresh_from_db()
    assert demand.approved_by is not None and demand.approved_by != decider


@pytest.mark.django_db
def test_an_approver_cannot_approve_their_own_decision(demand: Demand) -> None:
    Policy.objects.create(name="Four-eyes", effect=PolicyEffect.FOUR_EYES,
                          valid_from=date(2000, 1, 1))
    both = staff_member("legal_reviewer")
    from dueprocess.accounts.roles import grant_role

    grant_role(both, "approver")
    client = verified_client(both)
    page = reverse("review:demand", args=[demand.pk])
    assert client.post(reverse("review:decide", args=[demand.pk]),
                       _comply(demand, _version(client.get(page).content))).status_code == 302
    response = client.post(reverse("review:approve", args=[demand.pk]),
                           {"version": _version(client.get(page).content)})
    assert response.status_code == 403
    assert "four-eyes" in response.content.decode()
    demand.refresh_from_db()
    assert demand.awaiting_approval and demand.approved_by is None


@pytest.mark.django_db
def test_html_in_every_free_text_field_is_escaped(make_demand: Callable[..., Demand]) -> None:
    demand = make_demand(
        reference=f"REF{XSS}", legal_basis=XSS, statement_of_reasons=XSS, redress=XSS,
        emergency=True, emergency_justification=XSS,
        issued_by={"name": f"Judge {XSS}", "title": XSS, "role": "judge",
                   "email": "judge@fbi.gov"},
        officials=[{"name": f"Official {XSS}", "title": XSS}],
        # (markup in a handle is refused at the door: tests/demands/test_identifiers.py)
        offences=["us.x"], targets=[{"type": "account", "id": "acct_xss"}])
    user = staff_member("legal_reviewer")
    client = verified_client(user)
    from dueprocess.intake.actions import record_callback

    demand.authority.phones = ["+1 202 324 3000"]
    demand.authority.save()
    record_callback(demand, phone="+1 202 324 3000", outcome="confirmed",
                    spoke_with="Duty officer", user=user)  # the emergency is confirmed
    actions.request_clarification(demand, f"Which account? {XSS}", user=user)
    demand.refresh_from_db()
    pages = {
        "demand": client.get(reverse("review:demand", args=[demand.pk])),
        "queue": client.get(reverse("review:queue"), {"status": "all"}),
        "search": client.get(reverse("review:search"), {"q": "REF<script>"}),
        "targets": client.get(reverse("review:targets", args=[demand.pk])),
        "rationale": client.post(reverse("review:decide", args=[demand.pk]), {
            "ask-0-outcome": "comply_partially", "ask-0-rationale": XSS}),
    }
    for name, response in pages.items():
        body = response.content.decode()
        assert "<script>alert" not in body, name
        assert "<img src=x" not in body, name
    assert "&lt;script&gt;alert" in pages["demand"].content.decode()
    assert "&lt;script&gt;alert" in pages["search"].content.decode()


@pytest.mark.django_db
def test_html_in_a_decision_rationale_is_escaped_on_the_timeline_and_table(
        demand: Demand) -> None:
    client = verified_client(staff_member("legal_reviewer"))
    assert client.post(reverse("review:decide", args=[demand.pk]), {
        "ask-0-outcome": "hold", "ask-0-reason_codes": ["overbroad"],
        "ask-0-rationale": XSS}).status_code == 302
    body = client.get(reverse("review:demand", args=[demand.pk])).content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert" in body
    demand.refresh_from_db()
    assert demand.status == Status.ON_HOLD
