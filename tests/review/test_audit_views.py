"""The audit chain in the console: auditors read, verify and export it; nobody else sees it;
each look is itself recorded."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection

from dueprocess.audit.models import AuditEvent
from dueprocess.demands.models import Demand
from tests.review.roles import staff_member, verified_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor() -> Any:
    return verified_client(staff_member("auditor"))


@pytest.fixture
def case(make_demand: Any) -> Demand:
    d: Demand = make_demand()
    return d


@contextmanager
def _tampering() -> Iterator[None]:
    """Edit the log behind the application's back (PostgreSQL's trigger refuses otherwise)."""
    switch = "ALTER TABLE audit_auditevent {} TRIGGER audit_event_append_only"
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute(switch.format("DISABLE"))
    try:
        yield
    finally:
        if connection.vendor == "postgresql":
            with connection.cursor() as c:
                c.execute(switch.format("ENABLE"))


def _verbs(**filters: Any) -> list[str]:
    return list(AuditEvent.objects.filter(**filters).order_by("seq").values_list("verb",
                                                                                  flat=True))


def test_only_auditors_and_administrators_open_the_audit_pages(case: Demand) -> None:
    for role in ("legal_reviewer", "publisher", "approver"):
        client = verified_client(staff_member(role))
        assert client.get("/review/audit/").status_code == 403, role
        assert client.get("/review/audit/export.csv").status_code == 403, role
        assert client.get("/review/audit/verify/").status_code == 403, role
        assert "/review/audit/" not in client.get("/review/").content.decode()
    admin = verified_client(staff_member("admin"))
    assert admin.get("/review/audit/").status_code == 200


def test_the_chain_pages_filter_and_each_view_is_recorded(auditor: Any, case: Demand) -> None:
    page = auditor.get("/review/audit/").content.decode()
    assert "demand.received" in page and 'href="/review/audit/"' in page
    assert _verbs(verb="audit.viewed") == ["audit.viewed"]
    narrowed = auditor.get(f"/review/audit/?demand={case.pk}&verb=demand.rec").content.decode()
    assert "demand.received" in narrowed and "audit.viewed" not in narrowed.split("<tbody>")[1]
    event = AuditEvent.objects.filter(verb="audit.viewed").last()
    assert event is not None and event.payload["filters"] == {"demand": case.pk,
                                                               "verb": "demand.rec"}


def test_pages_go_back_in_time_a_page_at_a_time(auditor: Any, case: Demand) -> None:
    for _ in range(55):
        auditor.get("/review/audit/")  # each view adds one event
    first = auditor.get("/review/audit/?verb=audit.viewed").content.decode()
    assert 'id="older"' in first
    oldest = AuditEvent.objects.filter(verb="audit.viewed").order_by("seq").first()
    assert oldest is not None
    before = AuditEvent.objects.filter(verb="audit.viewed").order_by("-seq")[49].seq
    second = auditor.get(f"/review/audit/?verb=audit.viewed&before={before}").content.decode()
    assert f'<td class="num">{oldest.seq}</td>' in second


def test_bad_filters_are_refused_and_show_nothing(auditor: Any) -> None:
    response = auditor.get("/review/audit/?demand=abc")
    assert response.status_code == 422 and "not a demand number" in response.content.decode()
    assert auditor.get("/review/audit/export.csv?demand=1;2").status_code == 422
    assert not AuditEvent.objects.filter(verb="audit.exported").exists()


def test_verify_now_reads_the_chain_and_records_who_verified(auditor: Any,
                                                            case: Demand) -> None:
    page = auditor.get("/review/audit/verify/").content.decode()
    assert "Intact." in page
    done = AuditEvent.objects.get(verb="audit.verified")
    assert done.payload["ok"] is True and "auditor@platform.example" in done.actor
    with _tampering():
        AuditEvent.objects.filter(seq=1).update(actor="someone else")
    broken = auditor.get("/review/audit/verify/").content.decode()
    assert "Broken at event 1." in broken
    assert AuditEvent.objects.filter(verb="audit.verified").last().payload["ok"] is False


def test_a_demands_history_is_in_order_and_its_viewing_recorded(auditor: Any,
                                                               case: Demand) -> None:
    page = auditor.get(f"/review/audit/demands/{case.pk}/").content.decode()
    assert case.reference in page and "demand.received" in page
    assert AuditEvent.objects.filter(demand_id=case.pk, verb="demand.viewed",
                                     payload__what="audit_history").count() == 1
    assert auditor.get("/review/audit/demands/999999/").status_code == 404


def test_the_export_is_csv_that_spreadsheets_cannot_run(auditor: Any, case: Demand) -> None:
    with _tampering():  # as if an actor's name had come from outside
        AuditEvent.objects.filter(demand_id=case.pk, verb="demand.received").update(
            actor="=HYPERLINK(\"http://evil.example\")")
    response = auditor.get(f"/review/audit/export.csv?demand={case.pk}")
    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["seq", "at", "actor", "demand_id", "verb", "payload", "prev_hash",
                       "hash"]
    received = next(r for r in rows[1:] if r[4] == "demand.received")
    assert received[2].startswith("'=") and received[3] == str(case.pk)
    assert isinstance(json.loads(received[5]), dict)
    exported = AuditEvent.objects.get(verb="audit.exported")
    assert exported.payload["filters"] == {"demand": case.pk}


def test_a_signed_checkpoint_is_handed_out_and_listed(auditor: Any, case: Demand) -> None:
    response = auditor.get("/review/audit/checkpoints/new/")
    body = json.loads(response.content)
    assert body["format"] and body["signature"] and body["seq"] >= 1
    listed = auditor.get("/review/audit/checkpoints/").content.decode()
    assert body["hash"][:16] in listed and body["key_fingerprint"] in listed
