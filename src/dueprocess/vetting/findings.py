"""What vetting returns: findings with stable codes, and one explained recommendation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "RECOMMENDATIONS",
    "SEVERITIES",
    "Finding",
    "Recommendation",
    "Severity",
    "VettingResult",
]

Severity = Literal["info", "warning", "block"]
SEVERITIES: tuple[str, ...] = ("info", "warning", "block")

Recommendation = Literal[
    "comply",
    "comply_partially",
    "request_clarification",
    "route_mlat",
    "reject",
    "hold",
    "escalate",
]
#: From the strongest to the weakest; ``recommend`` picks the first tier that applies.
RECOMMENDATIONS: tuple[str, ...] = (
    "route_mlat",
    "hold",
    "reject",
    "request_clarification",
    "escalate",
    "comply_partially",
    "comply",
)


@dataclass(frozen=True)
class Finding:
    """One result of one rule.

    ``evidence`` holds JSON-ready values only (str, int, bool, None, lists, dicts; dates as
    ISO strings) so it can be stored as is. Treat it as read-only; it does not take part
    in hashing. ``ask_index`` points into ``DemandFacts.asks`` when the finding concerns one
    ask.
    """

    code: str
    severity: str
    message: str
    rule: str
    rule_version: int
    evidence: Mapping[str, Any] = field(default_factory=dict, hash=False)
    ask_index: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "rule": self.rule,
            "rule_version": self.rule_version,
            "evidence": dict(self.evidence),
            "ask_index": self.ask_index,
        }


@dataclass(frozen=True)
class VettingResult:
    """Findings, the recommendation derived from them, and the versions that produced them."""

    findings: tuple[Finding, ...]
    recommendation: str
    explanation: str
    rules_version: str
    data_version: str

    @property
    def codes(self) -> tuple[str, ...]:
        """Distinct finding codes, in the order they were found."""
        return tuple(dict.fromkeys(f.code for f in self.findings))

    def by_code(self, code: str) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.code == code)

    def to_dict(self) -> dict[str, Any]:
        return {
            "findings": [f.to_dict() for f in self.findings],
            "recommendation": self.recommendation,
            "explanation": self.explanation,
            "rules_version": self.rules_version,
            "data_version": self.data_version,
        }
