"""Letters are drafts: previewed, edited, approved by a second person where they refuse,
sent only to addresses in the authority registry, and stored as sent."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from dueprocess.audit.models import AuditEvent
from dueprocess.demands import actions
from dueprocess.demands.inputs import DecisionsIn, DemandIn
from dueprocess.demands.models import Authority, Demand, Notice, NoticeKind, NoticeStatus
from dueprocess.errors import (
    ApprovalRequired,
    Conflict,
    Forbidden,
    InvalidInput,
    RecipientNotRegistered,
    SenderNotVerified,
)
from dueprocess.notices.actions import approve_letter, edit_letter, send_letter
from dueprocess.notices.reasons import reason_options
from tests.conftest import sch4_disclose, us_warrant

pytestmark = pytest.mark.django_db


def _receive(authority: Authority, body: dict[str, Any], **kw: Any) -> Demand:
    return actions.receive_demand(DemandIn.model_validate(body), authority=authority,
                                  requester=None, user=None, **kw)


def _decide(demand: Demand, user: Any, *decisions: dict[str, Any]) -> Demand:
    return actions.record_decisions(
        demand, DecisionsIn.model_validate({"decisions": list(decisions)}), user=user)


@pytest.fixture
def refused(hk_police: Authority, reviewer: Any) -> Notice:
    """The Hong Kong police demand of the issue, refused with internal reasons among others."""
    demand = _receive(hk_police, sch4_disclose("2020-09-01T10:00:00+08:00",
                                               issued_by={"name": "LI Kwai-wah",
                                                          "role": "police_senior",
                                                          "email": "nsd@police.gov.hk"}))
    _decide(demand, reviewer, {"ask": 0, "outcome": "reject", "reason_codes": [
        "sanctioned_official", "political_expression", "insufficient_process"],
        "rationale": "internal: listed official"})
    return demand.notices.get(kind=NoticeKind.REFUSAL)


def test_a_refusal_is_a_draft_that_quotes_no_internal_assessment(refused: Notice) -> None:
    demand = refused.demand
    demand.refresh_from_db()
    assert demand.status == "rejected"  # the decision moves the demand at once
    assert refused.status == NoticeStatus.DRAFT and refused.sent_at is None
    assert "Legal process insufficient for what is asked" in refused.body
    assert "sanctioned" not in refused.body.lower()
    assert "political expression" not in refused.body
    assert "internal" not in refused.body
    options = {o.key: o for o in reason_options(demand, NoticeKind.REFUSAL)}
    assert options["reason:sanctioned_official"].internal
    assert options["reason:political_expression"].internal
    assert not options["reason:insufficient_process"].internal
    assert "reason:insufficient_process" in refused.quoted_reasons
    assert not [k for k in refused.quoted_reasons if options[k].internal]
    assert not AuditEvent.objects.filter(demand_id=demand.pk, verb="notice.sent",
                                         payload__kind="refusal").exists()


def test_edits_are_audited_and_the_generated_text_is_kept(refused: Notice,
                                                          reviewer: Any) -> None:
    generated = refused.body
    edit_letter(refused, user=reviewer, body=generated + "\nWe remain available by phone.")
    refused.refresh_from_db()
    assert refused.generated_body == generated and refused.edited
    assert refused.body.endswith("We remain available by phone.\n")
    event = AuditEvent.objects.filter(verb="letter.edited").get()
    assert event.payload["changed"] == ["body"]
    assert "available by phone" in event.payload["body"]
    with pytest.raises(InvalidInput) as empty:
        edit_letter(refused, user=reviewer, body="  ")
    assert empty.value.field == "body"


def test_choosing_an_internal_reason_is_deliberate(refused: Notice, reviewer: Any) -> None:
    edit_letter(refused, user=reviewer, reasons=["reason:insufficient_process",
                                                 "reason:sanctioned_official"])
    refused.refresh_from_db()
    assert "Issued or approved by a sanctioned official" in refused.body
    with pytest.raises(InvalidInput):
        edit_letter(refused, user=reviewer, reasons=["finding:not.offered"])


def test_a_refusal_needs_a_second_person_who_did_not_draft_or_edit_it(
        refused: Notice, reviewer: Any, approver: Any) -> None:
    with pytest.raises(ApprovalRequired) as waiting:
        send_letter(refused, user=reviewer)
    assert waiting.value.code == "approval_required" and waiting.value.status == 409
    with pytest.raises(Forbidden):
        approve_letter(refused, user=reviewer)  # drafted it by deciding
    edit_letter(refused, user=approver, subject="Our answer to your demand")
    with pytest.raises(Forbidden):
        approve_letter(refused, user=approver)  # edited it
    edit_letter(refused, user=reviewer, subject="Our answer")
    approve_letter(refused, user=approver)
    edit_letter(refused, user=reviewer, body=refused.body + "\nRegards.")
    refused.refresh_from_db()
    assert refused.approved_by_id is None  # an edit withdraws the approval
    approve_letter(refused, user=approver)
    sent = send_letter(refused, user=reviewer)
    assert sent.status == NoticeStatus.SENT and sent.sent_at is not None
    assert sent.subject == "Our answer" and sent.addresses == ["nsd@police.gov.hk"]
    event = AuditEvent.objects.get(verb="notice.sent", payload__kind="refusal")
    assert event.payload["body"] == sent.body and event.payload["edited"] is True
    with pytest.raises(Conflict):
        edit_letter(sent, user=approver, body="changed after sending")


def test_a_letter_to_an_unregistered_address_is_refused_and_nothing_is_lost(
        refused: Notice, reviewer: Any, approver: Any) -> None:
    approve_letter(refused, user=approver)
    with pytest.raises(RecipientNotRegistered) as exc:
        send_letter(refused, user=approver, to=["nsd@police-gov.hk"])
    assert exc.value.code == "recipient_not_registered" and exc.value.status == 422
    assert "not in the authority registry" in exc.value.message
    assert "police.gov.hk" in exc.value.message
    refused.refresh_from_db()
    assert refused.status == NoticeStatus.DRAFT and refused.approved_by_id == approver.pk
    sent = send_letter(refused, user=approver, to=["duty@police.gov.hk"])
    assert sent.addresses == ["duty@police.gov.hk"]


def test_a_clarification_is_sent_by_the_reviewer_without_a_second_person(
        fbi: Authority, reviewer: Any) -> None:
    demand = _receive(fbi, us_warrant(issued_by={"name": "Agent", "role": "police",
                                                 "email": "agent@fbi.gov"}))
    actions.request_clarification(demand, "Which account?", user=reviewer)
    draft = demand.notices.get(kind=NoticeKind.CLARIFICATION_REQUEST)
    assert draft.status == NoticeStatus.DRAFT and "Which account?" in draft.body
    assert send_letter(draft, user=reviewer).status == NoticeStatus.SENT
    with pytest.raises(Conflict):
        approve_letter(draft, user=reviewer)


def test_partial_compliance_is_drafted_for_approval(fbi: Authority, reviewer: Any) -> None:
    body = us_warrant()
    # Two asks a warrant can compel: one refused, the other complied with.
    body["asks"] = [*body["asks"], {"kind": "disclose", "data_categories": ["subscriber"]}]
    demand = _receive(fbi, body)
    _decide(demand, reviewer,
            {"ask": 0, "outcome": "reject", "reason_codes": ["overbroad"]},
            {"ask": 1, "outcome": "comply", "reason_codes": ["valid_legal_process"]})
    letter = demand.notices.get(kind=NoticeKind.PARTIAL_COMPLIANCE)
    assert letter.status == NoticeStatus.DRAFT and letter.needs_second_person
    assert "in part" in letter.body and "Overbroad" in letter.body


@pytest.mark.django_db(transaction=True)
def test_a_forged_emailed_demand_is_held_and_no_letter_is_queued(
        fbi: Authority, reviewer: Any, approver: Any) -> None:
    from dueprocess.intake.email_intake import import_eml
    from tests.execution.support import run_worker
    from tests.intake.conftest import eml

    forged = eml(sender='"d.price@fbi.gov" <d.price@fbi.gov>',
                 auth="mx.platform.example; spf=fail; dkim=none; dmarc=fail",
                 extra_headers=(("Reply-To", "collect@protonmail.example"),))
    demand = import_eml(forged, user=None).demand
    assert demand is not None
    demand.refresh_from_db()
    assert demand.status == "on_hold" and demand.recommendation == "hold"
    assert "registry contact" in demand.explanation
    run_worker()
    assert mail.outbox == []
    assert not AuditEvent.objects.filter(demand_id=demand.pk, verb="letter.emailed").exists()
    with pytest.raises(SenderNotVerified):
        actions.request_clarification(demand, "Who are you?", user=reviewer)
    assert not demand.notices.filter(kind=NoticeKind.CLARIFICATION_REQUEST).exists()
    _decide(demand, reviewer, {"ask": 0, "outcome": "reject",
                               "reason_codes": ["unverified_sender"]})
    refusal = demand.notices.get(kind=NoticeKind.REFUSAL)
    approve_letter(refusal, user=approver)
    with pytest.raises(SenderNotVerified) as exc:
        send_letter(refusal, user=approver)
    assert exc.value.code == "sender_not_verified"
    run_worker()
    assert mail.outbox == []
    assert demand.notices.exclude(kind=NoticeKind.ACKNOWLEDGEMENT).filter(
        status=NoticeStatus.SENT).count() == 0


@pytest.mark.parametrize(("language", "sentence"), [
    ("en", "The issuing authority may not issue this kind of order."),
    ("de", "Die ausstellende Stelle darf eine Anordnung dieser Art nicht erlassen."),
    ("zh-hant", "發出機關無權發出此類命令。"),
])
def test_quoted_findings_read_as_sentences_in_the_letters_language(
        refused: Notice, language: str, sentence: str) -> None:
    from dueprocess.notices.letters import render_letter

    demand = refused.demand
    demand.language = language
    _, body = render_letter(demand, NoticeKind.REFUSAL,
                            reasons=["finding:legal.issuer_not_competent"])
    assert f"- {sentence}" in body
