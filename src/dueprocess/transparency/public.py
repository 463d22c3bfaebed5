"""What the public (no login) may see of the transparency report.

Only **closed periods**: a half-year (``2020-H2``) or a year (``2020``) whose last day lies
at least ``DUEPROCESS_PUBLIC_REPORT_DELAY_DAYS`` days (default 0: the period has ended) in
the past. A report of "today", of a week or of the running half-year would let anyone who
polls the page learn of gagged demands as they arrive.

Small counts are **banded**: a count from 1 to ``BAND_BELOW - 1`` is shown as
``"1-9"``; 0 and counts of ``BAND_BELOW`` or more are exact. A percentage in a row whose
first count is banded is not shown (it would give the count back). Staff and auditors
read exact figures through the API and the command line.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.conf import settings

from dueprocess.transparency.periods import Period, half_year_of, parse_period
from dueprocess.transparency.reports import Report, Table

BAND_BELOW = 10
BAND = f"1-{BAND_BELOW - 1}"
HIDDEN = ""


def delay() -> timedelta:
    return timedelta(days=int(getattr(settings, "DUEPROCESS_PUBLIC_REPORT_DELAY_DAYS", 0)))


def _today(today: date | None) -> date:
    return today or datetime.now(UTC).date()


def is_closed_kind(period: Period) -> bool:
    """Half-years and years only: the public never gets a report of an arbitrary span."""
    label = period.label
    return (len(label) == 7 and label[4:6] == "-H") or (len(label) == 4 and label.isdigit())


def is_public(period: Period, today: date | None = None) -> bool:
    return is_closed_kind(period) and period.end + delay() < _today(today)


def latest_public(today: date | None = None) -> Period:
    """The newest half-year the public may see."""
    current = half_year_of(_today(today) - delay() - timedelta(days=1))
    if is_public(current, today):
        return current
    return half_year_of(current.start - timedelta(days=1))


def public_period(text: str | None, today: date | None = None) -> Period | None:
    """The period named by ``text`` if the public may see it (``None``: the latest)."""
    if not text:
        return latest_public(today)
    period = parse_period(text)
    return period if is_public(period, today) else None


def band(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int):
        return value
    return BAND if 0 < value < BAND_BELOW else value


def _is_percentage(column: str) -> bool:
    return column.lower().startswith("percentage")


def banded_table(table: Table) -> Table:
    counts = [i for i, c in enumerate(table.columns)
              if c in table.numeric and not _is_percentage(c)]
    percents = [i for i, c in enumerate(table.columns)
                if c in table.numeric and _is_percentage(c)]
    rows = []
    for row in table.rows:
        out = list(row)
        small = bool(counts) and band(row[counts[0]]) == BAND
        for i in counts:
            out[i] = band(row[i])
        if small:
            for i in percents:
                out[i] = HIDDEN
        rows.append(tuple(out))
    return Table(table.name, table.title, table.columns, rows, table.numeric,
                 table.description)


def banded_report(report: Report) -> Report:
    return Report(report.period, {n: banded_table(t) for n, t in report.tables.items()})
