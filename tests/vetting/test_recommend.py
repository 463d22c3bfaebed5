"""Recommendation precedence, tested on hand-made findings."""

from __future__ import annotations

from typing import Any

import pytest

from dueprocess.vetting import RANK, RECOMMENDATIONS, Finding, recommend


def f(code: str, severity: str = "warning", ask: int | None = None, **evidence: Any) -> Finding:
    return Finding(code, severity, f"{code} happened.", "test", 1, evidence, ask)


PAUSED = f("policy.jurisdiction_paused", "block", 0)
MLAT = f("policy.route_mlat", "block", 0)
NOT_IN_FORCE = f("legal.instrument_not_in_force", "block")
DEAD_0 = f("legal.insufficient_process", "block", 0, partial=False)
DEAD_1 = f("legal.issuer_not_competent", "block", 1, partial=False)
PARTIAL_0 = f("legal.insufficient_process", "block", 0, partial=True)
MISSING = f("legal.missing_element")
UNKNOWN = f("legal.unknown_instrument", "block")
RISK = f("rights.high_risk_instrument")
OVERBROAD = f("scope.overbroad", ask=0)
INFO = f("deadline.statutory", "info")


@pytest.mark.parametrize(
    ("findings", "asks", "expected"),
    [
        ([], 1, "comply"),
        ([INFO], 1, "comply"),
        ([OVERBROAD], 1, "comply_partially"),
        ([PARTIAL_0], 1, "comply_partially"),
        ([DEAD_0], 2, "comply_partially"),
        ([DEAD_0, DEAD_1], 2, "reject"),
        ([DEAD_0], 1, "reject"),
        ([NOT_IN_FORCE], 1, "reject"),
        ([RISK, OVERBROAD], 1, "escalate"),
        ([f("sanctions.listed_person", "block")], 1, "escalate"),
        ([f("policy.condition_error")], 1, "escalate"),
        ([MISSING, RISK], 1, "request_clarification"),
        ([UNKNOWN, RISK], 1, "escalate"),
        ([DEAD_0, MISSING], 1, "reject"),
        ([PARTIAL_0, MISSING], 1, "request_clarification"),
        ([PAUSED, DEAD_0, MISSING, RISK], 1, "hold"),
        ([MLAT, PAUSED, NOT_IN_FORCE], 1, "route_mlat"),
    ],
)
def test_precedence(findings: list[Finding], asks: int, expected: str) -> None:
    assert recommend(findings, asks)[0] == expected


def test_demand_level_defect_covers_every_ask() -> None:
    whole = f("legal.issuer_not_competent", "block", None, partial=False)
    assert recommend([whole], 3)[0] == "reject"


def test_defects_without_asks_do_not_reject() -> None:
    assert recommend([DEAD_0], 0)[0] == "comply_partially"


def test_explanation_names_the_driving_findings() -> None:
    recommendation, explanation = recommend([PAUSED, RISK, INFO], 1)
    assert recommendation == "hold"
    assert explanation.startswith("hold because of policy.jurisdiction_paused:")
    assert "Also found: rights.high_risk_instrument (warning)" in explanation
    assert "deadline.statutory" not in explanation


def test_explanation_is_bounded_for_many_findings() -> None:
    many = [f("rights.target_at_risk") for _ in range(10)]
    explanation = recommend(many, 1)[1]
    assert "(and 7 more)" in explanation


def test_comply_explanation() -> None:
    assert recommend([], 1)[1].startswith("comply: no finding")


def test_rank_orders_all_recommendations() -> None:
    assert sorted(RANK, key=RANK.__getitem__, reverse=True) == list(RECOMMENDATIONS)
