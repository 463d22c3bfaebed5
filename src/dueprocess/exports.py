"""The one way dueprocess writes CSV and XLSX: cells can never become formulas.

A spreadsheet program runs a cell that begins with ``=``, ``+``, ``-`` or ``@`` as a formula
(and a leading tab or carriage return can hide such a prefix), so text from outside
(fraud-signal reasons, list entries, names and references on demands) could carry
``=HYPERLINK(…)`` or ``+cmd|' /C calc'!A0`` into a colleague's spreadsheet (CSV injection,
OWASP). Every text cell written through this module that begins with one of those characters
gets a leading apostrophe (``'=HYPERLINK(…)``), the convention spreadsheets show as text;
plain numbers and phone numbers (``-3``, ``+49 30 1234567``) are left alone because no
spreadsheet runs them. In XLSX every text cell is also stored as a string, never a formula.

Readers of dueprocess's own files undo the apostrophe with :func:`restore`.
Plain Python: no Django.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_NUMBER_LIKE = re.compile(r"^[+-]?\d[\d\s().,/-]*$")


def neutralise(value: Any) -> Any:
    """``value`` safe for a spreadsheet cell: text that could start a formula is quoted."""
    if not isinstance(value, str) or not value or not value.startswith(FORMULA_PREFIXES):
        return value
    if _NUMBER_LIKE.match(value):
        return value
    return "'" + value


def restore(value: str) -> str:
    """The text a neutralised cell held (for importing files dueprocess wrote)."""
    if value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [neutralise(v) for v in values]


class SafeWriter:
    """``csv.writer`` whose every cell goes through :func:`neutralise`."""

    def __init__(self, out: Any, **options: Any) -> None:
        options.setdefault("lineterminator", "\n")
        self._writer = csv.writer(out, **options)
        # The csv module quotes a field with a carriage return only when the line ends
        # with one; a row holding one is quoted whole so it stays one record.
        self._quoted = csv.writer(out, **{**options, "quoting": csv.QUOTE_ALL})

    def writerow(self, row: Iterable[Any]) -> Any:
        cells = safe_row(row)
        if any(isinstance(c, str) and "\r" in c for c in cells):
            return self._quoted.writerow(cells)
        return self._writer.writerow(cells)

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_text(header: Sequence[Any] | None, rows: Iterable[Iterable[Any]], *,
             lineterminator: str = "\n") -> str:
    out = io.StringIO()
    writer = SafeWriter(out, lineterminator=lineterminator)
    if header is not None:
        writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def csv_dicts(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> str:
    """Rows of dicts under ``columns`` (other keys ignored, lists joined with ``;``)."""
    def cell(value: Any) -> Any:
        return ";".join(map(str, value)) if isinstance(value, list) else value

    return csv_text(columns, ([cell(r.get(c, "")) for c in columns] for r in rows))


def set_cell(cell: Any, value: Any) -> None:
    """Put ``value`` in an openpyxl cell as data: text is always a string cell."""
    safe = neutralise(value)
    cell.value = safe
    if isinstance(safe, str):
        cell.data_type = "s"


def append_row(sheet: Any, values: Iterable[Any]) -> None:
    """``sheet.append`` with every text cell neutralised (openpyxl makes a formula only of
    text that starts with ``=``, which neutralised text never does)."""
    sheet.append(safe_row(values))
