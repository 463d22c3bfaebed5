"""Four-eyes that cannot be bypassed, sending a decision back, and internal notes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dueprocess.audit.models import AuditEvent
from dueprocess.cli import main
from dueprocess.demands.models import Decision, Demand, Policy, PolicyEffect, Status
from dueprocess.review.models import Note
from tests.review.roles import staff_member, verified_client

pytestmark = pytest.mark.django_db

COMPLY = {"decisions": [{"ask": 0, "outcome": "comply", "reason_codes": ["valid_legal_process"],
                         "rationale": "Warrant signed by a magistrate judge."}]}
ONE_TARGET = {"decisions": [{"ask": 0, "target": "cs_suspect_42", "outcome": "comply",
                             "reason_codes": ["valid_legal_process"]}]}


@pytest.fixture
def four_eyes(db: Any) -> Policy:
    return Policy.objects.create(name="Four-eyes on every disclosure",
                                 effect=PolicyEffect.FOUR_EYES, ask_kinds=["disclose"],
                                 valid_from=date(2000, 1, 1))


def test_a_decision_added_by_someone_else_does_not_let_the_first_decider_approve(
        four_eyes: Policy, demand: Demand, reviewer: Any, approver: Any, api_as: Any,
        capsys: Any) -> None:
    """A decides, B adds a decision on one target, A tries to approve: refused (and B too)."""
    assert api_as(reviewer).post(f"/demands/{demand.pk}/decisions", COMPLY).status_code == 200
    assert api_as(approver).post(f"/demands/{demand.pk}/decisions",
                                 ONE_TARGET).status_code == 200
    for author in (reviewer, approver):
        refused = api_as(author).post(f"/demands/{demand.pk}/approve")
        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == "four_eyes"
        assert "author of a current decision" in refused.json()["error"]["message"]
    page = verified_client(reviewer).post(reverse("review:approve", args=[demand.pk]))
    assert page.status_code == 403 and "four-eyes" in page.content.decode()
    assert main(["demand", "approve", str(demand.pk), "--user", reviewer.email]) == 1
    assert "refused (four_eyes)" in capsys.readouterr().err
    demand.refresh_from_db()
    assert demand.awaiting_approval and demand.status == Status.IN_REVIEW
    assert Decision.objects.filter(demand=demand, superseded=False).count() == 2

    third = staff_member("approver", "third@platform.example")
    assert api_as(third).post(f"/demands/{demand.pk}/approve").status_code == 200
    demand.refresh_from_db()
    assert demand.approved_by_id == third.pk


def test_the_approver_sends_a_decision_back_with_a_comment(
        four_eyes: Policy, demand: Demand, reviewer_client: Client, reviewer: Any,
        api_as: Any) -> None:
    assert api_as(reviewer).post(f"/demands/{demand.pk}/decisions", COMPLY).status_code == 200
    approver = verified_client(staff_member("approver", "second@platform.example"))
    url = reverse("review:send_back", args=[demand.pk])
    empty = approver.post(url, {"comment": ""})
    assert empty.status_code == 400 and "say why the decision goes back" in \
        empty.content.decode()
    demand.refresh_from_db()
    assert demand.awaiting_approval

    page = approver.get(reverse("review:demand", args=[demand.pk])).content.decode()
    assert "Send back" in page
    sent = approver.post(url, {"comment": "The date range is wider than the warrant's."})
    assert sent.status_code == 302
    demand.refresh_from_db()
    assert not demand.awaiting_approval and demand.status == Status.IN_REVIEW
    assert Decision.objects.filter(demand=demand, superseded=False).exists()  # kept
    event = AuditEvent.objects.get(demand_id=demand.pk, verb="demand.sent_back")
    assert event.payload["comment"] == "The date range is wider than the warrant's."
    shown = reviewer_client.get(reverse("review:demand", args=[demand.pk])).content.decode()
    assert "Sent back: The date range is wider than the warrant&#x27;s." in shown

    # Nothing waits now: approving is refused until someone decides again.
    again = api_as(staff_member("approver", "second-approver@platform.example"))
    assert again.post(f"/demands/{demand.pk}/approve").status_code == 409
    assert again.post(f"/demands/{demand.pk}/send-back",
                      {"comment": "again"}).status_code == 409
    assert api_as(reviewer).post(f"/demands/{demand.pk}/decisions", COMPLY).status_code == 200
    demand.refresh_from_db()
    assert demand.awaiting_approval
    back = again.post(f"/demands/{demand.pk}/send-back", {"comment": "Still too wide."})
    assert back.status_code == 200 and back.json()["awaiting_approval"] is False


def test_staff_add_internal_notes_audited(demand: Demand, api_as: Any,
                                          make_user: Callable[..., Any], capsys: Any) -> None:
    reviewer = staff_member("legal_reviewer")
    client = verified_client(reviewer)
    url = reverse("review:add_note", args=[demand.pk])
    blank = client.post(url, {"body": "   "})
    assert blank.status_code == 400 and "write the note" in blank.content.decode()
    assert client.post(url, {"body": "Clerk confirmed the warrant by phone."}).status_code == 302
    page = client.get(reverse("review:demand", args=[demand.pk])).content.decode()
    assert "Clerk confirmed the warrant by phone." in page
    assert "never shown to the authority" in page

    intake = api_as(staff_member("intake"))
    made = intake.post(f"/demands/{demand.pk}/notes", {"body": "Original arrived by post."})
    assert made.status_code == 201 and made.json()["author"] == "intake@platform.example"
    assert intake.post(f"/demands/{demand.pk}/notes", {"body": ""}).status_code == 422
    listed = api_as(staff_member("auditor")).get(f"/demands/{demand.pk}/notes").json()
    assert [n["body"] for n in listed] == ["Clerk confirmed the warrant by phone.",
                                          "Original arrived by post."]
    assert api_as(staff_member("auditor", "a2@platform.example")).post(
        f"/demands/{demand.pk}/notes", {"body": "x"}).status_code == 403

    assert main(["demand", "note", str(demand.pk), "--body", "Deadline agreed by phone.",
                 "--user", reviewer.email]) == 0
    assert "added (staff only)" in capsys.readouterr().out
    assert Note.objects.filter(demand=demand).count() == 3
    assert AuditEvent.objects.filter(demand_id=demand.pk,
                                     verb="demand.note_added").count() == 3
