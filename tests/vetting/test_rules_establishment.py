"""DSA Art. 9(2)(b) and Recital 36: another Member State's order stays in that State."""

from __future__ import annotations

from typing import Any

import pytest

from dueprocess.vetting import AskFacts, DemandFacts, EstablishmentFacts
from tests.vetting.factories import at, codes, demand, only, post, run

IRELAND = EstablishmentFacts(main="IE")


def dsa_order(state: str, *scope: str, measure: str = "withhold", **kw: Any) -> DemandFacts:
    values: dict[str, Any] = {
        "instrument_id": "eu.dsa.art9", "jurisdiction": state, "issuer_role": "regulator",
        "received_at": at(2025, 6, 2), "offences": (), "statement_of_reasons": "Hate speech",
        "redress": "Administrative court", "legal_basis": "Art. 9 DSA",
        "asks": (AskFacts("restrict_content", measure=measure, territorial_scope=scope),),
        "targets": (post(country=state),), "establishment": IRELAND,
    }
    return demand(**{**values, **kw})


@pytest.mark.parametrize("scope", [("EU",), ("DE", "AT"), ("DE", "FR", "IT")])
def test_an_order_of_another_member_state_is_limited_to_it(scope: tuple[str, ...]) -> None:
    result = run(dsa_order("DE", *scope))
    finding = only(result, "scope.beyond_issuing_state")
    assert finding.severity == "warning"
    assert finding.evidence["proposal"] == {"measure": "withhold", "territorial_scope": ["DE"]}
    assert finding.evidence["establishment"] == "IE"
    assert "Art. 9(2)(b)" in finding.message
    assert finding.evidence["sources"]
    assert result.recommendation == "comply_partially"


def test_an_order_without_territory_is_beyond_the_issuing_state_too() -> None:
    result = run(dsa_order("FR", measure="remove"))
    assert only(result, "scope.beyond_issuing_state").evidence["beyond"] == ["WW"]


def test_an_order_limited_to_the_issuing_state_passes() -> None:
    result = run(dsa_order("DE", "DE"))
    assert "scope.beyond_issuing_state" not in codes(result)
    assert result.recommendation == "comply"


def test_the_state_of_establishment_may_reach_the_union() -> None:
    result = run(dsa_order("IE", "EU"))
    assert "scope.beyond_issuing_state" not in codes(result)
    assert result.recommendation == "comply"


def test_worldwide_from_the_state_of_establishment_is_still_extraterritorial() -> None:
    result = run(dsa_order("IE", "WW"))
    assert "scope.beyond_issuing_state" not in codes(result)
    assert "jurisdiction.extraterritorial_scope" in codes(result)
    assert result.recommendation == "escalate"


def test_worldwide_from_another_state_gets_both_warnings() -> None:
    result = run(dsa_order("DE", "WW"))
    assert {"scope.beyond_issuing_state", "jurisdiction.extraterritorial_scope"} <= codes(result)
    assert result.recommendation == "escalate"
    assert "withholding the content in DE only" in result.explanation


def test_a_legal_representative_stands_in_for_the_establishment() -> None:
    represented = EstablishmentFacts(legal_representative="NL")
    assert "scope.beyond_issuing_state" not in codes(
        run(dsa_order("NL", "EU", establishment=represented)))
    assert "scope.beyond_issuing_state" in codes(
        run(dsa_order("DE", "EU", establishment=represented)))


def test_other_establishments_widen_no_order() -> None:
    group = EstablishmentFacts(main="IE", others=("DE",))
    assert "scope.beyond_issuing_state" in codes(run(dsa_order("DE", "EU", establishment=group)))


def test_a_tco_removal_order_reaches_the_union_by_law() -> None:
    d = dsa_order("FR", measure="remove", instrument_id="eu.tco.art3",
                  legal_basis="Regulation (EU) 2021/784", issuer_role="police")
    result = run(d)
    assert "scope.beyond_issuing_state" not in codes(result)
    scrutiny = only(result, "jurisdiction.cross_border_scrutiny")
    assert scrutiny.severity == "info"
    assert "Art. 4(4)" in scrutiny.message
    assert result.recommendation == "comply"


def test_nothing_without_a_configured_establishment() -> None:
    result = run(dsa_order("DE", "EU", establishment=None))
    assert "scope.beyond_issuing_state" not in codes(result)


def test_an_authority_outside_the_union_is_left_to_the_other_rules() -> None:
    d = dsa_order("US", "WW", instrument_id="generic.court_order", issuer_role="court")
    assert "scope.beyond_issuing_state" not in codes(run(d))


def test_greece_is_one_state_under_both_codes() -> None:
    greek = EstablishmentFacts(main="EL")
    assert "scope.beyond_issuing_state" not in codes(
        run(dsa_order("GR", "EU", establishment=greek)))
