"""E-mailed demands: headers judged, attachments checked, the original kept."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from dueprocess.demands.models import Authority, Demand, Document
from dueprocess.errors import Conflict, InvalidInput
from dueprocess.intake.email_intake import import_eml, open_original, parse_eml
from dueprocess.intake.models import InboundEmail
from tests.intake.conftest import eml, make_pdf

pytestmark = pytest.mark.django_db
CYRILLIC_I = "\u0456"


def codes(demand: Demand | None) -> set[str]:
    assert demand is not None
    return set(demand.findings.current().values_list("code", flat=True))


def test_a_signed_message_from_a_registered_domain_becomes_a_verified_demand(
        fbi: Authority, reviewer: Any) -> None:
    data = eml(attachments=(("letter.pdf", "application/pdf", make_pdf()),
                            ("evidence.zip", "application/zip", b"PK\x03\x04" + b"\0" * 64)))
    inbound = import_eml(data, user=reviewer)
    demand = inbound.demand
    assert demand is not None
    assert (demand.authority, demand.channel, demand.sender_email) == (
        fbi, "email", "d.price@fbi.gov")
    assert (demand.reference, demand.instrument) == ("FBI-PRES-1", "us.ecpa.preservation")
    assert [(a.kind, a.days) for a in demand.asks.all()] == [("preserve", 90)]
    assert list(demand.targets.values_list("identifier", flat=True)) == ["@suspect"]
    assert inbound.header_problems == []
    assert not {c for c in codes(demand) if c.startswith("auth.")}
    stored = {a["filename"]: a for a in inbound.attachments}
    assert stored["letter.pdf"]["stored"] is True
    assert stored["evidence.zip"]["stored"] is False
    assert "ZIP archive" in stored["evidence.zip"]["reason"]
    assert Document.objects.filter(demand=demand).count() == 1
    original = open_original(inbound)
    assert original is not None
    with original:
        assert original.read() == data
    assert (settings.DUEPROCESS.home / "email" / f"{inbound.sha256}.eml").read_bytes() == data


def test_forged_headers_are_listed_and_leave_the_sender_unverified(fbi: Authority) -> None:
    data = eml(sender='"d.price@fbi.gov" <d.price@fbi.gov>',
               auth="mx.platform.example; spf=fail; dkim=none; dmarc=fail",
               extra_headers=(("Reply-To", "collect@protonmail.example"),
                              ("Return-Path", "<bounce@bulk.example>")))
    inbound = import_eml(data, user=None)
    problems = " | ".join(inbound.header_problems)
    assert "Reply-To is in another domain (protonmail.example)" in problems
    assert "Return-Path is in another domain (bulk.example)" in problems
    assert "dkim=none, dmarc=fail, spf=fail" in problems
    assert "auth.unverified_sender" in codes(inbound.demand)


def test_a_display_name_that_shows_another_address_is_a_forgery_sign(fbi: Authority) -> None:
    parsed = parse_eml(eml(sender='"agent@fbi.gov" <agent@fbi.gov.example.net>'))
    assert any("display name shows agent@fbi.gov" in p for p in parsed.header_problems)


def test_a_cyrillic_lookalike_sender_is_attached_to_the_imitated_authority(
        fbi: Authority) -> None:
    fbi.phones = ["+1 202 324 3000"]
    fbi.save()
    body = ("Reference: FBI-EDR-2020-1102\nInstrument: us.ecpa.emergency\nEmergency: yes\n"
            "Justification: imminent threat to life\nAsk: disclose subscriber traffic\n"
            "Target: @victim\n")
    inbound = import_eml(eml(sender=f"Mark Hill <m.hill@fb{CYRILLIC_I}.gov>",
                             subject="URGENT emergency disclosure", body=body), user=None)
    demand = inbound.demand
    assert demand is not None and demand.authority == fbi and demand.emergency
    assert {"auth.lookalike_domain", "auth.emergency_unverified"} <= codes(demand)
    assert any("imitates fbi.gov" in n for n in inbound.notes)


def test_an_unstructured_mail_is_kept_with_notes_on_what_was_guessed(fbi: Authority) -> None:
    inbound = import_eml(eml(subject="Please preserve the account",
                             body="Hello, please preserve https://demo.social/alice asap.\n"),
                         user=None)
    demand = inbound.demand
    assert demand is not None
    assert demand.instrument == "unspecified"
    assert "legal.unknown_instrument" in codes(demand)
    assert [a.kind for a in demand.asks.all()] == ["preserve"]
    assert list(demand.targets.values_list("identifier", flat=True)) == [
        "https://demo.social/alice"]
    assert any("guessed preserve" in n for n in inbound.notes)


def test_the_same_message_twice_is_refused(fbi: Authority) -> None:
    data = eml()
    import_eml(data, user=None)
    with pytest.raises(Conflict, match="already imported"):
        import_eml(data, user=None)
    assert InboundEmail.objects.count() == 1


@pytest.mark.parametrize(("data", "message"), [
    (b"", "empty"),
    (b"Subject: hi\r\n\r\nno sender here\r\n", "no From header"),
    (b"From: nobody\r\nSubject: x\r\n\r\nbody\r\n", "not an e-mail address|no readable"),
])
def test_messages_without_a_usable_sender_are_refused(fbi: Authority, data: bytes,
                                                      message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        import_eml(data, user=None)
    assert not Demand.objects.exists()


def test_an_unknown_domain_needs_the_authority_named(fbi: Authority) -> None:
    data = eml(sender="someone@unknown-agency.example")
    with pytest.raises(InvalidInput, match="choose the authority"):
        import_eml(data, user=None)
    inbound = import_eml(data, user=None, authority="fbi")
    assert "auth.unverified_sender" in codes(inbound.demand)


def test_the_cli_imports_an_eml(fbi: Authority, tmp_path: Path, capsys: Any) -> None:
    from dueprocess.cli import main

    path = tmp_path / "demand.eml"
    path.write_bytes(eml(sender=f"m.hill@fb{CYRILLIC_I}.gov"))
    assert main(["intake", "eml", str(path)]) == 0
    out = capsys.readouterr().out
    assert "FBI-PRES-1" in out and "auth.lookalike_domain" in out


def test_the_api_imports_an_eml_for_staff_only(api_as: Any, reviewer: Any, officer: Any,
                                               fbi: Authority) -> None:
    def post(client: Any) -> Any:
        f = io.BytesIO(eml())
        f.name = "m.eml"
        return client.client.post("/api/v1/email", {"file": f}, headers=client._headers())

    assert post(api_as(officer)).status_code == 403
    r = post(api_as(reviewer))
    assert r.status_code == 201, r.content
    assert r.json()["from_address"] == "d.price@fbi.gov"


def _raw_utf8(sender: str, body: str = "") -> bytes:
    """A message as an SMTPUTF8 server or a forger writes it: raw UTF-8 in the headers."""
    return (f"From: {sender}\r\nTo: lawenforcement@platform.example\r\n"
            "Subject: Dringend: Auskunftsersuchen\r\nDate: Mon, 02 Nov 2020 03:12:00 +0000\r\n"
            "Message-ID: <raw-utf8@mail.example>\r\n"
            "Authentication-Results: mx.platform.example; spf=pass; dkim=pass; dmarc=pass\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\n"
            + (body or "Reference: FBI-EDR-7\nInstrument: us.ecpa.emergency\nEmergency: yes\n"
               "Ask: disclose subscriber\nTarget: @victim\n")).encode("utf-8")


def test_a_raw_utf8_from_header_is_read_and_checked_for_lookalikes(
        fbi: Authority, client: Any, reviewer: Any) -> None:
    data = _raw_utf8(f"Марк Хилл <m.hill@fb{CYRILLIC_I}.gov>")
    parsed = parse_eml(data)
    assert parsed.from_domain.startswith("xn--") or CYRILLIC_I in parsed.raw_from_domain
    assert "\udcd1" not in parsed.raw_from_domain
    inbound = import_eml(data, user=None)
    assert inbound.demand is not None and inbound.demand.authority == fbi
    assert "auth.lookalike_domain" in codes(inbound.demand)


def test_a_message_that_cannot_be_used_is_kept_with_its_reason(fbi: Authority, client: Any,
                                                              reviewer: Any) -> None:
    unknown = _raw_utf8("Jemand <jemand@unbekannte-behoerde.example>")
    with pytest.raises(InvalidInput, match="choose the authority"):
        import_eml(unknown, user=None)
    no_sender = b"Subject: hi\r\n\r\nno sender here\r\n"
    with pytest.raises(InvalidInput, match="no From header"):
        import_eml(no_sender, user=None)
    kept = {m.subject: m for m in InboundEmail.objects.filter(demand__isnull=True)}
    assert set(kept) == {"Dringend: Auskunftsersuchen", ""}
    assert "choose the authority" in kept["Dringend: Auskunftsersuchen"].problem
    assert "no From header" in kept[""].problem
    original = open_original(kept[""])
    assert original is not None
    with original:
        assert original.read() == no_sender
    # Staff see them on the import page, with the original to download.
    client.force_login(reviewer)
    page = client.get("/intake/email/").content.decode()
    assert "Messages that could not be imported" in page and "choose the authority" in page
    r = client.get(f"/intake/emails/{kept[''].pk}/original/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == no_sender
    # Imported again with the authority named, the same record becomes a demand.
    inbound = import_eml(unknown, user=reviewer, authority="fbi")
    assert inbound.demand is not None and inbound.problem == ""
    assert InboundEmail.objects.filter(demand__isnull=True).count() == 1


def test_an_account_withheld_in_one_country_is_read_from_the_ask_line(fbi: Authority) -> None:
    body = ("Reference: FBI-WH-1\nInstrument: generic.court_order\n"
            "Ask: restrict_account withhold US\nTarget: @suspect\n")
    inbound = import_eml(eml(body=body), user=None)
    assert inbound.demand is not None
    [ask] = inbound.demand.asks.all()
    assert (ask.kind, ask.measure, ask.territorial_scope) == (
        "restrict_account", "withhold", ["US"])
