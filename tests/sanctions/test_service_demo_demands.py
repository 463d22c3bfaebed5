"""End to end on the real OFAC sample: the demo's Hong Kong demands name listed officials."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from dueprocess.demands.actions import receive_demand
from dueprocess.demands.inputs import DemandIn
from dueprocess.demands.models import Authority
from dueprocess.demo.scenario import AUTHORITIES, demand_bodies
from dueprocess.sanctions.actions import BUNDLED_OFAC, import_list
from dueprocess.sanctions.models import ScreeningResult
from tests.sanctions.conftest import LEE, LI_KWAI_WAH, TANG, sanction_findings

pytestmark = pytest.mark.django_db


def _receive(reference: str) -> Any:
    body = next(b for b in demand_bodies(datetime.now(UTC)) if b["reference"] == reference)
    spec = next(a for a in AUTHORITIES if a["slug"] == body["authority"])
    authority, _ = Authority.objects.get_or_create(slug=spec["slug"], defaults=spec)
    data = DemandIn.model_validate(body)
    return receive_demand(data, authority=authority, requester=None, user=None,
                          received_at=data.received_at)


def test_demo_officials_are_found_on_the_bundled_ofac_list() -> None:
    outcome = import_list(BUNDLED_OFAC)
    assert outcome.version.entry_count == 8976 and outcome.report.skipped_count == 0

    # Issued by "TANG Ping-keung", with the official 鄧炳強: both are entry 29242.
    closure = _receive("NSD-2020-0820-003")
    found = {(f.evidence["name"], f.evidence["entry_id"]) for f in sanction_findings(closure)}
    assert found == {("TANG Ping-keung", TANG), ("鄧炳強", TANG)}
    assert {f.code for f in sanction_findings(closure)} == {"sanctions.listed_person"}
    assert closure.recommendation == "escalate"

    # Approved by the Secretary for Security "LEE Ka-chiu, John"; issued by LI Kwai-wah.
    removal = _receive("NSD-2020-0715-001")
    found = {(f.evidence["name"], f.evidence["entry_id"]) for f in sanction_findings(removal)}
    assert ("LEE Ka-chiu, John", LEE) in found and ("TANG Ping-keung", TANG) in found
    assert ("LI Kwai-wah", LI_KWAI_WAH) in found
    lee = next(f for f in sanction_findings(removal) if f.evidence["entry_id"] == LEE)
    assert lee.evidence["programmes"] == ["HK-EO13936"] and lee.evidence["score"] >= 0.9
    assert "position matches" in lee.evidence["explanation"]
    # nothing else on the demand alerts: not the police force, not the other officials
    assert ScreeningResult.objects.filter(demand=removal).count() == len(found)

    # A US warrant signed by a magistrate judge is not flagged.
    warrant = _receive("2:20-mj-00417")
    assert sanction_findings(warrant) == []
