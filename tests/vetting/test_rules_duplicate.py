"""``legal.duplicate_demand``: an order sent twice is flagged, never carried out twice."""

from __future__ import annotations

from tests.vetting.factories import codes, demand, run


def test_a_demand_with_an_earlier_twin_is_blocked_and_names_it() -> None:
    result = run(demand(duplicate_of=41))
    found = result.by_code("legal.duplicate_demand")
    assert len(found) == 1 and found[0].severity == "block"
    assert found[0].evidence["duplicate_of"] == 41
    assert result.recommendation != "comply"


def test_a_first_demand_is_not_a_duplicate() -> None:
    assert "legal.duplicate_demand" not in codes(run(demand()))
