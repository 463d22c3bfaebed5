"""The staff intake pages: verification panel, callbacks, e-mail upload, fraud signals."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client

from dueprocess.demands.models import Authority, Demand
from dueprocess.intake.documents import open_document
from dueprocess.intake.models import CallbackRecord, FraudSignal
from tests.intake.conftest import emergency_body, eml, make_pdf, receive

pytestmark = pytest.mark.django_db


def doc_bytes(doc: Any) -> bytes:
    fh = open_document(doc)
    assert fh is not None
    with fh:
        return fh.read()


@pytest.fixture
def staff(admin_user: Any) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.fixture
def forged(fbi: Authority) -> Demand:
    fbi.phones = ["+1 202 324 3000"]
    fbi.save()
    return receive(fbi, emergency_body(), channel="email", sender_email="m.hill@fbi-gov.us")


def test_the_verification_panel_names_the_imitated_domain(staff: Client,
                                                          forged: Demand) -> None:
    page = staff.get(f"/intake/demands/{forged.pk}/").content.decode()
    assert "imitates <span class=\"code\">fbi.gov</span> (embedded)" in page
    assert "auth.lookalike_domain" in page and "auth.emergency_unverified" in page
    assert "+1 202 324 3000" in page  # the registry number to call


def test_recording_a_callback_from_the_console(staff: Client, forged: Demand) -> None:
    r = staff.post(f"/intake/demands/{forged.pk}/callback/",
                   {"phone": "+1 202 324 3000", "outcome": "denied",
                    "spoke_with": "FBI watch officer", "notes": "No such agent."})
    assert r.status_code == 302
    assert CallbackRecord.objects.get().outcome == "denied"
    assert forged.findings.current().filter(code="auth.flagged_sender").exists()
    bogus = staff.post(f"/intake/demands/{forged.pk}/callback/",
                       {"phone": "+1 555 0100", "outcome": "confirmed"})
    assert bogus.status_code == 400


def test_the_callback_form_preselects_no_outcome_and_an_untouched_form_confirms_nothing(
        staff: Client, forged: Demand) -> None:
    import re

    page = staff.get(f"/intake/demands/{forged.pk}/").content.decode()
    select = re.search(r'<select name="outcome".*?</select>', page, re.S)
    assert select is not None
    options = re.findall(r"<option[^>]*>", select.group(0))
    assert options[0] == '<option value="" selected>'  # the empty prompt, nothing else
    assert not [o for o in options[1:] if "selected" in o]
    # A browser submits the empty prompt when nobody picks an outcome.
    r = staff.post(f"/intake/demands/{forged.pk}/callback/",
                   {"phone": "+1 202 324 3000", "outcome": "", "spoke_with": "someone"})
    assert r.status_code == 400 and not CallbackRecord.objects.exists()
    unnamed = staff.post(f"/intake/demands/{forged.pk}/callback/",
                         {"phone": "+1 202 324 3000", "outcome": "confirmed"})
    assert unnamed.status_code == 400
    assert "Name the person at the authority who confirmed." in unnamed.content.decode()
    assert not CallbackRecord.objects.exists()
    ok = staff.post(f"/intake/demands/{forged.pk}/callback/",
                    {"phone": "+1 202 324 3000", "outcome": "confirmed",
                     "spoke_with": "SSA Dana Price, FBI watch", "called_at": "2020-11-02 04:00"})
    assert ok.status_code == 302
    cb = CallbackRecord.objects.get()
    assert (cb.phone, cb.outcome, cb.spoke_with) == ("+1 202 324 3000", "confirmed",
                                                     "SSA Dana Price, FBI watch")
    assert cb.called_at.isoformat() == "2020-11-02T04:00:00+00:00"
    assert cb.recorded_by.is_superuser
    forged.refresh_from_db()
    assert forged.status == "in_review"  # confirmed through the registry: released


def test_uploading_an_eml_and_a_document_in_the_console(staff: Client, fbi: Authority) -> None:
    f = io.BytesIO(eml())
    f.name = "demand.eml"
    r = staff.post("/intake/email/", {"file": f, "authority": ""})
    assert r.status_code == 302
    demand = Demand.objects.get()
    assert r["Location"] == f"/intake/demands/{demand.pk}/"
    page = staff.get(r["Location"]).content.decode()
    assert "download .eml" in page
    pdf = io.BytesIO(make_pdf())
    pdf.name = "order.pdf"
    assert staff.post(f"/intake/demands/{demand.pk}/documents/",
                      {"file": pdf}).status_code == 302
    doc = demand.documents.get()
    download = staff.get(f"/intake/demands/{demand.pk}/documents/{doc.pk}/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == doc_bytes(doc)
    original = staff.get(f"/intake/emails/{demand.inbound_email.pk}/original/")
    assert b"".join(original.streaming_content) == eml()


def test_fraud_signals_page_marks_imports_exports_and_clears(staff: Client) -> None:
    assert staff.post("/intake/fraud/", {"value": "evil.example", "kind": "auto",
                                         "reason": "forgeries"}).status_code == 302
    f = io.BytesIO(b"kind,value\nsender,a@b.example\nsender,broken\n")
    f.name = "list.csv"
    page = staff.post("/intake/fraud/import/", {"file": f, "source": "partner"})
    assert b"1 added, 0 reactivated, 1 refused" in page.content
    assert b"line 3" in page.content
    csv_text = staff.get("/intake/fraud/export/").content.decode()
    assert "domain,evil.example,forgeries" in csv_text and "sender,a@b.example" in csv_text
    signal = FraudSignal.objects.get(value="evil.example")
    staff.post(f"/intake/fraud/{signal.pk}/clear/")
    signal.refresh_from_db()
    assert signal.revoked_at is not None


def test_staff_without_the_permission_are_refused(make_user: Any, forged: Demand) -> None:
    auditorish = make_user("reader@platform.example", staff=True,
                           perms=("demands.view_demand",))
    client = Client()
    client.force_login(auditorish)
    assert client.get(f"/intake/demands/{forged.pk}/").status_code == 200
    assert client.post(f"/intake/demands/{forged.pk}/callback/",
                       {"phone": "+1 202 324 3000", "outcome": "confirmed"}
                       ).status_code == 403
    assert client.post("/intake/fraud/", {"value": "x.example"}).status_code == 403
    assert client.post("/intake/invitations/", {"email": "a@b.example",
                                                "authority": "fbi"}).status_code == 403


def test_officers_cannot_use_the_staff_pages(officer: Any, forged: Demand) -> None:
    client = Client()
    client.force_login(officer)
    assert client.get(f"/intake/demands/{forged.pk}/").status_code == 403
