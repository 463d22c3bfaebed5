"""``legal.instrument_not_in_force``: the instrument was not law on the day of receipt.

Compared with the day of receipt in the issuing State's calendar, so a re-vet years later
judges the demand by the law of its day (an EPOC received before 2026-08-18 has no legal
force; HK Schedule 4 applies from 2020-07-07 Hong Kong time).
"""

from __future__ import annotations

from collections.abc import Iterator

from dueprocess.vetting.context import VetContext
from dueprocess.vetting.findings import Finding
from dueprocess.vetting.rules.base import Rule

NAME = "legal.in_force"
VERSION = 3


def check(ctx: VetContext) -> Iterator[Finding]:
    instrument = ctx.instrument
    if instrument is None or instrument.in_force(ctx.local_on):
        return
    start = instrument.in_force_from
    if start is None:
        when = "is not in force yet (no date of entry into force)"
    elif ctx.local_on < start or instrument.in_force_to is None:
        when = f"applies only from {start.isoformat()}"
    else:
        when = f"ceased to apply after {instrument.in_force_to.isoformat()}"
    yield RULE.finding(
        "legal.instrument_not_in_force",
        "block",
        f"{instrument.name} ({instrument.id}) {when}; the demand was received on "
        f"{ctx.local_on.isoformat()}.",
        {
            "instrument": instrument.id,
            "received_on": ctx.local_on.isoformat(),
            "in_force_from": start.isoformat() if start else None,
            "in_force_to": instrument.in_force_to.isoformat() if instrument.in_force_to else None,
        },
    )


RULE = Rule(NAME, VERSION, check)
