"""The user-data-requests table, in Google's columns, from grouped queries."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from itertools import count
from typing import Any

import pytest

from dueprocess.demands.models import Action, Ask, Authority, Demand, Target
from dueprocess.transparency.exporters import render_report
from dueprocess.transparency.reports import (
    USER_DATA_COLUMNS,
    parse_period,
    percent,
    user_data_requests,
)

HEADER = ("Period Ending,Country,CLDR Territory Code,Legal Process,User Data Requests,"
          "Percentage of requests where some data produced,Users/Accounts Specified")

_keys = count()


def _authority(slug: str, jurisdiction: str) -> Authority:
    return Authority.objects.get_or_create(
        slug=slug, defaults={"name": slug, "jurisdiction": jurisdiction, "kind": "police"})[0]


def demand(jurisdiction: str, instrument: str, received: str, *, accounts: int = 1,
           content: int = 0, produced: bool = False, failed_export: bool = False,
           asks: tuple[str, ...] = ("disclose",)) -> Demand:
    """A demand as stored after intake and execution, created directly for speed."""
    d = Demand.objects.create(
        authority=_authority(f"auth-{jurisdiction.lower()}", jurisdiction),
        reference=f"R-{next(_keys)}", instrument=instrument, jurisdiction=jurisdiction,
        received_at=datetime.fromisoformat(received), status="completed")
    for i, kind in enumerate(asks):
        Ask.objects.create(demand=d, position=i, kind=kind,
                           data_categories=["subscriber"] if kind == "disclose" else [])
    targets = [Target.objects.create(demand=d, type="account", identifier=f"acc{i}")
               for i in range(accounts)]
    for i in range(content):
        Target.objects.create(demand=d, type="content", identifier=f"https://x/{i}")
    for status, wanted in (("succeeded", produced), ("failed", failed_export)):
        if wanted:
            Action.objects.create(demand=d, target=targets[0], kind="export", status=status,
                                  idempotency_key=f"k-{next(_keys)}")
    return d


def _rows(period: str) -> list[dict[str, Any]]:
    return [r.as_dict() for r in user_data_requests(period)]


@pytest.fixture
def world(db: Any) -> None:
    # 2020 H2, US: three warrants (two produced data), one subpoena (none produced).
    demand("US", "us.ecpa.warrant", "2020-07-01T00:00:00+00:00", accounts=2, produced=True)
    demand("US", "us.ecpa.warrant", "2020-09-15T12:00:00+00:00", produced=True)
    demand("US", "us.ecpa.warrant", "2020-12-31T23:59:59+00:00", failed_export=True)
    demand("US", "us.ecpa.subpoena", "2020-10-10T10:00:00+00:00", accounts=3)
    # HK: Schedule 4 and an unknown instrument both count as "Other Legal Process".
    demand("HK", "hk.nsl43.sch4", "2020-07-20T02:00:00+00:00", content=5)
    demand("HK", "hk.made.up", "2020-08-01T02:00:00+00:00", accounts=2)
    demand("HK", "hk.nsl43.sch7", "2020-11-01T02:00:00+00:00", produced=True)
    # Germany, one e-Evidence order that produced data.
    demand("DE", "eu.evidence.epoc", "2020-11-20T08:00:00+00:00", produced=True)
    # Not in 2020 H2: first half, next year, or no disclose ask at all.
    demand("US", "us.ecpa.warrant", "2020-06-30T23:59:59+00:00", produced=True)
    demand("US", "us.ecpa.warrant", "2021-01-01T00:00:00+00:00")
    demand("US", "us.ecpa.preservation", "2020-08-08T08:00:00+00:00", asks=("preserve",))
    demand("HK", "hk.nsl43.sch4", "2020-07-21T02:00:00+00:00", asks=("restrict_content",))


def test_rows_by_country_and_legal_process(world: None) -> None:
    assert _rows("2020-H2") == [
        {"Period Ending": "2020-12-31", "Country": "Germany", "CLDR Territory Code": "DE",
         "Legal Process": "European Production Order", "User Data Requests": 1,
         "Percentage of requests where some data produced": 100,
         "Users/Accounts Specified": 1},
        {"Period Ending": "2020-12-31", "Country": "Hong Kong SAR China",
         "CLDR Territory Code": "HK", "Legal Process": "Court Order",
         "User Data Requests": 1, "Percentage of requests where some data produced": 100,
         "Users/Accounts Specified": 1},
        {"Period Ending": "2020-12-31", "Country": "Hong Kong SAR China",
         "CLDR Territory Code": "HK", "Legal Process": "Other Legal Process",
         "User Data Requests": 2, "Percentage of requests where some data produced": 0,
         "Users/Accounts Specified": 3},
        {"Period Ending": "2020-12-31", "Country": "United States",
         "CLDR Territory Code": "US", "Legal Process": "Search Warrant",
         "User Data Requests": 3, "Percentage of requests where some data produced": 67,
         "Users/Accounts Specified": 4},
        {"Period Ending": "2020-12-31", "Country": "United States",
         "CLDR Territory Code": "US", "Legal Process": "Subpoena",
         "User Data Requests": 1, "Percentage of requests where some data produced": 0,
         "Users/Accounts Specified": 3},
    ]


def test_other_periods(world: None) -> None:
    h1 = _rows("2020-H1")
    assert [(r["Period Ending"], r["Country"], r["User Data Requests"]) for r in h1] == [
        ("2020-06-30", "United States", 1)]
    q3 = _rows("2020-q3")
    assert {r["Period Ending"] for r in q3} == {"2020-09-30"}
    assert sum(r["User Data Requests"] for r in q3) == 4
    year = _rows("2020")
    assert {r["Period Ending"] for r in year} == {"2020-12-31"}
    assert sum(r["User Data Requests"] for r in year) == 9
    assert _rows("2021-H1")[0]["User Data Requests"] == 1
    assert _rows("2019") == []


def test_the_query_count_does_not_grow_with_demands(world: None,
                                                    django_assert_max_num_queries: Any) -> None:
    with django_assert_max_num_queries(1):
        user_data_requests("2020-H2")
    for _ in range(20):
        demand("FR", "eu.evidence.epoc", "2020-10-01T00:00:00+00:00", produced=True)
    with django_assert_max_num_queries(1):
        rows = user_data_requests("2020-H2")
    assert [r.requests for r in rows if r.territory_code == "FR"] == [20]


@pytest.mark.parametrize(("text", "start", "end"), [
    ("2020-H1", date(2020, 1, 1), date(2020, 6, 30)),
    ("2020-H2", date(2020, 7, 1), date(2020, 12, 31)),
    ("2020", date(2020, 1, 1), date(2020, 12, 31)),
    ("2020-Q1", date(2020, 1, 1), date(2020, 3, 31)),
    ("2020-Q3", date(2020, 7, 1), date(2020, 9, 30)),
    (" 2024-q4 ", date(2024, 10, 1), date(2024, 12, 31)),
])
def test_periods(text: str, start: date, end: date) -> None:
    period = parse_period(text)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize("text", ["2020-H3", "2020-Q5", "2020-Q0", "H2-2020", "20-H1", "",
                                  "2020-07", "2020H2", "0000", "2020-H2; DROP TABLE"])
def test_invalid_periods_are_refused_clearly(text: str) -> None:
    with pytest.raises(ValueError, match=r"invalid period .*2020-H1, 2020-H2"):
        parse_period(text)


def test_percent_rounds_halves_up() -> None:
    assert [percent(1, 8), percent(2, 3), percent(1, 3), percent(1, 200), percent(0, 0)] == [
        13, 67, 33, 1, 0]


def test_csv_has_exactly_the_google_header(world: None) -> None:
    text = render_report("2020-H2", "csv").decode("utf-8")
    lines = text.splitlines()
    assert lines[0] == HEADER
    assert tuple(lines[0].split(",")) == USER_DATA_COLUMNS
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert len(parsed) == 5
    assert parsed[-2]["Percentage of requests where some data produced"] == "67"
    assert render_report("2019", "csv").decode() == HEADER + "\n"


def test_json_lists_objects_with_the_same_keys(world: None) -> None:
    body = json.loads(render_report("2020-H2", "JSON"))
    assert (body["period"], body["period_start"], body["period_end"]) == (
        "2020-H2", "2020-07-01", "2020-12-31")
    assert body["columns"] == list(USER_DATA_COLUMNS)
    assert all(tuple(row) == USER_DATA_COLUMNS for row in body["rows"])
    assert body["rows"] == _rows("2020-H2")


def test_unknown_formats_and_periods_are_errors(db: Any) -> None:
    with pytest.raises(ValueError, match="unsupported format"):
        render_report("2020-H2", "pdf")
    with pytest.raises(ValueError, match="invalid period"):
        render_report("2020-H9", "csv")
