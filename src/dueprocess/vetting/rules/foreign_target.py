"""``jurisdiction.foreign_target``: a target lives, or its data is stored, outside the
requesting jurisdiction.

For EU instruments (or EU bodies) the Union as a whole is home. A target residing abroad
is where mutual legal assistance, comity and conflicts of law come in, so a person should
look (``warning``). Not every foreign fact is a conflict, though, and the finding is only
``info`` when:

- only the *data location* is abroad: where a platform happens to store data is not by
  itself a conflict of laws (the user, the service and the authority are all local);
- every ask is a preservation: preserving discloses nothing and waits for proper process;
- the instrument is made to cross borders (MLAT, Budapest Art. 29, the EIO, the UK-US and
  AU-US agreements);
- the requester and every foreign residence are in the EU/EEA and nothing beyond
  subscriber data is asked (one legal area, with e-Evidence and DSA Art. 10 rules).

Targets without connector facts are not judged.

``jurisdiction.excluded_target`` (block): a target resides in a country the instrument may
not reach at all (an Overseas Production Order or an International Production Order naming
a person in the United States, barred by the UK-US and AUS-US agreements).
"""

from __future__ import annotations

from collections.abc import Iterator

from dueprocess.law.regions import EU_MEMBER_STATES, country_of
from dueprocess.vetting.context import EXAMPLES, VetContext
from dueprocess.vetting.findings import Finding
from dueprocess.vetting.rules.base import Rule

NAME = "jurisdiction.targets"
VERSION = 3

#: EU Member States and the other EEA States (Iceland, Liechtenstein, Norway).
_EEA = EU_MEMBER_STATES | {"IS", "LI", "NO", "EU"}


def _weigh(ctx: VetContext, countries: dict[str, int]) -> str | None:
    """Why a foreign fact is not a conflict of laws here, or ``None`` when it may be."""
    asks = ctx.demand.asks
    if not countries:
        return "only the data location is abroad, which is not by itself a conflict of laws"
    if asks and all(a.kind == "preserve" for a in asks):
        return "a preservation discloses nothing"
    if ctx.instrument is not None and ctx.instrument.cross_border:
        return f"{ctx.instrument.id} is made to reach abroad"
    requester = country_of(ctx.demand.jurisdiction)
    subscriber_only = all(
        a.kind == "disclose" and set(a.data_categories) <= {"subscriber"} for a in asks
    )
    if asks and subscriber_only and requester in _EEA and all(c in _EEA for c in countries):
        return "requester and residence are in the EU/EEA and only subscriber data is asked"
    return None


def check(ctx: VetContext) -> Iterator[Finding]:
    instrument = ctx.instrument
    if instrument is not None and instrument.excluded_residence:
        barred = {c: n for c, n in ctx.targets.countries.items()
                  if c in instrument.excluded_residence}
        if barred:
            yield RULE.finding(
                "jurisdiction.excluded_target",
                "block",
                f"{instrument.id} may not target persons residing in "
                f"{', '.join(barred)}; {sum(barred.values())} target(s) do.",
                {"instrument": instrument.id, "countries": barred},
            )
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
    reason = _weigh(ctx, countries)
    yield RULE.finding(
        "jurisdiction.foreign_target",
        "info" if reason else "warning",
        f"{count} target(s) outside {label}: {'; '.join(parts)}"
        + (f" ({reason})." if reason else "."),
        {
            "weighed": reason,
            "home": label,
            "count": count,
            "countries": countries,
            "data_locations": locations,
            "examples": examples,
        },
    )


RULE = Rule(NAME, VERSION, check)
