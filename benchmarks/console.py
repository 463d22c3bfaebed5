"""Review console speed with 1,000,000 demands in PostgreSQL or SQLite.

Loads a dedicated database (default ``dp6bench``; a ``sqlite:///file`` URL for SQLite) in
bulk (COPY on PostgreSQL, batched ``executemany`` on SQLite) with a realistic mix (most demands
closed, a few percent open, risk and deadlines spread as vetting would set them; one ask,
one or two targets, one official and two findings per demand), then times the console's
pages in process through Django's test client, each beside a reference measured in the same
run:

- the queue (first page in the risk order, a later page, a jurisdiction, the archive, the
  overdue filter, each sortable column, the built-in views) against a bare
  ``SELECT … ORDER BY id DESC LIMIT 50``;
- the demand page against a bare primary-key ``SELECT`` of the demand row;
- search (reference prefix, target exact and prefix, official prefix) against the same
  bare ``SELECT``;
- and Django's own floor: the sign-in page, which renders a template and runs no query.

Usage::

    python benchmarks/console.py [--demands 1000000] [--requests 200] [--reload]
        [--load-only] [--url postgres://postgres@127.0.0.1:5432/dp6bench]

The load is skipped when the database already holds the requested number of demands.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/dp6bench"


def _setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DUEPROCESS_MODE"] = "test"
    os.environ.setdefault("DUEPROCESS_HOME", tempfile.mkdtemp(prefix="dp6bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "dueprocess.settings"
    if url.startswith("postgres"):
        import psycopg

        base, _, name = url.rpartition("/")
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                  (name,)).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


STATUSES = [("completed", 55), ("rejected", 25), ("withdrawn", 8), ("in_review", 6),
            ("on_hold", 2), ("awaiting_authority", 1), ("received", 1), ("executing", 1),
            ("approved", 1)]
RISK = [(0, 60), (1, 30), (2, 3), (3, 7)]
OPEN = {"in_review", "on_hold", "awaiting_authority", "received"}


def _weighted(pairs: list[tuple[Any, int]], rnd: random.Random, n: int) -> list[Any]:
    values, weights = zip(*pairs, strict=True)
    return rnd.choices(values, weights=weights, k=n)


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):  # as Django stores it: naive UTC text
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    return value.isoformat() if hasattr(value, "isoformat") else value


def _copy(table: str, columns: list[str], rows: Iterator[tuple[Any, ...]]) -> int:
    from django.db import connection, transaction

    count = 0
    if connection.vendor == "sqlite":  # batched inserts, one transaction per batch
        names = ", ".join(f'"{c}"' for c in columns)  # "exists" is a keyword there
        sql = (f"INSERT INTO {table} ({names}) "
               f"VALUES ({', '.join('?' * len(columns))})")
        raw = connection.cursor().connection
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(tuple(_sqlite_value(v) for v in row))
            if len(batch) == 20_000:
                with transaction.atomic():
                    raw.executemany(sql, batch)
                count += len(batch)
                batch = []
        with transaction.atomic():
            raw.executemany(sql, batch)
        return count + len(batch)
    with connection.cursor() as cur:
        raw = cur.cursor
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


def load(n: int, seed: int = 6) -> None:
    """Replace the case tables' contents with ``n`` synthetic demands."""
    from django.db import connection, transaction

    from dueprocess.demands.due import due_from
    from dueprocess.demands.models import Authority
    from dueprocess.law import default_library

    rnd = random.Random(seed)
    instruments = sorted(default_library().instruments)
    tables = ["demands_decision", "demands_action", "demands_notice", "demands_finding",
              "demands_official", "demands_target", "demands_ask", "demands_demand",
              "demands_authority"]
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            for table in tables:
                cur.execute(f"DELETE FROM {table}")
        else:
            cur.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    authorities = [Authority.objects.create(slug=f"authority-{i}", name=f"Authority {i}",
                                            jurisdiction=j, kind="police",
                                            domains=[f"a{i}.example"])
                   for i, j in enumerate(["US", "HK", "DE", "FR", "BR", "GB", "IN", "TR"] * 4)]
    start = datetime(2020, 1, 1, tzinfo=UTC)
    span = (datetime(2026, 6, 1, tzinfo=UTC) - start).total_seconds()
    statuses = _weighted(STATUSES, rnd, n)
    risks = _weighted(RISK, rnd, n)
    t0 = time.perf_counter()

    demand_cols = [
        "id", "authority_id", "reference", "instrument", "jurisdiction", "status",
        "recommendation", "explanation", "issued_by", "emergency", "emergency_justification",
        "legal_basis", "statement_of_reasons", "redress", "offences", "non_disclosure",
        "non_disclosure_until", "deadline", "language", "received_at", "vetted_at",
        "rules_version", "data_version", "target_count", "channel", "sender_email", "risk",
        "acknowledged_at", "content_category", "category_keywords", "awaiting_approval",
        "created_at", "updated_at", "idempotency_key", "request_sha256", "due", "validated_by"]

    def demands() -> Iterator[tuple[Any, ...]]:
        for i in range(1, n + 1):
            a = authorities[i % len(authorities)]
            received = start + timedelta(seconds=span * i / n)
            status = statuses[i - 1]
            deadline = received + timedelta(days=rnd.randint(5, 40)) if i % 3 == 0 else None
            gag = received.date() + timedelta(days=rnd.randint(30, 400)) if i % 20 == 0 else None
            instrument = instruments[i % len(instruments)]
            emergency = risks[i - 1] == 2
            # the stored due date, by the rule the model's save applies
            due = due_from(deadline, instrument, received, emergency, a.jurisdiction)
            yield (i, a.pk, f"REF-{i:07d}", instrument, a.jurisdiction,
                   status, "comply", "", json.dumps({"name": f"Officer {i}", "role": "police"}),
                   emergency, "", "Statute 1", "Suspected offence", "", "[]",
                   gag is not None, gag, deadline, "en", received, received, "bench", "bench",
                   2 if i % 10 == 0 else 1, "api", "", risks[i - 1], received, "", "[]",
                   status == "in_review" and i % 7 == 0, received, received, "", "", due, "{}")

    _copy("demands_demand", demand_cols, demands())
    _copy("demands_ask", ["id", "demand_id", "position", "kind", "data_categories", "measure",
                          "territorial_scope", "equivalent_content"],
          ((i, i, 0, "disclose", '["subscriber"]', "", "[]", False) for i in range(1, n + 1)))
    pool = max(1000, n * 6 // 10)  # some accounts are named by more than one demand

    def targets() -> Iterator[tuple[Any, ...]]:
        tid = 0
        for i in range(1, n + 1):
            for k in range(2 if i % 10 == 0 else 1):
                tid += 1
                yield (tid, i, "account", f"acct_{(i * 7919 + k * 104729) % pool:07d}", True,
                       "US", "US", "[]")

    _copy("demands_target", ["id", "demand_id", "type", "identifier", "exists", "country",
                             "data_location", "flags"], targets())
    surnames = ["TANG", "LEE", "WONG", "CHAN", "MUELLER", "SMITH", "DUPONT", "SILVA"]
    _copy("demands_official", ["id", "demand_id", "name", "title", "role"],
          ((i, i, f"{surnames[i % 8]} Person-{i % 5000}", "Officer", "police")
           for i in range(1, n + 1)))

    def findings() -> Iterator[tuple[Any, ...]]:
        fid = 0
        for i in range(1, n + 1):
            received = start + timedelta(seconds=span * i / n)
            fid += 1
            yield (fid, i, "deadline.statutory", "info", "Response due.", "{}", "deadline", 1,
                   "bench", None, received, None)
            fid += 1
            severity = "block" if risks[i - 1] == 3 else "warning"
            yield (fid, i, "scope.overbroad", severity, "Broad.", "{}", "scope", 1, "bench", 0,
                   received, None)

    _copy("demands_finding", ["id", "demand_id", "code", "severity", "message", "evidence",
                              "rule", "rule_version", "data_version", "ask_position",
                              "created_at", "superseded_at"], findings())
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
        print(f"loaded {n:,} demands in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
        return
    with transaction.atomic(), connection.cursor() as cur:
        for table in ("demands_demand", "demands_ask", "demands_target", "demands_official",
                      "demands_finding"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))")
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")  # visibility map: index-only scans from the start
    print(f"loaded {n:,} demands in {time.perf_counter() - t0:.0f} s", file=sys.stderr)


def _time(fn: Callable[[], Any], n: int) -> list[float]:
    fn()  # warm caches (templates, the law library, plans)
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def _p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--url", default=DEFAULT_URL)
    ap.add_argument("--demands", type=int, default=1_000_000)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--reload", action="store_true")
    ap.add_argument("--load-only", action="store_true", help="load the data and stop")
    args = ap.parse_args(argv)
    _setup(args.url)

    from django.db import connection
    from django.test import Client

    from dueprocess.accounts.roles import grant_role
    from dueprocess.demands.models import Demand

    if args.reload or Demand.objects.count() != args.demands:
        load(args.demands)
    if args.load_only:
        return 0
    load_before = os.getloadavg()
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username="bench@platform.example").first() or \
        get_user_model().objects.create_user(username="bench@platform.example",
                                             email="bench@platform.example", password=None)
    grant_role(user, "legal_reviewer")
    client = Client()
    client.force_login(user)
    rnd = random.Random(66)
    n = args.requests

    def get(path: str, **params: str) -> Callable[[], Any]:
        def call() -> Any:
            response = client.get(path, params)
            assert response.status_code == 200, (path, response.status_code)
            return response
        return call

    def sql(query: str, *params: Any) -> Callable[[], Any]:
        def call() -> Any:
            with connection.cursor() as cur:
                cur.execute(query, params)
                return cur.fetchall()
        return call

    pks = list(Demand.objects.order_by("?").values_list("pk", flat=True)[:n]) \
        if args.demands <= 10_000 else [rnd.randint(1, args.demands) for _ in range(n)]
    it = iter(pks * 2)

    def demand_page() -> Any:
        response = client.get(f"/review/demands/{next(it)}/")
        assert response.status_code == 200
        return response

    bare_list = sql("SELECT id, reference, status, risk FROM demands_demand "
                    "ORDER BY id DESC LIMIT 50")
    ids = iter(pks * 2)

    def bare_pk() -> Any:
        return sql("SELECT * FROM demands_demand WHERE id = %s", next(ids))()

    rows: list[tuple[str, list[float], str, list[float]]] = []
    floor = _time(get("/login/"), n)
    ref_list = _time(bare_list, n)
    ref_pk = _time(bare_pk, n)
    for label, fn in (
        ("queue: first page (open, riskiest first)", get("/review/")),
        ("queue: 11th page", get("/review/", page="11")),
        ("queue: jurisdiction HK", get("/review/", jurisdiction="HK")),
        ("queue: archive (all statuses)", get("/review/", status="all")),
        ("queue: overdue filter", get("/review/", due="overdue")),
        ("queue: sorted by received, newest", get("/review/", sort="-received")),
        ("queue: sorted by deadline", get("/review/", sort="deadline")),
        ("queue: sorted by deadline, 11th page", get("/review/", sort="deadline", page="11")),
        ("queue: sorted by deadline, latest first", get("/review/", sort="-deadline")),
        ("queue: overdue, sorted by deadline", get("/review/", due="overdue", sort="deadline")),
        ("queue: due within a week", get("/review/", due="week")),
        ("queue: sorted by authority", get("/review/", sort="authority")),
        ("queue: sorted by jurisdiction", get("/review/", sort="jurisdiction")),
        ("queue: sorted by status", get("/review/", sort="status")),
        ("queue: sorted by assignee", get("/review/", sort="assignee")),
        ("queue: archive by deadline", get("/review/", status="all", sort="deadline")),
        ("queue: emergencies view", get("/review/", emergency="1")),
        ("queue: needs human-rights review", get("/review/", hr="1")),
        ("queue: my demands", get("/review/", mine="1")),
    ):
        rows.append((label, _time(fn, n), "bare SELECT … ORDER BY id DESC LIMIT 50", ref_list))
    rows.append(("demand page (random of all demands)", _time(demand_page, n),
                 "bare SELECT of the demand row by id", ref_pk))
    for label, q in (("search: reference prefix", "REF-00123"),
                     ("search: target exact", "acct_0012345"),
                     ("search: target prefix", "acct_00123"),
                     ("search: official prefix", "TANG Person-12")):
        rows.append((label, _time(get("/review/search/", q=q), n),
                     "bare SELECT … ORDER BY id DESC LIMIT 50", ref_list))

    total = Demand.objects.count()
    engine = (f"PostgreSQL {connection.cursor().connection.info.server_version}"
              if connection.vendor == "postgresql"
              else f"SQLite {connection.Database.sqlite_version}")
    print(f"\nReview console, {total:,} demands, {engine}, {n} requests each, "
          "in process (Django test client), times in ms\n")
    print(f"| {'page':<42} | {'p50':>6} | {'p95':>6} | {'reference':<40} | {'p50':>6} | "
          f"{'p95':>6} |")
    print(f"|{'-' * 44}|{'-' * 8}|{'-' * 8}|{'-' * 42}|{'-' * 8}|{'-' * 8}|")
    for label, values, ref_label, ref in rows:
        print(f"| {label:<42} | {statistics.median(values):6.1f} | {_p(values, 95):6.1f} | "
              f"{ref_label:<40} | {statistics.median(ref):6.2f} | {_p(ref, 95):6.2f} |")
    print(f"| {'sign-in page (Django floor, no query)':<42} | {statistics.median(floor):6.1f} "
          f"| {_p(floor, 95):6.1f} | {'':<40} | {'':>6} | {'':>6} |")
    worst = max(_p(v, 95) for label, v, _, _ in rows if label.startswith(("queue", "demand")))
    load_after = os.getloadavg()
    print(f"\nload average (1/5/15 min) before: {' / '.join(f'{v:.1f}' for v in load_before)}, "
          f"after: {' / '.join(f'{v:.1f}' for v in load_after)}")
    print(f"\nworst p95 of queue and demand pages: {worst:.1f} ms (target 150 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
