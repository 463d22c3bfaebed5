"""Sanctions integration benchmark: list import, index start-up, screening at intake.

    python benchmarks/sanctions.py [--open 1000] [--runs 200]
        [--database postgres://postgres@127.0.0.1:5432/dp5bench]

Uses the OFAC SDN sample bundled with the package and a throwaway home (SQLite unless
--database is given; that database is created and dropped). Printed side by side in the
same run:

* import: reading the files alone (the pure loader), next to the whole ``lists import``
  (read, diff, store every entry, switch, build and keep the index);
* index start-up in a new process: loading the signed pickle, next to rebuilding the index
  from the stored entries;
* intake: ``receive_demand`` of a typical Hong Kong demand (two officials, the authority,
  five targets) with the list in force, next to the same with no list in force (runs
  interleaved); and ``screen_demand`` alone (four names, rows already up to date);
* a list update: finding which of ``--open`` open demands a new version touches, and
  re-screening them.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _setup(database: str | None) -> None:
    home = tempfile.mkdtemp(prefix="dp-sanctions-bench-")
    os.environ["DUEPROCESS_HOME"] = home
    os.environ["DUEPROCESS_MODE"] = "test"
    os.environ["DJANGO_SETTINGS_MODULE"] = "dueprocess.settings"
    if database:
        os.environ["DATABASE_URL"] = database
        import psycopg

        base, _, name = database.rpartition("/")
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _drop(database: str | None) -> None:
    from django.conf import settings
    from django.db import connections

    connections.close_all()
    shutil.rmtree(settings.DUEPROCESS.home, ignore_errors=True)
    if database:
        import psycopg

        base, _, name = database.rpartition("/")
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p50 = statistics.median(ordered) * 1000
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000
    return f"p50 {p50:7.2f} ms   p95 {p95:7.2f} ms"


def _body(i: int, officials: list[dict[str, str]]) -> dict[str, Any]:
    return {
        "reference": f"BENCH-{i}",
        "instrument": "hk.nsl43.sch4",
        "issued_by": {"name": "WONG Siu-ming", "title": "Chief Superintendent",
                      "role": "police_senior"},
        "officials": officials,
        "legal_basis": "Implementation Rules for Article 43, Schedule 4",
        "statement_of_reasons": "Messages likely to constitute incitement to secession",
        "offences": ["hk.nsl.art21"],
        "asks": [{"kind": "restrict_content", "measure": "remove"}],
        "targets": [{"type": "content", "url": f"https://example.social/p/{i}/{k}"}
                    for k in range(5)],
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--open", type=int, default=1000, help="open demands for the update")
    parser.add_argument("--runs", type=int, default=200, help="intakes per variant")
    parser.add_argument("--database", help="PostgreSQL URL of a scratch database")
    args = parser.parse_args()
    _setup(args.database)
    try:
        run(args)
    finally:
        _drop(args.database)
    return 0


def run(args: argparse.Namespace) -> None:
    from django.db import connection

    from dueprocess.demands.actions import receive_demand
    from dueprocess.demands.inputs import DemandIn
    from dueprocess.demands.models import Authority, Demand
    from dueprocess.sanctions import service
    from dueprocess.sanctions.actions import BUNDLED_OFAC, import_list
    from dueprocess.sanctions.models import ListVersion
    from dueprocess.screening import load_list

    print(f"database: {connection.vendor}; OFAC sample bundled with the package")
    hk = Authority.objects.create(slug="hkpf-nsd", jurisdiction="HK", kind="police",
                                  name="Hong Kong Police Force, National Security Department")
    officials = [{"name": "LI Kwai-wah", "title": "Assistant Commissioner of Police"},
                 {"name": "李家超", "title": "Secretary for Security", "role": "approver"}]
    plain = [{"name": "CHAN Tai-man", "title": "Superintendent"},
             {"name": "Mary Smith", "role": "approver"}]

    def intake(i: int, names: list[dict[str, str]]) -> Any:
        data = DemandIn.model_validate(_body(i, names))
        return receive_demand(data, authority=hk, requester=None, user=None)

    counter = iter(range(10**9))
    # Import.
    bare, report = _timed(lambda: load_list(BUNDLED_OFAC))
    whole, outcome = _timed(lambda: import_list(BUNDLED_OFAC, rescreen=False))
    print(f"\nimport of {outcome.version.entry_count} entries "
          f"({report.skipped_count} skipped)")
    print(f"  {'reading the files alone (pure loader)':<48} {bare:7.2f} s")
    print(f"  {'lists import (read, diff, store, switch, index)':<48} {whole:7.2f} s")

    # Start-up of another process: the pickle, or a rebuild from the database.
    service._cached = None
    from_pickle, _ = _timed(service.current_index)
    for path in service.cache_dir().glob("index-*.pickle"):
        path.unlink()
    service._cached = None
    rebuild, _ = _timed(service.current_index)
    print("\nindex start-up in a new process")
    print(f"  {'load the signed pickle':<48} {from_pickle:7.2f} s")
    print(f"  {'rebuild from the stored entries':<48} {rebuild:7.2f} s")

    # Intake, the three variants interleaved so that load on the machine hits them alike;
    # "no list" switches the version off (outside the timing) as if none were loaded.
    version = ListVersion.objects.get(active=True)
    for _ in range(5):
        intake(next(counter), officials)
    no_list: list[float] = []
    listed: list[float] = []
    unlisted: list[float] = []
    for _ in range(args.runs):
        listed.append(_timed(lambda: intake(next(counter), officials))[0])
        unlisted.append(_timed(lambda: intake(next(counter), plain))[0])
        ListVersion.objects.filter(pk=version.pk).update(active=False)
        no_list.append(_timed(lambda: intake(next(counter), officials))[0])
        ListVersion.objects.filter(pk=version.pk).update(active=True)
    demand = Demand.objects.select_related("authority").filter(reference__startswith="BENCH")\
        .order_by("-pk").first()
    assert demand is not None
    alone = [_timed(lambda: service.screen_demand(demand))[0] for _ in range(args.runs)]
    flagged = Demand.objects.filter(findings__code="sanctions.listed_person",
                                    findings__superseded_at__isnull=True).distinct().count()
    print(f"\nintake of a typical demand ({args.runs} runs each; {flagged} flagged)")
    print(f"  {'no list loaded (reference)':<48} {_ms(no_list)}")
    print(f"  {'OFAC in force, two listed officials':<48} {_ms(listed)}")
    print(f"  {'OFAC in force, nobody listed':<48} {_ms(unlisted)}")
    print(f"  {'screen_demand alone (4 names)':<48} {_ms(alone)}")

    # A list update against many open demands.
    Demand.objects.all().delete()
    for i in range(args.open):
        intake(next(counter), officials if i % 10 == 0 else plain)
    folder = Path(tempfile.mkdtemp())
    for name in ("sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"):
        shutil.copy(BUNDLED_OFAC / name, folder / name)
    sdn = folder / "sdn.csv"
    lines = sdn.read_bytes().split(b"\r\n")
    kept = [line for line in lines if not line.startswith(b"30343,")]  # delist LI Kwai-wah
    sdn.write_bytes(b"\r\n".join(kept))
    update, outcome = _timed(lambda: import_list(folder))
    shutil.rmtree(folder)
    summary = outcome.rescreen
    print(f"\nlist update (1 entry removed) with {args.open} open demands")
    print(f"  {'import + re-screen':<48} {update:7.2f} s   re-screened "
          f"{len(summary.rescreened) if summary else 0}, still flagged "
          f"{len(summary.flagged) if summary else 0}")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    sys.exit(main())
