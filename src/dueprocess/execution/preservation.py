"""Preservation holds: started by a preserve action, extended on the authority's renewed
request within what the law allows, released, and remembered 7 days before they lapse.

The law library says how long a hold lasts and how often it may be extended (18 U.S.C.
2703(f): 90 days plus one 90-day renewal; EPOC-PR: 60 days plus 30); the platform keeps
the data. A later disclosure of the same account exports what the hold preserved.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from functools import partial
from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from dueprocess.audit.actors import actor_label
from dueprocess.audit.chain import record
from dueprocess.connectors import get_connector
from dueprocess.demands.hooks import Hook
from dueprocess.demands.models import Action, Demand
from dueprocess.errors import Conflict
from dueprocess.execution.models import Preservation
from dueprocess.law import default_library
from dueprocess.law.deadlines import preservation_expiry
from dueprocess.locking import for_update

log = logging.getLogger("dueprocess.execution.preservation")

REMIND_BEFORE = timedelta(days=7)


def _label(user: Any) -> str:
    return actor_label(user)


def record_hold(action: Action, result: dict[str, Any], *,
                started_on: date | None = None) -> Preservation:
    """Remember the hold the platform started for a preserve action (once per action)."""
    existing = Preservation.objects.filter(action=action).first()
    if existing is not None:
        return existing
    demand = action.demand
    with transaction.atomic():
        hold, created = Preservation.objects.get_or_create(action=action, defaults={
            "demand": demand, "target": action.target,
            "account": str(result.get("account") or (action.target.identifier
                                                      if action.target else "")),
            "hold": str(result["hold"]), "instrument": demand.instrument,
            "started_on": started_on or timezone.now().date(),
            "until": date.fromisoformat(str(result["until"]))})
        if created:
            record("preservation.started", actor="system", demand_id=demand.pk, payload={
                "preservation": hold.pk, "action": action.pk, "account": hold.account,
                "hold": hold.hold, "until": hold.until.isoformat()})
    return hold


def holds_for(account: str, today: date | None = None) -> tuple[str, ...]:
    """The platform's references of every hold still keeping this account's data."""
    today = today or timezone.now().date()
    return tuple(Preservation.objects.filter(
        account=account, released_at__isnull=True, until__gte=today,
    ).order_by("pk").values_list("hold", flat=True))


def _statutory_until(hold: Preservation, renewals: int) -> date | None:
    instrument = default_library().get(hold.instrument)
    if instrument is None:
        return None
    return preservation_expiry(instrument, hold.started_on, renewals)


def extend(hold: Preservation, *, user: Any, note: str = "") -> Preservation:
    """Extend on the authority's renewed request, as far as the instrument allows."""
    if hold.released_at is not None:
        raise Conflict(_("a released hold cannot be extended"))
    renewals = hold.renewals + 1
    until = _statutory_until(hold, renewals)
    if until is None or until <= hold.until:
        raise Conflict(_("the law provides no further extension of this hold"))
    result = get_connector().extend_preservation(
        hold.hold, until, key=f"preservation-{hold.pk}-extend-{renewals}")
    with transaction.atomic():
        locked = for_update(Preservation.objects).get(pk=hold.pk)
        if locked.renewals >= renewals:
            return locked
        locked.renewals = renewals
        locked.until = date.fromisoformat(str(result.get("until") or until.isoformat()))
        locked.save(update_fields=["renewals", "until"])
        record("preservation.extended", actor=_label(user), demand_id=locked.demand_id,
               payload={"preservation": locked.pk, "renewal": renewals,
                        "until": locked.until.isoformat(), "note": note[:500]})
    return locked


def release(hold: Preservation, *, user: Any, why: str = "") -> Preservation:
    """Let the platform delete what it kept (the authority withdrew, or process arrived)."""
    if hold.released_at is not None:
        return hold
    result = get_connector().release_preservation(hold.hold,
                                                  key=f"preservation-{hold.pk}-release")
    with transaction.atomic():
        locked = for_update(Preservation.objects).get(pk=hold.pk)
        if locked.released_at is not None:
            return locked
        locked.released_at = timezone.now()
        locked.save(update_fields=["released_at"])
        record("preservation.released", actor=_label(user), demand_id=locked.demand_id,
               payload={"preservation": locked.pk, "why": why[:500], "result": result})
    return locked


#: Who is reminded of a hold's expiry: the people who may decide on the demand (review).
reminder_recipients: Hook[[Demand], list[str]] = Hook("reminder_recipients")

#: Whether the deadline calendar already reminded this demand's preservation for about
#: this date, before the hold existed (review): the same hold is not reminded twice.
reminded_elsewhere: Hook[[int, date, timedelta], bool] = Hook("reminded_elsewhere")


def _recipients(hold: Preservation) -> list[str]:
    return reminder_recipients(hold.demand)


def _reminded_by_calendar(hold: Preservation) -> bool:
    return reminded_elsewhere(hold.demand_id, hold.until, REMIND_BEFORE)


def remind_expiring(today: date | None = None) -> int:
    """One reminder per hold and expiry date, 7 days (or less) before it lapses."""
    today = today or timezone.now().date()
    due = Preservation.objects.filter(
        released_at__isnull=True, until__gte=today, until__lte=today + REMIND_BEFORE,
    ).exclude(reminded_for=F("until")).select_related("demand__assignee")
    count = 0
    for hold in due:
        with transaction.atomic():
            locked = for_update(Preservation.objects).get(pk=hold.pk)
            if locked.reminded_for == locked.until or locked.released_at is not None:
                continue
            locked.reminded_for = locked.until
            locked.save(update_fields=["reminded_for"])
            if _reminded_by_calendar(locked):
                continue
            days = (locked.until - today).days
            to = _recipients(hold)
            record("preservation.expiry_reminder", actor="system", demand_id=locked.demand_id,
                   payload={"preservation": locked.pk, "until": locked.until.isoformat(),
                            "days_left": days, "to": to})
            demand = hold.demand
            subject = (f"Preservation hold for {locked.account} expires on "
                       f"{locked.until:%Y-%m-%d} ({demand.reference})")
            body = (f"The hold on {locked.account} kept under demand {demand.reference} "
                    f"expires in {days} day(s), on {locked.until:%Y-%m-%d}. Extend it if the "
                    f"authority has renewed its request, or let it lapse.\n")
            if to:
                transaction.on_commit(partial(send_mail, subject, body, None, to,
                                              fail_silently=True))
            count += 1
    return count

