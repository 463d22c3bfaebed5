"""The stored due date follows the columns it is computed from, whoever writes them."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.conf import settings

from dueprocess.demands import actions
from dueprocess.demands.inputs import DemandIn
from dueprocess.demands.models import Demand, refresh_due
from dueprocess.review.deadlines import response_due
from tests.conftest import us_warrant

pytestmark = pytest.mark.django_db

RECEIVED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def receive(authority: Any, **extra: Any) -> Demand:
    data = DemandIn.model_validate(us_warrant(**extra))
    demand = actions.receive_demand(data, authority=authority, requester=None, user=None,
                                    received_at=RECEIVED)
    return Demand.objects.get(pk=demand.pk)


def stored(demand: Demand) -> datetime | None:
    due: datetime | None = Demand.objects.values_list("due", flat=True).get(pk=demand.pk)
    return due


def test_a_received_demand_stores_the_date_the_case_file_shows(fbi: Any) -> None:
    stated = receive(fbi, reference="STATED", deadline="2026-03-20T17:00:00Z")
    assert stored(stated) == datetime(2026, 3, 20, 17, 0, tzinfo=UTC) == response_due(stated)
    hourly = receive(fbi, reference="TCO", instrument="eu.tco.art3")
    assert stored(hourly) == response_due(hourly) == RECEIVED + timedelta(hours=1)
    urgent = receive(fbi, reference="EDR", instrument="us.ecpa.emergency", emergency=True,
                     emergency_justification="Imminent threat to life")
    assert stored(urgent) == response_due(urgent) == RECEIVED + timedelta(hours=1)
    none = receive(fbi, reference="PLAIN", instrument="us.ecpa.emergency")
    assert stored(none) is None and response_due(none) is None


@pytest.mark.parametrize("change", [
    {"deadline": datetime(2026, 4, 1, tzinfo=UTC)},
    {"instrument": "eu.tco.art3"},
    {"instrument": "us.ecpa.emergency", "emergency": True},
    {"received_at": RECEIVED - timedelta(days=30), "instrument": "eu.tco.art3"},
])
def test_an_update_of_a_column_moves_the_stored_date(fbi: Any, change: dict[str, Any]) -> None:
    demand = receive(fbi)
    before = stored(demand)
    Demand.objects.filter(reference=demand.reference).update(**change)
    after = Demand.objects.get(pk=demand.pk)
    assert stored(after) == response_due(after) != before


def test_a_save_of_a_column_moves_the_stored_date(fbi: Any) -> None:
    demand = receive(fbi)
    demand.deadline = datetime(2026, 5, 5, 12, 0, tzinfo=UTC)
    demand.save(update_fields=["deadline"])
    assert stored(demand) == datetime(2026, 5, 5, 12, 0, tzinfo=UTC)
    demand.deadline = None
    demand.save()
    assert stored(demand) == response_due(demand) != datetime(2026, 5, 5, 12, 0, tzinfo=UTC)


def test_other_updates_leave_the_date_alone(fbi: Any) -> None:
    demand = receive(fbi, deadline="2026-03-20T17:00:00Z")
    Demand.objects.filter(pk=demand.pk).update(status="on_hold", risk=3)
    assert stored(demand) == datetime(2026, 3, 20, 17, 0, tzinfo=UTC)


def test_a_changed_emergency_target_applies_on_refresh(fbi: Any, monkeypatch: Any) -> None:
    urgent = receive(fbi, instrument="us.ecpa.emergency", emergency=True,
                     emergency_justification="Imminent threat to life")
    plain = receive(fbi, reference="PLAIN")
    monkeypatch.setattr(settings, "DUEPROCESS", dataclasses.replace(
        settings.DUEPROCESS, emergency_response_hours=4))
    assert stored(urgent) == RECEIVED + timedelta(hours=1)  # as written, until refreshed
    assert refresh_due(Demand.objects.all()) == 1
    assert stored(urgent) == response_due(urgent) == RECEIVED + timedelta(hours=4)
    assert stored(plain) == response_due(plain)
    assert refresh_due(Demand.objects.all()) == 0
