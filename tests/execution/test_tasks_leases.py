"""Leases: a running action belongs to its worker only while the worker renews the lease.

A worker that dies, or whose task ended without recording the action's end (a lost
transaction), frees it within a lease; a worker at work keeps it; an action whose lease
lapses once too often goes to the dead-letter list instead of silence.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from dueprocess.audit.models import AuditEvent
from dueprocess.demands.models import Action, Demand
from dueprocess.execution import actions, tasks
from dueprocess.execution.models import DeadLetter
from dueprocess.execution.selectors import action_counts
from tests.execution.support import run_worker

pytestmark = pytest.mark.django_db(transaction=True)

Approve = Callable[..., Demand]


class LostTransaction(Exception):
    """Stands for the database dropping the worker's transaction."""


def _lost_transaction(monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker's transaction is lost while it records the result: the task fails, but
    the worker process lives on."""

    def lost(*_args: Any, **_kwargs: Any) -> None:
        raise LostTransaction("server closed the connection unexpectedly")

    monkeypatch.setattr(actions, "complete_action", lost)
    monkeypatch.setattr(actions, "fail_action", lost)


def test_an_action_whose_task_lost_its_transaction_is_freed_when_the_lease_lapses(
        approved: Approve, monkeypatch: pytest.MonkeyPatch) -> None:
    demand = approved()
    _lost_transaction(monkeypatch)
    run_worker()
    action = demand.actions.get()
    assert action.status == "running" and action.lease_until is not None
    assert action_counts(timezone.now()).stuck == 0
    assert tasks.renew_leases() == 0  # no task holds it any more: nobody renews the lease

    later = action.lease_until + timedelta(seconds=1)
    assert action_counts(later).stuck == 1  # what the console and the metrics show
    monkeypatch.undo()
    assert tasks.expire_leases(later) == 1
    run_worker()
    action.refresh_from_db()
    assert (action.status, action.attempts) == ("succeeded", 2)
    assert AuditEvent.objects.filter(verb="action.lease_expired",
                                     demand_id=demand.pk).count() == 1
    demand.refresh_from_db()
    assert demand.status == "completed"


def test_a_worker_at_work_renews_the_lease_of_its_action_only(approved: Approve) -> None:
    demand = approved()
    action = demand.actions.get()
    started = actions.start_action(action, worker="w-1")
    assert started is not None and started.leased_by == "w-1"
    assert actions.start_action(action, worker="w-2") is None  # held under a live lease
    with tasks._in_hand(action.pk):
        later = timezone.now() + actions.LEASE
        assert tasks.renew_leases(later) == 1
    started.refresh_from_db()
    assert started.lease_until == later + actions.LEASE
    assert tasks.renew_leases(later) == 0  # the task ended


def test_an_action_whose_lease_keeps_lapsing_is_dead_lettered_not_retried_forever(
        approved: Approve) -> None:
    demand = approved()
    action = demand.actions.get()
    Action.objects.filter(pk=action.pk).update(attempts=tasks.MAX_ATTEMPTS - 1)
    actions.start_action(action, worker="w-1")
    action.refresh_from_db()
    assert tasks.expire_leases(action.lease_until + timedelta(seconds=1)) == 1
    letter = DeadLetter.objects.get(action=action)
    assert "lease" in letter.error
    assert action_counts(timezone.now()).dead_letters == 1
