"""What a load balancer and Prometheus see at /healthz, /readyz and /metrics."""

from __future__ import annotations

import dataclasses
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from dueprocess.audit.models import AuditEvent
from dueprocess.demands.models import Action, Authority, Demand
from dueprocess.execution.models import DeadLetter
from dueprocess.ops import checks

PRODUCTION_LIKE = {"DEBUG": False, "SECURE_SSL_REDIRECT": True, "STAFF_REQUIRE_2FA": True,
                   "ALLOWED_HOSTS": ["legal.platform.example"]}


@pytest.fixture
def production_like(settings: Any) -> None:
    for name, value in PRODUCTION_LIKE.items():
        setattr(settings, name, value)


def test_healthz_answers_over_plain_http_by_address_without_the_database(
        production_like: None) -> None:
    # No `db` fixture: any query would fail the test.
    response = Client().get("/healthz", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_readyz_reports_each_dependency(db: Any, production_like: None) -> None:
    response = Client().get("/readyz", HTTP_HOST="10.0.0.7")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "failed": [], "checks": {
        "storage": "ok", "shared_storage": "ok", "database": "ok", "migrations": "ok",
        "cache": "ok"}}
    assert not AuditEvent.objects.exists()


def test_readyz_names_an_unwritable_home_and_an_unreachable_cache(
        db: Any, settings: Any, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    home.chmod(0o500)
    settings.DUEPROCESS = dataclasses.replace(settings.DUEPROCESS, home=home,
                                              cache_url="redis://:hunter2@127.0.0.1:1/0")
    try:
        response = Client().get("/readyz")
    finally:
        home.chmod(0o700)
    body = response.json()
    assert response.status_code == 503
    if os.geteuid() == 0:  # root writes anywhere: only the cache can fail here
        assert body["failed"] == ["cache"]
    else:
        assert body["failed"] == ["cache", "storage"]
        assert body["checks"]["storage"].startswith(f"DUEPROCESS_HOME {home}: not writable")
    assert body["checks"]["cache"].startswith(
        "DUEPROCESS_CACHE_URL redis://:***@127.0.0.1:1/0: cannot connect")
    assert "hunter2" not in response.content.decode()


def test_readyz_refuses_while_migrations_are_missing(db: Any, monkeypatch: Any) -> None:
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    monkeypatch.setattr(checks, "_migrated", False)
    recorder = MigrationRecorder(connection)
    last = recorder.migration_qs.filter(app="demands").order_by("-id").first()
    assert last is not None
    last.delete()
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["migrations"]
    assert f"demands.{last.name}" in response.json()["checks"]["migrations"]
    assert "run `dueprocess migrate`" in response.json()["checks"]["migrations"]


def test_probes_accept_only_reading(db: Any) -> None:
    assert Client().post("/healthz").status_code == 405


def test_metrics_count_the_work_that_needs_a_person(db: Any, fbi: Authority) -> None:
    now = timezone.now()
    soon = Demand.objects.create(authority=fbi, reference="A-1", instrument="us.ecpa.warrant",
                                 jurisdiction="US", status="in_review",
                                 deadline=now + timedelta(hours=3))
    Demand.objects.create(authority=fbi, reference="A-2", instrument="us.ecpa.warrant",
                          jurisdiction="US", status="in_review",
                          deadline=now + timedelta(days=5))
    Demand.objects.create(authority=fbi, reference="A-3", instrument="us.ecpa.warrant",
                          jurisdiction="US", status="completed",
                          deadline=now + timedelta(hours=1))
    stuck = Action.objects.create(demand=soon, kind="export", idempotency_key="k-1",
                                  status="running", started_at=now - timedelta(minutes=2),
                                  lease_until=now - timedelta(seconds=5))  # lease lapsed
    Action.objects.create(demand=soon, kind="export", idempotency_key="k-2", status="running",
                          started_at=now - timedelta(minutes=11),
                          lease_until=now + timedelta(seconds=20))  # renewed: still at work
    Action.objects.create(demand=soon, kind="export", idempotency_key="k-3")
    DeadLetter.objects.create(kind="action", demand=soon, action=stuck, operation="export")
    DeadLetter.objects.create(kind="notice", demand=soon, operation="notify_user",
                              resolved_at=now)
    from dueprocess.execution.tasks import run_action

    run_action.enqueue(stuck.pk)
    assert DBTaskResult.objects.count() == 1

    text = Client().get("/metrics").content.decode()
    assert 'dueprocess_task_queue_depth{queue="default"} 1.0' in text
    assert "dueprocess_actions_stuck 1.0" in text
    assert 'dueprocess_actions{status="running"} 2.0' in text
    assert 'dueprocess_actions{status="pending"} 1.0' in text
    assert 'dueprocess_dead_letters{kind="action"} 1.0' in text
    assert 'dueprocess_dead_letters{kind="notice"} 0.0' in text
    assert "dueprocess_deadlines_at_risk 1.0" in text


def test_metrics_count_requests_by_route_and_status(db: Any) -> None:
    client = Client()
    client.get("/api/v1/nothing-here")
    client.get("/transparency/")
    text = client.get("/metrics").content.decode()
    assert 'dueprocess_http_requests_total{method="GET",route="unmatched",status="404"}' in text
    assert 'route="/transparency/",status="200"' in text
    assert "dueprocess_http_request_duration_seconds_bucket" in text


def test_a_metrics_token_keeps_strangers_out(db: Any, settings: Any) -> None:
    settings.DUEPROCESS = dataclasses.replace(settings.DUEPROCESS, metrics_token="s" * 32)
    assert Client().get("/metrics").status_code == 401
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    allowed = Client().get("/metrics", HTTP_AUTHORIZATION="Bearer " + "s" * 32)
    assert allowed.status_code == 200
    assert b"dueprocess_deadlines_at_risk" in allowed.content
