"""The DSA transparency template, sheet ``3_member_states_orders`` (Reg. (EU) 2024/2835).

The rows are not typed in here: they are read from the official CSV shipped as package
data, so the export has exactly the template's header and every category and keyword row
in the template's order. The template's ``AT, […], SE`` block is repeated once per Member
State that sent orders, as Annex II §1.2.1 (column F) instructs.

Counting (Annex II §1.2): orders to act are demands under ``eu.dsa.art9``, orders to provide
information demands under ``eu.dsa.art10``, issued by an authority of a Member State. Medians
are in hours from receipt; an acknowledgement within one hour counts as 0. A row that
applies but has no orders shows ``0``. Orders whose times cannot be measured are left out of
the medians and counted in the template's contextual-information columns.
"""

from __future__ import annotations

import csv
import io
import json
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from importlib import resources
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from dueprocess.exports import csv_text, neutralise
from dueprocess.transparency import tally
from dueprocess.transparency.models import DemandTally
from dueprocess.transparency.periods import Period

SHEET = "3_member_states_orders"
IDENTIFICATION_SHEET = "1_report_identification"
TEMPLATE_XLSX = "annex-i-templates.xlsx"
TEMPLATE_CSV = "3_member_states_orders.csv"
ORDER_TO_ACT = "eu.dsa.art9"
ORDER_TO_INFORM = "eu.dsa.art10"
TOTAL = "TOTAL"
NOT_SPECIFIED = "STATEMENT_CATEGORY_NOT_SPECIFIED_ORDER"
MS_PLACEHOLDER = "AT, […], SE"

#: Member States as Eurostat's glossary writes them (Greece is EL, not GR).
MEMBER_STATES: tuple[str, ...] = (
    "BE", "BG", "CZ", "DK", "DE", "EE", "IE", "EL", "ES", "FR", "HR", "IT", "CY", "LV", "LT",
    "LU", "HU", "MT", "NL", "AT", "PL", "PT", "RO", "SI", "SK", "FI", "SE",
)  # fmt: skip
_ALIASES = {"GR": "EL"}

# Column indexes of the sheet (0-based), named as Annex II names them.
C_APPLICABILITY, C_SERVICE, C_PERIOD, C_CATEGORY, C_OTHER, C_SCOPE = range(6)
C_ACT_N, C_ACT_ITEMS, C_ACT_ACK, C_ACT_EFFECT = 6, 7, 8, 9
C_INFO_N, C_INFO_ACK, C_INFO_EFFECT = 10, 11, 12
C_CTX_ACT_N, C_CTX_ACT_ITEMS, C_CTX_ACT_ACK, C_CTX_ACT_EFFECT = 13, 14, 15, 16
C_CTX_INFO_N, C_CTX_INFO_ACK, C_CTX_INFO_EFFECT = 17, 18, 19
WIDTH = 20


def eurostat_code(code: str) -> str | None:
    """The Eurostat code of a Member State, or None when ``code`` is not one."""
    upper = (code or "").strip().upper()
    upper = _ALIASES.get(upper, upper)
    return upper if upper in MEMBER_STATES else None


@dataclass(frozen=True)
class TemplateRow:
    label: str           # TOTAL, STATEMENT_CATEGORY_* or KEYWORD_*
    category: str        # the category a keyword row belongs to (itself for categories)
    values: tuple[str, ...]


@dataclass(frozen=True)
class Template:
    header: tuple[str, ...]
    total_block: tuple[TemplateRow, ...]
    state_block: tuple[TemplateRow, ...]

    def categories(self) -> frozenset[str]:
        return frozenset(r.label for r in self.total_block
                         if r.label.startswith("STATEMENT_CATEGORY_"))


def _data(name: str) -> bytes:
    return resources.files("dueprocess.transparency").joinpath("data", name).read_bytes()


@cache
def template() -> Template:
    rows = list(csv.reader(io.StringIO(_data(TEMPLATE_CSV).decode("utf-8"))))
    header, body = tuple(rows[0]), rows[1:]
    blocks: dict[str, list[TemplateRow]] = {"total": [], "states": []}
    category = TOTAL
    for values in body:
        label = values[C_CATEGORY]
        if label == TOTAL or label.startswith("STATEMENT_CATEGORY_"):
            category = label
        which = "total" if values[C_SCOPE] == TOTAL else "states"
        blocks[which].append(TemplateRow(label, category, tuple(values)))
    return Template(header, tuple(blocks["total"]), tuple(blocks["states"]))


# ----------------------------------------------------------------------------- counting


@dataclass
class Cell:
    """What one (scope, row label) accumulates for one kind of order."""

    orders: int = 0
    items: int = 0
    ack_hours: list[float] = field(default_factory=list)
    effect_hours: list[float] = field(default_factory=list)
    ack_missing: int = 0
    ack_bad: int = 0
    refused: int = 0
    pending: int = 0
    effect_missing: int = 0
    effect_bad: int = 0
    #: Medians computed by the database (PostgreSQL path); None: compute from the lists.
    ack_median: float | None = None
    effect_median: float | None = None


@dataclass
class Order:
    scope: str
    kind: str                 # "act" or "info"
    category: str
    keywords: frozenset[str]
    items: int
    ack_hours: float | None
    ack_problem: str | None   # "missing" or "bad"
    effect_hours: float | None
    effect_problem: str | None  # "refused", "pending", "missing" or "bad"


def hours_between(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 3600


def _order(row: dict[str, Any], scope: str, categories: frozenset[str]) -> Order:
    received = row["received_at"]
    ack: float | None = None
    ack_problem = None
    if row["acknowledged_at"] is None:
        ack_problem = "missing"
    else:
        ack = hours_between(received, row["acknowledged_at"])
        if ack < 0:
            ack, ack_problem = None, "bad"
        elif ack < 1:
            ack = 0.0
    effect: float | None = None
    effect_problem = None
    # "completed" with nothing done: every action was cancelled (an objection upheld)
    if (row["status"] in ("rejected", "withdrawn", "completed")
            and row["succeeded_actions"] == 0):
        effect_problem = "refused"
    elif row["succeeded_actions"] == 0 or row["open_actions"] > 0:
        effect_problem = "pending"
    elif row["untimed_actions"] or row["last_finished_at"] is None:
        effect_problem = "missing"
    else:
        effect = hours_between(received, row["last_finished_at"])
        if effect < 0:
            effect, effect_problem = None, "bad"
    category = row["content_category"] or NOT_SPECIFIED
    if category not in categories:
        category = NOT_SPECIFIED
    keywords = row["category_keywords"] if isinstance(row["category_keywords"], list) else []
    return Order(scope=scope, kind="act" if row["instrument"] == ORDER_TO_ACT else "info",
                 category=category, keywords=frozenset(str(k) for k in keywords),
                 items=int(row["accounts"]) + int(row["content_items"]), ack_hours=ack,
                 ack_problem=ack_problem, effect_hours=effect, effect_problem=effect_problem)


def _merge(cell: Cell, pool: Cell) -> None:
    cell.orders += pool.orders
    cell.items += pool.items
    cell.ack_hours.extend(pool.ack_hours)
    cell.effect_hours.extend(pool.effect_hours)
    cell.ack_missing += pool.ack_missing
    cell.ack_bad += pool.ack_bad
    cell.refused += pool.refused
    cell.pending += pool.pending
    cell.effect_missing += pool.effect_missing
    cell.effect_bad += pool.effect_bad


def _add(cell: Cell, order: Order) -> None:
    cell.orders += 1
    cell.items += order.items
    if order.ack_hours is not None:
        cell.ack_hours.append(order.ack_hours)
    elif order.ack_problem == "bad":
        cell.ack_bad += 1
    else:
        cell.ack_missing += 1
    if order.effect_hours is not None:
        cell.effect_hours.append(order.effect_hours)
    elif order.effect_problem == "refused":
        cell.refused += 1
    elif order.effect_problem == "pending":
        cell.pending += 1
    elif order.effect_problem == "bad":
        cell.effect_bad += 1
    else:
        cell.effect_missing += 1


def format_hours(value: float) -> str:
    """Hours with at most two decimals, no trailing zeros (``36``, ``1.5``)."""
    text = f"{round(value, 2):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def median_cell(cell: Cell, which: str) -> str:
    if cell.orders == 0:
        return "0"
    given = cell.ack_median if which == "ack" else cell.effect_median
    if given is not None:
        return format_hours(given)
    values = cell.ack_hours if which == "ack" else cell.effect_hours
    if not values:
        return ""
    return format_hours(statistics.median(values))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _excluded(*counts: tuple[int, str]) -> str:
    """The contextual note of a median: which orders it leaves out, and why."""
    parts = [f"{_plural(n, 'order')} {why}" for n, why in counts if n]
    return ("Excluded from the median: " + "; ".join(parts) + ".") if parts else ""


def ack_note(cell: Cell) -> str:
    return _excluded(
        (cell.ack_missing, "without a recorded acknowledgement time"),
        (cell.ack_bad, "acknowledged before receipt (inconsistent times)"))


def effect_note(cell: Cell) -> str:
    return _excluded(
        (cell.refused, "not given effect (refused or withdrawn)"),
        (cell.pending, "not yet given effect"),
        (cell.effect_missing, "without a recorded completion time"),
        (cell.effect_bad, "completed before receipt (inconsistent times)"))


@dataclass
class MemberStateOrders:
    """The filled sheet: its rows (strings, as in the CSV) and what was left out."""

    period: Period
    service: str
    header: tuple[str, ...]
    rows: list[list[str]]
    states: list[str]
    outside: dict[str, int]


def _orders_in(period: Period) -> Iterable[Any]:
    return (DemandTally.objects
            .filter(instrument__in=(ORDER_TO_ACT, ORDER_TO_INFORM),
                    received_at__gte=period.start_at, received_at__lt=period.end_before)
            .order_by()
            .values("jurisdiction", "instrument", "status", "received_at", "acknowledged_at",
                    "last_finished_at", "open_actions", "succeeded_actions",
                    "untimed_actions", "accounts", "content_items", "content_category",
                    "category_keywords")
            .iterator(chunk_size=5000))


Cells = dict[tuple[str, str, str, str], Cell]


def _cells(rows: Iterable[dict[str, Any]],
           categories: frozenset[str]) -> tuple[Cells, dict[str, int], set[str]]:
    """Per (scope, kind, category, row label): the orders, computed row by row."""
    cells: Cells = defaultdict(Cell)
    outside: dict[str, int] = defaultdict(int)
    states: set[str] = set()
    for row in rows:
        scope = eurostat_code(row["jurisdiction"])
        if scope is None:
            outside[(row["jurisdiction"] or "?").upper()] += 1
            continue
        states.add(scope)
        order = _order(row, scope, categories)
        for where in (TOTAL, scope):
            _add(cells[(where, order.kind, TOTAL, TOTAL)], order)
            _add(cells[(where, order.kind, order.category, order.category)], order)
            for keyword in order.keywords:
                _add(cells[(where, order.kind, order.category, keyword)], order)
    return cells, outside, states


# The same rules as ``_order``, as SQL, one row per order: problem codes 0 = measurable;
# for the acknowledgement 1 = missing, 2 = before receipt; for the effect 1 = refused,
# withdrawn or every action cancelled, 2 = not yet given effect, 3 = completion time
# missing, 4 = completed before receipt. Read by an index-only scan of
# ``tally_orders_idx``; Python then groups the orders into rows and takes the medians, which
# is cheaper than sorting every row's values in the database once per grouping.
_PG_ORDERS = """
SELECT scope, kind, category, keywords, items, ackp,
  CASE WHEN ackp = 0 THEN GREATEST(CASE WHEN ack_raw < 1 THEN 0 ELSE ack_raw END, 0) END,
  effp, CASE WHEN effp = 0 THEN effect_raw END
FROM (
  SELECT CASE WHEN UPPER(jurisdiction) = 'GR' THEN 'EL' ELSE UPPER(jurisdiction) END
      AS scope,
    CASE WHEN instrument = %(act)s THEN 'act' ELSE 'info' END AS kind,
    CASE WHEN content_category = ANY(%(categories)s) THEN content_category
         ELSE %(not_specified)s END AS category,
    CASE WHEN jsonb_typeof(category_keywords) = 'array'
         AND category_keywords <> '[]'::jsonb THEN category_keywords::text END AS keywords,
    accounts + content_items AS items,
    CASE WHEN acknowledged_at IS NULL THEN 1 WHEN acknowledged_at < received_at THEN 2
         ELSE 0 END AS ackp,
    EXTRACT(EPOCH FROM acknowledged_at - received_at) / 3600.0 AS ack_raw,
    CASE WHEN status IN ('rejected', 'withdrawn', 'completed') AND succeeded_actions = 0
         THEN 1
         WHEN succeeded_actions = 0 OR open_actions > 0 THEN 2
         WHEN untimed_actions > 0 OR last_finished_at IS NULL THEN 3
         WHEN last_finished_at < received_at THEN 4 ELSE 0 END AS effp,
    EXTRACT(EPOCH FROM last_finished_at - received_at) / 3600.0 AS effect_raw
  FROM transparency_demandtally
  WHERE instrument IN (%(act)s, %(info)s) AND received_at >= %(start)s
    AND received_at < %(end)s
) o
"""


CellRows = tuple[Iterable[tuple[Any, ...]], dict[str, int]]


def _from_cell_rows(source: CellRows) -> tuple[Cells, dict[str, int], set[str]]:
    """Cells from aggregated rows (scope, kind, category, label, counts…, medians)."""
    rows, outside = source
    cells: Cells = defaultdict(Cell)
    states: set[str] = set()
    for (scope, kind, category, label, n, items, ack_missing, ack_bad, refused, pending,
         effect_missing, effect_bad, ack_median, effect_median) in rows:
        if scope != TOTAL:
            states.add(scope)
        cells[(scope, kind, category, label)] = Cell(
            orders=int(n), items=int(items or 0), ack_missing=int(ack_missing),
            ack_bad=int(ack_bad), refused=int(refused), pending=int(pending),
            effect_missing=int(effect_missing), effect_bad=int(effect_bad),
            ack_median=None if ack_median is None else float(ack_median),
            effect_median=None if effect_median is None else float(effect_median))
    return cells, dict(outside), states


def _cells_in_database(period: Period, categories: frozenset[str]
                       ) -> tuple[Cells, dict[str, int], set[str]]:
    """The same cells as :func:`_cells`, from one lean query instead of ORM rows.

    Orders of the same shape (scope, kind, category, keywords) are pooled first, so the
    per-order work is one dictionary look-up; the rows are then summed from the pools.
    """
    params: dict[str, Any] = {
        "act": ORDER_TO_ACT, "info": ORDER_TO_INFORM, "categories": sorted(categories),
        "not_specified": NOT_SPECIFIED, "start": period.start_at, "end": period.end_before}
    pools: dict[tuple[str, str, str, str | None], Cell] = defaultdict(Cell)
    outside: dict[str, int] = defaultdict(int)
    with connection.cursor() as cur:
        cur.execute(_PG_ORDERS, params)
        for scope, kind, category, keywords, items, ackp, ack_h, effp, effect_h in cur:
            if scope not in MEMBER_STATES:
                outside[scope or "?"] += 1
                continue
            pool = pools[(scope, kind, category, keywords)]
            pool.orders += 1
            pool.items += int(items)
            if ackp == 0:
                pool.ack_hours.append(float(ack_h))
            elif ackp == 2:
                pool.ack_bad += 1
            else:
                pool.ack_missing += 1
            if effp == 0:
                pool.effect_hours.append(float(effect_h))
            elif effp == 1:
                pool.refused += 1
            elif effp == 2:
                pool.pending += 1
            elif effp == 4:
                pool.effect_bad += 1
            else:
                pool.effect_missing += 1
    cells: Cells = defaultdict(Cell)
    states: set[str] = set()
    for (scope, kind, category, keywords), pool in pools.items():
        states.add(scope)
        labels = {str(k) for k in json.loads(keywords)} if keywords else set()
        for where in (TOTAL, scope):
            _merge(cells[(where, kind, TOTAL, TOTAL)], pool)
            _merge(cells[(where, kind, category, category)], pool)
            for keyword in labels:
                _merge(cells[(where, kind, category, keyword)], pool)
    return cells, outside, states


def member_state_orders(period: Period, *, service: str | None = None,
                        settle: bool = True,
                        rows: Iterable[dict[str, Any]] | None = None,
                        aggregated: CellRows | None = None) -> MemberStateOrders:
    """The filled sheet.

    ``rows`` (tally-shaped dicts) or ``aggregated`` (per-row counts and medians computed
    elsewhere, see :func:`_from_cell_rows`) replace the database read if given.
    """
    if settle and rows is None and aggregated is None:
        tally.settle()
    tpl = template()
    if aggregated is not None:
        cells, outside, states = _from_cell_rows(aggregated)
    elif rows is None and connection.vendor == "postgresql":
        with tally.report_session():
            cells, outside, states = _cells_in_database(period, tpl.categories())
    else:
        cells, outside, states = _cells(_orders_in(period) if rows is None else rows,
                                        tpl.categories())
    return _sheet(period, service, tpl, cells, outside, states)


def _sheet(period: Period, service: str | None, tpl: Template, cells: Cells,
           outside: dict[str, int], states: set[str]) -> MemberStateOrders:
    service_name = service if service is not None else default_service()
    ordered_states = [s for s in MEMBER_STATES if s in states]
    rows: list[list[str]] = []
    for scope, block in [(TOTAL, tpl.total_block)] + [(s, tpl.state_block)
                                                      for s in ordered_states]:
        for trow in block:
            rows.append(_fill(trow, scope, service_name, period, cells, outside))
    return MemberStateOrders(period=period, service=service_name, header=tpl.header,
                             rows=rows, states=ordered_states, outside=dict(outside))


def _fill(trow: TemplateRow, scope: str, service: str, period: Period,
          cells: dict[tuple[str, str, str, str], Cell], outside: dict[str, int]) -> list[str]:
    values = [""] * WIDTH
    values[C_APPLICABILITY] = trow.values[C_APPLICABILITY]
    values[C_SERVICE] = service
    values[C_PERIOD] = period.interval
    values[C_CATEGORY] = trow.label
    values[C_SCOPE] = scope
    category = TOTAL if trow.label == TOTAL else trow.category
    act = cells.get((scope, "act", category, trow.label), Cell())
    info = cells.get((scope, "info", category, trow.label), Cell())
    values[C_ACT_N] = str(act.orders)
    values[C_ACT_ITEMS] = str(act.items)
    values[C_ACT_ACK] = median_cell(act, "ack")
    values[C_ACT_EFFECT] = median_cell(act, "effect")
    values[C_INFO_N] = str(info.orders)
    values[C_INFO_ACK] = median_cell(info, "ack")
    values[C_INFO_EFFECT] = median_cell(info, "effect")
    values[C_CTX_ACT_ACK] = ack_note(act)
    values[C_CTX_ACT_EFFECT] = effect_note(act)
    values[C_CTX_INFO_ACK] = ack_note(info)
    values[C_CTX_INFO_EFFECT] = effect_note(info)
    if scope == TOTAL and trow.label == TOTAL and outside:
        listed = ", ".join(f"{code} ({n})" for code, n in sorted(outside.items()))
        note = (f"Not counted: orders under Articles 9 and 10 from authorities whose "
                f"jurisdiction is not an EU Member State: {listed}.")
        values[C_CTX_ACT_N] = note
        values[C_CTX_INFO_N] = note
    return values


def default_service() -> str:
    return str(getattr(settings, "TRANSPARENCY_SERVICE_NAME", "dueprocess demo platform"))


def default_provider() -> str:
    return str(getattr(settings, "TRANSPARENCY_PROVIDER_NAME", "dueprocess demo provider"))


# ----------------------------------------------------------------------------- files


def to_csv(sheet: MemberStateOrders) -> bytes:
    """RFC 4180 (CRLF line ends), UTF-8, as Annex II §4 requires."""
    return csv_text(sheet.header, sheet.rows, lineterminator="\r\n").encode("utf-8")


def _typed(column: int, text: str) -> Any:
    """Counts and medians as numbers in the workbook; text stays text."""
    if text == "" or column not in (C_ACT_N, C_ACT_ITEMS, C_ACT_ACK, C_ACT_EFFECT, C_INFO_N,
                                    C_INFO_ACK, C_INFO_EFFECT):
        return text or None
    number = float(text)
    return int(number) if number.is_integer() else number


def to_xlsx(sheet: MemberStateOrders, *, provider: str | None = None,
            published: date | None = None, previous: date | None = None) -> bytes:
    """The official Annex I workbook with this sheet filled and the identification done."""
    from copy import copy

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(_data(TEMPLATE_XLSX)))
    ws = book[SHEET]
    tpl = template()
    first_data_row = 2
    template_rows = len(tpl.total_block) + len(tpl.state_block)
    styles = [[copy(ws.cell(row=first_data_row + i, column=c + 1)._style) for c in range(WIDTH)]
              for i in range(template_rows)]
    total_n = len(tpl.total_block)
    for i, values in enumerate(sheet.rows):
        r = first_data_row + i
        if i < total_n:
            style_row = styles[i]
        else:
            style_row = styles[total_n + (i - total_n) % len(tpl.state_block)]
        for c, text in enumerate(values):
            cell = ws.cell(row=r, column=c + 1)
            cell.value = neutralise(_typed(c, text))
            cell._style = copy(style_row[c])
    surplus = first_data_row + template_rows - (first_data_row + len(sheet.rows))
    if surplus > 0:
        ws.delete_rows(first_data_row + len(sheet.rows), surplus)
    ident = book[IDENTIFICATION_SHEET]
    indicators: dict[str, str | None] = {
        "Name of the service provider": provider or default_provider(),
        "Date of the publication of the report":
            (published or timezone.now().date()).isoformat(),
        "Date of the publication of the latest previous report":
            previous.isoformat() if previous else None,
        "Starting date of reporting period": sheet.period.start.isoformat(),
        "Ending date of reporting period": sheet.period.end.isoformat(),
    }
    for row in ident.iter_rows(min_row=2):
        indicator = row[2].value
        if indicator in indicators:
            row[1].value = neutralise(sheet.service)
            row[3].value = neutralise(indicators[str(indicator)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render(period: Period, fmt: str, **options: Any) -> bytes:
    sheet = member_state_orders(period, service=options.pop("service", None))
    return to_xlsx(sheet, **options) if fmt == "xlsx" else to_csv(sheet)
