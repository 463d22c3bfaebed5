"""``legal.issuer_not_competent``: the issuer's role may not issue this instrument.

Checked per ask and, for disclosure, per data category, because competence can differ by
category (e-Evidence: a prosecutor may order subscriber data but not traffic or content).
Categories the instrument cannot compel at all are left to ``legal.insufficient_process``.
A missing role is not judged here (see ``legal.missing_element``).
"""

from __future__ import annotations

from collections.abc import Iterator

from dueprocess.vetting.context import VetContext
from dueprocess.vetting.findings import Finding
from dueprocess.vetting.rules.base import Rule

NAME = "legal.issuer"
VERSION = 1


def check(ctx: VetContext) -> Iterator[Finding]:
    instrument = ctx.instrument
    role = ctx.demand.issuer_role
    if instrument is None or role is None or not role.strip():
        return
    role = role.strip().lower()
    label = f"{instrument.name} ({instrument.id})"
    for index, ask in enumerate(ctx.demand.asks):
        allowed = instrument.allowed(ask.kind)
        if allowed is None:
            continue
        if ask.kind == "disclose":
            parts = [c for c in dict.fromkeys(ask.data_categories) if c in allowed]
            refused = {c: list(instrument.issuers_for(ask.kind, c)) for c in parts}
            refused = {c: roles for c, roles in refused.items() if role not in roles}
            if refused:
                yield RULE.finding(
                    "legal.issuer_not_competent",
                    "block",
                    f"A {role} may not issue {label} for "
                    + "; ".join(f"{c} data (only {', '.join(r)})" for c, r in refused.items())
                    + ".",
                    {
                        "instrument": instrument.id,
                        "issuer_role": role,
                        "ask_kind": ask.kind,
                        "categories": list(refused),
                        "allowed_roles": refused,
                        "partial": len(refused) < len(parts),
                    },
                    ask_index=index,
                )
        else:
            roles = list(instrument.issuers_for(ask.kind))
            if role not in roles:
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


RULE = Rule(NAME, VERSION, check)
