"""Non-disclosure ("gag") requirements that stop the platform telling its users.

- ``rights.indefinite_gag`` (warning): non-disclosure without an end date;
- ``rights.gag_exceeds_limit`` (warning): the gag runs longer than the instrument's
  delayed-notice limit;
- ``rights.gag_extension`` (info): the gag runs longer than one period of delayed notice
  (18 U.S.C. 2705(a): 90 days, renewable): lawful on extensions or a court order, but the
  renewals must be diarised and checked.
"""

from __future__ import annotations

from collections.abc import Iterator

from dueprocess.vetting.context import VetContext
from dueprocess.vetting.findings import Finding
from dueprocess.vetting.rules.base import Rule

NAME = "rights.gag"
VERSION = 2


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
    notice = ctx.instrument.notice if ctx.instrument else None
    limit = notice.delayed_notice_max_days if notice else None
    period = notice.delay_period_days if notice else None
    days = (until - ctx.local_on).days
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
    elif period is not None and days > period:
        periods = -(-days // period)
        yield RULE.finding(
            "rights.gag_extension",
            "info",
            f"The non-disclosure period ({days} days, until {until.isoformat()}) spans "
            f"{periods} periods of {period} days of delayed notice: it rests on extensions or "
            "a court order setting a longer period; diarise each renewal.",
            {
                "instrument": demand.instrument_id,
                "until": until.isoformat(),
                "days": days,
                "period_days": period,
                "periods": periods,
            },
        )


RULE = Rule(NAME, VERSION, check)
