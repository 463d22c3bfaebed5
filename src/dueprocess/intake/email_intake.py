"""E-mailed demands: an RFC 5322 message becomes a draft demand with sender findings.

Authorities still e-mail demands, and forgers rely on it. The message is parsed with the
standard library (``email`` with the modern policy), its headers are checked for the signs
of a forged or spoofed sender (several From headers, a display name that shows another
address, Reply-To / Return-Path / Sender in another domain, failing or missing SPF, DKIM and
DMARC results), PDF attachments become documents, and the body is read for the fields
authorities are asked to include (``Reference:``, ``Instrument:``, ``Ask:``, ``Target:`` …;
see docs/authorities.md). Whatever had to be guessed is written down in the record's notes.
The original bytes are kept under ``DUEPROCESS_HOME/email/<sha256>.eml``.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import ValidationError

from dueprocess import blobstore
from dueprocess.audit.actors import User, actor_label
from dueprocess.audit.chain import record
from dueprocess.demands.actions import receive_demand
from dueprocess.demands.inputs import DemandIn
from dueprocess.demands.models import Authority, Demand
from dueprocess.errors import Conflict, DomainError, InvalidInput
from dueprocess.intake.documents import TooLarge, store_document
from dueprocess.intake.models import InboundEmail
from dueprocess.intake.normalise import BadTarget, looks_like_url, normalise_identifier
from dueprocess.intake.providers import pending_email, registry_domains
from dueprocess.intake.verification import find_lookalike, is_within, parse_address

DEFAULT_MAX_BYTES = 30 * 1024 * 1024
MAX_BODY = 200_000
MAX_TARGETS_FROM_BODY = 10_000
_FIELD = re.compile(r"^\s*([A-Za-z][A-Za-z .'/-]{1,40}?)\s*:\s*(.*?)\s*$")
_URL = re.compile(r"https?://[^\s<>\"')\]]+", re.IGNORECASE)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_KEYS = {
    "reference": "reference", "ref": "reference", "our reference": "reference",
    "case number": "reference", "case": "reference",
    "instrument": "instrument", "legal process": "instrument",
    "emergency": "emergency", "justification": "emergency_justification",
    "emergency justification": "emergency_justification",
    "legal basis": "legal_basis", "statute": "legal_basis",
    "statement of reasons": "statement_of_reasons", "reasons": "statement_of_reasons",
    "offences": "offences", "offenses": "offences", "redress": "redress",
    "issued by": "issued_by", "officer": "issued_by", "title": "title", "role": "role",
    "ask": "ask", "target": "target", "targets": "target", "deadline": "deadline",
    "non-disclosure until": "non_disclosure", "non disclosure until": "non_disclosure",
    "language": "language",
    "validated by": "validated_by", "validator": "validated_by",
    "validator role": "validator_role", "validated by role": "validator_role",
}
#: Words on a restrict_content Ask line saying it reaches identical or equivalent content.
_STAY_DOWN = frozenset({"equivalent", "identical", "stay-down", "staydown"})


def max_email_bytes() -> int:
    return int(getattr(settings, "DUEPROCESS_EMAIL_MAX_BYTES", DEFAULT_MAX_BYTES))


FOLDER = "email"


@dataclass
class Attachment:
    filename: str
    content_type: str
    payload: bytes


@dataclass
class ParsedEmail:
    from_address: str
    from_domain: str
    raw_from_domain: str
    subject: str
    message_id: str
    sent_at: datetime | None
    body: str
    attachments: list[Attachment] = field(default_factory=list)
    header_problems: list[str] = field(default_factory=list)


def _text(value: object) -> str:
    """A header value as text. Raw UTF-8 in a header (RFC 6532, or a forger hoping a check
    chokes on it) reaches Python as surrogate escapes; they are turned back into the
    characters they encode, so ``fb\u0456.gov`` with a Cyrillic i is seen as exactly that."""
    text = str(value)
    if any("\udc80" <= ch <= "\udcff" for ch in text):
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return text


def _domain_of(raw: str) -> str:
    try:
        return parse_address(raw)[1]
    except InvalidInput:
        return ""


def _auth_results(msg: EmailMessage) -> dict[str, str]:
    """Verdicts of the topmost Authentication-Results header (the receiving server's)."""
    header = msg.get_all("Authentication-Results") or []
    if not header:
        return {}
    text = str(header[0]).lower()
    return {m.group(1): m.group(2)
            for m in re.finditer(r"\b(spf|dkim|dmarc)\s*=\s*([a-z]+)", text)}


def _header_problems(msg: EmailMessage, address: str, domain: str,
                     display: str) -> list[str]:
    problems: list[str] = []
    if len(msg.get_all("From") or []) > 1:
        problems.append("the message has several From headers")
    shown = re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", display or "")
    if any(s.lower() != address for s in shown):
        problems.append(f"the display name shows {shown[0]} but the message is from "
                        f"{address}")
    for name in ("Sender", "Reply-To", "Return-Path"):
        for raw in msg.get_all(name) or []:
            other = _domain_of(_text(raw).strip().strip("<>") if name == "Return-Path"
                               else _text(raw))
            if other and not (is_within(other, domain) or is_within(domain, other)):
                problems.append(f"{name} is in another domain ({other}) than From ({domain})")
    verdicts = _auth_results(msg)
    if not verdicts:
        problems.append("no Authentication-Results from the receiving mail server: SPF, "
                        "DKIM and DMARC were not checked")
    else:
        failed = [f"{k}={v}" for k, v in sorted(verdicts.items()) if v != "pass"]
        passed = verdicts.get("dmarc") == "pass" or (
            verdicts.get("spf") == "pass" and verdicts.get("dkim") == "pass")
        if failed or not passed:
            problems.append("sender authentication did not pass: "
                            + (", ".join(failed) or "no DMARC or SPF+DKIM pass"))
    return problems


def _body_text(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        text = str(part.get_content())
    except (LookupError, UnicodeError, AssertionError):
        payload = part.get_payload(decode=True)
        text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if part.get_content_subtype() == "html":
        text = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", text)
        text = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</li>", "\n", text)
        text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return text[:MAX_BODY]


def parse_eml(data: bytes) -> ParsedEmail:
    """Parse the message and judge its headers; ``InvalidInput`` if it has no sender."""
    if len(data) > max_email_bytes():
        raise TooLarge(_("the message is larger than %(mib)s MiB")
                       % {"mib": max_email_bytes() // (1024 * 1024)},
                       field="file")
    if not data.strip():
        raise InvalidInput(_("the file is empty"), field="file")
    msg = BytesParser(policy=policy.default).parsebytes(data)
    if not isinstance(msg, EmailMessage) or (msg.defects and not msg.keys()):
        raise InvalidInput(_("the file is not an e-mail message (RFC 5322)"), field="file")
    from_headers = msg.get_all("From") or []
    if not from_headers:
        raise InvalidInput(_("the message has no From header, so its sender cannot be checked"),
                           field="file")
    try:
        addresses = list(from_headers[0].addresses)
    except (AttributeError, TypeError, ValueError):
        addresses = []
    if not addresses:
        pairs = [p for p in getaddresses([_text(from_headers[0])]) if p[1]]
        addresses = [Address(display_name=p[0], addr_spec=p[1]) for p in pairs[:1]
                     if "@" in p[1]]
    if not addresses:
        raise InvalidInput(_("the From header holds no readable address"), field="file")
    raw_address = _text(addresses[0].addr_spec)
    address, domain = parse_address(raw_address)
    problems = _header_problems(msg, address, domain, _text(addresses[0].display_name))
    if len(addresses) > 1:
        problems.append("the From header names several senders")
    sent_at = None
    if msg["Date"]:
        try:
            sent_at = parsedate_to_datetime(str(msg["Date"]))
            if sent_at.tzinfo is None:
                sent_at = sent_at.replace(tzinfo=UTC)
        except (TypeError, ValueError, IndexError):
            problems.append("the Date header cannot be read")
    if sent_at and sent_at > timezone.now() + timedelta(days=1):
        problems.append("the Date header is in the future")
    attachments: list[Attachment] = []
    for part in msg.iter_attachments():
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            payload = str(part.get_payload()).encode("utf-8", "replace")
        attachments.append(Attachment(filename=part.get_filename() or "attachment",
                                      content_type=part.get_content_type(),
                                      payload=payload))
    return ParsedEmail(
        from_address=address, from_domain=domain,
        raw_from_domain=raw_address.rpartition("@")[2],
        subject=_text(msg["Subject"] or "")[:998].strip(),
        message_id=_text(msg["Message-ID"] or "").strip()[:998],
        sent_at=sent_at, body=_body_text(msg), attachments=attachments,
        header_problems=problems)


# ----------------------------------------------------------------------------- the body


def _fields(body: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in body.splitlines():
        if line.lstrip().startswith(">"):
            continue  # quoted earlier mail is not this demand
        m = _FIELD.match(line)
        if m and (key := _KEYS.get(m.group(1).strip().lower())):
            found.setdefault(key, []).append(m.group(2))
    return found


def _ask(text: str) -> dict[str, Any]:
    words = [w for w in re.split(r"[\s,;]+", text.strip()) if w]
    if not words:
        raise ValueError("an empty Ask line")
    kind = words[0].lower()
    rest = [w.lower() for w in words[1:]]
    dates = _DATE.findall(text)
    if kind == "disclose":
        cats = [w for w in rest if w in ("subscriber", "traffic", "content")]
        ask: dict[str, Any] = {"kind": kind, "data_categories": cats or ["subscriber"]}
        if len(dates) >= 2:
            ask.update(date_from=dates[0], date_to=dates[1])
        return ask
    if kind == "preserve":
        days = next((int(w) for w in rest if w.isdigit()), 90)
        return {"kind": kind, "days": days}
    if kind == "restrict_account":
        measure = next((w for w in rest if w in ("suspend", "terminate", "withhold")),
                       "suspend")
        scope = [w.upper() for w in words[1:] if re.fullmatch(r"[A-Z]{2}", w)]
        return {"kind": kind, "measure": measure, "territorial_scope": scope}
    if kind == "restrict_content":
        measure = next((w for w in rest if w in ("remove", "disable", "withhold")), "remove")
        scope = [w.upper() for w in words[1:] if re.fullmatch(r"[A-Z]{2}", w)]
        return {"kind": kind, "measure": measure, "territorial_scope": scope,
                "equivalent_content": bool(_STAY_DOWN.intersection(rest))}
    raise ValueError(f"unknown ask {kind!r}")


def _infer_ask(text: str) -> dict[str, Any]:
    lowered = text.lower()
    if "preserv" in lowered:
        return {"kind": "preserve", "days": 90}
    if re.search(r"\b(remove|take down|takedown|delete the post)", lowered):
        return {"kind": "restrict_content", "measure": "remove"}
    if re.search(r"\b(suspend|terminate|close the account)", lowered):
        return {"kind": "restrict_account", "measure": "suspend"}
    return {"kind": "disclose", "data_categories": ["subscriber"]}


def demand_body(parsed: ParsedEmail) -> tuple[dict[str, Any], list[str]]:
    """The demand as far as the e-mail states it, and notes on what was guessed."""
    f = _fields(parsed.body)
    notes: list[str] = []

    def first(key: str, default: str = "") -> str:
        return (f.get(key) or [default])[0].strip()

    reference = first("reference") or parsed.subject or parsed.message_id or "e-mail"
    if not f.get("reference"):
        notes.append("no Reference: line; the subject is used as the reference")
    instrument = first("instrument")
    if not instrument:
        instrument = "unspecified"
        notes.append("no Instrument: line; the instrument must be identified by a reviewer")
    emergency = first("emergency").lower() in ("yes", "true", "1", "y") or (
        not f.get("emergency") and bool(re.search(r"\bemergency\b", parsed.subject, re.I)))
    asks: list[dict[str, Any]] = []
    for text in f.get("ask", []):
        try:
            asks.append(_ask(text))
        except ValueError as exc:
            notes.append(f"Ask line not understood ({exc}): {text[:80]}")
    if not asks:
        asks.append(_infer_ask(parsed.subject + "\n" + parsed.body))
        notes.append(f"no Ask: line; guessed {asks[0]['kind']} from the wording — check it")
    raw_targets = [t for line in f.get("target", []) for t in re.split(r"[\s,;]+", line) if t]
    if not raw_targets:
        raw_targets = _URL.findall(parsed.body)[:MAX_TARGETS_FROM_BODY]
        if raw_targets:
            notes.append("no Target: line; every URL in the body was taken as a target")
    targets: list[dict[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for raw in raw_targets[:MAX_TARGETS_FROM_BODY]:
        kind = "content" if looks_like_url(raw) else "account"
        try:
            ident = normalise_identifier(kind, raw.rstrip(".,;"))
        except BadTarget as exc:
            notes.append(f"target {raw[:80]!r} skipped: {exc}")
            continue
        if (kind, ident) not in seen:
            seen.add((kind, ident))
            targets.append({"type": kind, ("url" if kind == "content" else "id"): ident})
    issued_by: dict[str, Any] = {"name": first("issued_by") or parsed.from_address,
                                 "email": parsed.from_address}
    if first("title"):
        issued_by["title"] = first("title")[:300]
    role = first("role").lower()
    if role:
        issued_by["role"] = role
    validated_by: dict[str, str] | None = None
    validator_role = first("validator_role").lower()
    if validator_role in ("judge", "court", "prosecutor"):
        validated_by = {"role": validator_role, "name": first("validated_by")[:300]}
    elif validator_role or f.get("validated_by"):
        notes.append("Validated by: line without a Validator role (judge, court or "
                     "prosecutor); the validation must be recorded by a reviewer")
    body: dict[str, Any] = {
        "reference": reference[:200], "instrument": instrument[:100],
        "issued_by": issued_by, "validated_by": validated_by, "emergency": emergency,
        "emergency_justification": first("emergency_justification")[:20_000],
        "legal_basis": first("legal_basis")[:20_000],
        "statement_of_reasons": first("statement_of_reasons")[:20_000],
        "redress": first("redress")[:20_000],
        "offences": [o.strip() for o in first("offences").split(",") if o.strip()][:50],
        "asks": asks[:20], "targets": targets,
        "language": first("language")[:10],
    }
    if emergency and not body["emergency_justification"]:
        body["emergency_justification"] = parsed.subject[:500]
    nd = first("non_disclosure")
    if nd:
        body["non_disclosure"] = {"until": nd if _DATE.fullmatch(nd) else None}
    if first("deadline") and _DATE.match(first("deadline")):
        body["deadline"] = f"{first('deadline')[:10]}T23:59:59Z"
    return body, notes


def authority_for(parsed: ParsedEmail, slug: str | None) -> tuple[Authority, str]:
    """Which authority the message claims to come from, and how that was decided."""
    if slug:
        found = Authority.objects.filter(slug=slug).first()
        if found is None:
            raise InvalidInput(_("no authority %(slug)r") % {"slug": slug}, field="authority")
        return found, "named by the person importing it"
    authorities = list(Authority.objects.all())
    for a in authorities:
        if any(is_within(parsed.from_domain, d.lower()) for d in a.domains or ()):
            return a, f"the sender's domain {parsed.from_domain} is registered to it"
    look = find_lookalike(parsed.from_domain, registry_domains(), raw=parsed.raw_from_domain)
    if look is not None:
        for a in authorities:
            if look.verified in [d.lower() for d in a.domains or ()]:
                return a, f"the sender's domain imitates {look.verified}"
    raise InvalidInput(_("cannot tell which authority sent this (%(from_domain)s is not in the "
                         "registry); choose the authority")
                       % {"from_domain": parsed.from_domain}, field="authority")


def _keep_unread(data: bytes, sha: str, reason: str, user: User | None,
                 parsed: ParsedEmail | None) -> InboundEmail:
    """A message no demand could be made of: kept with the reason, listed for staff."""
    stored = blobstore.name(FOLDER, f"{sha}.eml")
    if not blobstore.exists(stored):
        blobstore.save_bytes(stored, data)
    with transaction.atomic():
        row, created = InboundEmail.objects.get_or_create(sha256=sha, defaults={
            "size": len(data), "path": f"{sha}.eml"})
        row.problem = reason[:2000]
        if parsed is not None:
            row.from_address = parsed.from_address[:320]
            row.from_domain = parsed.from_domain[:260]
            row.subject = parsed.subject
            row.message_id = parsed.message_id
            row.sent_at = parsed.sent_at
            row.header_problems = parsed.header_problems
        row.save()
        if created:
            record("email.kept_unread", actor=actor_label(user), payload={
                "email": row.pk, "sha256": sha, "reason": reason[:500],
                "from": parsed.from_address if parsed else ""})
    return row


def unread_emails() -> list[InboundEmail]:
    """Messages waiting for staff: unreadable, or their authority could not be told."""
    return list(InboundEmail.objects.filter(demand__isnull=True).exclude(problem="")[:200])


def import_eml(data: bytes, *, user: User | None, authority: str | None = None
               ) -> InboundEmail:
    """Parse, keep the original, and receive the demand with its PDF attachments.

    A message that arrived is never lost: when no demand can be made of it (it cannot be
    parsed, names no sender, or its authority cannot be told) the original is kept with
    the reason (``InboundEmail.problem``, listed on the console's import page) and the
    error is raised for the channel it came through; importing it again, e.g. with the
    authority named, turns the same record into a demand."""
    sha = hashlib.sha256(data).hexdigest()
    existing = InboundEmail.objects.filter(sha256=sha).first()
    if existing is not None and existing.demand_id is not None:
        raise Conflict(_("this message was already imported (demand #%(demand_id)s)")
                       % {"demand_id": existing.demand_id})
    parsed: ParsedEmail | None = None
    try:
        parsed = parse_eml(data)
        chosen, why = authority_for(parsed, authority)
        body, notes = demand_body(parsed)
        notes.insert(0, f"authority: {chosen.slug} — {why}")
        try:
            data_in = DemandIn.model_validate(body)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first.get("loc", ()))
            raise InvalidInput(_("the e-mail's %(where)s cannot be used: %(problem)s")
                               % {"where": where or "content", "problem": first["msg"]}) from exc
    except TooLarge:
        raise
    except InvalidInput as exc:
        if data.strip():
            _keep_unread(data, sha, exc.message, user, parsed)
        raise
    stored = blobstore.name(FOLDER, f"{sha}.eml")
    wrote = not blobstore.exists(stored)
    if wrote:
        blobstore.save_bytes(stored, data)
    try:
        with transaction.atomic():
            InboundEmail.objects.filter(sha256=sha, demand__isnull=True).delete()
            with pending_email(parsed.header_problems):
                demand = receive_demand(data_in, authority=chosen, requester=None, user=user,
                                        channel="email", sender_email=parsed.from_address)
            inbound = InboundEmail.objects.create(
                demand=demand, message_id=parsed.message_id, sha256=sha, size=len(data),
                path=f"{sha}.eml", from_address=parsed.from_address,
                from_domain=parsed.from_domain, subject=parsed.subject,
                sent_at=parsed.sent_at, header_problems=parsed.header_problems,
                notes=notes,
                imported_by_id=user.pk if user is not None and user.is_authenticated else None)
            inbound.attachments = _attach(demand, parsed, user)
            inbound.save(update_fields=["attachments"])
            record("email.imported", actor=actor_label(user), demand_id=demand.pk, payload={
                "email": inbound.pk, "sha256": sha, "from": parsed.from_address,
                "subject": parsed.subject[:200], "header_problems": parsed.header_problems,
                "attachments": inbound.attachments})
    except BaseException:
        if wrote:
            blobstore.delete(stored)
        raise
    return inbound


def _attach(demand: Demand, parsed: ParsedEmail, user: User | None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for att in parsed.attachments:
        entry: dict[str, Any] = {"filename": att.filename[:200], "content_type":
                                 att.content_type, "size": len(att.payload)}
        try:
            doc = store_document(demand, filename=att.filename, chunks=[att.payload],
                                 user=user)
        except DomainError as exc:
            entry.update(stored=False, reason=exc.message)
        else:
            entry.update(stored=True, document=doc.pk, sha256=doc.sha256)
        out.append(entry)
    return out


def stored_name(inbound: InboundEmail) -> str:
    return blobstore.name(FOLDER, PurePosixPath(inbound.path).name)


def open_original(inbound: InboundEmail) -> IO[bytes] | None:
    """The message as received, byte for byte, or None when it is not in the store."""
    return blobstore.open_if_present(stored_name(inbound))
