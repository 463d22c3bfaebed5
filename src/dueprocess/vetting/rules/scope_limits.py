"""``scope.overbroad``: an ask goes beyond the limits of a ``scope_limit`` policy.

Limits (policy params, see :mod:`dueprocess.vetting.policy_params`): ``max_days`` for a
disclosure date range (both ends counted; an open range is over any limit), ``categories``
that may be disclosed (a list, or per instrument), ``max_targets`` per demand. The finding
carries a narrower proposal the reviewer can offer the authority: the most recent
``max_days`` of the range, the allowed categories, the first ``max_targets`` targets (listed
when there are at most 100). Where several policies apply, the proposal meets all of them.
Malformed params never reach this rule: the policy is reported as ``policy.invalid``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from dueprocess.vetting.context import VetContext
from dueprocess.vetting.facts import AskFacts, PolicyFacts
from dueprocess.vetting.findings import Finding
from dueprocess.vetting.policy_params import scope_limits
from dueprocess.vetting.rules.base import Rule
from dueprocess.vetting.rules.policies import policy_ref

NAME = "scope.limits"
VERSION = 2

#: Up to this many kept targets are listed in the proposal; beyond, only the count.
LISTED_TARGETS = 100


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
    target_limits: dict[int, tuple[PolicyFacts, int]] = {}
    for index, ask in enumerate(demand.asks):
        limiting: list[dict[str, Any]] = []
        excess_all: dict[str, Any] = {}
        proposal_all: dict[str, Any] = {}
        for policy in ctx.policies_for(index).applies:
            if policy.effect != "scope_limit":
                continue
            limits = scope_limits(policy.params, demand.instrument_id)
            if limits.max_targets is not None and len(demand.targets) > limits.max_targets:
                target_limits[policy.id] = (policy, limits.max_targets)
            excess, proposal = _ask_excess(ctx, ask, limits.max_days, limits.categories)
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
                + ". Proposal: "
                + _describe_proposal(proposal_all)
                + ".",
                {"policies": limiting, "excess": excess_all, "proposal": proposal_all},
                ask_index=index,
            )
    if target_limits:
        limit = min(n for _, n in target_limits.values())
        fewer: dict[str, Any] = {"max_targets": limit}
        if limit <= LISTED_TARGETS:
            fewer["targets"] = [t.identifier for t in demand.targets[:limit]]
        yield RULE.finding(
            "scope.overbroad",
            "warning",
            f"The demand names {len(demand.targets)} targets; policy allows {limit}. "
            f"Proposal: the first {limit}.",
            {
                "policies": [policy_ref(p) for p, _ in target_limits.values()],
                "excess": {"targets": len(demand.targets)},
                "proposal": fewer,
            },
        )


def _describe_proposal(proposal: dict[str, Any]) -> str:
    if proposal.get("drop_ask"):
        return "drop the ask (no category it names may be disclosed)"
    parts = []
    if "data_categories" in proposal:
        parts.append(f"only {', '.join(proposal['data_categories'])}")
    if "date_from" in proposal:
        parts.append(f"from {proposal['date_from']} to {proposal['date_to']}")
    return "; ".join(parts)


RULE = Rule(NAME, VERSION, check)
