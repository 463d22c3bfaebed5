"""Jurisdiction codes: what they cover and which clock their law runs on."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dueprocess.law.regions import EU_MEMBER_STATES, covered, foreign_law, home_of, zone_of


def test_single_zone_jurisdictions_have_their_legal_time() -> None:
    moment = datetime(2020, 7, 6, 17, tzinfo=UTC)
    hk = zone_of("hk")
    assert hk is not None and moment.astimezone(hk).day == 7
    paris = zone_of("FR")
    assert paris is not None and moment.astimezone(paris).hour == 19  # summer time
    assert zone_of("EU") is not None


def test_several_zones_or_unknown_have_none() -> None:
    assert zone_of("US") is None
    assert zone_of("BR") is None
    assert zone_of("ZZ") is None


def test_every_member_state_has_a_zone() -> None:
    assert all(zone_of(code) is not None for code in EU_MEMBER_STATES)


def test_eu_covers_member_states_and_home_follows_the_instrument() -> None:
    assert "DE" in covered("EU") and "EU" in covered("eu")
    assert home_of("DE", "EU") == covered("EU")
    assert home_of("DE", "ZZ") == frozenset({"DE"})


@pytest.mark.parametrize("law, requester, foreign", [
    ("ZZ", "HK", False), ("EU", "DE", False), ("EU", "EU", False), ("EU", "US", True),
    ("US", "US-TX", False), ("US-TX", "US", False), ("US-CA", "US-TX", True),
    ("US-TX", "US-TX", False), ("HK", "US", True), ("de", "DE", False)])
def test_foreign_law_is_another_legal_systems(law: str, requester: str,
                                              foreign: bool) -> None:
    assert foreign_law(law, requester) is foreign
