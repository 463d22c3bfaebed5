"""``legal.issuer_not_competent``: the issuer's role may not issue this instrument.

Checked per ask and, for disclosure, per data category, because competence can differ by
category (e-Evidence: a prosecutor may order subscriber data but not traffic or content).
Categories the instrument cannot compel at all are left to ``legal.insufficient_process``.
A missing role is not judged here (see ``legal.missing_element``).

Some roles may issue only in urgency (``urgent_issuers``: an HK Assistant Commissioner
without a magistrate's warrant). Without a stated emergency they are not competent; with
one, ``legal.urgent_issuer`` (warning) asks a person to weigh the claimed urgency.

Where the instrument ``accepts_validation``, an order issued by another authority and
validated by a judge, court or prosecutor (``DemandFacts.validated_by``) is judged by the
validator's role: an EPOC for subscriber data from a police authority validated by a
prosecutor is competent; for traffic data it needs a judge's or court's validation.
"""

from __future__ import annotations

from collections.abc import Iterator

from dueprocess.law.schema import Instrument
from dueprocess.vetting.context import VetContext
from dueprocess.vetting.findings import Finding
from dueprocess.vetting.rules.base import Rule

NAME = "legal.issuer"
VERSION = 3


def _validated(
    ctx: VetContext, instrument: Instrument, role: str, validator: str
) -> Iterator[Finding]:
    """Competence of a validated order: the validator's role decides."""
    label = f"{instrument.name} ({instrument.id})"
    for index, ask in enumerate(ctx.demand.asks):
        allowed = instrument.allowed(ask.kind)
        if allowed is None:
            continue
        keys: list[str | None] = (
            [c for c in dict.fromkeys(ask.data_categories) if c in allowed]
            if ask.kind == "disclose"
            else [None]
        )
        refused = {
            (k or ask.kind): list(instrument.issuers_for(ask.kind, k))
            for k in keys
            if validator not in instrument.issuers_for(ask.kind, k)
        }
        if refused:
            yield RULE.finding(
                "legal.issuer_not_competent",
                "block",
                f"An order of a {role} validated by a {validator} is not enough for {label}: "
                + "; ".join(f"{k} needs {', '.join(r)}" for k, r in refused.items())
                + ".",
                {
                    "instrument": instrument.id,
                    "issuer_role": role,
                    "validated_by": validator,
                    "ask_kind": ask.kind,
                    "categories": [k for k in refused if k != ask.kind],
                    "allowed_roles": refused,
                    "partial": len(refused) < len(keys),
                },
                ask_index=index,
            )


def check(ctx: VetContext) -> Iterator[Finding]:
    instrument = ctx.instrument
    role = ctx.demand.issuer_role
    if instrument is None or role is None or not role.strip():
        return
    role = role.strip().lower()
    validator = (ctx.demand.validated_by or "").strip().lower()
    if validator and instrument.accepts_validation:
        yield from _validated(ctx, instrument, role, validator)
        return
    label = f"{instrument.name} ({instrument.id})"
    demand = ctx.demand
    urgent = demand.emergency and bool(demand.emergency_justification.strip())
    for index, ask in enumerate(demand.asks):
        allowed = instrument.allowed(ask.kind)
        if allowed is None:
            continue
        keys: list[str | None] = (
            [c for c in dict.fromkeys(ask.data_categories) if c in allowed]
            if ask.kind == "disclose"
            else [None]
        )
        claimed = [
            k
            for k in keys
            if role not in instrument.issuers_for(ask.kind, k)
            and role in instrument.urgent_issuers_for(ask.kind, k)
        ]
        if claimed and urgent:
            what = ", ".join(f"{k} data" if k else f"a {ask.kind} ask" for k in claimed)
            ordinary = sorted({r for k in claimed for r in instrument.issuers_for(ask.kind, k)})
            yield RULE.finding(
                "legal.urgent_issuer",
                "warning",
                f"A {role} may issue {label} for {what} only in urgency, instead of "
                f"{', '.join(ordinary)}; the demand claims urgency: "
                f"{demand.emergency_justification.strip()[:200]!r}.",
                {
                    "instrument": instrument.id,
                    "issuer_role": role,
                    "ask_kind": ask.kind,
                    "categories": [k for k in claimed if k],
                    "ordinary_roles": ordinary,
                    "justification": demand.emergency_justification.strip()[:1000],
                },
                ask_index=index,
            )
        if ask.kind == "disclose":
            parts = [k for k in keys if k is not None]
            refused = {c: list(instrument.issuers_for(ask.kind, c)) for c in parts}
            refused = {
                c: roles
                for c, roles in refused.items()
                if role not in roles
                and not (urgent and role in instrument.urgent_issuers_for(ask.kind, c))
            }
            if refused:
                yield RULE.finding(
                    "legal.issuer_not_competent",
                    "block",
                    f"A {role} may not issue {label} for "
                    + "; ".join(
                        f"{c} data (only {', '.join(r)}{_urgency(instrument, role, c)})"
                        for c, r in refused.items()
                    )
                    + ".",
                    {
                        "instrument": instrument.id,
                        "issuer_role": role,
                        "ask_kind": ask.kind,
                        "categories": list(refused),
                        "allowed_roles": refused,
                        "urgent_roles": {
                            c: list(instrument.urgent_issuers_for(ask.kind, c)) for c in refused
                        },
                        "partial": len(refused) < len(parts),
                    },
                    ask_index=index,
                )
        else:
            roles = list(instrument.issuers_for(ask.kind))
            if role not in roles and not (
                urgent and role in instrument.urgent_issuers_for(ask.kind)
            ):
                yield RULE.finding(
                    "legal.issuer_not_competent",
                    "block",
                    f"A {role} may not issue {label} for a {ask.kind} ask "
                    f"(only {', '.join(roles)}).",
                    {
                        "instrument": instrument.id,
                        "issuer_role": role,
                        "ask_kind": ask.kind,
                        "allowed_roles": {ask.kind: roles},
                        "partial": False,
                    },
                    ask_index=index,
                )


def _urgency(instrument: Instrument, role: str, category: str) -> str:
    if role in instrument.urgent_issuers_for("disclose", category):
        return f"; a {role} only in a stated emergency"
    return ""


RULE = Rule(NAME, VERSION, check)
