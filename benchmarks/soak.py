"""Production shape: two web servers and two workers on one PostgreSQL, mixed load.

    python benchmarks/soak.py [--pg postgres://postgres@127.0.0.1:5432/dpsoak]
        [--seconds 300] [--clients 16]

The database is dropped, created, migrated and seeded (the demo platform, the FBI, a
four-eyes policy for US demands so every decision needs a second person, a reviewer and an
approver with one API token per client each). Then two ``dueprocess serve`` processes (two
gunicorn workers each) and two ``dueprocess worker`` processes run in production mode, and
``--clients`` threads, spread over both servers, do for ``--seconds``:

* ``POST /api/v1/demands``: the demo's US search warrant (disclosure of one account);
* ``GET /api/v1/demands/{id}``: one of the client's demands (an audited read);
* ``POST /api/v1/demands/{id}/decisions``: comply, as the reviewer;
* ``POST /api/v1/demands/{id}/approve``: as the approver; the workers then export the
  account, build the signed, encrypted production and complete the demand.

Afterwards it waits for the workers to finish and reports: requests and latencies per kind,
server errors (goal 0), deadlocks that PostgreSQL counted in this database
(``pg_stat_database.deadlocks``, goal 0), lock-conflict retries the workers logged, every
action done exactly once (one platform operation, one production per export), the delay from
approval to the action's completion (goal: within a minute), the time until the last action
completed, and ``dueprocess audit verify`` on the chain. Reference in the same run: the same
clients against a WSGI app that does no work (what HTTP and the client cost here).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from api import _env, free_port, recreate, run_load, serve, warrant

HERE = Path(__file__).resolve()
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/dpsoak"
WARRANT = "2:20-mj-00417"


def child_prepare(clients: int) -> dict[str, Any]:
    import django

    django.setup()
    from datetime import date

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from dueprocess.accounts.models import ApiToken
    from dueprocess.accounts.roles import grant_role
    from dueprocess.demands.models import Authority, Policy
    from dueprocess.demo.platform import seed_platform
    from dueprocess.demo.scenario import demand_bodies

    call_command("migrate", verbosity=0, interactive=False)
    seed_platform()
    Authority.objects.create(slug="fbi", name="Federal Bureau of Investigation",
                             jurisdiction="US", kind="police", domains=["fbi.gov"])
    Policy.objects.create(name="Four eyes for US demands", effect="four_eyes",
                          jurisdiction="US", valid_from=date(2000, 1, 1))
    users = get_user_model().objects
    reviewer = users.create_user(username="reviewer@platform.example",
                                 email="reviewer@platform.example",
                                 password=secrets.token_urlsafe(20), is_staff=True)
    approver = users.create_user(username="approver@platform.example",
                                 email="approver@platform.example",
                                 password=secrets.token_urlsafe(20), is_staff=True)
    for role in ("intake", "legal_reviewer"):
        grant_role(reviewer, role)
    grant_role(approver, "approver")
    template = next(b for b in demand_bodies(timezone.now()) if b["reference"] == WARRANT)
    return {
        "reviewer": [ApiToken.issue(reviewer, name=f"soak {i}")[1] for i in range(clients)],
        "approver": [ApiToken.issue(approver, name=f"soak {i}")[1] for i in range(clients)],
        "template": template,
    }


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = {}
        self.status: dict[str, dict[int, int]] = {}
        self.samples: list[str] = []

    def add(self, kind: str, status: int, seconds: float, body: bytes) -> None:
        with self.lock:
            self.status.setdefault(kind, {}).setdefault(status, 0)
            self.status[kind][status] += 1
            if 200 <= status < 300:
                self.latency.setdefault(kind, []).append(seconds)
            elif len(self.samples) < 5:
                self.samples.append(f"{kind} {status} {body[:300]!r}")


def client_loop(index: int, ports: list[int], tokens: dict[str, list[str]],
                template: dict[str, Any], until: float, stats: Stats, run_id: str) -> None:
    rng = random.Random(index)
    port = ports[index % len(ports)]
    mine: list[int] = []
    to_decide: list[int] = []
    to_approve: list[int] = []
    n = 0

    def call(kind: str, method: str, path: str, body: Any, role: str) -> Any:
        headers = {"Authorization": f"Bearer {tokens[role][index]}",
                   "X-Forwarded-Proto": "https", "Host": "127.0.0.1"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        start = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            answer = response.read()
        finally:
            conn.close()
        stats.add(kind, response.status, time.perf_counter() - start, answer)
        return json.loads(answer) if 200 <= response.status < 300 else None

    while time.monotonic() < until:
        n += 1
        if to_approve and rng.random() < 0.5:
            call("approve", "POST", f"/api/v1/demands/{to_approve.pop(0)}/approve", None,
                 "approver")
        elif to_decide and rng.random() < 0.5:
            pk = to_decide.pop(0)
            out = call("decide", "POST", f"/api/v1/demands/{pk}/decisions",
                       {"decisions": [{"ask": 0, "outcome": "comply",
                                       "rationale": "valid warrant, narrow scope"}]},
                       "reviewer")
            if out is not None and out.get("status") == "in_review":
                to_approve.append(pk)
        elif mine and rng.random() < 0.4:
            call("read", "GET", f"/api/v1/demands/{rng.choice(mine)}", None, "reviewer")
        else:
            out = call("create", "POST", "/api/v1/demands",
                       warrant(template, f"SOAK-{run_id}-{index}-{n}"), "reviewer")
            if out is not None:
                mine.append(out["id"])
                if out.get("status") == "in_review":
                    to_decide.append(out["id"])


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(p * len(values)))] * 1000


def query(db_url: str, sql: str) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(db_url) as conn:
        return list(conn.execute(sql).fetchall())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default=DEFAULT_URL,
                        help="PostgreSQL URL of a database the benchmark may drop and create")
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--drain", type=float, default=300,
                        help="how long to wait for the workers after the load")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child_prepare(args.child)))
        return 0

    recreate(args.pg)
    name = args.pg.rsplit("/", 1)[-1]
    with tempfile.TemporaryDirectory(prefix="dp-soak-") as tmp:
        env = _env(args.pg, Path(tmp))
        # Exports run as soon as the user is told (no days to object): this measures the
        # machinery, not the notice period.
        env["DUEPROCESS_NOTICE_PERIOD_DAYS"] = "0"
        out = subprocess.run([sys.executable, str(HERE), "--child", str(args.clients)],
                             env=env, check=True, capture_output=True, text=True)
        seeded = json.loads(out.stdout.strip().splitlines()[-1])
        deadlocks_before = query(args.pg, "SELECT deadlocks FROM pg_stat_database "
                                 f"WHERE datname = '{name}'")[0][0]
        logs = Path(tmp)
        procs: list[subprocess.Popen[bytes]] = []
        ports = [free_port(), free_port()]
        for i, port in enumerate(ports):
            with (logs / f"web{i}.log").open("wb") as log:
                procs.append(subprocess.Popen(
                    [sys.executable, "-m", "dueprocess", "serve", "--port", str(port),
                     "--workers", "2"], env=env, stdout=subprocess.DEVNULL, stderr=log,
                    start_new_session=True))
        for i in range(2):
            with (logs / f"worker{i}.log").open("wb") as log:
                procs.append(subprocess.Popen(
                    [sys.executable, "-m", "dueprocess", "worker", "--interval", "0.2"],
                    env=env, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True))
        try:
            for port in ports:
                _wait_for(port)
            stats = Stats()
            until = time.monotonic() + args.seconds
            run_id = secrets.token_hex(3)
            threads = [threading.Thread(target=client_loop, args=(
                i, ports, seeded, seeded["template"], until, stats, run_id))
                for i in range(args.clients)]
            started = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            load_wall = time.perf_counter() - started
            load_end = time.time()
            drained = _drain(args.pg, args.drain)
            drain_wall = time.time() - load_end
        finally:
            for proc in procs:  # each in its own session: the signal reaches its children
                os.killpg(proc.pid, signal.SIGTERM)
            for proc in procs:
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
        verify = subprocess.run([sys.executable, "-m", "dueprocess", "audit", "verify"],
                                env=env, capture_output=True, text=True)
        deadlocks = query(args.pg, "SELECT deadlocks FROM pg_stat_database "
                          f"WHERE datname = '{name}'")[0][0] - deadlocks_before
        worker_logs = "".join((logs / f"worker{i}.log").read_text(errors="replace")
                              for i in range(2))
        web_logs = "".join((logs / f"web{i}.log").read_text(errors="replace")
                           for i in range(2))
        if drained["succeeded"] < drained["actions"]:
            print("workers' log (tail):\n" + worker_logs[-3000:], file=sys.stderr)
        floor_proc, floor_port = serve("api_floor:app", env, 2, 1)
        try:
            floor = run_load(floor_port, seeded["reviewer"],
                             lambda _c, _n: ("GET", "/api/v1/demands/1", None), 4000)
        finally:
            floor_proc.terminate()
            floor_proc.wait(timeout=30)
    report(args, stats, load_wall, drained, drain_wall, deadlocks, verify, worker_logs,
           web_logs, floor)
    return 0


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/v1/instruments", headers={"Host": "127.0.0.1",
                                                                "X-Forwarded-Proto": "https"})
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"dueprocess serve did not answer on port {port}")


def _drain(db_url: str, limit: float) -> dict[str, Any]:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        open_ = query(db_url, "SELECT count(*) FROM demands_action "
                      "WHERE status NOT IN ('succeeded', 'cancelled')")[0][0]
        if not open_:
            break
        time.sleep(1)
    rows = query(db_url, """
        SELECT count(*),
               count(*) FILTER (WHERE a.status = 'succeeded'),
               count(*) FILTER (WHERE a.attempts > 1),
               max(a.attempts),
               max(extract(epoch FROM a.finished_at - ap.at)),
               percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM
                   a.finished_at - ap.at)),
               percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM
                   a.finished_at - ap.at)),
               max(a.finished_at)
        FROM demands_action a
        JOIN (SELECT demand_id, max(at) AS at FROM audit_auditevent
              WHERE verb = 'demand.approved' GROUP BY demand_id) ap
          ON ap.demand_id = a.demand_id""")[0]
    ops = query(db_url, """
        SELECT count(*) FROM demands_action a
        WHERE (SELECT count(*) FROM demo_platformoperation o
               WHERE o.idempotency_key = a.idempotency_key) <> 1""")[0][0]
    productions = query(db_url, """
        SELECT count(*) FROM demands_action a
        WHERE a.kind = 'export' AND (SELECT count(*) FROM execution_production p
                                     WHERE p.action_id = a.id) <> 1""")[0][0]
    demands = dict(query(db_url, "SELECT status, count(*) FROM demands_demand GROUP BY 1"))
    return {"actions": rows[0], "succeeded": rows[1], "retried": rows[2],
            "max_attempts": rows[3] or 0, "max_delay": rows[4], "p50_delay": rows[5],
            "p99_delay": rows[6], "not_once": ops, "productions_off": productions,
            "demands": demands}


def report(args: argparse.Namespace, stats: Stats, load_wall: float, drained: dict[str, Any],
           drain_wall: float, deadlocks: int, verify: subprocess.CompletedProcess[str],
           worker_logs: str, web_logs: str, floor: dict[str, Any]) -> None:
    print(f"Soak: 2 web servers x 2 gunicorn workers, 2 workers, PostgreSQL; {args.clients} "
          f"clients for {args.seconds:.0f} s; {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f}")
    header = (f"{'what':<10} {'requests':>9} {'per s':>7} {'p50 ms':>8} {'p95 ms':>8} "
              f"{'p99 ms':>8} {'4xx':>5} {'5xx':>5}")
    print(header)
    print("-" * len(header))
    total5 = 0
    for kind in ("create", "read", "decide", "approve"):
        codes = stats.status.get(kind, {})
        lat = stats.latency.get(kind, [])
        c4 = sum(v for k, v in codes.items() if 400 <= k < 500)
        c5 = sum(v for k, v in codes.items() if k >= 500)
        total5 += c5
        print(f"{kind:<10} {sum(codes.values()):>9,} {len(lat) / load_wall:>7.1f} "
              f"{pct(lat, .5):>8.1f} {pct(lat, .95):>8.1f} {pct(lat, .99):>8.1f} "
              f"{c4:>5} {c5:>5}")
    print(f"{'floor GET':<10} {floor['ok']:>9,} {floor['rate']:>7.1f} {floor['p50']:>8.1f} "
          f"{floor['p95']:>8.1f} {floor['p99']:>8.1f}   (a WSGI app that does no work)")
    for sample in stats.samples:
        print(f"  e.g. {sample}")
    d = drained
    print(f"server errors (5xx): {total5}; deadlocks counted by PostgreSQL: {deadlocks}; "
          f"tracebacks in server logs: {web_logs.count('Traceback')}")
    print(f"lock-conflict retries logged by workers: "
          f"{worker_logs.count('after a lock conflict')}; leases that lapsed: "
          f"{worker_logs.count('lease of worker')}")
    print(f"demands by status: {json.dumps(d['demands'], sort_keys=True)}")
    print(f"actions: {d['actions']} planned, {d['succeeded']} succeeded; done other than "
          f"exactly once on the platform: {d['not_once']}; exports without exactly one "
          f"production: {d['productions_off']}; retried: {d['retried']} (max attempts "
          f"{d['max_attempts']})")
    if d["max_delay"] is not None:
        print(f"approval to action done: p50 {d['p50_delay']:.1f} s, p99 "
              f"{d['p99_delay']:.1f} s, max {d['max_delay']:.1f} s (goal: within 60 s); "
              f"last action done {drain_wall:.1f} s after the load ended")
    print(f"audit verify: exit {verify.returncode}: {verify.stdout.strip()[-200:]}")


if __name__ == "__main__":
    sys.exit(main())
