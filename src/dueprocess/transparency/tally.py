"""Keep one reporting row per demand current, set-based.

Staleness: a signal receiver appends a :class:`StaleDemand` marker whenever a demand, one of
its rows, or its audit event is saved, inside the same transaction as the change. Before a
report reads, :func:`settle` recomputes the marked demands (and any demand of the period
that has no tally yet) and deletes exactly the markers it read. A marker committed while a
settle runs is not among those read and survives for the next one, so a tally can lag a
concurrent change by one report at most and is never silently lost.

The recomputation is one ``INSERT … SELECT`` with grouped derived tables, the same SQL on
SQLite and PostgreSQL, so a full rebuild of millions of rows stays inside the database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Max

from dueprocess.demands.models import (
    Action,
    Ask,
    Authority,
    Demand,
    Finding,
    Notice,
    Target,
)
from dueprocess.transaction_memo import is_remembered, recall, remember
from dueprocess.transparency.models import DemandTally, StaleDemand, WithheldTally

CHUNK = 500
#: Serialises concurrent settles on PostgreSQL (an arbitrary, fixed advisory-lock key).
_LOCK_KEY = 0x64707472  # "dptr"

COLUMNS = (
    "demand_id", "received_at", "jurisdiction", "instrument", "status", "emergency", "court",
    "disclose", "preserve", "restrict", "accounts", "content_items", "produced", "preserved",
    "removed", "withheld", "suspended", "terminated", "open_actions", "succeeded_actions",
    "untimed_actions", "last_finished_at", "acknowledged_at", "held_by_policy", "mlat",
    "notices_sent", "notices_pending", "notices_delayed", "notices_barred",
    "content_category", "category_keywords", "flags",
)

#: Bit of each boolean in ``DemandTally.flags`` (derived ones included).
FLAGS = ("emergency", "court", "disclose", "preserve", "restrict", "produced",
         "held_by_policy", "mlat", "restricted_any", "preserved_any")


def _t(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _role_sql() -> str:
    if connection.vendor == "postgresql":
        return "(d.issued_by ->> 'role')"
    return "json_extract(d.issued_by, '$.role')"


def _flags_sql() -> str:
    n = "COALESCE({}, 0)"
    conditions = {
        "emergency": "d.emergency",
        "court": f"(au.kind = 'court' OR COALESCE({_role_sql()}, '') IN ('judge', 'court'))",
        "disclose": f"{n.format('k.disclose')} > 0",
        "preserve": f"{n.format('k.preserve')} > 0",
        "restrict": f"{n.format('k.restrict')} > 0",
        "produced": f"{n.format('x.exported')} > 0",
        "held_by_policy": f"{n.format('f.paused')} > 0",
        "mlat": f"({n.format('f.mlat')} + {n.format('nt.referrals')}) > 0",
        "restricted_any": f"({n.format('x.removed')} + {n.format('x.withheld')} + "
                          f"{n.format('x.suspended')} + {n.format('x.terminated')}) > 0",
        "preserved_any": f"{n.format('x.preserved')} > 0",
    }
    return " + ".join(f"(CASE WHEN {conditions[name]} THEN {1 << i} ELSE 0 END)"
                      for i, name in enumerate(FLAGS))


def _select_sql(where_demand: str, where_child: str) -> str:
    """The tally SELECT; ``where_*`` restrict demands (alias d) and child rows."""
    n = "COALESCE({}, 0)"
    # Only table names from model metadata and fixed fragments are interpolated; values
    # are always parameters.
    return f"""
SELECT d.id, d.received_at, d.jurisdiction, d.instrument, d.status, d.emergency,
  (au.kind = 'court' OR COALESCE({_role_sql()}, '') IN ('judge', 'court')),
  {n.format('k.disclose')} > 0, {n.format('k.preserve')} > 0, {n.format('k.restrict')} > 0,
  {n.format('t.accounts')}, {n.format('t.content')},
  {n.format('x.exported')} > 0, {n.format('x.preserved')}, {n.format('x.removed')},
  {n.format('x.withheld')}, {n.format('x.suspended')}, {n.format('x.terminated')},
  {n.format('x.open')}, {n.format('x.succeeded')}, {n.format('x.untimed')}, x.last_finished,
  d.acknowledged_at,
  {n.format('f.paused')} > 0, ({n.format('f.mlat')} + {n.format('nt.referrals')}) > 0,
  {n.format('nt.sent')}, {n.format('nt.pending')}, {n.format('nt.delayed')},
  {n.format('nt.barred')}, d.content_category, d.category_keywords, {_flags_sql()}
FROM {_t(Demand)} d
JOIN {_t(Authority)} au ON au.id = d.authority_id
LEFT JOIN (
  SELECT demand_id,
    SUM(CASE WHEN kind = 'disclose' THEN 1 ELSE 0 END) AS disclose,
    SUM(CASE WHEN kind = 'preserve' THEN 1 ELSE 0 END) AS preserve,
    SUM(CASE WHEN kind IN ('restrict_account', 'restrict_content') THEN 1 ELSE 0 END)
      AS restrict
  FROM {_t(Ask)} WHERE {where_child} GROUP BY demand_id
) k ON k.demand_id = d.id
LEFT JOIN (
  SELECT demand_id,
    SUM(CASE WHEN type = 'account' THEN 1 ELSE 0 END) AS accounts,
    SUM(CASE WHEN type = 'content' THEN 1 ELSE 0 END) AS content
  FROM {_t(Target)} WHERE {where_child} GROUP BY demand_id
) t ON t.demand_id = d.id
LEFT JOIN (
  SELECT demand_id,
    SUM(CASE WHEN status = 'succeeded' AND kind = 'export' THEN 1 ELSE 0 END) AS exported,
    SUM(CASE WHEN status = 'succeeded' AND kind = 'preserve' THEN 1 ELSE 0 END) AS preserved,
    SUM(CASE WHEN status = 'succeeded' AND kind IN ('remove', 'disable') THEN 1 ELSE 0 END)
      AS removed,
    SUM(CASE WHEN status = 'succeeded' AND kind IN ('withhold', 'withhold_account')
        THEN 1 ELSE 0 END) AS withheld,
    SUM(CASE WHEN status = 'succeeded' AND kind = 'suspend' THEN 1 ELSE 0 END) AS suspended,
    SUM(CASE WHEN status = 'succeeded' AND kind = 'terminate' THEN 1 ELSE 0 END)
      AS terminated,
    SUM(CASE WHEN status IN ('pending', 'running') THEN 1 ELSE 0 END) AS open,
    SUM(CASE WHEN status = 'succeeded' AND kind <> 'notify' THEN 1 ELSE 0 END) AS succeeded,
    SUM(CASE WHEN status = 'succeeded' AND kind <> 'notify' AND finished_at IS NULL
        THEN 1 ELSE 0 END) AS untimed,
    MAX(CASE WHEN status = 'succeeded' AND kind <> 'notify' THEN finished_at END)
      AS last_finished
  FROM {_t(Action)} WHERE {where_child} GROUP BY demand_id
) x ON x.demand_id = d.id
LEFT JOIN (
  SELECT demand_id,
    SUM(CASE WHEN code = 'policy.jurisdiction_paused' THEN 1 ELSE 0 END) AS paused,
    SUM(CASE WHEN code = 'policy.route_mlat' THEN 1 ELSE 0 END) AS mlat
  FROM {_t(Finding)}
  WHERE {where_child} AND code IN ('policy.jurisdiction_paused', 'policy.route_mlat')
  GROUP BY demand_id
) f ON f.demand_id = d.id
LEFT JOIN (
  SELECT demand_id,
    SUM(CASE WHEN kind = 'user' AND status = 'sent' THEN 1 ELSE 0 END) AS sent,
    SUM(CASE WHEN kind = 'user' AND status = 'pending' THEN 1 ELSE 0 END) AS pending,
    SUM(CASE WHEN kind = 'user' AND status = 'delayed' THEN 1 ELSE 0 END) AS delayed,
    SUM(CASE WHEN kind = 'user' AND status = 'barred' THEN 1 ELSE 0 END) AS barred,
    SUM(CASE WHEN kind = 'mlat_referral' THEN 1 ELSE 0 END) AS referrals
  FROM {_t(Notice)} WHERE {where_child} GROUP BY demand_id
) nt ON nt.demand_id = d.id
WHERE {where_demand}"""  # noqa: S608


def _insert_sql(select: str) -> str:
    cols = ", ".join(connection.ops.quote_name(c) for c in COLUMNS)
    return f"INSERT INTO {_t(DemandTally)} ({cols}) {select}"


def _withheld(ids: Sequence[int] | None) -> None:
    """Items (content and accounts) withheld per territory, from the territories each
    withholding action names."""
    qs = Action.objects.filter(kind__in=("withhold", "withhold_account"), status="succeeded")
    if ids is not None:
        qs = qs.filter(demand_id__in=ids)
    per: dict[tuple[int, str, Any, str], int] = defaultdict(int)
    for row in (qs.order_by()
                .values("demand_id", "demand__jurisdiction", "demand__received_at", "params")
                .annotate(n=Count("pk")).iterator()):
        params = row["params"] if isinstance(row["params"], dict) else {}
        territories = params.get("territories") or []
        codes = sorted({str(c).strip().upper() for c in territories if str(c).strip()})
        for code in codes or ["unspecified"]:
            key = (row["demand_id"], row["demand__jurisdiction"], row["demand__received_at"],
                   code[:10])
            per[key] += row["n"]
    WithheldTally.objects.bulk_create(
        (WithheldTally(demand_id=d, jurisdiction=j, received_at=r, territory=c, items=n)
         for (d, j, r, c), n in per.items()),
        batch_size=5000)


def _recompute(ids: Sequence[int]) -> None:
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cur:
        DemandTally.objects.filter(demand_id__in=ids).delete()
        WithheldTally.objects.filter(demand_id__in=ids).delete()
        sql = _insert_sql(_select_sql(f"d.id IN ({marks})", f"demand_id IN ({marks})"))
        cur.execute(sql, list(ids) * 6)
    _withheld(ids)


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


def _recompute_all(ids: Iterable[int]) -> int:
    todo = sorted(set(ids))
    for i in range(0, len(todo), CHUNK):
        _recompute(todo[i:i + CHUNK])
    return len(todo)


def settle() -> int:
    """Bring tallies up to date before a report; returns how many demands were recomputed."""
    done = 0
    with transaction.atomic():
        _lock()
        marks = list(StaleDemand.objects.values_list("pk", "demand_id"))
        if marks:
            done += _recompute_all(d for _, d in marks)
            pks = [pk for pk, _ in marks]
            for i in range(0, len(pks), CHUNK):
                StaleDemand.objects.filter(pk__in=pks[i:i + CHUNK]).delete()
            remember(_SETTLED, recall(_SETTLED, 0) + 1)
        done += _fill_missing()
    return done


def _fill_missing() -> int:
    """Demands appended without the ORM (bulk loads) get their tally here.

    Tallies are only ever replaced, never dropped, so a demand without one has an id above
    the highest tallied id: two index look-ups, whatever the size of the table. A bulk load
    that reuses lower ids needs ``rebuild()`` (``dueprocess report --rebuild``).
    """
    top = DemandTally.objects.aggregate(m=Max("demand_id"))["m"] or 0
    missing = list(Demand.objects.filter(pk__gt=top).order_by("pk").values_list("pk",
                                                                               flat=True))
    return _recompute_all(missing) if missing else 0


@contextmanager
def report_session() -> Iterator[None]:
    """One read transaction for a report; on PostgreSQL with room to aggregate in memory.

    With the default 4 MB of work memory PostgreSQL sorts a million tallies on disk to
    group them; 64 MB (for this transaction only) lets it hash them instead. JIT
    compilation costs more than it saves on these short queries, so it is off.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SET LOCAL work_mem = '64MB'")
                cur.execute("SET LOCAL jit = off")
        yield


def rebuild() -> int:
    """Recompute every tally from the case file, set-based (after bulk loads or repairs)."""
    with transaction.atomic():
        _lock()
        StaleDemand.objects.all().delete()
        remember(_SETTLED, recall(_SETTLED, 0) + 1)
        WithheldTally.objects.all().delete()
        DemandTally.objects.all().delete()
        with connection.cursor() as cur:
            cur.execute(_insert_sql(_select_sql("1 = 1", "1 = 1")))
        _withheld(None)
        return DemandTally.objects.count()


def mark_stale(demand_id: int | None) -> None:
    """One marker per demand and transaction: an intake saves a dozen rows of one demand."""
    if demand_id is None:
        return
    key = ("tally.stale", recall(_SETTLED, 0), demand_id)
    if is_remembered(key):
        return
    StaleDemand.objects.create(demand_id=demand_id)
    remember(key)


#: Counts the settles of this transaction: a marker a settle deleted must be written again.
_SETTLED = "tally.settled"
