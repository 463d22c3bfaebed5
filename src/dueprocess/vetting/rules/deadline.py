"""Deadlines that apply to the response (informational; they never change the recommendation).

- ``deadline.statutory``: the response deadline the instrument sets, computed in the
  issuing State's time zone under the instrument's counting rule (see
  :mod:`dueprocess.law.deadlines`), and for each preservation ask the day the statutory
  preservation period ends. When the authority also states a deadline, the evidence
  carries both, and the message says if the authority asks for less time than the law
  gives;
- ``deadline.requested``: the law sets no time limit, but the authority states one.

The deadline calendar and the letters read the evidence: ``due`` (local, ISO 8601 with
offset), ``due_utc`` and ``time_zone``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from dueprocess.law.deadlines import preservation_expiry, response_deadline
from dueprocess.vetting.context import VetContext
from dueprocess.vetting.findings import Finding
from dueprocess.vetting.rules.base import Rule

NAME = "deadline.statutory"
VERSION = 3


def _zone_name(ctx: VetContext, moment: datetime) -> str:
    key = getattr(ctx.zone, "key", None)
    if isinstance(key, str):
        return key
    offset = moment.utcoffset()
    return "UTC" if not offset else moment.strftime("UTC%z")


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat() if moment.tzinfo else moment.isoformat()


def check(ctx: VetContext) -> Iterator[Finding]:
    instrument = ctx.instrument
    demand = ctx.demand
    requested = demand.deadline
    if instrument is None:
        if requested is not None:
            yield _requested(ctx, requested)
        return
    due = response_deadline(instrument, demand.received_at, demand.emergency, ctx.zone)
    limits = instrument.deadlines
    if due is not None:
        if demand.emergency and limits.emergency_hours is not None:
            basis = f"{limits.emergency_hours} hours (emergency)"
        elif limits.response_hours is not None:
            basis = f"{limits.response_hours} hour(s)"
        else:
            basis = f"{limits.response_days} days"
        counting = (
            "; the day of receipt not counted, Reg. 1182/71"
            if limits.counting == "eu_1182_71"
            else ""
        )
        evidence: dict[str, Any] = {
            "instrument": instrument.id,
            "due": due.isoformat(),
            "due_utc": _utc(due),
            "time_zone": _zone_name(ctx, due),
            "counting": limits.counting,
            "emergency": demand.emergency,
            "response_days": limits.response_days,
            "response_hours": limits.response_hours,
            "emergency_hours": limits.emergency_hours,
            "requested_due": requested.isoformat() if requested else None,
        }
        sooner = ""
        if requested is not None and _comparable(requested, due) and requested < due:
            sooner = (
                f" The authority asks for a response by {requested.isoformat()}, earlier "
                "than the law requires."
            )
        yield RULE.finding(
            "deadline.statutory",
            "info",
            f"Response due by {due.isoformat()} ({basis} from receipt under {instrument.id}"
            f"{counting}, {evidence['time_zone']}).{sooner}",
            evidence,
        )
    elif requested is not None:
        yield _requested(ctx, requested)
    for index, ask in enumerate(demand.asks):
        if ask.kind != "preserve" or "preserve" not in instrument.compels:
            continue
        until = preservation_expiry(instrument, ctx.local_on, 0)
        if until is None:
            continue
        statutory = limits.preservation_days
        granted = statutory
        if ask.days is not None and ask.days >= 1 and statutory is not None:
            # Keep what was asked for, never beyond what the law provides.
            granted = min(ask.days, statutory)
            if granted < statutory:
                until = ctx.local_on + timedelta(days=granted)
        pres = {
            "instrument": instrument.id,
            "preserve_until": until.isoformat(),
            "statutory_days": statutory,
            "granted_days": granted,
            "extension_days": limits.preservation_extension_days,
            "max_renewals": limits.preservation_max_renewals,
            "requested_days": ask.days,
        }
        longer = ""
        if ask.days is not None and statutory is not None and ask.days > statutory:
            renew = ""
            if limits.preservation_extension_days and limits.preservation_max_renewals != 0:
                times = limits.preservation_max_renewals
                renew = (
                    f", renewable by {limits.preservation_extension_days} days"
                    + (f" {'once' if times == 1 else f'{times} times'}" if times else "")
                    + " on a renewed request"
                )
            longer = (
                f"; {ask.days} days were asked, beyond the statutory {statutory}: "
                f"{statutory} days are kept{renew}"
            )
        yield RULE.finding(
            "deadline.statutory",
            "info",
            f"Ask {index}: preservation under {instrument.id} runs until "
            f"{until.isoformat()}{longer}.",
            pres,
            ask_index=index,
        )


def _comparable(a: datetime, b: datetime) -> bool:
    return (a.tzinfo is None) == (b.tzinfo is None)


def _requested(ctx: VetContext, requested: datetime) -> Finding:
    return RULE.finding(
        "deadline.requested",
        "info",
        f"The authority asks for a response by {requested.isoformat()}; the law sets no time "
        "limit for this instrument.",
        {
            "instrument": ctx.demand.instrument_id,
            "requested_due": requested.isoformat(),
            "due_utc": _utc(requested),
        },
    )


RULE = Rule(NAME, VERSION, check)
