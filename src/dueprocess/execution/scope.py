"""The least restrictive way to comply: withhold in the requesting territory, not delete.

Vetting offers it (finding ``scope.less_restrictive_available`` with a proposal); a reviewer
takes it by deciding ``comply_partially`` with ``withhold_in`` (console or API). The plan then
has a ``withhold`` action limited to those territories instead of a removal, its result
says ``scope: territorial``, and the DSA statement of reasons and the effect report name
the territories, so a withholding is never counted or reported as a global removal.
"""

from __future__ import annotations

from typing import Any

from dueprocess.demands.models import Ask, AskKind, Demand
from dueprocess.errors import InvalidInput

FINDING = "scope.less_restrictive_available"


def narrow_to_withholding(ask: Ask, territories: list[str], index: int) -> dict[str, Any]:
    """The ``narrowed`` part of a decision that withholds instead of removing."""
    field = f"decisions.{index}.withhold_in"
    if ask.kind != AskKind.RESTRICT_CONTENT:
        raise InvalidInput("withholding applies to content restrictions only", field=field)
    scope = sorted({t.strip().upper() for t in territories if t.strip()})
    if not scope:
        raise InvalidInput("name the territories to withhold in", field=field)
    if ask.measure == "withhold":
        asked = {t.upper() for t in ask.territorial_scope}
        wider = sorted(set(scope) - asked)
        if wider:
            raise InvalidInput("narrowing cannot add territories: " + ", ".join(wider),
                               field=field)
    return {"measure": "withhold", "territorial_scope": scope}


def offers(demand: Demand) -> list[dict[str, Any]]:
    """Vetting's current proposals, per ask, in the form a decision takes them."""
    out = []
    for finding in demand.findings.current().filter(code=FINDING).order_by("pk"):
        proposal = (finding.evidence or {}).get("proposal") or {}
        scope = list(proposal.get("territorial_scope") or ())
        if finding.ask_position is None or not scope:
            continue
        out.append({"ask": finding.ask_position, "outcome": "comply_partially",
                    "withhold_in": scope, "message": finding.message})
    return out
