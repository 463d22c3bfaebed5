"""The worker's maintenance sends statements of reasons to the DSA Transparency Database
once a token is configured, at the configured interval, never a statement twice (against
the local stand-in of the batch endpoint)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db.models import F
from django.utils import timezone

from dueprocess.demands.models import Action, Authority, Demand
from dueprocess.execution import tasks
from dueprocess.execution.models import StatementOfReasons
from dueprocess.execution.sor import ensure_all
from tests.execution.dsa_standin import TOKEN, StandIn
from tests.execution.support import run_worker
from tests.execution.test_sor import _dsa_order, _many_statements

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def configure(settings: Any) -> Callable[..., None]:
    def apply(**fields: Any) -> None:
        settings.DUEPROCESS = dataclasses.replace(settings.DUEPROCESS, **fields)

    return apply


@pytest.fixture
def statements(approved: Callable[..., Demand], de_bka: Authority) -> Demand:
    demand = approved(_dsa_order(), authority=de_bka)
    run_worker()
    _many_statements(demand, 4)  # 5 statements with the withholding itself
    ensure_all()
    return demand


def _more_statements(demand: Demand, count: int) -> None:
    target = demand.targets.first()
    Action.objects.bulk_create(
        Action(demand=demand, target=target, kind="remove", status="succeeded",
               idempotency_key=f"later-{i}", finished_at=timezone.now(),
               result={"created": "2020-01-02"}) for i in range(count))
    ensure_all()


def _time_passes(minutes: int) -> None:
    StatementOfReasons.objects.exclude(submitted_at=None).update(
        submitted_at=F("submitted_at") - timedelta(minutes=minutes))


def test_maintenance_sends_pending_statements_once_a_token_is_set(
        statements: Demand, standin: StandIn, configure: Callable[..., None]) -> None:
    assert tasks.maintenance.call()["dsa_submitted"] == 0  # no token: nothing leaves
    assert standin.calls == []
    configure(dsa_api_url=standin.url, dsa_api_token=TOKEN, dsa_submit_every_minutes=30)
    assert tasks.maintenance.call()["dsa_submitted"] == 5
    assert standin.calls == [5]
    assert set(StatementOfReasons.objects.values_list("submission", flat=True)) == {
        "accepted"}
    _time_passes(31)
    assert tasks.maintenance.call()["dsa_submitted"] == 0  # nothing twice
    assert standin.calls == [5]


def test_new_statements_wait_for_the_interval(
        statements: Demand, standin: StandIn, configure: Callable[..., None]) -> None:
    configure(dsa_api_url=standin.url, dsa_api_token=TOKEN, dsa_submit_every_minutes=30)
    tasks.maintenance.call()
    _more_statements(statements, 3)
    _time_passes(10)
    assert tasks.maintenance.call()["dsa_submitted"] == 0
    assert standin.calls == [5]
    _time_passes(25)
    assert tasks.maintenance.call()["dsa_submitted"] == 3
    assert standin.calls == [5, 3]
    assert len(standin.stored) == 8


def test_an_interval_of_zero_leaves_it_to_the_command(
        statements: Demand, standin: StandIn, configure: Callable[..., None]) -> None:
    configure(dsa_api_url=standin.url, dsa_api_token=TOKEN, dsa_submit_every_minutes=0)
    assert tasks.maintenance.call()["dsa_submitted"] == 0
    assert standin.calls == []
