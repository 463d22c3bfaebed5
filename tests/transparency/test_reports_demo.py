"""The demo scenario's July 2020 week, as the 2020-H2 report tells it."""

from __future__ import annotations

import pytest
from django.test import Client

from dueprocess.demo.scenario import load_scenario
from dueprocess.transparency import dsa
from dueprocess.transparency.periods import parse_period
from dueprocess.transparency.reports import build_report

pytestmark = pytest.mark.django_db(transaction=True)


def test_hong_kong_2020_h2_received_and_produced_nothing(client: Client) -> None:
    load_scenario()
    report = build_report("2020-H2")
    (held,) = [r for r in report["held_or_routed_by_policy"].dicts()
               if r["CLDR Territory Code"] == "HK"]
    assert held["Demands Received"] == 4
    assert held["User Data Requests"] == 2
    assert held["Held by Policy"] + held["Routed to MLAT"] >= 2
    assert held["Requests where some data produced"] == 0
    hk_data = [r for r in report["user_data_requests"].dicts()
               if r["CLDR Territory Code"] == "HK"]
    assert sum(r["User Data Requests"] for r in hk_data) == 2
    assert all(r["Percentage of requests where some data produced"] == 0 for r in hk_data)
    # The two DSA orders of the German authority are on the sheet for 2025-H1.
    sheet = dsa.member_state_orders(parse_period("2025-H1"))
    assert sheet.states == ["DE"]
    total = sheet.rows[0]
    assert (total[dsa.C_ACT_N], total[dsa.C_INFO_N]) == ("1", "1")
    page = client.get("/transparency/country/HK/?period=2020-H2").content.decode()
    assert "Demands held or routed to MLAT by policy" in page
