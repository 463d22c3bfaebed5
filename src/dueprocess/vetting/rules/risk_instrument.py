"""``rights.high_risk_instrument``: the law invoked carries human-rights risk flags.

Flags come from the instrument and from every cited offence the library knows (a court
order is unremarkable; a court order for "subversion" is not).
"""

from __future__ import annotations

from collections.abc import Iterator

from dueprocess.vetting.context import VetContext
from dueprocess.vetting.findings import Finding
from dueprocess.vetting.rules.base import Rule

NAME = "rights.instrument_risk"
VERSION = 1


def check(ctx: VetContext) -> Iterator[Finding]:
    instrument_flags = list(ctx.instrument.risk_flags) if ctx.instrument else []
    offence_flags: dict[str, list[str]] = {}
    for offence_id in dict.fromkeys(ctx.demand.offences):
        offence = ctx.library.offence(offence_id)
        if offence is not None and offence.flags:
            offence_flags[offence.id] = list(offence.flags)
    flags = sorted(set(instrument_flags).union(*offence_flags.values()))
    if not flags:
        return
    sources = []
    if instrument_flags:
        sources.append(f"instrument {ctx.demand.instrument_id}")
    if offence_flags:
        sources.append(f"offences {', '.join(offence_flags)}")
    yield RULE.finding(
        "rights.high_risk_instrument",
        "warning",
        f"High human-rights risk ({', '.join(flags)}) from {' and '.join(sources)}.",
        {
            "flags": flags,
            "instrument": ctx.demand.instrument_id,
            "instrument_flags": instrument_flags,
            "offence_flags": offence_flags,
        },
    )


RULE = Rule(NAME, VERSION, check)
