"""``jurisdiction.foreign_target``: a target lives, or its data is stored, outside the
requesting jurisdiction.

For EU instruments (or EU bodies) the Union as a whole is home. A foreign target is where
mutual legal assistance, comity and conflicts of law come in, so a person should look.
Targets without connector facts are not judged.
"""

from __future__ import annotations

from collections.abc import Iterator

from dueprocess.vetting.context import EXAMPLES, VetContext
from dueprocess.vetting.findings import Finding
from dueprocess.vetting.rules.base import Rule

NAME = "jurisdiction.targets"
VERSION = 1


def check(ctx: VetContext) -> Iterator[Finding]:
    home = ctx.home
    summary = ctx.targets
    countries = {c: n for c, n in summary.countries.items() if c not in home}
    locations = {c: n for c, n in summary.data_locations.items() if c not in home}
    if not countries and not locations:
        return
    count = 0
    examples: list[str] = []
    for target in ctx.demand.targets:
        country = (target.country or "").strip().upper()
        location = (target.data_location or "").strip().upper()
        if (country and country not in home) or (location and location not in home):
            count += 1
            if len(examples) < EXAMPLES:
                examples.append(target.identifier)
    label = "the EU" if "EU" in home else ctx.demand.jurisdiction.strip().upper()
    parts = []
    if countries:
        parts.append(f"residence {', '.join(countries)}")
    if locations:
        parts.append(f"data stored in {', '.join(locations)}")
    yield RULE.finding(
        "jurisdiction.foreign_target",
        "warning",
        f"{count} target(s) outside {label}: {'; '.join(parts)}.",
        {
            "home": label,
            "count": count,
            "countries": countries,
            "data_locations": locations,
            "examples": examples,
        },
    )


RULE = Rule(NAME, VERSION, check)
