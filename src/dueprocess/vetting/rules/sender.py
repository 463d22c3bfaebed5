"""Who sent the demand: facts intake verified (``DemandFacts.sender``).

Three rules, because each answers a different question and changes on its own:

- ``auth.sender_identity``: ``auth.lookalike_domain`` (block) when the sender's domain
  imitates a verified one (homoglyphs, punycode, edit distance: intake says which), else
  ``auth.unverified_sender`` (warning) when the sender's domain or token is not verified
  for the authority. A look-alike is unverified by definition, so it is not reported
  twice;
- ``auth.fraud_signal``: ``auth.flagged_sender`` (block) when the sender is on the
  platform's (or a shared) list of fraudulent senders;
- ``auth.emergency_callback``: ``auth.emergency_unverified`` (block) for an emergency
  disclosure (a demand marked as an emergency, or an emergency instrument, with a
  ``disclose`` ask) without a recorded out-of-band callback to a number in the authority
  registry. Forged emergency requests from hijacked police mailboxes are the common fraud,
  so a verified domain is not enough. This one applies whatever the channel, staff entry
  and imports included: a forged emergency phoned or handed to staff is as dangerous as
  an e-mailed one.

Each of these findings holds the demand (see :mod:`dueprocess.vetting.recommend`) until a
call-back to a registry number confirms it. Once confirmed, the identity and fraud
findings stay on record at ``info`` severity, saying so; a denied call-back flags the
sender. No sender (``None``) means staff entered or imported the demand: the identity and
fraud rules have nothing to judge, the emergency rule still does.
"""

from __future__ import annotations

from collections.abc import Iterator

from dueprocess.vetting.context import VetContext
from dueprocess.vetting.findings import Finding
from dueprocess.vetting.rules.base import Rule

__all__ = ["EMERGENCY_CALLBACK", "FRAUD_SIGNAL", "SENDER_IDENTITY"]


def _who(ctx: VetContext) -> dict[str, str]:
    sender = ctx.demand.sender
    assert sender is not None
    return {"email": sender.email, "domain": sender.domain, "channel": sender.channel}


_CONFIRMED = " A call-back to a registry number has since confirmed the demand."


def _confirmed(ctx: VetContext) -> bool:
    sender = ctx.demand.sender
    return ctx.demand.callback_confirmed or (sender is not None and sender.callback_recorded)


def check_identity(ctx: VetContext) -> Iterator[Finding]:
    sender = ctx.demand.sender
    if sender is None:
        return
    confirmed = _confirmed(ctx)
    if sender.lookalike_of:
        reason = sender.lookalike_reason or "similar spelling"
        yield SENDER_IDENTITY.finding(
            "auth.lookalike_domain",
            "info" if confirmed else "block",
            f"The sender domain {sender.domain!r} imitates the verified domain "
            f"{sender.lookalike_of!r} ({reason}): treat the demand as forged until the "
            "authority confirms it through a registry contact." + (_CONFIRMED if confirmed
                                                                   else ""),
            {**_who(ctx), "imitates": sender.lookalike_of, "reason": reason},
        )
    elif not sender.verified:
        yield SENDER_IDENTITY.finding(
            "auth.unverified_sender",
            "info" if confirmed else "warning",
            f"The sender {sender.email or sender.domain or '(unknown)'} is not verified for "
            f"this authority (channel {sender.channel})." + (_CONFIRMED if confirmed else ""),
            _who(ctx),
        )


def check_fraud(ctx: VetContext) -> Iterator[Finding]:
    sender = ctx.demand.sender
    if sender is None or not sender.flagged_fraudulent:
        return
    confirmed = _confirmed(ctx)
    yield FRAUD_SIGNAL.finding(
        "auth.flagged_sender",
        "info" if confirmed else "block",
        f"The sender {sender.email or sender.domain} is flagged as fraudulent."
        + (_CONFIRMED if confirmed else ""),
        _who(ctx),
    )


def check_emergency(ctx: VetContext) -> Iterator[Finding]:
    demand = ctx.demand
    sender = demand.sender
    if _confirmed(ctx):
        return
    emergency_instrument = ctx.instrument is not None and ctx.instrument.kind == "emergency"
    if not (demand.emergency or emergency_instrument):
        return
    if not any(ask.kind == "disclose" for ask in demand.asks):
        return
    yield EMERGENCY_CALLBACK.finding(
        "auth.emergency_unverified",
        "block",
        "Emergency disclosure requested without a recorded call-back to a registry number "
        "of the authority: confirm the request out of band before disclosing anything.",
        {**(_who(ctx) if sender is not None else {"channel": "staff"}),
         "verified": sender.verified if sender is not None else False,
         "instrument": demand.instrument_id},
    )


SENDER_IDENTITY = Rule("auth.sender_identity", 1, check_identity)
FRAUD_SIGNAL = Rule("auth.fraud_signal", 1, check_fraud)
EMERGENCY_CALLBACK = Rule("auth.emergency_callback", 1, check_emergency)
