"""``rights.target_at_risk``: a target is a journalist, human-rights defender, politician,
NGO, activist or lawyer according to the platform connector.

Such targets are where demands most often serve persecution rather than investigation.
"""

from __future__ import annotations

from collections.abc import Iterator

from dueprocess.vetting.context import VetContext
from dueprocess.vetting.findings import Finding
from dueprocess.vetting.rules.base import Rule

NAME = "rights.targets"
VERSION = 1


def check(ctx: VetContext) -> Iterator[Finding]:
    summary = ctx.targets
    if not summary.at_risk:
        return
    described = ", ".join(f"{flag} ({count})" for flag, count in summary.at_risk.items())
    yield RULE.finding(
        "rights.target_at_risk",
        "warning",
        f"Targets at risk: {described}.",
        {"flags": dict(summary.at_risk), "examples": list(summary.at_risk_examples)},
    )


RULE = Rule(NAME, VERSION, check)
