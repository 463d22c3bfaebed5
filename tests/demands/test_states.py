"""The state machine, every pair of statuses: what may follow what, and nothing else."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from dueprocess.audit.models import AuditEvent
from dueprocess.demands import actions
from dueprocess.demands.models import Demand, Status
from dueprocess.errors import Conflict
from tests.conftest import us_warrant
from tests.demands.test_actions import receive

pytestmark = pytest.mark.django_db

# DESIGN §2, written out by hand so that a change to the table in code must be made here too.
ALLOWED = {
    ("received", "in_review"), ("received", "on_hold"), ("received", "rejected"),
    ("received", "withdrawn"),
    ("in_review", "awaiting_authority"), ("in_review", "on_hold"), ("in_review", "approved"),
    ("in_review", "rejected"), ("in_review", "withdrawn"),
    ("awaiting_authority", "in_review"), ("awaiting_authority", "rejected"),
    ("awaiting_authority", "withdrawn"),
    ("on_hold", "in_review"), ("on_hold", "approved"), ("on_hold", "rejected"),
    ("on_hold", "withdrawn"),
    ("approved", "executing"),
    ("executing", "completed"),
}
STATUSES = [s.value for s in Status]
PAIRS = [(a, b) for a in STATUSES for b in STATUSES if a != b]


def test_every_status_is_in_the_table() -> None:
    assert sorted(STATUSES) == sorted(
        ["received", "in_review", "awaiting_authority", "on_hold", "approved", "executing",
         "completed", "rejected", "withdrawn"])


@pytest.fixture
def demand(fbi: Any) -> Demand:
    return receive(fbi, us_warrant())


@pytest.mark.parametrize(("before", "after"), PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_transition(demand: Demand, before: str, after: str) -> None:
    Demand.objects.filter(pk=demand.pk).update(status=before)
    demand.refresh_from_db()
    events = AuditEvent.objects.count()
    if (before, after) in ALLOWED:
        with transaction.atomic():  # as every action does: the event is written at its end
            actions._transition(demand, after, "system", reason="table")
        demand.refresh_from_db()
        assert demand.status == after
        event = AuditEvent.objects.order_by("-seq").first()
        assert event is not None and event.verb == "demand.status_changed"
        assert event.payload["from"] == before and event.payload["to"] == after
    else:
        with pytest.raises(Conflict, match=f"{before} cannot become {after}"), \
                transaction.atomic():
            actions._transition(demand, after, "system")
        demand.refresh_from_db()
        assert demand.status == before
        assert AuditEvent.objects.count() == events


def test_staying_put_is_not_a_transition(demand: Demand) -> None:
    events = AuditEvent.objects.count()
    with transaction.atomic():
        actions._transition(demand, demand.status, "system")
    assert AuditEvent.objects.count() == events
