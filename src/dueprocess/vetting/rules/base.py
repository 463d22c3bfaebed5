"""The shape of a rule: a name, a version and a function from context to findings."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from dueprocess.vetting.context import VetContext
from dueprocess.vetting.findings import Finding

__all__ = ["Rule"]


@dataclass(frozen=True)
class Rule:
    """Bump ``version`` whenever a change could alter the findings for the same facts."""

    name: str
    version: int
    check: Callable[[VetContext], Iterable[Finding]]

    def finding(
        self,
        code: str,
        severity: str,
        message: str,
        evidence: Mapping[str, Any] | None = None,
        ask_index: int | None = None,
    ) -> Finding:
        return Finding(
            code=code,
            severity=severity,
            message=message,
            rule=self.name,
            rule_version=self.version,
            evidence=dict(evidence or {}),
            ask_index=ask_index,
        )
