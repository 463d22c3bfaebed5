"""Intake's state changes, each in one transaction with its audit event.

Same pattern as :mod:`dueprocess.demands.actions`: lock the demand row, check the step is
allowed, write the rows, append the audit event, all inside ``transaction.atomic``. Views,
API handlers and commands only parse input and call these functions.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dueprocess.audit.actors import User, actor_label
from dueprocess.audit.chain import record
from dueprocess.demands.actions import DECIDABLE, _transition, revet_demand
from dueprocess.demands.models import (
    Authority,
    Demand,
    Notice,
    NoticeKind,
    Requester,
    Status,
)
from dueprocess.errors import Conflict, Forbidden, InvalidInput, NotFound
from dueprocess.exports import csv_text, restore
from dueprocess.intake.models import (
    CallbackOutcome,
    CallbackRecord,
    ClarificationAnswer,
    FraudSignal,
    Invitation,
    SignalKind,
)
from dueprocess.intake.verification import normalise_domain, parse_address
from dueprocess.locking import for_update

INVITATION_DAYS = 7
MAX_SIGNAL_ERRORS = 1000


def _lock(demand: Demand) -> Demand:
    return for_update(Demand.objects).select_related("authority").get(pk=demand.pk)


def phone_digits(phone: str) -> str:
    return "".join(c for c in phone if c.isdigit())


# ----------------------------------------------------------------------------- callbacks


def record_callback(demand: Demand, *, phone: str, outcome: str, user: User,
                    spoke_with: str = "", notes: str = "",
                    called_at: datetime | None = None) -> CallbackRecord:
    """Record an out-of-band call and vet the demand again with it.

    The number must be one of the authority's registered numbers: a number printed on
    the demand itself is exactly what a forger controls. A confirmation names the person
    who gave it: the record says who, on which registry number, when and with what outcome.
    """
    if outcome not in CallbackOutcome.values:
        raise InvalidInput(_("choose the outcome: one of %(values)s")
                           % {"values": ', '.join(CallbackOutcome.values)},
                           field="outcome")
    if user.pk is None:
        raise Forbidden(_("a person must be logged in to record a callback"))
    with transaction.atomic():
        demand = _lock(demand)
        if not demand.is_open:
            raise Conflict(_("a %(status)s demand takes no more callbacks")
                           % {"status": demand.status})
        registered = {phone_digits(p): p for p in (demand.authority.phones or ())
                      if isinstance(p, str)}
        digits = phone_digits(phone)
        if not digits or digits not in registered:
            raise InvalidInput(
                _("call back on a number from the authority registry (%(numbers)s), never on a "
                  "number taken from the demand")
                % {"numbers": ", ".join(registered.values())
                   or _("none registered: add one first")}, field="phone")
        if outcome == CallbackOutcome.CONFIRMED and not spoke_with.strip():
            raise InvalidInput(_("a confirmation names the person at the authority who gave it"),
                               field="spoke_with")
        when = called_at or timezone.now()
        if when > timezone.now() + timedelta(minutes=5):
            raise InvalidInput(_("the call cannot be in the future"), field="called_at")
        cb = CallbackRecord.objects.create(
            demand=demand, phone=registered[digits], outcome=outcome,
            spoke_with=spoke_with.strip()[:200], notes=notes.strip()[:5000], called_at=when,
            recorded_by_id=user.pk)
        record("demand.callback_recorded", actor=actor_label(user), demand_id=demand.pk,
               payload={"callback": cb.pk, "phone": cb.phone, "outcome": outcome,
                        "spoke_with": cb.spoke_with, "called_at": when.isoformat()})
        revet_demand(demand, user=user)
    return cb


# ----------------------------------------------------------------------------- clarifications


def answer_clarification(demand: Demand, body: str, *, user: User) -> ClarificationAnswer:
    """The authority answers; the demand goes back from awaiting_authority to review."""
    text = body.strip()
    if not text:
        raise InvalidInput(_("write the answer"), field="body")
    if len(text) > 20_000:
        raise InvalidInput(_("the answer is longer than 20,000 characters"), field="body")
    with transaction.atomic():
        demand = _lock(demand)
        if demand.status != Status.AWAITING_AUTHORITY:
            raise Conflict(_("no clarification is awaited on this demand"))
        request = (Notice.objects.filter(demand=demand,
                                          kind=NoticeKind.CLARIFICATION_REQUEST)
                   .order_by("-pk").first())
        answer = ClarificationAnswer.objects.create(
            demand=demand, request=request, body=text,
            answered_by_id=user.pk if user.is_authenticated else None)
        actor = actor_label(user)
        record("demand.clarification_answered", actor=actor, demand_id=demand.pk,
               payload={"answer": answer.pk, "request": request.pk if request else None,
                        "length": len(text)})
        _transition(demand, Status.IN_REVIEW, actor, reason="the authority answered")
        revet_demand(demand, user=user)
    return answer


# ----------------------------------------------------------------------------- fraud signals


def normalise_signal(kind: str, value: str) -> tuple[str, str]:
    kind = kind.strip().lower()
    text = value.strip()
    if kind in ("", "auto"):
        kind = SignalKind.SENDER if "@" in text else SignalKind.DOMAIN
    if kind in ("email", "address", "e-mail"):
        kind = SignalKind.SENDER
    if kind == SignalKind.SENDER:
        address, _name = parse_address(text)
        return kind, address
    if kind == SignalKind.DOMAIN:
        return kind, normalise_domain(text.lstrip("@").removeprefix("*."))
    raise InvalidInput(_("the kind %(kind)r is neither sender nor domain")
                       % {"kind": kind}, field="kind")


def _affected_demands(kind: str, value: str) -> list[int]:
    if kind == SignalKind.SENDER:
        match = Q(sender_email__iexact=value) | Q(requester__user__email__iexact=value)
    else:
        match = (Q(sender_email__iendswith="@" + value) | Q(sender_email__iendswith="." + value)
                 | Q(requester__user__email__iendswith="@" + value))
    return list(Demand.objects.filter(match, status__in=DECIDABLE).values_list("pk", flat=True))


def _revet_all(pks: list[int], user: User | None) -> None:
    for pk in pks:
        revet_demand(Demand(pk=pk), user=user)


def mark_fraudulent(kind: str, value: str, *, reason: str = "", user: User | None,
                    source: str = "", first_seen: date | None = None) -> FraudSignal:
    """Flag a sender or domain; open demands from it are vetted again at once."""
    kind, value = normalise_signal(kind, value)
    actor = actor_label(user)
    with transaction.atomic():
        signal, created = for_update(FraudSignal.objects).get_or_create(
            kind=kind, value=value, defaults={
                "reason": reason.strip()[:2000], "source": source[:200] or "local",
                "first_seen": first_seen or timezone.now().date(),
                "created_by_id": user.pk if user is not None and user.is_authenticated
                else None})
        if not created:
            signal.revoked_at = None
            if reason.strip():
                signal.reason = reason.strip()[:2000]
            signal.save(update_fields=["revoked_at", "reason"])
        record("fraud_signal.marked", actor=actor, payload={
            "kind": kind, "value": value, "reason": signal.reason, "source": signal.source})
        _revet_all(_affected_demands(kind, value), user)
    return signal


def clear_signal(signal: FraudSignal, *, user: User | None) -> FraudSignal:
    with transaction.atomic():
        signal = for_update(FraudSignal.objects).get(pk=signal.pk)
        if signal.revoked_at is None:
            signal.revoked_at = timezone.now()
            signal.save(update_fields=["revoked_at"])
            record("fraud_signal.cleared", actor=actor_label(user),
                   payload={"kind": signal.kind, "value": signal.value})
            _revet_all(_affected_demands(signal.kind, signal.value), user)
    return signal


SIGNAL_COLUMNS = ["kind", "value", "reason", "first_seen", "source"]


def export_signals() -> str:
    """Active signals as CSV, the format :func:`import_signals` reads (share between teams)."""
    rows = ([s.kind, s.value, s.reason, s.first_seen.isoformat() if s.first_seen else "",
             s.source]
            for s in FraudSignal.objects.filter(revoked_at__isnull=True).order_by("kind",
                                                                                  "value"))
    return csv_text(SIGNAL_COLUMNS, rows)


SIGNAL_HEADER_NAMES = frozenset({*SIGNAL_COLUMNS, "type"})
"""Columns a signal CSV may name (``type`` is read as ``kind``)."""


@dataclass(frozen=True)
class SignalRow:
    line: int
    kind: str
    value: str
    reason: str
    first_seen: date | None


@dataclass
class SignalImport:
    added: int = 0
    updated: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    rejected: int = 0
    unchanged: int = 0
    dry_run: bool = False
    plan: list[tuple[str, SignalRow]] = field(default_factory=list)
    """``("add" | "reactivate" | "unchanged", row)`` for each row read, in file order."""
    demands: int = 0
    """Open demands vetted again (or, in a dry run, that would be)."""


def _signal_header(cells: list[str], lineno: int, strict: bool) -> list[str] | None:
    names = [c.lower() for c in cells]
    if not set(names) & {"kind", "value", "type"}:
        if strict:
            raise InvalidInput(
                _("line %(lineno)s: the first line is not a header; name the columns "
                  "(%(signal_columns)s), as `fraud export` writes them")
                % {"lineno": lineno, "signal_columns": ','.join(SIGNAL_COLUMNS)}, field="file")
        return None
    if strict:
        unknown = [n for n in names if n not in SIGNAL_HEADER_NAMES]
        if unknown:
            raise InvalidInput(_("line %(lineno)s: unknown column %(column)r in the header "
                                 "(known: %(signal_columns)s)")
                               % {"lineno": lineno,
                                  "column": unknown[0],
                                  "signal_columns": ', '.join(SIGNAL_COLUMNS)}, field="file")
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice or ("kind" in names and "type" in names):
            raise InvalidInput(_("line %(lineno)s: the column %(column)r is named twice in the "
                                 "header")
                               % {"lineno": lineno,
                                  "column": (twice or ["kind"])[0]}, field="file")
        if "value" not in names:
            raise InvalidInput(_("line %(lineno)s: the header has no 'value' column")
                               % {"lineno": lineno}, field="file")
    return names


def _signal_row(cells: list[str], header: list[str] | None, lineno: int,
                strict: bool) -> SignalRow:
    if strict and header is not None and len(cells) > len(header):
        raise InvalidInput(_("%(cells)s cells where the header names %(header)s")
                           % {"cells": len(cells), "header": len(header)})
    rec = (dict(zip(header, cells, strict=False)) if header
           else dict(zip(["value", "reason"], cells, strict=False)))
    if strict and not rec.get("value"):
        raise InvalidInput(_("the value is empty"))
    kind, value = normalise_signal(rec.get("kind") or rec.get("type") or "auto",
                                   rec.get("value", ""))
    reason = rec.get("reason", "")
    if strict and len(reason) > 2000:
        raise InvalidInput(_("the reason is longer than 2000 characters (%(reason)s)")
                           % {"reason": f"{len(reason):,}"})
    raw_date = rec.get("first_seen") or ""
    try:
        first_seen = date.fromisoformat(raw_date) if raw_date else None
    except ValueError:
        raise InvalidInput(_("first_seen %(date)r is not a date (YYYY-MM-DD)")
                           % {"date": raw_date[:40]}) from None
    if strict and first_seen is not None and first_seen > timezone.now().date():
        raise InvalidInput(_("first_seen %(raw_date)s is in the future") % {"raw_date": raw_date})
    return SignalRow(lineno, kind, value, reason, first_seen)


def read_signals(data: bytes, *, strict: bool = False) -> tuple[list[SignalRow],
                                                                list[dict[str, Any]]]:
    """The rows of a signal CSV and the lines refused, each with its reason.

    ``strict`` (the command line): the first line must be a header of known columns, a row
    may not have more cells than the header, and a reason is not cut at 2,000 characters
    but refused. A file that is not text is refused whole (``InvalidInput``).
    """
    if b"\x00" in data[:8192]:
        raise InvalidInput(_("the file is binary; send the CSV as text"), field="file")
    text = data.decode("utf-8-sig", errors="strict") if _is_utf8(data) else None
    if text is None:
        raise InvalidInput(_("the CSV is not UTF-8"), field="file")
    rows: list[SignalRow] = []
    errors: list[dict[str, Any]] = []
    reader = csv.reader(io.StringIO(text))
    header: list[str] | None = None
    first = True
    end = 0
    try:
        for row in reader:
            lineno, end = end + 1, reader.line_num  # a quoted cell may span lines
            cells = [restore(c.strip()) for c in row]
            if not any(cells):
                continue
            if first:
                first = False
                header = _signal_header(cells, lineno, strict)
                if header is not None:
                    continue
            try:
                rows.append(_signal_row(cells, header, lineno, strict))
            except InvalidInput as exc:
                errors.append({"line": lineno, "message": exc.message})
    except csv.Error as exc:
        errors.append({"line": end + 1, "message": f"malformed CSV: {exc}"})
    return rows, errors


def import_signals(data: bytes, *, user: User | None, source: str = "import",
                   strict: bool = False, dry_run: bool = False) -> SignalImport:
    """Read a CSV of known-bad senders and mark them; open demands from them are re-vetted.

    By default good rows are kept and bad ones reported by line. ``strict`` (the command
    line) imports nothing when any line is refused: the result then carries the errors
    only. ``dry_run`` reads and checks the same way and says what each row would do
    (add, reactivate, unchanged) without changing anything or writing an audit event.
    """
    rows, errors = read_signals(data, strict=strict)
    result = SignalImport(errors=errors[:MAX_SIGNAL_ERRORS], rejected=len(errors),
                          dry_run=dry_run)
    if strict and errors:
        return result
    if dry_run:
        known = {(s.kind, s.value): s for s in FraudSignal.objects.filter(
            Q(kind=SignalKind.SENDER, value__in=[r.value for r in rows
                                                 if r.kind == SignalKind.SENDER])
            | Q(kind=SignalKind.DOMAIN, value__in=[r.value for r in rows
                                                   if r.kind == SignalKind.DOMAIN]))}
        affected: set[int] = set()
        seen: set[tuple[str, str]] = set()
        for r in rows:
            existing = known.get((r.kind, r.value))
            if (r.kind, r.value) in seen or (existing is not None and existing.active):
                what = "unchanged"
                result.unchanged += 1
            elif existing is None:
                what = "add"
                result.added += 1
            else:
                what = "reactivate"
                result.updated += 1
            if what != "unchanged":
                affected.update(_affected_demands(r.kind, r.value))
            seen.add((r.kind, r.value))
            result.plan.append((what, r))
        result.demands = len(affected)
        return result
    with transaction.atomic():
        affected = set()
        for r in rows:
            obj, created = FraudSignal.objects.get_or_create(
                kind=r.kind, value=r.value, defaults={
                    "reason": r.reason[:2000], "source": source[:200],
                    "first_seen": r.first_seen,
                    "created_by_id": user.pk if user is not None and user.is_authenticated
                    else None})
            if created:
                result.added += 1
                result.plan.append(("add", r))
            elif obj.revoked_at is not None:
                obj.revoked_at = None
                obj.save(update_fields=["revoked_at"])
                result.updated += 1
                result.plan.append(("reactivate", r))
            else:
                result.unchanged += 1
                result.plan.append(("unchanged", r))
            affected.update(_affected_demands(r.kind, r.value))
        record("fraud_signal.imported", actor=actor_label(user), payload={
            "source": source, "added": result.added, "reactivated": result.updated,
            "rejected": result.rejected})
        result.demands = len(affected)
        _revet_all(sorted(affected), user)
    return result


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# ----------------------------------------------------------------------------- tokens


# ----------------------------------------------------------------------------- invitations


def invitation_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def invite_requester(authority: Authority, email: str, *, title: str = "",
                     user: User) -> tuple[Invitation, str]:
    """Staff invite an officer; returns the invitation and the only copy of its secret."""
    address, _name = parse_address(email)
    User_ = get_user_model()
    if User_.objects.filter(Q(email__iexact=address) | Q(username__iexact=address)).exists():
        raise Conflict(_("an account for %(address)s already exists")
                       % {"address": address}, field="email")
    raw = secrets.token_urlsafe(32)
    with transaction.atomic():
        Invitation.objects.filter(email__iexact=address, accepted_at__isnull=True,
                                  revoked_at__isnull=True).update(revoked_at=timezone.now())
        inv = Invitation.objects.create(
            authority=authority, email=address, title=title.strip()[:200],
            token_hash=invitation_hash(raw),
            expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
            created_by_id=user.pk)
        record("requester.invited", actor=actor_label(user), payload={
            "invitation": inv.pk, "email": address, "authority": authority.slug})
    return inv, raw


def find_invitation(raw: str) -> Invitation:
    if not raw or len(raw) > 100 or not re.fullmatch(r"[A-Za-z0-9_-]+", raw):
        raise NotFound(_("this invitation link is not valid"))
    inv = (Invitation.objects.select_related("authority")
           .filter(token_hash=invitation_hash(raw)).first())
    if inv is None:
        raise NotFound(_("this invitation link is not valid"))
    if not inv.usable:
        raise Conflict(_("this invitation was used, withdrawn or has expired; ask the platform "
                         "for a new one"))
    return inv


def accept_invitation(raw: str, *, password: str, totp_key: str, totp_token: str) -> Any:
    """Create the officer's account with a password and a confirmed TOTP device."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    inv = find_invitation(raw)
    User_ = get_user_model()
    candidate = User_(username=inv.email, email=inv.email)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), field="password") from exc
    token = totp_token.strip().replace(" ", "")
    if not re.fullmatch(r"\d{6}", token):
        raise InvalidInput(_("enter the 6-digit code your authenticator app shows"),
                           field="otp_token")
    totp = TOTP(bytes.fromhex(totp_key))
    totp.drift = 0
    if not totp.verify(int(token), tolerance=1):
        raise InvalidInput(_("that code does not match; check the time on your phone and try "
                             "again"), field="otp_token")
    with transaction.atomic():
        inv = for_update(Invitation.objects).get(pk=inv.pk)
        if not inv.usable:
            raise Conflict(_("this invitation was already used"))
        if User_.objects.filter(username__iexact=inv.email).exists():
            raise Conflict(_("an account for %(email)s already exists") % {"email": inv.email})
        user = User_.objects.create_user(username=inv.email, email=inv.email,
                                         password=password)
        TOTPDevice.objects.create(user=user, name="authenticator", key=totp_key,
                                  confirmed=True, last_t=totp.t())
        Requester.objects.create(authority=inv.authority, user=user, title=inv.title,
                                 verified=True)
        inv.accepted_at = timezone.now()
        inv.user = user
        inv.save(update_fields=["accepted_at", "user"])
        record("requester.joined", actor=actor_label(user), payload={
            "invitation": inv.pk, "user": user.pk, "authority": inv.authority.slug})
    return user


def register_authority(fields: dict[str, Any], *, user: User) -> Authority:
    """A new authority in the registry; its slug is unique."""
    try:
        with transaction.atomic():
            authority = Authority.objects.create(**fields)
            record("authority.created", actor=actor_label(user),
                   payload={k: v for k, v in fields.items()})
    except IntegrityError as exc:
        raise Conflict(_("an authority with slug %(slug)r exists") % {"slug": fields.get("slug")},
                       field="slug") from exc
    return authority
