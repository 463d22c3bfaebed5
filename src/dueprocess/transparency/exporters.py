"""Serialise transparency tables into the files that are published.

CSV keeps the exact column headers of Google's published CSV so that existing analyses
(and researchers' scripts) read dueprocess reports unchanged; XLSX carries the same table
with typed cells for people who open it in a spreadsheet.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from dueprocess.transparency.reports import (
    USER_DATA_COLUMNS,
    Row,
    parse_period,
    user_data_requests,
)

FORMATS = ("csv", "json", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def to_csv(rows: Sequence[Row]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(USER_DATA_COLUMNS)
    for row in rows:
        writer.writerow(row.as_dict()[c] for c in USER_DATA_COLUMNS)
    return out.getvalue().encode("utf-8")


def to_json(rows: Sequence[Row], period: str) -> bytes:
    span = parse_period(period)
    body = {
        "report": "user_data_requests",
        "period": span.label,
        "period_start": span.start.isoformat(),
        "period_end": span.end.isoformat(),
        "columns": list(USER_DATA_COLUMNS),
        "rows": [row.as_dict() for row in rows],
    }
    return (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def to_xlsx(rows: Sequence[Row], period: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"User data requests {parse_period(period).label}"[:31]
    sheet.append(list(USER_DATA_COLUMNS))
    for row in rows:
        sheet.append([row.as_dict()[c] for c in USER_DATA_COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render_report(period: str, fmt: str) -> bytes:
    """The user-data-requests table for ``period`` as ``csv``, ``json`` or ``xlsx`` bytes."""
    kind = fmt.strip().lower()
    if kind not in FORMATS:
        raise ValueError(f"unsupported format {fmt!r}: use one of {', '.join(FORMATS)}")
    rows = user_data_requests(period)
    if kind == "xlsx":
        return to_xlsx(rows, period)
    return to_csv(rows) if kind == "csv" else to_json(rows, period)
