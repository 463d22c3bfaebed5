"""The same demand received twice.

- ``legal.duplicate_demand`` (block): the authority already sent a demand with this
  reference, still on file. Answering both would disclose or remove twice and count one
  order as two in the transparency report; complying with this one needs an override with
  reasons (the authority reissued the order on purpose) and a second person's approval.
"""

from __future__ import annotations

from collections.abc import Iterator

from dueprocess.vetting.context import VetContext
from dueprocess.vetting.findings import Finding
from dueprocess.vetting.rules.base import Rule

NAME = "legal.duplicate"
VERSION = 1


def check(ctx: VetContext) -> Iterator[Finding]:
    earlier = ctx.demand.duplicate_of
    if earlier is None:
        return
    yield RULE.finding(
        "legal.duplicate_demand",
        "block",
        f"The authority sent a demand with the reference {ctx.demand.reference!r} before "
        f"(demand {earlier}): answer that one; this copy is not carried out unless a person "
        "overrides with reasons.",
        {"duplicate_of": earlier, "reference": ctx.demand.reference},
    )


RULE = Rule(NAME, VERSION, check)
