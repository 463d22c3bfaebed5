"""``deadline.statutory`` (info): the response deadline the instrument sets, and for each
preservation ask the day the statutory preservation period ends.

Informational: the deadline calendar and the letters read it; it never changes the
recommendation.
"""

from __future__ import annotations

from collections.abc import Iterator

from dueprocess.law.deadlines import preservation_expiry, response_deadline
from dueprocess.vetting.context import VetContext
from dueprocess.vetting.findings import Finding
from dueprocess.vetting.rules.base import Rule

NAME = "deadline.statutory"
VERSION = 1


def check(ctx: VetContext) -> Iterator[Finding]:
    instrument = ctx.instrument
    if instrument is None:
        return
    demand = ctx.demand
    due = response_deadline(instrument, demand.received_at, demand.emergency)
    if due is not None:
        limits = instrument.deadlines
        if demand.emergency and limits.emergency_hours is not None:
            basis = f"{limits.emergency_hours} hours (emergency)"
        else:
            basis = f"{limits.response_days} days"
        yield RULE.finding(
            "deadline.statutory",
            "info",
            f"Response due by {due.isoformat()} ({basis} from receipt under {instrument.id}).",
            {
                "instrument": instrument.id,
                "due": due.isoformat(),
                "emergency": demand.emergency,
                "response_days": limits.response_days,
                "emergency_hours": limits.emergency_hours,
            },
        )
    for index, ask in enumerate(demand.asks):
        if ask.kind != "preserve" or "preserve" not in instrument.compels:
            continue
        until = preservation_expiry(instrument, ctx.on, 0)
        if until is None:
            continue
        limits = instrument.deadlines
        evidence = {
            "instrument": instrument.id,
            "preserve_until": until.isoformat(),
            "statutory_days": limits.preservation_days,
            "extension_days": limits.preservation_extension_days,
            "max_renewals": limits.preservation_max_renewals,
            "requested_days": ask.days,
        }
        longer = ""
        if (
            ask.days is not None
            and limits.preservation_days is not None
            and ask.days > limits.preservation_days
        ):
            longer = (
                f"; {ask.days} days were asked, beyond the statutory {limits.preservation_days}"
            )
        yield RULE.finding(
            "deadline.statutory",
            "info",
            f"Ask {index}: preservation under {instrument.id} runs until "
            f"{until.isoformat()}{longer}.",
            evidence,
            ask_index=index,
        )


RULE = Rule(NAME, VERSION, check)
