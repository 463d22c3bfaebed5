"""Transparency report tables, computed from the stored demands and their actions.

Every table is read from one grouped query over the per-demand tallies of the period (a
"cube" of a few hundred groups at most), so the cost is one scan of the period's tallies
whatever the number of targets and actions behind them. Definitions of every number are in
``docs/transparency.md``; the column names follow the published reports researchers already
parse (Google's CSV for user-data requests).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from babel import Locale
from django.db.models import Count, F, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dueprocess.demands.models import OPEN_STATUSES
from dueprocess.law import default_library
from dueprocess.transparency import tally
from dueprocess.transparency.models import DemandTally, WithheldTally
from dueprocess.transparency.names import TABLES
from dueprocess.transparency.periods import Period, PeriodError, parse_period

OTHER_LEGAL_PROCESS = "Other Legal Process"
DEFAULT_BAND = 250
COURT_ORDERS = "Court orders"
OTHER_REQUESTS = "Other requests (executive, police, etc.)"

USER_DATA_COLUMNS = (
    "Period Ending",
    "Country",
    "CLDR Territory Code",
    "Legal Process",
    "User Data Requests",
    "Percentage of requests where some data produced",
    "Users/Accounts Specified",
)


@dataclass
class Table:
    name: str
    title: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    #: Which columns hold numbers (for charts and typed XLSX cells).
    numeric: tuple[str, ...] = ()
    description: str = ""

    def dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


@dataclass
class Report:
    period: Period
    tables: dict[str, Table]

    def __getitem__(self, name: str) -> Table:
        return self.tables[name]


# ----------------------------------------------------------------------------- helpers


@cache
def _territories() -> dict[str, str]:
    return dict(Locale("en").territories)


def territory_name(code: str) -> str:
    """English CLDR name of a territory code (``HK`` is "Hong Kong SAR China")."""
    upper = code.upper()
    return _territories().get("GR" if upper == "EL" else upper, upper)


def cldr_code(code: str) -> str:
    """CLDR/ISO spelling of a stored jurisdiction (the EU's ``EL`` is ISO ``GR``)."""
    upper = code.strip().upper()
    return "GR" if upper == "EL" else upper


def legal_process_label(instrument_id: str) -> str:
    instrument = default_library().get(instrument_id)
    return instrument.legal_process if instrument is not None else OTHER_LEGAL_PROCESS


def _instrument_kind(instrument_id: str) -> str | None:
    instrument = default_library().get(instrument_id)
    return instrument.kind if instrument is not None else None


def percent(part: int, whole: int) -> int:
    """Whole percent, halves rounded up (not to even), as the published reports show."""
    if whole <= 0:
        return 0
    return (200 * part + whole) // (2 * whole)


def band(value: int, size: int) -> str:
    """A count published only as its band, e.g. ``0-499``."""
    low = (max(value, 0) // size) * size
    return f"{low}-{low + size - 1}"


def as_period(period: Period | str) -> Period:
    return period if isinstance(period, Period) else parse_period(period)


# ----------------------------------------------------------------------------- the cube

_SUMS = ("accounts", "content_items", "preserved", "removed", "withheld", "suspended",
         "terminated", "notices_sent", "notices_pending", "notices_delayed", "notices_barred")


def cube(period: Period) -> list[dict[str, Any]]:
    """Per combination of country, instrument, status and outcome flags: counts and sums."""
    qs = (DemandTally.objects
          .filter(received_at__gte=period.start_at, received_at__lt=period.end_before)
          .order_by()
          .values("jurisdiction", "instrument", "status", "flags")
          .annotate(n=Count("pk"), **{s: Sum(F(s)) for s in _SUMS}))
    return [decode(row) for row in qs]


def decode(row: dict[str, Any]) -> dict[str, Any]:
    """A cube row with its ``flags`` bits spelled out as booleans."""
    flags = int(row.pop("flags"))
    for s in _SUMS:
        row[s] = int(row[s] or 0)
    row["n"] = int(row["n"])
    for i, name in enumerate(tally.FLAGS):
        row[name] = bool(flags & (1 << i))
    return row


def _merge(groups: Iterable[dict[str, Any]], key: Callable[[dict[str, Any]], Any],
           fields: Mapping[str, Callable[[dict[str, Any]], int]]) -> dict[Any, dict[str, int]]:
    out: dict[Any, dict[str, int]] = {}
    for g in groups:
        k = key(g)
        acc = out.setdefault(k, dict.fromkeys(fields, 0))
        for name, fn in fields.items():
            acc[name] += fn(g)
    return out


def _country(code: str) -> tuple[str, str]:
    c = cldr_code(code)
    return territory_name(c), c


def _sorted(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return sorted(rows, key=lambda r: tuple(str(v) for v in r[1:4]))


def _n(g: dict[str, Any]) -> int:
    return int(g["n"])


def _if(flag: str) -> Callable[[dict[str, Any]], int]:
    return lambda g: int(g["n"]) if g[flag] else 0


def _sum(name: str) -> Callable[[dict[str, Any]], int]:
    return lambda g: int(g[name])


# ----------------------------------------------------------------------------- tables


def _is_nsl(g: dict[str, Any]) -> bool:
    return _instrument_kind(g["instrument"]) == "national_security"


def user_data_table(period: Period, groups: list[dict[str, Any]]) -> Table:
    merged = _merge(
        (g for g in groups if g["disclose"] and not _is_nsl(g)),
        lambda g: (cldr_code(g["jurisdiction"]), legal_process_label(g["instrument"])),
        {"requests": _n, "produced": _if("produced"), "accounts": _sum("accounts")})
    rows = [(period.end.isoformat(), territory_name(code), code, process, v["requests"],
             percent(v["produced"], v["requests"]), v["accounts"])
            for (code, process), v in merged.items()]
    return Table("user_data_requests", gettext_noop("User data requests"),
                 USER_DATA_COLUMNS, _sorted(rows), numeric=USER_DATA_COLUMNS[4:],
                 description=gettext_noop(
                     "Demands to disclose user data, by requesting country and "
                     "legal process (national-security letters are reported only "
                     "in bands, in their own table)."))


RESTRICTION_COLUMNS = (
    "Period Ending", "Country", "CLDR Territory Code", "Requester", "Requests",
    "Items Requested", "Percentage of requests fully or partially complied with",
    "Items Removed", "Items Withheld", "Accounts Suspended", "Accounts Terminated",
)


def restriction_table(period: Period, groups: list[dict[str, Any]]) -> Table:
    merged = _merge(
        (g for g in groups if g["restrict"]),
        lambda g: (cldr_code(g["jurisdiction"]), COURT_ORDERS if g["court"] else OTHER_REQUESTS),
        {"requests": _n, "items": lambda g: int(g["accounts"]) + int(g["content_items"]),
         "complied": _if("restricted_any"), "removed": _sum("removed"),
         "withheld": _sum("withheld"), "suspended": _sum("suspended"),
         "terminated": _sum("terminated")})
    rows = [(period.end.isoformat(), territory_name(code), code, requester, v["requests"],
             v["items"], percent(v["complied"], v["requests"]), v["removed"], v["withheld"],
             v["suspended"], v["terminated"])
            for (code, requester), v in merged.items()]
    return Table("restriction_requests", gettext_noop("Content and account restriction requests"),
                 RESTRICTION_COLUMNS, _sorted(rows), numeric=RESTRICTION_COLUMNS[4:],
                 description=gettext_noop(
                     "Demands to remove, disable or withhold content or to suspend "
                     "or terminate accounts, by requesting country, court orders "
                     "apart from other requests."))


WITHHELD_COLUMNS = ("Period Ending", "Country", "CLDR Territory Code", "Withheld In",
                    "Items Withheld")


def withheld_groups(period: Period) -> list[dict[str, Any]]:
    """Items withheld per (requesting jurisdiction, territory) in the period."""
    return list(WithheldTally.objects
                .filter(received_at__gte=period.start_at, received_at__lt=period.end_before)
                .order_by()
                .values("jurisdiction", "territory")
                .annotate(items=Sum("items")))


def withheld_table(period: Period, groups: Iterable[dict[str, Any]]) -> Table:
    per: dict[tuple[str, str], int] = {}
    for row in groups:
        key = (cldr_code(row["jurisdiction"]), row["territory"])
        per[key] = per.get(key, 0) + int(row["items"] or 0)
    rows = [(period.end.isoformat(), territory_name(code), code, where, n)
            for (code, where), n in per.items()]
    return Table("items_withheld_by_territory", gettext_noop("Items withheld, by territory"),
                 WITHHELD_COLUMNS, _sorted(rows), numeric=("Items Withheld",),
                 description=gettext_noop(
                     "Items made unavailable only in the named territory "
                     "(withheld), by requesting country."))


EMERGENCY_COLUMNS = (
    "Period Ending", "Country", "CLDR Territory Code", "Emergency Requests",
    "Users/Accounts Specified", "Requests where some data produced",
    "Percentage of requests where some data produced", "Requests refused", "Requests open",
)


def emergency_table(period: Period, groups: list[dict[str, Any]]) -> Table:
    merged = _merge(
        (g for g in groups if g["emergency"]),
        lambda g: cldr_code(g["jurisdiction"]),
        {"requests": _n, "accounts": _sum("accounts"), "produced": _if("produced"),
         "refused": lambda g: _n(g) if g["status"] == "rejected" else 0,
         "open": lambda g: _n(g) if g["status"] in OPEN_STATUSES else 0})
    rows = [(period.end.isoformat(), territory_name(code), code, v["requests"], v["accounts"],
             v["produced"], percent(v["produced"], v["requests"]), v["refused"], v["open"])
            for code, v in merged.items()]
    return Table("emergency_requests", gettext_noop("Emergency disclosure requests"),
                 EMERGENCY_COLUMNS, _sorted(rows), numeric=EMERGENCY_COLUMNS[3:],
                 description=gettext_noop(
                     "Requests marked as emergencies (danger of death or serious "
                     "injury) and what came of them."))


PRESERVATION_COLUMNS = (
    "Period Ending", "Country", "CLDR Territory Code", "Preservation Requests",
    "Users/Accounts Specified", "Accounts Preserved",
    "Percentage of requests where data was preserved",
)


def preservation_table(period: Period, groups: list[dict[str, Any]]) -> Table:
    merged = _merge(
        (g for g in groups if g["preserve"]),
        lambda g: cldr_code(g["jurisdiction"]),
        {"requests": _n, "accounts": _sum("accounts"), "preserved": _sum("preserved"),
         "some": _if("preserved_any")})
    rows = [(period.end.isoformat(), territory_name(code), code, v["requests"], v["accounts"],
             v["preserved"], percent(v["some"], v["requests"]))
            for code, v in merged.items()]
    return Table("preservation_requests", gettext_noop("Preservation requests"),
                 PRESERVATION_COLUMNS, _sorted(rows), numeric=PRESERVATION_COLUMNS[3:],
                 description=gettext_noop(
                     "Requests to preserve data pending legal process; nothing is "
                     "disclosed by a preservation."))


NSL_COLUMNS = ("Period Ending", "Country", "CLDR Territory Code", "Legal Process",
               "Requests Received", "Users/Accounts Specified")


def national_security_table(period: Period, groups: list[dict[str, Any]]) -> Table:
    library = default_library()
    sizes: dict[tuple[str, str], int] = {}
    for inst in library.instruments.values():
        if inst.kind == "national_security":
            sizes[(cldr_code(inst.jurisdiction), inst.legal_process)] = (
                inst.reporting_band or DEFAULT_BAND)
    merged = _merge(
        (g for g in groups if _is_nsl(g)),
        lambda g: (cldr_code(g["jurisdiction"]), legal_process_label(g["instrument"])),
        {"requests": _n, "accounts": _sum("accounts")})
    for key in merged:
        sizes.setdefault(key, DEFAULT_BAND)
    rows = []
    for (code, process), size in sizes.items():
        v = merged.get((code, process), {"requests": 0, "accounts": 0})
        rows.append((period.end.isoformat(), territory_name(code), code, process,
                     band(v["requests"], size), band(v["accounts"], size)))
    return Table("national_security_requests",
                 gettext_noop("National security requests (in bands)"),
                 NSL_COLUMNS, _sorted(rows),
                 description=gettext_noop(
                     "National-security demands may only be published in bands; "
                     "a row is shown even when none was received, so a band never "
                     "reveals that the count is zero."))


NOTICE_COLUMNS = ("Period Ending", "Country", "CLDR Territory Code", "User Notices Sent",
                  "User Notices Pending", "User Notices Delayed", "User Notices Barred")


def notices_table(period: Period, groups: list[dict[str, Any]]) -> Table:
    merged = _merge(
        groups, lambda g: cldr_code(g["jurisdiction"]),
        {"sent": _sum("notices_sent"), "pending": _sum("notices_pending"),
         "delayed": _sum("notices_delayed"), "barred": _sum("notices_barred")})
    rows = [(period.end.isoformat(), territory_name(code), code, v["sent"], v["pending"],
             v["delayed"], v["barred"])
            for code, v in merged.items() if any(v.values())]
    return Table("user_notices", gettext_noop("Notices to affected users"),
                 NOTICE_COLUMNS, _sorted(rows), numeric=NOTICE_COLUMNS[3:],
                 description=gettext_noop(
                     "Notices to the users whose accounts were acted on: sent, "
                     "waiting to be sent, delayed by a time-limited gag, or barred "
                     "by a gag without end."))


POLICY_COLUMNS = (
    "Period Ending", "Country", "CLDR Territory Code", "Demands Received",
    "User Data Requests", "Held by Policy", "Routed to MLAT", "Still on Hold",
    "Requests where some data produced",
)


def policy_table(period: Period, groups: list[dict[str, Any]]) -> Table:
    affected = {cldr_code(g["jurisdiction"]) for g in groups
                if g["held_by_policy"] or g["mlat"]}
    merged = _merge(
        (g for g in groups if cldr_code(g["jurisdiction"]) in affected),
        lambda g: cldr_code(g["jurisdiction"]),
        {"received": _n, "data": _if("disclose"), "held": _if("held_by_policy"),
         "mlat": _if("mlat"), "on_hold": lambda g: _n(g) if g["status"] == "on_hold" else 0,
         "produced": _if("produced")})
    rows = [(period.end.isoformat(), territory_name(code), code, v["received"], v["data"],
             v["held"], v["mlat"], v["on_hold"], v["produced"])
            for code, v in merged.items()]
    return Table("held_or_routed_by_policy",
                 gettext_noop("Demands held or routed to MLAT by policy"),
                 POLICY_COLUMNS, _sorted(rows), numeric=POLICY_COLUMNS[3:],
                 description=gettext_noop(
                     "Countries where a platform policy paused demands or sent them "
                     "to mutual legal assistance (treaty) channels."))




def build_report(period: Period | str, *, settle: bool = True) -> Report:
    """All tables for one period (tallies are brought up to date first)."""
    span = as_period(period)
    if settle:
        tally.settle()
    with tally.report_session():
        return tables_from(span, cube(span), withheld_groups(span))


def tables_from(span: Period, groups: list[dict[str, Any]],
                withheld: Iterable[dict[str, Any]]) -> Report:
    """The tables from a cube (see :func:`cube`) and withheld groups, wherever computed."""
    tables = [
        user_data_table(span, groups),
        restriction_table(span, groups),
        withheld_table(span, withheld),
        emergency_table(span, groups),
        preservation_table(span, groups),
        national_security_table(span, groups),
        notices_table(span, groups),
        policy_table(span, groups),
    ]
    return Report(span, {t.name: t for t in tables})


def table_names() -> tuple[str, ...]:
    return TABLES


def check_table(name: str | None) -> str | None:
    if name is None or name == "" or name == "all":
        return None
    if name not in TABLES:
        raise PeriodError(_("unknown table %(name)r: use one of %(tables)s")
                          % {"name": name, "tables": ', '.join(TABLES)},
                          field="table")
    return name


@dataclass(frozen=True)
class Row:
    """One row of the user-data table, kept for callers that want typed access."""

    period_ending: date
    country: str
    territory_code: str
    legal_process: str
    requests: int
    percent_produced: int
    accounts: int

    def as_dict(self) -> dict[str, Any]:
        return dict(zip(USER_DATA_COLUMNS, (
            self.period_ending.isoformat(), self.country, self.territory_code,
            self.legal_process, self.requests, self.percent_produced, self.accounts,
        ), strict=True))


def user_data_requests(period: Period | str) -> list[Row]:
    """Google-style "user data requests" rows for a period."""
    table = build_report(period).tables["user_data_requests"]
    return [Row(date.fromisoformat(r[0]), r[1], r[2], r[3], r[4], r[5], r[6])
            for r in table.rows]
