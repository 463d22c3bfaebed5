"""``jurisdiction.enforcing_state_notification`` (info): the instrument requires the
issuing authority to notify the enforcing State, because a target of a disclosure of
those data categories lives outside the issuing State.

e-Evidence Art. 8: for traffic data (other than for identification) and content data,
when the person does not reside in the issuing State. The enforcing authority then has
10 days to raise grounds for refusal, so without its earlier confirmation the data is
produced at the end of the 10 days (Art. 10(2)). The platform cannot see the notification,
so this is information for the reviewer, not a defect.
"""

from __future__ import annotations

from collections.abc import Iterator

from dueprocess.vetting.context import EXAMPLES, VetContext
from dueprocess.vetting.findings import Finding
from dueprocess.vetting.rules.base import Rule

NAME = "jurisdiction.enforcing_state"
VERSION = 1


def check(ctx: VetContext) -> Iterator[Finding]:
    instrument = ctx.instrument
    if instrument is None or not instrument.enforcing_state_notification:
        return
    categories = sorted(
        {
            c
            for ask in ctx.demand.asks
            if ask.kind == "disclose"
            for c in ask.data_categories
            if c in instrument.enforcing_state_notification
        }
    )
    if not categories:
        return
    issuing = ctx.demand.jurisdiction.strip().upper()
    abroad = {c: n for c, n in ctx.targets.countries.items() if c != issuing}
    if not abroad:
        return
    examples = [
        t.identifier
        for t in ctx.demand.targets
        if t.country and t.country.strip().upper() != issuing
    ][:EXAMPLES]
    yield RULE.finding(
        "jurisdiction.enforcing_state_notification",
        "info",
        f"{instrument.id} for {', '.join(categories)} data about persons residing outside "
        f"{issuing} ({', '.join(abroad)}): the issuing authority must notify the enforcing "
        "State; unless that authority confirms earlier, produce at the end of its 10 days.",
        {
            "instrument": instrument.id,
            "issuing_state": issuing,
            "categories": categories,
            "residence": abroad,
            "examples": examples,
        },
    )


RULE = Rule(NAME, VERSION, check)
