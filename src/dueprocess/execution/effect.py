"""The effect report: if and when each item of a demand was acted on.

DSA Art. 9(1) and 10(1) ask the provider to inform the authority "of any effect given to
the order", specifying if and when; the same answer serves every other authority. Each
complied ask x target is reported with the time its action finished; what was decided
against is reported as not acted on, with the decision.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.translation import gettext, gettext_noop

from dueprocess.demands.models import Action, ActionStatus, Decision, Demand, Outcome
from dueprocess.execution import wording

LIMIT = 500
#: A withholding says where, and that it is no more: the item stays up elsewhere.
_WITHHELD = {
    "withhold": gettext_noop("content withheld in %(territories)s only (still visible "
                             "elsewhere)"),
    "withhold_account": gettext_noop("account withheld in %(territories)s only (still "
                                     "active elsewhere)"),
}
_INSTEAD = {
    "remove": gettext_noop("instead of the removal asked for"),
    "disable": gettext_noop("instead of the disabling asked for"),
    "suspend": gettext_noop("instead of the suspension asked for"),
    "terminate": gettext_noop("instead of the termination asked for"),
}


def describe(action: Action) -> str:
    """What was done to one item, in the letter's language; a withholding names its
    territories and what it replaced, so it never reads as a global measure."""
    params = action.params or {}
    territories = ", ".join(params.get("territories") or ())
    if action.kind in WITHHOLDINGS and territories:
        what = gettext(_WITHHELD[action.kind]) % {"territories": territories}
        instead = _INSTEAD.get(str(params.get("instead_of") or ""))
        return f"{what}, {gettext(instead)}" if instead else what
    return wording.done(action.kind)


WITHHOLDINGS = tuple(_WITHHELD)


@dataclass
class Item:
    what: str
    target: str
    acted: bool
    when: datetime | None = None
    note: str = ""


@dataclass
class EffectReport:
    received: datetime
    acknowledged: datetime | None
    items: list[Item] = field(default_factory=list)
    more: int = 0


def effect_report(demand: Demand, limit: int = LIMIT) -> EffectReport:
    report = EffectReport(received=demand.received_at, acknowledged=demand.acknowledged_at)
    actions = Action.objects.filter(demand=demand).select_related("target").order_by("pk")
    total = actions.count()
    for action in actions[:limit]:
        what = describe(action)
        done = action.status == ActionStatus.SUCCEEDED
        report.items.append(Item(what=what, target=action.target.identifier
                                 if action.target else "", acted=done,
                                 when=action.finished_at if done else None,
                                 note="" if done else wording.status(action.status)))
    report.more = max(total - limit, 0)
    refused = Decision.objects.filter(demand=demand, superseded=False).exclude(
        outcome__in=[Outcome.COMPLY, Outcome.COMPLY_PARTIALLY]).select_related("ask", "target")
    for d in refused.order_by("pk")[:limit]:
        report.items.append(Item(
            what=wording.numbered_ask(d.ask), acted=False,
            target=d.target.identifier if d.target else gettext("all targets"),
            note=wording.decision(d.outcome)))
    return report


def as_context(demand: Demand) -> dict[str, Any]:
    report = effect_report(demand)
    return {"received": report.received, "acknowledged": report.acknowledged,
            "items": report.items, "more": report.more}
