"""``dueprocess deadlines refresh``: stored due dates after a change of the emergency target."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings

from dueprocess.cli import main
from dueprocess.demands.models import Demand
from tests.review.conftest import RECEIVED

pytestmark = pytest.mark.django_db


def test_refresh_recomputes_open_demands_only_unless_told(
        make_demand: Any, monkeypatch: Any, capsys: Any) -> None:
    urgent = make_demand(reference="EDR-1", instrument="us.ecpa.emergency", emergency=True,
                         emergency_justification="Imminent threat to life")
    closed = make_demand(reference="EDR-2", instrument="us.ecpa.emergency", emergency=True,
                         emergency_justification="Imminent threat to life")
    Demand.objects.filter(pk=closed.pk).update(status="withdrawn")
    monkeypatch.setattr(settings, "DUEPROCESS", dataclasses.replace(
        settings.DUEPROCESS, emergency_response_hours=2))
    assert main(["deadlines", "refresh"]) == 0
    assert "1 stored due date(s) changed" in capsys.readouterr().out
    due = dict(Demand.objects.values_list("pk", "due"))
    assert due[urgent.pk] == RECEIVED + timedelta(hours=2)
    assert due[closed.pk] == RECEIVED + timedelta(hours=1)
    assert main(["deadlines", "refresh", "--all"]) == 0
    assert Demand.objects.get(pk=closed.pk).due == RECEIVED + timedelta(hours=2)
