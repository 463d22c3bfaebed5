"""The worker's bookkeeping of actions: started under a lease, succeeded, failed, cancelled.

Each in one transaction with its audit event. The last action done completes the demand
through the case file (:func:`dueprocess.demands.actions.finish_if_done`), which drafts the
effect report and lets execution tell the users.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dueprocess.audit.actors import User, actor_label
from dueprocess.audit.chain import record
from dueprocess.demands.actions import finish_if_done
from dueprocess.demands.models import ACTION_DONE, Action, ActionStatus, Demand
from dueprocess.errors import Conflict
from dueprocess.locking import for_update

#: How long a running action stays a worker's without a renewal (workers renew every beat).
LEASE = timedelta(seconds=30)


def start_action(action: Action, *, worker: str = "") -> Action | None:
    """Mark an action running under a lease; None when it is done, or running elsewhere
    under a lease that has not lapsed (a repeated task)."""
    with transaction.atomic():
        action = for_update(Action.objects).get(pk=action.pk)
        if action.status in ACTION_DONE:
            return None
        now = timezone.now()
        if (action.status == ActionStatus.RUNNING and action.lease_until is not None
                and action.lease_until > now):
            return None
        action.status = ActionStatus.RUNNING
        action.attempts += 1
        action.started_at = now
        action.lease_until = now + LEASE
        action.leased_by = worker[:64]
        action.save(update_fields=["status", "attempts", "started_at", "lease_until",
                                   "leased_by"])
        record("action.started", actor="system", demand_id=action.demand_id,
               payload={"action": action.pk, "kind": action.kind, "attempt": action.attempts,
                        "worker": worker[:64]})
    return action


def expire_lease(action_id: int, now: datetime, *, dead_worker: str = "") -> Action | None:
    """A running action whose lease lapsed goes back to ``failed`` (its worker died or lost
    its transaction), to be queued again; None if it finished or was renewed meanwhile.

    ``dead_worker``: that worker is known to be gone, so its lease ends now.
    """
    with transaction.atomic():
        action = for_update(Action.objects).filter(pk=action_id).first()
        if action is None or action.status != ActionStatus.RUNNING:
            return None
        held_by_the_dead = bool(dead_worker) and action.leased_by == dead_worker
        if not held_by_the_dead and (action.lease_until is None or action.lease_until >= now):
            return None
        holder = action.leased_by
        action.status = ActionStatus.FAILED
        action.error = f"the lease of worker {holder or '?'} lapsed before the action finished"
        action.finished_at = now
        action.lease_until = None
        action.save(update_fields=["status", "error", "finished_at", "lease_until"])
        record("action.lease_expired", actor="system", demand_id=action.demand_id,
               payload={"action": action.pk, "kind": action.kind, "worker": holder,
                        "attempt": action.attempts})
    return action


def complete_action(action: Action, result: dict[str, Any]) -> None:
    """Record an action's success; the last one of a demand completes the demand.

    The demand is locked before the action (the lock order of :mod:`dueprocess.locking`),
    because finishing the demand needs it and a lock taken the other way round would meet
    :func:`cancel_actions` head on.
    """
    with transaction.atomic():
        demand = for_update(Demand.objects).get(pk=action.demand_id)
        action = for_update(Action.objects).get(pk=action.pk)
        if action.status == ActionStatus.SUCCEEDED:
            return
        action.status = ActionStatus.SUCCEEDED
        action.result = result
        action.error = ""
        action.finished_at = timezone.now()
        action.lease_until = None
        action.save(update_fields=["status", "result", "error", "finished_at", "lease_until"])
        record("action.succeeded", actor="system", demand_id=action.demand_id,
               payload={"action": action.pk, "kind": action.kind, "result": result})
        finish_if_done(demand, "system")


def cancel_actions(demand: Demand, action_ids: Iterable[int], *, reason: str,
                   user: User | None) -> int:
    """Cancel actions that have not run (pending, or failed and waiting for a retry), so
    they never will; the demand completes if nothing else is left. Returns how many were
    cancelled. Call it inside the caller's transaction when the cancellation is part of a
    larger step (an objection upheld)."""
    actor = actor_label(user)
    with transaction.atomic():
        demand = for_update(Demand.objects).select_related("authority").get(pk=demand.pk)
        rows = list(for_update(Action.objects).filter(
            demand=demand, pk__in=list(action_ids)).order_by("pk"))
        busy = [a.pk for a in rows if a.status in (ActionStatus.RUNNING, ActionStatus.SUCCEEDED)]
        if busy:
            raise Conflict(_("action(s) %(busy)s already ran or are running")
                           % {"busy": ', '.join(map(str, busy))})
        now = timezone.now()
        todo = [a for a in rows if a.status != ActionStatus.CANCELLED]
        for action in todo:
            action.status = ActionStatus.CANCELLED
            action.error = reason[:4000]
            action.finished_at = now
            action.save(update_fields=["status", "error", "finished_at"])
            record("action.cancelled", actor=actor, demand_id=demand.pk,
                   payload={"action": action.pk, "kind": action.kind, "why": reason[:500]})
        if todo:
            finish_if_done(demand, actor)
    return len(todo)


def fail_action(action: Action, error: str) -> None:
    with transaction.atomic():
        action = for_update(Action.objects).get(pk=action.pk)
        if action.status in ACTION_DONE:
            return
        action.status = ActionStatus.FAILED
        action.error = error[:4000]
        action.finished_at = timezone.now()
        action.lease_until = None
        action.save(update_fields=["status", "error", "finished_at", "lease_until"])
        record("action.failed", actor="system", demand_id=action.demand_id,
               payload={"action": action.pk, "kind": action.kind, "error": error[:500],
                        "attempt": action.attempts})
