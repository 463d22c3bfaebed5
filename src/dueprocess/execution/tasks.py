"""Background execution of decided actions, on the django-tasks database queue.

A worker can die at any moment. Everything here is therefore safe to run again: an action
carries an idempotency key that the connector honours, a production is built once per
action, and :func:`resume_stale` and :func:`recover_dead_workers` re-queue whatever a dead
worker left behind. Workers claim tasks with ``SELECT … FOR UPDATE SKIP LOCKED``
(django-tasks-db), and :func:`~dueprocess.execution.actions.start_action` locks the action
row, so several workers never start the same action at once. State changes go through
:mod:`dueprocess.demands.actions` and the execution modules; this one only orchestrates.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from dueprocess.audit.chain import record
from dueprocess.connectors import get_connector
from dueprocess.connectors.base import PermanentConnectorError
from dueprocess.demands.models import (
    ACTION_DONE,
    Action,
    ActionKind,
    ActionStatus,
    Notice,
    NoticeKind,
    NoticeStatus,
    Status,
)
from dueprocess.execution import actions, sor
from dueprocess.execution.deadletters import dead_letter_action, resolve_done
from dueprocess.execution.models import DisclosureWait, Production, WorkerProcess
from dueprocess.execution.preservation import holds_for, record_hold, remind_expiring
from dueprocess.execution.productions import build_production, purge_expired
from dueprocess.locking import retrying

log = logging.getLogger("dueprocess.execution")

MAX_ATTEMPTS = 5
RETRY_BASE = timedelta(seconds=30)
_CHUNK = 500
_ACCOUNT_MEASURES = (ActionKind.SUSPEND, ActionKind.TERMINATE, ActionKind.WITHHOLD_ACCOUNT)
_WITHHOLDINGS = (ActionKind.WITHHOLD, ActionKind.WITHHOLD_ACCOUNT)
_CONTENT_MEASURES = (ActionKind.REMOVE, ActionKind.DISABLE, ActionKind.WITHHOLD)


def retry_delay(attempt: int) -> timedelta:
    """Exponential backoff: 30 s, 1 min, 2 min, 4 min after attempts 1 to 4."""
    return RETRY_BASE * (2 ** max(attempt - 1, 0))


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def _export(action: Action) -> dict[str, Any]:
    assert action.target is not None
    production = Production.objects.filter(action_id=action.pk).first()
    if production is None:
        connector = get_connector()
        params = action.params or {}
        info = connector.lookup("account", action.target.identifier)
        holds = holds_for(info.account) if info.exists and info.account else ()
        export = connector.export(action.target.identifier,
                                  tuple(params.get("categories") or ()),
                                  _date(params.get("date_from")), _date(params.get("date_to")),
                                  key=action.idempotency_key, holds=holds)
        try:
            production = build_production(action, export)
        finally:
            export.cleanup()
    return {"production": production.pk, "manifest_sha256": production.manifest_sha256,
            "size": production.size, "files": production.files,
            "expires_at": production.expires_at.isoformat()}


def perform(action: Action) -> dict[str, Any]:
    """Carry out one action on the platform and describe the result in JSON-safe terms."""
    if action.target is None:
        raise ValueError(f"action {action.pk} has no target")
    connector = get_connector()
    key = action.idempotency_key
    target = action.target.identifier
    params = action.params or {}
    if action.kind == ActionKind.EXPORT:
        return _export(action)
    if action.kind == ActionKind.PRESERVE:

        # The statutory period runs from receipt, not from when a worker got to it.
        start = action.demand.received_at.date()
        until = start + timedelta(days=int(params.get("days") or 90))
        days = max((until - timezone.now().date()).days, 1)
        result = connector.preserve(target, days, key=key)
        record_hold(action, result, started_on=start)
        return result
    # Recorded distinctly: a withholding in named territories is not a global removal.
    scope = "territorial" if action.kind in _WITHHOLDINGS else "global"
    if action.kind in _ACCOUNT_MEASURES:
        if action.kind == ActionKind.WITHHOLD_ACCOUNT:
            result = connector.restrict_account(
                target, "withhold", key=key, territories=tuple(params.get("territories") or ()))
        else:
            result = connector.restrict_account(target, action.kind, key=key)
        return {**result, "scope": scope}
    if action.kind in _CONTENT_MEASURES:
        territories = tuple(params.get("territories") or ())
        result = connector.restrict_content(target, action.kind, territories, key=key)
        return {**result, "scope": scope}
    if action.kind == ActionKind.NOTIFY:
        return connector.notify_user(target, str(params.get("subject", "")),
                                     str(params.get("body", "")), key=key)
    raise ValueError(f"unknown action kind {action.kind!r}")


def _waiting(action: Action, now: datetime) -> DisclosureWait | None:
    """The user's time to object that still holds this disclosure back, if any."""
    if action.kind != ActionKind.EXPORT or action.target_id is None:
        return None
    wait = DisclosureWait.objects.filter(demand_id=action.demand_id,
                                         target_id=action.target_id).first()
    return None if wait is None or wait.is_over(now) else wait


@task()
def run_action(action_id: int) -> dict[str, Any]:
    """Run one action once; on failure record why and retry later with backoff."""
    action = Action.objects.select_related("target").filter(pk=action_id).first()
    if action is None:
        return {"action": action_id, "outcome": "missing"}
    if action.status == ActionStatus.SUCCEEDED:
        return {"action": action_id, "outcome": "already_succeeded"}
    if action.status == ActionStatus.CANCELLED:
        return {"action": action_id, "outcome": "cancelled"}
    wait = _waiting(action, timezone.now())
    if wait is not None:
        ready = [t for t in _queued([action_id]).get(action_id, [])
                 if t.status == TaskResultStatus.READY]
        if wait.until is not None and not wait.objected_at and not ready:
            run_action.using(run_after=wait.until).enqueue(action_id)
        return {"action": action_id, "outcome": "waiting",
                "until": wait.until.isoformat() if wait.until else None}
    started = retrying(lambda: actions.start_action(action, worker=_worker_id),
                       what=f"start of action {action_id}")
    if started is None:  # finished meanwhile, cancelled, or running under a live lease
        return {"action": action_id, "outcome": "already_done"}
    with _in_hand(action_id):
        try:
            result = perform(started)
            retrying(lambda: actions.complete_action(started, result),
                     what=f"completion of action {action_id}")
        except Exception as exc:
            message = f"{type(exc).__name__}: {exc}"
            log.warning("action %s failed (attempt %s): %s", action_id, started.attempts,
                        message)
            retrying(lambda: actions.fail_action(started, message),
                     what=f"failure of action {action_id}")
            retry_at = _schedule_retry(started, message,
                                       permanent=isinstance(exc, PermanentConnectorError))
            return {"action": action_id, "outcome": "failed", "attempt": started.attempts,
                    "error": message, "retry_at": retry_at.isoformat() if retry_at else None}
    _after_success(started)
    return {"action": action_id, "outcome": "succeeded", "attempt": started.attempts}


# ------------------------------------------------------------------------------ leases

#: The worker this process is (empty outside ``dueprocess worker``), written on each lease.
_worker_id = ""
#: Actions this process is carrying out right now: its heartbeat renews their leases, and
#: only theirs, so an action whose task ended without finishing it is freed when the lease
#: lapses, even though the worker lives on.
_HELD: set[int] = set()
_HELD_LOCK = threading.Lock()


def set_worker_id(worker_id: str) -> None:
    global _worker_id
    _worker_id = worker_id


@contextmanager
def _in_hand(action_id: int) -> Iterator[None]:
    with _HELD_LOCK:
        _HELD.add(action_id)
    try:
        yield
    finally:
        with _HELD_LOCK:
            _HELD.discard(action_id)


def renew_leases(now: datetime | None = None) -> int:
    """Extend the leases of the actions this process is carrying out."""
    with _HELD_LOCK:
        held = sorted(_HELD)
    if not held:
        return 0
    now = now or timezone.now()
    return Action.objects.filter(pk__in=held, status=ActionStatus.RUNNING).update(
        lease_until=now + actions.LEASE)


def expire_leases(now: datetime | None = None) -> int:
    """Free running actions whose lease lapsed: queue them again, or put them on the
    dead-letter list once their attempts are spent. Returns how many were freed."""

    now = now or timezone.now()
    lapsed = list(Action.objects.filter(status=ActionStatus.RUNNING, lease_until__lt=now)
                  .order_by("pk").values_list("pk", flat=True)[:_CHUNK])
    again: list[int] = []
    for pk in lapsed:
        action = actions.expire_lease(pk, now)
        if action is None:
            continue
        log.warning("action %s: the lease of worker %s lapsed; %s", pk,
                    action.leased_by or "?", "queued again" if action.attempts < MAX_ATTEMPTS
                    else "on the dead-letter list")
        if action.attempts >= MAX_ATTEMPTS:
            dead_letter_action(action, action.error)
        else:
            again.append(pk)
    _enqueue(again, expedite=True, over_running=True)
    return len(lapsed)


def _after_success(action: Action) -> None:
    resolve_done(action=action)
    if action.kind in sor.RESTRICTIONS:
        try:
            sor.ensure_for_action(Action.objects.get(pk=action.pk))
        except Exception:  # the nightly maintenance creates it; never fail the action
            log.exception("statement of reasons for action %s not created", action.pk)
    if Notice.objects.filter(demand_id=action.demand_id, kind=NoticeKind.USER,
                             status=NoticeStatus.PENDING,
                             demand__status=Status.COMPLETED).exists():
        send_pending_notices.enqueue()


def _schedule_retry(action: Action, error: str, *, permanent: bool) -> datetime | None:
    if permanent or action.attempts >= MAX_ATTEMPTS:

        log.error("action %s gave up after %s attempt(s); on the dead-letter list",
                  action.pk, action.attempts)
        dead_letter_action(action, error)
        return None
    at = timezone.now() + retry_delay(action.attempts)
    run_action.using(run_after=at).enqueue(action.pk)
    return at


# --------------------------------------------------------------------------- queueing


def _queued(action_ids: Sequence[int]) -> dict[int, list[DBTaskResult]]:
    """Tasks waiting or running for these actions, by action id."""
    rows = DBTaskResult.objects.filter(
        task_path=run_action.module_path,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
        args_kwargs__args__0__in=list(action_ids),
    ).only("id", "status", "run_after", "args_kwargs", "worker_ids", "started_at")
    found: dict[int, list[DBTaskResult]] = {}
    for row in rows:
        found.setdefault(int(row.args_kwargs["args"][0]), []).append(row)
    return found


def _enqueue(action_ids: Iterable[int], *, expedite: bool, over_running: bool,
             at: datetime | None = None) -> int:
    """Queue each action unless a task for it is already waiting (or running).

    ``expedite`` brings a waiting task forward to ``at`` (default now; a person asked for
    it, or a wait ended); ``over_running`` ignores tasks marked running, which after a
    crash belong to a dead worker.
    """
    now = timezone.now()
    when = at or now
    never = get_date_max()
    ids = list(action_ids)
    count = 0
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        queued = _queued(chunk)
        for pk in chunk:
            tasks = queued.get(pk, [])
            waiting = [t for t in tasks if t.status == TaskResultStatus.READY]
            if waiting:
                deferred = [t.pk for t in waiting if t.run_after != never and t.run_after > when]
                if expedite and len(deferred) == len(waiting):
                    DBTaskResult.objects.filter(pk__in=deferred[:1]).update(run_after=when)
                    count += 1
                continue
            if tasks and not over_running:
                continue
            if when > now:
                run_action.using(run_after=when).enqueue(pk)
            else:
                run_action.enqueue(pk)
            count += 1
    return count


def enqueue_demand_actions(demand_id: int) -> int:
    """Queue every pending or failed action of a demand; returns how many were queued."""
    ids = Action.objects.filter(
        demand_id=demand_id, status__in=[ActionStatus.PENDING, ActionStatus.FAILED],
    ).order_by("pk").values_list("pk", flat=True)
    return _enqueue(ids, expedite=True, over_running=False)


def enqueue_waiting_exports(demand_id: int, at: datetime | None) -> int:
    """A notice period started or a person let a disclosure proceed: run the exports at
    ``at`` (now if empty), moving any waiting task rather than adding one.

    A task that is running right now may have looked at the wait before it ended and will
    then stop without queueing itself again; so a task is queued even beside a running one
    (the second run finds the action done, or does it).
    """
    ids = Action.objects.filter(
        demand_id=demand_id, kind=ActionKind.EXPORT,
        status__in=[ActionStatus.PENDING, ActionStatus.FAILED],
    ).order_by("pk").values_list("pk", flat=True)
    return _enqueue(ids, expedite=True, over_running=True, at=at)


def _live_workers(now: datetime) -> set[str]:
    return {w.worker_id for w in WorkerProcess.objects.filter(stopped_at__isnull=True)
            if w.seen_at >= now - w.grace}


def recover_dead_workers(now: datetime | None = None) -> int:
    """Workers that stopped beating are dead: fail their running tasks and queue their
    actions again. Returns how many actions were queued."""
    now = now or timezone.now()
    dead: list[str] = []
    for worker in WorkerProcess.objects.filter(stopped_at__isnull=True):
        if worker.seen_at >= now - worker.grace:
            continue
        with transaction.atomic():
            updated = WorkerProcess.objects.filter(pk=worker.pk, stopped_at__isnull=True,
                                                   seen_at=worker.seen_at).update(
                stopped_at=now, presumed_dead=True)
            if updated:
                dead.append(worker.worker_id)
                record("worker.presumed_dead", actor="system", payload={
                    "worker": worker.worker_id, "host": worker.hostname, "pid": worker.pid,
                    "last_seen": worker.seen_at.isoformat()})
    if not dead:
        return 0
    orphaned: list[int] = []
    for pk, holder in (Action.objects.filter(status=ActionStatus.RUNNING, leased_by__in=dead)
                       .order_by("pk").values_list("pk", "leased_by")):
        if actions.expire_lease(pk, now, dead_worker=holder) is not None:
            orphaned.append(pk)
    for result in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING):
        if not result.worker_ids or result.worker_ids[-1] not in dead:
            continue
        result.set_failed(WorkerDied(f"worker {result.worker_ids[-1]} stopped beating"))
        if result.task_path == run_action.module_path:
            orphaned.append(int(result.args_kwargs["args"][0]))
    pending = list(Action.objects.filter(pk__in=orphaned).exclude(
        status__in=ACTION_DONE).order_by("pk").values_list("pk", flat=True))
    count = _enqueue(pending, expedite=False, over_running=True)
    if count:
        log.warning("re-queued %s action(s) of dead worker(s) %s", count, ", ".join(dead))
    return count


class WorkerDied(Exception):
    """Recorded on a task whose worker process vanished mid-run."""


#: How long a queued action may lack a task before it is queued again.
ORPHAN_AFTER = timedelta(minutes=1)


def resume_stale(older_than: timedelta = ORPHAN_AFTER) -> int:
    """Re-queue what a crashed worker, a lost transaction or a lost enqueue left behind.

    Running actions whose lease lapsed (or, from before leases, that started before the
    cutoff and are not being run by a live worker), pending actions of executing demands
    that have no task, and failed actions with attempts left whose retry was never queued.
    Running an action twice is harmless: the idempotency key makes the second a no-op.
    """
    count = recover_dead_workers()
    count += expire_leases()
    now = timezone.now()
    cutoff = now - older_than
    live = _live_workers(now)
    running = list(Action.objects.filter(status=ActionStatus.RUNNING, started_at__lt=cutoff,
                                         lease_until__isnull=True)
                   .order_by("pk").values_list("pk", flat=True))
    busy = {pk for pk, tasks in _queued(running).items()
            if any(t.status == TaskResultStatus.RUNNING and t.worker_ids
                   and t.worker_ids[-1] in live for t in tasks)}
    count += _enqueue([pk for pk in running if pk not in busy], expedite=False,
                      over_running=True)
    waiting = Action.objects.filter(
        status=ActionStatus.PENDING, created_at__lt=cutoff, demand__status=Status.EXECUTING,
    ).order_by("pk").values_list("pk", flat=True)
    count += _enqueue(list(waiting), expedite=False, over_running=False)
    retry = Action.objects.filter(
        status=ActionStatus.FAILED, attempts__lt=MAX_ATTEMPTS, finished_at__lt=cutoff,
    ).order_by("pk").values_list("pk", flat=True)
    count += _enqueue(list(retry), expedite=False, over_running=False)
    if count:
        log.info("resumed %s stale actions", count)
    # A notice before disclosure whose delivery task was lost would hold the export back.
    if Notice.objects.filter(kind=NoticeKind.USER, status=NoticeStatus.PENDING,
                             created_at__lt=cutoff).exists() and not DBTaskResult.objects.filter(
            task_path=send_pending_notices.module_path,
            status=TaskResultStatus.READY).exists():
        send_pending_notices.enqueue()
    return count


# --------------------------------------------------------------------------- notices


def deliver_pending_notices(today: date | None = None) -> dict[str, int]:
    """Release delayed user notices that are due, then send every pending one."""

    now = timezone.now()
    if today is not None and today != now.date():
        now = datetime.combine(today, now.timetz())
    # usernotices queues its deliveries through this module, so it is imported here
    from dueprocess.execution.usernotices import deliver_due

    return deliver_due(now)


@task()
def send_pending_notices() -> dict[str, int]:
    """Deliver user notices through the connector; delayed and barred ones are not sent."""
    return deliver_pending_notices()


MAINTENANCE_EVERY = timedelta(minutes=10)

#: Housekeeping of packages above execution (the report tallies), registered at start-up
#: by name: execution runs them without importing them.
MAINTENANCE_JOBS: dict[str, Callable[[], int]] = {}


def register_maintenance(name: str, job: Callable[[], int]) -> None:
    MAINTENANCE_JOBS[name] = job


@task()
def maintenance(every_seconds: int = 0) -> dict[str, int]:
    """Housekeeping: resume stale actions, deliver due notices, remind of expiring holds,
    write missing DSA statements, purge expired productions, then the registered jobs: bring
    report tallies up to date (so the next report has little left to do), send statements
    to the DSA Transparency Database when configured.

    With ``every_seconds`` it queues its own next run, so a worker needs no cron.
    """

    resumed = resume_stale()
    notices = deliver_pending_notices()
    reminded = remind_expiring()
    statements = sor.ensure_all()
    purged = purge_expired(timezone.now())
    jobs = {name: job() for name, job in MAINTENANCE_JOBS.items()}
    WorkerProcess.objects.filter(stopped_at__lt=timezone.now() - timedelta(days=30)).delete()
    if every_seconds > 0:
        schedule_maintenance(timedelta(seconds=every_seconds))
    return {"resumed": resumed, "purged": purged, "reminded": reminded,
            "statements": statements, **jobs, **notices}


def schedule_maintenance(every: timedelta = MAINTENANCE_EVERY) -> bool:
    """Queue the next maintenance run unless one is already waiting; True if queued.

    Call it when a worker starts. Several workers starting together may each queue one;
    the extra chains end at their next run because they then find another one waiting.
    """
    waiting = DBTaskResult.objects.filter(task_path=maintenance.module_path,
                                          status=TaskResultStatus.READY)
    if waiting.exists():
        return False
    seconds = max(int(every.total_seconds()), 1)
    maintenance.using(run_after=timezone.now() + every).enqueue(seconds)
    return True
