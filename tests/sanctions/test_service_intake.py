"""Intake screens officials, the requester and the authority; vetting turns hits into findings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from dueprocess.audit.models import AuditEvent
from dueprocess.demands.models import Authority, Requester
from dueprocess.sanctions.models import ScreeningResult
from tests.sanctions.conftest import LEE, TANG, XINJIANG_PSB, codes, sanction_findings

pytestmark = pytest.mark.django_db


def test_a_listed_official_in_latin_script_blocks_and_escalates(
        ofac: Callable[..., Any], receive: Callable[..., Any]) -> None:
    ofac()
    demand = receive(issued_by={"name": "TANG Ping-keung", "title": "Commissioner of Police",
                                "role": "police_senior"})
    [finding] = sanction_findings(demand)
    assert finding.code == "sanctions.listed_person" and finding.severity == "block"
    ev = finding.evidence
    assert (ev["list"], ev["entry_id"], ev["entry_name"]) == ("us_ofac_sdn", TANG, "TANG, Chris")
    assert ev["programmes"] == ["HK-EO13936"] and ev["score"] >= 0.85
    assert ev["subject"] == "official" and "TANG, Ping-keung" in ev["explanation"]
    assert demand.recommendation == "escalate" and demand.risk == 5  # a sanctions block
    row = ScreeningResult.objects.get(demand=demand)
    assert (row.status, row.subject, row.official.name) == ("open", "official", "TANG Ping-keung")
    event = AuditEvent.objects.get(verb="sanctions.screened", demand_id=demand.pk)
    assert event.payload["new"][0]["entry_id"] == TANG


@pytest.mark.parametrize("name, entry", [("鄧炳強", TANG), ("李家超", LEE), ("邓炳强", TANG)])
def test_a_listed_official_in_han_script_is_found(ofac: Callable[..., Any],
                                                  receive: Callable[..., Any],
                                                  name: str, entry: str) -> None:
    ofac()
    demand = receive(officials=[{"name": name, "title": "警務處處長", "role": "approver"}])
    [finding] = sanction_findings(demand)
    assert finding.code == "sanctions.listed_person"
    assert finding.evidence["entry_id"] == entry and finding.evidence["name"] == name


def test_an_approver_with_honorific_and_given_name_last_is_found(
        ofac: Callable[..., Any], receive: Callable[..., Any]) -> None:
    ofac()
    demand = receive(officials=[{"name": "Hon. LEE Ka-chiu, John", "role": "approver",
                                 "title": "Secretary for Security"}])
    assert [f.evidence["entry_id"] for f in sanction_findings(demand)] == [LEE]


@pytest.mark.parametrize("name", ["Tang Wing-keung", "Carrie Lim", "Chris Tan Wai-man"])
def test_similar_but_different_people_do_not_alert(ofac: Callable[..., Any],
                                                   receive: Callable[..., Any],
                                                   name: str) -> None:
    ofac()
    demand = receive(issued_by={"name": name, "role": "police_senior"})
    assert sanction_findings(demand) == []
    assert not ScreeningResult.objects.filter(demand=demand).exists()


def test_a_listed_authority_gets_its_own_finding(ofac: Callable[..., Any],
                                                 receive: Callable[..., Any]) -> None:
    ofac()
    bureau = Authority.objects.create(slug="xj-psb", name="Xinjiang Public Security Bureau",
                                      jurisdiction="CN", kind="police")
    demand = receive(authority=bureau, instrument="generic.police_request")
    [finding] = sanction_findings(demand)
    assert finding.code == "sanctions.listed_authority"
    assert finding.evidence["entry_id"] == XINJIANG_PSB
    assert finding.evidence["subject"] == "authority"


def test_a_listed_requester_is_found_by_their_name(ofac: Callable[..., Any],
                                                   receive: Callable[..., Any],
                                                   hk_police: Authority,
                                                   make_user: Callable[..., Any]) -> None:
    ofac()
    user = make_user("officer@police.gov.hk")
    user.first_name, user.last_name = "Carrie", "Lam"
    user.save()
    requester = Requester.objects.create(authority=hk_police, user=user, verified=True)
    demand = receive(requester=requester)
    [finding] = sanction_findings(demand)
    assert finding.code == "sanctions.listed_person"
    assert finding.evidence["subject"] == "requester" and finding.evidence["name"] == "Carrie Lam"
    assert "Requester" in finding.message


def test_without_a_list_nothing_is_screened(receive: Callable[..., Any]) -> None:
    demand = receive(issued_by={"name": "TANG Ping-keung", "role": "police_senior"})
    assert not any(c.startswith("sanctions.") for c in codes(demand))
    assert not ScreeningResult.objects.exists()
