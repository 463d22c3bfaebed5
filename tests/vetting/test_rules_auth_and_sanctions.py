"""auth.* (who sent it) and sanctions.* (who is behind it), and where they rank."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from dueprocess.vetting import AskFacts, ScreeningHitFacts, SenderFacts
from dueprocess.vetting.rules import RULES
from tests.vetting.factories import PAUSE_HK, codes, demand, disclose, hk, policy, run

VERIFIED = SenderFacts(email="d.price@fbi.gov", domain="fbi.gov", channel="email",
                       verified=True)


def sent(sender: SenderFacts | None, **kw: Any) -> set[str]:
    return codes(run(demand(sender=sender, **kw)))


# auth.sender_identity


def test_no_sender_means_no_identity_findings() -> None:
    assert not {c for c in codes(run(demand())) if c.startswith("auth.")}


def test_a_staff_entered_emergency_disclosure_still_needs_a_callback() -> None:
    emergency = demand(instrument_id="us.ecpa.emergency", issuer_role="police", emergency=True,
                       emergency_justification="Threat to life")
    result = run(emergency)
    assert {c for c in codes(result) if c.startswith("auth.")} == {"auth.emergency_unverified"}
    (finding,) = result.by_code("auth.emergency_unverified")
    assert finding.evidence["channel"] == "staff"
    assert result.recommendation == "hold"
    confirmed = run(dataclasses.replace(emergency, callback_confirmed=True))
    assert not {c for c in codes(confirmed) if c.startswith("auth.")}
    assert confirmed.recommendation != "hold"


def test_verified_sender_passes() -> None:
    assert not {c for c in sent(VERIFIED) if c.startswith("auth.")}


def test_unverified_sender_is_a_warning_with_who_and_how() -> None:
    sender = SenderFacts(email="agent.smith@gmail.com", domain="gmail.com", channel="email")
    result = run(demand(sender=sender))
    (finding,) = result.by_code("auth.unverified_sender")
    assert finding.severity == "warning"
    assert finding.evidence == {"email": "agent.smith@gmail.com", "domain": "gmail.com",
                                "channel": "email"}
    assert "agent.smith@gmail.com" in finding.message
    assert result.recommendation == "hold"
    assert "verify the sender through a registry contact first" in result.explanation


def test_lookalike_domain_blocks_and_is_not_also_reported_as_unverified() -> None:
    sender = SenderFacts(email="m.hill@fbi-gov.us", domain="fbi-gov.us", channel="email",
                         lookalike_of="fbi.gov", lookalike_reason="hyphen instead of dot")
    result = run(demand(sender=sender))
    (finding,) = result.by_code("auth.lookalike_domain")
    assert finding.severity == "block"
    assert finding.evidence["domain"] == "fbi-gov.us"
    assert finding.evidence["imitates"] == "fbi.gov"
    assert finding.evidence["reason"] == "hyphen instead of dot"
    assert "auth.unverified_sender" not in result.codes
    assert result.recommendation == "hold"


def test_lookalike_without_a_reason_still_says_why() -> None:
    sender = SenderFacts(domain="xn--fb-ixa.gov", lookalike_of="fbi.gov")
    (finding,) = run(demand(sender=sender)).by_code("auth.lookalike_domain")
    assert finding.evidence["reason"] == "similar spelling"


# auth.fraud_signal


def test_flagged_sender_blocks_even_when_verified() -> None:
    result = run(demand(sender=dataclasses.replace(VERIFIED, flagged_fraudulent=True)))
    (finding,) = result.by_code("auth.flagged_sender")
    assert finding.severity == "block"
    assert finding.evidence["email"] == "d.price@fbi.gov"
    assert result.recommendation == "hold"


# auth.emergency_callback


def test_emergency_instrument_needs_a_callback_even_from_a_verified_sender() -> None:
    d = demand(instrument_id="us.ecpa.emergency", issuer_role="police",
               emergency_justification="Threat to life", sender=VERIFIED)
    (finding,) = run(d).by_code("auth.emergency_unverified")
    assert finding.severity == "block"
    assert finding.evidence["verified"] is True
    called = run(dataclasses.replace(d, sender=dataclasses.replace(VERIFIED,
                                                                   callback_recorded=True)))
    assert "auth.emergency_unverified" not in called.codes


def test_emergency_flag_on_another_instrument_needs_a_callback() -> None:
    assert "auth.emergency_unverified" in sent(
        VERIFIED, emergency=True, emergency_justification="Child in danger")


def test_emergency_without_a_disclosure_needs_no_callback() -> None:
    assert "auth.emergency_unverified" not in sent(
        VERIFIED, instrument_id="us.ecpa.preservation", issuer_role="police", emergency=True,
        emergency_justification="Kidnapping", asks=(AskFacts("preserve", days=90),))


def test_ordinary_demand_needs_no_callback() -> None:
    assert "auth.emergency_unverified" not in sent(VERIFIED)


# sanctions.persons / sanctions.authority

TANG = ScreeningHitFacts(subject="official", name="TANG Ping-keung", list_id="ofac.sdn",
                         entry_id="27826", entry_name="TANG, Ping-keung", score=0.93,
                         programmes=("HK-EO13936",), explanation="surname and given names")


def test_listed_official_blocks_with_list_programme_entry_score_and_explanation() -> None:
    result = run(hk(screening_hits=(TANG,)))
    (finding,) = result.by_code("sanctions.listed_person")
    assert finding.severity == "block"
    assert finding.evidence == {
        "subject": "official", "name": "TANG Ping-keung", "list": "ofac.sdn",
        "entry_id": "27826", "entry_name": "TANG, Ping-keung", "programmes": ["HK-EO13936"],
        "score": 0.93, "explanation": "surname and given names", "confirmed": False,
    }
    assert "HK-EO13936" in finding.message and "0.93" in finding.message
    assert result.recommendation == "escalate"


def test_listed_requester_is_a_listed_person() -> None:
    hit = dataclasses.replace(TANG, subject="requester", confirmed=True)
    (finding,) = run(hk(screening_hits=(hit,))).by_code("sanctions.listed_person")
    assert finding.message.startswith("Requester")
    assert "confirmed" in finding.message


def test_listed_authority() -> None:
    body = ScreeningHitFacts(subject="authority", name="Example Security Bureau",
                             list_id="un.consolidated", entry_id="QDe.001",
                             entry_name="EXAMPLE SECURITY BUREAU", score=1.0)
    result = run(demand(screening_hits=(body,)))
    assert codes(result) >= {"sanctions.listed_authority"}
    assert "sanctions.listed_person" not in codes(result)
    assert result.by_code("sanctions.listed_authority")[0].evidence["list"] == "un.consolidated"


def test_duplicate_hits_are_reported_once_and_strongest_first() -> None:
    weaker = dataclasses.replace(TANG, list_id="uk.hmt", entry_id="HKG0001", score=0.81)
    result = run(hk(screening_hits=(weaker, TANG, TANG)))
    found = result.by_code("sanctions.listed_person")
    assert [f.evidence["list"] for f in found] == ["ofac.sdn", "uk.hmt"]


# ranking: verification comes before anything goes back to the sender


def test_a_confirmed_callback_leaves_identity_findings_as_info_and_releases_the_hold() -> None:
    sender = SenderFacts(email="m.hill@fbi-gov.us", domain="fbi-gov.us", channel="email",
                         lookalike_of="fbi.gov", callback_recorded=True)
    result = run(demand(sender=sender))
    (finding,) = result.by_code("auth.lookalike_domain")
    assert finding.severity == "info"
    assert "call-back to a registry number has since confirmed" in finding.message
    assert result.recommendation != "hold"


def test_authenticity_holds_above_mlat_clarification_and_rejection() -> None:
    lookalike = SenderFacts(email="m.hill@fbi-gov.us", domain="fbi-gov.us", channel="email",
                            lookalike_of="fbi.gov")
    webmail = SenderFacts(email="hk.police@gmail.com", domain="gmail.com", channel="email")
    mlat = policy(id=9, name="MLAT for HK", effect="route_mlat", ask_kinds=(),
                  valid_from=date(2020, 1, 1))
    routed = run(hk(sender=lookalike), mlat)
    assert "policy.route_mlat" in routed.codes
    assert routed.recommendation == "hold"
    assert routed.explanation.startswith("hold because of auth.lookalike_domain")
    unclear = run(demand(instrument_id="us.ecpa.subpoena", issuer_role="prosecutor",
                         targets=(), sender=webmail))
    assert {"legal.insufficient_process", "legal.missing_element"} <= codes(unclear)
    assert unclear.recommendation == "hold"


def test_sanctions_outrank_reject_and_clarification_but_not_policy() -> None:
    dead_and_listed = run(demand(instrument_id="us.ecpa.subpoena", issuer_role="prosecutor",
                                 targets=(), screening_hits=(TANG,)))
    assert {"legal.insufficient_process", "legal.missing_element"} <= codes(dead_and_listed)
    assert dead_and_listed.recommendation == "escalate"
    paused = run(hk(screening_hits=(TANG,), asks=(disclose("subscriber"),)), PAUSE_HK)
    assert paused.recommendation == "hold"
    assert "sanctions.listed_person" in paused.explanation


def test_every_rule_has_a_unique_name_and_a_version() -> None:
    names = [rule.name for rule in RULES]
    assert len(names) == len(set(names))
    assert all(rule.version >= 1 for rule in RULES)
