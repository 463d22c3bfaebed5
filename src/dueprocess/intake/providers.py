"""What intake tells vetting about a demand's sender, and how much a requester is trusted.

:func:`sender_facts` is registered as a vetting fact provider; it turns the stored sender
(e-mail address, channel, requester login), the registry, fraud signals, callback records
and e-mail header checks into :class:`~dueprocess.vetting.facts.SenderFacts`. The vetting
rules turn those into the ``auth.*`` findings. :func:`sender_report` gives the same
judgement with its reasons, for the console.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext, ngettext

from dueprocess.demands.models import Authority, Channel, Demand, Requester
from dueprocess.errors import InvalidInput
from dueprocess.intake.models import (
    CallbackOutcome,
    CallbackRecord,
    FraudSignal,
    InboundEmail,
    SignalKind,
)
from dueprocess.intake.verification import Lookalike, find_lookalike, is_within, parse_address
from dueprocess.law import default_library
from dueprocess.vetting.facts import SenderFacts

# Header problems of an e-mail being imported, before its InboundEmail row is linked: the
# demand is vetted inside receive_demand, so the e-mail's findings must already count then.
_PENDING_HEADERS: ContextVar[tuple[str, ...] | None] = ContextVar("pending_email_headers",
                                                                   default=None)


@contextlib.contextmanager
def pending_email(header_problems: list[str]) -> Iterator[None]:
    token = _PENDING_HEADERS.set(tuple(header_problems))
    try:
        yield
    finally:
        _PENDING_HEADERS.reset(token)


@dataclass
class SenderReport:
    email: str
    domain: str
    channel: str
    verified: bool
    verified_by: str
    lookalike: Lookalike | None = None
    flagged: list[str] = field(default_factory=list)
    callback: CallbackRecord | None = None
    callback_denied: bool = False
    header_problems: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    def facts(self) -> SenderFacts:
        return SenderFacts(
            email=self.email,
            domain=self.domain,
            channel=self.channel,
            verified=self.verified,
            lookalike_of=self.lookalike.verified if self.lookalike else None,
            lookalike_reason=self.lookalike.reason if self.lookalike else "",
            flagged_fraudulent=bool(self.flagged) or self.callback_denied,
            callback_recorded=self.callback is not None,
        )


def registry_domains() -> list[str]:
    out: list[str] = []
    for domains in Authority.objects.values_list("domains", flat=True):
        out.extend(d for d in (domains or ()) if isinstance(d, str))
    return out


def matching_signals(email: str, domain: str) -> list[FraudSignal]:
    """Active signals for the address, its domain or any parent domain of it."""
    if not email and not domain:
        return []
    parents = []
    labels = domain.split(".") if domain else []
    for i in range(len(labels) - 1):
        parents.append(".".join(labels[i:]))
    qs = FraudSignal.objects.filter(revoked_at__isnull=True)
    found = list(qs.filter(kind=SignalKind.SENDER, value=email.lower())) if email else []
    if parents:
        found += list(qs.filter(kind=SignalKind.DOMAIN, value__in=parents))
    return found


def _header_problems(demand: Demand) -> list[str]:
    pending = _PENDING_HEADERS.get()
    if pending is not None:
        return list(pending)

    email = InboundEmail.objects.filter(demand_id=demand.pk).only("header_problems").first()
    return list(email.header_problems) if email else []


def sender_report(demand: Demand) -> SenderReport | None:
    """``None`` for a demand staff recorded without naming a sender: their import is the
    check, and the vetting rules then stay silent (see ``vetting.rules.sender``)."""
    requester: Requester | None = demand.requester
    email = demand.sender_email.strip()
    if not email and requester is not None:
        email = requester.user.email
    if not email and requester is None:
        return None
    callbacks = list(CallbackRecord.objects.filter(demand_id=demand.pk).order_by("called_at",
                                                                                 "pk"))
    reasons: list[str] = []
    domain = ""
    if email:
        try:
            email, domain = parse_address(email)
        except InvalidInput as exc:
            reasons.append(f"the sender address cannot be read: {exc.message}")
    authority = demand.authority
    own = [d.strip().lower() for d in (authority.domains or ()) if isinstance(d, str)]
    headers = _header_problems(demand) if demand.channel == Channel.EMAIL else []

    if demand.channel in (Channel.API, Channel.PORTAL) and requester is not None:
        verified = requester.verified and requester.authority_id == demand.authority_id
        verified_by = "requester"
        reasons.append(f"submitted by {'a verified' if verified else 'an unverified'} "
                       f"requester of {requester.authority.slug} with its "
                       f"{'token' if demand.channel == Channel.API else 'portal login'}")
    elif domain:
        in_registry = any(is_within(domain, d) for d in own)
        verified = in_registry and not headers
        verified_by = "domain"
        if in_registry:
            reasons.append(f"{domain} is a verified domain of {authority.slug}")
        else:
            reasons.append(f"{domain} is not among the verified domains of {authority.slug}"
                           f" ({', '.join(own) or 'none registered'})")
        if headers:
            reasons.append("the e-mail headers show signs of forgery")
    else:
        verified, verified_by = False, "none"
        reasons.append("the sender cannot be identified")

    lookalike = None
    if domain and not any(is_within(domain, d) for d in own):
        try:
            lookalike = find_lookalike(domain, own + registry_domains(),
                                       raw=demand.sender_email.rpartition("@")[2])
        except InvalidInput:
            lookalike = None
        if lookalike is not None:
            verified = False
            reasons.append(f"look-alike of {lookalike.verified}: {lookalike.detail}")

    flagged = [f"{s.kind} {s.value} marked fraudulent"
               + (f" ({s.reason})" if s.reason else "")
               for s in matching_signals(email, domain)]
    if flagged:
        verified = False
        reasons.extend(flagged)

    confirmed = None
    denied = False
    for cb in callbacks:  # the latest call decides
        confirmed = cb if cb.outcome == CallbackOutcome.CONFIRMED else None
        denied = cb.outcome == CallbackOutcome.DENIED
    if confirmed is not None:
        reasons.append(f"callback to {confirmed.phone} confirmed the demand "
                       f"on {confirmed.called_at:%Y-%m-%d %H:%M} UTC")
    if denied:
        verified = False
        reasons.append("a callback to the authority's registered number denied the demand")

    return SenderReport(email=email, domain=domain, channel=demand.channel, verified=verified,
                        verified_by=verified_by, lookalike=lookalike, flagged=flagged,
                        callback=confirmed, callback_denied=denied, header_problems=headers,
                        reasons=reasons)


def callback_confirmed(demand: Demand) -> bool:
    """Whether the latest call-back to a registry number confirmed the demand."""
    latest = (CallbackRecord.objects.filter(demand_id=demand.pk)
              .order_by("-called_at", "-pk").values_list("outcome", flat=True).first())
    return latest == CallbackOutcome.CONFIRMED


def sender_facts(demand: Demand) -> dict[str, Any]:
    """The vetting fact provider: ``{"sender": SenderFacts}`` when there is a sender, and
    always whether a call-back confirmed the demand (staff-entered emergencies need one)."""
    report = sender_report(demand)
    if report is not None:
        return {"sender": report.facts(), "callback_confirmed": report.callback is not None}
    if demand.pk is None or not _may_be_emergency(demand):
        return {}  # only the emergency rule reads it
    return {"callback_confirmed": callback_confirmed(demand)}


def _may_be_emergency(demand: Demand) -> bool:
    instrument = default_library().get(demand.instrument)
    return demand.emergency or (instrument is not None and instrument.kind == "emergency")


# ----------------------------------------------------------------------------- confidence


@dataclass(frozen=True)
class Confidence:
    level: str  # high, medium, low
    reasons: tuple[str, ...]


def requester_confidence(requester: Requester) -> Confidence:
    """How far a requester's history lets reviewers rely on them; never a free pass.

    High needs a verified account with a second factor, several demands over at least a
    month and nothing ever denied or flagged; one denied callback or fraud signal makes
    it low for good.
    """
    from django_otp.plugins.otp_totp.models import TOTPDevice

    reasons: list[str] = []
    user = requester.user
    demands = Demand.objects.filter(requester=requester)
    total = demands.count()
    denied = CallbackRecord.objects.filter(demand__requester=requester,
                                           outcome=CallbackOutcome.DENIED).count()
    try:
        _, domain = parse_address(user.email) if user.email else ("", "")
    except InvalidInput:
        domain = ""
    flagged = matching_signals(user.email or "", domain)
    two_factor = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    if denied or flagged:
        if denied:
            reasons.append(ngettext("%(n)s demand denied by the authority on callback",
                                       "%(n)s demands denied by the authority on callback",
                                       denied) % {"n": denied})
        reasons.extend(gettext("%(kind)s %(value)s marked fraudulent")
                       % {"kind": s.kind, "value": s.value} for s in flagged)
        return Confidence("low", tuple(reasons))
    if not requester.verified:
        return Confidence("low", (gettext("the requester has not been verified"),))
    reasons.append(gettext("verified requester"))
    reasons.append(gettext("second factor set up") if two_factor
                   else gettext("no second factor"))
    first = demands.order_by("received_at").values_list("received_at", flat=True).first()
    span = (timezone.now() - first) if first else timedelta(0)
    withdrawn = demands.filter(status="withdrawn").count()
    reasons.append(ngettext("%(n)s demand since %(first)s", "%(n)s demands since %(first)s",
                            total) % {"n": total, "first": f"{first:%Y-%m-%d}"}
                   if first else gettext("no demands yet"))
    if withdrawn:
        reasons.append(gettext("%(n)s withdrawn") % {"n": withdrawn})
    if two_factor and total >= 3 and span >= timedelta(days=30):
        return Confidence("high", tuple(reasons))
    return Confidence("medium", tuple(reasons))
