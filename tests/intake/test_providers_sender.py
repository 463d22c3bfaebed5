"""Sender verification end to end: facts from intake, auth.* findings from vetting."""

from __future__ import annotations

from typing import Any

import pytest

from dueprocess.audit.models import AuditEvent
from dueprocess.demands.models import Authority, Demand, Requester
from dueprocess.intake.actions import mark_fraudulent, record_callback
from dueprocess.intake.providers import requester_confidence, sender_report
from tests.intake.conftest import emergency_body, receive

pytestmark = pytest.mark.django_db

CYRILLIC_I = "\u0456"


def codes(demand: Demand) -> set[str]:
    return set(demand.findings.current().values_list("code", flat=True))


@pytest.fixture
def fbi_phone(fbi: Authority) -> Authority:
    fbi.phones = ["+1 202 324 3000"]
    fbi.save()
    return fbi


def test_the_forged_emergency_from_a_lookalike_domain_is_blocked(fbi_phone: Authority) -> None:
    demand = receive(fbi_phone, emergency_body(), channel="email",
                     sender_email="m.hill@fbi-gov.us")
    assert {"auth.lookalike_domain", "auth.emergency_unverified"} <= codes(demand)
    assert "auth.unverified_sender" not in codes(demand)  # the look-alike says more
    report = sender_report(demand)
    assert report is not None and report.lookalike is not None
    assert report.lookalike.verified == "fbi.gov"
    assert demand.recommendation != "comply"


def test_a_cyrillic_lookalike_sender_is_named_as_a_homoglyph(fbi: Authority) -> None:
    demand = receive(fbi, emergency_body(emergency=False, instrument="us.ecpa.subpoena"),
                     channel="email", sender_email=f"agent@fb{CYRILLIC_I}.gov")
    finding = demand.findings.current().get(code="auth.lookalike_domain")
    assert finding.evidence["reason"] == "homoglyph"
    assert finding.evidence["imitates"] == "fbi.gov"


def test_a_registered_domain_verifies_and_only_the_callback_is_missing(
        fbi_phone: Authority, reviewer: Any) -> None:
    demand = receive(fbi_phone, emergency_body(), channel="email",
                     sender_email="d.price@fbi.gov")
    assert "auth.emergency_unverified" in codes(demand)
    assert not {"auth.lookalike_domain", "auth.unverified_sender"} & codes(demand)

    record_callback(demand, phone="+1 (202) 324-3000", outcome="confirmed",
                    spoke_with="SSA on duty", user=reviewer)
    demand.refresh_from_db()
    assert "auth.emergency_unverified" not in codes(demand)
    verbs = list(AuditEvent.objects.filter(demand_id=demand.pk).values_list("verb", flat=True))
    # the call through a registry number released the authenticity hold
    assert verbs[-3:] == ["demand.callback_recorded", "demand.vetted", "demand.status_changed"]
    assert demand.status == "in_review"


def test_a_denied_callback_flags_the_sender(fbi_phone: Authority, reviewer: Any) -> None:
    demand = receive(fbi_phone, emergency_body(), channel="email",
                     sender_email="d.price@fbi.gov")
    record_callback(demand, phone="+12023243000", outcome="denied", user=reviewer)
    demand.refresh_from_db()
    assert {"auth.flagged_sender", "auth.emergency_unverified"} <= codes(demand)


def test_an_unregistered_sender_domain_is_unverified(fbi: Authority) -> None:
    demand = receive(fbi, emergency_body(emergency=False, instrument="us.ecpa.subpoena"),
                     channel="email", sender_email="tips@example.org")
    assert "auth.unverified_sender" in codes(demand)


def test_a_fraud_signal_on_the_domain_flags_open_demands_at_once(
        fbi: Authority, reviewer: Any) -> None:
    demand = receive(fbi, emergency_body(emergency=False, instrument="us.ecpa.subpoena"),
                     channel="email", sender_email="x@evil.example")
    assert "auth.flagged_sender" not in codes(demand)
    mark_fraudulent("domain", "EVIL.example", reason="sold police accounts", user=reviewer)
    assert "auth.flagged_sender" in codes(demand)


def test_a_verified_requester_token_verifies_and_an_unverified_one_does_not(
        fbi: Authority, make_user: Any) -> None:
    good = Requester.objects.create(authority=fbi, user=make_user("a@fbi.gov"), verified=True)
    bad = Requester.objects.create(authority=fbi, user=make_user("b@gmail.com"),
                                   verified=False)
    body = emergency_body(emergency=False, instrument="us.ecpa.subpoena")
    ok = receive(fbi, body, requester=good, channel="api", sender_email="a@fbi.gov")
    unverified = receive(fbi, {**body, "reference": "other"}, requester=bad, channel="api",
                         sender_email="b@gmail.com")
    assert not {c for c in codes(ok) if c.startswith("auth.")}
    assert "auth.unverified_sender" in codes(unverified)


def test_a_staff_import_without_sender_has_no_sender_findings(fbi: Authority) -> None:
    demand = receive(fbi, emergency_body(emergency=False, instrument="us.ecpa.subpoena"))
    assert sender_report(demand) is None
    assert not {c for c in codes(demand) if c.startswith("auth.")}


def test_a_staff_entered_emergency_is_held_until_a_registry_callback_confirms_it(
        fbi_phone: Authority, reviewer: Any) -> None:
    demand = receive(fbi_phone, emergency_body())
    assert sender_report(demand) is None
    assert {c for c in codes(demand) if c.startswith("auth.")} == {"auth.emergency_unverified"}
    assert demand.status == "on_hold" and demand.recommendation == "hold"
    record_callback(demand, phone="+1 202 324 3000", outcome="unreachable", user=reviewer)
    demand.refresh_from_db()
    assert demand.status == "on_hold"
    record_callback(demand, phone="+1 202 324 3000", outcome="confirmed",
                    spoke_with="Watch commander Reyes", user=reviewer)
    demand.refresh_from_db()
    assert "auth.emergency_unverified" not in codes(demand)
    assert demand.status == "in_review"


def test_requester_confidence_grows_with_history_and_falls_with_a_denial(
        officer: Any, fbi: Authority, reviewer: Any) -> None:
    requester = officer.requester
    assert requester_confidence(requester).level == "medium"
    for i, day in enumerate(("2020-01-01", "2020-02-15", "2020-03-20")):
        receive(fbi, emergency_body(reference=f"R{i}", emergency=False,
                                    instrument="us.ecpa.subpoena",
                                    received_at=f"{day}T00:00:00Z"),
                requester=requester, channel="api", received_at=None)
    Demand.objects.filter(requester=requester).update(received_at="2020-01-01T00:00:00Z")
    assert requester_confidence(requester).level == "high"
    fbi.phones = ["+1 202 324 3000"]
    fbi.save()
    demand = Demand.objects.filter(requester=requester).first()
    assert demand is not None
    record_callback(demand, phone="+1 202 324 3000", outcome="denied", user=reviewer)
    assert requester_confidence(requester).level == "low"
