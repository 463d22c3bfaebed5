"""Periods, date ranges and the three file formats."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

import pytest
from openpyxl import load_workbook

from dueprocess.errors import InvalidInput
from dueprocess.transparency.exporters import render_report
from dueprocess.transparency.periods import (
    last_complete_half_year,
    parse_period,
    resolve,
)
from dueprocess.transparency.reports import TABLES, USER_DATA_COLUMNS
from tests.transparency.factories import demand

HEADER = ("Period Ending,Country,CLDR Territory Code,Legal Process,User Data Requests,"
          "Percentage of requests where some data produced,Users/Accounts Specified")


@pytest.mark.parametrize(("text", "start", "end"), [
    ("2020-H1", date(2020, 1, 1), date(2020, 6, 30)),
    ("2020-H2", date(2020, 7, 1), date(2020, 12, 31)),
    ("2020", date(2020, 1, 1), date(2020, 12, 31)),
    ("2020-Q1", date(2020, 1, 1), date(2020, 3, 31)),
    ("2020-Q3", date(2020, 7, 1), date(2020, 9, 30)),
    (" 2024-q4 ", date(2024, 10, 1), date(2024, 12, 31)),
    ("2020-07-15/2020-08-14", date(2020, 7, 15), date(2020, 8, 14)),
    ("2024-02-29..2024-02-29", date(2024, 2, 29), date(2024, 2, 29)),
])
def test_periods(text: str, start: date, end: date) -> None:
    period = parse_period(text)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize("text", ["2020-H3", "2020-Q5", "2020-Q0", "H2-2020", "20-H1", "",
                                  "2020-07", "2020H2", "0000", "2020-H2; DROP TABLE",
                                  "2020-12-31/2020-01-01", "2020-02-30/2020-03-01",
                                  "2020-01-01/3020-01-01"])
def test_malformed_periods_are_refused_clearly(text: str) -> None:
    with pytest.raises(ValueError, match=r"invalid|before|at most|out of range") as caught:
        parse_period(text)
    assert isinstance(caught.value, InvalidInput)


def test_ranges_need_both_ends_and_default_to_the_last_half_year() -> None:
    with pytest.raises(InvalidInput, match="both start and end"):
        resolve(None, "2020-01-01", None)
    with pytest.raises(InvalidInput, match="either period or start"):
        resolve("2020-H1", "2020-01-01", "2020-02-01")
    assert resolve(None, "2020-01-01", "2020-01-31").end == date(2020, 1, 31)
    assert last_complete_half_year(date(2021, 3, 5)).label == "2020-H2"
    assert last_complete_half_year(date(2021, 7, 1)).label == "2021-H1"


@pytest.fixture
def small(db: Any) -> None:
    demand("US", "us.ecpa.warrant", "2020-07-01T00:00:00+00:00", accounts=2, produced=True)
    demand("US", "us.ecpa.warrant", "2020-08-01T00:00:00+00:00")
    demand("US", "us.ecpa.warrant", "2020-09-01T00:00:00+00:00", produced=True)
    demand("BR", "generic.court_order", "2020-10-01T00:00:00+00:00",
           asks=("restrict_content",), accounts=0, content=2, authority_kind="court",
           territories=["BR"], actions=[("withhold", "succeeded")])


def test_csv_has_exactly_the_google_header(small: None) -> None:
    text = render_report("2020-H2", "csv").decode("utf-8")
    assert text.splitlines()[0] == HEADER
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert parsed == [{"Period Ending": "2020-12-31", "Country": "United States",
                       "CLDR Territory Code": "US", "Legal Process": "Search Warrant",
                       "User Data Requests": "3",
                       "Percentage of requests where some data produced": "67",
                       "Users/Accounts Specified": "4"}]
    assert render_report("2019", "csv").decode() == HEADER + "\n"


def test_csv_of_another_table(small: None) -> None:
    text = render_report("2020-H2", "csv", "items_withheld_by_territory").decode()
    assert text == ("Period Ending,Country,CLDR Territory Code,Withheld In,Items Withheld\n"
                    "2020-12-31,Brazil,BR,BR,1\n")


def test_json_holds_every_table(small: None) -> None:
    body = json.loads(render_report("2020-H2", "JSON"))
    assert (body["period"], body["period_start"], body["period_end"]) == (
        "2020-H2", "2020-07-01", "2020-12-31")
    assert list(body["tables"]) == list(TABLES)
    user_data = body["tables"]["user_data_requests"]
    assert user_data["columns"] == list(USER_DATA_COLUMNS)
    assert user_data["rows"][0]["Percentage of requests where some data produced"] == 67
    one = json.loads(render_report("2020-H2", "json", "restriction_requests"))
    assert list(one["tables"]) == ["restriction_requests"]


def test_xlsx_has_a_typed_sheet_per_table(small: None) -> None:
    book = load_workbook(io.BytesIO(render_report("2020-H2", "xlsx")))
    assert book.sheetnames == [t[:31] for t in TABLES]
    sheet = book["user_data_requests"]
    assert [c.value for c in sheet[1]] == list(USER_DATA_COLUMNS)
    assert [c.value for c in sheet[2]] == ["2020-12-31", "United States", "US",
                                           "Search Warrant", 3, 67, 4]


def test_unknown_formats_and_tables_are_errors(db: Any) -> None:
    with pytest.raises(InvalidInput, match="unsupported format"):
        render_report("2020-H2", "pdf")
    with pytest.raises(InvalidInput, match="unknown table"):
        render_report("2020-H2", "csv", "everything")
    with pytest.raises(InvalidInput, match="invalid period"):
        render_report("2020-H9", "csv")
