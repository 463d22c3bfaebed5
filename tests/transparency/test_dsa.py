"""The DSA sheet 3_member_states_orders, against the official template cell by cell."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from dueprocess.transparency import dsa
from dueprocess.transparency.periods import date_range
from tests.transparency.factories import demand

PACKAGED = Path(dsa.__file__).parent / "data"  # the official files, shipped unchanged
SPEECH = "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH"
H1 = date_range(date(2025, 1, 1), date(2025, 6, 30))


def official_csv() -> list[list[str]]:
    source = PACKAGED / dsa.TEMPLATE_CSV
    return list(csv.reader(io.StringIO(source.read_text(encoding="utf-8"))))


#: SHA-256 of the European Commission's files (Implementing Regulation (EU) 2024/2835).
OFFICIAL_SHA256 = {
    "3_member_states_orders.csv":
        "1c4f6d84ac0cea4b306eb05451bc7477bb94ac0e68b672152628b5ae3524245b",
    "annex-i-templates.xlsx":
        "e964fc74845cbca8d22c6ba9d1de0b605cffe2eabdd3d598f1bfd80a0e5ee90b",
    "1_report_identification.csv":
        "355166db774836d59ac3d91994680bcd9821e2c0e1557322b5f3e8f4007a82cd",
}


def test_the_packaged_template_is_the_official_one() -> None:
    assert {dsa.TEMPLATE_CSV, dsa.TEMPLATE_XLSX} <= set(OFFICIAL_SHA256)
    for name, digest in OFFICIAL_SHA256.items():
        assert hashlib.sha256((PACKAGED / name).read_bytes()).hexdigest() == digest


def _blocks(rows: list[list[str]]) -> Iterator[tuple[str, list[list[str]]]]:
    """Consecutive rows with the same scope (column F)."""
    current: list[list[str]] = []
    for row in rows:
        if current and row[dsa.C_SCOPE] != current[0][dsa.C_SCOPE]:
            yield current[0][dsa.C_SCOPE], current
            current = []
        current.append(row)
    if current:
        yield current[0][dsa.C_SCOPE], current


@pytest.fixture
def orders(db: Any) -> None:
    # Germany: hate speech removed within 10 h (acknowledged in 30 minutes, counts as 0),
    # defamation and hate speech in 30 h, and an order without category refused.
    demand("DE", "eu.dsa.art9", "2025-03-11T08:30:00+00:00", asks=("restrict_content",),
           accounts=0, content=3, ack_hours=0.5, action_hours=10, category=SPEECH,
           keywords=["KEYWORD_HATE_SPEECH"], actions=[("remove", "succeeded")] * 3)
    demand("DE", "eu.dsa.art9", "2025-04-01T00:00:00+00:00", asks=("restrict_content",),
           accounts=0, content=1, ack_hours=3, action_hours=30, category=SPEECH,
           keywords=["KEYWORD_HATE_SPEECH", "KEYWORD_DEFAMATION"],
           actions=[("withhold", "succeeded")], territories=["DE"])
    demand("DE", "eu.dsa.art9", "2025-04-02T00:00:00+00:00", asks=("restrict_content",),
           accounts=0, content=2, status="rejected")
    # Greece, stored with its ISO code: reported as EL.
    demand("GR", "eu.dsa.art9", "2025-02-01T00:00:00+00:00", asks=("restrict_content",),
           accounts=0, content=1, ack_hours=2, action_hours=5,
           category="STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
           keywords=["KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL"], actions=[("remove", "succeeded")])
    # France: orders to provide information, one answered in 48 h, one still open.
    demand("FR", "eu.dsa.art10", "2025-05-06T10:00:00+00:00", ack_hours=1.5,
           action_hours=48, produced=True, category=SPEECH)
    demand("FR", "eu.dsa.art10", "2025-05-07T10:00:00+00:00", ack_hours=0.2,
           status="in_review", category=SPEECH)
    # Not counted: not a Member State, another instrument, outside the period.
    demand("XX", "eu.dsa.art9", "2025-03-01T00:00:00+00:00", asks=("restrict_content",))
    demand("US", "eu.dsa.art9", "2025-03-02T00:00:00+00:00", asks=("restrict_content",))
    demand("DE", "generic.court_order", "2025-03-03T00:00:00+00:00",
           asks=("restrict_content",), content=9)
    demand("DE", "eu.dsa.art9", "2025-07-01T00:00:00+00:00", asks=("restrict_content",))


def _row(sheet: dsa.MemberStateOrders, scope: str, label: str,
         category: str | None = None) -> list[str]:
    for values in sheet.rows:
        if (values[dsa.C_SCOPE] == scope and values[dsa.C_CATEGORY] == label
                and (category is None or _parent(sheet, values) == category)):
            return values
    raise AssertionError(f"no row {scope} {label}")


def _parent(sheet: dsa.MemberStateOrders, values: list[str]) -> str:
    parent = ""
    for row in sheet.rows:
        if row[dsa.C_CATEGORY].startswith("STATEMENT_CATEGORY_"):
            parent = row[dsa.C_CATEGORY]
        if row is values:
            return parent
    return parent


def test_structure_matches_the_official_csv(orders: None) -> None:
    official = official_csv()
    sheet = dsa.member_state_orders(H1, service="Demo")
    text = dsa.to_csv(sheet).decode("utf-8")
    assert "\r\n" in text and text.endswith("\r\n")
    produced = list(csv.reader(io.StringIO(text)))
    assert produced[0] == official[0]
    assert len(produced[0]) == 20
    blocks = list(_blocks(produced[1:]))
    template_blocks = dict(_blocks(official[1:]))
    assert [scope for scope, _ in blocks] == ["TOTAL", "DE", "EL", "FR"]
    for scope, rows in blocks:
        expected = template_blocks["TOTAL" if scope == "TOTAL" else dsa.MS_PLACEHOLDER]
        assert len(rows) == len(expected)
        for got, want in zip(rows, expected, strict=True):
            assert got[dsa.C_APPLICABILITY] == want[dsa.C_APPLICABILITY]
            assert got[dsa.C_CATEGORY] == want[dsa.C_CATEGORY]
            assert got[dsa.C_SERVICE] == "Demo"
            assert got[dsa.C_PERIOD] == "2025-01-01/2025-06-30"
            assert got[dsa.C_OTHER] == ""
            for column in (dsa.C_ACT_N, dsa.C_ACT_ITEMS, dsa.C_INFO_N):
                assert got[column].isdigit()


def test_totals_and_medians(orders: None) -> None:
    sheet = dsa.member_state_orders(H1)
    total = _row(sheet, "TOTAL", "TOTAL")
    # Orders to act: DE x3 + EL; items 3+1+2+1; acknowledgements 0 (within an hour), 3, 2
    # (one missing); effect 10, 30, 5 (one refused).
    assert total[6:13] == ["4", "7", "2", "10", "2", "0.75", "48"]
    assert total[dsa.C_CTX_ACT_ACK] == ("Excluded from the median: 1 order without a "
                                        "recorded acknowledgement time.")
    assert total[dsa.C_CTX_ACT_EFFECT] == ("Excluded from the median: 1 order not given "
                                           "effect (refused or withdrawn).")
    assert total[dsa.C_CTX_INFO_EFFECT] == ("Excluded from the median: 1 order not yet "
                                            "given effect.")
    assert "US (1)" in total[dsa.C_CTX_ACT_N] and "XX (1)" in total[dsa.C_CTX_ACT_N]


def test_categories_keywords_and_states(orders: None) -> None:
    sheet = dsa.member_state_orders(H1)
    assert _row(sheet, "TOTAL", SPEECH)[6:13] == ["2", "4", "1.5", "20", "2", "0.75", "48"]
    assert _row(sheet, "TOTAL", "KEYWORD_HATE_SPEECH")[6:13] == [
        "2", "4", "1.5", "20", "0", "0", "0"]
    assert _row(sheet, "DE", "KEYWORD_DEFAMATION")[6:10] == ["1", "1", "3", "30"]
    # Applicable but none received: 0 everywhere, including the other "Other" keywords.
    assert _row(sheet, "DE", "STATEMENT_CATEGORY_ANIMAL_WELFARE")[6:13] == ["0"] * 7
    assert _row(sheet, "DE", "KEYWORD_OTHER", SPEECH)[6:13] == ["0"] * 7
    # Orders exist but no time could be measured: blank median, explained.
    not_specified = _row(sheet, "DE", dsa.NOT_SPECIFIED)
    assert not_specified[6:10] == ["1", "2", "", ""]
    assert not_specified[dsa.C_CTX_ACT_ACK].startswith("Excluded from the median: 1 order")
    greece = _row(sheet, "EL", "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL")
    assert greece[6:10] == ["1", "1", "2", "5"]
    assert _row(sheet, "FR", "TOTAL")[6:13] == ["0", "0", "0", "0", "2", "0.75", "48"]


def test_an_order_whose_every_action_was_cancelled_counts_as_not_given_effect(
        db: Any) -> None:
    # The user's objection was upheld: the export never ran, the demand completed.
    demand("FR", "eu.dsa.art10", "2025-05-06T10:00:00+00:00", ack_hours=1.5,
           actions=[("export", "cancelled")], category=SPEECH)
    total = _row(dsa.member_state_orders(H1), "TOTAL", "TOTAL")
    assert total[dsa.C_CTX_INFO_EFFECT] == ("Excluded from the median: 1 order not given "
                                            "effect (refused or withdrawn).")


def test_a_period_without_orders_has_only_the_total_block_of_zeros(db: Any) -> None:
    sheet = dsa.member_state_orders(H1)
    assert sheet.states == []
    assert len(sheet.rows) == len(dsa.template().total_block)
    assert all(r[6:13] == ["0"] * 7 for r in sheet.rows)


def test_member_state_codes() -> None:
    assert dsa.eurostat_code("gr") == "EL"
    assert dsa.eurostat_code("EL") == "EL"
    assert dsa.eurostat_code("DE") == "DE"
    assert [dsa.eurostat_code(c) for c in ("UK", "GB", "EU", "XX", "", "CH")] == [None] * 6
    assert len(dsa.MEMBER_STATES) == 27


def test_hours_are_formatted_without_noise() -> None:
    assert [dsa.format_hours(v) for v in (0, 36.0, 1.5, 2.333333, 0.004)] == [
        "0", "36", "1.5", "2.33", "0"]


def _values(ws: Any) -> list[tuple[Any, ...]]:
    """Non-empty rows without trailing empty cells (read-only sheets trim differently)."""
    out = []
    for row in ws.iter_rows(values_only=True):
        values = list(row)
        while values and values[-1] is None:
            values.pop()
        if values:
            out.append(tuple(values))
    return out


@pytest.fixture(scope="module")
def official() -> Any:
    return load_workbook(PACKAGED / dsa.TEMPLATE_XLSX, read_only=True)


def test_xlsx_is_the_official_workbook_filled(orders: None, official: Any) -> None:
    sheet = dsa.member_state_orders(H1, service="Demo")
    data = dsa.to_xlsx(sheet, provider="Demo Provider B.V.", published=date(2025, 8, 1),
                       previous=date(2025, 2, 1))
    book = load_workbook(io.BytesIO(data), read_only=True)
    assert book.sheetnames == official.sheetnames
    ws = book[dsa.SHEET]
    assert [c.value for c in ws[1]][:20] == [c.value for c in official[dsa.SHEET][1]][:20]
    written = [[("" if v is None else str(v)) for v in r[:20]]
               for r in ws.iter_rows(min_row=2, values_only=True) if any(r)]
    assert len(written) == len(sheet.rows)
    for got, want in zip(written, sheet.rows, strict=True):
        assert got[:6] == want[:6]
        assert [float(x) if x else None for x in got[6:13]] == [
            float(x) if x else None for x in want[6:13]]
    assert next(ws.iter_rows(min_row=2, max_row=2, values_only=True))[6] == 4  # a number
    ident = {r[2]: (r[1], r[3]) for r in book[dsa.IDENTIFICATION_SHEET].iter_rows(
        min_row=2, values_only=True) if r[2]}
    assert ident == {
        "Name of the service provider": ("Demo", "Demo Provider B.V."),
        "Date of the publication of the report": ("Demo", "2025-08-01"),
        "Date of the publication of the latest previous report": ("Demo", "2025-02-01"),
        "Starting date of reporting period": ("Demo", "2025-01-01"),
        "Ending date of reporting period": ("Demo", "2025-06-30"),
    }
    for name in official.sheetnames:
        if name in (dsa.SHEET, dsa.IDENTIFICATION_SHEET):
            continue
        assert _values(book[name]) == _values(official[name]), name


def test_xlsx_without_orders_drops_the_member_state_placeholder(db: Any) -> None:
    book = load_workbook(io.BytesIO(dsa.to_xlsx(dsa.member_state_orders(H1))),
                         read_only=True)
    scopes = {r[dsa.C_SCOPE] for r in book[dsa.SHEET].iter_rows(min_row=2, values_only=True)
              if any(r)}
    assert scopes == {"TOTAL"}
