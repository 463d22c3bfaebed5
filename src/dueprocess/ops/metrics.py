"""Prometheus metrics: request counts and latency, and gauges of the work that needs a person.

Request metrics are counted in each web process; under ``dueprocess serve`` the processes
share them through ``PROMETHEUS_MULTIPROC_DIR``. The gauges are computed at scrape time from
the database with a few counting queries, so they are right whichever process answers.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta

from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

from dueprocess.demands.models import OPEN_STATUSES, Demand
from dueprocess.execution.models import DeadLetter, DeadLetterKind
from dueprocess.execution.selectors import action_counts

REQUESTS = Counter("dueprocess_http_requests", "HTTP requests answered",
                   ["method", "route", "status"])
LATENCY = Histogram("dueprocess_http_request_duration_seconds",
                    "Time to answer an HTTP request", ["method", "route"],
                    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))

#: An open demand whose deadline is nearer than this (or passed) is at risk.
AT_RISK_WITHIN = timedelta(hours=24)


class WorkCollector(Collector):
    """Queue depth, stuck and dead-lettered work, deadlines at risk: counted per scrape."""

    def collect(self) -> Iterator[Metric]:
        from django.conf import settings
        from django.db.models import Count
        from django.utils import timezone
        from django_tasks_db.models import DBTaskResult


        now = timezone.now()
        queue = GaugeMetricFamily("dueprocess_task_queue_depth",
                                  "Background tasks due now and waiting for a worker",
                                  labels=["queue"])
        depth = {name: 0 for name in settings.TASKS["default"].get("QUEUES", ["default"])}
        for row in (DBTaskResult.objects.ready()
                    .values("queue_name").annotate(n=Count("id")).order_by()):
            depth[row["queue_name"]] = row["n"]
        for name, n in sorted(depth.items()):
            queue.add_metric([name], n)
        yield queue
        counts = action_counts(now)
        states = GaugeMetricFamily("dueprocess_actions", "Actions not yet done, by status",
                                   labels=["status"])
        for status in ("pending", "running", "failed"):
            states.add_metric([status], getattr(counts, status))
        yield states
        yield GaugeMetricFamily(
            "dueprocess_actions_stuck",
            "Running actions whose worker's lease lapsed (the worker died or lost its "
            "transaction); live workers queue them again within seconds",
            value=counts.stuck)
        dead = GaugeMetricFamily("dueprocess_dead_letters",
                                 "Dead-lettered work waiting for a person", labels=["kind"])
        letters = dict(DeadLetter.objects.filter(resolved_at=None).values_list("kind")
                       .annotate(n=Count("id")).order_by())
        for kind in DeadLetterKind.values:
            dead.add_metric([kind], letters.get(kind, 0))
        yield dead
        yield GaugeMetricFamily(
            "dueprocess_deadlines_at_risk",
            f"Open demands whose deadline is within {int(AT_RISK_WITHIN.total_seconds() // 3600)}"
            " hours or has passed",
            value=Demand.objects.filter(status__in=OPEN_STATUSES,
                                        deadline__lte=now + AT_RISK_WITHIN).count())


def exposition() -> bytes:
    """The text a scrape receives: this installation's request metrics, then the gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        shared = CollectorRegistry()
        multiprocess.MultiProcessCollector(shared)
        requests = generate_latest(shared)
    else:
        requests = generate_latest(REGISTRY)
    work = CollectorRegistry()
    work.register(WorkCollector())
    return requests + generate_latest(work)
