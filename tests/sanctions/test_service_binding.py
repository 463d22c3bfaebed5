"""Screening binds the decision: open hits stop complying, confirmed hits need sanctions
counsel's sign-off, and block findings need an override approved by a second person. Each
refusal is the same rule with the same code in the API, the console and the CLI."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from dueprocess.accounts.roles import grant_role
from dueprocess.audit.models import AuditEvent
from dueprocess.cli import main
from dueprocess.demands.models import Decision, Demand, Status
from dueprocess.review.actions import record_human_rights_review
from dueprocess.review.models import Override
from dueprocess.sanctions.actions import mark_hit
from dueprocess.sanctions.models import HitSignoff, ScreeningResult
from tests.review.roles import staff_member, verified_client
from tests.sanctions.conftest import TANG

pytestmark = pytest.mark.django_db

COMPLY = {"decisions": [{"ask": 0, "outcome": "comply", "reason_codes": ["valid_legal_process"]}]}
OVERRIDE = {"findings": ["sanctions.listed_person"], "reason_codes": ["valid_legal_process"],
            "rationale": "OFAC licence GL-HK-7 covers account closure for this official."}


@pytest.fixture
def demand(ofac: Callable[..., Any], receive: Callable[..., Demand]) -> Demand:
    """An order signed by the Commissioner of Police, who is on the OFAC list."""
    ofac()
    made = receive(issued_by={"name": "TANG Ping-keung", "title": "Commissioner of Police",
                              "role": "police_senior"})
    assert ScreeningResult.objects.filter(demand=made, entry_id=TANG, status="open").exists()
    return made


def _hit(demand: Demand) -> ScreeningResult:
    return ScreeningResult.objects.get(demand=demand, entry_id=TANG, cleared_at__isnull=True)


def test_an_open_hit_refuses_complying_everywhere(demand: Demand, api_as: Any,
                                                   tmp_path: Path, capsys: Any) -> None:
    reviewer = staff_member("legal_reviewer")
    response = api_as(reviewer).post(f"/demands/{demand.pk}/decisions", COMPLY)
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "screening_unresolved"
    assert "TANG" in error["message"] and "screening unresolved" in error["message"]

    page = verified_client(reviewer).post(reverse("review:decide", args=[demand.pk]), {
        "ask-0-outcome": "comply", "ask-0-reason_codes": ["valid_legal_process"]})
    assert page.status_code == 409
    assert "screening unresolved" in page.content.decode()

    file = tmp_path / "decisions.json"
    file.write_text(json.dumps(COMPLY))
    assert main(["demand", "decide", str(demand.pk), str(file),
                 "--user", reviewer.email]) == 1
    assert "refused (screening_unresolved): screening unresolved" in capsys.readouterr().err

    # Refusing needs no resolution, and nothing was recorded by the refused attempts.
    assert not Decision.objects.filter(demand=demand).exists()
    shown = verified_client(reviewer).get(reverse("review:demand", args=[demand.pk]))
    assert "Before complying" in shown.content.decode()
    assert "sanctions hit to review" in shown.content.decode()


def test_a_confirmed_hit_needs_an_override_and_counsel_before_approval(
        demand: Demand, api_as: Any, tmp_path: Path, capsys: Any) -> None:
    reviewer, lead = staff_member("legal_reviewer"), staff_member("legal_lead")
    approver, counsel = staff_member("approver"), staff_member("sanctions_counsel")
    mark_hit(_hit(demand), "confirmed", user=reviewer, note="Same person, same office.")
    record_human_rights_review(demand, {
        "legality": "met", "necessity": "met", "proportionality": "met", "alternatives": [],
        "conclusion": "proceed", "rationale": "Closure of an account used for threats."},
        user=staff_member("human_rights_reviewer"))

    refused = api_as(reviewer).post(f"/demands/{demand.pk}/decisions", COMPLY)
    assert refused.json()["error"]["code"] == "override_required"
    assert "sanctions.listed_person" in refused.json()["error"]["message"]
    # A reviewer without the override permission cannot record one.
    forbidden = api_as(reviewer).post(f"/demands/{demand.pk}/decisions",
                                      {**COMPLY, "override": OVERRIDE})
    assert forbidden.status_code == 403
    assert forbidden.json()["error"]["code"] == "override_forbidden"
    # An override without reasons, or with "ok" for a rationale, is refused by name.
    bare = api_as(lead).post(f"/demands/{demand.pk}/decisions",
                             {**COMPLY, "override": {**OVERRIDE, "reason_codes": []}})
    assert bare.status_code == 422
    assert bare.json()["error"] == {"code": "override_invalid", "field": "override.reason_codes",
                                    "message": "override: give at least one reason code"}
    ok = api_as(lead).post(f"/demands/{demand.pk}/decisions",
                           {**COMPLY, "override": {**OVERRIDE, "rationale": "ok"}})
    assert ok.json()["error"]["code"] == "override_invalid"
    file = tmp_path / "bare.json"
    file.write_text(json.dumps({**COMPLY, "override": {**OVERRIDE, "reason_codes": []}}))
    assert main(["demand", "decide", str(demand.pk), str(file), "--user", lead.email]) == 1
    assert "refused (override_invalid): override: give at least one reason code" in \
        capsys.readouterr().err
    assert not Override.objects.exists() and not Decision.objects.exists()

    # The override names every block finding it goes against, not only the sanctions one.
    blocks = sorted(set(demand.findings.current().filter(severity="block")
                        .values_list("code", flat=True)))
    partial = api_as(lead).post(f"/demands/{demand.pk}/decisions",
                                {**COMPLY, "override": OVERRIDE})
    assert partial.json()["error"]["code"] == "override_required"
    done = api_as(lead).post(f"/demands/{demand.pk}/decisions",
                             {**COMPLY, "override": {**OVERRIDE, "findings": blocks}})
    assert done.status_code == 200, done.json()
    assert done.json()["awaiting_approval"] is True  # an override always needs four eyes
    assert AuditEvent.objects.filter(demand_id=demand.pk,
                                     verb="demand.override_recorded").exists()

    grant_role(lead, "approver")  # even one who may approve never approves their own
    own = api_as(lead).post(f"/demands/{demand.pk}/approve")
    assert own.status_code == 403 and own.json()["error"]["code"] == "four_eyes"
    unsigned = api_as(approver).post(f"/demands/{demand.pk}/approve")
    assert unsigned.status_code == 409
    assert unsigned.json()["error"]["code"] == "sanctions_signoff_required"

    # Only sanctions counsel signs off.
    hit = _hit(demand)
    assert api_as(reviewer).post(f"/screening/results/{hit.pk}/signoff",
                                 {"note": "Licence checked."}).status_code == 403
    signed = api_as(counsel).post(f"/screening/results/{hit.pk}/signoff",
                                  {"note": "GL-HK-7 applies; see memo 2020-114."})
    assert signed.status_code == 201
    assert AuditEvent.objects.filter(demand_id=demand.pk,
                                     verb="sanctions.hit_signed_off").exists()

    approved = api_as(approver).post(f"/demands/{demand.pk}/approve")
    assert approved.status_code == 200, approved.json()
    demand.refresh_from_db()
    assert demand.status in (Status.EXECUTING, Status.COMPLETED)
    assert demand.approved_by_id == approver.pk


def test_a_new_review_of_the_hit_voids_the_sign_off(demand: Demand) -> None:
    reviewer, counsel = staff_member("legal_reviewer"), staff_member("sanctions_counsel")
    mark_hit(_hit(demand), "confirmed", user=reviewer)
    from dueprocess.sanctions.actions import sign_off_hit

    sign_off_hit(_hit(demand), user=counsel, note="Licence GL-HK-7 applies.")
    from dueprocess.demands.actions import binding_case

    assert all(h.signed_off for h in binding_case(demand).hits)
    mark_hit(_hit(demand), "false_positive", user=reviewer)
    mark_hit(_hit(demand), "confirmed", user=reviewer)
    assert HitSignoff.objects.count() == 1
    assert not any(h.signed_off for h in binding_case(demand).hits)


def test_counsel_signs_off_in_the_console(demand: Demand) -> None:
    reviewer, counsel = staff_member("legal_reviewer"), staff_member("sanctions_counsel")
    mark_hit(_hit(demand), "confirmed", user=reviewer)
    client = verified_client(counsel)
    page = client.get(reverse("review:demand", args=[demand.pk])).content.decode()
    assert "Sign off (sanctions counsel)" in page
    hit = _hit(demand)
    empty = client.post(reverse("sanctions:signoff", args=[hit.pk]), {"note": ""}, follow=True)
    assert "Not signed off: say on what basis" in empty.content.decode()
    client.post(reverse("sanctions:signoff", args=[hit.pk]),
                {"note": "Licence GL-HK-7 applies to this closure."})
    assert HitSignoff.objects.filter(result=hit, signed_by=counsel).exists()
    page = client.get(reverse("review:demand", args=[demand.pk])).content.decode()
    assert "signed off by sanctions counsel" in page
