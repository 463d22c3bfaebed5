"""Execution end to end: decided demands run on the worker, failures retry, crashes resume,
and no platform effect ever happens twice."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from dueprocess.audit.models import AuditEvent
from dueprocess.demands.models import Action, Authority, Demand, Notice
from dueprocess.demo import platform
from dueprocess.demo.models import PlatformAccount, PlatformOperation, Post, UserMessage
from dueprocess.execution import actions, productions, tasks, usernotices
from dueprocess.execution.models import DeadLetter, Production
from dueprocess.execution.tasks import (
    deliver_pending_notices,
    enqueue_demand_actions,
    resume_stale,
    run_action,
)
from dueprocess.transparency.models import StaleDemand
from tests.execution.support import court_order_body, run_worker, warrant_body

pytestmark = pytest.mark.django_db(transaction=True)

Approve = Callable[..., Demand]


def _ops(action: Action) -> int:
    return PlatformOperation.objects.filter(idempotency_key=action.idempotency_key).count()


def _queued() -> int:
    return DBTaskResult.objects.filter(task_path=run_action.module_path,
                                       status=TaskResultStatus.READY).count()


def test_an_approved_warrant_is_executed_and_its_production_verifies(approved: Approve) -> None:
    demand = approved()
    action = demand.actions.get()
    assert (action.kind, action.status) == ("export", "pending")
    assert _queued() == 1  # enqueued when the approval committed

    run_worker()

    action.refresh_from_db()
    demand.refresh_from_db()
    assert action.status == "succeeded", action.error
    assert demand.status == "completed"
    production = Production.objects.get(action=action)
    assert action.result["production"] == production.pk
    assert action.result["manifest_sha256"] == production.manifest_sha256
    files = productions.read_production(production)
    manifest = json.loads(files["manifest.json"])
    assert [f["name"] for f in manifest["files"]] == [
        "logins.csv", "logins.json", "posts.csv", "posts.json", "subscriber.csv",
        "subscriber.json"]
    assert productions.verify_package(files, productions.public_key_pem())
    assert not productions.verify_package(
        dict(files, **{"logins.csv": files["logins.csv"] + b"x"}),
        productions.public_key_pem())
    assert _ops(action) == 1

    # The user was told before the data left, and only once.
    notice = Notice.objects.get(demand=demand, kind="user")
    assert notice.status == "sent"
    assert UserMessage.objects.filter(account__handle=platform.US_SUSPECT).count() == 1
    verbs = list(AuditEvent.objects.filter(demand_id=demand.pk).values_list("verb", flat=True))
    assert verbs.index("notice.sent") < verbs.index("production.created")

    # Running the action again (a duplicate task) changes nothing.
    assert run_action.call(action.pk)["outcome"] == "already_succeeded"
    assert Production.objects.count() == 1 and _ops(action) == 1


def test_a_failed_action_is_retried_after_the_cause_is_fixed(approved: Approve) -> None:
    demand = approved(court_order_body(asks=[{"kind": "restrict_account", "measure": "suspend"}]))
    action = demand.actions.get()
    PlatformAccount.objects.filter(handle=platform.US_SUSPECT).delete()

    run_worker()

    action.refresh_from_db()
    assert action.status == "failed"
    assert "no account" in action.error
    assert action.attempts == 1
    retry = DBTaskResult.objects.get(task_path=run_action.module_path,
                                     status=TaskResultStatus.READY)
    assert retry.run_after > timezone.now() + timedelta(seconds=20)  # backoff, not yet due
    assert _ops(action) == 0

    platform.seed_platform()  # the account is back
    assert enqueue_demand_actions(demand.pk) == 1  # a person asks to retry now
    assert _queued() == 1  # the waiting retry was brought forward, not duplicated
    run_worker()

    action.refresh_from_db()
    demand.refresh_from_db()
    assert action.status == "succeeded"
    assert action.attempts == 2
    assert demand.status == "completed"
    assert PlatformAccount.objects.get(handle=platform.US_SUSPECT).status == "suspended"
    assert _ops(action) == 1
    verbs = list(AuditEvent.objects.filter(demand_id=demand.pk, verb__startswith="action.")
                 .values_list("verb", flat=True))
    assert verbs == ["action.started", "action.failed", "action.started", "action.succeeded"]


def test_retries_stop_after_the_maximum_attempts(approved: Approve) -> None:
    demand = approved(court_order_body(asks=[{"kind": "restrict_account", "measure": "suspend"}]))
    action = demand.actions.get()
    DBTaskResult.objects.all().delete()
    PlatformAccount.objects.filter(handle=platform.US_SUSPECT).delete()
    Action.objects.filter(pk=action.pk).update(attempts=tasks.MAX_ATTEMPTS - 1)

    outcome = run_action.call(action.pk)

    assert outcome["outcome"] == "failed" and outcome["retry_at"] is None
    assert _queued() == 0
    action.refresh_from_db()
    assert (action.status, action.attempts) == ("failed", tasks.MAX_ATTEMPTS)
    assert resume_stale(timedelta(0)) == 0  # left for a person
    letter = DeadLetter.objects.get(action=action)
    assert (letter.kind, letter.attempts) == ("action", tasks.MAX_ATTEMPTS)
    assert "no account" in letter.error

    platform.seed_platform()  # the account is back; a person asks again from the demand page
    assert enqueue_demand_actions(demand.pk) == 1
    run_worker()
    action.refresh_from_db()
    letter.refresh_from_db()
    assert action.status == "succeeded"
    assert (letter.resolution, letter.resolved_by) == ("succeeded", "system")


class SimulatedCrash(BaseException):
    """Like kill -9: not an Exception, so nothing in the task handles it."""


def test_a_crash_after_the_platform_acted_resumes_without_acting_twice(
        approved: Approve, monkeypatch: pytest.MonkeyPatch) -> None:
    demand = approved(court_order_body(asks=[{"kind": "restrict_account", "measure": "suspend"}]))
    action = demand.actions.get()
    real_complete = actions.complete_action
    calls: list[int] = []

    def crash_once(act: Action, result: dict[str, Any]) -> None:
        calls.append(act.pk)
        if len(calls) == 1:
            raise SimulatedCrash
        real_complete(act, result)

    monkeypatch.setattr(actions, "complete_action", crash_once)

    run_worker()

    action.refresh_from_db()
    assert action.status == "running"  # the worker died before recording the result
    assert PlatformAccount.objects.get(handle=platform.US_SUSPECT).status == "suspended"
    assert _ops(action) == 1
    # Someone reinstates the account meanwhile: a replay must not suspend it again.
    PlatformAccount.objects.filter(handle=platform.US_SUSPECT).update(status="active")

    assert action.leased_by == "" and action.lease_until is not None
    assert tasks.expire_leases() == 0  # the lease still runs: not stale yet
    lapsed = action.lease_until + timedelta(seconds=1)
    assert tasks.expire_leases(lapsed) == 1
    action.refresh_from_db()
    assert action.status == "failed" and "lease" in action.error
    assert tasks.expire_leases(lapsed) == 0  # already queued again
    assert AuditEvent.objects.filter(verb="action.lease_expired").count() == 1
    run_worker()

    action.refresh_from_db()
    assert action.status == "succeeded"
    assert action.attempts == 2
    assert action.result["status"] == "suspended"
    assert _ops(action) == 1
    assert PlatformAccount.objects.get(handle=platform.US_SUSPECT).status == "active"
    demand.refresh_from_db()
    assert demand.status == "completed"


def test_a_crashed_export_is_not_packaged_twice(approved: Approve,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    demand = approved()
    action = demand.actions.get()
    real_complete = actions.complete_action
    calls: list[int] = []

    def crash_once(act: Action, result: dict[str, Any]) -> None:
        calls.append(act.pk)
        if len(calls) == 1:
            raise SimulatedCrash
        real_complete(act, result)

    monkeypatch.setattr(actions, "complete_action", crash_once)
    run_worker()
    first = Production.objects.get(action=action)
    tasks.expire_leases(timezone.now() + actions.LEASE + timedelta(seconds=1))
    run_worker()

    action.refresh_from_db()
    assert action.status == "succeeded"
    assert Production.objects.get().pk == first.pk
    assert action.result["production"] == first.pk
    assert _ops(action) == 1


def test_a_lost_enqueue_is_recovered_and_nothing_is_queued_twice(approved: Approve) -> None:
    demand = approved()
    DBTaskResult.objects.all().delete()  # the web process died before enqueueing
    assert resume_stale(timedelta(0)) == 1
    assert enqueue_demand_actions(demand.pk) == 0  # already waiting
    assert _queued() == 1
    run_worker()
    assert demand.actions.get().status == "succeeded"


def test_withholding_in_hong_kong_only(approved: Approve, hk_police: Authority) -> None:
    body = {
        "reference": "NSD-2020-07-15-004",
        "instrument": "hk.nsl43.sch4",
        "issued_by": {"name": "LI Kwai-wah", "title": "Assistant Commissioner",
                      "role": "police_senior"},
        "officials": [{"name": "John LEE Ka-chiu", "title": "Secretary for Security",
                       "role": "executive"}],
        "legal_basis": "Implementation Rules for Article 43, Schedule 4",
        "asks": [{"kind": "restrict_content", "measure": "withhold",
                  "territorial_scope": ["HK"]}],
        "targets": [{"type": "content", "url": platform.HK_SLOGAN_POST.upper()}],
        "received_at": "2020-07-15T02:00:00+00:00",
    }
    demand = approved(body, authority=hk_police)
    run_worker()
    action = demand.actions.get()
    assert (action.kind, action.status) == ("withhold", "succeeded")
    post = Post.objects.get(url=platform.HK_SLOGAN_POST)
    assert post.withheld_in == ["HK"]
    assert post.status == "visible"
    assert post.visible_in("US") and not post.visible_in("HK")
    others = Post.objects.exclude(pk=post.pk).exclude(withheld_in=[])
    assert not others.exists()


def test_delayed_notices_are_sent_only_after_the_gag_lapses(approved: Approve) -> None:
    until = timezone.now().date() + timedelta(days=30)
    demand = approved(warrant_body(non_disclosure={"until": until.isoformat()}))
    run_worker()
    notice = Notice.objects.get(demand=demand, kind="user")
    assert (notice.status, notice.not_before) == ("delayed", until + timedelta(days=1))

    assert deliver_pending_notices(until - timedelta(days=1)) == {
        "released": 0, "sent": 0, "failed": 0}
    # The last day is still gagged, even once it is over in UTC (not yet in Hawaii).
    assert usernotices.deliver_due(datetime.combine(until, time(23), UTC)) == {
        "released": 0, "sent": 0, "failed": 0}
    assert usernotices.deliver_due(datetime.combine(until + timedelta(days=1), time(12), UTC)
                                   ) == {"released": 1, "sent": 1, "failed": 0}
    notice.refresh_from_db()
    assert notice.status == "sent"
    assert deliver_pending_notices(until) == {"released": 0, "sent": 0, "failed": 0}
    assert UserMessage.objects.filter(account__handle=platform.US_SUSPECT).count() == 1


def test_barred_notices_are_never_sent(approved: Approve) -> None:
    demand = approved(warrant_body(non_disclosure={"until": None}))
    run_worker()
    notice = Notice.objects.get(demand=demand, kind="user")
    assert notice.status == "barred"
    deliver_pending_notices(timezone.now().date() + timedelta(days=3650))
    notice.refresh_from_db()
    assert notice.status == "barred"
    assert not UserMessage.objects.exists()


def test_maintenance_keeps_one_run_scheduled_and_purges(approved: Approve) -> None:
    demand = approved()
    run_worker()
    production = Production.objects.get(demand=demand)
    Production.objects.filter(pk=production.pk).update(expires_at=timezone.now())

    assert tasks.schedule_maintenance(timedelta(minutes=10))
    assert not tasks.schedule_maintenance(timedelta(minutes=10))
    waiting = DBTaskResult.objects.filter(task_path=tasks.maintenance.module_path,
                                          status=TaskResultStatus.READY)
    assert waiting.count() == 1
    run_worker()  # not due yet: nothing runs
    assert waiting.count() == 1

    waiting.update(run_after=timezone.now())
    run_worker()
    production.refresh_from_db()
    assert production.purged_at is not None
    done = DBTaskResult.objects.get(task_path=tasks.maintenance.module_path,
                                    status=TaskResultStatus.SUCCESSFUL)
    assert done.return_value is not None and done.return_value["purged"] == 1
    assert done.return_value["tallied"] >= 1  # the executed demand's report row
    assert not StaleDemand.objects.exists()
    assert waiting.count() == 1  # the next run is queued
    assert waiting.get().run_after > timezone.now() + timedelta(minutes=9)


def test_a_wait_that_ends_while_the_export_task_runs_still_queues_the_export(
        approved: Approve) -> None:
    """The running task may have seen the wait before it ended and stop without queueing
    itself again: the end of the wait queues a task all the same."""
    from dueprocess.execution.tasks import enqueue_waiting_exports

    demand = approved()
    action = demand.actions.get()
    DBTaskResult.objects.filter(task_path=run_action.module_path).update(
        status=TaskResultStatus.RUNNING)  # a worker has it in hand
    assert _queued() == 0
    assert enqueue_waiting_exports(demand.pk, None) == 1
    assert _queued() == 1
    DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).delete()
    run_worker()
    action.refresh_from_db()
    assert action.status == "succeeded" and _ops(action) == 1
