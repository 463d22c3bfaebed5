"""Submitting a demand on the portal: documents sent with it, the checklist of what the
instrument still needs, and errors beside the field they concern."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.test import Client

from dueprocess.audit.models import AuditEvent
from dueprocess.demands.models import Demand, Document
from tests.intake.conftest import make_pdf

pytestmark = pytest.mark.django_db

URL = "/portal/demands/new/?instrument=us.ecpa.warrant"
WARRANT = {
    "reference": "2:20-mj-01234", "issued_by_name": "Hon. Jane Doe",
    "issued_by_role": "judge", "legal_basis": "18 U.S.C. 2703",
    "statement_of_reasons": "Probable cause", "ask_kind": "disclose",
    "data_categories": ["subscriber"], "date_from": "2020-01-01", "date_to": "2020-03-01",
    "target_type": "auto", "targets": "@suspect\n", "language": "en",
}


def _file(data: bytes, name: str) -> io.BytesIO:
    f = io.BytesIO(data)
    f.name = name
    return f


def _beside(html: str, field_id: str) -> str:
    """The error text inside the field block that holds ``field_id``."""
    start = html.index(f'for="{field_id}"')
    block = html[html.rindex('<div class="field', 0, start):]
    block = block[:block.index("</div>")]
    return " ".join(re.findall(r'class="field-error"[^>]*>([^<]*)<', block))


def test_documents_sent_with_the_demand_are_attached_to_it(portal: Client) -> None:
    r = portal.post(URL, {**WARRANT, "attach_order": _file(make_pdf(), "warrant.pdf"),
                          "attach_other": _file(make_pdf(2), "affidavit.pdf")})
    assert r.status_code == 302, r.content.decode()[:2000]
    demand = Demand.objects.get(reference="2:20-mj-01234")
    assert sorted(d.filename for d in demand.documents.all()) == ["affidavit.pdf",
                                                                  "warrant.pdf"]
    assert AuditEvent.objects.filter(demand_id=demand.pk, verb="document.added").count() == 2
    page = portal.get(r["Location"]).content.decode()
    assert "warrant.pdf" in page and "affidavit.pdf" in page
    assert "Document added: warrant.pdf" in page  # on the demand's progress too


def test_a_file_that_is_not_a_pdf_stops_the_submission_with_the_reason_beside_it(
        portal: Client) -> None:
    r = portal.post(URL, {**WARRANT, "attach_order": _file(make_pdf(), "warrant.pdf"),
                          "attach_translation": _file(b"GIF89a not a pdf", "scan.pdf")})
    assert r.status_code == 400
    assert "not a PDF" in _beside(r.content.decode(), "id_attach_translation")
    assert not Demand.objects.exists() and not Document.objects.exists()


def test_the_same_file_twice_is_pointed_out(portal: Client) -> None:
    pdf = make_pdf()
    r = portal.post(URL, {**WARRANT, "attach_order": _file(pdf, "a.pdf"),
                          "attach_other": _file(pdf, "b.pdf")})
    assert r.status_code == 400
    assert "already attached" in _beside(r.content.decode(), "id_attach_other")
    assert not Demand.objects.exists()


def test_an_oversized_submission_is_refused_before_it_is_read(portal: Client,
                                                             settings: Any) -> None:
    settings.DUEPROCESS_DOCUMENT_MAX_BYTES = 1024
    r = portal.generic("POST", URL, b"--x--\r\n",
                       content_type="multipart/form-data; boundary=x",
                       CONTENT_LENGTH=str(2 * 1024 ** 3))
    assert r.status_code == 413 and b"Nothing was stored" in r.content
    big = portal.post(URL, {**WARRANT, "attach_order": _file(make_pdf() + b"\0" * 4096,
                                                             "w.pdf")})
    assert big.status_code == 400
    assert "larger than the limit" in _beside(big.content.decode(), "id_attach_order")
    assert not Demand.objects.exists()


def test_the_checklist_names_what_the_instrument_needs_and_the_server_ticks_it(
        portal: Client) -> None:
    page = portal.get(URL).content.decode()
    checklist = page[page.index('id="checklist"'):page.index("</ul>", page.index(
        'id="checklist"'))]
    assert "The order signed by the judge or court (PDF)" in checklist
    assert "Still needed</span>: Who issued it, with their role" in checklist
    # Posted without the issuer and without the order: the server's own count.
    r = portal.post(URL, {**WARRANT, "issued_by_name": "", "reference": ""})
    html = r.content.decode()
    assert r.status_code == 400
    assert "Still needed</span>: Who issued it" in html
    assert "Done</span>: The accounts or content concerned" in html
    assert "Still needed</span>: The order signed by the judge" in html


def test_the_choice_of_instrument_previews_each_checklist(portal: Client) -> None:
    page = portal.get("/portal/demands/new/").content.decode()
    data = page[page.index('id="instrument-checklists"'):]
    assert '"us.ecpa.warrant"' in data and "signed by the judge or court" in data


def test_reversed_dates_are_explained_beside_the_date(portal: Client) -> None:
    r = portal.post(URL, {**WARRANT, "date_from": "2020-05-01", "date_to": "2020-01-01"})
    html = r.content.decode()
    assert r.status_code == 400
    assert _beside(html, "id_date_to") == "The end date is before the start date."
    assert "Value error" not in html and "asks.0" not in html
    assert not Demand.objects.exists()


def test_a_bad_target_is_named_beside_the_targets(portal: Client) -> None:
    r = portal.post(URL, {**WARRANT, "targets": "@fine\nnot a handle\n"})
    assert r.status_code == 400
    assert "line 2: an account handle cannot contain spaces" in _beside(
        r.content.decode(), "id_targets")


def test_api_validation_errors_land_beside_the_field() -> None:
    # What the form lets through, the API's own rules catch: they speak beside the
    # field, in a sentence, never as "asks.0: Value error, ...".
    from pydantic import ValidationError

    from dueprocess.demands.inputs import DemandIn
    from dueprocess.intake.forms import DemandForm
    from dueprocess.intake.portal import _place_errors
    from dueprocess.law import default_library

    form = DemandForm(WARRANT, instrument=default_library().get("us.ecpa.warrant"))
    assert form.is_valid(), form.errors
    body = form.to_body()
    body["asks"][0]["date_to"] = "2019-01-01"
    body["targets"].append({"type": "account", "id": "two words"})
    with pytest.raises(ValidationError) as caught:
        DemandIn.model_validate(body)
    _place_errors(form, caught.value)
    assert form.errors["date_to"] == ["The end date is before the start date."]
    assert form.errors["targets"][0].startswith("Target 2: An account handle cannot contain")
    assert "__all__" not in form.errors


@pytest.mark.parametrize("language,says", [("de", "scan.pdf ist kein PDF"),
                                           ("zh-hant", "scan.pdf 不是 PDF")])
def test_the_reason_a_file_is_refused_is_given_in_the_officers_language(
        portal: Client, language: str, says: str) -> None:
    r = portal.post(URL, {**WARRANT, "attach_order": _file(make_pdf(), "warrant.pdf"),
                          "attach_translation": _file(b"GIF89a not a pdf", "scan.pdf")},
                    HTTP_ACCEPT_LANGUAGE=language)
    assert r.status_code == 400
    beside = _beside(r.content.decode(), "id_attach_translation")
    assert says in beside and "not a PDF" not in beside
