"""What execution looks like right now, for the console and the metrics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q

from dueprocess.demands.models import Action, ActionStatus
from dueprocess.execution.models import DeadLetter


@dataclass(frozen=True)
class ActionCounts:
    pending: int
    running: int
    failed: int
    #: Running, but the lease ran out: the worker died or lost its transaction. Each
    #: worker frees such actions within a beat or two; a number that stays up means no
    #: worker is running.
    stuck: int
    dead_letters: int


def action_counts(now: datetime) -> ActionCounts:
    row = Action.objects.filter(status__in=[ActionStatus.PENDING, ActionStatus.RUNNING,
                                            ActionStatus.FAILED]).aggregate(
        pending=Count("pk", filter=Q(status=ActionStatus.PENDING)),
        running=Count("pk", filter=Q(status=ActionStatus.RUNNING)),
        failed=Count("pk", filter=Q(status=ActionStatus.FAILED)),
        stuck=Count("pk", filter=Q(status=ActionStatus.RUNNING, lease_until__lt=now)),
    )
    return ActionCounts(dead_letters=DeadLetter.objects.filter(resolved_at__isnull=True).count(),
                        **row)


def running_actions(limit: int) -> list[Action]:
    """Running actions, the longest-running first, with their demand and target."""
    return list(Action.objects.filter(status=ActionStatus.RUNNING)
                .select_related("demand", "target").order_by("started_at", "pk")[:limit])
