"""``rights.high_risk_instrument``: the law invoked carries human-rights risk flags.

Flags come from the instrument and from every cited offence the library knows, by id or
by citation (a court order is unremarkable; a court order for "subversion" is not), and,
where the demand rests on a generic or unknown instrument, from the legal system's profile
(a minister's blocking order under a "false statements" law is not harmless because the
library lacks its statute). Instrument flags that the demand itself makes moot are left
out (``VetContext.instrument_flags``).
"""

from __future__ import annotations

from collections.abc import Iterator

from dueprocess.vetting.context import VetContext
from dueprocess.vetting.findings import Finding
from dueprocess.vetting.rules.base import Rule

NAME = "rights.instrument_risk"
VERSION = 3


def check(ctx: VetContext) -> Iterator[Finding]:
    instrument_flags = list(ctx.instrument_flags())
    offence_flags: dict[str, list[str]] = {}
    for offence in ctx.offences:
        if offence.flags:
            offence_flags[offence.id] = list(offence.flags)
    profile_flags = list(ctx.profile_flags())
    flags = sorted(set(instrument_flags).union(profile_flags, *offence_flags.values()))
    if not flags:
        return
    sources = []
    if instrument_flags:
        sources.append(f"instrument {ctx.instrument.id if ctx.instrument else ''}")
    if offence_flags:
        sources.append(f"offences {', '.join(offence_flags)}")
    if profile_flags and ctx.profile is not None:
        sources.append(f"the known risk of {ctx.profile.name} under generic or unknown law")
    yield RULE.finding(
        "rights.high_risk_instrument",
        "warning",
        f"High human-rights risk ({', '.join(flags)}) from {' and '.join(sources)}.",
        {
            "flags": flags,
            "instrument": ctx.demand.instrument_id,
            "instrument_flags": instrument_flags,
            "offence_flags": offence_flags,
            "jurisdiction_flags": profile_flags,
            "assessments": {o.id: o.assessment for o in ctx.offences if o.assessment},
        },
    )


RULE = Rule(NAME, VERSION, check)
