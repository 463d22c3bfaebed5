"""End-to-end scenarios from the design handbook."""

from __future__ import annotations

import json

from dueprocess.vetting import RULES_VERSION, AskFacts, VettingResult
from tests.vetting.factories import (
    LIB,
    MLAT_HK,
    PAUSE_HK,
    account,
    at,
    codes,
    demand,
    disclose,
    hk,
    post,
    run,
)

PROTEST_POST = post("https://example.social/p/8964", country="HK", data_location="US")
REMOVAL = AskFacts("restrict_content", measure="withhold", territorial_scope=("HK",))


def test_hong_kong_july_2020_identification_request_is_held() -> None:
    result = run(hk(received_at=at(2020, 7, 20)), PAUSE_HK, MLAT_HK)
    assert result.recommendation == "hold"
    assert "policy.jurisdiction_paused" in codes(result)
    assert "policy.route_mlat" not in codes(result)
    assert "rights.high_risk_instrument" in codes(result)
    assert "policy.jurisdiction_paused" in result.explanation


def test_hong_kong_july_2020_removal_is_reviewed_not_paused() -> None:
    removal = hk(received_at=at(2020, 7, 20), asks=(REMOVAL,), targets=(PROTEST_POST,))
    result = run(removal, PAUSE_HK, MLAT_HK)
    assert "policy.jurisdiction_paused" not in codes(result)
    assert "rights.high_risk_instrument" in codes(result)
    assert result.recommendation == "escalate"


def test_hong_kong_september_2020_identification_request_goes_to_mlat() -> None:
    result = run(hk(received_at=at(2020, 9, 15)), PAUSE_HK, MLAT_HK)
    assert result.recommendation == "route_mlat"
    assert "policy.route_mlat" in codes(result)
    assert "route_mlat because of policy.route_mlat" in result.explanation


def test_hong_kong_before_the_implementation_rules() -> None:
    result = run(hk(received_at=at(2020, 7, 1)), PAUSE_HK, MLAT_HK)
    assert "legal.instrument_not_in_force" in codes(result)
    assert result.recommendation == "reject"


def test_us_warrant_for_content_complies() -> None:
    result = run(demand())
    assert result.recommendation == "comply"
    assert result.findings == ()
    assert result.rules_version == RULES_VERSION
    assert result.data_version == LIB.version


def test_subpoena_for_content_is_insufficient_process() -> None:
    result = run(demand(instrument_id="us.ecpa.subpoena", issuer_role="prosecutor"))
    assert "legal.insufficient_process" in codes(result)
    assert result.recommendation == "reject"


def test_dsa_article_9_order_without_urls_needs_clarification() -> None:
    d = demand(
        instrument_id="eu.dsa.art9",
        jurisdiction="DE",
        issuer_role="regulator",
        received_at=at(2024, 6, 3),
        offences=(),
        legal_basis="DSA Art. 9; NetzDG",
        statement_of_reasons="Holocaust denial, § 130(3) StGB.",
        redress="Administrative court.",
        asks=(AskFacts("restrict_content", measure="withhold", territorial_scope=("DE",)),),
        targets=(account("@revisionist", country="DE"),),
    )
    result = run(d)
    assert "legal.missing_element" in codes(result)
    assert result.by_code("legal.missing_element")[0].evidence["missing"] == ["exact_urls"]
    assert result.recommendation == "request_clarification"


def test_epoc_for_traffic_signed_by_a_prosecutor() -> None:
    d = demand(
        instrument_id="eu.evidence.epoc",
        jurisdiction="FR",
        authority_kind="prosecutor",
        issuer_role="prosecutor",
        received_at=at(2026, 9, 1),
        offences=("fr.code_penal.313-1",),
        asks=(disclose("traffic"),),
        targets=(account("@fraudster", country="FR"),),
    )
    result = run(d)
    assert "legal.issuer_not_competent" in codes(result)
    assert result.recommendation == "reject"


def test_results_serialise_to_json() -> None:
    scenarios: list[VettingResult] = [
        run(hk(received_at=at(2020, 9, 15)), PAUSE_HK, MLAT_HK),
        run(
            hk(
                asks=(
                    REMOVAL,
                    AskFacts("restrict_content", measure="remove", territorial_scope=("WW",)),
                ),
                targets=(PROTEST_POST, account("@x", flags=("journalist",))),
                non_disclosure=True,
            )
        ),
        run(demand(instrument_id="nowhere.law", emergency=True)),
    ]
    for result in scenarios:
        encoded = json.dumps(result.to_dict())
        assert json.loads(encoded)["recommendation"] == result.recommendation
        assert all(isinstance(hash(f), int) for f in result.findings)
