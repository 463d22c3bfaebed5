"""Vetting: facts → rules → findings → recommendation.

Pure Python (no Django, no I/O). Call :func:`vet` with :class:`DemandFacts`, a law
:class:`~dueprocess.law.Library` and the platform's :class:`PolicyFacts`.
"""

from __future__ import annotations

from dueprocess.vetting.cel_policy import (
    ConditionError,
    ConditionInput,
    evaluate_condition,
    validate_condition,
)
from dueprocess.vetting.context import PolicySet
from dueprocess.vetting.engine import vet
from dueprocess.vetting.facts import (
    POLICY_EFFECTS,
    AskFacts,
    AskKind,
    DemandFacts,
    EstablishmentFacts,
    PolicyEffect,
    PolicyFacts,
    ScreeningHitFacts,
    SenderFacts,
    TargetFacts,
    freeze_params,
)
from dueprocess.vetting.findings import (
    RECOMMENDATIONS,
    SEVERITIES,
    Finding,
    Recommendation,
    Severity,
    VettingResult,
)
from dueprocess.vetting.recommend import RANK, recommend
from dueprocess.vetting.rules import RULES, RULES_VERSION

__all__ = [
    "POLICY_EFFECTS",
    "RANK",
    "RECOMMENDATIONS",
    "RULES",
    "RULES_VERSION",
    "SEVERITIES",
    "AskFacts",
    "AskKind",
    "ConditionError",
    "ConditionInput",
    "DemandFacts",
    "EstablishmentFacts",
    "Finding",
    "PolicyEffect",
    "PolicyFacts",
    "PolicySet",
    "Recommendation",
    "ScreeningHitFacts",
    "SenderFacts",
    "Severity",
    "TargetFacts",
    "VettingResult",
    "evaluate_condition",
    "freeze_params",
    "recommend",
    "validate_condition",
    "vet",
]
