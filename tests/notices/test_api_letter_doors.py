"""Draft letters through each door: the console, the API and the CLI apply one rule set."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from dueprocess.demands import actions
from dueprocess.demands.inputs import DecisionsIn, DemandIn
from dueprocess.demands.models import Authority, Notice, NoticeKind, NoticeStatus
from dueprocess.notices.actions import approve_letter
from tests.conftest import sch4_disclose
from tests.review.roles import staff_member, verified_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def refusal(hk_police: Authority) -> Notice:
    decider = staff_member("legal_reviewer", "decider@platform.example")
    demand = actions.receive_demand(
        DemandIn.model_validate(sch4_disclose("2020-09-01T10:00:00+08:00")),
        authority=hk_police, requester=None, user=None)
    actions.record_decisions(demand, DecisionsIn.model_validate({"decisions": [
        {"ask": 0, "outcome": "reject",
         "reason_codes": ["sanctioned_official", "insufficient_process"]}]}), user=decider)
    return demand.notices.get(kind=NoticeKind.REFUSAL)


def test_the_console_refuses_an_unregistered_address_beside_the_form(refusal: Notice) -> None:
    drafting = verified_client(refusal.author).get(
        reverse("review:demand", args=[refusal.demand_id])).content.decode()
    assert "Draft letter" in drafting and "Edit the letter" in drafting
    assert "Issued or approved by a sanctioned official (internal assessment)" in drafting
    assert "Approve the letter" not in drafting  # the one who decided cannot approve
    approver = staff_member("approver", "approver@platform.example")
    client = verified_client(approver)
    waiting = client.get(reverse("review:demand", args=[refusal.demand_id])).content.decode()
    assert "Approve the letter" in waiting and "Send the letter" not in waiting
    approve_letter(refusal, user=approver)
    page = client.get(reverse("review:demand", args=[refusal.demand_id]))
    assert b"Send the letter" in page.content
    r = client.post(reverse("review:letter_send", args=[refusal.demand_id, refusal.pk]),
                    {f"send-{refusal.pk}-to": "nsd@police-gov.hk"})
    assert r.status_code == 422
    text = r.content.decode()
    assert "The letter was not sent: nsd@police-gov.hk is not in the authority registry" in text
    assert 'class="error-banner letter-error"' in text
    refusal.refresh_from_db()
    assert refusal.status == NoticeStatus.DRAFT and refusal.approved_by_id == approver.pk


def test_the_api_lists_edits_and_refuses_an_unregistered_address(
        refusal: Notice, api_as: Any, officer_of: Any, hk_police: Authority) -> None:
    decider = refusal.author
    client = api_as(decider)
    url = f"/demands/{refusal.demand_id}/letters"
    listed = client.get(url).json()
    (draft,) = [row for row in listed if row["kind"] == "refusal"]
    assert draft["status"] == "draft" and draft["needs_approval"] is True
    internal = {o["key"] for o in draft["reason_options"] if o["internal"]}
    assert "reason:sanctioned_official" in internal
    assert "reason:sanctioned_official" not in draft["quoted_reasons"]
    edited = client.put(f"{url}/{refusal.pk}", {"body": "Edited text."})
    assert edited.status_code == 200 and edited.json()["body"] == "Edited text.\n"
    early = client.post(f"{url}/{refusal.pk}/send", {})
    assert early.status_code == 409 and early.json()["error"]["code"] == "approval_required"
    approver = staff_member("approver", "approver@platform.example")
    assert api_as(approver).post(f"{url}/{refusal.pk}/approve").status_code == 200
    bad = api_as(approver).post(f"{url}/{refusal.pk}/send", {"to": ["nsd@police-gov.hk"]})
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "recipient_not_registered"
    assert bad.json()["error"]["field"] == "to"
    officer = officer_of(hk_police)
    assert [r["kind"] for r in api_as(officer).get(url).json()] == ["acknowledgement"]
    ok = api_as(approver).post(f"{url}/{refusal.pk}/send", {"to": ["nsd@police.gov.hk"]})
    assert ok.status_code == 200 and ok.json()["status"] == "sent"
    seen = api_as(officer).get(url).json()
    assert [r["kind"] for r in seen] == ["acknowledgement", "refusal"]
    assert seen[1]["body"] == "Edited text.\n" and seen[1]["generated_body"] is None


def test_the_cli_refuses_an_unregistered_address(refusal: Notice, capsys: Any) -> None:
    from dueprocess.cli import main

    approver = staff_member("approver", "approver@platform.example")
    assert main(["letters", "approve", str(refusal.demand_id), str(refusal.pk),
                 "--user", approver.email]) == 0
    code = main(["letters", "send", str(refusal.demand_id), str(refusal.pk),
                 "--to", "nsd@police-gov.hk", "--user", approver.email])
    err = capsys.readouterr().err
    assert code == 2
    assert "not in the authority registry" in err and "[recipient_not_registered]" in err
    refusal.refresh_from_db()
    assert refusal.status == NoticeStatus.DRAFT
    assert main(["letters", "send", str(refusal.demand_id), str(refusal.pk),
                 "--to", "duty@police.gov.hk", "--user", approver.email]) == 0
    assert "sent: duty@police.gov.hk" in capsys.readouterr().out
