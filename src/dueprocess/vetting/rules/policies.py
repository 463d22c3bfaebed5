"""Findings from the platform's dated policies, per ask.

- ``policy.route_mlat`` (block): a ``route_mlat`` policy applies to a disclosure ask;
- ``policy.jurisdiction_paused`` (block): a ``pause`` policy applies to the ask;
- ``policy.human_rights_review`` (warning) and ``policy.four_eyes`` (info);
- ``policy.condition_error`` (warning): a condition failed to evaluate; the policy is not
  applied, and the warning sends the demand to a person instead;
- ``policy.invalid`` (warning): a policy with an effect this version does not know, or
  params it cannot use (see :mod:`dueprocess.vetting.policy_params`); it is not applied.

A ``flags`` param restricts any policy to demands whose instrument or cited offences carry
one of those risk flags: "human-rights review for every instrument flagged
``political_expression``" is a policy with no jurisdiction and that one param.

Precedence: when both a pause and an MLAT policy apply to the same disclosure ask, the MLAT
routing wins and the pause is listed as superseded in the evidence. The later, more
specific decision (send data demands through the treaty) replaces the interim hold; the
pause still holds the asks MLAT routing does not cover (restrictions, preservation).
``scope_limit`` is handled by the ``scope.limits`` rule.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dueprocess.vetting.context import VetContext, statically_applies
from dueprocess.vetting.facts import POLICY_EFFECTS, PolicyFacts
from dueprocess.vetting.findings import Finding
from dueprocess.vetting.rules.base import Rule

NAME = "policy.policies"
VERSION = 2


def policy_ref(policy: PolicyFacts) -> dict[str, Any]:
    return {
        "id": policy.id,
        "name": policy.name,
        "effect": policy.effect,
        "jurisdiction": policy.jurisdiction,
        "valid_from": policy.valid_from.isoformat(),
        "valid_to": policy.valid_to.isoformat() if policy.valid_to else None,
    }


def _names(policies: list[PolicyFacts]) -> str:
    return ", ".join(f"#{p.id} {p.name!r} (since {p.valid_from.isoformat()})" for p in policies)


def check(ctx: VetContext) -> Iterator[Finding]:
    demand = ctx.demand
    jurisdiction = demand.jurisdiction.strip().upper()
    errors: dict[int, tuple[PolicyFacts, str, list[int]]] = {}
    for index, ask in enumerate(demand.asks):
        match = ctx.policies_for(index)
        for policy, message in match.errors:
            errors.setdefault(policy.id, (policy, message, []))[2].append(index)
        by_effect: dict[str, list[PolicyFacts]] = {}
        for policy in match.applies:
            by_effect.setdefault(policy.effect, []).append(policy)
        base = {"ask_kind": ask.kind, "jurisdiction": jurisdiction}
        mlat = by_effect.get("route_mlat", [])
        pause = by_effect.get("pause", [])
        if mlat:
            superseded = f"; superseding pause policy {_names(pause)}" if pause else ""
            yield RULE.finding(
                "policy.route_mlat",
                "block",
                f"Ask {index} ({ask.kind}): policy {_names(mlat)} routes {jurisdiction} data "
                f"demands to mutual legal assistance (MLAT){superseded}.",
                {
                    **base,
                    "policies": [policy_ref(p) for p in mlat],
                    "superseded_pause": [policy_ref(p) for p in pause],
                },
                ask_index=index,
            )
        elif pause:
            yield RULE.finding(
                "policy.jurisdiction_paused",
                "block",
                f"Ask {index} ({ask.kind}): {jurisdiction} {ask.kind} asks are paused by "
                f"policy {_names(pause)}.",
                {**base, "policies": [policy_ref(p) for p in pause]},
                ask_index=index,
            )
        review = by_effect.get("human_rights_review", [])
        if review:
            yield RULE.finding(
                "policy.human_rights_review",
                "warning",
                f"Ask {index} ({ask.kind}) needs a human-rights review under policy "
                f"{_names(review)}"
                + (f" (risk flags: {', '.join(sorted(ctx.flags))})" if ctx.flags else "")
                + ".",
                {
                    **base,
                    "policies": [policy_ref(p) for p in review],
                    "flags": sorted(ctx.flags),
                },
                ask_index=index,
            )
        four_eyes = by_effect.get("four_eyes", [])
        if four_eyes:
            yield RULE.finding(
                "policy.four_eyes",
                "info",
                f"Ask {index} ({ask.kind}) needs two approvers under policy {_names(four_eyes)}.",
                {**base, "policies": [policy_ref(p) for p in four_eyes]},
                ask_index=index,
            )
    for policy, message, asks in errors.values():
        yield RULE.finding(
            "policy.condition_error",
            "warning",
            f"The condition of policy #{policy.id} {policy.name!r} could not be evaluated "
            f"({message}); the policy was not applied.",
            {
                "policy": policy_ref(policy),
                "condition": policy.condition,
                "error": message,
                "asks": asks,
            },
        )
    yield from _invalid(ctx)


def _invalid(ctx: VetContext) -> Iterator[Finding]:
    if not ctx.invalid_policies:
        return
    demand = ctx.demand
    for policy in ctx.policies_in_force_including_invalid():
        error = ctx.invalid_policies.get(policy.id)
        if error is None:
            continue
        asks = [
            i for i, ask in enumerate(demand.asks) if statically_applies(policy, demand, ask, None)
        ]
        if not asks:
            continue
        yield RULE.finding(
            "policy.invalid",
            "warning",
            f"Policy #{policy.id} {policy.name!r} is malformed ({error}); it was not applied.",
            {
                "policy": policy_ref(policy),
                "asks": asks,
                "error": error,
                "known_effects": sorted(POLICY_EFFECTS),
            },
        )


RULE = Rule(NAME, VERSION, check)
