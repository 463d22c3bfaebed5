"""Rules in the ``jurisdiction.*`` area and the least-restrictive proposal."""

from __future__ import annotations

from typing import Any

from dueprocess.vetting import AskFacts, TargetFacts
from tests.vetting.factories import account, at, codes, demand, hk, post, run


def only(result: Any, code: str) -> Any:
    found = result.by_code(code)
    assert len(found) == 1, result.findings
    return found[0]


# jurisdiction.foreign_target


def test_target_residing_abroad() -> None:
    targets = (account("@a", country="CA", data_location="US"), account("@b"))
    result = run(demand(targets=targets))
    finding = only(result, "jurisdiction.foreign_target")
    assert finding.evidence["count"] == 1
    assert finding.evidence["countries"] == {"CA": 1}
    assert finding.evidence["data_locations"] == {}
    assert finding.evidence["examples"] == ["@a"]
    assert result.recommendation == "escalate"


def test_data_stored_abroad() -> None:
    finding = only(
        run(demand(targets=(account(data_location="ie"),))), "jurisdiction.foreign_target"
    )
    assert finding.evidence["data_locations"] == {"IE": 1}
    assert finding.evidence["home"] == "US"


def test_domestic_or_unknown_targets() -> None:
    assert "jurisdiction.foreign_target" not in codes(run(demand()))
    unknown = TargetFacts("account", "@nobody")
    assert "jurisdiction.foreign_target" not in codes(run(demand(targets=(unknown,))))


def test_eu_instrument_treats_the_union_as_home() -> None:
    epoc = demand(
        instrument_id="eu.evidence.epoc",
        jurisdiction="FR",
        received_at=at(2026, 9, 1),
        offences=("fr.x",),
        targets=(account(country="DE", data_location="IE"),),
    )
    assert "jurisdiction.foreign_target" not in codes(run(epoc))
    outside = demand(
        instrument_id="eu.evidence.epoc",
        jurisdiction="FR",
        received_at=at(2026, 9, 1),
        offences=("fr.x",),
        targets=(account(country="CH", data_location="US"),),
    )
    finding = only(run(outside), "jurisdiction.foreign_target")
    assert finding.evidence["home"] == "the EU"


def test_national_instrument_from_a_member_state_is_national() -> None:
    d = demand(
        instrument_id="generic.court_order",
        jurisdiction="FR",
        offences=(),
        targets=(account(country="DE", data_location="FR"),),
    )
    assert only(run(d), "jurisdiction.foreign_target").evidence["countries"] == {"DE": 1}


# jurisdiction.extraterritorial_scope / scope.less_restrictive_available


def _removal(measure: str, *scope: str) -> Any:
    return hk(
        asks=(AskFacts("restrict_content", measure=measure, territorial_scope=scope),),
        targets=(post(country="HK"),),
    )


def test_worldwide_removal_from_hong_kong() -> None:
    result = run(_removal("remove", "WW"))
    finding = only(result, "jurisdiction.extraterritorial_scope")
    assert finding.evidence["outside"] == ["WW"]
    proposal = only(result, "scope.less_restrictive_available")
    assert proposal.severity == "info"
    assert proposal.evidence["proposal"] == {"measure": "withhold", "territorial_scope": ["HK"]}


def test_withholding_locally_is_already_least_restrictive() -> None:
    result = run(_removal("withhold", "HK"))
    assert "jurisdiction.extraterritorial_scope" not in codes(result)
    assert "scope.less_restrictive_available" not in codes(result)


def test_eu_order_may_cover_member_states() -> None:
    d = demand(
        instrument_id="eu.dsa.art9",
        jurisdiction="DE",
        issuer_role="regulator",
        received_at=at(2024, 6, 1),
        offences=(),
        statement_of_reasons="x",
        redress="y",
        asks=(AskFacts("restrict_content", measure="withhold", territorial_scope=("DE", "AT")),),
        targets=(post(country="DE"),),
    )
    result = run(d)
    assert "jurisdiction.extraterritorial_scope" not in codes(result)
    assert result.recommendation == "comply"


def test_no_proposal_where_the_instrument_cannot_withhold() -> None:
    d = demand(
        instrument_id="generic.police_request",
        jurisdiction="BR",
        issuer_role="police",
        offences=(),
        asks=(AskFacts("restrict_content", measure="remove"),),
        targets=(post(country="BR"),),
    )
    assert "scope.less_restrictive_available" in codes(run(d))
    sch7 = hk(
        instrument_id="hk.nsl43.sch7",
        issuer_role="judge",
        asks=(AskFacts("restrict_content", measure="remove"),),
    )
    assert "scope.less_restrictive_available" not in codes(run(sch7))


# least restrictive first


def test_a_removal_without_territorial_limit_is_answered_by_withholding_at_home() -> None:
    d = demand(
        instrument_id="generic.court_order",
        jurisdiction="BR",
        issuer_role="judge",
        offences=(),
        asks=(AskFacts("restrict_content", measure="remove"),),
        targets=(post(country="BR"),),
    )
    result = run(d)
    finding = only(result, "scope.less_restrictive_available")
    assert finding.evidence["global"] is True
    assert finding.evidence["proposal"] == {"measure": "withhold", "territorial_scope": ["BR"]}
    assert result.recommendation == "comply_partially"
    assert result.explanation.startswith("comply_partially because of "
                                         "scope.less_restrictive_available")
    assert "withholding the content in BR only" in result.explanation


def test_a_removal_limited_to_home_needs_no_narrower_answer() -> None:
    d = demand(
        instrument_id="generic.court_order",
        jurisdiction="BR",
        issuer_role="judge",
        offences=(),
        asks=(AskFacts("restrict_content", measure="remove", territorial_scope=("BR",)),),
        targets=(post(country="BR"),),
    )
    result = run(d)
    assert only(result, "scope.less_restrictive_available").evidence["global"] is False
    assert result.recommendation == "comply"


def test_an_account_restriction_without_limit_is_answered_by_withholding_the_account() -> None:
    d = demand(
        instrument_id="generic.court_order",
        jurisdiction="BR",
        issuer_role="judge",
        offences=(),
        asks=(AskFacts("restrict_account", measure="suspend"),),
        targets=(account("@perfil", country="BR", data_location="BR"),),
    )
    result = run(d)
    finding = only(result, "scope.less_restrictive_available")
    assert finding.evidence["proposal"] == {"measure": "withhold", "territorial_scope": ["BR"]}
    assert result.recommendation == "comply_partially"
    assert "withholding the account in BR only" in result.explanation
    limited = run(demand(
        instrument_id="generic.court_order", jurisdiction="BR", issuer_role="judge",
        offences=(), targets=(account("@perfil", country="BR", data_location="BR"),),
        asks=(AskFacts("restrict_account", measure="suspend", territorial_scope=("BR",)),)))
    assert "scope.less_restrictive_available" not in codes(limited)


def test_the_proposal_is_explained_even_when_the_demand_is_escalated() -> None:
    result = run(_removal("remove"))
    assert result.recommendation == "escalate"
    assert "Least restrictive: Ask 0 (remove the content) names no territorial limit: " \
           "withholding the content in HK only" in result.explanation


def test_an_account_restriction_asked_beyond_the_issuing_state_is_extraterritorial() -> None:
    # Law 5651-style order from Turkey asking the account be withheld in Germany as well.
    result = run(demand(
        instrument_id="generic.court_order", jurisdiction="TR", issuer_role="judge",
        offences=(), targets=(account("@gazeteci", country="DE", data_location="IE"),),
        asks=(AskFacts("restrict_account", measure="withhold", territorial_scope=("TR", "DE")),)))
    finding = only(result, "jurisdiction.extraterritorial_scope")
    assert finding.evidence["outside"] == ["DE"]
    assert result.recommendation != "comply"
    at_home = run(demand(
        instrument_id="generic.court_order", jurisdiction="TR", issuer_role="judge",
        offences=(), targets=(account("@gazeteci", country="TR", data_location="IE"),),
        asks=(AskFacts("restrict_account", measure="withhold", territorial_scope=("TR",)),)))
    assert "jurisdiction.extraterritorial_scope" not in codes(at_home)
    assert "scope.less_restrictive_available" not in codes(at_home)
