"""``scope.overbroad`` from scope-limit policies, and ``deadline.statutory``."""

from __future__ import annotations

from datetime import date
from typing import Any

from dueprocess.vetting import AskFacts
from tests.vetting.factories import account, at, codes, demand, disclose, policy, run


def only(result: Any, code: str) -> Any:
    found = result.by_code(code)
    assert len(found) == 1, result.findings
    return found[0]


def limit(**params: Any) -> Any:
    return policy(
        id=9,
        name="Scope limits",
        effect="scope_limit",
        jurisdiction=None,
        ask_kinds=(),
        valid_from=date(2020, 1, 1),
        params=params,
    )


# scope.overbroad


def test_date_range_beyond_limit_gets_the_most_recent_days() -> None:
    d = demand(asks=(disclose("content", date_from=date(2023, 1, 1), date_to=date(2023, 12, 31)),))
    result = run(d, limit(max_days=90))
    finding = only(result, "scope.overbroad")
    assert finding.severity == "warning"
    assert finding.evidence["excess"] == {"days": 365}
    assert finding.evidence["proposal"] == {"date_from": "2023-10-03", "date_to": "2023-12-31"}
    assert result.recommendation == "comply_partially"


def test_open_date_range_is_overbroad() -> None:
    d = demand(asks=(AskFacts("disclose", ("subscriber",)),))
    finding = only(run(d, limit(max_days=30)), "scope.overbroad")
    assert finding.evidence["excess"] == {"days": None}
    assert finding.evidence["proposal"] == {"date_from": "2024-02-01", "date_to": "2024-03-01"}
    assert "no date range" in finding.message


def test_categories_beyond_limit() -> None:
    d = demand(asks=(disclose("subscriber", "content"),))
    finding = only(run(d, limit(categories=["subscriber"])), "scope.overbroad")
    assert finding.evidence["excess"] == {"categories": ["content"]}
    assert finding.evidence["proposal"] == {"data_categories": ["subscriber"]}


def test_no_allowed_category_left_proposes_dropping_the_ask() -> None:
    finding = only(run(demand(), limit(categories=["subscriber"])), "scope.overbroad")
    assert finding.evidence["proposal"] == {"drop_ask": True}


def test_too_many_targets() -> None:
    d = demand(targets=tuple(account(f"@u{i}") for i in range(5)))
    finding = only(run(d, limit(max_targets=3)), "scope.overbroad")
    assert finding.ask_index is None
    assert finding.evidence["proposal"] == {"max_targets": 3, "targets": ["@u0", "@u1", "@u2"]}


def test_several_policies_give_the_narrowest_proposal() -> None:
    d = demand(asks=(disclose("subscriber", "traffic", "content"),))
    result = run(
        d,
        limit(max_days=20, categories=["subscriber", "traffic"]),
        policy(
            id=10,
            name="Narrower",
            effect="scope_limit",
            jurisdiction="US",
            ask_kinds=(),
            valid_from=date(2020, 1, 1),
            params={"max_days": 10, "categories": ["subscriber"]},
        ),
    )
    finding = only(result, "scope.overbroad")
    assert finding.evidence["proposal"] == {
        "data_categories": ["subscriber"],
        "date_from": "2024-01-22",
        "date_to": "2024-01-31",
    }
    assert [p["id"] for p in finding.evidence["policies"]] == [9, 10]


def test_within_limits() -> None:
    result = run(demand(), limit(max_days=31, max_targets=1, categories=["content"]))
    assert "scope.overbroad" not in codes(result)
    assert result.recommendation == "comply"


def test_limits_only_concern_disclosure_asks() -> None:
    d = demand(
        instrument_id="us.ecpa.preservation",
        issuer_role="police",
        asks=(AskFacts("preserve", days=90),),
    )
    assert "scope.overbroad" not in codes(run(d, limit(max_days=1)))


def test_malformed_limits_are_reported_not_guessed() -> None:
    for params in ({"max_days": "ninety"}, {"max_targets": 0}, {"categories": "subscriber"}):
        result = run(demand(), limit(**params))
        assert "policy.invalid" in codes(result)
        assert "scope.overbroad" not in codes(result)


# deadline.statutory


def test_epoc_response_deadline() -> None:
    d = demand(
        instrument_id="eu.evidence.epoc",
        jurisdiction="FR",
        received_at=at(2026, 9, 1, 9),
        offences=("fr.x",),
        targets=(account(country="FR", data_location="FR"),),
    )
    finding = only(run(d), "deadline.statutory")
    assert finding.severity == "info"
    # Reg. 1182/71 in Paris time: the day of receipt is not counted; ends with day 10.
    assert finding.evidence["due"] == "2026-09-11T23:59:59+02:00"
    assert finding.evidence["due_utc"] == "2026-09-11T21:59:59+00:00"
    assert finding.evidence["time_zone"] == "Europe/Paris"
    emergency = only(
        run(type(d)(**{**d.__dict__, "emergency": True, "emergency_justification": "bomb threat"})),
        "deadline.statutory",
    )
    # Received 11:00 Paris time; that hour is not counted: 12:00 + 8 hours.
    assert emergency.evidence["due"] == "2026-09-01T19:59:59+02:00"
    assert "8 hours" in emergency.message


def test_preservation_expiry_per_ask() -> None:
    d = demand(
        instrument_id="us.ecpa.preservation",
        issuer_role="police",
        received_at=at(2024, 1, 1),
        asks=(AskFacts("preserve", days=180),),
    )
    result = run(d)
    finding = only(result, "deadline.statutory")
    assert finding.ask_index == 0
    assert finding.evidence["preserve_until"] == "2024-03-31"
    assert finding.evidence["requested_days"] == 180
    assert "beyond the statutory 90" in finding.message
    assert result.recommendation == "comply"


def test_no_statutory_deadline_no_finding() -> None:
    assert "deadline.statutory" not in codes(run(demand()))
