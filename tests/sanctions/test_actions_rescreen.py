"""A new list version re-screens and re-vets the open demands it touches."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from dueprocess.audit.models import AuditEvent
from dueprocess.demands.actions import withdraw_demand
from dueprocess.demands.models import Demand
from dueprocess.sanctions.models import ScreeningResult
from tests.sanctions.conftest import BASE, LI_KWAI_WAH, TANG, sanction_findings

pytestmark = pytest.mark.django_db

LI_BODY = {"issued_by": {"name": "LI Kwai-wah", "title": "Assistant Commissioner of Police",
                         "role": "police_senior"}}


def test_a_new_designation_flags_an_open_demand(ofac: Callable[..., Any],
                                                receive: Callable[..., Any]) -> None:
    ofac()
    open_demand = receive(**LI_BODY)
    closed = withdraw_demand(receive(reference="NSD-2020-0720-002", **LI_BODY), user=None)
    bystander = receive(reference="NSD-2020-0721-003",
                        issued_by={"name": "WONG Siu-ming", "role": "police_senior"})
    assert sanction_findings(open_demand) == []
    before = {d.pk: d.vetted_at for d in Demand.objects.all()}

    outcome = ofac([*BASE, LI_KWAI_WAH])

    summary = outcome.rescreen
    assert summary is not None
    assert summary.rescreened == [open_demand.pk] and summary.flagged == [open_demand.pk]
    [finding] = sanction_findings(open_demand)
    assert finding.code == "sanctions.listed_person"
    assert finding.evidence["entry_id"] == LI_KWAI_WAH
    open_demand.refresh_from_db()
    assert open_demand.recommendation == "escalate" and open_demand.risk == 5  # a sanctions block
    event = AuditEvent.objects.get(verb="sanctions.rescreened", demand_id=open_demand.pk)
    assert event.payload["new"][0]["entry_id"] == LI_KWAI_WAH
    assert f"version #{outcome.version.pk}" in event.payload["reason"]
    # neither the closed demand nor one without a match was touched
    assert sanction_findings(closed) == []
    assert Demand.objects.get(pk=closed.pk).vetted_at == before[closed.pk]
    assert Demand.objects.get(pk=bystander.pk).vetted_at == before[bystander.pk]
    assert "re-screened 1 of 2 open demand(s)" in outcome.describe()


def test_a_delisting_clears_the_hit_of_an_open_demand(ofac: Callable[..., Any],
                                                      receive: Callable[..., Any]) -> None:
    ofac()
    demand = receive(issued_by={"name": "TANG Ping-keung", "role": "police_senior"})
    assert sanction_findings(demand)
    outcome = ofac([i for i in BASE if i != TANG])
    assert outcome.rescreen is not None and outcome.rescreen.rescreened == [demand.pk]
    assert outcome.rescreen.flagged == []
    assert sanction_findings(demand) == []
    row = ScreeningResult.objects.get(demand=demand)
    assert row.cleared_at is not None
    event = AuditEvent.objects.get(verb="sanctions.rescreened", demand_id=demand.pk)
    assert event.payload["gone"][0]["entry_id"] == TANG


def test_import_without_rescreen_leaves_demands_alone(ofac: Callable[..., Any],
                                                      receive: Callable[..., Any]) -> None:
    ofac()
    demand = receive(**LI_BODY)
    outcome = ofac([*BASE, LI_KWAI_WAH], rescreen=False)
    assert outcome.rescreen is None and sanction_findings(demand) == []
    # the next vetting of the demand sees the new version
    from dueprocess.demands.actions import revet_demand

    revet_demand(demand)
    assert [f.evidence["entry_id"] for f in sanction_findings(demand)] == [LI_KWAI_WAH]
