"""Transparency report benchmark: PostgreSQL next to DuckDB over the same rows.

    python benchmarks/reports.py [--scales 10000,100000,1000000] [--runs 5]
        [--database postgres://postgres@127.0.0.1:5432/dp8bench] [--keep]

For each scale N it loads N demands with 10·N targets (plus their asks, actions, notices
and policy findings) into a dedicated PostgreSQL database with COPY, builds the reporting
tallies once, and then times, side by side in the same run:

* PostgreSQL: every transparency table and the DSA sheet for one half-year period, as the
  API computes them (`build_report` + `dsa.member_state_orders`, tallies settled);
* DuckDB: the same tables computed from the raw rows exported to Parquet (per-demand facts,
  the same cube, the same Python table code), so both engines answer the same question.

Every demand of a scale falls in the reported period (the worst case: the period is the
whole table). The two results are compared for equality before any figure is printed.
Needs the `bench` extra (duckdb). The database is dropped at the end unless --keep.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/dp8bench"
PERIOD = "2024-H1"
START = datetime(2024, 1, 1, tzinfo=UTC)
SECONDS = int((datetime(2024, 7, 1, tzinfo=UTC) - START).total_seconds()) - 1

US = ["us.ecpa.warrant", "us.ecpa.subpoena", "us.ecpa.2703d", "us.ecpa.emergency",
      "us.ecpa.preservation", "us.nsl"]
# Orders under the DSA are a small share of what EU authorities send (production orders
# and national court orders dominate), as in published DSA reports.
EU = ["eu.dsa.art9", "eu.dsa.art10"] + ["eu.evidence.epoc"] * 3 + ["eu.evidence.epoc_pr"] \
    + ["generic.court_order"] * 3
OTHER = ["generic.court_order", "generic.police_request"]
JURISDICTIONS = (["US"] * 30 + ["DE"] * 8 + ["FR"] * 6 + ["GR"] * 2 + ["IT"] * 3 + ["ES"] * 3
                 + ["PL"] * 2 + ["NL"] * 2 + ["HK"] * 5 + ["BR"] * 6 + ["IN"] * 8
                 + ["GB"] * 5 + ["TR"] * 3 + ["JP"] * 2 + ["XX"] * 1)
EU_STATES = {"DE", "FR", "GR", "IT", "ES", "PL", "NL"}
ASK_OF = {"us.ecpa.preservation": "preserve", "eu.evidence.epoc_pr": "preserve",
          "eu.dsa.art9": "restrict_content", "hk.nsl43.sch4": "restrict_content"}
CATEGORIES = [("STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
               ["KEYWORD_HATE_SPEECH", "KEYWORD_DEFAMATION"]),
              ("STATEMENT_CATEGORY_PROTECTION_OF_MINORS", ["KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL"]),
              ("STATEMENT_CATEGORY_SCAMS_AND_FRAUD", ["KEYWORD_PHISHING"]),
              ("", [])]


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DUEPROCESS_MODE"] = "test"
    os.environ.setdefault("DUEPROCESS_HOME", tempfile.mkdtemp(prefix="dp-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "dueprocess.settings"
    import django

    django.setup()


def recreate_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


# ----------------------------------------------------------------------------- data


def _ts(seconds: float) -> str:
    return (START + timedelta(seconds=seconds)).isoformat()


class Loader:
    """COPY rows into a table, filling NOT NULL columns the generator does not set."""

    def __init__(self, cursor: Any, table: str, columns: list[str]) -> None:
        self.cursor, self.table, self.columns = cursor, table, columns
        cursor.execute("SELECT column_name, data_type, is_nullable FROM "
                       "information_schema.columns WHERE table_name = %s", [table])
        extra = []
        for name, kind, nullable in cursor.fetchall():
            if name in columns or name == "id" or nullable == "YES":
                continue
            extra.append((name, {"boolean": "f", "integer": "0", "bigint": "0",
                                 "smallint": "0", "jsonb": "{}",
                                 "timestamp with time zone": _ts(0),
                                 "date": "2024-01-01"}.get(kind, "")))
        self.extra = extra
        self.buffer = io.StringIO()
        self.count = 0

    def add(self, *values: Any) -> None:
        cells = ["\\N" if v is None else str(v) for v in values]
        cells.extend(v for _, v in self.extra)
        self.buffer.write("\t".join(cells) + "\n")
        self.count += 1
        if self.count % 200_000 == 0:
            self.flush()

    def flush(self) -> None:
        data = self.buffer.getvalue()
        if data:
            cols = ", ".join(self.columns + [n for n, _ in self.extra])
            with self.cursor.copy(f"COPY {self.table} ({cols}) FROM STDIN") as copy:
                copy.write(data)
        self.buffer = io.StringIO()


def load(n: int, seed: int = 8) -> dict[str, int]:
    """N demands, 10·N targets, and what execution would have left behind."""
    from django.db import connection, transaction

    rng = random.Random(seed)
    # One transaction: Django's foreign keys are deferred, checked once at commit.
    with transaction.atomic(), connection.cursor() as c:
        c.execute("TRUNCATE demands_authority, demands_demand, demands_ask, demands_target, "
                  "demands_action, demands_notice, demands_finding, transparency_demandtally, "
                  "transparency_withheldtally, transparency_staledemand "
                  "RESTART IDENTITY CASCADE")
        raw = c.cursor
        auth = Loader(raw, "demands_authority", ["id", "slug", "name", "jurisdiction", "kind",
                                                 "domains", "phones", "created_at"])
        authorities: dict[str, list[tuple[int, str]]] = defaultdict(list)
        aid = 0
        for code in sorted(set(JURISDICTIONS)):
            for kind in ("police", "court"):
                aid += 1
                auth.add(aid, f"{code.lower()}-{kind}", f"{code} {kind}", code, kind, "[]",
                         "[]", _ts(0))
                authorities[code].append((aid, kind))
        auth.flush()
        cols = ["id", "authority_id", "reference", "instrument", "jurisdiction", "status",
                "emergency", "issued_by", "received_at", "acknowledged_at", "target_count",
                "content_category", "category_keywords", "offences", "created_at",
                "updated_at"]
        dem = Loader(raw, "demands_demand", cols)
        ask = Loader(raw, "demands_ask", ["demand_id", "position", "kind", "measure",
                                          "data_categories", "territorial_scope"])
        tgt = Loader(raw, "demands_target", ["demand_id", "type", "identifier", "flags"])
        act = Loader(raw, "demands_action", ["demand_id", "kind", "status", "params",
                                             "idempotency_key", "finished_at", "attempts",
                                             "result"])
        notice = Loader(raw, "demands_notice", ["demand_id", "kind", "status", "recipient",
                                                "language", "created_at"])
        finding = Loader(raw, "demands_finding", ["demand_id", "code", "severity", "message",
                                                  "rule", "evidence", "created_at"])
        remaining_targets = 10 * n
        for i in range(1, n + 1):
            code = rng.choice(JURISDICTIONS)
            pool = (US if code == "US" else EU if code in EU_STATES
                    else ["hk.nsl43.sch4", "hk.nsl43.sch7"] if code == "HK" else OTHER)
            instrument = rng.choice(pool)
            court = rng.random() < 0.3
            authority = authorities[code][1 if court else 0][0]
            kind = ASK_OF.get(instrument) or ("restrict_content" if instrument ==
                                              "generic.court_order" and rng.random() < 0.4
                                              else "disclose")
            left = n - i + 1
            # A few large orders carry most targets; the mean is exactly 10 per demand.
            if rng.random() < 0.1 and kind == "restrict_content":
                k = max(1, min(remaining_targets - (left - 1), rng.randint(20, 130)))
            else:
                k = max(1, min(remaining_targets - (left - 1), rng.randint(1, 6)))
            if i == n:
                k = remaining_targets
            remaining_targets -= k
            received = rng.randint(0, SECONDS)
            ack = None if rng.random() < 0.02 else received + rng.randint(0, 4 * 3600)
            status = rng.choices(["completed", "rejected", "in_review", "on_hold"],
                                 [70, 15, 10, 5])[0]
            category, words = rng.choice(CATEGORIES)
            keywords = json.dumps(rng.sample(words, k=min(len(words), rng.randint(0, 2))))
            role = "judge" if court else "police"
            dem.add(i, authority, f"B-{i}", instrument, code, status,
                    "t" if instrument == "us.ecpa.emergency" else "f",
                    json.dumps({"role": role}), _ts(received),
                    None if ack is None else _ts(ack), k, category, keywords, "[]",
                    _ts(received), _ts(received))
            measure = "withhold" if kind == "restrict_content" and rng.random() < 0.5 else (
                "remove" if kind == "restrict_content" else "")
            scope = json.dumps([code]) if measure == "withhold" else "[]"
            ask.add(i, 0, kind, measure, '["subscriber"]' if kind == "disclose" else "[]",
                    scope)
            ttype = "content" if kind == "restrict_content" else "account"
            for t in range(k):
                tgt.add(i, ttype, f"{ttype[0]}{i}-{t}", "[]")
            if status == "completed":
                action_kind = {"disclose": "export", "preserve": "preserve"}.get(
                    kind, measure or "remove")
                done = received + rng.randint(3600, 72 * 3600)
                params = json.dumps({"territories": [code]}) if action_kind == "withhold" \
                    else "{}"
                for t in range(min(k, 5)):
                    act.add(i, action_kind, "succeeded", params, f"b-{i}-{t}", _ts(done), 1,
                            "{}")
                if kind == "disclose":
                    notice.add(i, "user", rng.choice(["sent", "pending", "delayed",
                                                      "barred"]), "user", "en", _ts(done))
            if ack is not None:
                notice.add(i, "acknowledgement", "sent", code, "en", _ts(ack))
            if code == "HK" and kind == "disclose":
                finding.add(i, "policy.jurisdiction_paused", "warning", "paused", "policy",
                            "{}", _ts(received))
        for loader in (dem, ask, tgt, act, notice, finding):
            loader.flush()
        c.execute("SELECT setval(pg_get_serial_sequence('demands_demand', 'id'), %s)", [n])
        counts = {"demands": dem.count, "targets": tgt.count, "actions": act.count,
                  "notices": notice.count, "asks": ask.count}
    return counts


# ----------------------------------------------------------------------------- DuckDB


EXPORTS = {
    "demand": "SELECT d.id, d.jurisdiction, d.instrument, d.status, d.emergency::int AS "
              "emergency, (a.kind = 'court' OR COALESCE(d.issued_by ->> 'role', '') IN "
              "('judge', 'court'))::int AS court, extract(epoch FROM d.received_at) AS "
              "received, extract(epoch FROM d.acknowledged_at) AS acknowledged, "
              "d.content_category, d.category_keywords::text AS keywords FROM "
              "demands_demand d JOIN demands_authority a ON a.id = d.authority_id",
    "ask": "SELECT demand_id, kind FROM demands_ask",
    "target": "SELECT demand_id, type FROM demands_target",
    "action": "SELECT demand_id, kind, status, params::text AS params, "
              "extract(epoch FROM finished_at) AS finished FROM demands_action",
    "notice": "SELECT demand_id, kind, status FROM demands_notice",
    "finding": "SELECT demand_id, code FROM demands_finding",
}


def export_parquet(folder: Path) -> dict[str, int]:
    """The same rows, out of PostgreSQL (COPY) and into Parquet files (DuckDB COPY TO)."""
    import duckdb
    from django.db import connection

    sizes = {}
    duck = duckdb.connect()
    for name, sql in EXPORTS.items():
        csv_path = folder / f"{name}.csv"
        with connection.cursor() as c, open(csv_path, "wb") as out, c.cursor.copy(
                f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER)") as copy:
            for chunk in copy:
                out.write(chunk)
        parquet = folder / f"{name}.parquet"
        duck.execute(f"COPY (SELECT * FROM read_csv('{csv_path}', header=true, "
                     f"sample_size=-1)) TO '{parquet}' (FORMAT parquet)")
        csv_path.unlink()
        sizes[name] = parquet.stat().st_size
    duck.close()
    return sizes


FACTS = """
WITH k AS (SELECT demand_id,
    sum(CASE WHEN kind = 'disclose' THEN 1 ELSE 0 END) AS disclose,
    sum(CASE WHEN kind = 'preserve' THEN 1 ELSE 0 END) AS preserve,
    sum(CASE WHEN kind IN ('restrict_account', 'restrict_content') THEN 1 ELSE 0 END) AS restr
  FROM '{d}/ask.parquet' GROUP BY demand_id),
t AS (SELECT demand_id, sum(CASE WHEN type = 'account' THEN 1 ELSE 0 END) AS accounts,
    sum(CASE WHEN type = 'content' THEN 1 ELSE 0 END) AS content
  FROM '{d}/target.parquet' GROUP BY demand_id),
x AS (SELECT demand_id,
    sum(CASE WHEN status = 'succeeded' AND kind = 'export' THEN 1 ELSE 0 END) AS exported,
    sum(CASE WHEN status = 'succeeded' AND kind = 'preserve' THEN 1 ELSE 0 END) AS preserved,
    sum(CASE WHEN status = 'succeeded' AND kind IN ('remove', 'disable') THEN 1 ELSE 0 END)
      AS removed,
    sum(CASE WHEN status = 'succeeded' AND kind = 'withhold' THEN 1 ELSE 0 END) AS withheld,
    sum(CASE WHEN status = 'succeeded' AND kind = 'suspend' THEN 1 ELSE 0 END) AS suspended,
    sum(CASE WHEN status = 'succeeded' AND kind = 'terminate' THEN 1 ELSE 0 END) AS terminated,
    sum(CASE WHEN status IN ('pending', 'running') THEN 1 ELSE 0 END) AS open,
    sum(CASE WHEN status = 'succeeded' AND kind <> 'notify' THEN 1 ELSE 0 END) AS succeeded,
    sum(CASE WHEN status = 'succeeded' AND kind <> 'notify' AND finished IS NULL THEN 1
        ELSE 0 END) AS untimed,
    max(CASE WHEN status = 'succeeded' AND kind <> 'notify' THEN finished END) AS finished
  FROM '{d}/action.parquet' GROUP BY demand_id),
f AS (SELECT demand_id,
    sum(CASE WHEN code = 'policy.jurisdiction_paused' THEN 1 ELSE 0 END) AS paused,
    sum(CASE WHEN code = 'policy.route_mlat' THEN 1 ELSE 0 END) AS mlat
  FROM '{d}/finding.parquet' GROUP BY demand_id),
nt AS (SELECT demand_id,
    sum(CASE WHEN kind = 'user' AND status = 'sent' THEN 1 ELSE 0 END) AS sent,
    sum(CASE WHEN kind = 'user' AND status = 'pending' THEN 1 ELSE 0 END) AS pending,
    sum(CASE WHEN kind = 'user' AND status = 'delayed' THEN 1 ELSE 0 END) AS delayed,
    sum(CASE WHEN kind = 'user' AND status = 'barred' THEN 1 ELSE 0 END) AS barred,
    sum(CASE WHEN kind = 'mlat_referral' THEN 1 ELSE 0 END) AS referrals
  FROM '{d}/notice.parquet' GROUP BY demand_id)
SELECT d.id, d.jurisdiction, d.instrument, d.status, d.emergency = 1 AS emergency,
  d.court = 1 AS court, coalesce(k.disclose, 0) > 0 AS disclose,
  coalesce(k.preserve, 0) > 0 AS preserve, coalesce(k.restr, 0) > 0 AS restrict,
  coalesce(t.accounts, 0) AS accounts, coalesce(t.content, 0) AS content_items,
  coalesce(x.exported, 0) > 0 AS produced, coalesce(x.preserved, 0) AS preserved,
  coalesce(x.removed, 0) AS removed, coalesce(x.withheld, 0) AS withheld,
  coalesce(x.suspended, 0) AS suspended, coalesce(x.terminated, 0) AS terminated,
  coalesce(x.open, 0) AS open_actions, coalesce(x.succeeded, 0) AS succeeded_actions,
  coalesce(x.untimed, 0) AS untimed_actions, x.finished AS last_finished,
  coalesce(f.paused, 0) > 0 AS held_by_policy,
  coalesce(f.mlat, 0) + coalesce(nt.referrals, 0) > 0 AS mlat,
  coalesce(nt.sent, 0) AS notices_sent, coalesce(nt.pending, 0) AS notices_pending,
  coalesce(nt.delayed, 0) AS notices_delayed, coalesce(nt.barred, 0) AS notices_barred,
  d.received, d.acknowledged, d.content_category, d.keywords
FROM '{d}/demand.parquet' d
LEFT JOIN k ON k.demand_id = d.id LEFT JOIN t ON t.demand_id = d.id
LEFT JOIN x ON x.demand_id = d.id LEFT JOIN f ON f.demand_id = d.id
LEFT JOIN nt ON nt.demand_id = d.id
WHERE d.received >= {lo} AND d.received < {hi}
"""

CUBE = """
SELECT jurisdiction, instrument, status, emergency, court, disclose, preserve, restrict,
  produced, held_by_policy, mlat,
  (removed > 0 OR withheld > 0 OR suspended > 0 OR terminated > 0) AS restricted_any,
  preserved > 0 AS preserved_any, count(*) AS n, sum(accounts) AS accounts,
  sum(content_items) AS content_items, sum(preserved) AS preserved, sum(removed) AS removed,
  sum(withheld) AS withheld, sum(suspended) AS suspended, sum(terminated) AS terminated,
  sum(notices_sent) AS notices_sent, sum(notices_pending) AS notices_pending,
  sum(notices_delayed) AS notices_delayed, sum(notices_barred) AS notices_barred
FROM facts GROUP BY ALL
"""

WITHHELD = """
SELECT d.jurisdiction, a.params, count(*) AS n
FROM '{d}/action.parquet' a JOIN '{d}/demand.parquet' d ON d.id = a.demand_id
WHERE a.kind = 'withhold' AND a.status = 'succeeded' AND d.received >= {lo}
  AND d.received < {hi}
GROUP BY ALL
"""

DSA_CELLS = """
WITH o AS (
  SELECT CASE WHEN jurisdiction = 'GR' THEN 'EL' ELSE jurisdiction END AS scope,
    CASE WHEN instrument = 'eu.dsa.art9' THEN 'act' ELSE 'info' END AS kind,
    CASE WHEN list_contains($categories, content_category) THEN content_category
         ELSE 'STATEMENT_CATEGORY_NOT_SPECIFIED_ORDER' END AS category,
    keywords, accounts + content_items AS items,
    CASE WHEN acknowledged IS NULL THEN 1 WHEN acknowledged < received THEN 2 ELSE 0 END
      AS ackp,
    (acknowledged - received) / 3600.0 AS ack_raw,
    CASE WHEN status IN ('rejected', 'withdrawn') AND succeeded_actions = 0 THEN 1
         WHEN succeeded_actions = 0 OR open_actions > 0 THEN 2
         WHEN untimed_actions > 0 OR last_finished IS NULL THEN 3
         WHEN last_finished < received THEN 4 ELSE 0 END AS effp,
    (last_finished - received) / 3600.0 AS effect_raw
  FROM facts
  WHERE instrument IN ('eu.dsa.art9', 'eu.dsa.art10') AND list_contains($states, jurisdiction)
), m AS (
  SELECT scope, kind, category, keywords, items, ackp, effp,
    CASE WHEN ackp = 0 THEN CASE WHEN ack_raw < 1 THEN 0 ELSE ack_raw END END AS ack_h,
    CASE WHEN effp = 0 THEN effect_raw END AS effect_h
  FROM o
), r AS (
  SELECT scope, kind, 'TOTAL' AS category, 'TOTAL' AS label, items, ackp, effp, ack_h,
    effect_h FROM m
  UNION ALL
  SELECT scope, kind, category, category, items, ackp, effp, ack_h, effect_h FROM m
  UNION ALL
  SELECT scope, kind, category,
    unnest(list_distinct(json_extract_string(keywords, '$[*]'))) AS label,
    items, ackp, effp, ack_h, effect_h FROM m
)
SELECT COALESCE(scope, 'TOTAL'), kind, category, label, COUNT(*), SUM(items),
  SUM(CASE WHEN ackp = 1 THEN 1 ELSE 0 END), SUM(CASE WHEN ackp = 2 THEN 1 ELSE 0 END),
  SUM(CASE WHEN effp = 1 THEN 1 ELSE 0 END), SUM(CASE WHEN effp = 2 THEN 1 ELSE 0 END),
  SUM(CASE WHEN effp = 3 THEN 1 ELSE 0 END), SUM(CASE WHEN effp = 4 THEN 1 ELSE 0 END),
  quantile_cont(ack_h, 0.5), quantile_cont(effect_h, 0.5)
FROM r GROUP BY GROUPING SETS ((scope, kind, category, label), (kind, category, label))
"""

DSA_OUTSIDE = """
SELECT jurisdiction, count(*) FROM facts
WHERE instrument IN ('eu.dsa.art9', 'eu.dsa.art10') AND NOT list_contains($states, jurisdiction)
GROUP BY ALL
"""


def _dicts(cur: Any) -> list[dict[str, Any]]:
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def duckdb_report(folder: Path) -> tuple[Any, Any]:
    import duckdb

    from dueprocess.transparency import dsa
    from dueprocess.transparency.periods import parse_period
    from dueprocess.transparency.reports import tables_from

    span = parse_period(PERIOD)
    lo, hi = span.start_at.timestamp(), span.end_before.timestamp()
    con = duckdb.connect(config={"threads": 2})
    con.execute(f"CREATE TEMP TABLE facts AS {FACTS.format(d=folder, lo=lo, hi=hi)}")
    groups = _dicts(con.execute(CUBE))
    for g in groups:
        for key, value in g.items():
            if key not in ("jurisdiction", "instrument", "status") and not isinstance(
                    value, bool):
                g[key] = int(value or 0)
    withheld: dict[tuple[str, str], int] = defaultdict(int)
    for row in con.execute(WITHHELD.format(d=folder, lo=lo, hi=hi)).fetchall():
        territories = json.loads(row[1] or "{}").get("territories") or []
        for code in sorted({str(t).strip().upper() for t in territories}) or ["unspecified"]:
            withheld[(row[0], code)] += int(row[2])
    report = tables_from(span, groups, [
        {"jurisdiction": j, "territory": t, "items": n}
        for (j, t), n in withheld.items()])

    states = [*dsa.MEMBER_STATES, "GR"]
    categories = sorted(dsa.template().categories())
    cells = con.execute(DSA_CELLS, {"states": states, "categories": categories}).fetchall()
    outside = {code: int(n) for code, n in con.execute(DSA_OUTSIDE,
                                                      {"states": states}).fetchall()}
    sheet = dsa.member_state_orders(span, aggregated=(cells, outside), settle=False)
    con.close()
    return report, sheet


def postgres_report() -> tuple[Any, Any]:
    from dueprocess.transparency import dsa
    from dueprocess.transparency.periods import parse_period
    from dueprocess.transparency.reports import build_report

    span = parse_period(PERIOD)
    report = build_report(span)
    return report, dsa.member_state_orders(span, settle=False)


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def same(a: tuple[Any, Any], b: tuple[Any, Any]) -> bool:
    ra, sa = a
    rb, sb = b
    return ({k: t.rows for k, t in ra.tables.items()} == {k: t.rows for k, t in
                                                           rb.tables.items()}
            and sa.rows == sb.rows)


def _counts() -> dict[str, int]:
    from django.db import connection

    out = {}
    with connection.cursor() as c:
        for name, table in (("demands", "demands_demand"), ("targets", "demands_target"),
                            ("actions", "demands_action"), ("notices", "demands_notice"),
                            ("asks", "demands_ask")):
            c.execute(f"SELECT count(*) FROM {table}")
            out[name] = c.fetchone()[0]
    return out


def run_scale(n: int, runs: int, reuse: bool = False) -> dict[str, Any]:
    from django.db import connection

    from dueprocess.transparency import tally

    existing = _counts() if reuse else {}
    t = time.perf_counter()
    if existing.get("demands") == n:
        counts, load_s, rebuild_s = existing, float("nan"), float("nan")
    else:
        counts = load(n)
        load_s = time.perf_counter() - t
        t = time.perf_counter()
        tally.rebuild()
        rebuild_s = time.perf_counter() - t
    with connection.cursor() as c:  # index-only scans need the visibility map
        c.execute("VACUUM ANALYZE transparency_demandtally")
        c.execute("ANALYZE")
    postgres_report()  # warm the cache as a running service would be
    pg_s, pg = timed(postgres_report, runs)
    with tempfile.TemporaryDirectory(prefix="dp-bench-parquet-") as tmp:
        folder = Path(tmp)
        t = time.perf_counter()
        sizes = export_parquet(folder)
        export_s = time.perf_counter() - t
        duckdb_report(folder)
        duck_s, duck = timed(lambda: duckdb_report(folder), runs)
    if not same(pg, duck):
        raise SystemExit(f"at {n} demands PostgreSQL and DuckDB disagree")
    return {"n": n, **counts, "load_s": load_s, "rebuild_s": rebuild_s, "pg_s": pg_s,
            "duck_s": duck_s, "export_s": export_s, "parquet_mb": sum(sizes.values()) / 1e6,
            "tables": len(pg[0].tables) + 1}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scales", default="10000,100000,1000000")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--database", default=DEFAULT_DB)
    p.add_argument("--keep", action="store_true", help="keep the benchmark database")
    p.add_argument("--reuse", action="store_true",
                   help="keep a kept database whose size matches the first scale")
    args = p.parse_args(argv)
    if not args.reuse:
        recreate_database(args.database)
    setup_django(args.database)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    results = []
    try:
        for n in (int(s) for s in args.scales.split(",")):
            print(f"loading {n:,} demands ...", file=sys.stderr, flush=True)
            results.append(run_scale(n, args.runs, args.reuse))
            r = results[-1]
            print(f"  loaded in {r['load_s']:.1f}s, tallies built in {r['rebuild_s']:.1f}s; "
                  f"report: PostgreSQL {r['pg_s']:.3f}s, DuckDB {r['duck_s']:.3f}s; "
                  f"load average {os.getloadavg()[0]:.1f}", file=sys.stderr, flush=True)
    finally:
        if not args.keep:
            drop_database(args.database)
    print("| demands | targets | actions | PostgreSQL report | DuckDB (Parquet) | ratio "
          "| tallies built once | load (COPY) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['demands']:,} | {r['targets']:,} | {r['actions']:,} | {r['pg_s']:.3f} s "
              f"| {r['duck_s']:.3f} s | {r['pg_s'] / r['duck_s']:.2f}x | "
              f"{r['rebuild_s']:.1f} s | {r['load_s']:.1f} s |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
