"""``legal.unknown_instrument``: the cited instrument is not in the law library.

A block, but the demand is kept and the recommendation is to ask the authority which law
it relies on: an unknown id is more often a typo or an unmodelled statute than a forgery.
"""

from __future__ import annotations

from collections.abc import Iterator

from dueprocess.vetting.context import VetContext
from dueprocess.vetting.findings import Finding
from dueprocess.vetting.rules.base import Rule

NAME = "legal.unknown_instrument"
VERSION = 1


def check(ctx: VetContext) -> Iterator[Finding]:
    if ctx.instrument is not None:
        return
    yield RULE.finding(
        "legal.unknown_instrument",
        "block",
        f"Instrument {ctx.demand.instrument_id!r} is not in the law library.",
        {"instrument": ctx.demand.instrument_id, "jurisdiction": ctx.demand.jurisdiction},
    )


RULE = Rule(NAME, VERSION, check)
