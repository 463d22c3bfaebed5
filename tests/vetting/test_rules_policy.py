"""Dated platform policies: which apply, and what they produce."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from dueprocess.vetting import AskFacts, PolicyFacts, freeze_params
from tests.vetting.factories import (
    MLAT_HK,
    PAUSE_HK,
    account,
    at,
    codes,
    demand,
    hk,
    policy,
    post,
    run,
)

REMOVAL = AskFacts("restrict_content", measure="withhold", territorial_scope=("HK",))


def only(result: Any, code: str) -> Any:
    found = result.by_code(code)
    assert len(found) == 1, result.findings
    return found[0]


# policy.jurisdiction_paused


def test_pause_holds_a_disclosure_in_force_at_receipt() -> None:
    result = run(hk(), PAUSE_HK)
    finding = only(result, "policy.jurisdiction_paused")
    assert finding.severity == "block"
    assert finding.ask_index == 0
    assert finding.evidence["policies"][0]["id"] == 1
    assert finding.evidence["policies"][0]["valid_from"] == "2020-07-06"
    assert result.recommendation == "hold"


def test_pause_starts_on_valid_from() -> None:
    assert "policy.jurisdiction_paused" in codes(run(hk(received_at=at(2020, 7, 6, 0)), PAUSE_HK))
    before = run(hk(received_at=at(2020, 7, 5, 23)), PAUSE_HK)
    assert "policy.jurisdiction_paused" not in codes(before)


def test_pause_ends_before_valid_to() -> None:
    lifted = policy(valid_to=date(2020, 8, 1))
    assert "policy.jurisdiction_paused" in codes(run(hk(received_at=at(2020, 7, 31)), lifted))
    assert "policy.jurisdiction_paused" not in codes(run(hk(received_at=at(2020, 8, 1)), lifted))


def test_pause_does_not_hold_other_jurisdictions_or_ask_kinds() -> None:
    assert "policy.jurisdiction_paused" not in codes(run(demand(), PAUSE_HK))
    removal = hk(asks=(REMOVAL,), targets=(post(country="HK"),))
    assert "policy.jurisdiction_paused" not in codes(run(removal, PAUSE_HK))


def test_pause_for_all_kinds_and_any_jurisdiction() -> None:
    everything = policy(jurisdiction=None, ask_kinds=())
    assert "policy.jurisdiction_paused" in codes(run(demand(), everything))


def test_pause_limited_to_instruments() -> None:
    sch7_only = policy(instruments=("hk.nsl43.sch7",))
    assert "policy.jurisdiction_paused" not in codes(run(hk(), sch7_only))
    assert "policy.jurisdiction_paused" in codes(
        run(hk(instrument_id="hk.nsl43.sch7", issuer_role="court"), sch7_only)
    )


def test_eu_policy_covers_member_states() -> None:
    eu = policy(jurisdiction="EU", ask_kinds=())
    french = demand(
        instrument_id="generic.court_order",
        jurisdiction="FR",
        offences=(),
        targets=(account(country="FR", data_location="FR"),),
    )
    assert "policy.jurisdiction_paused" in codes(run(french, eu))
    assert "policy.jurisdiction_paused" not in codes(run(demand(), eu))


# policy.route_mlat


def test_mlat_routes_disclosure_and_supersedes_the_pause() -> None:
    result = run(hk(received_at=at(2020, 9, 15)), PAUSE_HK, MLAT_HK)
    finding = only(result, "policy.route_mlat")
    assert finding.severity == "block"
    assert [p["id"] for p in finding.evidence["superseded_pause"]] == [1]
    assert "policy.jurisdiction_paused" not in codes(result)
    assert result.recommendation == "route_mlat"


def test_mlat_never_applies_to_restrictions_or_preservation() -> None:
    everything = policy(effect="route_mlat", ask_kinds=())
    d = hk(
        received_at=at(2020, 9, 15),
        asks=(REMOVAL, AskFacts("preserve", days=90)),
        targets=(post(country="HK"),),
    )
    assert "policy.route_mlat" not in codes(run(d, everything))


def test_pause_still_holds_asks_mlat_does_not_cover() -> None:
    pause_all = policy(ask_kinds=())
    d = hk(
        received_at=at(2020, 9, 15),
        asks=(AskFacts("disclose", ("subscriber",)), REMOVAL),
        targets=(account("@a", country="HK"), post(country="HK")),
    )
    result = run(d, pause_all, MLAT_HK)
    assert only(result, "policy.route_mlat").ask_index == 0
    assert only(result, "policy.jurisdiction_paused").ask_index == 1
    assert result.recommendation == "route_mlat"


def test_mlat_before_its_start_date() -> None:
    result = run(hk(received_at=at(2020, 8, 12)), PAUSE_HK, MLAT_HK)
    assert "policy.route_mlat" not in codes(result)
    assert result.recommendation == "hold"


# policy.human_rights_review / policy.four_eyes


def test_human_rights_review_escalates() -> None:
    review = policy(effect="human_rights_review", jurisdiction="US", ask_kinds=())
    result = run(demand(), review)
    assert only(result, "policy.human_rights_review").severity == "warning"
    assert result.recommendation == "escalate"


def test_four_eyes_is_informational() -> None:
    four_eyes = policy(effect="four_eyes", jurisdiction=None, ask_kinds=())
    result = run(demand(), four_eyes)
    assert only(result, "policy.four_eyes").severity == "info"
    assert result.recommendation == "comply"


# conditions


def test_condition_true_applies_the_policy() -> None:
    conditional = policy(jurisdiction=None, ask_kinds=(), condition="'content' in categories")
    assert "policy.jurisdiction_paused" in codes(run(demand(), conditional))


def test_condition_false_skips_the_policy() -> None:
    conditional = policy(jurisdiction=None, ask_kinds=(), condition="emergency && targets > 10")
    assert "policy.jurisdiction_paused" not in codes(run(demand(), conditional))


def test_condition_is_evaluated_per_ask() -> None:
    conditional = policy(jurisdiction=None, ask_kinds=(), condition="ask == 'preserve'")
    d = demand(asks=(AskFacts("disclose", ("content",)), AskFacts("preserve", days=90)))
    result = run(d, conditional)
    assert [f.ask_index for f in result.by_code("policy.jurisdiction_paused")] == [1]


def test_condition_error_is_a_warning_not_a_crash() -> None:
    broken = policy(jurisdiction=None, ask_kinds=(), condition="targets > 'many'")
    result = run(demand(), broken)
    finding = only(result, "policy.condition_error")
    assert finding.severity == "warning"
    assert finding.evidence["policy"]["id"] == 1
    assert finding.evidence["asks"] == [0]
    assert "policy.jurisdiction_paused" not in codes(result)
    assert result.recommendation == "escalate"


@pytest.mark.parametrize("condition", ["jurisdiction ==", "nonexistent == 1", "'a'"])
def test_any_bad_condition_is_reported(condition: str) -> None:
    bad = policy(jurisdiction=None, ask_kinds=(), condition=condition)
    assert "policy.condition_error" in codes(run(demand(), bad))


def test_blank_condition_means_no_condition() -> None:
    blank = policy(jurisdiction=None, ask_kinds=(), condition="  ")
    assert "policy.jurisdiction_paused" in codes(run(demand(), blank))


# policy.invalid


def test_unknown_effect_is_reported_once() -> None:
    odd = policy(effect="quarantine", jurisdiction=None, ask_kinds=())
    d = demand(asks=(AskFacts("disclose", ("content",)), AskFacts("preserve", days=30)))
    result = run(d, odd)
    assert only(result, "policy.invalid").evidence["asks"] == [0, 1]
    assert result.recommendation == "escalate"


def test_policy_params_accept_a_mapping_and_stay_hashable() -> None:
    p = PolicyFacts(
        id=7,
        name="Limit",
        effect="scope_limit",
        jurisdiction=None,
        valid_from=date(2020, 1, 1),
        params={"categories": ["subscriber"], "max_days": 30},
    )
    assert p.params == (("categories", ("subscriber",)), ("max_days", 30))
    assert p.param("max_days") == 30
    assert p.param("missing", "default") == "default"
    assert hash(p) == hash(PolicyFacts(**{**p.__dict__}))
    assert freeze_params({"b": {"x": [1]}, "a": 1}) == (("a", 1), ("b", (("x", (1,)),)))
