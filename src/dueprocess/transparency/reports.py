"""Transparency report queries.

Each table is computed by the database in one grouped query (correlated ``EXISTS`` and
``COUNT`` subqueries per demand, grouped by country and instrument), so the cost grows with
the number of demands in the period and never with Python loops over them; only the
handful of resulting groups are touched in Python.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

from babel import Locale
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from dueprocess.demands.models import (
    Action,
    ActionKind,
    ActionStatus,
    Ask,
    AskKind,
    Demand,
    Target,
    TargetType,
)
from dueprocess.law import default_library

OTHER_LEGAL_PROCESS = "Other Legal Process"

USER_DATA_COLUMNS = (
    "Period Ending",
    "Country",
    "CLDR Territory Code",
    "Legal Process",
    "User Data Requests",
    "Percentage of requests where some data produced",
    "Users/Accounts Specified",
)

_PERIOD = re.compile(r"^(?P<year>\d{4})(?:-(?P<part>[HQ])(?P<n>\d))?$")


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


def parse_period(text: str) -> Period:
    """``2020``, ``2020-H1``/``H2`` or ``2020-Q1``..``Q4``; anything else is a ValueError."""
    value = (text or "").strip().upper()
    match = _PERIOD.match(value)
    year = int(match["year"]) if match else 0
    part, n = (match["part"], int(match["n"])) if match and match["part"] else (None, 0)
    valid = (match is not None and 1900 <= year <= 9998
             and (part is None or (part == "H" and 1 <= n <= 2)
                  or (part == "Q" and 1 <= n <= 4)))
    if not valid:
        raise ValueError(f"invalid period {text!r}: use a year (2020), a half-year "
                         f"(2020-H1, 2020-H2) or a quarter (2020-Q1 to 2020-Q4)")
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


@cache
def _territories() -> dict[str, str]:
    return dict(Locale("en").territories)


def territory_name(code: str) -> str:
    """English CLDR name of a territory code (``HK`` is "Hong Kong SAR China")."""
    return _territories().get(code.upper(), code.upper())


def legal_process_label(instrument_id: str) -> str:
    instrument = default_library().get(instrument_id)
    return instrument.legal_process if instrument is not None else OTHER_LEGAL_PROCESS


def percent(part: int, whole: int) -> int:
    """Whole percent, halves rounded up (not to even), as the published reports show."""
    if whole <= 0:
        return 0
    return (200 * part + whole) // (2 * whole)


@dataclass(frozen=True)
class Row:
    period_ending: date
    country: str
    territory_code: str
    legal_process: str
    requests: int
    produced: int
    accounts: int

    @property
    def percent_produced(self) -> int:
        return percent(self.produced, self.requests)

    def as_dict(self) -> dict[str, Any]:
        return dict(zip(USER_DATA_COLUMNS, (
            self.period_ending.isoformat(), self.country, self.territory_code,
            self.legal_process, self.requests, self.percent_produced, self.accounts,
        ), strict=True))


def _user_data_groups(period: Period) -> Iterable[dict[str, Any]]:
    """Per (jurisdiction, instrument): demands, demands with data produced, accounts."""
    disclose = Ask.objects.filter(demand=OuterRef("pk"), kind=AskKind.DISCLOSE)
    produced = Action.objects.filter(demand=OuterRef("pk"), kind=ActionKind.EXPORT,
                                     status=ActionStatus.SUCCEEDED)
    accounts = (Target.objects.filter(demand=OuterRef("pk"), type=TargetType.ACCOUNT)
                .order_by().values("demand").annotate(n=Count("pk")).values("n"))
    return (
        Demand.objects.filter(received_at__gte=period.start_at,
                              received_at__lt=period.end_before)
        .filter(Exists(disclose))
        .annotate(has_production=Exists(produced),
                  account_targets=Coalesce(Subquery(accounts, output_field=IntegerField()),
                                           Value(0)))
        .order_by()
        .values("jurisdiction", "instrument")
        .annotate(requests=Count("pk"),
                  produced=Count("pk", filter=Q(has_production=True)),
                  accounts=Sum("account_targets"))
    )


def user_data_requests(period: str) -> list[Row]:
    """Google-style "user data requests" table: demands received in the period that ask to
    disclose data, by requesting country and kind of legal process."""
    span = parse_period(period)
    merged: dict[tuple[str, str], list[int]] = {}
    for group in _user_data_groups(span):
        key = (group["jurisdiction"], legal_process_label(group["instrument"]))
        totals = merged.setdefault(key, [0, 0, 0])
        totals[0] += group["requests"]
        totals[1] += group["produced"]
        totals[2] += group["accounts"] or 0
    rows = [
        Row(period_ending=span.end, country=territory_name(code), territory_code=code,
            legal_process=process, requests=n, produced=produced, accounts=accounts)
        for (code, process), (n, produced, accounts) in merged.items()
    ]
    rows.sort(key=lambda r: (r.country, r.legal_process))
    return rows
