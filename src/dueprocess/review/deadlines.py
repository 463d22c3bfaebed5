"""The deadlines reviewers work against: statutory responses, preservations, gags.

A response is due at the deadline the demand states, else at the statutory one computed
from its instrument (law library, issuing State's time zone). A preservation runs from
receipt of the request for the days asked (or the statute's period), unless the ask was
refused. A non-disclosure order expires on its stated date. The response date is computed by
:mod:`dueprocess.demands.due`, which the demand also stores for the queue's index; what is
shown for one demand is computed afresh, so a changed demand or library moves it at once.

The queue sorts and filters by the stored date. The calendar and the reminders still narrow
with :func:`due_before_q`, which over-approximates "due before T" (every counting rule in
the library only ever lengthens an elapsed period, never shortens it); the exact date is
then checked in Python on the few rows that pass.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db.models import Case, DateTimeField, F, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext

from dueprocess.demands.due import due_from, emergency_target
from dueprocess.demands.models import OPEN_STATUSES, Ask, AskKind, Decision, Demand, Outcome, Status
from dueprocess.law import default_library, response_deadline
from dueprocess.law.regions import zone_of

PRESERVATION_REMINDER_DAYS = 7
NON_DISCLOSURE_REMINDER_DAYS = 7
RESPONSE_REMINDER_DAYS = 2


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _library() -> Any:
    return default_library()


def statutory_due(demand: Demand) -> datetime | None:
    instrument = _library().get(demand.instrument)
    if instrument is None:
        return None
    result: datetime | None = response_deadline(instrument, demand.received_at,
                                                demand.emergency,
                                                zone=zone_of(demand.jurisdiction))
    return result


def response_due(demand: Demand) -> datetime | None:
    """The demand's own deadline when it states one, else the statutory one; an emergency
    is due by the platform's emergency target at the latest (the law may set none)."""
    return due_from(demand.deadline, demand.instrument, demand.received_at, demand.emergency,
                    demand.jurisdiction)


def response_source(demand: Demand) -> str:
    """Where :func:`response_due` comes from, as the deadline calendar says it."""
    if demand.deadline:
        return gettext("stated in the demand")
    statutory = statutory_due(demand)
    due = response_due(demand)
    if due is not None and due != statutory:
        return gettext("the platform's emergency target")
    return gettext("statutory (%(instrument)s)") % {"instrument": demand.instrument}


def periods() -> tuple[dict[timedelta, list[str]], dict[timedelta, list[str]]]:
    """Instrument ids by their ordinary response period, and by their emergency one."""
    ordinary: dict[timedelta, list[str]] = {}
    emergency: dict[timedelta, list[str]] = {}
    target = emergency_target()
    for instrument in _library().instruments.values():
        limits = instrument.deadlines
        usual: timedelta | None = None
        if limits.response_hours is not None:
            usual = timedelta(hours=limits.response_hours)
        elif limits.response_days is not None:
            usual = timedelta(days=limits.response_days)
        if usual is not None:
            ordinary.setdefault(usual, []).append(instrument.id)
        urgent = (timedelta(hours=limits.emergency_hours)
                  if limits.emergency_hours is not None else usual)
        if target is not None:
            urgent = min(urgent, target) if urgent is not None else target
        if urgent is not None and (limits.emergency_hours is not None or target is not None):
            emergency.setdefault(urgent, []).append(instrument.id)
    return ordinary, emergency


def due_before_q(moment: datetime) -> Q:
    """Demands whose response may be due before ``moment`` (a superset; see module doc)."""
    q = Q(deadline__lt=moment)
    ordinary, emergency = periods()
    for period, ids in ordinary.items():
        q |= Q(deadline__isnull=True, instrument__in=ids, received_at__lt=moment - period)
    for period, ids in emergency.items():
        q |= Q(deadline__isnull=True, instrument__in=ids, emergency=True,
               received_at__lt=moment - period)
    return q


def due_estimate() -> Coalesce:
    """The response deadline as SQL can tell it, for ordering the queue.

    The stated deadline, else receipt plus the instrument's period (in hours for the
    emergency and hour limits). Never later than :func:`response_due`, whose counting
    rules only lengthen a period; ``NULL`` where the law sets no limit.
    """
    ordinary, emergency = periods()
    whens = [When(emergency=True, instrument__in=ids, then=F("received_at") + period)
             for period, ids in sorted(emergency.items())]
    whens += [When(instrument__in=ids, then=F("received_at") + period)
              for period, ids in sorted(ordinary.items())]
    if not whens:
        return Coalesce("deadline", Value(None, output_field=DateTimeField()))
    return Coalesce("deadline", Case(*whens, default=None, output_field=DateTimeField()),
                    output_field=DateTimeField())


def longest_response_period() -> timedelta:
    longest = timedelta(days=1)
    for instrument in _library().instruments.values():
        if instrument.deadlines.response_days:
            # Counting to the end of a day and past a weekend adds at most four days.
            longest = max(longest, timedelta(days=instrument.deadlines.response_days + 4))
    return longest


def preservation_days(ask: Ask, instrument_id: str) -> int | None:
    if ask.days:
        return ask.days
    instrument = _library().get(instrument_id)
    return instrument.deadlines.preservation_days if instrument is not None else None


@dataclass(frozen=True)
class DueItem:
    kind: str          # response_deadline | preservation_expiry | non_disclosure_expiry
    due: date
    demand_id: int
    reference: str
    authority: str
    status: str
    assignee: str
    detail: str
    exact: datetime | None = None

    def overdue(self, today: date) -> bool:
        return self.due < today

    @property
    def label(self) -> str:
        """What falls due, in the active language (English outside a request)."""
        return {"response_deadline": gettext("Response due"),
                "preservation_expiry": gettext("Preservation expires"),
                "non_disclosure_expiry": gettext("Non-disclosure ends")}[self.kind]


_FIELDS = ("id", "reference", "instrument", "jurisdiction", "status", "received_at",
           "deadline", "emergency", "non_disclosure_until", "authority__name",
           "assignee__username")


def _item(kind: str, due: date, d: Demand, detail: str,
          exact: datetime | None = None) -> DueItem:
    return DueItem(kind=kind, due=due, demand_id=d.pk, reference=d.reference,
                   authority=d.authority.name, status=d.status,
                   assignee=d.assignee.username if d.assignee_id and d.assignee else "",
                   detail=detail, exact=exact)


def response_items(start: date, end: date, *, limit: int = 500,
                   include_overdue: bool = True) -> list[DueItem]:
    """Open demands whose response falls due in [start, end] (and earlier, if overdue)."""
    lower = _midnight(start)
    upper = _midnight(end + timedelta(days=1))
    window = Q(deadline__gte=lower, deadline__lt=upper) | Q(
        deadline__isnull=True, received_at__gte=lower - longest_response_period(),
        received_at__lt=upper)
    if include_overdue:
        window |= due_before_q(lower)
    rows = (Demand.objects.filter(status__in=OPEN_STATUSES).filter(window)
            .select_related("authority", "assignee").only(*_FIELDS).order_by("pk"))
    out: list[DueItem] = []
    for d in rows[: limit * 4]:
        due = response_due(d)
        if due is None or due >= upper or (not include_overdue and due < lower):
            continue
        source = response_source(d)
        out.append(_item("response_deadline", due.date(), d, source, exact=due))
    out.sort(key=lambda i: (i.due, i.demand_id))
    return out[:limit]


def preservation_items(start: date, end: date, *, limit: int = 500) -> list[DueItem]:
    """Preservations (not refused) whose period ends in [start, end]."""
    longest = 366
    earliest = _midnight(start - timedelta(days=longest))
    upper = _midnight(end + timedelta(days=1))
    asks = (Ask.objects.filter(kind=AskKind.PRESERVE, demand__received_at__gte=earliest,
                               demand__received_at__lt=upper)
            .exclude(demand__status__in=(Status.REJECTED, Status.WITHDRAWN))
            .select_related("demand__authority", "demand__assignee").order_by("demand_id"))
    candidates = list(asks[: limit * 4])
    refused = _refused_asks(a.pk for a in candidates)
    out: list[DueItem] = []
    for ask in candidates:
        if ask.pk in refused:
            continue
        days = preservation_days(ask, ask.demand.instrument)
        if days is None:
            continue
        until = ask.demand.received_at.date() + timedelta(days=days)
        if start <= until <= end:
            out.append(_item("preservation_expiry", until, ask.demand,
                             gettext("%(days)s days from receipt") % {"days": days}))
    out.sort(key=lambda i: (i.due, i.demand_id))
    return out[:limit]


def _refused_asks(ask_ids: Iterable[int]) -> set[int]:
    ids = list(ask_ids)
    if not ids:
        return set()
    return set(Decision.objects.filter(ask_id__in=ids, superseded=False, target__isnull=True)
               .exclude(outcome__in=(Outcome.COMPLY, Outcome.COMPLY_PARTIALLY))
               .values_list("ask_id", flat=True))


def non_disclosure_items(start: date, end: date, *, limit: int = 500) -> list[DueItem]:
    rows = (Demand.objects.filter(non_disclosure=True, non_disclosure_until__gte=start,
                                  non_disclosure_until__lte=end)
            .exclude(status=Status.WITHDRAWN)
            .select_related("authority", "assignee").only(*_FIELDS)
            .order_by("non_disclosure_until", "pk"))
    return [_item("non_disclosure_expiry", d.non_disclosure_until, d,
                  gettext("user notices may go out after this day"))
            for d in rows[:limit] if d.non_disclosure_until is not None]


def calendar(start: date, end: date, *, limit: int = 500) -> list[DueItem]:
    items = (response_items(start, end, limit=limit, include_overdue=False)
             + preservation_items(start, end, limit=limit)
             + non_disclosure_items(start, end, limit=limit))
    items.sort(key=lambda i: (i.due, i.kind, i.demand_id))
    return items[:limit]


def overdue_count(now: datetime, *, cap: int = 100) -> int:
    """How many open demands are past their response deadline, counted up to ``cap``.

    Reads the stored due date (``Demand.due``): one range of the ``(status, due, id)`` index
    per open status, each stopping at ``cap``, so the queue can show the banner on every
    first page.
    """
    count = 0
    for status in OPEN_STATUSES:
        count += (Demand.objects.filter(status=status, due__lt=now).order_by()
                  .values("pk")[: cap - count].count())
        if count >= cap:
            break
    return count


def overdue_responses(now: datetime, *, limit: int = 200) -> list[DueItem]:
    rows = (Demand.objects.filter(status__in=OPEN_STATUSES).filter(due_before_q(now))
            .select_related("authority", "assignee").only(*_FIELDS).order_by("pk"))
    out = []
    for d in rows[: limit * 4]:
        due = response_due(d)
        if due is not None and due < now:
            out.append(_item("response_deadline", due.date(), d, "overdue", exact=due))
    out.sort(key=lambda i: (i.due, i.demand_id))
    return out[:limit]


def demand_deadlines(demand: Demand, *, asks: list[Ask] | None = None,
                     refused: set[int] | None = None) -> list[DueItem]:
    """Every deadline of one demand, for its page (which passes what it has loaded)."""
    out: list[DueItem] = []
    due = response_due(demand)
    if due is not None:
        out.append(_item("response_deadline", due.date(), demand, response_source(demand),
                         exact=due))
    asks = asks if asks is not None else list(demand.asks.all())
    if refused is None:
        refused = _refused_asks(a.pk for a in asks)
    for ask in asks:
        if ask.kind != AskKind.PRESERVE or ask.pk in refused:
            continue
        days = preservation_days(ask, demand.instrument)
        if days:
            out.append(_item("preservation_expiry",
                             demand.received_at.date() + timedelta(days=days), demand,
                             gettext("ask %(position)s: %(days)s days from receipt")
                             % {"position": ask.position, "days": days}))
    if demand.non_disclosure and demand.non_disclosure_until:
        out.append(_item("non_disclosure_expiry", demand.non_disclosure_until, demand,
                         gettext("user notices may go out after this day")))
    return out
