"""Deadlines: the calendar, overdue demands in the queue, and reminder e-mails."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from dueprocess.audit.models import AuditEvent
from dueprocess.cli import main
from dueprocess.demands.models import Demand
from dueprocess.review import deadlines
from dueprocess.review.models import Reminder
from dueprocess.review.reminders import send_reminders
from tests.review.roles import staff_member, verified_client


def _preservation(make_demand: Callable[..., Demand], days_ago: int) -> Demand:
    return make_demand(reference=f"PRES-{days_ago}", instrument="us.ecpa.preservation",
                       received_at=timezone.now() - timedelta(days=days_ago),
                       asks=[{"kind": "preserve", "days": 90}])


@pytest.mark.django_db
def test_statutory_deadline_comes_from_the_law_library(make_demand: Callable[..., Demand]
                                                       ) -> None:
    received = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
    epoc = make_demand(instrument="eu.evidence.epoc", received_at=received)
    due = deadlines.response_due(epoc)
    assert due is not None and received + timedelta(days=10) <= due <= received + \
        timedelta(days=14)
    stated = make_demand(reference="STATED", deadline=received + timedelta(days=3))
    assert deadlines.response_due(stated) == received + timedelta(days=3)


@pytest.mark.django_db
def test_overdue_demands_surface_in_the_queue(make_demand: Callable[..., Demand]) -> None:
    late = make_demand(reference="LATE-1", deadline=timezone.now() - timedelta(days=1))
    make_demand(reference="FINE-1", deadline=timezone.now() + timedelta(days=30))
    client = verified_client(staff_member("legal_reviewer"))
    queue = client.get(reverse("review:queue")).content.decode()
    assert "past its response deadline" in queue
    overdue = client.get(reverse("review:queue"), {"due": "overdue"}).content.decode()
    assert "LATE-1" in overdue and "FINE-1" not in overdue
    assert f"/review/demands/{late.pk}/" in overdue


@pytest.mark.django_db
def test_calendar_lists_responses_preservations_and_gags(make_demand: Callable[..., Demand]
                                                         ) -> None:
    now = timezone.now()
    make_demand(reference="DUE-SOON", deadline=now + timedelta(days=2))
    _preservation(make_demand, days_ago=85)
    make_demand(reference="GAGGED", non_disclosure={"until": (now + timedelta(days=5)).date()
                                                    .isoformat()})
    body = verified_client(staff_member("auditor")).get(
        reverse("review:calendar")).content.decode()
    for text in ("DUE-SOON", "Response due", "PRES-85", "Preservation expires",
                 "reminder due", "GAGGED", "Non-disclosure ends"):
        assert text in body, text


@pytest.mark.django_db
def test_a_refused_preservation_has_no_expiry(make_demand: Callable[..., Demand]) -> None:
    demand = _preservation(make_demand, days_ago=85)
    client = verified_client(staff_member("legal_reviewer"))
    client.post(reverse("review:decide", args=[demand.pk]), {
        "ask-0-outcome": "reject", "ask-0-reason_codes": ["insufficient_process"]})
    today = timezone.now().date()
    assert deadlines.preservation_items(today, today + timedelta(days=30)) == []


@pytest.mark.django_db
def test_reminders_go_out_once_seven_days_before_a_preservation_expires(
        make_demand: Callable[..., Demand]) -> None:
    reviewer = staff_member("legal_reviewer")
    _preservation(make_demand, days_ago=85)   # expires in 5 days: remind
    _preservation(make_demand, days_ago=60)   # expires in 30 days: not yet
    first = send_reminders()
    assert first.sent == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [reviewer.email]
    assert "PRES-85" in message.subject and "renew" in message.body
    assert Reminder.objects.get().kind == "preservation_expiry"
    assert AuditEvent.objects.filter(verb="reminder.sent").count() == 1
    assert send_reminders().sent == 0  # not twice
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_reminders_go_to_the_assignee_and_cover_missed_responses(
        make_demand: Callable[..., Demand]) -> None:
    owner = staff_member("legal_reviewer", "owner@platform.example")
    demand = make_demand(reference="MISSED", deadline=timezone.now() - timedelta(hours=3))
    from dueprocess.demands.actions import claim_demand

    claim_demand(demand, owner)
    assert send_reminders().sent == 1
    assert mail.outbox[0].to == ["owner@platform.example"]
    assert "was due" in mail.outbox[0].body


@pytest.mark.django_db
def test_reminders_send_from_the_command_line(make_demand: Callable[..., Demand],
                                              capsys: Any) -> None:
    staff_member("legal_reviewer")
    _preservation(make_demand, days_ago=86)
    assert main(["reminders", "send"]) == 0
    out = capsys.readouterr().out
    assert "1 reminder(s) sent" in out and "PRES-86" in out


@pytest.mark.django_db
def test_an_emergency_the_law_sets_no_limit_for_is_due_by_the_platforms_target(
        make_demand: Callable[..., Demand], settings: Any) -> None:
    import dataclasses

    now = timezone.now()
    asked = make_demand(reference="EDR-1", instrument="us.ecpa.emergency", emergency=True,
                        emergency_justification="Imminent threat to life",
                        received_at=now - timedelta(minutes=20))
    assert deadlines.response_due(asked) == asked.received_at + timedelta(hours=1)
    assert deadlines.response_source(asked) == "the platform's emergency target"
    client = verified_client(staff_member("legal_reviewer"))
    queue = client.get(reverse("review:queue")).content.decode()
    assert "40 min left" in queue or "39 min left" in queue
    # An hour later it is overdue, in the queue's SQL filter as in Python.
    late = make_demand(reference="EDR-2", instrument="us.ecpa.emergency", emergency=True,
                       emergency_justification="Imminent threat to life",
                       received_at=now - timedelta(hours=2))
    overdue = client.get(reverse("review:queue"), {"due": "overdue"}).content.decode()
    assert "EDR-2" in overdue and "EDR-1" not in overdue
    assert deadlines.response_due(late) < now
    # The same demand not marked as an emergency has no deadline (the law sets none).
    plain = make_demand(reference="EDR-3", instrument="us.ecpa.emergency",
                        emergency_justification="Imminent threat to life")
    assert deadlines.response_due(plain) is None
    # Turned off, only the law's limits count.
    settings.DUEPROCESS = dataclasses.replace(settings.DUEPROCESS, emergency_response_hours=0)
    assert deadlines.response_due(asked) is None
