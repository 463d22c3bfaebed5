"""The public transparency pages (no login): tables, charts, downloads, published demands.

Charts are drawn in the browser by Chart.js (vendored under static/, MIT licence) from the
same numbers as the HTML tables beside them; the tables are the accessible alternative and
the source of truth, so the page says everything without JavaScript.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Max, Min
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dueprocess.errors import InvalidInput
from dueprocess.transparency import dsa, exporters, public
from dueprocess.transparency.models import DemandTally, Publication, PublicationStatus
from dueprocess.transparency.periods import Period, half_year_of, parse_period
from dueprocess.transparency.publications import public_list
from dueprocess.transparency.reports import (
    TABLES,
    Report,
    Table,
    build_report,
    cldr_code,
    territory_name,
)

MAX_TREND_PERIODS = 12
MAX_SELECTABLE_PERIODS = 60  # thirty years of half-years
#: Per table: the column charted per country, and how the bar is labelled.
CHARTED = {
    "user_data_requests": "User Data Requests",
    "restriction_requests": "Requests",
    "emergency_requests": "Emergency Requests",
    "preservation_requests": "Preservation Requests",
    "user_notices": "User Notices Sent",
    "held_or_routed_by_policy": "Demands Received",
}


def _period(request: HttpRequest) -> Period:
    """The period asked for, if it is closed (see :mod:`dueprocess.transparency.public`)."""
    if not request.GET.get("period"):
        return _selectable_periods()[-1]  # the newest closed half-year with demands
    try:
        period = public.public_period(request.GET.get("period"))
    except InvalidInput as exc:
        raise Http404(str(exc)) from None
    if period is None:
        raise Http404("only closed half-years and years are public")
    return period


def _selectable_periods() -> list[Period]:
    """Every closed half-year from the oldest demand to the newest public one with data.

    All of them, not the last few: a platform's oldest story (the demo's is 2020-H2) stays
    one choice away in the selector however many half-years came since.
    """
    newest = public.latest_public()
    span = DemandTally.objects.aggregate(lo=Min("received_at"), hi=Max("received_at"))
    if span["hi"] is not None and half_year_of(span["hi"].date()).end < newest.end:
        newest = half_year_of(span["hi"].date())
    first = half_year_of(span["lo"].date()) if span["lo"] is not None else newest
    periods: list[Period] = []
    current = newest
    while len(periods) < MAX_SELECTABLE_PERIODS:
        periods.append(current)
        if current.start <= first.start:
            break
        current = half_year_of(date.fromordinal(current.start.toordinal() - 1))
    return list(reversed(periods))


def _trend_periods(shown: Period | None = None) -> list[Period]:
    """Up to ``MAX_TREND_PERIODS`` half-years around the period shown, ending with it when
    there are enough before it, so the trend always includes what the page reports."""
    periods = _selectable_periods()
    if shown is None:
        return periods[-MAX_TREND_PERIODS:]
    inside = [i for i, p in enumerate(periods) if p.start <= shown.end and p.end >= shown.start]
    last = inside[-1] if inside else len(periods) - 1
    start = max(0, last - MAX_TREND_PERIODS + 1)
    return periods[start:start + MAX_TREND_PERIODS]


def _drawn(total: int) -> int | list[int] | None:
    """What a chart draws for a public count: the count, or the band as a range [1, 9].

    A banded count is drawn as the whole band, never as a guessed point inside it, so a
    small platform's chart shows that something happened without giving the count away.
    """
    if public.band(total) == public.BAND:
        return [1, public.BAND_BELOW - 1]
    return total


def _only_country(table: Table, code: str) -> Table:
    idx = table.columns.index("CLDR Territory Code")
    return Table(table.name, table.title, table.columns,
                 [r for r in table.rows if r[idx] == code], table.numeric, table.description)


def _by_country(table: Table, column: str) -> dict[str, Any]:
    """Bars per country from the public (banded) table: exact rows add up to a bar; a
    country with banded rows is drawn as the range its total must lie in, never guessed."""
    idx = table.columns.index(column)
    low: dict[str, int] = {}
    high: dict[str, int] = {}
    for row in table.rows:
        value = row[idx]
        if isinstance(value, int):
            low[row[1]], high[row[1]] = low.get(row[1], 0) + value, high.get(row[1], 0) + value
        elif value == public.BAND:
            low[row[1]] = low.get(row[1], 0) + 1
            high[row[1]] = high.get(row[1], 0) + public.BAND_BELOW - 1
    ranked = sorted(low, key=lambda k: (-high[k], k))[:15]
    return {"labels": ranked,
            "values": [low[k] if low[k] == high[k] else [low[k], high[k]] for k in ranked],
            "label": column}


def _trend(code: str | None, reported: Period) -> dict[str, Any]:
    periods = _trend_periods(reported)
    # The series' names are the chart's legend and the table's headings: the reader's words.
    columns = ((_("User data requests"), "user_data_requests", "User Data Requests"),
               (_("Restriction requests"), "restriction_requests", "Requests"),
               (_("Emergency requests"), "emergency_requests", "Emergency Requests"))
    series: dict[str, list[int | list[int] | None]] = {label: [] for label, _n, _c in columns}
    shown: dict[str, list[Any]] = {name: [] for name in series}  # the table: banded
    for p in periods:
        report = build_report(p, settle=False)  # the page's own report just settled
        for label, name, column in columns:
            table = report[name] if code is None else _only_country(report[name], code)
            idx = table.columns.index(column)
            total = sum(int(r[idx]) for r in table.rows)
            shown[label].append(public.band(total))
            series[label].append(_drawn(total))
    return {"labels": [p.label for p in periods], "series": series, "shown": shown}


def _in_reader_language(table: Table) -> Table:
    """The table's title and description in the reader's language; its columns stay the
    names the downloads use, so a row in the page and a row in the CSV read the same."""
    return replace(table, title=_(table.title),
                   description=_(table.description) if table.description else "")


def _context(report: Report, code: str | None) -> dict[str, Any]:
    report = public.banded_report(report)
    tables = [_in_reader_language(report[name] if code is None
                                  else _only_country(report[name], code))
              for name in TABLES]
    charts = {t.name: _by_country(t, CHARTED[t.name]) for t in tables
              if t.name in CHARTED and t.rows}
    return {"period": report.period, "tables": tables, "charts": charts,
            "countries": sorted({(r[1], r[2]) for t in report.tables.values()
                                 for r in t.rows})}


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    period = _period(request)
    report = build_report(period)
    context = _context(report, None)
    context.update({"trend": _trend(None, period),
                    "periods": [p.label for p in _selectable_periods()],
                    "formats": exporters.FORMATS})
    return render(request, "transparency/index.html", context)


@require_GET
def country(request: HttpRequest, code: str) -> HttpResponse:
    code = cldr_code(code)
    name = territory_name(code)
    if len(code) != 2 or not code.isalpha() or name == code:
        raise Http404("no such country or territory")
    period = _period(request)
    report = build_report(period)
    context = _context(report, code)
    context["charts"] = {}  # one country: the trend says more than single bars would
    context.update({"code": code, "name": name, "trend": _trend(code, period),
                    "periods": [p.label for p in _selectable_periods()],
                    "formats": exporters.FORMATS})
    return render(request, "transparency/country.html", context)


@require_GET
def download(request: HttpRequest, period: str, table: str, fmt: str) -> HttpResponse:
    try:
        span = parse_period(period.replace("_", "/"))
        if not public.is_public(span):
            raise Http404("only closed half-years and years are public")
        if table == "dsa-member-state-orders":
            if fmt not in ("csv", "xlsx"):
                raise Http404("the DSA sheet is CSV or XLSX")
            data = dsa.render(span, fmt)
        else:
            if table not in TABLES:
                raise Http404("no such table")
            data = exporters.render(public.banded_report(build_report(span)), fmt, table)
    except InvalidInput as exc:
        raise Http404(str(exc)) from None
    response = HttpResponse(data, content_type=exporters.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = (
        f'attachment; filename="{table}-{span.label.replace("/", "_")}.{fmt}"')
    return response


@require_GET
def published(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:200]
    page = Paginator(public_list(query), 25).get_page(request.GET.get("page"))
    return render(request, "transparency/published.html", {"page": page, "q": query})


@require_GET
def published_detail(request: HttpRequest, pub_id: int) -> HttpResponse:
    pub = get_object_or_404(Publication, pk=pub_id, status=PublicationStatus.PUBLISHED)
    return render(request, "transparency/published_detail.html", {"pub": pub})
