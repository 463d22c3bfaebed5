"""Wall clock of one ``dueprocess screen NAME``, a new process each time.

    python benchmarks/screen_cli.py [--runs 7] [--database postgres://.../dp_screen_bench]

Loads the OFAC SDN sample bundled with the package into a throwaway home (SQLite unless
--database is given; that database is created and dropped), then times whole processes,
interleaved so that load on the machine hits them alike:

* ``python -c pass`` and ``python -c "import dueprocess.screening"`` (references: the
  interpreter, and the matcher's own imports, which every way of screening pays);
* ``dueprocess screen`` for a Latin and a Han-script name: the stored index of the versions
  in force, found with one SELECT through the driver, no Django start-up;
* the same query through Django (``setup()``, then the service's index, which loads the
  same stored pickle): what the command cost before.

Prints median and best of the runs, the median CPU time (user + system, which other load
on the machine disturbs much less than the wall clock), and the load average before and
after.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
LATIN = "Chris Tang"
HAN = "鄧炳強"
DJANGO_PATH = (
    "import sys; from dueprocess.commandline import setup; setup(); "
    "from dueprocess.sanctions import service; from dueprocess.screening import Query; "
    "hits = service.search(Query(sys.argv[1]), limit=10); print(hits[0].score)")


def _run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall clock and CPU time (user + system) of one process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--database", help="PostgreSQL URL of a scratch database")
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="dp-screen-bench-")
    env = dict(os.environ, DUEPROCESS_HOME=home, DUEPROCESS_MODE="test",
               DJANGO_SETTINGS_MODULE="dueprocess.settings",
               PYTHONPATH=os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]))
    if args.database:
        import psycopg

        env["DATABASE_URL"] = args.database
        base, _, name = args.database.rpartition("/")
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    py = sys.executable
    cli = [py, "-m", "dueprocess"]
    try:
        subprocess.run([*cli, "migrate", "--verbosity", "0"], env=env, check=True)
        bundled = SRC / "dueprocess" / "sanctions" / "data" / "ofac"
        subprocess.run([*cli, "lists", "import", str(bundled), "--no-rescreen"], env=env,
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        cases = {
            "python -c pass (reference)": [py, "-c", "pass"],
            "import dueprocess.screening (reference)": [py, "-c", "import dueprocess.screening"],
            f"dueprocess screen '{LATIN}' (stored index)": [*cli, "screen", LATIN],
            f"dueprocess screen '{HAN}' (stored index)": [*cli, "screen", HAN],
            f"same '{LATIN}' through Django (before)": [py, "-c", DJANGO_PATH, LATIN],
        }
        for cmd in cases.values():  # warm the file cache
            _run(cmd, env)
        samples: dict[str, list[tuple[float, float]]] = {label: [] for label in cases}
        load_before = os.getloadavg()
        for _ in range(args.runs):
            for label, cmd in cases.items():
                samples[label].append(_run(cmd, env))
        load_after = os.getloadavg()
    finally:
        shutil.rmtree(home, ignore_errors=True)
        if args.database:
            import psycopg

            base, _, name = args.database.rpartition("/")
            with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
    print(f"database: {'PostgreSQL' if args.database else 'SQLite'}; OFAC sample "
          f"(8,976 entries); {args.runs} runs each, interleaved")
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} "
          f"({os.cpu_count()} cores)")
    for label, values in samples.items():
        wall = [w for w, _ in values]
        cpu = [c for _, c in values]
        print(f"  {label:<52} median {statistics.median(wall):6.3f} s   "
              f"best {min(wall):6.3f} s   CPU median {statistics.median(cpu):6.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
