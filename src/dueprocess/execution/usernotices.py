"""Notices to affected users: when they may be told, what they are told, and delivery.

The law decides the timing, and this module applies it:

- **before disclosure** (no gag, no emergency, notice allowed): the user is told first, with
  a redacted copy of the demand, and the disclosure for that account waits for the notice
  period (``DUEPROCESS_NOTICE_PERIOD_DAYS``, never past the demand's deadline) so the user
  can object; an objection keeps it waiting until a person decides;
- **delayed** while a non-disclosure order runs, and sent when it expires;
- **after an emergency**, once it has passed (by default 30 days after execution; a person
  can release it earlier from the console);
- **barred and flagged for challenge** when the order has no end date; barred when the
  instrument does not let the platform tell the user at all.

Notices are rendered from translatable templates in the user's language at delivery time,
fall back to English (logged) when a translation is incomplete, and are delivered through
the connector with an idempotency key. Every state is an audit event on the timeline.
"""

from __future__ import annotations

import ast
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation.template import templatize

from dueprocess.audit.actors import actor_label
from dueprocess.audit.chain import record
from dueprocess.connectors import get_connector
from dueprocess.connectors.base import ConnectorError
from dueprocess.demands.models import (
    Action,
    ActionKind,
    Demand,
    Notice,
    NoticeKind,
    NoticeStatus,
    Target,
)
from dueprocess.errors import Conflict, InvalidInput
from dueprocess.execution import wording
from dueprocess.execution.actions import cancel_actions
from dueprocess.execution.deadletters import dead_letter_notice, resolve_done
from dueprocess.execution.effect import describe
from dueprocess.execution.models import DeadLetter, DisclosureWait, NoticeReason, NoticeState
from dueprocess.execution.tasks import (
    enqueue_demand_actions,
    enqueue_waiting_exports,
    send_pending_notices,
)
from dueprocess.law import default_library
from dueprocess.law.regions import last_zone_of
from dueprocess.locking import for_update

log = logging.getLogger("dueprocess.execution.notices")

TEMPLATE = "execution/notices/user_notice.txt"
SUBJECT = translation.gettext_noop("A government demand concerning your account")
SUPPORTED = ("en", "zh-hant", "de")
EMERGENCY_NOTICE_DELAY = timedelta(days=30)
MAX_DELIVERY_ATTEMPTS = 5
DELIVERY_RETRY = timedelta(minutes=5)
_CHUNK = 500


# --------------------------------------------------------------------------- timing


def _instrument_allows_notice(demand: Demand) -> bool:
    instrument = default_library().get(demand.instrument)
    return instrument is None or instrument.notice.user_notice_allowed


def gag_day(demand: Demand, now: datetime) -> date:
    """Today in the issuing jurisdiction's calendar (where its day ends last)."""
    return now.astimezone(last_zone_of(demand.jurisdiction)).date()


def gag_state(demand: Demand, now: datetime) -> str:
    """'' (none or over), 'indefinite', or 'running'.

    A non-disclosure order "until" a date includes that day, in the issuing jurisdiction's
    time: a Hong Kong order until 31 July ends when 31 July ends in Hong Kong, whatever
    the date is in UTC.
    """
    if not demand.non_disclosure:
        return ""
    if demand.non_disclosure_until is None:
        return "indefinite"
    return "running" if gag_day(demand, now) <= demand.non_disclosure_until else ""


def gag_lifts_on(demand: Demand) -> date | None:
    """The first day (in the issuing jurisdiction) on which the user may be told."""
    until = demand.non_disclosure_until
    return until + timedelta(days=1) if until is not None else None


def disclosure_date(demand: Demand, sent_at: datetime) -> datetime:
    """When disclosure may proceed after a notice sent at ``sent_at``: the notice period,
    but never later than the demand's own deadline (the law's time limit wins)."""
    until = sent_at + timedelta(days=settings.DUEPROCESS.notice_period_days)
    if demand.deadline is not None and demand.deadline < until:
        until = max(demand.deadline, sent_at)
    return until


def _account_of(action: Action) -> str:
    """Who to tell: the account itself, or the owner of a content item."""
    if action.target is None:
        return ""
    if action.target.type == "account":
        return action.target.identifier
    return str((action.result or {}).get("account") or "")


def _create(demand: Demand, target: Target | None, recipient: str, status: str,
            reason: str, actor: str, not_before: date | None = None) -> Notice:
    notice = Notice.objects.create(
        demand=demand, target=target, kind=NoticeKind.USER, recipient=recipient,
        status=status, not_before=not_before,
        subject=SUBJECT)
    flagged = reason == NoticeReason.INDEFINITE_GAG
    NoticeState.objects.create(notice=notice, reason=reason, flagged_for_challenge=flagged)
    record("notice.created", actor=actor, demand_id=demand.pk, payload={
        "notice": notice.pk, "kind": notice.kind, "recipient": recipient, "status": status,
        "reason": reason, "not_before": not_before.isoformat() if not_before else None})
    if flagged:
        record("notice.flagged_for_challenge", actor=actor, demand_id=demand.pk, payload={
            "notice": notice.pk, "recipient": recipient,
            "why": "the non-disclosure order has no end date"})
    return notice


def plan_before_disclosure(demand: Demand, planned: Iterable[Action], actor: str) -> int:
    """At approval: tell users first where the law allows, and make disclosure wait.

    Runs inside the approval's transaction. Returns how many notices it created.
    """
    if (demand.emergency or gag_state(demand, timezone.now())
            or not _instrument_allows_notice(demand)):
        return 0
    targets: dict[int, Target] = {}
    for action in planned:
        if action.kind == ActionKind.EXPORT and action.target is not None:
            targets.setdefault(action.target.pk, action.target)
    created = 0
    for target in sorted(targets.values(), key=lambda t: t.pk):
        if DisclosureWait.objects.filter(demand=demand, target=target).exists():
            continue
        notice = _create(demand, target, target.identifier, NoticeStatus.PENDING,
                         NoticeReason.BEFORE_DISCLOSURE, actor)
        DisclosureWait.objects.create(demand=demand, target=target, notice=notice)
        created += 1
    if created:
        transaction.on_commit(_enqueue_delivery)
    return created


def _enqueue_delivery() -> None:
    send_pending_notices.enqueue()


def create_after_execution(demand: Demand, actor: str) -> int:
    """When the demand is done: one notice per affected account not told already."""
    now = timezone.now()
    today = now.date()
    told = set(Notice.objects.filter(demand=demand, kind=NoticeKind.USER)
               .values_list("recipient", flat=True))
    gag = gag_state(demand, now)
    allowed = _instrument_allows_notice(demand)
    created = 0
    actions = demand.actions.select_related("target").order_by("pk")
    for action in actions:
        if action.kind == ActionKind.PRESERVE:
            continue  # preserving discloses nothing; the user hears of it with a disclosure
        recipient = _account_of(action)
        if not recipient or recipient in told:
            continue
        told.add(recipient)
        not_before: date | None = None
        if not allowed:
            status, reason = NoticeStatus.BARRED, NoticeReason.NOT_ALLOWED
        elif gag == "indefinite":
            status, reason = NoticeStatus.BARRED, NoticeReason.INDEFINITE_GAG
        elif gag == "running":
            status, reason = NoticeStatus.DELAYED, NoticeReason.GAG
            not_before = gag_lifts_on(demand)
        elif demand.emergency:
            status, reason = NoticeStatus.DELAYED, NoticeReason.EMERGENCY
            not_before = today + EMERGENCY_NOTICE_DELAY
        else:
            status, reason = NoticeStatus.PENDING, NoticeReason.AFTER_ACTION
        _create(demand, action.target, recipient, status, reason, actor, not_before)
        created += 1
    return created


# --------------------------------------------------------------------------- people's steps


def _label(user: Any) -> str:
    return actor_label(user)


def release_now(notice: Notice, *, user: Any, why: str) -> Notice:
    """A person says the reason to wait is over (the emergency has passed)."""
    with transaction.atomic():
        notice = for_update(Notice.objects).select_related("demand").get(pk=notice.pk)
        if notice.kind != NoticeKind.USER or notice.status != NoticeStatus.DELAYED:
            raise Conflict(_("only a delayed user notice can be released"))
        if gag_state(notice.demand, timezone.now()):
            raise Conflict(_("a non-disclosure order still runs; the notice must wait"))
        notice.status = NoticeStatus.PENDING
        notice.save(update_fields=["status"])
        record("notice.released", actor=_label(user), demand_id=notice.demand_id,
               payload={"notice": notice.pk, "why": why[:500]})
        transaction.on_commit(_enqueue_delivery)
    return notice


def record_objection(wait: DisclosureWait, *, text: str, user: Any) -> DisclosureWait:
    """The user objected: the disclosure waits until a person lets it proceed."""
    with transaction.atomic():
        wait = for_update(DisclosureWait.objects).get(pk=wait.pk)
        wait.objected_at = timezone.now()
        wait.objection = text[:4000]
        wait.save(update_fields=["objected_at", "objection"])
        record("disclosure.objected", actor=_label(user), demand_id=wait.demand_id,
               payload={"target": wait.target_id, "objection": text[:500]})
    return wait


def let_disclosure_proceed(wait: DisclosureWait, *, user: Any, why: str) -> DisclosureWait:
    """A person decides the disclosure goes ahead (objection answered, or period waived)."""
    with transaction.atomic():
        # The demand first (cancelling its actions needs it), then the wait.
        for_update(Demand.objects).get(pk=wait.demand_id)
        wait = for_update(DisclosureWait.objects).get(pk=wait.pk)
        if wait.upheld_at is not None:
            raise Conflict(_("the objection was upheld: this disclosure was cancelled"))
        wait.proceed_at = timezone.now()
        wait.save(update_fields=["proceed_at"])
        record("disclosure.proceeds", actor=_label(user), demand_id=wait.demand_id,
               payload={"target": wait.target_id, "why": why[:500]})
        demand_id = wait.demand_id
        transaction.on_commit(lambda: _resume_exports(demand_id, None))
    return wait


def uphold_objection(wait: DisclosureWait, *, user: Any, why: str) -> DisclosureWait:
    """A person upholds the user's objection: this user's data is not disclosed.

    The target's export actions that have not run are cancelled (the demand completes if
    nothing else is left, and the effect report tells the authority). Repeating it changes
    nothing; after the disclosure was let proceed it is refused.
    """

    why = why.strip()
    if not why:
        raise InvalidInput(_("say why the objection is upheld"), field="why")
    with transaction.atomic():
        # The demand first (cancelling its actions needs it), then the wait.
        for_update(Demand.objects).get(pk=wait.demand_id)
        wait = for_update(DisclosureWait.objects).get(pk=wait.pk)
        if wait.upheld_at is not None:
            return wait
        if wait.objected_at is None:
            raise Conflict(_("no objection was recorded for this disclosure"))
        if wait.proceed_at is not None:
            raise Conflict(_("this disclosure was already let proceed"))
        wait.upheld_at = timezone.now()
        wait.upheld_why = why[:4000]
        wait.save(update_fields=["upheld_at", "upheld_why"])
        record("disclosure.withheld", actor=_label(user), demand_id=wait.demand_id,
               payload={"target": wait.target_id, "why": why[:500]})
        exports = Action.objects.filter(demand_id=wait.demand_id, target_id=wait.target_id,
                                        kind=ActionKind.EXPORT).values_list("pk", flat=True)
        cancel_actions(Demand(pk=wait.demand_id), list(exports),
                       reason=f"the user's objection was upheld: {why}"[:4000], user=user)
    return wait


def _resume_exports(demand_id: int, at: datetime | None) -> None:
    enqueue_waiting_exports(demand_id, at)


# --------------------------------------------------------------------------- rendering

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w/])\+?\d[\d\s().-]{6,}\d")


def redact(text: str, others: Iterable[str] = ()) -> str:
    """Strip what the user must not see: e-mail addresses and phone numbers (officers'
    contact details) and any other person's account named in the demand."""
    out = _EMAIL.sub("[redacted]", text or "")
    out = _PHONE.sub("[redacted]", out)
    for other in sorted({o for o in others if len(o) >= 3}, key=len, reverse=True):
        out = re.sub(re.escape(other), "[redacted]", out, flags=re.IGNORECASE)
    return out


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    language: str
    fell_back: bool


_GETTEXT = re.compile(r"""\bgettext\(u?('(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*")\)""")


def _msgids(template_name: str) -> list[str]:
    """The translatable strings of a template, exactly as makemessages extracts them."""
    template = get_template(template_name)
    source = template.template.source  # type: ignore[attr-defined]
    return [ast.literal_eval(quoted) for quoted in _GETTEXT.findall(templatize(source))]


def missing_translations(template_name: str, language: str) -> list[str]:
    """Strings of the template that the catalogue for ``language`` does not translate."""
    if language == "en":
        return []
    with translation.override(language):
        return [m for m in [SUBJECT, *_msgids(template_name)]
                if translation.gettext(m) == m]


def _choose_language(wanted: str, template_name: str) -> tuple[str, bool]:
    language = (wanted or "en").lower()
    if language not in SUPPORTED:
        if language != "en":
            log.warning("user notice: no templates in %r; sending English", language)
        return "en", language != "en"
    missing = missing_translations(template_name, language)
    if missing:
        log.warning("user notice: %d string(s) of %s lack a %s translation (%s); "
                    "sending English", len(missing), template_name, language,
                    "; ".join(m[:40] for m in missing[:3]))
        return "en", True
    return language, False


def notice_context(notice: Notice, *, disclose_on: datetime | None) -> dict[str, Any]:
    demand = notice.demand
    mine = demand.actions.filter(Q(target__identifier=notice.recipient)
                                 | Q(result__account=notice.recipient))
    own = set(mine.values_list("target_id", flat=True)[:10000])
    others = [ident for pk, ident in demand.targets.exclude(identifier=notice.recipient)
              .values_list("pk", "identifier")[:1000] if pk not in own]
    issued = demand.issued_by or {}

    instrument = default_library().get(demand.instrument)
    asks = []
    for ask in demand.asks.all():
        asks.append({"kind": wording.ask_kind(ask.kind),
                     "categories": wording.data_categories(ask.data_categories or ()),
                     "date_from": ask.date_from, "date_to": ask.date_to, "days": ask.days,
                     "measure": wording.measure(ask.measure),
                     "scope": wording.scope(ask.territorial_scope or ())})
    reason = getattr(NoticeState.objects.filter(notice=notice).first(), "reason",
                     NoticeReason.AFTER_ACTION)

    # A withholding says where, so the user is not told their post was removed.
    actions = [{"kind": describe(a), "what": a.target.identifier if a.target else "",
                "status": wording.status(a.status), "when": a.finished_at}
               for a in mine.select_related("target").order_by("pk")[:200]]
    return {
        "recipient": notice.recipient,
        "reference": redact(demand.reference, others),
        "authority": demand.authority.name,
        "jurisdiction": demand.jurisdiction,
        "instrument": instrument.name if instrument else demand.instrument,
        "citation": instrument.citation if instrument else "",
        "received": demand.received_at,
        "issued_by": redact(" ".join(filter(None, [str(issued.get("name", "")),
                                                   str(issued.get("title", ""))])), others),
        "legal_basis": redact(demand.legal_basis, others),
        "statement_of_reasons": redact(demand.statement_of_reasons, others),
        "redress": redact(demand.redress, others),
        "asks": asks,
        "actions": actions,
        "before_disclosure": reason == NoticeReason.BEFORE_DISCLOSURE,
        "disclose_on": disclose_on,
        "was_delayed": reason in (NoticeReason.GAG, NoticeReason.EMERGENCY),
        "emergency": demand.emergency,
        "gag_until": demand.non_disclosure_until,
    }


def render(notice: Notice, language: str, *, disclose_on: datetime | None = None,
           template_name: str = TEMPLATE) -> Rendered:
    chosen, fell_back = _choose_language(language, template_name)
    with translation.override(chosen):
        context = notice_context(notice, disclose_on=disclose_on)
        text = get_template(template_name).render(context).strip() + "\n"
        subject = translation.gettext(SUBJECT)
    return Rendered(subject=subject, body=text, language=chosen, fell_back=fell_back)


# --------------------------------------------------------------------------- delivery


def mark_sent(notice: Notice, rendered: Rendered, result: dict[str, Any],
              disclose_on: datetime | None) -> None:
    """Record delivery; for a notice before disclosure, start the time to object."""
    with transaction.atomic():
        notice = for_update(Notice.objects).select_related("demand").get(pk=notice.pk)
        if notice.status == NoticeStatus.SENT:
            return
        now = timezone.now()
        notice.status = NoticeStatus.SENT
        notice.sent_at = now
        notice.subject = rendered.subject[:300]
        notice.body = rendered.body
        notice.language = rendered.language
        notice.save(update_fields=["status", "sent_at", "subject", "body", "language"])
        NoticeState.objects.filter(notice=notice).update(
            fell_back_to_english=rendered.fell_back, last_error="", next_attempt_at=None)
        record("notice.sent", actor="system", demand_id=notice.demand_id, payload={
            "notice": notice.pk, "kind": notice.kind, "to": notice.recipient,
            "language": rendered.language, "fell_back_to_english": rendered.fell_back,
            "result": result})

        resolve_done(notice=notice)
        wait = for_update(DisclosureWait.objects).filter(notice=notice).first()
        if wait is not None and wait.until is None:
            wait.until = disclose_on or disclosure_date(notice.demand, now)
            wait.save(update_fields=["until"])
            record("disclosure.waiting", actor="system", demand_id=notice.demand_id,
                   payload={"target": wait.target_id, "until": wait.until.isoformat()})
            demand_id, until = notice.demand_id, wait.until
            transaction.on_commit(lambda: _resume_exports(demand_id, until))


def _failed(notice: Notice, error: str) -> None:
    with transaction.atomic():
        state, _ = for_update(NoticeState.objects).get_or_create(
            notice=notice, defaults={"reason": NoticeReason.AFTER_ACTION})
        state.attempts += 1
        state.last_error = error[:2000]
        state.next_attempt_at = timezone.now() + DELIVERY_RETRY * 2 ** (state.attempts - 1)
        state.save(update_fields=["attempts", "last_error", "next_attempt_at"])
        record("notice.delivery_failed", actor="system", demand_id=notice.demand_id,
               payload={"notice": notice.pk, "attempt": state.attempts, "error": error[:500]})
        if state.attempts >= MAX_DELIVERY_ATTEMPTS:
            dead_letter_notice(notice, error, state.attempts)


def release_delayed_notices(now: datetime) -> int:
    """Make delayed user notices sendable once their non-disclosure period has passed.

    The demand's current gag is checked again, so a notice stays delayed if the order was
    extended or made indefinite after the notice was created. A gag's last day counts in
    full, in the issuing jurisdiction's time (``usernotices.gag_state``); other delays
    (after an emergency) end on their date in UTC.
    """
    today = now.date()
    # A jurisdiction's calendar can be a day ahead of UTC; each notice is checked exactly.
    due = Notice.objects.filter(kind=NoticeKind.USER, status=NoticeStatus.DELAYED,
                                not_before__lte=today + timedelta(days=1)).order_by("pk")
    released = 0
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            notice = for_update(Notice.objects).select_related("demand").get(pk=pk)
            demand = notice.demand
            if notice.status != NoticeStatus.DELAYED or notice.not_before is None:
                continue
            day = gag_day(demand, now) if demand.non_disclosure else today
            if gag_state(demand, now) or notice.not_before > day:
                continue
            notice.status = NoticeStatus.PENDING
            notice.save(update_fields=["status"])
            record("notice.released", actor="system", demand_id=notice.demand_id, payload={
                "notice": notice.pk, "not_before": notice.not_before.isoformat()})
            released += 1
    return released


def deliver_due(now: datetime | None = None) -> dict[str, int]:
    """Release delayed notices that are due, then deliver every pending one that is due."""
    now = now or timezone.now()
    released = release_delayed_notices(now)
    connector = get_connector()
    sent = failed = 0
    last = 0
    parked = DeadLetter.objects.filter(notice__isnull=False, resolved_at__isnull=True)
    while True:
        batch = list(
            Notice.objects.filter(kind=NoticeKind.USER, status=NoticeStatus.PENDING, pk__gt=last)
            .exclude(pk__in=parked.values("notice_id"))
            .exclude(Q(pk__in=NoticeState.objects.filter(next_attempt_at__gt=now)
                       .values("notice_id")))
            .select_related("target", "demand__authority").order_by("pk")[:_CHUNK])
        if not batch:
            break
        for notice in batch:
            last = notice.pk
            try:
                info = connector.lookup("account", notice.recipient)
                wait = DisclosureWait.objects.filter(notice=notice).first()
                disclose_on = (disclosure_date(notice.demand, timezone.now())
                               if wait is not None and wait.until is None else None)
                rendered = render(notice, info.language or "en", disclose_on=disclose_on)
                result = connector.notify_user(notice.recipient, rendered.subject,
                                               rendered.body, key=f"notice-{notice.pk}",
                                               language=rendered.language)
            except ConnectorError as exc:
                log.warning("notice %s not delivered: %s", notice.pk, exc)
                _failed(notice, str(exc))
                failed += 1
                continue
            mark_sent(notice, rendered, result, disclose_on)
            sent += 1
    return {"released": released, "sent": sent, "failed": failed}


def execution_planned(demand: Demand, planned: list[Action], actor: str) -> None:
    """Subscribed to the case file's ``execution_planned``: users the law says must hear
    before their data goes are told first; the actions are queued once the plan commits."""
    plan_before_disclosure(demand, planned, actor)
    pk = demand.pk
    transaction.on_commit(lambda: enqueue_demand_actions(pk))
