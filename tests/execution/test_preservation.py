"""Preservation holds: the statutory length, extension on request (90 + 90 under 2703(f),
60 + 30 under EPOC-PR), a reminder 7 days before expiry, release, and a later disclosure
that exports what was preserved."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from dueprocess.demands.models import Authority, Demand
from dueprocess.demo import platform
from dueprocess.demo.models import Hold, LoginRecord, Post
from dueprocess.errors import Conflict
from dueprocess.execution import preservation, productions
from dueprocess.execution.models import Preservation, Production
from tests.execution.support import run_worker, verbs, warrant_body

pytestmark = pytest.mark.django_db(transaction=True)

Approve = Callable[..., Demand]


def _us_preservation(**extra: Any) -> dict[str, Any]:
    body = warrant_body(reference="FBI-PRES-2026-0833", instrument="us.ecpa.preservation",
                        issued_by={"name": "Special Agent Dana Price", "role": "police"},
                        legal_basis="18 U.S.C. 2703(f)",
                        asks=[{"kind": "preserve", "days": 90}],
                        targets=[{"type": "account", "id": platform.US_PRESERVATION_TARGET}])
    body["received_at"] = timezone.now().isoformat()
    body.update(extra)
    return body


def _hold(approve: Approve, body: dict[str, Any], **kw: Any) -> Preservation:
    demand = approve(body, **kw)
    run_worker()
    return Preservation.objects.get(demand=demand)


def test_a_us_hold_lasts_90_days_and_extends_once_by_90(approved: Approve,
                                                        reviewer: Any) -> None:
    hold = _hold(approved, _us_preservation())
    today = timezone.now().date()
    assert (hold.account, hold.started_on, hold.until) == (
        platform.US_PRESERVATION_TARGET, today, today + timedelta(days=90))
    platform_hold = Hold.objects.get(pk=int(hold.hold))
    assert platform_hold.until == hold.until
    assert platform_hold.snapshot["subscriber"]["handle"] == platform.US_PRESERVATION_TARGET

    extended = preservation.extend(hold, user=reviewer, note="renewed 2703(f) letter")
    assert extended.until == today + timedelta(days=180) and extended.renewals == 1
    platform_hold.refresh_from_db()
    assert platform_hold.until == extended.until
    with pytest.raises(Conflict, match="no further extension"):
        preservation.extend(extended, user=reviewer)
    assert verbs(hold.demand, "preservation.") == ["preservation.started",
                                                   "preservation.extended"]


def test_an_epoc_pr_hold_lasts_60_days_plus_30(approved: Approve, fr_parquet: Authority,
                                               reviewer: Any) -> None:
    body = {"reference": "EPOC-PR-2026-7", "instrument": "eu.evidence.epoc_pr",
            "issued_by": {"name": "Claire Martin", "role": "prosecutor"},
            "legal_basis": "Art. 6 Regulation (EU) 2023/1543",
            "asks": [{"kind": "preserve", "days": 60}],
            "targets": [{"type": "account", "id": platform.FR_SUSPECT}],
            "received_at": timezone.now().isoformat()}
    hold = _hold(approved, body, authority=fr_parquet)
    today = timezone.now().date()
    assert hold.until == today + timedelta(days=60)
    assert preservation.extend(hold, user=reviewer).until == today + timedelta(days=90)
    with pytest.raises(Conflict):
        preservation.extend(Preservation.objects.get(pk=hold.pk), user=reviewer)


def test_a_reminder_goes_out_once_seven_days_before_expiry(approved: Approve,
                                                           reviewer: Any) -> None:
    hold = _hold(approved, _us_preservation())
    today = timezone.now().date()
    assert preservation.remind_expiring(today) == 0
    soon = hold.until - timedelta(days=7)
    assert preservation.remind_expiring(soon - timedelta(days=1)) == 0
    assert preservation.remind_expiring(soon) == 1
    assert preservation.remind_expiring(soon + timedelta(days=1)) == 0  # once per expiry
    [message] = mail.outbox
    assert message.to == [reviewer.email]
    assert "expires on" in message.subject and "FBI-PRES-2026-0833" in message.subject
    assert "preservation.expiry_reminder" in verbs(hold.demand)

    extended = preservation.extend(Preservation.objects.get(pk=hold.pk), user=reviewer)
    assert preservation.remind_expiring(extended.until - timedelta(days=3)) == 1
    assert len(mail.outbox) == 2


def test_released_holds_keep_nothing_and_are_not_reminded(approved: Approve,
                                                          reviewer: Any) -> None:
    hold = _hold(approved, _us_preservation())
    released = preservation.release(hold, user=reviewer, why="the case was closed")
    assert released.released_at is not None
    platform_hold = Hold.objects.get(pk=int(hold.hold))
    assert platform_hold.released_at is not None and platform_hold.snapshot == {}
    assert preservation.holds_for(platform.US_PRESERVATION_TARGET) == ()
    assert preservation.release(released, user=reviewer).released_at == released.released_at
    assert preservation.remind_expiring(hold.until - timedelta(days=1)) == 0
    with pytest.raises(Conflict):
        preservation.extend(released, user=reviewer)


def test_a_later_disclosure_exports_what_the_hold_preserved(approved: Approve) -> None:
    hold = _hold(approved, _us_preservation())
    # After the hold began the user deleted their post and the platform aged out a login.
    Post.objects.filter(account__handle=platform.US_PRESERVATION_TARGET).delete()
    LoginRecord.objects.filter(account__handle=platform.US_PRESERVATION_TARGET).delete()

    warrant = approved(warrant_body(
        reference="1:26-mj-00100", received_at=timezone.now().isoformat(),
        targets=[{"type": "account", "id": platform.US_PRESERVATION_TARGET}],
        asks=[{"kind": "disclose", "data_categories": ["traffic", "content"]}]))
    run_worker()
    production = Production.objects.get(demand=warrant)
    files = productions.read_production(production)
    posts = json.loads(files["posts.json"])
    assert [p["text"] for p in posts] == ["Selling concert tickets, cash only."]
    assert b"192.0.2.200" in files["logins.csv"]
    manifest = json.loads(files["manifest.json"])
    assert manifest["preserved_holds"] == [hold.hold]


def test_the_reminder_command(approved: Approve, capsys: pytest.CaptureFixture[str]) -> None:
    from dueprocess.cli import main

    hold = _hold(approved, _us_preservation())
    Preservation.objects.filter(pk=hold.pk).update(
        until=timezone.now().date() + timedelta(days=5))
    assert main(["preservation", "remind"]) == 0
    assert "sent 1 expiry reminder" in capsys.readouterr().out


def test_reviewers_through_a_group_are_reminded_once_by_both_commands(
        approved: Approve, reviewer: Any, make_user: Callable[..., Any],
        capsys: pytest.CaptureFixture[str]) -> None:
    from django.contrib.auth.models import Group, Permission

    from dueprocess.cli import main

    group = Group.objects.get_or_create(name="legal_reviewer")[0]  # the role
    group.permissions.add(Permission.objects.get(content_type__app_label="demands",
                                                 codename="add_decision"))
    through_group = make_user("desk@platform.example", staff=True)
    through_group.groups.add(group)
    make_user("viewer@platform.example", staff=True)  # staff who may not decide: not told
    hold = _hold(approved, _us_preservation())
    # Both the deadline calendar (received + 90 days) and the hold itself expire in 5 days.
    Demand.objects.filter(pk=hold.demand_id).update(
        received_at=timezone.now() - timedelta(days=85))
    Preservation.objects.filter(pk=hold.pk).update(
        until=timezone.now().date() + timedelta(days=5))
    mail.outbox.clear()
    assert main(["reminders", "send"]) == 0
    assert main(["preservation", "remind"]) == 0
    assert main(["reminders", "send"]) == 0
    capsys.readouterr()
    [message] = [m for m in mail.outbox if "FBI-PRES-2026-0833" in m.subject]
    assert sorted(message.to) == ["desk@platform.example", "reviewer@platform.example"]
