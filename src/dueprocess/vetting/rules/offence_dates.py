"""``legal.offence_not_in_force``: a cited offence did not exist, or no longer exists, on
the day of receipt (in the issuing State's calendar).

Citing an offence created after the demand was received is a warning: the citation is
wrong or forged. An offence repealed before receipt is only information, since a demand
may concern conduct from before the repeal.
"""

from __future__ import annotations

from collections.abc import Iterator

from dueprocess.vetting.context import VetContext
from dueprocess.vetting.findings import Finding
from dueprocess.vetting.rules.base import Rule

NAME = "legal.offence_dates"
VERSION = 2


def check(ctx: VetContext) -> Iterator[Finding]:
    on = ctx.local_on
    for offence in ctx.offences:
        if offence.in_force(on):
            continue
        evidence = {
            "offence": offence.id,
            "received_on": on.isoformat(),
            "in_force_from": offence.in_force_from.isoformat() if offence.in_force_from else None,
            "in_force_to": offence.in_force_to.isoformat() if offence.in_force_to else None,
        }
        if offence.in_force_from is not None and on < offence.in_force_from:
            yield RULE.finding(
                "legal.offence_not_in_force",
                "warning",
                f"The demand cites {offence.name} ({offence.citation}), which exists only "
                f"from {offence.in_force_from.isoformat()}; it was received on "
                f"{on.isoformat()}.",
                evidence,
            )
        else:
            assert offence.in_force_to is not None
            yield RULE.finding(
                "legal.offence_not_in_force",
                "info",
                f"{offence.name} ({offence.citation}) was repealed after "
                f"{offence.in_force_to.isoformat()}; the demand can only concern earlier "
                "conduct.",
                evidence,
            )


RULE = Rule(NAME, VERSION, check)
