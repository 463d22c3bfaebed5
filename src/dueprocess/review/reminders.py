"""Reminder e-mails for deadlines that are close: `dueprocess reminders send`.

Run it daily (cron, a systemd timer, or the worker's schedule). Each deadline is reminded
once (a :class:`~dueprocess.review.models.Reminder` row is the proof), to the demand's
assignee, or to every active legal reviewer while nobody is assigned:

- a preservation 7 days before it expires (so a renewal can be asked for);
- a non-disclosure order 7 days before it ends (user notices may then go out);
- a response deadline 2 days before it falls due, and once more if it is missed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from dueprocess.audit.chain import record
from dueprocess.demands.models import Demand
from dueprocess.execution.models import Preservation
from dueprocess.review import deadlines
from dueprocess.review.models import Reminder, ReminderKind

REVIEWER_ROLE = "legal_reviewer"
DECIDE_CODENAME = "add_decision"


@dataclass
class Sent:
    sent: int = 0
    skipped: int = 0
    lines: list[str] = field(default_factory=list)


def deciders() -> list[str]:
    """E-mail addresses of active staff who may decide: the permission given directly,
    through a group (the legal reviewer and lead roles), or as superuser."""
    people = get_user_model().objects.filter(is_active=True, is_staff=True).exclude(email="")
    perm = Q(user_permissions__codename=DECIDE_CODENAME,
             user_permissions__content_type__app_label="demands") | Q(
        groups__permissions__codename=DECIDE_CODENAME,
        groups__permissions__content_type__app_label="demands") | Q(
        groups__name=REVIEWER_ROLE) | Q(is_superuser=True)
    return sorted(set(people.filter(perm).values_list("email", flat=True)[:200]))


def recipients(demand: Demand) -> list[str]:
    """The demand's assignee, or every person who may decide while nobody is assigned."""
    if demand.assignee_id and demand.assignee and demand.assignee.email:
        return [demand.assignee.email]
    return deciders()


_recipients = recipients


def _held_by_the_platform(demand_id: int) -> bool:
    """A hold the platform carries out is reminded by ``preservation remind`` with its real
    expiry; the deadline calendar's estimate is then not reminded a second time."""

    return Preservation.objects.filter(demand_id=demand_id).exists()


def _due_items(now: datetime) -> list[tuple[deadlines.DueItem, str]]:
    today = now.date()
    items: list[tuple[deadlines.DueItem, str]] = []
    soon = today + timedelta(days=deadlines.PRESERVATION_REMINDER_DAYS)
    for item in deadlines.preservation_items(today, soon):
        if _held_by_the_platform(item.demand_id):
            continue
        items.append((item, f"Preservation for {item.reference} expires on {item.due}: "
                            "ask the authority whether to renew it, or let it lapse."))
    soon = today + timedelta(days=deadlines.NON_DISCLOSURE_REMINDER_DAYS)
    for item in deadlines.non_disclosure_items(today, soon):
        items.append((item, f"The non-disclosure order on {item.reference} ends on "
                            f"{item.due}: user notices may go out after it."))
    soon = today + timedelta(days=deadlines.RESPONSE_REMINDER_DAYS)
    for item in deadlines.response_items(today, soon, include_overdue=True):
        verb = "was due" if item.exact and item.exact < now else "is due"
        when = item.exact.strftime("%Y-%m-%d %H:%M UTC") if item.exact else str(item.due)
        items.append((item, f"The response to {item.reference} {verb} {when}."))
    return items


def send_reminders(now: datetime | None = None) -> Sent:
    now = now or timezone.now()
    out = Sent()
    for item, text in _due_items(now):
        demand = Demand.objects.select_related("assignee").get(pk=item.demand_id)
        to = _recipients(demand)
        if not to:
            out.skipped += 1
            continue
        try:
            with transaction.atomic():
                Reminder.objects.create(demand=demand, kind=item.kind, due=item.due,
                                        recipients=to, sent_at=now)
                record("reminder.sent", actor="system", demand_id=demand.pk, payload={
                    "kind": item.kind, "due": item.due.isoformat(), "to": to})
                send_mail(subject=f"[dueprocess] {item.label}: {demand.reference}",
                          message=f"{text}\n\nDemand #{demand.pk}: /review/demands/{demand.pk}/",
                          from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=to)
        except IntegrityError:
            continue  # already reminded for this deadline
        out.sent += 1
        out.lines.append(f"{item.label} {item.due} {demand.reference} -> {', '.join(to)}")
    return out


def preservation_reminded(demand_id: int, until: date, margin: timedelta) -> bool:
    """Subscribed to execution's ``reminded_elsewhere``: ``reminders send`` already reminded
    this demand's preservation for about this date."""
    return Reminder.objects.filter(
        demand_id=demand_id, kind=ReminderKind.PRESERVATION_EXPIRY,
        due__gte=until - margin, due__lte=until + margin).exists()
