"""Serialise transparency tables into the files that are published.

CSV holds one table with its exact column headers (for user-data requests, the headers of
Google's published CSV, so existing analyses read dueprocess reports unchanged); JSON and
XLSX hold every table of the period, XLSX as one typed sheet per table.
"""

from __future__ import annotations

import io
import json
from typing import Any

from django.utils.translation import gettext as _

from dueprocess.exports import append_row, csv_text
from dueprocess.transparency.periods import Period, PeriodError
from dueprocess.transparency.reports import Report, Table, build_report, check_table

FORMATS = ("csv", "json", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
DEFAULT_CSV_TABLE = "user_data_requests"


def check_format(fmt: str | None) -> str:
    kind = (fmt or "json").strip().lower()
    if kind not in FORMATS:
        raise PeriodError(_("unsupported format %(fmt)r: use one of %(formats)s")
                          % {"fmt": fmt, "formats": ', '.join(FORMATS)},
                          field="format")
    return kind


def table_csv(table: Table) -> bytes:
    return csv_text(table.columns, table.rows).encode("utf-8")


def _period_dict(period: Period) -> dict[str, str]:
    return {"period": period.label, "period_start": period.start.isoformat(),
            "period_end": period.end.isoformat()}


def report_json(report: Report, tables: list[Table]) -> bytes:
    body: dict[str, Any] = {
        "report": "transparency",
        **_period_dict(report.period),
        "tables": {t.name: {"title": t.title, "description": t.description,
                            "columns": list(t.columns), "rows": t.dicts()} for t in tables},
    }
    return (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def report_xlsx(report: Report, tables: list[Table]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for table in tables:
        sheet = book.create_sheet(table.name[:31])
        append_row(sheet, table.columns)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            append_row(sheet, row)
        sheet.freeze_panes = "A2"
        for i, column in enumerate(table.columns, start=1):
            letter = sheet.cell(row=1, column=i).column_letter
            sheet.column_dimensions[letter].width = min(max(len(column), 10) + 2, 48)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render(report: Report, fmt: str, table: str | None = None) -> bytes:
    kind = check_format(fmt)
    name = check_table(table)
    if kind == "csv":
        return table_csv(report.tables[name or DEFAULT_CSV_TABLE])
    chosen = [report.tables[name]] if name else list(report.tables.values())
    return report_xlsx(report, chosen) if kind == "xlsx" else report_json(report, chosen)


def render_report(period: Period | str, fmt: str, table: str | None = None) -> bytes:
    """The period's tables as ``csv`` (one table), ``json`` or ``xlsx`` (all, or one)."""
    check_format(fmt)
    check_table(table)
    return render(build_report(period), fmt, table)
