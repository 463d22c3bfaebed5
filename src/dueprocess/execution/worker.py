"""``dueprocess worker``: the django-tasks-db worker plus a heartbeat.

A worker killed with SIGKILL cannot say it is gone, and the task it held stays marked
running. So each worker registers itself and beats every few seconds; any worker that
sees another fall silent for several beats fails that worker's running tasks and queues
their actions again (:func:`~dueprocess.execution.tasks.recover_dead_workers`). The
idempotency keys make the second run a no-op on the platform for whatever the dead worker
had already done.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time

from django.db import close_old_connections, connections
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker

from dueprocess.execution.models import WorkerProcess
from dueprocess.execution.tasks import (
    expire_leases,
    recover_dead_workers,
    renew_leases,
    resume_stale,
    schedule_maintenance,
    set_worker_id,
)

log = logging.getLogger("dueprocess.execution.worker")

HEARTBEAT_SECONDS = 5.0
#: How often a worker looks for queued actions that lost their task.
SWEEP_SECONDS = 30.0


class Heartbeat(threading.Thread):
    """Beat for one worker, and look for dead peers on each beat."""

    def __init__(self, worker_id: str, every: float) -> None:
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.every = every
        self.stopped = threading.Event()
        self.last_sweep = time.monotonic()

    def beat(self) -> None:
        close_old_connections()
        renew_leases()
        mine = WorkerProcess.objects.filter(worker_id=self.worker_id)
        if mine.filter(presumed_dead=True).exists():
            log.error("worker %s was presumed dead by a peer (a pause longer than its "
                      "grace period); its tasks were re-queued", self.worker_id)
        mine.update(seen_at=timezone.now(), stopped_at=None, presumed_dead=False)
        recover_dead_workers()
        expire_leases()
        now = time.monotonic()
        if now - self.last_sweep >= SWEEP_SECONDS:  # orphans need a look now and then
            self.last_sweep = now
            resume_stale()

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.every):
                try:
                    self.beat()
                except Exception:  # a missed beat is retried; the worker keeps running
                    log.exception("heartbeat of worker %s failed", self.worker_id)
        finally:
            connections.close_all()


def new_worker_id() -> str:
    host = socket.gethostname().split(".")[0][:30]
    return f"{host}-{os.getpid()}-{secrets.token_hex(6)}"[:64]


def run(*, batch: bool = False, interval: float = 1.0,
        heartbeat: float = HEARTBEAT_SECONDS, worker_id: str = "",
        max_tasks: int | None = None) -> int:
    """Register, recover what dead workers left, then process tasks until stopped.

    Returns how many interrupted actions were re-queued at start.
    """

    worker_id = worker_id or new_worker_id()
    set_worker_id(worker_id)
    WorkerProcess.objects.create(worker_id=worker_id, hostname=socket.gethostname()[:255],
                                 pid=os.getpid(), heartbeat_seconds=heartbeat)
    resumed = resume_stale()
    schedule_maintenance()
    pulse = Heartbeat(worker_id, heartbeat)
    pulse.start()
    try:
        worker = Worker(queue_names=["default"], interval=interval, batch=batch,
                        backend_name="default", startup_delay=not batch, max_tasks=max_tasks,
                        worker_id=worker_id, excluded_queue_names=[])
        worker.configure_signals()
        try:
            worker.run()
        finally:
            worker.reset_signals()
    finally:
        pulse.stopped.set()
        pulse.join(timeout=heartbeat + 5)
        WorkerProcess.objects.filter(worker_id=worker_id).update(stopped_at=timezone.now())
    return resumed
