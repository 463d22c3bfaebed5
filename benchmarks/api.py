"""API speed under concurrency: reading a demand and receiving demands, over real HTTP.

    python benchmarks/api.py [--pg postgres://postgres@127.0.0.1:5432/dp8bench]
        [--clients 16] [--reads 4000] [--posts 2000] [--workers 4] [--seed-demands 500]

The database is dropped and created again, migrated and seeded (the demo platform for
target look-ups, an authority, a staff member with the reviewer role and one API token per
client, a few hundred demands to read). Then ``gunicorn`` serves ``dueprocess.wsgi`` in
production mode exactly as ``dueprocess serve`` does (sync workers, ``--workers`` processes;
the client sends ``X-Forwarded-Proto: https`` as the TLS proxy in front of it would), and
``--clients`` threads in another process send requests, one connection each:

* ``GET /api/v1/demands/{id}``: a random seeded demand (each read is an audit event), by
  one client alone and by all of them at once;
* ``POST /api/v1/demands``: the demo's US search warrant (one account); each is stored,
  vetted, routed, acknowledged and written to the audit chain before the answer.

Reference in the same run: the same requests against a WSGI app that does no work at all
(:mod:`benchmarks.api_floor`) under the same gunicorn settings, which is what HTTP, gunicorn
and the client cost on this machine. Targets (DESIGN §12): read p99 ≤ 50 ms and intake ≥ 200
demands/s with 16 concurrent clients.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve()
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/dp8bench"


def _env(db_url: str, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUEPROCESS_")}
    env.update(DUEPROCESS_MODE="production", DUEPROCESS_HOME=str(home),
               DUEPROCESS_SECRET_KEY=secrets.token_urlsafe(50),
               DUEPROCESS_ALLOWED_HOSTS="127.0.0.1,localhost", DATABASE_URL=db_url,
               DJANGO_SETTINGS_MODULE="dueprocess.settings")
    return env


def recreate(db_url: str) -> None:
    import psycopg

    parts = urlsplit(db_url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


WARRANT = "2:20-mj-00417"  # the demo scenario's US search warrant, one account


def warrant(template: dict[str, Any], reference: str) -> dict[str, Any]:
    body = {k: v for k, v in template.items() if k not in ("received_at", "non_disclosure")}
    return {**body, "reference": reference}


def child_prepare(clients: int, seed_demands: int) -> dict[str, Any]:
    """Runs inside the benchmark's environment: migrate, seed, issue tokens."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from dueprocess.accounts.models import ApiToken
    from dueprocess.accounts.roles import grant_role
    from dueprocess.demands import actions
    from dueprocess.demands.inputs import DemandIn
    from dueprocess.demands.models import Authority
    from dueprocess.demo.platform import seed_platform
    from dueprocess.demo.scenario import demand_bodies

    call_command("migrate", verbosity=0, interactive=False)
    seed_platform()
    fbi = Authority.objects.create(slug="fbi", name="Federal Bureau of Investigation",
                                   jurisdiction="US", kind="police", domains=["fbi.gov"])
    user = get_user_model().objects.create_user(
        username="bench@platform.example", email="bench@platform.example",
        password=secrets.token_urlsafe(20), is_staff=True)
    grant_role(user, "intake")  # imports demands (staff), reads them
    tokens = [ApiToken.issue(user, name=f"client {i}")[1] for i in range(clients)]
    template = next(b for b in demand_bodies(timezone.now()) if b["reference"] == WARRANT)
    ids = [actions.receive_demand(DemandIn.model_validate(warrant(template, f"SEED-{i}")),
                                  authority=fbi, requester=None, user=user).pk
           for i in range(seed_demands)]
    return {"tokens": tokens, "ids": ids, "template": template}


# ----------------------------------------------------------------------------- serving


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def serve(app: str, env: dict[str, str], workers: int,
          threads: int) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--threads", str(threads), "--log-level", "warning",
         "--chdir", str(HERE.parent)],
        env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        raise RuntimeError(f"gunicorn did not start for {app}")
    return proc, port


# ----------------------------------------------------------------------------- load


Request = tuple[str, str, bytes | None]


def run_load(port: int, tokens: list[str], make: Callable[[int, int], Request],
             total: int) -> dict[str, Any]:
    """``len(tokens)`` threads share ``total`` requests; latencies of the 2xx answers."""
    latencies: list[float] = []
    errors: dict[int, int] = {}
    first_error: list[str] = []
    lock = threading.Lock()
    counter = iter(range(total))

    def client(index: int) -> None:
        token = tokens[index]
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            method, path, body = make(index, n)
            headers = {"Authorization": f"Bearer {token}", "X-Forwarded-Proto": "https",
                       "Host": "127.0.0.1"}
            if body is not None:
                headers["Content-Type"] = "application/json"
            start = time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            answer = response.read()
            conn.close()
            elapsed = time.perf_counter() - start
            with lock:
                if 200 <= response.status < 300:
                    latencies.append(elapsed)
                else:
                    errors[response.status] = errors.get(response.status, 0) + 1
                    if not first_error:
                        first_error.append(f"{response.status} {answer[:300]!r}")

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(tokens))]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    latencies.sort()

    def pct(p: float) -> float:
        if not latencies:
            return float("nan")
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    if first_error:
        print(f"first error: {first_error[0]}", file=sys.stderr)
    return {"ok": len(latencies), "errors": errors, "wall": wall,
            "rate": len(latencies) / wall if wall else 0.0,
            "p50": pct(0.50), "p95": pct(0.95), "p99": pct(0.99),
            "mean": statistics.fmean(latencies) * 1000 if latencies else 0.0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default=DEFAULT_URL,
                        help="PostgreSQL URL of a database the benchmark may drop and create")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--reads", type=int, default=4000)
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1,
                        help="threads per worker (more than 1: gunicorn's gthread workers)")
    parser.add_argument("--seed-demands", type=int, default=500)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child_prepare(int(args.child[0]), int(args.child[1]))))
        return 0

    recreate(args.pg)
    with tempfile.TemporaryDirectory(prefix="dp-api-bench-") as tmp:
        env = _env(args.pg, Path(tmp))
        out = subprocess.run(
            [sys.executable, str(HERE), "--child", str(args.clients), str(args.seed_demands)],
            env=env, check=True, capture_output=True, text=True)
        seeded = json.loads(out.stdout.strip().splitlines()[-1])
        tokens, ids, template = seeded["tokens"], seeded["ids"], seeded["template"]
        rng = random.Random(7)
        run_id = secrets.token_hex(3)

        def read(_client: int, _n: int) -> Request:
            return "GET", f"/api/v1/demands/{rng.choice(ids)}", None

        def post(client: int, n: int) -> Request:
            body = json.dumps(warrant(template, f"BENCH-{run_id}-{client}-{n}")).encode()
            return "POST", "/api/v1/demands", body

        results: dict[str, dict[str, Any]] = {}
        for label, app in (("dueprocess", "dueprocess.wsgi:application"),
                           ("floor", "api_floor:app")):
            proc, port = serve(app, env, args.workers, args.threads)
            try:
                run_load(port, tokens, read, min(200, args.reads))  # warm up every worker
                results[f"{label} read, 1 client"] = run_load(port, tokens[:1], read,
                                                              min(500, args.reads))
                results[f"{label} read"] = run_load(port, tokens, read, args.reads)
                results[f"{label} intake"] = run_load(port, tokens, post, args.posts)
            finally:
                proc.terminate()
                proc.wait(timeout=30)

        load = os.getloadavg()[0]
        print(f"API over HTTP: {args.clients} concurrent clients, gunicorn with {args.workers} "
              f"sync workers, PostgreSQL; {os.cpu_count()} cores, load average {load:.1f}")
        header = (f"{'what':<28} {'requests':>8} {'per s':>8} {'p50 ms':>7} {'p95 ms':>7} "
                  f"{'p99 ms':>7} {'errors':>8}")
        print(header)
        print("-" * len(header))
        for label, r in results.items():
            errors = ",".join(f"{k}:{v}" for k, v in sorted(r["errors"].items())) or "0"
            print(f"{label:<28} {r['ok']:>8,} {r['rate']:>8,.0f} {r['p50']:>7.1f} "
                  f"{r['p95']:>7.1f} {r['p99']:>7.1f} {errors:>8}")
        read_ok = results["dueprocess read"]["p99"] <= 50
        intake_ok = results["dueprocess intake"]["rate"] >= 200
        print(f"targets: read p99 <= 50 ms {'met' if read_ok else 'MISSED'}; "
              f"intake >= 200 demands/s {'met' if intake_ok else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
