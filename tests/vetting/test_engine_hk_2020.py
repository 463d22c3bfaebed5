"""The Hong Kong week of July 2020, and the months after, as vetting saw it.

30 June 2020, 23:00: the National Security Law takes effect. 6 July: the Article 43
Implementation Rules are gazetted (in operation on the 7th); platforms pause Hong Kong data
requests pending a human-rights assessment. 7 August: OFAC designates officials under
HK-EO13936, among them the Commissioner of Police. 13 August onwards: data demands are
sent to the US mutual legal assistance treaty. Every demand is judged by the law and the
policies of the day it arrived, whenever it is vetted again.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from dueprocess.vetting import (
    AskFacts,
    DemandFacts,
    PolicyFacts,
    ScreeningHitFacts,
    TargetFacts,
    VettingResult,
    vet,
)
from tests.vetting.factories import LIB, at

PAUSE = PolicyFacts(id=1, name="Pause Hong Kong data requests", effect="pause",
                    jurisdiction="HK", ask_kinds=("disclose",), valid_from=date(2020, 7, 6))
REVIEW = PolicyFacts(id=2, name="Human-rights review of speech laws",
                     effect="human_rights_review", jurisdiction=None,
                     valid_from=date(2020, 7, 6), params={"flags": ["political_expression"]})
MLAT = PolicyFacts(id=3, name="Hong Kong data demands via MLAT", effect="route_mlat",
                   jurisdiction="HK", valid_from=date(2020, 8, 13))
POLICIES = (PAUSE, REVIEW, MLAT)

PROTEST_POSTS = tuple(
    TargetFacts("content", f"https://example.social/standwithhk/posts/{i}", exists=True,
                country="HK", data_location="US")
    for i in range(1, 4)
)
ACTIVIST = TargetFacts("account", "standwithhk", exists=True, country="HK", data_location="US",
                       flags=("activist",))
SIGNED = ("LI Kwai-wah", "Assistant Commissioner of Police", "signatory")
APPROVED = ("LEE Ka-chiu", "Secretary for Security", "approver")
TANG = ScreeningHitFacts(subject="official", name="TANG Ping-keung", list_id="ofac.sdn",
                         entry_id="27826", entry_name="TANG, Ping-keung", score=0.98,
                         programmes=("HK-EO13936",),
                         explanation="surname, given names and title Commissioner of Police")


def sch4(reference: str, when: tuple[int, ...], **kw: Any) -> DemandFacts:
    values: dict[str, Any] = {
        "reference": reference, "instrument_id": "hk.nsl43.sch4", "jurisdiction": "HK",
        "authority_kind": "police", "issuer_role": "police_senior",
        "received_at": at(*when), "legal_basis": "Implementation Rules for Article 43, Sch. 4",
        "statement_of_reasons": "Messages likely to constitute incitement to secession",
        "offences": ("hk.nsl.art21",), "officials": (SIGNED, APPROVED),
        "asks": (AskFacts("restrict_content", measure="remove", territorial_scope=("WW",)),),
        "targets": PROTEST_POSTS,
    }
    values.update(kw)
    return DemandFacts(**values)


def run(demand: DemandFacts, policies: tuple[PolicyFacts, ...] = POLICIES) -> VettingResult:
    return vet(demand, LIB, policies)


def test_july_2020_in_hong_kong() -> None:
    # 3 July: a removal demand citing Schedule 4 before the Rules exist has no legal force.
    early = run(sch4("NSD-0703", (2020, 7, 3, 2)))
    assert early.recommendation == "reject"
    assert "legal.instrument_not_in_force" in early.codes
    not_yet = early.by_code("legal.instrument_not_in_force")[0]
    assert "applies only from 2020-07-07" in not_yet.message

    # 8 July: removal of protest posts worldwide. Not paused (the pause concerns data), but
    # a speech law: human-rights review, and the least restrictive answer is proposed.
    removal = run(sch4("NSD-0708-R", (2020, 7, 8, 3)))
    assert removal.recommendation == "escalate"
    assert {"rights.high_risk_instrument", "policy.human_rights_review",
            "jurisdiction.extraterritorial_scope"} <= set(removal.codes)
    assert "policy.jurisdiction_paused" not in removal.codes
    flags = removal.by_code("rights.high_risk_instrument")[0].evidence["flags"]
    assert {"political_expression", "extraterritorial"} <= set(flags)
    proposal = removal.by_code("scope.less_restrictive_available")[0].evidence["proposal"]
    assert proposal == {"measure": "withhold", "territorial_scope": ["HK"]}

    # 8 July: identification records of the activist behind the posts, on a magistrate's
    # warrant. Held: the platform paused Hong Kong data requests from 6 July.
    identify = run(sch4("NSD-0708-I", (2020, 7, 8, 4), issuer_role="judge",
                        asks=(AskFacts("disclose", ("subscriber",)),), targets=(ACTIVIST,)))
    assert identify.recommendation == "hold"
    assert {"policy.jurisdiction_paused", "policy.human_rights_review",
            "rights.target_at_risk", "rights.high_risk_instrument"} <= set(identify.codes)
    assert identify.explanation.startswith("hold because of policy.jurisdiction_paused")

    # The same request signed by the Assistant Commissioner alone, without a warrant and
    # without urgency, is beyond his power under Schedule 4 - but the pause still comes
    # first: nothing is judged on the merits while it holds.
    unwarranted = run(sch4("NSD-0708-J", (2020, 7, 8, 5),
                           asks=(AskFacts("disclose", ("subscriber",)),), targets=(ACTIVIST,)))
    assert unwarranted.recommendation == "hold"
    assert "legal.issuer_not_competent" in unwarranted.codes


def test_after_the_sanctions_and_the_mlat_decision() -> None:
    # 20 August: an account closure approved by the (now sanctioned) Commissioner. Schedule
    # 4 concerns messages, not accounts, but the listed official comes first: a lawyer
    # decides before any letter goes back.
    closure = run(sch4("NSD-0820", (2020, 8, 20, 2),
                       officials=(("TANG Ping-keung", "Commissioner of Police", "approver"),),
                       asks=(AskFacts("restrict_account", measure="terminate"),),
                       targets=(ACTIVIST,), screening_hits=(TANG,)))
    assert closure.recommendation == "escalate"
    assert closure.explanation.startswith("escalate because of sanctions.listed_person")
    hit = closure.by_code("sanctions.listed_person")[0]
    assert hit.severity == "block"
    assert hit.evidence["programmes"] == ["HK-EO13936"]
    assert hit.evidence["entry_id"] == "27826"
    assert "legal.insufficient_process" in closure.codes

    # 15 September: identification request: to the MLAT, the pause superseded.
    september = run(sch4("NSD-0915", (2020, 9, 15, 3), issuer_role="judge",
                         asks=(AskFacts("disclose", ("subscriber",)),), targets=(ACTIVIST,)))
    assert september.recommendation == "route_mlat"
    mlat = september.by_code("policy.route_mlat")[0]
    assert [p["name"] for p in mlat.evidence["superseded_pause"]] == [PAUSE.name]

    # A removal in September is still reviewed on its merits, not routed or held.
    removal = run(sch4("NSD-0915-R", (2020, 9, 15, 4)))
    assert removal.recommendation == "escalate"
    assert not {"policy.route_mlat", "policy.jurisdiction_paused"} & set(removal.codes)


def test_re_vetting_later_applies_the_law_and_policy_of_the_day_of_receipt() -> None:
    july = sch4("NSD-0708-I", (2020, 7, 8, 4), issuer_role="judge",
                asks=(AskFacts("disclose", ("subscriber",)),), targets=(ACTIVIST,))
    # Years later the platform lifts the pause and the MLAT routing for new demands ...
    lifted = (dataclasses.replace(PAUSE, valid_to=date(2023, 1, 1)),
              dataclasses.replace(MLAT, valid_to=date(2023, 1, 1)), REVIEW)
    again = run(july, lifted)
    # ... which does not change what applied in July 2020.
    assert again.recommendation == "hold"
    assert again.codes == run(july).codes
    # A demand received after the lift is judged on the merits.
    later = run(dataclasses.replace(july, received_at=at(2023, 3, 1)), lifted)
    assert later.recommendation == "escalate"
    assert "policy.jurisdiction_paused" not in later.codes
