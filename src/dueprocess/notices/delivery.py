"""Letters to an authority by e-mail, beside their copy in the authority portal.

Only addresses whose domain the registry lists as the authority's verified domains are
written to: a demand from a look-alike domain must not get a reply that confirms, to the
forger, what the platform holds. Each attempt is an audit event on the demand's timeline.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction

from dueprocess.audit.chain import record
from dueprocess.demands.models import Demand, Notice

log = logging.getLogger(__name__)


def _domain_ok(address: str, domains: list[str]) -> bool:
    if address.count("@") != 1:
        return False
    domain = address.rsplit("@", 1)[1].strip().lower().rstrip(".")
    for allowed in domains:
        allowed = str(allowed).strip().lower().rstrip(".")
        if allowed and (domain == allowed or domain.endswith("." + allowed)):
            return True
    return False


def is_verified_address(address: str, domains: list[str]) -> bool:
    """Whether an address is on one of the authority's verified domains (or a subdomain)."""
    return _domain_ok(address.strip(), list(domains or []))


def verified_addresses(demand: Demand) -> list[str]:
    """The requester's login e-mail, the issuer's and the sender's, where the domain is verified."""
    candidates: list[str] = []
    requester = demand.requester
    if requester is not None and requester.user.email:
        candidates.append(requester.user.email)
    issued = demand.issued_by or {}
    if isinstance(issued, dict) and issued.get("email"):
        candidates.append(str(issued["email"]))
    if demand.sender_email:
        candidates.append(demand.sender_email)
    domains = list(demand.authority.domains or [])
    out: list[str] = []
    for address in candidates:
        address = address.strip()
        if _domain_ok(address, domains) and address.lower() not in {a.lower() for a in out}:
            out.append(address)
    return out


def _recipients(notice: Notice) -> list[str]:
    """The addresses the reviewer sent the letter to, else the demand's verified ones;
    checked against the registry again at sending time (a domain may have been removed)."""
    domains = list(notice.demand.authority.domains or [])
    chosen = [a for a in (notice.addresses or []) if isinstance(a, str)]
    if chosen:
        return [a for a in chosen if _domain_ok(a.strip(), domains)]
    return verified_addresses(notice.demand)


def email_letter_on_commit(notice: Notice) -> None:
    """Queue the e-mail once the letter is committed (the worker sends it); a rolled-back
    decision sends nothing.

    With no address to write to, that is recorded in the letter's own transaction: nothing
    waits for the commit.
    """
    if not _recipients(notice):
        _record_skipped(notice)
        return
    from dueprocess.notices.tasks import email_letter  # tasks import this module

    pk = notice.pk
    transaction.on_commit(lambda: email_letter.enqueue(pk))


def _record_skipped(notice: Notice) -> str:
    verb = "letter.email_skipped"
    record(verb, actor="system", demand_id=notice.demand_id, payload={
        "notice": notice.pk, "kind": notice.kind,
        "reason": "no address on a verified domain of the authority"})
    return verb


def send_letter_email(notice_id: int, *, attempt: int = 1) -> str:
    """Send one letter; returns the verb recorded (emailed, email_skipped, email_failed)."""
    notice = (Notice.objects.select_related("demand__authority", "demand__requester__user")
              .get(pk=notice_id))
    demand = notice.demand
    to = _recipients(notice)
    if not to:
        with transaction.atomic():
            return _record_skipped(notice)
    payload: dict[str, Any] = {"notice": notice.pk, "kind": notice.kind, "attempt": attempt}
    message = EmailMessage(
        subject=notice.subject, body=notice.body, from_email=settings.DEFAULT_FROM_EMAIL,
        to=to, headers={"Content-Language": notice.language or "en",
                        "X-Dueprocess-Reference": demand.reference[:200]})
    try:
        message.send(fail_silently=False)
    except Exception as exc:  # any transport failure is recorded, never raised to the user
        log.warning("letter %s not e-mailed: %s", notice.pk, exc)
        verb = "letter.email_failed"
        payload.update(to=to, error=str(exc)[:500])
    else:
        verb = "letter.emailed"
        payload["to"] = to
    with transaction.atomic():
        record(verb, actor="system", demand_id=demand.pk, payload=payload)
    return verb


def record_held_email(notice: Notice) -> None:
    """The acknowledgement of a demand held for authenticity stays in the portal: the sender
    may be a forger, so nothing is e-mailed until a registry contact confirms the demand."""
    record("letter.email_skipped", actor="system", demand_id=notice.demand_id, payload={
        "notice": notice.pk, "kind": notice.kind,
        "reason": "held until the sender is verified through a registry contact"})
