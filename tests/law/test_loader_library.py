"""The bundled law library: the instruments and offences the product depends on."""

from __future__ import annotations

import re
from datetime import date

import pytest

from dueprocess.law import Instrument, default_library
from dueprocess.law.schema import DATA_CATEGORIES, ROLES

LIB = default_library()

MUST_EXIST = (
    "us.ecpa.subpoena",
    "us.ecpa.2703d",
    "us.ecpa.warrant",
    "us.ecpa.emergency",
    "us.ecpa.preservation",
    "us.nsl",
    "eu.dsa.art9",
    "eu.dsa.art10",
    "eu.evidence.epoc",
    "eu.evidence.epoc_pr",
    "hk.nsl43.sch4",
    "hk.nsl43.sch7",
    "generic.court_order",
    "generic.police_request",
)


def get(instrument_id: str) -> Instrument:
    instrument = LIB.get(instrument_id)
    assert instrument is not None, instrument_id
    return instrument


@pytest.mark.parametrize("instrument_id", MUST_EXIST)
def test_must_exist_instrument_is_complete(instrument_id: str) -> None:
    instrument = get(instrument_id)
    assert instrument.id == instrument_id
    assert instrument.name and instrument.citation and instrument.legal_process
    assert instrument.sources and all(s.startswith("https://") for s in instrument.sources)
    assert set(instrument.issuers) <= ROLES
    assert instrument.version >= 1
    prefix = instrument_id.split(".")[0]
    expected = {"us": "US", "eu": "EU", "hk": "HK", "generic": "ZZ"}[prefix]
    assert instrument.jurisdiction == expected


def test_us_instruments_compel_what_the_sca_allows() -> None:
    assert get("us.ecpa.subpoena").compels == {"disclose": ("subscriber",)}
    assert set(get("us.ecpa.2703d").compels["disclose"]) == {"subscriber", "traffic"}
    assert set(get("us.ecpa.warrant").compels["disclose"]) == DATA_CATEGORIES
    assert get("us.ecpa.subpoena").kind == "subpoena"
    assert get("us.ecpa.warrant").legal_process == "Search Warrant"
    assert get("us.ecpa.2703d").issuers == ("judge", "court")


def test_us_emergency_is_voluntary_and_needs_a_justification() -> None:
    emergency = get("us.ecpa.emergency")
    assert emergency.kind == "emergency"
    assert emergency.voluntary
    assert "emergency_justification" in emergency.required_elements
    assert emergency.legal_process == "Emergency Disclosure Request"
    assert "2702(b)(8)" in emergency.citation and "(c)(4)" in emergency.citation


def test_us_preservation_is_90_days_plus_one_90_day_renewal() -> None:
    deadlines = get("us.ecpa.preservation").deadlines
    assert (deadlines.preservation_days, deadlines.preservation_extension_days) == (90, 90)
    assert deadlines.preservation_max_renewals == 1
    assert get("us.ecpa.preservation").compels == {"preserve": ()}


def test_nsl_is_subscriber_only_with_a_gag() -> None:
    nsl = get("us.nsl")
    assert nsl.compels == {"disclose": ("subscriber",)}
    assert nsl.notice.user_notice_allowed is False
    assert nsl.legal_process == "National Security Letter"
    assert nsl.kind == "national_security"
    assert nsl.reporting_band == 500


def test_dsa_article_9_requires_the_article_9_2_elements() -> None:
    art9 = get("eu.dsa.art9")
    assert art9.compels == {"restrict_content": ("remove", "disable", "withhold")}
    assert set(art9.required_elements) == {
        "legal_basis",
        "statement_of_reasons",
        "issuing_authority",
        "exact_urls",
        "redress",
        "territorial_scope",
    }
    assert art9.in_force_from == date(2024, 2, 17)


def test_dsa_article_10_discloses_subscriber_information() -> None:
    art10 = get("eu.dsa.art10")
    assert art10.compels == {"disclose": ("subscriber",)}
    assert {"recipient_identifiers", "statement_of_reasons", "redress", "legal_basis"} <= set(
        art10.required_elements
    )


def test_epoc_competence_differs_by_category() -> None:
    epoc = get("eu.evidence.epoc")
    assert set(epoc.issuers_for("disclose", "subscriber")) == {"judge", "court", "prosecutor"}
    assert set(epoc.issuers_for("disclose", "traffic")) == {"judge", "court"}
    assert set(epoc.issuers_for("disclose", "content")) == {"judge", "court"}
    assert (epoc.deadlines.response_days, epoc.deadlines.emergency_hours) == (10, 8)
    assert epoc.in_force_from == date(2026, 8, 18)
    assert not epoc.in_force(date(2026, 8, 17))


def test_epoc_preservation_is_60_days_plus_30() -> None:
    deadlines = get("eu.evidence.epoc_pr").deadlines
    assert (deadlines.preservation_days, deadlines.preservation_extension_days) == (60, 30)


def test_hk_schedule_4() -> None:
    sch4 = get("hk.nsl43.sch4")
    assert {"remove", "disable"} <= set(sch4.compels["restrict_content"])
    assert sch4.compels["disclose"] == ("subscriber",)
    assert set(sch4.issuers) == {"police_senior", "executive"}
    assert {"political_expression", "extraterritorial"} <= set(sch4.risk_flags)
    assert "approval" in sch4.elements_for(frozenset({"restrict_content"}))
    assert sch4.in_force_from == date(2020, 7, 7)
    assert not sch4.in_force(date(2020, 7, 6))
    assert "restrict_account" not in sch4.compels


def test_hk_schedule_7_is_a_court_order() -> None:
    sch7 = get("hk.nsl43.sch7")
    assert set(sch7.compels["disclose"]) == DATA_CATEGORIES
    assert set(sch7.issuers) == {"judge", "court"}
    assert sch7.legal_process == "Court Order"


def test_generic_instruments_apply_anywhere() -> None:
    court = get("generic.court_order")
    police = get("generic.police_request")
    assert court.jurisdiction == police.jurisdiction == "ZZ"
    assert set(court.compels) == {"disclose", "preserve", "restrict_account", "restrict_content"}
    assert police.compels["disclose"] == ("subscriber",)
    assert police.voluntary


@pytest.mark.parametrize(
    "offence_id",
    [f"hk.nsl.art{n}" for n in (20, 21, 22, 23, 24, 25, 26, 27, 29)]
    + ["hk.crimes.sedition", "us.18usc2252"],
)
def test_offences_exist(offence_id: str) -> None:
    offence = LIB.offence(offence_id)
    assert offence is not None
    assert offence.citation


def test_speech_offences_are_flagged() -> None:
    for offence_id in ("hk.nsl.art22", "hk.nsl.art29", "hk.crimes.sedition"):
        offence = LIB.offence(offence_id)
        assert offence is not None
        assert "political_expression" in offence.flags
    csam = LIB.offence("us.18usc2252")
    assert csam is not None and csam.flags == ()


def test_lookups_of_unknown_ids() -> None:
    assert LIB.get("xx.nothing") is None
    assert LIB.offence("xx.nothing") is None
    assert LIB.in_force("xx.nothing", date(2024, 1, 1)) is False


def test_in_force_uses_the_library_dates() -> None:
    assert LIB.in_force("eu.dsa.art9", date(2024, 2, 17))
    assert not LIB.in_force("eu.dsa.art9", date(2024, 2, 16))
    assert LIB.in_force("us.ecpa.warrant", date(2001, 1, 1))


def test_version_is_a_short_hash_and_the_default_is_cached() -> None:
    assert re.fullmatch(r"[0-9a-f]{12}", LIB.version)
    assert default_library() is LIB


def test_library_mappings_are_read_only() -> None:
    with pytest.raises(TypeError):
        LIB.instruments["x"] = get("us.nsl")  # type: ignore[index]


# Added for issue 3: what each statute says about notice, stored data, urgency and periods.


def test_ecpa_delayed_notice_is_90_days_per_period() -> None:
    for instrument_id in ("us.ecpa.subpoena", "us.ecpa.2703d", "us.ecpa.warrant"):
        assert get(instrument_id).notice.delay_period_days == 90
        assert get(instrument_id).notice.delayed_notice_max_days is None
        assert get(instrument_id).notice.user_notice_allowed


def test_stored_data_instruments() -> None:
    stored = {i.id for i in LIB.instruments.values() if i.stored_data_only}
    assert {"us.ecpa.subpoena", "us.ecpa.2703d", "us.ecpa.warrant", "us.ecpa.emergency",
            "us.nsl", "eu.dsa.art10", "eu.evidence.epoc"} <= stored
    assert "generic.court_order" not in stored


def test_epoc_counts_under_regulation_1182_71_and_notifies_the_enforcing_state() -> None:
    epoc = get("eu.evidence.epoc")
    assert epoc.deadlines.counting == "eu_1182_71"
    assert (epoc.deadlines.response_days, epoc.deadlines.emergency_hours) == (10, 8)
    assert set(epoc.enforcing_state_notification) == {"traffic", "content"}
    assert get("eu.evidence.epoc_pr").deadlines.counting == "eu_1182_71"


def test_hk_identification_records_need_a_warrant_unless_urgent() -> None:
    sch4 = get("hk.nsl43.sch4")
    assert sch4.issuers_for("disclose", "subscriber") == ("judge", "court")
    assert sch4.urgent_issuers_for("disclose", "subscriber") == ("police_senior",)
    assert sch4.issuers_for("restrict_content") == ("police_senior", "executive")
    assert sch4.urgent_issuers_for("restrict_content") == ()


def test_hk_schedules_serve_national_security_offences_only() -> None:
    for instrument_id in ("hk.nsl43.sch4", "hk.nsl43.sch7"):
        served = get(instrument_id).offences
        assert "hk.nsl.art22" in served and "hk.crimes.sedition" in served
        assert all(LIB.offence(o) is not None for o in served)


def test_offence_dates() -> None:
    art20 = LIB.offence("hk.nsl.art20")
    sedition = LIB.offence("hk.crimes.sedition")
    assert art20 is not None and sedition is not None
    assert not art20.in_force(date(2020, 6, 29)) and art20.in_force(date(2020, 6, 30))
    assert sedition.in_force(date(2024, 3, 22)) and not sedition.in_force(date(2024, 3, 23))


def test_brazil_marco_civil() -> None:
    art19, art22, art10 = get("br.mci.art19"), get("br.mci.art22"), get("br.mci.art10_3")
    assert "exact_urls" in art19.required_elements
    assert art19.issuers == ("judge", "court")
    assert set(art22.compels["disclose"]) == {"subscriber", "traffic"}
    assert art22.elements_for(frozenset({"disclose"}))[-1] == "date_range"
    assert art10.compels == {"disclose": ("subscriber",)}
    assert all(i.in_force_from == date(2014, 6, 23) for i in (art19, art22, art10))


def test_every_instrument_cites_its_sources_and_every_reference_resolves() -> None:
    for instrument in LIB.instruments.values():
        assert instrument.sources, instrument.id
        assert all(LIB.offence(o) is not None for o in instrument.offences), instrument.id
    jurisdictions = {i.jurisdiction for i in LIB.instruments.values()}
    assert jurisdictions >= {"US", "EU", "HK", "BR", "ZZ"}
