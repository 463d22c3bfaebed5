"""Non-disclosure ("gag") requirements that stop the platform telling its users.

- ``rights.indefinite_gag`` (warning): non-disclosure without an end date;
- ``rights.gag_exceeds_limit`` (warning): the gag runs longer than the instrument's
  delayed-notice limit.
"""

from __future__ import annotations

from collections.abc import Iterator

from dueprocess.vetting.context import VetContext
from dueprocess.vetting.findings import Finding
from dueprocess.vetting.rules.base import Rule

NAME = "rights.gag"
VERSION = 1


def check(ctx: VetContext) -> Iterator[Finding]:
    demand = ctx.demand
    if not demand.non_disclosure:
        return
    until = demand.non_disclosure_until
    if until is None:
        yield RULE.finding(
            "rights.indefinite_gag",
            "warning",
            "The demand forbids telling the user and sets no end date.",
            {"instrument": demand.instrument_id},
        )
        return
    limit = ctx.instrument.notice.delayed_notice_max_days if ctx.instrument else None
    days = (until - ctx.on).days
    if limit is not None and days > limit:
        yield RULE.finding(
            "rights.gag_exceeds_limit",
            "warning",
            f"The non-disclosure period ({days} days, until {until.isoformat()}) exceeds the "
            f"{limit} days the instrument allows.",
            {
                "instrument": demand.instrument_id,
                "until": until.isoformat(),
                "days": days,
                "limit_days": limit,
            },
        )


RULE = Rule(NAME, VERSION, check)
