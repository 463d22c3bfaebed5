"""Property tests: vetting is total, deterministic and monotone in restrictive policies."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from dueprocess.law.schema import ROLES
from dueprocess.vetting import (
    RANK,
    RECOMMENDATIONS,
    SEVERITIES,
    AskFacts,
    DemandFacts,
    PolicyFacts,
    TargetFacts,
    vet,
)
from dueprocess.vetting.recommend import held_for_authenticity
from tests.vetting.factories import LIB

ASK_KINDS = ["disclose", "preserve", "restrict_account", "restrict_content"]
CODES = ["HK", "US", "FR", "DE", "EU", "BR", "ZZ", "WW", "hk", ""]


def mixed(values: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(values), st.text(max_size=12))


asks = st.builds(
    AskFacts,
    kind=mixed(ASK_KINDS),
    data_categories=st.lists(mixed(["subscriber", "traffic", "content"]), max_size=4).map(tuple),
    date_from=st.none() | st.dates(date(1990, 1, 1), date(2035, 1, 1)),
    date_to=st.none() | st.dates(date(1990, 1, 1), date(2035, 1, 1)),
    days=st.none() | st.integers(-10, 10_000),
    measure=st.none() | mixed(["suspend", "terminate", "remove", "disable", "withhold"]),
    territorial_scope=st.lists(mixed(CODES), max_size=3).map(tuple),
)

targets = st.builds(
    TargetFacts,
    type=mixed(["account", "content"]),
    identifier=st.one_of(
        st.text(max_size=20), st.sampled_from(["https://example.social/p/1", "@someone", " "])
    ),
    exists=st.none() | st.booleans(),
    country=st.none() | mixed(CODES),
    data_location=st.none() | mixed(CODES),
    flags=st.lists(mixed(["journalist", "ngo", "verified", "politician"]), max_size=3).map(tuple),
)

CONDITIONS = [
    None,
    "ask == 'disclose'",
    "jurisdiction == 'HK' && 'content' in categories",
    "targets > 2 || emergency",
    "targets > 'x'",
    "jurisdiction ==",
    "jurisdiction",
    "unknown_var",
]

policies = st.builds(
    PolicyFacts,
    id=st.integers(1, 50),
    name=st.text(max_size=10),
    effect=mixed(["pause", "route_mlat", "four_eyes", "human_rights_review", "scope_limit"]),
    jurisdiction=st.none() | mixed(CODES),
    ask_kinds=st.lists(mixed(ASK_KINDS), max_size=2).map(tuple),
    instruments=st.lists(st.sampled_from(sorted(LIB.instruments)), max_size=2).map(tuple),
    valid_from=st.dates(date(1990, 1, 1), date(2035, 1, 1)),
    valid_to=st.none() | st.dates(date(1990, 1, 1), date(2035, 1, 1)),
    condition=st.sampled_from(CONDITIONS),
    params=st.sampled_from(
        [{}, {"max_days": 30}, {"categories": ["subscriber"]}, {"max_targets": 1}, {"max_days": -1}]
    ),
)

demands = st.builds(
    DemandFacts,
    reference=st.text(max_size=10),
    instrument_id=mixed(sorted(LIB.instruments)),
    jurisdiction=mixed(CODES),
    authority_kind=mixed(["police", "court", "prosecutor", "regulator", "agency"]),
    issuer_role=st.none() | mixed(sorted(ROLES)),
    received_at=st.datetimes(
        datetime(1990, 1, 1),
        datetime(2035, 1, 1),
        timezones=st.sampled_from([UTC, timezone(timedelta(hours=8))]),
    ),
    emergency=st.booleans(),
    emergency_justification=st.text(max_size=5),
    legal_basis=st.text(max_size=5),
    statement_of_reasons=st.text(max_size=5),
    redress=st.text(max_size=5),
    offences=st.lists(mixed(sorted(LIB.offences)), max_size=3).map(tuple),
    asks=st.lists(asks, max_size=3).map(tuple),
    targets=st.lists(targets, max_size=4).map(tuple),
    non_disclosure=st.booleans(),
    non_disclosure_until=st.none() | st.dates(date(1990, 1, 1), date(2040, 1, 1)),
    officials=st.lists(
        st.tuples(st.text(max_size=5), st.text(max_size=5), mixed(["approver", "signatory"])),
        max_size=2,
    ).map(tuple),
)

PAUSE_EVERYTHING = PolicyFacts(
    id=999, name="Pause everything", effect="pause", jurisdiction=None, valid_from=date(1900, 1, 1)
)
MLAT_EVERYTHING = dataclasses.replace(PAUSE_EVERYTHING, id=998, effect="route_mlat")


@settings(max_examples=200, deadline=None)
@given(demands, st.lists(policies, max_size=4))
def test_vet_is_total_and_well_formed(demand: DemandFacts, pols: list[PolicyFacts]) -> None:
    result = vet(demand, LIB, pols)
    assert result.recommendation in RECOMMENDATIONS
    assert "vetting.rule_error" not in result.codes, result.findings
    for finding in result.findings:
        assert finding.severity in SEVERITIES
        assert finding.code.count(".") == 1
        assert finding.ask_index is None or 0 <= finding.ask_index < len(demand.asks)
        json.dumps(finding.to_dict())
    assert result.explanation.startswith(result.recommendation)


@settings(max_examples=100, deadline=None)
@given(demands, st.lists(policies, max_size=3))
def test_adding_a_pause_never_relaxes_the_recommendation(
    demand: DemandFacts, pols: list[PolicyFacts]
) -> None:
    before = vet(demand, LIB, pols).recommendation
    after = vet(demand, LIB, [*pols, PAUSE_EVERYTHING]).recommendation
    assert RANK[after] >= RANK[before]
    if demand.asks:
        assert after in ("hold", "route_mlat")


@settings(max_examples=100, deadline=None)
@given(demands, st.lists(policies, max_size=3))
def test_mlat_policy_routes_every_data_demand(demand: DemandFacts, pols: list[PolicyFacts]) -> None:
    result = vet(demand, LIB, [*pols, MLAT_EVERYTHING])
    if held_for_authenticity(result.findings):  # verifying the sender comes first
        assert result.recommendation == "hold"
    elif any(a.kind == "disclose" for a in demand.asks):
        assert result.recommendation == "route_mlat"
    assert RANK[result.recommendation] >= RANK[vet(demand, LIB, pols).recommendation]


@settings(max_examples=100, deadline=None)
@given(demands, st.lists(policies, max_size=4))
def test_policy_order_does_not_matter_and_vetting_is_deterministic(
    demand: DemandFacts, pols: list[PolicyFacts]
) -> None:
    unique = list({p.id: p for p in pols}.values())
    forward = vet(demand, LIB, unique)
    backward = vet(demand, LIB, list(reversed(unique)))
    assert forward == backward
    assert forward == vet(demand, LIB, unique)


@settings(max_examples=50, deadline=None)
@given(demands)
def test_policies_not_in_force_have_no_effect(demand: DemandFacts) -> None:
    received = demand.received_at.date()
    future = dataclasses.replace(PAUSE_EVERYTHING, valid_from=received + timedelta(days=1))
    past = dataclasses.replace(
        PAUSE_EVERYTHING, id=997, valid_from=date(1900, 1, 1), valid_to=received
    )
    assert vet(demand, LIB, [future, past]) == vet(demand, LIB)
