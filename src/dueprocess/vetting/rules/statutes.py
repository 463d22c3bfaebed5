"""``legal.statute_mismatch``: the cited law is not the requesting authority's own.

A Hong Kong authority citing a US statute, or a German one citing a Hong Kong offence, is
either a mistake or a sign of a forged demand. Generic ("ZZ") law matches everyone; EU law
matches every Member State. Where the library says which offences an instrument serves
(``Instrument.offences``: HK NSL Schedules 4 and 7 serve offences endangering national
security), citing another offence of the same jurisdiction is a mismatch too. Also
``legal.unknown_offence`` (info) for offence ids the library does not know, so reviewers
can check the citation by hand.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dueprocess.law.regions import foreign_law
from dueprocess.vetting.context import VetContext
from dueprocess.vetting.findings import Finding
from dueprocess.vetting.rules.base import Rule

NAME = "legal.statutes"
VERSION = 3


def check(ctx: VetContext) -> Iterator[Finding]:
    demand = ctx.demand
    requester = demand.jurisdiction.strip().upper()
    mismatches: list[dict[str, Any]] = []
    instrument = ctx.instrument
    if instrument is not None and foreign_law(instrument.jurisdiction, requester):
        mismatches.append(
            {"type": "instrument", "id": instrument.id, "jurisdiction": instrument.jurisdiction}
        )
    unknown: list[str] = list(ctx.unknown_offences)
    for offence in ctx.offences:
        if foreign_law(offence.jurisdiction, requester):
            mismatches.append(
                {"type": "offence", "id": offence.id, "jurisdiction": offence.jurisdiction}
            )
        elif (
            instrument is not None
            and instrument.offences
            and offence.id not in (instrument.offences)
        ):
            mismatches.append(
                {
                    "type": "offence_not_served",
                    "id": offence.id,
                    "jurisdiction": offence.jurisdiction,
                    "instrument": instrument.id,
                }
            )
    if mismatches:
        foreign = [m for m in mismatches if m["type"] != "offence_not_served"]
        unserved = [m for m in mismatches if m["type"] == "offence_not_served"]
        parts = []
        if foreign:
            cited = ", ".join(f"{m['id']} ({m['jurisdiction']})" for m in foreign)
            parts.append(f"An authority of {requester} cites law of another jurisdiction: {cited}")
        if unserved and instrument is not None:
            cited = ", ".join(m["id"] for m in unserved)
            parts.append(f"{instrument.id} does not serve the offence(s) cited: {cited}")
        yield RULE.finding(
            "legal.statute_mismatch",
            "warning",
            ". ".join(parts) + ".",
            {"jurisdiction": requester, "mismatches": mismatches},
        )
    if unknown:
        yield RULE.finding(
            "legal.unknown_offence",
            "info",
            f"Offences not in the law library: {', '.join(unknown)}.",
            {"offences": unknown},
        )


RULE = Rule(NAME, VERSION, check)
