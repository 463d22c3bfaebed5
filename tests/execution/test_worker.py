"""Real `dueprocess worker` processes: one is killed with SIGKILL mid-action and another
finishes the work; several run at once. Every action is carried out exactly once."""

from __future__ import annotations

import dataclasses
import signal
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from dueprocess.audit.models import AuditEvent
from dueprocess.demands.models import Action, Authority, Demand
from dueprocess.demo import platform
from dueprocess.demo.models import PlatformAccount, PlatformOperation, UserMessage
from dueprocess.execution.models import Production, WorkerProcess
from tests.execution.processes import HEARTBEAT, Worker, worker_env, worker_home
from tests.execution.support import comply, court_order_body, receive, warrant_body

pytestmark = pytest.mark.django_db(transaction=True)

def _approve(fbi: Authority, reviewer: Any, reference: str, handles: list[str],
             asks: list[dict[str, Any]]) -> Demand:
    restricts = any(a["kind"].startswith("restrict_") for a in asks)
    body = (court_order_body if restricts else warrant_body)(
        reference=reference, asks=asks, targets=[{"type": "account", "id": h} for h in handles])
    return comply(receive(fbi, body), reviewer)


def _handles(count: int) -> list[str]:
    return list(PlatformAccount.objects.exclude(handle__in=platform.FIXED_HANDLES)
                .order_by("handle").values_list("handle", flat=True)[:count])


def _once_each(actions: list[Action]) -> None:
    keys = Counter(PlatformOperation.objects.filter(
        idempotency_key__in=[a.idempotency_key for a in actions]).values_list(
        "idempotency_key", flat=True))
    assert all(keys[a.idempotency_key] == 1 for a in actions), keys
    assert all(a.status == "succeeded" for a in actions), [(a.pk, a.status, a.error)
                                                         for a in actions]


def test_a_worker_killed_mid_action_is_replaced_and_nothing_happens_twice(
        seeded: None, fbi: Authority, reviewer: Any, settings: Any, tmp_path: Path) -> None:
    home = worker_home(tmp_path)
    settings.DUEPROCESS = dataclasses.replace(settings.DUEPROCESS, home=home)
    handles = _handles(4)
    handles.insert(2, platform.US_SUSPECT)
    suspend = _approve(fbi, reviewer, "1:26-mj-00001", handles,
                       [{"kind": "restrict_account", "measure": "suspend"}])
    disclose = _approve(fbi, reviewer, "1:26-mj-00002", [platform.US_PRESERVATION_TARGET],
                        [{"kind": "disclose", "data_categories": ["subscriber", "traffic"]}])
    marker = tmp_path / "acted-then-stalled"
    first = Worker(worker_env(settings, home, DP_TEST_SLOW_ACCOUNT=platform.US_SUSPECT,
                        DP_TEST_SLOW_MARKER=str(marker),
                        DUEPROCESS_CONNECTOR="tests.execution.slow_connector:SlowDemoConnector"),
                   tmp_path / "first.log")
    try:
        deadline = time.monotonic() + 90
        while not (marker.exists() and marker.read_text()):  # written, not just created
            assert first.proc.poll() is None, first.output()
            assert time.monotonic() < deadline, "the worker never reached the slow action"
            time.sleep(0.05)
        first.proc.send_signal(signal.SIGKILL)
        first.proc.wait(timeout=10)
    finally:
        if first.proc.poll() is None:
            first.proc.kill()
            first.proc.wait(timeout=10)
    stalled = Action.objects.get(idempotency_key=marker.read_text())
    assert stalled.status == "running"  # the platform acted; dueprocess never heard back
    assert PlatformAccount.objects.get(handle=platform.US_SUSPECT).status == "suspended"
    # Someone reinstates the account meanwhile: a second run must not suspend it again.
    PlatformAccount.objects.filter(handle=platform.US_SUSPECT).update(status="active")

    time.sleep(HEARTBEAT * 4 + 0.5)  # the dead worker's heartbeat goes stale
    started = time.monotonic()
    Worker(worker_env(settings, home), tmp_path / "second.log", "--batch").finish(120)
    # The dead worker's action is done within a minute of a new worker starting.
    assert time.monotonic() - started < 60

    actions = list(Action.objects.filter(demand__in=[suspend, disclose]))
    _once_each(actions)
    stalled.refresh_from_db()
    assert stalled.attempts == 2
    assert stalled.result["status"] == "suspended"  # the first run's answer, replayed
    assert PlatformAccount.objects.get(handle=platform.US_SUSPECT).status == "active"
    assert all(a.attempts == 1 for a in actions if a.pk != stalled.pk)
    for demand in (suspend, disclose):
        demand.refresh_from_db()
        assert demand.status == "completed"
    assert Production.objects.filter(demand=disclose).count() == 1
    for handle in (*handles, platform.US_PRESERVATION_TARGET):
        assert UserMessage.objects.filter(account__handle=handle).count() == 1, handle
    dead = WorkerProcess.objects.get(presumed_dead=True)
    assert AuditEvent.objects.filter(verb="worker.presumed_dead",
                                     payload__worker=dead.worker_id).exists()


def test_several_workers_at_once_never_take_the_same_action(
        seeded: None, fbi: Authority, reviewer: Any, settings: Any, tmp_path: Path) -> None:
    home = worker_home(tmp_path)
    settings.DUEPROCESS = dataclasses.replace(settings.DUEPROCESS, home=home)
    demand = _approve(fbi, reviewer, "1:26-mj-00003", _handles(30),
                      [{"kind": "restrict_account", "measure": "suspend"}])
    env = worker_env(settings, home)
    workers = [Worker(env, tmp_path / f"w{i}.log", "--batch") for i in range(3)]
    for w in workers:
        w.finish(180)
    actions = list(demand.actions.all())
    assert len(actions) == 30
    _once_each(actions)
    started = Counter(e.payload["action"] for e in AuditEvent.objects.filter(
        verb="action.started", demand_id=demand.pk))
    assert set(started.values()) == {1}, started
    assert len(WorkerProcess.objects.filter(stopped_at__isnull=False)) == 3
