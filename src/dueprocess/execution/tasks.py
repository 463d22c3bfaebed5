"""Background execution of decided actions, on the django-tasks database queue.

A worker can die at any moment. Everything here is therefore safe to run again: an action
carries an idempotency key that the connector honours, a production is built once per
action, and :func:`resume_stale` re-queues whatever a dead worker left behind. State
changes go through :mod:`dueprocess.demands.actions`; this module only orchestrates.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from dueprocess.demands import actions
from dueprocess.demands.models import (
    Action,
    ActionKind,
    ActionStatus,
    Notice,
    NoticeKind,
    NoticeStatus,
    Status,
)
from dueprocess.execution.connectors import get_connector
from dueprocess.execution.connectors.base import ConnectorError
from dueprocess.execution.models import Production
from dueprocess.execution.productions import build_production, purge_expired

log = logging.getLogger("dueprocess.execution")

MAX_ATTEMPTS = 5
RETRY_BASE = timedelta(seconds=30)
_CHUNK = 500
_ACCOUNT_MEASURES = (ActionKind.SUSPEND, ActionKind.TERMINATE)
_CONTENT_MEASURES = (ActionKind.REMOVE, ActionKind.DISABLE, ActionKind.WITHHOLD)


def retry_delay(attempt: int) -> timedelta:
    """Exponential backoff: 30 s, 1 min, 2 min, 4 min after attempts 1 to 4."""
    return RETRY_BASE * (2 ** max(attempt - 1, 0))


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def perform(action: Action) -> dict[str, Any]:
    """Carry out one action on the platform and describe the result in JSON-safe terms."""
    if action.target is None:
        raise ValueError(f"action {action.pk} has no target")
    connector = get_connector()
    key = action.idempotency_key
    target = action.target.identifier
    params = action.params or {}
    if action.kind == ActionKind.EXPORT:
        production = Production.objects.filter(action_id=action.pk).first()
        if production is None:
            export = connector.export(target, tuple(params.get("categories") or ()),
                                      _date(params.get("date_from")),
                                      _date(params.get("date_to")), key=key)
            production = build_production(action, export)
        return {"production": production.pk, "manifest_sha256": production.manifest_sha256,
                "size": production.size, "files": production.files,
                "expires_at": production.expires_at.isoformat()}
    if action.kind == ActionKind.PRESERVE:
        return connector.preserve(target, int(params.get("days") or 90), key=key)
    if action.kind in _ACCOUNT_MEASURES:
        return connector.restrict_account(target, action.kind, key=key)
    if action.kind in _CONTENT_MEASURES:
        return connector.restrict_content(target, action.kind,
                                          tuple(params.get("territories") or ()), key=key)
    if action.kind == ActionKind.NOTIFY:
        return connector.notify_user(target, str(params.get("subject", "")),
                                     str(params.get("body", "")), key=key)
    raise ValueError(f"unknown action kind {action.kind!r}")


@task()
def run_action(action_id: int) -> dict[str, Any]:
    """Run one action once; on failure record why and retry later with backoff."""
    action = Action.objects.select_related("target").filter(pk=action_id).first()
    if action is None:
        return {"action": action_id, "outcome": "missing"}
    started = actions.start_action(action)
    if started is None:
        return {"action": action_id, "outcome": "already_succeeded"}
    try:
        result = perform(started)
        actions.complete_action(started, result)
    except Exception as exc:
        message = f"{type(exc).__name__}: {exc}"
        log.warning("action %s failed (attempt %s): %s", action_id, started.attempts, message)
        actions.fail_action(started, message)
        retry_at = _schedule_retry(started)
        return {"action": action_id, "outcome": "failed", "attempt": started.attempts,
                "error": message, "retry_at": retry_at.isoformat() if retry_at else None}
    if Notice.objects.filter(demand_id=started.demand_id, kind=NoticeKind.USER,
                             status=NoticeStatus.PENDING,
                             demand__status=Status.COMPLETED).exists():
        send_pending_notices.enqueue()
    return {"action": action_id, "outcome": "succeeded", "attempt": started.attempts}


def _schedule_retry(action: Action) -> datetime | None:
    if action.attempts >= MAX_ATTEMPTS:
        log.error("action %s failed %s times; left for a person to retry", action.pk,
                  action.attempts)
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
    ).only("id", "status", "run_after", "args_kwargs")
    found: dict[int, list[DBTaskResult]] = {}
    for row in rows:
        found.setdefault(int(row.args_kwargs["args"][0]), []).append(row)
    return found


def _enqueue(action_ids: Iterable[int], *, expedite: bool, over_running: bool) -> int:
    """Queue each action unless a task for it is already waiting (or running).

    ``expedite`` brings a retry that waits for its backoff forward to now (a person asked
    for it); ``over_running`` ignores tasks marked running, which after a crash belong to a
    dead worker.
    """
    now = timezone.now()
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
                deferred = [t.pk for t in waiting if t.run_after != never and t.run_after > now]
                if expedite and len(deferred) == len(waiting):
                    DBTaskResult.objects.filter(pk__in=deferred[:1]).update(run_after=now)
                    count += 1
                continue
            if tasks and not over_running:
                continue
            run_action.enqueue(pk)
            count += 1
    return count


def enqueue_demand_actions(demand_id: int) -> int:
    """Queue every pending or failed action of a demand; returns how many were queued."""
    ids = Action.objects.filter(
        demand_id=demand_id, status__in=[ActionStatus.PENDING, ActionStatus.FAILED],
    ).order_by("pk").values_list("pk", flat=True)
    return _enqueue(ids, expedite=True, over_running=False)


def resume_stale(older_than: timedelta = timedelta(minutes=10)) -> int:
    """Re-queue what a crashed worker or a lost enqueue left behind.

    Running actions that started before the cutoff, pending actions of executing demands
    that have no task, and failed actions with attempts left whose retry was never queued.
    Running an action twice is harmless: the idempotency key makes the second a no-op.
    """
    cutoff = timezone.now() - older_than
    running = list(Action.objects.filter(status=ActionStatus.RUNNING, started_at__lt=cutoff)
                   .order_by("pk").values_list("pk", flat=True))
    count = _enqueue(running, expedite=False, over_running=True)
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
    return count


# --------------------------------------------------------------------------- notices


def _notice_body(notice: Notice) -> str:
    if notice.body:
        return notice.body
    demand = notice.demand
    return (f"We received a legal demand from {demand.authority.name} "
            f"(reference {demand.reference}) concerning your account, "
            f"and we acted on it only as far as the law required.")


def deliver_pending_notices(today: date | None = None) -> dict[str, int]:
    """Release delayed user notices that are due, then send every pending one."""
    released = actions.release_delayed_notices(today or timezone.now().date())
    connector = get_connector()
    sent = failed = 0
    last = 0
    while True:
        batch = list(Notice.objects.filter(
            kind=NoticeKind.USER, status=NoticeStatus.PENDING, pk__gt=last,
        ).select_related("target", "demand__authority").order_by("pk")[:_CHUNK])
        if not batch:
            break
        for notice in batch:
            last = notice.pk
            account = notice.target.identifier if notice.target else notice.recipient
            try:
                result = connector.notify_user(account, notice.subject, _notice_body(notice),
                                               key=f"notice-{notice.pk}")
            except ConnectorError as exc:
                log.warning("notice %s not delivered: %s", notice.pk, exc)
                failed += 1
                continue
            actions.mark_notice_sent(notice, result)
            sent += 1
    return {"released": released, "sent": sent, "failed": failed}


@task()
def send_pending_notices() -> dict[str, int]:
    """Deliver user notices through the connector; delayed and barred ones are not sent."""
    return deliver_pending_notices()


MAINTENANCE_EVERY = timedelta(minutes=10)


@task()
def maintenance(every_seconds: int = 0) -> dict[str, int]:
    """Housekeeping: resume stale actions, deliver due notices, purge expired productions.

    With ``every_seconds`` it queues its own next run, so a worker needs no cron.
    """
    resumed = resume_stale()
    notices = deliver_pending_notices()
    purged = purge_expired(timezone.now())
    if every_seconds > 0:
        schedule_maintenance(timedelta(seconds=every_seconds))
    return {"resumed": resumed, "purged": purged, **notices}


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
