"""Real public episodes, told as the demands that reached platforms, and the answers counsel
gave. Each test reads as the story: what arrived, what vetting says, and why."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from dueprocess.law import default_library
from dueprocess.vetting import AskFacts, DemandFacts, TargetFacts, vet

LIB = default_library()


def at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def post(n: int, country: str, data: str = "US", *flags: str) -> TargetFacts:
    return TargetFacts("content", f"https://example.social/p/{n}", exists=True,
                       country=country, data_location=data, flags=flags)


def account(handle: str, country: str, data: str = "US", *flags: str) -> TargetFacts:
    return TargetFacts("account", handle, exists=True, country=country, data_location=data,
                       flags=flags)


def test_wakeley_worldwide_removal_is_escalated_and_withholding_in_australia_complies() -> None:
    """April 2024: eSafety's s. 109 notice sought worldwide removal of the Wakeley church
    stabbing video; the Federal Court declined to extend the injunction ([2024] FCA 499)
    because geo-blocking in Australia was the reasonable step."""
    worldwide = DemandFacts(
        reference="eSafety-2024-04", instrument_id="au.osa.s109", jurisdiction="AU",
        authority_kind="regulator", issuer_role="regulator", received_at=at(2024, 4, 16),
        legal_basis="Online Safety Act 2021 s 109", statement_of_reasons="Class 1 material",
        asks=(AskFacts("restrict_content", measure="remove", territorial_scope=("WW",)),),
        targets=tuple(post(i, "AU") for i in range(65)),
    )
    result = vet(worldwide, LIB)
    assert result.recommendation == "escalate"
    reach = result.by_code("jurisdiction.extraterritorial_scope")[0]
    assert reach.evidence["outside"] == ["WW"]
    due = result.by_code("deadline.statutory")[0]
    assert due.evidence["response_hours"] == 24
    geo = DemandFacts(**{**worldwide.__dict__, "asks": (
        AskFacts("restrict_content", measure="withhold", territorial_scope=("AU",)),)})
    assert vet(geo, LIB).recommendation == "comply"


def test_alt_uscis_customs_summons_is_not_answered_routinely() -> None:
    """March 2017: CBP served Twitter a 19 U.S.C. 1509 summons for the identity behind
    @ALT_uscis; Twitter sued and the summons was withdrawn the next day. A DEA subpoena
    for a drug case, by contrast, is routine."""
    summons = DemandFacts(
        reference="CBP-2017-03", instrument_id="us.admin_subpoena.cbp", jurisdiction="US",
        authority_kind="agency", issuer_role="regulator", received_at=at(2017, 3, 14),
        legal_basis="19 U.S.C. 1509", statement_of_reasons="Investigation",
        asks=(AskFacts("disclose", ("subscriber",)),),
        targets=(account("@ALT_uscis", "US", "US", "activist"),),
    )
    result = vet(summons, LIB)
    assert result.recommendation == "escalate"
    assert {"rights.high_risk_instrument", "rights.target_at_risk"} <= set(result.codes)
    dea = DemandFacts(**{**summons.__dict__, "instrument_id": "us.admin_subpoena.dea",
                         "issuer_role": "police_senior", "legal_basis": "21 U.S.C. 876",
                         "targets": (account("@seller", "US"),)})
    assert vet(dea, LIB).recommendation == "comply"


def test_royalist_marketplace_lese_majeste_order() -> None:
    """August 2020: Thailand's Ministry of Digital Economy obtained an order under the
    Computer Crime Act against the "Royalist Marketplace" group; Facebook restricted it in
    Thailand and said it would challenge the demand. The offence is lèse-majesté, s. 112."""
    order = DemandFacts(
        reference="MDES-2020-08", instrument_id="th.cca.s20", jurisdiction="TH",
        authority_kind="court", issuer_role="court", received_at=at(2020, 8, 24),
        legal_basis="Computer Crime Act B.E. 2550 s. 20", offences=("s 112 Criminal Code",),
        asks=(AskFacts("restrict_content", measure="remove"),),
        targets=(post(112, "TH"),),
        officials=(("Minister", "Minister of Digital Economy and Society", "approver"),),
    )
    result = vet(order, LIB)
    assert result.recommendation == "escalate"
    risk = result.by_code("rights.high_risk_instrument")[0]
    assert "th.cc.s112" in risk.evidence["offence_flags"]
    assert "General Comment 34" in risk.evidence["assessments"]["th.cc.s112"]
    assert "withholding" in result.explanation  # the least restrictive way is named


def test_roskomnadzor_demand_citing_207_3_as_text() -> None:
    """March 2022 onwards: Prosecutor-General demands under 149-FZ art. 15.3 against
    "false information" about the armed forces, cited in Russian as art. 207.3 of the
    Criminal Code."""
    demand = DemandFacts(
        reference="RKN-2022-03", instrument_id="ru.rkn.demand", jurisdiction="RU",
        authority_kind="prosecutor", issuer_role="prosecutor", received_at=at(2022, 3, 10),
        legal_basis="ст. 15.3 Федерального закона 149-ФЗ",
        offences=("ст. 207.3 УК РФ",),  # noqa: RUF001 (Cyrillic citation)
        asks=(AskFacts("restrict_content", measure="remove"),),
        targets=(post(1, "RU", "US", "journalist"),),
    )
    result = vet(demand, LIB)
    assert result.recommendation == "escalate"
    assert result.by_code("legal.unknown_instrument")[0].evidence["matched"] == (
        "ru.149fz.art15_3")
    flags = result.by_code("rights.high_risk_instrument")[0].evidence["offence_flags"]
    assert "ru.uk.207_3" in flags
    # Before the offence existed, citing it is a sign of a wrong or forged citation.
    early = DemandFacts(**{**demand.__dict__, "received_at": at(2022, 2, 1)})
    assert "legal.offence_not_in_force" in vet(early, LIB).codes


def test_farmers_protest_blocking_orders_are_escalated_not_clarified() -> None:
    """February 2021: MeitY directed Twitter under IT Act s. 69A to withhold some 250
    accounts, including journalists'; Twitter withheld some in India only and restored
    others. A s. 69A order is confidential (Blocking Rules r. 16)."""
    demand = DemandFacts(
        reference="MeitY-2021-02", instrument_id="in.it.s69a", jurisdiction="IN",
        authority_kind="executive", issuer_role="executive", received_at=at(2021, 2, 1),
        legal_basis="Section 69A of the Information Technology Act, 2000",
        asks=(AskFacts("restrict_account", measure="suspend"),),
        targets=(account("@kisanektamorcha", "IN"), account("@caravanmag", "IN", "US",
                                                             "journalist")),
        non_disclosure=True, non_disclosure_until=None,
    )
    result = vet(demand, LIB)
    assert result.recommendation == "escalate"
    proposal = result.by_code("scope.less_restrictive_available")[0]
    assert proposal.evidence["proposal"] == {"measure": "withhold", "territorial_scope": ["IN"]}


def test_routine_demands_comply_wherever_the_data_is_stored() -> None:
    """The four routine demands that used to escalate because the data sat in the US."""
    german = DemandFacts(
        reference="DE-100j", instrument_id="de.stpo.100j", jurisdiction="DE",
        authority_kind="police", issuer_role="police", received_at=at(2025, 5, 6),
        legal_basis="§ 100j StPO", offences=("§ 241 StGB",),
        asks=(AskFacts("disclose", ("subscriber",)),), targets=(account("@threat", "DE"),))
    pharos = DemandFacts(
        reference="PHAROS", instrument_id="fr.lcen.6_1", jurisdiction="FR",
        authority_kind="police", issuer_role="police_senior", received_at=at(2025, 5, 6),
        legal_basis="article 6-1 LCEN", offences=("art. 227-23 CP",),
        asks=(AskFacts("restrict_content", measure="remove"),), targets=(post(1, "FR"),))
    canada = DemandFacts(
        reference="CA-pres", instrument_id="ca.cc.487_012", jurisdiction="CA",
        authority_kind="police", issuer_role="police", received_at=at(2025, 5, 6),
        legal_basis="s. 487.012", asks=(AskFacts("preserve", days=21),),
        targets=(account("@suspect", "CA"),))
    brazil = DemandFacts(
        reference="BR-10", instrument_id="br.mci.art10_3", jurisdiction="BR",
        authority_kind="police", issuer_role="police_senior", received_at=at(2025, 5, 6),
        legal_basis="art. 10 § 3 da Lei 12.965/2014",
        asks=(AskFacts("disclose", ("subscriber",)),), targets=(account("@golpe", "BR"),))
    for demand in (german, pharos, canada, brazil):
        result = vet(demand, LIB)
        assert result.recommendation == "comply", (demand.reference, result.explanation)
        for finding in result.by_code("jurisdiction.foreign_target"):
            assert finding.severity == "info" and finding.evidence["weighed"]


def test_preservation_keeps_the_days_asked_within_the_statute() -> None:
    base = DemandFacts(
        reference="2703f", instrument_id="us.ecpa.preservation", jurisdiction="US",
        authority_kind="police", issuer_role="police", received_at=at(2025, 1, 10),
        legal_basis="18 U.S.C. 2703(f)", asks=(AskFacts("preserve", days=365),),
        targets=(account("@x", "US"),))
    finding = next(f for f in vet(base, LIB).by_code("deadline.statutory") if f.ask_index == 0)
    assert finding.evidence["granted_days"] == 90
    assert finding.evidence["preserve_until"] == (date(2025, 1, 10) + timedelta(90)).isoformat()
    assert "renewable by 90 days once" in finding.message
    short = DemandFacts(**{**base.__dict__, "asks": (AskFacts("preserve", days=30),)})
    kept = next(f for f in vet(short, LIB).by_code("deadline.statutory") if f.ask_index == 0)
    assert kept.evidence["granted_days"] == 30
    assert kept.evidence["preserve_until"] == date(2025, 2, 9).isoformat()


def test_tco_removal_order_is_due_within_one_hour_and_removed_everywhere() -> None:
    demand = DemandFacts(
        reference="TCO-1", instrument_id="eu.tco.art3", jurisdiction="FR",
        authority_kind="police", issuer_role="police_senior", received_at=at(2025, 3, 3, 9),
        legal_basis="Regulation (EU) 2021/784", statement_of_reasons="Terrorist content",
        redress="Tribunal administratif", asks=(AskFacts("restrict_content", measure="remove"),),
        targets=(post(1, "FR"),))
    result = vet(demand, LIB)
    assert result.recommendation == "comply"
    due = result.by_code("deadline.statutory")[0]
    assert datetime.fromisoformat(due.evidence["due_utc"]) == at(2025, 3, 3, 10)
    assert not result.by_code("scope.less_restrictive_available")


def test_out_of_scope_process_is_recognised() -> None:
    demand = DemandFacts(
        reference="TCN", instrument_id="au.tola.tcn", jurisdiction="AU",
        authority_kind="executive", issuer_role="executive", received_at=at(2025, 3, 3),
        legal_basis="s 317T", asks=(AskFacts("disclose", ("content",)),),
        targets=(account("@x", "AU"),),
        officials=(("Minister", "Minister for Communications", "approver"),))
    result = vet(demand, LIB)
    assert result.recommendation == "escalate"
    assert result.by_code("legal.out_of_scope_process")[0].evidence["kind"] == "assistance"


def test_identical_content_extension_is_a_matter_for_a_person() -> None:
    """October 2022: TSE Resolution 23.714 let the Presidency extend a removal to identical
    content; an ordinary electoral removal of the items named is routine."""
    named = DemandFacts(
        reference="TSE-2022", instrument_id="br.tse.res23610", jurisdiction="BR",
        authority_kind="court", issuer_role="judge", received_at=at(2022, 10, 25),
        legal_basis="Resolução 23.610/2019",
        asks=(AskFacts("restrict_content", measure="withhold", territorial_scope=("BR",)),),
        targets=(post(1, "BR"), post(2, "BR")))
    assert vet(named, LIB).recommendation == "comply"
    stay_down = DemandFacts(**{**named.__dict__, "asks": (AskFacts(
        "restrict_content", measure="withhold", territorial_scope=("BR",),
        equivalent_content=True),)})
    result = vet(stay_down, LIB)
    assert result.recommendation == "escalate"
    assert result.by_code("scope.equivalent_content")[0].evidence["named_items"] == 2
