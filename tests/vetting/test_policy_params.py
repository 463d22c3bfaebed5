"""Policy params (scope limits per instrument, risk-flag filters) and the policy index."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dueprocess.law.regions import covered
from dueprocess.vetting import AskFacts, PolicyFacts, validate_condition, vet
from dueprocess.vetting.context import PolicySet
from dueprocess.vetting.policy_params import validate_params
from tests.vetting.factories import (
    LIB,
    account,
    codes,
    demand,
    disclose,
    hk,
    only,
    policy,
    run,
)


@pytest.mark.parametrize(
    ("effect", "params"),
    [
        ("pause", {}),
        ("pause", {"flags": ["political_expression"]}),
        ("human_rights_review", {"flags": ["political_expression", "vague_offence"]}),
        ("scope_limit", {"max_days": 90}),
        ("scope_limit", {"max_targets": 10, "categories": ["subscriber"]}),
        ("scope_limit", {"categories": {"us.ecpa.warrant": ["subscriber", "traffic"]}}),
        ("scope_limit", {"categories": []}),
    ],
)
def test_valid_params(effect: str, params: dict[str, object]) -> None:
    assert validate_params(effect, params, lambda i: LIB.get(i) is not None) is None


@pytest.mark.parametrize(
    ("effect", "params", "message"),
    [
        ("quarantine", {}, "unknown effect"),
        ("pause", {"max_days": 3}, "unknown parameter 'max_days' for pause"),
        ("pause", [], "JSON object"),
        ("human_rights_review", {"flags": "political_expression"}, "flags"),
        ("human_rights_review", {"flags": []}, "flags"),
        ("human_rights_review", {"flags": ["heresy"]}, "unknown risk flag 'heresy'"),
        ("scope_limit", {}, "at least one of"),
        ("scope_limit", {"max_days": "ninety"}, "max_days must be a positive integer"),
        ("scope_limit", {"max_days": True}, "max_days"),
        ("scope_limit", {"max_targets": 0}, "max_targets"),
        ("scope_limit", {"categories": "subscriber"}, "categories"),
        ("scope_limit", {"categories": ["dna"]}, "unknown data category 'dna'"),
        ("scope_limit", {"categories": {"us.ecpa.warrant": "content"}}, "categories.us.ecpa"),
        ("scope_limit", {"categories": {"us.ecpa.warrant": ["dna"]}}, "dna"),
        ("scope_limit", {"categories": {"us.ecpa.wiretap": ["content"]}},
         "unknown instrument 'us.ecpa.wiretap'"),
    ],
)
def test_invalid_params_say_why(effect: str, params: object, message: str) -> None:
    error = validate_params(effect, params, lambda i: LIB.get(i) is not None)
    assert error is not None and message in error


def test_category_limit_per_instrument() -> None:
    limit = policy(effect="scope_limit", jurisdiction="US", ask_kinds=(),
                   params={"categories": {"us.ecpa.warrant": ["subscriber"],
                                          "us.ecpa.2703d": ["subscriber", "traffic"]}})
    warrant = run(demand(asks=(disclose("subscriber", "content"),)), limit)
    finding = only(warrant, "scope.overbroad")
    assert finding.evidence["excess"] == {"categories": ["content"]}
    assert finding.evidence["proposal"] == {"data_categories": ["subscriber"]}
    assert "Proposal: only subscriber" in finding.message
    order = run(demand(instrument_id="us.ecpa.2703d", asks=(disclose("traffic"),)), limit)
    assert "scope.overbroad" not in codes(order)
    subpoena = run(demand(instrument_id="us.ecpa.subpoena", issuer_role="prosecutor",
                          asks=(disclose("subscriber"),)), limit)
    assert "scope.overbroad" not in codes(subpoena)


def test_proposal_narrows_range_categories_and_targets_together() -> None:
    limits = (
        policy(id=1, effect="scope_limit", jurisdiction=None, ask_kinds=(),
               params={"max_days": 31, "categories": ["subscriber", "traffic"]}),
        policy(id=2, effect="scope_limit", jurisdiction="US", ask_kinds=(),
               params={"max_targets": 1}),
    )
    d = demand(asks=(disclose("traffic", "content", date_from=date(2023, 1, 1),
                              date_to=date(2023, 12, 31)),),
               targets=(account("@alice"), account("@bob")))
    result = run(d, *limits)
    per_ask, per_demand = result.by_code("scope.overbroad")
    assert per_ask.evidence["proposal"] == {
        "data_categories": ["traffic"], "date_from": "2023-12-01", "date_to": "2023-12-31"}
    assert per_demand.evidence["proposal"] == {"max_targets": 1, "targets": ["@alice"]}
    assert result.recommendation == "comply_partially"


def test_human_rights_review_only_for_flagged_instruments() -> None:
    review = policy(effect="human_rights_review", jurisdiction=None, ask_kinds=(),
                    params={"flags": ["political_expression"]})
    flagged = run(hk(), review)
    finding = only(flagged, "policy.human_rights_review")
    assert "political_expression" in finding.evidence["flags"]
    assert "policy.human_rights_review" not in codes(run(demand(), review))
    # A flagged offence under an ordinary instrument is enough.
    speech = demand(instrument_id="generic.court_order", jurisdiction="HK",
                    offences=("hk.crimes.sedition",))
    assert "policy.human_rights_review" in codes(run(speech, review))


def test_flags_filter_any_effect() -> None:
    pause = policy(jurisdiction=None, ask_kinds=(), params={"flags": ["no_judicial_oversight"]})
    nsl = demand(instrument_id="us.nsl", issuer_role="police_senior",
                 asks=(disclose("subscriber"),))
    assert run(nsl, pause).recommendation == "hold"
    assert run(demand(), pause).recommendation == "comply"


def test_cel_sees_flags_and_issuer_role() -> None:
    condition = "'political_expression' in flags && issuer_role != 'judge'"
    assert validate_condition(condition) is None
    conditional = policy(jurisdiction=None, ask_kinds=(), condition=condition)
    assert run(hk(asks=(AskFacts("disclose", ("subscriber",)),)), conditional).recommendation \
        == "hold"
    assert "policy.jurisdiction_paused" not in codes(
        run(hk(issuer_role="judge", asks=(AskFacts("disclose", ("subscriber",)),)),
            conditional))


def test_invalid_policy_is_reported_only_where_it_would_have_applied() -> None:
    broken = policy(effect="scope_limit", jurisdiction="US", ask_kinds=("disclose",),
                    params={"max_days": -1})
    finding = only(run(demand(), broken), "policy.invalid")
    assert finding.evidence["asks"] == [0]
    assert "max_days" in finding.evidence["error"]
    assert "policy.invalid" not in codes(run(hk(), broken))
    preserve_only = demand(instrument_id="us.ecpa.preservation", issuer_role="police",
                           asks=(AskFacts("preserve", days=90),))
    assert "policy.invalid" not in codes(run(preserve_only, broken))


# PolicySet: the index gives exactly what a scan would


JURISDICTIONS = [None, "HK", "US", "DE", "FR", "EU", "GR", "EL", "BR"]
policies_strategy = st.lists(
    st.builds(
        PolicyFacts,
        id=st.integers(1, 10_000),
        name=st.just("p"),
        effect=st.sampled_from(["pause", "route_mlat", "four_eyes"]),
        jurisdiction=st.sampled_from(JURISDICTIONS),
        valid_from=st.dates(date(2019, 1, 1), date(2022, 1, 1)),
        valid_to=st.none() | st.dates(date(2019, 1, 1), date(2023, 1, 1)),
    ),
    max_size=40,
    unique_by=lambda p: p.id,
)


@given(policies_strategy, st.sampled_from(JURISDICTIONS[1:]),
       st.dates(date(2018, 6, 1), date(2023, 6, 1)))
def test_policy_index_matches_a_full_scan(policies: list[PolicyFacts], jurisdiction: str,
                                          on: date) -> None:
    index = PolicySet(policies)
    scan = sorted(
        (p for p in policies if p.in_force(on)
         and (p.jurisdiction is None or jurisdiction in covered(p.jurisdiction))),
        key=lambda p: p.id,
    )
    assert list(index.in_force(jurisdiction, on)) == scan
    assert list(index.in_force(jurisdiction.lower(), on)) == scan  # cached, and normalised


def test_policy_set_is_reusable_across_demands() -> None:
    index = PolicySet([policy(), policy(id=2, jurisdiction="US", effect="four_eyes")])
    assert len(index) == 2
    assert run(hk(asks=(AskFacts("disclose", ("subscriber",)),)), *index.policies) \
        .recommendation == "hold"
    assert vet(hk(asks=(AskFacts("disclose", ("subscriber",)),)), LIB, index) \
        .recommendation == "hold"
    assert "policy.four_eyes" in vet(demand(), LIB, index).codes
