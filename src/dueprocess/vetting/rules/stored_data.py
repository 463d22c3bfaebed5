"""``legal.insufficient_process`` for future data: the instrument reaches only data held
at receipt, and a disclosure ask runs past the day it was received.

Stored-data instruments (``stored_data_only``: the Stored Communications Act, DSA
Art. 10, e-Evidence) cannot compel ongoing collection; that needs interception or
pen-register law. The finding is partial when part of the range lies in the past and
proposes ending the range on the day of receipt.
"""

from __future__ import annotations

from collections.abc import Iterator

from dueprocess.vetting.context import VetContext
from dueprocess.vetting.findings import Finding
from dueprocess.vetting.rules.base import Rule

NAME = "legal.stored_data"
VERSION = 1


def check(ctx: VetContext) -> Iterator[Finding]:
    instrument = ctx.instrument
    if instrument is None or not instrument.stored_data_only:
        return
    on = ctx.local_on
    for index, ask in enumerate(ctx.demand.asks):
        if ask.kind != "disclose" or ask.date_to is None or ask.date_to <= on:
            continue
        partial = ask.date_from is None or ask.date_from <= on
        yield RULE.finding(
            "legal.insufficient_process",
            "block",
            f"{instrument.name} ({instrument.id}) reaches only data held on receipt "
            f"({on.isoformat()}); ask {index} runs to {ask.date_to.isoformat()}.",
            {
                "instrument": instrument.id,
                "ask_kind": ask.kind,
                "prospective": True,
                "received_on": on.isoformat(),
                "requested": {
                    "date_from": ask.date_from.isoformat() if ask.date_from else None,
                    "date_to": ask.date_to.isoformat(),
                },
                "partial": partial,
                "proposal": {"date_to": on.isoformat()} if partial else {"drop_ask": True},
            },
            ask_index=index,
        )


RULE = Rule(NAME, VERSION, check)
