"""``legal.unknown_instrument``: the cited instrument is not in the law library.

A block, but the demand is kept and the recommendation is to ask the authority which law
it relies on: an unknown id is more often a typo or an unmodelled statute than a forgery.

Before that, the instrument is looked up from the cited law (the id given and the legal
basis, matched against each instrument's citation and aliases in the demand's legal
system): a demand citing "Law No. 5651 art. 8/A" is vetted as ``tr.5651.art8a``, and the
finding is then only ``info``, with ``evidence["matched"]`` naming the instrument applied.
"""

from __future__ import annotations

from collections.abc import Iterator

from dueprocess.vetting.context import VetContext
from dueprocess.vetting.findings import Finding
from dueprocess.vetting.rules.base import Rule

NAME = "legal.unknown_instrument"
VERSION = 2


def check(ctx: VetContext) -> Iterator[Finding]:
    if ctx.instrument is not None and ctx.inferred_instrument:
        yield RULE.finding(
            "legal.unknown_instrument",
            "info",
            f"Instrument {ctx.demand.instrument_id!r} is not a library id; the cited law "
            f"({ctx.instrument.citation}) is {ctx.instrument.id}, which vetting applied.",
            {
                "instrument": ctx.demand.instrument_id,
                "jurisdiction": ctx.demand.jurisdiction,
                "matched": ctx.instrument.id,
            },
        )
    if ctx.instrument is not None:
        return
    yield RULE.finding(
        "legal.unknown_instrument",
        "block",
        f"Instrument {ctx.demand.instrument_id!r} is not in the law library.",
        {"instrument": ctx.demand.instrument_id, "jurisdiction": ctx.demand.jurisdiction},
    )


RULE = Rule(NAME, VERSION, check)
