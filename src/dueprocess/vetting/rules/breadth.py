"""``scope.overbroad`` without any policy: demands that are broad on their face.

Policies set a platform's own limits (``scope.limits``); some breadth needs no policy to be
questioned, because no ordinary investigation needs it and proportionality (General Comment
34 para. 34; CJEU, Tele2 Sverige and Prokuratuur) is part of every legal test:

- a disclosure of ``content`` or ``traffic`` over more than two years, or with no start
  (unless the instrument requires a range: then it is a missing element);
- a disclosure about more than ``MAX_ACCOUNTS`` accounts in one demand;
- every data category for more than one year.

Each finding carries a narrower proposal (the most recent two years; the first accounts)
that a reviewer can put to the authority.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from dueprocess.vetting.context import VetContext
from dueprocess.vetting.findings import Finding
from dueprocess.vetting.rules.base import Rule

NAME = "scope.breadth"
VERSION = 1

#: Longest content or traffic range asked without question, in days (two years).
MAX_DAYS = 731
#: Longest range for a demand asking for every data category, in days.
MAX_DAYS_ALL = 366
#: Most accounts one disclosure demand names without question.
MAX_ACCOUNTS = 100
_ALL = frozenset({"subscriber", "traffic", "content"})


def check(ctx: VetContext) -> Iterator[Finding]:
    demand = ctx.demand
    instrument = ctx.instrument
    # A missing range the instrument requires is a missing element (its own finding).
    needs_range = instrument is not None and "date_range" in instrument.elements_for(
        frozenset(a.kind for a in demand.asks))
    for index, ask in enumerate(demand.asks):
        if ask.kind != "disclose":
            continue
        categories = set(ask.data_categories)
        if not categories & {"content", "traffic"}:
            continue
        limit = MAX_DAYS_ALL if categories >= _ALL else MAX_DAYS
        if ask.date_from is None:
            if needs_range:
                continue
            span: int | None = None
        elif ask.date_to is not None:
            span = (ask.date_to - ask.date_from).days + 1
        else:
            span = (ctx.on - ask.date_from).days + 1
        if span is not None and span <= limit:
            continue
        end = ask.date_to or ctx.on
        proposal: dict[str, Any] = {
            "date_from": (end - timedelta(days=limit - 1)).isoformat(),
            "date_to": end.isoformat(),
        }
        described = "no start date" if span is None else f"{span} days"
        yield RULE.finding(
            "scope.overbroad",
            "warning",
            f"Ask {index} asks for {', '.join(sorted(categories))} over {described}, "
            f"beyond {limit} days. Proposal: from {proposal['date_from']} to "
            f"{proposal['date_to']}.",
            {"excess": {"days": span}, "limit_days": limit, "proposal": proposal,
             "policies": []},
            ask_index=index,
        )
    if any(a.kind == "disclose" for a in demand.asks) and ctx.targets.accounts > MAX_ACCOUNTS:
        yield RULE.finding(
            "scope.overbroad",
            "warning",
            f"The demand asks for data about {ctx.targets.accounts} accounts; more than "
            f"{MAX_ACCOUNTS} in one demand needs a reason per account. Proposal: the first "
            f"{MAX_ACCOUNTS}.",
            {"excess": {"targets": ctx.targets.accounts}, "proposal": {
                "max_targets": MAX_ACCOUNTS}, "policies": []},
        )


RULE = Rule(NAME, VERSION, check)
