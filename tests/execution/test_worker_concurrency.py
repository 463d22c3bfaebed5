"""Production shape in small: two threads of API requests and a real worker process on one
database. Every request answers without a server error, no action is left behind, each is
done once, and on PostgreSQL the server counts no deadlock.

This is the size that fits the test suite; ``benchmarks/soak.py`` runs the full shape (two
web servers, two workers, sixteen clients, five minutes).
"""

from __future__ import annotations

import dataclasses
import signal
import threading
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections

from dueprocess.audit.chain import verify
from dueprocess.demands.models import Action, Authority, Demand, Policy
from dueprocess.demo import platform
from dueprocess.demo.models import PlatformAccount, PlatformOperation
from tests.conftest import ApiClient
from tests.execution.processes import Worker, worker_env, worker_home
from tests.execution.support import warrant_body

pytestmark = pytest.mark.django_db(transaction=True)

CYCLES = 4  # per thread


def _deadlocks() -> int:
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cur:
        cur.execute("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
        return int(cur.fetchone()[0])


def _life_cycles(index: int, handles: list[str], reviewer: ApiClient, approver: ApiClient,
                 answers: list[tuple[str, int]], lock: threading.Lock) -> None:
    try:
        for n, handle in enumerate(handles):
            body = warrant_body(reference=f"CONC-{index}-{n}",
                                targets=[{"type": "account", "id": handle}])
            body.pop("received_at", None)
            created = reviewer.post("/demands", {**body, "authority": "fbi"})
            steps = [("create", created.status_code)]
            if created.status_code == 201:
                pk = created.json()["id"]
                steps.append(("read", reviewer.get(f"/demands/{pk}").status_code))
                decided = reviewer.post(f"/demands/{pk}/decisions", {"decisions": [
                    {"ask": 0, "outcome": "comply", "reason_codes": ["lawful"],
                     "rationale": "A warrant signed by a judge, one account."}]})
                steps.append(("decide", decided.status_code))
                steps.append(("approve", approver.post(f"/demands/{pk}/approve").status_code))
            with lock:
                answers.extend(steps)
    finally:
        connections.close_all()


def test_concurrent_life_cycles_and_a_worker_leave_no_server_error_and_nothing_stuck(
        seeded: None, fbi: Authority, reviewer: Any, approver: Any, settings: Any,
        tmp_path: Path) -> None:
    home = worker_home(tmp_path)
    settings.DUEPROCESS = dataclasses.replace(settings.DUEPROCESS, home=home)
    Policy.objects.create(name="Four eyes for US demands", effect="four_eyes",
                          jurisdiction="US", valid_from=date(2000, 1, 1))
    handles = list(PlatformAccount.objects.exclude(handle__in=platform.FIXED_HANDLES)
                   .order_by("handle").values_list("handle", flat=True)[:2 * CYCLES])
    deadlocks_before = _deadlocks()
    worker = Worker(worker_env(settings, home), tmp_path / "worker.log")
    answers: list[tuple[str, int]] = []
    lock = threading.Lock()
    try:
        threads = [threading.Thread(target=_life_cycles, args=(
            i, handles[i * CYCLES:(i + 1) * CYCLES], _client(reviewer), _client(approver),
            answers, lock)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        deadline = time.monotonic() + 60
        while Action.objects.exclude(status="succeeded").exists() or Action.objects.count() < (
                2 * CYCLES):
            assert worker.proc.poll() is None, worker.output()
            assert time.monotonic() < deadline, (
                list(Action.objects.values_list("pk", "status", "error")), worker.output())
            time.sleep(0.2)
    finally:
        worker.proc.send_signal(signal.SIGTERM)
        worker.proc.wait(timeout=30)

    assert [a for a in answers if a[1] >= 500] == []
    assert Counter(kind for kind, code in answers if code < 300) == {
        "create": 2 * CYCLES, "read": 2 * CYCLES, "decide": 2 * CYCLES, "approve": 2 * CYCLES}
    actions = list(Action.objects.all())
    ops = Counter(PlatformOperation.objects.values_list("idempotency_key", flat=True))
    assert all(ops[a.idempotency_key] == 1 for a in actions)
    assert set(Demand.objects.values_list("status", flat=True)) == {"completed"}
    assert verify().ok
    assert _deadlocks() == deadlocks_before


def _client(user: Any) -> ApiClient:
    from dueprocess.accounts.models import ApiToken

    return ApiClient(ApiToken.issue(user)[1])
