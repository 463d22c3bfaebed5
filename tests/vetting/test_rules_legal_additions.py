"""Rules added for issue 3: urgency, offences an instrument serves, offence dates, stored
data only, enforcing-State notification, deadlines per time zone, local dates of the law."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from typing import Any

from dueprocess.law.loader import build_library
from dueprocess.vetting import AskFacts, DemandFacts, TargetFacts, vet
from tests.vetting.factories import LIB, account, at, codes, demand, disclose, hk, only, run

SUBSCRIBER = AskFacts("disclose", ("subscriber",))


# legal.issuer (urgent issuers: HK Schedule 4 identification records)


def test_identification_needs_a_magistrates_warrant() -> None:
    result = run(hk(asks=(SUBSCRIBER,)))
    finding = only(result, "legal.issuer_not_competent")
    assert finding.evidence["allowed_roles"] == {"subscriber": ["judge", "court"]}
    assert finding.evidence["urgent_roles"] == {"subscriber": ["police_senior"]}
    assert "only in a stated emergency" in finding.message
    assert result.recommendation == "reject"


def test_assistant_commissioner_may_act_in_a_stated_emergency() -> None:
    result = run(hk(asks=(SUBSCRIBER,), emergency=True, callback_confirmed=True,
                    emergency_justification="Imminent attack on a polling station"))
    assert "legal.issuer_not_competent" not in codes(result)
    finding = only(result, "legal.urgent_issuer")
    assert finding.severity == "warning"
    assert finding.evidence["ordinary_roles"] == ["court", "judge"]
    assert "polling station" in finding.evidence["justification"]
    assert result.recommendation == "escalate"


def test_an_emergency_without_reasons_is_no_urgency() -> None:
    result = run(hk(asks=(SUBSCRIBER,), emergency=True))
    assert {"legal.issuer_not_competent", "legal.missing_element"} <= codes(result)
    assert "legal.urgent_issuer" not in codes(result)


def test_urgency_does_not_help_roles_without_an_urgent_power() -> None:
    result = run(hk(asks=(SUBSCRIBER,), issuer_role="police", emergency=True,
                    emergency_justification="Urgent"))
    assert "legal.issuer_not_competent" in codes(result)
    assert "legal.urgent_issuer" not in codes(result)


# legal.statutes (offences an instrument serves)

SMALL = build_library([("xx.yaml", b"""
instruments:
  - id: xx.security.order
    jurisdiction: XX
    name: Security order
    citation: Security Act s. 1
    kind: order
    legal_process: Court Order
    in_force_from: 2000-01-01
    compels: {disclose: [subscriber]}
    issuers: [judge]
    offences: [xx.security.treason]
    sources: [https://example.org/security-act]
    version: 1
offences:
  - id: xx.security.treason
    jurisdiction: XX
    name: Treason
    citation: Security Act s. 2
    sources: [https://example.org/security-act]
  - id: xx.penal.theft
    jurisdiction: XX
    name: Theft
    citation: Penal Code s. 9
    sources: [https://example.org/penal-code]
    in_force_from: 2010-01-01
    in_force_to: 2019-12-31
""")])


def xx(**kw: Any) -> DemandFacts:
    return demand(instrument_id="xx.security.order", jurisdiction="XX", issuer_role="judge",
                  asks=(SUBSCRIBER,), **kw)


def test_offence_the_instrument_does_not_serve_is_a_mismatch() -> None:
    result = vet(xx(offences=("xx.penal.theft",), received_at=at(2015, 1, 1)), SMALL)
    finding = only(result, "legal.statute_mismatch")
    assert finding.evidence["mismatches"] == [{
        "type": "offence_not_served", "id": "xx.penal.theft", "jurisdiction": "XX",
        "instrument": "xx.security.order"}]
    assert "does not serve" in finding.message
    served = vet(xx(offences=("xx.security.treason",), received_at=at(2015, 1, 1)), SMALL)
    assert "legal.statute_mismatch" not in served.codes


def test_hk_schedules_serve_only_national_security_offences() -> None:
    assert "legal.statute_mismatch" not in codes(run(hk(offences=("hk.crimes.sedition",))))


# legal.offence_dates


def test_offence_cited_before_it_existed_is_a_warning() -> None:
    result = vet(xx(offences=("xx.penal.theft",), received_at=at(2009, 6, 1)), SMALL)
    finding = only(result, "legal.offence_not_in_force")
    assert finding.severity == "warning"
    assert finding.evidence["in_force_from"] == "2010-01-01"


def test_repealed_offence_is_information_only() -> None:
    result = vet(xx(offences=("xx.penal.theft",), received_at=at(2021, 6, 1)), SMALL)
    finding = only(result, "legal.offence_not_in_force")
    assert finding.severity == "info"
    assert "earlier conduct" in finding.message


def test_offence_in_force_or_undated_or_unknown_gives_nothing() -> None:
    for offences in (("xx.penal.theft",), ("xx.security.treason",), ("xx.unknown",)):
        result = vet(xx(offences=offences, received_at=at(2015, 1, 1)), SMALL)
        assert "legal.offence_not_in_force" not in result.codes


def test_nsl_offence_dates_are_hong_kong_dates() -> None:
    # 16:00 UTC on 30 June 2020 is midnight in Hong Kong: the NSL (in force on the 30th,
    # 23:00) is in force on the HK calendar day 1 July but not at 14:00 UTC on 29 June.
    assert "legal.offence_not_in_force" not in codes(run(hk(received_at=at(2020, 6, 30, 16))))
    assert "legal.offence_not_in_force" in codes(run(hk(received_at=at(2020, 6, 29, 14))))


# legal.stored_data


def test_range_running_past_receipt_is_partly_beyond_a_stored_data_instrument() -> None:
    d = demand(received_at=at(2024, 3, 1),
               asks=(disclose("content", date_from=date(2024, 2, 1), date_to=date(2024, 5, 1)),))
    finding = only(run(d), "legal.insufficient_process")
    assert finding.evidence["prospective"] is True
    assert finding.evidence["partial"] is True
    assert finding.evidence["proposal"] == {"date_to": "2024-03-01"}
    assert run(d).recommendation == "comply_partially"


def test_range_entirely_in_the_future_proposes_dropping_the_ask() -> None:
    d = demand(received_at=at(2024, 3, 1),
               asks=(disclose("content", date_from=date(2024, 4, 1), date_to=date(2024, 5, 1)),))
    finding = only(run(d), "legal.insufficient_process")
    assert finding.evidence["proposal"] == {"drop_ask": True}
    assert run(d).recommendation == "reject"


def test_instruments_that_may_reach_future_data_or_open_ranges_are_not_judged() -> None:
    future = disclose("content", date_from=date(2024, 2, 1), date_to=date(2024, 5, 1))
    court = demand(instrument_id="generic.court_order", asks=(future,))
    assert "legal.insufficient_process" not in codes(run(court))
    open_range = demand(asks=(disclose("content", date_from=date(2024, 2, 1), date_to=None),))
    assert "legal.insufficient_process" not in codes(run(open_range))


# jurisdiction.enforcing_state


def epoc(category: str, *targets: TargetFacts) -> DemandFacts:
    return demand(instrument_id="eu.evidence.epoc", jurisdiction="FR", issuer_role="judge",
                  received_at=at(2026, 9, 1), offences=("fr.x",),
                  asks=(disclose(category, date_from=date(2026, 6, 1),
                                 date_to=date(2026, 8, 1)),),
                  targets=targets)


def test_epoc_for_traffic_about_a_person_abroad_needs_the_enforcing_state() -> None:
    d = epoc("traffic", account("@a", country="DE", data_location="IE"),
             account("@b", country="FR", data_location="IE"))
    finding = only(run(d), "jurisdiction.enforcing_state_notification")
    assert finding.severity == "info"
    assert finding.evidence["residence"] == {"DE": 1}
    assert finding.evidence["examples"] == ["@a"]
    assert run(d).recommendation == "comply"


def test_no_notification_for_subscriber_data_or_residents_or_unknown_residence() -> None:
    for d in (epoc("subscriber", account("@a", country="DE")),
              epoc("content", account("@b", country="FR")),
              epoc("content", account("@c", country=None, data_location=None))):
        assert "jurisdiction.enforcing_state_notification" not in codes(run(d))


# deadline.statutory / deadline.requested


def test_authority_asking_for_less_time_than_the_law_gives() -> None:
    d = epoc("traffic", account("@b", country="FR"))
    asked = datetime(2026, 9, 4, 12, tzinfo=UTC)
    finding = only(run(dataclasses.replace(d, deadline=asked)), "deadline.statutory")
    assert finding.evidence["requested_due"] == asked.isoformat()
    assert "earlier than the law requires" in finding.message


def test_deadline_stated_where_the_law_sets_none() -> None:
    asked = datetime(2024, 3, 15, 17, tzinfo=UTC)
    finding = only(run(demand(deadline=asked)), "deadline.requested")
    assert finding.evidence["requested_due"] == asked.isoformat()
    assert "sets no time limit" in finding.message


def test_preservation_runs_from_the_local_day_of_receipt() -> None:
    # 17:00 UTC on 6 July is 7 July in Hong Kong: 90 days from the 7th.
    d = demand(instrument_id="generic.court_order", jurisdiction="HK",
               received_at=at(2020, 7, 6, 17), asks=(AskFacts("preserve", days=90),),
               targets=(account("@x", country="HK", data_location="HK"),))
    assert only(run(d), "deadline.statutory").evidence["preserve_until"] == "2020-10-05"


def test_instrument_in_force_on_the_issuing_states_calendar() -> None:
    # 15:00 UTC on 6 July 2020 is 23:00 in Hong Kong: Schedule 4 is not yet in operation.
    assert "legal.instrument_not_in_force" in codes(run(hk(received_at=at(2020, 7, 6, 15))))
    assert "legal.instrument_not_in_force" not in codes(run(hk(received_at=at(2020, 7, 6, 16))))


def test_library_version_is_recorded() -> None:
    assert run(demand()).data_version == LIB.version


# rights.gag (periods of delayed notice, 18 U.S.C. 2705)


def test_gag_beyond_one_period_of_delayed_notice_is_noted_not_escalated() -> None:
    result = run(demand(received_at=at(2024, 3, 1), non_disclosure=True,
                        non_disclosure_until=date(2024, 8, 28)))
    finding = only(result, "rights.gag_extension")
    assert finding.severity == "info"
    assert (finding.evidence["days"], finding.evidence["periods"]) == (180, 2)
    assert result.recommendation == "comply"


def test_gag_within_one_period_needs_no_note() -> None:
    result = run(demand(received_at=at(2024, 3, 1), non_disclosure=True,
                        non_disclosure_until=date(2024, 5, 30)))
    assert "rights.gag_extension" not in codes(result)
