"""``legal.out_of_scope_process``: process the legal-process team does not execute.

Real-time interception (wiretap, pen register, IPA Part 2, IT Act s. 69), technical
assistance, capability and decryption notices (TOLA, IPA s. 253) are recognised so that
they are not answered as if they were productions: they go to the platform's specialised
channel and its leadership. Asks for prospective collection under an instrument that only
reaches stored data are ``legal.stored_data_only`` (see that rule).
"""

from __future__ import annotations

from collections.abc import Iterator

from dueprocess.vetting.context import VetContext
from dueprocess.vetting.findings import Finding
from dueprocess.vetting.rules.base import Rule

NAME = "legal.out_of_scope"
VERSION = 1

_WHAT = {
    "interception": "real-time interception",
    "assistance": "technical assistance, capability or decryption",
}


def check(ctx: VetContext) -> Iterator[Finding]:
    instrument = ctx.instrument
    if instrument is None or not instrument.out_of_scope:
        return
    yield RULE.finding(
        "legal.out_of_scope_process",
        "warning",
        f"{instrument.name} ({instrument.citation}) is {_WHAT[instrument.kind]} process: "
        "it is not executed as a production; route it to the specialised channel.",
        {"instrument": instrument.id, "kind": instrument.kind},
    )


RULE = Rule(NAME, VERSION, check)
