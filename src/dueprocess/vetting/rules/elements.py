"""``legal.missing_element``: something the law (or a workable demand) requires is absent.

Instrument elements come from ``required_elements`` and ``ask_required_elements`` in the
law library. How each is judged from the facts:

- ``legal_basis``, ``statement_of_reasons``, ``redress``, ``emergency_justification``:
  non-blank text;
- ``issuing_authority``: an issuer role or at least one named official;
- ``offences``: at least one offence cited;
- ``approval``: an official whose role is ``approver``;
- ``recipient_identifiers``: at least one target and no blank identifier;
- ``exact_urls``: at least one content target, and every content target is an http(s)
  URL; when every ask is ``restrict_content``, account targets must be URLs too (an
  account handle does not locate a post);
- ``territorial_scope``: every ``restrict_content`` ask states one;
- ``date_range``: every ``disclose`` ask for traffic or content has both dates.

Regardless of the instrument, a demand needs asks and targets, each disclosure ask data
categories, each restriction a measure, date ranges in order, and an emergency a
justification. Demand-wide gaps form one finding; gaps of one ask, one finding per ask.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from typing import Any

from dueprocess.vetting.context import APPROVER_ROLES, EXAMPLES, VetContext
from dueprocess.vetting.findings import Finding
from dueprocess.vetting.rules.base import Rule

NAME = "legal.elements"
VERSION = 1

_RANGED = frozenset({"traffic", "content"})
_MEASURED = frozenset({"restrict_account", "restrict_content"})


def _text(value: str) -> bool:
    return bool(value and value.strip())


def _demand_gaps(ctx: VetContext, required: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    demand = ctx.demand
    gaps: dict[str, dict[str, Any]] = {}
    if not demand.asks:
        gaps["asks"] = {}
    if not demand.targets:
        gaps["targets"] = {}
    wanted = list(required)
    if demand.emergency and "emergency_justification" not in wanted:
        wanted.append("emergency_justification")
    for element in wanted:
        detail = _element_gap(ctx, element)
        if detail is not None:
            if element == "recipient_identifiers" and "targets" in gaps:
                continue
            gaps[element] = detail
    return gaps


def _element_gap(ctx: VetContext, element: str) -> dict[str, Any] | None:
    """``None`` if the element is present, else details of what is missing."""
    demand = ctx.demand
    if element in ("legal_basis", "statement_of_reasons", "redress", "emergency_justification"):
        return None if _text(getattr(demand, element)) else {}
    if element == "issuing_authority":
        present = _text(demand.issuer_role or "") or any(_text(o[0]) for o in demand.officials)
        return None if present else {}
    if element == "offences":
        return None if any(_text(o) for o in demand.offences) else {}
    if element == "approval":
        approvers = [o for o in demand.officials if o[2].strip().lower() in APPROVER_ROLES]
        return None if approvers else {}
    targets = ctx.targets
    if element == "recipient_identifiers":
        if targets.total and not targets.blank_identifiers:
            return None
        return {"blank_identifiers": targets.blank_identifiers}
    if element == "exact_urls":
        only_content_asks = bool(demand.asks) and all(
            a.kind == "restrict_content" for a in demand.asks
        )
        non_url = targets.non_url_contents + (targets.accounts if only_content_asks else 0)
        if targets.contents and not non_url:
            return None
        examples = list(targets.non_url_examples)
        if only_content_asks and targets.accounts:
            accounts = (t.identifier for t in demand.targets if t.type != "content")
            examples += islice(accounts, EXAMPLES)
        return {
            "url_targets": targets.contents - targets.non_url_contents,
            "non_url_targets": non_url,
            "examples": examples[:EXAMPLES],
        }
    if element == "territorial_scope":
        asks = [
            i
            for i, a in enumerate(demand.asks)
            if a.kind == "restrict_content" and not any(_text(s) for s in a.territorial_scope)
        ]
        return {"asks": asks} if asks else None
    if element == "date_range":
        asks = [
            i
            for i, a in enumerate(demand.asks)
            if a.kind == "disclose"
            and _RANGED.intersection(a.data_categories)
            and (a.date_from is None or a.date_to is None)
        ]
        return {"asks": asks} if asks else None
    return None


def check(ctx: VetContext) -> Iterator[Finding]:
    instrument = ctx.instrument
    required: tuple[str, ...] = ()
    if instrument is not None:
        required = instrument.elements_for(frozenset(a.kind for a in ctx.demand.asks))
    gaps = _demand_gaps(ctx, required)
    if gaps:
        names = ", ".join(g.replace("_", " ") for g in gaps)
        source = f" for {instrument.name} ({instrument.id})" if instrument else ""
        yield RULE.finding(
            "legal.missing_element",
            "warning",
            f"Missing{source}: {names}.",
            {
                "instrument": ctx.demand.instrument_id,
                "missing": list(gaps),
                "required_by_instrument": [g for g in gaps if g in required],
                "details": {k: v for k, v in gaps.items() if v},
            },
        )
    for index, ask in enumerate(ctx.demand.asks):
        missing: list[str] = []
        if ask.kind == "disclose" and not ask.data_categories:
            missing.append("data_categories")
        if ask.kind in _MEASURED and not _text(ask.measure or ""):
            missing.append("measure")
        if ask.date_from is not None and ask.date_to is not None and ask.date_from > ask.date_to:
            missing.append("date_range")
        if missing:
            yield RULE.finding(
                "legal.missing_element",
                "warning",
                f"Ask {index} ({ask.kind}) is incomplete: "
                + ", ".join(m.replace("_", " ") for m in missing)
                + (" (date_from is after date_to)" if "date_range" in missing else "")
                + ".",
                {"ask_kind": ask.kind, "missing": missing},
                ask_index=index,
            )


RULE = Rule(NAME, VERSION, check)
