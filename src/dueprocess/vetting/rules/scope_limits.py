"""``scope.overbroad``: an ask goes beyond the limits of a ``scope_limit`` policy.

Limits (policy params): ``max_days`` for a disclosure date range (both ends counted; an
open range is over any limit), ``categories`` that may be disclosed, ``max_targets`` per
demand. The finding carries a narrower proposal the reviewer can offer the authority:
the most recent ``max_days`` of the range, the allowed categories, the first
``max_targets`` targets. Where several policies apply, the proposal meets all of them.
Malformed params give ``policy.invalid`` rather than a guess.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from dueprocess.vetting.context import VetContext
from dueprocess.vetting.facts import AskFacts, PolicyFacts
from dueprocess.vetting.findings import Finding
from dueprocess.vetting.rules.base import Rule
from dueprocess.vetting.rules.policies import policy_ref

NAME = "scope.limits"
VERSION = 1


def _limits(policy: PolicyFacts) -> tuple[int | None, int | None, tuple[str, ...] | None]:
    """``(max_days, max_targets, categories)``; raises ``ValueError`` on malformed params."""
    values: list[int | None] = []
    for key in ("max_days", "max_targets"):
        value = policy.param(key)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value < 1
        ):
            raise ValueError(f"{key} must be a positive integer, not {value!r}")
        values.append(value)
    categories = policy.param("categories")
    if categories is not None:
        if not isinstance(categories, tuple | list) or not all(
            isinstance(c, str) for c in categories
        ):
            raise ValueError(f"categories must be a list of strings, not {categories!r}")
        categories = tuple(categories)
    return values[0], values[1], categories


def _ask_excess(
    ctx: VetContext, ask: AskFacts, max_days: int | None, categories: tuple[str, ...] | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    excess: dict[str, Any] = {}
    proposal: dict[str, Any] = {}
    if ask.kind != "disclose":
        return excess, proposal
    if categories is not None:
        beyond = [c for c in ask.data_categories if c not in categories]
        if beyond:
            excess["categories"] = beyond
            proposal["data_categories"] = [c for c in ask.data_categories if c in categories]
    if max_days is not None:
        if ask.date_from is not None and ask.date_to is not None:
            span = (ask.date_to - ask.date_from).days + 1
            if span > max_days:
                excess["days"] = span
                proposal["date_from"] = ask.date_to - timedelta(days=max_days - 1)
                proposal["date_to"] = ask.date_to
        else:
            excess["days"] = None
            end = ask.date_to or ctx.on
            proposal["date_from"] = end - timedelta(days=max_days - 1)
            proposal["date_to"] = end
    return excess, proposal


def _merge(total: dict[str, Any], proposal: dict[str, Any]) -> None:
    if "data_categories" in proposal:
        current = total.get("data_categories")
        keep = proposal["data_categories"]
        total["data_categories"] = keep if current is None else [c for c in current if c in keep]
    if "date_from" in proposal and (
        "date_from" not in total or proposal["date_from"] > total["date_from"]
    ):
        total["date_from"] = proposal["date_from"]
        total["date_to"] = proposal["date_to"]


def _describe(key: str, value: Any) -> str:
    if key == "days":
        return "no date range" if value is None else f"a date range of {value} days"
    return f"categories {', '.join(value)}"


def check(ctx: VetContext) -> Iterator[Finding]:
    demand = ctx.demand
    invalid: dict[int, tuple[PolicyFacts, str]] = {}
    target_limits: dict[int, tuple[PolicyFacts, int]] = {}
    for index, ask in enumerate(demand.asks):
        limiting: list[dict[str, Any]] = []
        excess_all: dict[str, Any] = {}
        proposal_all: dict[str, Any] = {}
        for policy in ctx.policies_for(index).applies:
            if policy.effect != "scope_limit":
                continue
            try:
                max_days, max_targets, categories = _limits(policy)
            except ValueError as exc:
                invalid[policy.id] = (policy, str(exc))
                continue
            if max_targets is not None and len(demand.targets) > max_targets:
                target_limits[policy.id] = (policy, max_targets)
            excess, proposal = _ask_excess(ctx, ask, max_days, categories)
            if excess:
                limiting.append(policy_ref(policy))
                excess_all.update(excess)
                _merge(proposal_all, proposal)
        if limiting:
            if proposal_all.get("data_categories") == []:
                proposal_all = {"drop_ask": True}
            for key in ("date_from", "date_to"):
                if key in proposal_all:
                    proposal_all[key] = proposal_all[key].isoformat()
            yield RULE.finding(
                "scope.overbroad",
                "warning",
                f"Ask {index} ({ask.kind}) exceeds policy limits: "
                + "; ".join(_describe(k, v) for k, v in excess_all.items())
                + ".",
                {"policies": limiting, "excess": excess_all, "proposal": proposal_all},
                ask_index=index,
            )
    if target_limits:
        limit = min(n for _, n in target_limits.values())
        yield RULE.finding(
            "scope.overbroad",
            "warning",
            f"The demand names {len(demand.targets)} targets; policy allows {limit}.",
            {
                "policies": [policy_ref(p) for p, _ in target_limits.values()],
                "excess": {"targets": len(demand.targets)},
                "proposal": {"max_targets": limit},
            },
        )
    for policy, message in invalid.values():
        yield RULE.finding(
            "policy.invalid",
            "warning",
            f"Scope limits of policy #{policy.id} {policy.name!r} are malformed ({message}); "
            "they were not applied.",
            {"policy": policy_ref(policy), "error": message},
        )


RULE = Rule(NAME, VERSION, check)
