"""Every report table against numbers worked out by hand on a fixture of known demands."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dueprocess.demands.models import Action, Demand
from dueprocess.transparency import tally
from dueprocess.transparency.models import DemandTally, StaleDemand
from dueprocess.transparency.reports import (
    TABLES,
    USER_DATA_COLUMNS,
    band,
    build_report,
    percent,
    user_data_requests,
)
from tests.transparency.factories import demand, rows

END = "2020-12-31"


@pytest.fixture
def world(db: Any) -> dict[str, Demand]:
    d: dict[str, Demand] = {}
    # United States: warrants, a subpoena, emergencies, preservations, an NSL.
    d["w1"] = demand("US", "us.ecpa.warrant", "2020-07-01T00:00:00+00:00", accounts=2,
                     produced=True, role="judge",
                     notices=[("user", "sent"), ("user", "delayed")])
    d["w2"] = demand("US", "us.ecpa.warrant", "2020-09-15T12:00:00+00:00", produced=True,
                     notices=[("user", "barred")])
    d["w3"] = demand("US", "us.ecpa.warrant", "2020-12-31T23:59:59+00:00", failed_export=True)
    d["sub"] = demand("US", "us.ecpa.subpoena", "2020-10-10T10:00:00+00:00", accounts=3,
                      notices=[("user", "pending"), ("acknowledgement", "sent")])
    d["em1"] = demand("US", "us.ecpa.emergency", "2020-11-02T03:00:00+00:00", emergency=True,
                      produced=True)
    d["em2"] = demand("US", "us.ecpa.emergency", "2020-11-03T03:00:00+00:00", emergency=True,
                      accounts=2, status="rejected")
    d["pr1"] = demand("US", "us.ecpa.preservation", "2020-08-08T08:00:00+00:00",
                      asks=("preserve",), accounts=2,
                      actions=[("preserve", "succeeded"), ("preserve", "succeeded")])
    d["pr2"] = demand("US", "us.ecpa.preservation", "2020-08-09T08:00:00+00:00",
                      asks=("preserve",), status="rejected")
    d["nsl"] = demand("US", "us.nsl", "2020-09-01T00:00:00+00:00", accounts=3)
    # Hong Kong: a removal order refused, identification requests held by policy, one
    # routed to MLAT, an unknown instrument, a Schedule 7 court order without production.
    d["hk_rm"] = demand("HK", "hk.nsl43.sch4", "2020-07-20T02:00:00+00:00",
                        asks=("restrict_content",), accounts=0, content=5, status="rejected")
    d["hk_held"] = demand("HK", "hk.nsl43.sch4", "2020-07-21T02:00:00+00:00",
                          status="on_hold", findings=["policy.jurisdiction_paused"])
    d["hk_mlat"] = demand("HK", "hk.nsl43.sch4", "2020-09-15T02:00:00+00:00",
                          status="rejected",
                          findings=["policy.jurisdiction_paused", "policy.route_mlat"],
                          notices=[("mlat_referral", "sent")])
    d["hk_unknown"] = demand("HK", "hk.made.up", "2020-08-01T02:00:00+00:00", accounts=2,
                             status="in_review")
    d["hk_sch7"] = demand("HK", "hk.nsl43.sch7", "2020-11-01T02:00:00+00:00")
    # Brazil: a court withholds in BR (3 of 4 items), police suspend and terminate.
    d["br_court"] = demand("BR", "generic.court_order", "2020-10-01T00:00:00+00:00",
                           asks=("restrict_content",), accounts=0, content=4,
                           authority_kind="court", territories=["BR"],
                           actions=[("withhold", "succeeded")] * 3 + [("withhold", "failed")])
    d["br_police"] = demand("BR", "generic.police_request", "2020-10-02T00:00:00+00:00",
                            asks=("restrict_account",), accounts=2,
                            actions=[("suspend", "succeeded"), ("terminate", "succeeded")])
    # Germany: a judge's removal order, an e-Evidence production.
    d["de_court"] = demand("DE", "generic.court_order", "2020-10-05T00:00:00+00:00",
                           asks=("restrict_content",), accounts=0, content=2, role="judge",
                           actions=[("remove", "succeeded"), ("disable", "succeeded")])
    d["de_epoc"] = demand("DE", "eu.evidence.epoc", "2020-11-20T08:00:00+00:00",
                          produced=True)
    # Outside 2020-H2.
    demand("US", "us.ecpa.warrant", "2020-06-30T23:59:59+00:00", produced=True)
    demand("US", "us.ecpa.warrant", "2021-01-01T00:00:00+00:00")
    return d


def test_user_data_requests(world: Any) -> None:
    table = build_report("2020-H2")["user_data_requests"]
    assert table.columns == USER_DATA_COLUMNS
    assert table.rows == [
        (END, "Germany", "DE", "European Production Order", 1, 100, 1),
        (END, "Hong Kong SAR China", "HK", "Court Order", 1, 0, 1),
        (END, "Hong Kong SAR China", "HK", "Other Legal Process", 3, 0, 4),
        (END, "United States", "US", "Emergency Disclosure Request", 2, 50, 3),
        (END, "United States", "US", "Search Warrant", 3, 67, 4),
        (END, "United States", "US", "Subpoena", 1, 0, 3),
    ]


def test_national_security_letters_appear_only_in_bands(world: Any) -> None:
    report = build_report("2020-H2")
    assert all(r[3] != "National Security Letter" for r in report["user_data_requests"].rows)
    # FISA process is reported in the same bands (50 U.S.C. 1874), as zero when none came.
    assert report["national_security_requests"].rows == [
        (END, "United States", "US", "FISA", "0-499", "0-499"),
        (END, "United States", "US", "National Security Letter", "0-499", "0-499")]


def test_restriction_requests(world: Any) -> None:
    assert build_report("2020-H2")["restriction_requests"].rows == [
        (END, "Brazil", "BR", "Court orders", 1, 4, 100, 0, 3, 0, 0),
        (END, "Brazil", "BR", "Other requests (executive, police, etc.)", 1, 2, 100, 0, 0, 1, 1),
        (END, "Germany", "DE", "Court orders", 1, 2, 100, 2, 0, 0, 0),
        (END, "Hong Kong SAR China", "HK", "Other requests (executive, police, etc.)",
         1, 5, 0, 0, 0, 0, 0),
    ]


def test_items_withheld_by_territory(world: Any) -> None:
    assert build_report("2020-H2")["items_withheld_by_territory"].rows == [
        (END, "Brazil", "BR", "BR", 3)]


def test_emergency_and_preservation(world: Any) -> None:
    report = build_report("2020-H2")
    assert report["emergency_requests"].rows == [
        (END, "United States", "US", 2, 3, 1, 50, 1, 0)]
    assert report["preservation_requests"].rows == [
        (END, "United States", "US", 2, 3, 2, 50)]


def test_user_notices(world: Any) -> None:
    assert build_report("2020-H2")["user_notices"].rows == [
        (END, "United States", "US", 1, 1, 1, 1)]


def test_held_or_routed_by_policy(world: Any) -> None:
    # Hong Kong: five demands, four for data; two held by the pause, one routed to MLAT,
    # one still on hold, and no data produced.
    assert build_report("2020-H2")["held_or_routed_by_policy"].rows == [
        (END, "Hong Kong SAR China", "HK", 5, 4, 2, 1, 1, 0)]


def test_a_period_without_data_is_a_report_of_zeros(world: Any) -> None:
    report = build_report("2019-H1")
    assert set(report.tables) == set(TABLES)
    assert all(not t.rows for name, t in report.tables.items()
               if name != "national_security_requests")
    assert report["national_security_requests"].rows == [
        ("2019-06-30", "United States", "US", "FISA", "0-499", "0-499"),
        ("2019-06-30", "United States", "US", "National Security Letter", "0-499", "0-499")]


def test_any_date_range(world: Any) -> None:
    report = build_report("2020-10-01/2020-10-10")
    assert [(r[1], r[3], r[4]) for r in report["restriction_requests"].rows] == [
        ("Brazil", "Court orders", 1), ("Brazil", "Other requests (executive, police, etc.)", 1),
        ("Germany", "Court orders", 1)]
    assert rows(report["user_data_requests"]) == [
        {"Period Ending": "2020-10-10", "Country": "United States",
         "CLDR Territory Code": "US", "Legal Process": "Subpoena", "User Data Requests": 1,
         "Percentage of requests where some data produced": 0,
         "Users/Accounts Specified": 3}]


def test_other_periods(world: Any) -> None:
    h1 = user_data_requests("2020-H1")
    assert [(r.period_ending.isoformat(), r.country, r.requests) for r in h1] == [
        ("2020-06-30", "United States", 1)]
    assert sum(r.requests for r in user_data_requests("2020-q3")) == 5
    assert user_data_requests("2021-H1")[0].requests == 1


def test_changes_after_a_report_show_in_the_next(world: Any) -> None:
    assert build_report("2020-H2")["user_data_requests"].rows[5][4:] == (1, 0, 3)
    Action.objects.create(demand=world["sub"], kind="export", status="succeeded",
                          idempotency_key="late-export")
    assert build_report("2020-H2")["user_data_requests"].rows[5][4:] == (1, 100, 3)
    assert not StaleDemand.objects.exists()


def test_demands_loaded_without_the_orm_are_counted(world: Any) -> None:
    DemandTally.objects.all().delete()
    StaleDemand.objects.all().delete()
    assert build_report("2020-H2")["user_data_requests"].rows[0][4] == 1
    assert tally.rebuild() == Demand.objects.count()


def test_the_query_count_does_not_grow_with_demands(world: Any) -> None:
    build_report("2020-H2")
    with CaptureQueriesContext(connection) as before:
        build_report("2020-H2")
    for _ in range(20):
        demand("FR", "eu.evidence.epoc", "2020-10-01T00:00:00+00:00", produced=True)
    build_report("2020-H2")
    with CaptureQueriesContext(connection) as after:
        report = build_report("2020-H2")
    assert len(after.captured_queries) == len(before.captured_queries) <= 12
    assert [r[4] for r in report["user_data_requests"].rows if r[2] == "FR"] == [20]


def test_greek_authorities_are_reported_under_iso_gr(db: Any) -> None:
    demand("EL", "eu.evidence.epoc", "2020-10-01T00:00:00+00:00")
    demand("GR", "eu.evidence.epoc", "2020-10-02T00:00:00+00:00")
    assert build_report("2020-H2")["user_data_requests"].rows == [
        (END, "Greece", "GR", "European Production Order", 2, 0, 2)]


def test_percent_and_band() -> None:
    assert [percent(1, 8), percent(2, 3), percent(1, 3), percent(1, 200), percent(0, 0)] == [
        13, 67, 33, 1, 0]
    assert [band(0, 500), band(499, 500), band(500, 500), band(251, 250)] == [
        "0-499", "0-499", "500-999", "250-499"]
