"""Rules in the ``rights.*`` area."""

from __future__ import annotations

from datetime import date
from types import MappingProxyType
from typing import Any

from dueprocess.law import Instrument, Library
from dueprocess.vetting import AskFacts, vet
from tests.vetting.factories import LIB, account, codes, demand, hk, post, run


def only(result: Any, code: str) -> Any:
    found = result.by_code(code)
    assert len(found) == 1, result.findings
    return found[0]


# rights.high_risk_instrument


def test_nsl_schedule_4_is_high_risk() -> None:
    finding = only(run(hk(offences=())), "rights.high_risk_instrument")
    assert finding.severity == "warning"
    assert {"political_expression", "extraterritorial"} <= set(finding.evidence["flags"])
    assert finding.evidence["offence_flags"] == {}


def test_cited_speech_offence_makes_an_ordinary_instrument_high_risk() -> None:
    d = hk(instrument_id="generic.court_order", issuer_role="judge", offences=("hk.nsl.art22",))
    finding = only(run(d), "rights.high_risk_instrument")
    assert finding.evidence["instrument_flags"] == []
    assert "political_expression" in finding.evidence["offence_flags"]["hk.nsl.art22"]
    assert "offences hk.nsl.art22" in finding.message


def test_ordinary_warrant_is_not_high_risk() -> None:
    assert "rights.high_risk_instrument" not in codes(run(demand()))


def test_unknown_instrument_with_a_flagged_offence() -> None:
    d = hk(instrument_id="hk.unknown", offences=("hk.crimes.sedition",))
    assert "rights.high_risk_instrument" in codes(run(d))


def _thai_order(*offences: str) -> Any:
    return hk(
        instrument_id="th.cca.s20", jurisdiction="TH", authority_kind="court",
        issuer_role="court", legal_basis="Computer Crime Act s. 20", offences=offences,
        asks=(AskFacts("restrict_content", measure="withhold", territorial_scope=("TH",)),),
        targets=(post(country="TH"),),
    )


def test_speech_flags_are_moot_when_every_offence_is_unlawful_everywhere() -> None:
    assert "rights.high_risk_instrument" not in codes(run(_thai_order("th.cc.s287_1")))


def test_speech_flags_stay_beside_a_speech_or_unknown_offence() -> None:
    for cited in (("th.cc.s287_1", "th.cc.s112"), ("th.cc.s287_1", "insulting officials")):
        finding = only(run(_thai_order(*cited)), "rights.high_risk_instrument")
        assert "political_expression" in finding.evidence["instrument_flags"], cited
    flagged = only(run(_thai_order()), "rights.high_risk_instrument")
    assert "political_expression" in flagged.evidence["instrument_flags"]


def test_missing_judicial_oversight_is_moot_only_for_a_judicial_issuer() -> None:
    order = dict(
        instrument_id="in.it.s79_3b", jurisdiction="IN", authority_kind="court",
        legal_basis="IT Act s. 79(3)(b)", offences=("in.it.s67b",),
        asks=(AskFacts("restrict_content", measure="withhold", territorial_scope=("IN",)),),
        targets=(post(country="IN"),),
    )
    assert "rights.high_risk_instrument" not in codes(run(hk(**order, issuer_role="court")))
    notice = only(run(hk(**order, issuer_role="executive")), "rights.high_risk_instrument")
    assert notice.evidence["instrument_flags"] == ["no_judicial_oversight"]


# rights.target_at_risk


def test_journalist_target() -> None:
    targets = (
        account("@reporter", flags=("journalist", "verified")),
        account("@mp", flags=("politician",)),
        account("@plain"),
    )
    result = run(demand(targets=targets))
    finding = only(result, "rights.target_at_risk")
    assert finding.evidence["flags"] == {"journalist": 1, "politician": 1}
    assert finding.evidence["examples"] == ["@reporter", "@mp"]
    assert result.recommendation == "escalate"


def test_other_flags_are_not_a_risk() -> None:
    assert "rights.target_at_risk" not in codes(
        run(demand(targets=(account(flags=("verified",)),)))
    )


# rights.indefinite_gag / rights.gag_exceeds_limit


def test_indefinite_gag() -> None:
    result = run(demand(non_disclosure=True))
    assert only(result, "rights.indefinite_gag").severity == "warning"
    assert result.recommendation == "escalate"


def test_dated_gag_or_none() -> None:
    assert "rights.indefinite_gag" not in codes(
        run(demand(non_disclosure=True, non_disclosure_until=date(2024, 9, 1)))
    )
    assert "rights.indefinite_gag" not in codes(run(demand()))


def _library_with_notice_limit(days: int) -> Library:
    warrant = LIB.get("us.ecpa.warrant")
    assert warrant is not None
    data = warrant.model_dump()
    data["notice"] = {"user_notice_allowed": True, "delayed_notice_max_days": days}
    limited = Instrument.model_validate(data)
    instruments = dict(LIB.instruments)
    instruments[limited.id] = limited
    return Library(MappingProxyType(instruments), LIB.offences, "test")


def test_gag_longer_than_the_instrument_allows() -> None:
    library = _library_with_notice_limit(90)
    long_gag = demand(non_disclosure=True, non_disclosure_until=date(2025, 3, 1))
    finding = only(vet(long_gag, library), "rights.gag_exceeds_limit")
    assert finding.evidence["limit_days"] == 90
    assert finding.evidence["days"] == 365
    short_gag = demand(non_disclosure=True, non_disclosure_until=date(2024, 4, 1))
    assert "rights.gag_exceeds_limit" not in codes(vet(short_gag, library))
