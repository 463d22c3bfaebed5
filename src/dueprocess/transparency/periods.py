"""Reporting periods: half-years by default, quarters, years or any date range.

A malformed period is the caller's mistake, so it raises :class:`PeriodError`, which is
both a ``ValueError`` (the CLI prints it) and an ``InvalidInput`` (the API answers 422).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.utils.translation import gettext as _

from dueprocess.errors import InvalidInput

_PERIOD = re.compile(r"^(?P<year>\d{4})(?:-(?P<part>[HQ])(?P<n>\d))?$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*(?:/|\.\.)\s*(\d{4}-\d{2}-\d{2})$")
MIN_YEAR, MAX_YEAR = 1900, 9998
#: A range longer than this is almost certainly a typo (and an expensive query).
MAX_RANGE_DAYS = 366 * 20


class PeriodError(InvalidInput, ValueError):
    """A period or date range that cannot be read."""


@dataclass(frozen=True)
class Period:
    """A reporting period; ``start`` and ``end`` are both inclusive days (UTC)."""

    label: str
    start: date
    end: date

    @property
    def start_at(self) -> datetime:
        return datetime(self.start.year, self.start.month, self.start.day, tzinfo=UTC)

    @property
    def end_before(self) -> datetime:
        """The first instant after the period (received_at < end_before)."""
        after = self.end + timedelta(days=1)
        return datetime(after.year, after.month, after.day, tzinfo=UTC)

    @property
    def interval(self) -> str:
        """The DSA template's form, ``YYYY-MM-DD/YYYY-MM-DD``."""
        return f"{self.start.isoformat()}/{self.end.isoformat()}"


def _invalid(text: str, field: str = "period") -> PeriodError:
    return PeriodError(
        _("invalid period %(text)r: use a year (2020), a half-year (2020-H1, 2020-H2), a "
          "quarter (2020-Q1 to 2020-Q4) or a date range (2020-07-01/2020-12-31)")
        % {"text": text}, field=field)


def parse_date(text: str, field: str) -> date:
    try:
        value = date.fromisoformat((text or "").strip())
    except ValueError:
        raise PeriodError(_("invalid date %(text)r: use YYYY-MM-DD")
                          % {"text": text}, field=field) from None
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise PeriodError(_("date %(text)r is out of range") % {"text": text}, field=field)
    return value


def date_range(start: date, end: date, label: str | None = None) -> Period:
    if end < start:
        raise PeriodError(_("the range ends (%(end)s) before it starts (%(start)s)")
                          % {"end": end, "start": start}, field="end")
    if (end - start).days > MAX_RANGE_DAYS:
        raise PeriodError(_("a date range may span at most 20 years"), field="end")
    return Period(label=label or f"{start.isoformat()}/{end.isoformat()}", start=start, end=end)


def parse_period(text: str) -> Period:
    """``2020``, ``2020-H1``/``H2``, ``2020-Q1``..``Q4`` or ``2020-07-01/2020-12-31``."""
    raw = (text or "").strip()
    ranged = _RANGE.match(raw)
    if ranged:
        return date_range(parse_date(ranged[1], "period"), parse_date(ranged[2], "period"))
    value = raw.upper()
    match = _PERIOD.match(value)
    if match is None:
        raise _invalid(text)
    year = int(match["year"])
    part, n = (match["part"], int(match["n"])) if match["part"] else (None, 0)
    valid = MIN_YEAR <= year <= MAX_YEAR and (
        part is None or (part == "H" and 1 <= n <= 2) or (part == "Q" and 1 <= n <= 4))
    if not valid:
        raise _invalid(text)
    if part is None:
        first, months = 1, 12
    elif part == "H":
        first, months = 1 + 6 * (n - 1), 6
    else:
        first, months = 1 + 3 * (n - 1), 3
    start = date(year, first, 1)
    last_month = first + months
    following = date(year + 1, 1, 1) if last_month > 12 else date(year, last_month, 1)
    return Period(label=value, start=start, end=following - timedelta(days=1))


def half_year_of(day: date) -> Period:
    return parse_period(f"{day.year}-H{1 if day.month <= 6 else 2}")


def last_complete_half_year(today: date | None = None) -> Period:
    """The default report: the most recent half-year that has ended."""
    today = today or datetime.now(UTC).date()
    current = half_year_of(today)
    return half_year_of(current.start - timedelta(days=1))


def resolve(period: str | None = None, start: str | None = None,
            end: str | None = None) -> Period:
    """A period from either ``period`` or ``start``+``end``; neither means the default."""
    if start or end:
        if period:
            raise PeriodError(_("give either period or start and end, not both"), field="period")
        if not (start and end):
            raise PeriodError(_("a date range needs both start and end"),
                              field="end" if start else "start")
        return date_range(parse_date(start, "start"), parse_date(end, "end"))
    if period is None or not period.strip():
        if period is not None:
            raise _invalid(period)
        return last_complete_half_year()
    return parse_period(period)
