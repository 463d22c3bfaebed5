"""Vetting entry point: facts in, findings and an explained recommendation out.

Pure and synchronous; safe to call again whenever policy, the law library or the demand
changes. A rule that fails on unexpected input yields a ``vetting.rule_error`` finding
(which escalates to a person) instead of losing the demand.
"""

from __future__ import annotations

from collections.abc import Sequence

from dueprocess.law.loader import Library
from dueprocess.vetting.context import PolicySet, VetContext
from dueprocess.vetting.facts import DemandFacts, PolicyFacts
from dueprocess.vetting.findings import Finding, VettingResult
from dueprocess.vetting.recommend import recommend
from dueprocess.vetting.rules import RULES, RULES_VERSION

__all__ = ["vet"]


def vet(
    demand: DemandFacts,
    library: Library,
    policies: Sequence[PolicyFacts] | PolicySet = (),
) -> VettingResult:
    """Vet one demand under the law and the policies in force at its ``received_at``.

    ``policies`` may include policies not in force then; they are filtered by date here.
    Pass a :class:`PolicySet` built once when vetting many demands against the same
    policies: a plain sequence is indexed again on every call.
    """
    ctx = VetContext(demand, library, policies)
    findings: list[Finding] = []
    for rule in RULES:
        try:
            findings.extend(rule.check(ctx))
        except Exception as exc:  # a bug must not lose a demand; surface it to a person
            findings.append(
                rule.finding(
                    "vetting.rule_error",
                    "warning",
                    f"Rule {rule.name} failed: {type(exc).__name__}: {exc}",
                    {"rule": rule.name, "error": f"{type(exc).__name__}: {exc}"},
                )
            )
    recommendation, explanation = recommend(findings, len(demand.asks))
    return VettingResult(
        findings=tuple(findings),
        recommendation=recommendation,
        explanation=explanation,
        rules_version=RULES_VERSION,
        data_version=library.version,
    )
