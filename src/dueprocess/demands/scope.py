"""The least restrictive way to comply: withhold in the requesting territory, not delete.

Vetting offers it (finding ``scope.less_restrictive_available`` with a proposal); a reviewer
takes it by deciding ``comply_partially`` with ``withhold_in`` (console or API), for content
and for accounts alike. The plan then has a ``withhold`` (content) or ``withhold_account``
action limited to those territories instead of a removal or suspension, its result says
``scope: territorial``, and the DSA statement of reasons and the effect report name the
territories, so a withholding is never counted or reported as a global removal.

Execution never does more than the decision: a removal, suspension or termination that
the demand itself limits to territories is planned as a withholding in those territories
(:func:`planned_measure`), and every connector carries a territorial restriction out in
those territories only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from dueprocess.demands.models import ActionKind, Ask, AskKind, Demand
from dueprocess.errors import InvalidInput
from dueprocess.law.regions import WORLDWIDE

FINDING = "scope.less_restrictive_available"
#: Another Member State's order reaching beyond it (DSA Art. 9(2)(b)): the same proposal.
BEYOND = "scope.beyond_issuing_state"


def limited_to(territories: Iterable[str]) -> list[str]:
    """The territories a scope is limited to; empty when it has no limit (none named, or
    the whole world)."""
    scope = sorted({str(t).strip().upper() for t in territories if str(t).strip()})
    if any(t in WORLDWIDE for t in scope):
        return []
    return scope


def narrow_to_withholding(ask: Ask, territories: list[str], index: int) -> dict[str, Any]:
    """The ``narrowed`` part of a decision that withholds instead of removing or
    suspending."""
    field = f"decisions.{index}.withhold_in"
    if ask.kind not in (AskKind.RESTRICT_CONTENT, AskKind.RESTRICT_ACCOUNT):
        raise InvalidInput(_("withholding applies to content and account restrictions only"),
                           field=field)
    scope = limited_to(territories)
    if not scope:
        raise InvalidInput(_("name the territories to withhold in (not the whole world)"),
                           field=field)
    asked = set(limited_to(ask.territorial_scope or ()))
    if asked:
        wider = sorted(set(scope) - asked)
        if wider:
            raise InvalidInput(_("narrowing cannot add territories: %(wider)s")
                               % {"wider": ", ".join(wider)},
                               field=field)
    return {"measure": "withhold", "territorial_scope": scope}


_GLOBAL = {"suspend": ActionKind.SUSPEND, "terminate": ActionKind.TERMINATE,
           "remove": ActionKind.REMOVE, "disable": ActionKind.DISABLE}


def planned_measure(ask: Ask, narrowed: dict[str, Any] | None) -> tuple[str, dict[str, Any]]:
    """The action kind and params for a complied restriction: never more than decided."""
    account = ask.kind == AskKind.RESTRICT_ACCOUNT
    withhold = ActionKind.WITHHOLD_ACCOUNT if account else ActionKind.WITHHOLD
    asked = ask.measure or ("suspend" if account else "remove")
    n = narrowed or {}
    if n.get("measure") == "withhold":  # the reviewer took the less restrictive way
        territories = limited_to(n.get("territorial_scope") or ())
    else:
        territories = limited_to(ask.territorial_scope or ())
    if territories:
        params: dict[str, Any] = {"territories": territories}
        if asked != "withhold":
            params["instead_of"] = asked
        return withhold, params
    if asked == "withhold":  # a withholding "everywhere" is a global measure by another name
        asked = "suspend" if account else "disable"
    return _GLOBAL[asked], ({} if account else {"territories": []})


def offers(demand: Demand) -> list[dict[str, Any]]:
    """Vetting's current proposals, per ask, in the form a decision takes them."""
    out = []
    seen: set[tuple[int, tuple[str, ...]]] = set()
    for finding in demand.findings.current().filter(code__in=(FINDING, BEYOND)).order_by("pk"):
        proposal = (finding.evidence or {}).get("proposal") or {}
        scope = list(proposal.get("territorial_scope") or ())
        if finding.ask_position is None or not scope:
            continue
        if (finding.ask_position, tuple(scope)) in seen:
            continue
        seen.add((finding.ask_position, tuple(scope)))
        out.append({"ask": finding.ask_position, "outcome": "comply_partially",
                    "withhold_in": scope, "message": finding.message})
    return out
