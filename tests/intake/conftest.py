"""Fixtures for intake: PDFs, e-mails, officers with an authenticator, demands to work on."""

from __future__ import annotations

import io
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import translation
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from dueprocess.demands import actions
from dueprocess.demands.inputs import DemandIn
from dueprocess.demands.models import Authority, Demand, Requester

TOTP_KEY = "3132333435363738393031323334353637383930"  # RFC 6238 test key, hex


@pytest.fixture(autouse=True)
def fresh_counters() -> Any:
    """Rate-limit counters live in the cache: each test starts, and leaves, them empty."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def english_unless_asked() -> Any:
    """A request (or a letter written in another language) leaves its language active in
    the test's thread; each intake test starts, and leaves, with the default language."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def own_home(settings: Any, tmp_path: Any) -> Any:
    """Each test gets its own DUEPROCESS_HOME, so stored files never leak between tests."""
    import dataclasses

    settings.DUEPROCESS = dataclasses.replace(settings.DUEPROCESS, home=tmp_path / "home")
    settings.DUEPROCESS.home.mkdir()
    return settings.DUEPROCESS.home


def make_pdf(pages: int = 1, text: bytes = b"") -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if text:
        writer.add_metadata({"/Title": text.decode()})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def totp_now(key: str = TOTP_KEY) -> str:
    return f"{TOTP(bytes.fromhex(key)).token():06d}"


@pytest.fixture
def pdf() -> bytes:
    return make_pdf()


@pytest.fixture
def officer(make_user: Callable[..., Any], fbi: Authority) -> Any:
    """A verified FBI officer with a confirmed authenticator."""
    user = make_user("agent@fbi.gov")
    Requester.objects.create(authority=fbi, user=user, title="Special Agent", verified=True)
    TOTPDevice.objects.create(user=user, name="phone", key=TOTP_KEY, confirmed=True)
    return user


def sign_in_officer(officer: Any) -> Client:
    """A browser session of the officer, signed in with password and code."""
    client = Client()
    r = client.post("/portal/login/", {"email": officer.email,
                                       "password": "correct horse battery staple",
                                       "otp_token": totp_now()})
    assert r.status_code == 302, r.content
    return client


@pytest.fixture
def portal(officer: Any) -> Client:
    return sign_in_officer(officer)


def receive(authority: Authority, body: dict[str, Any], **kwargs: Any) -> Demand:
    data = DemandIn.model_validate(body)
    return actions.receive_demand(data, authority=authority,
                                  requester=kwargs.pop("requester", None),
                                  user=kwargs.pop("user", None), **kwargs)


def emergency_body(reference: str = "FBI-EDR-2020-1102", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "reference": reference, "instrument": "us.ecpa.emergency", "emergency": True,
        "emergency_justification": "Imminent threat to life",
        "issued_by": {"name": "Special Agent Mark Hill", "role": "police"},
        "asks": [{"kind": "disclose", "data_categories": ["subscriber"]}],
        "targets": [{"type": "account", "id": "someone"}],
        "received_at": "2020-11-02T03:12:00Z",
    }
    body.update(extra)
    return body


@pytest.fixture
def open_demand(fbi: Authority) -> Demand:
    return receive(fbi, {
        "reference": "2:20-mj-00417", "instrument": "us.ecpa.warrant",
        "issued_by": {"name": "Hon. Jane Doe", "role": "judge"},
        "legal_basis": "18 U.S.C. 2703", "statement_of_reasons": "Probable cause",
        "asks": [{"kind": "disclose", "data_categories": ["subscriber"]}],
        "targets": [{"type": "account", "id": "cs_suspect_42"}]})


def eml(*, sender: str = "Special Agent Dana Price <d.price@fbi.gov>",
        subject: str = "Preservation request FBI-PRES-1", body: str = "",
        auth: str | None = "mx.platform.example; spf=pass; dkim=pass; dmarc=pass",
        attachments: tuple[tuple[str, str, bytes], ...] = (),
        extra_headers: tuple[tuple[str, str], ...] = ()) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "lawenforcement@platform.example"
    msg["Subject"] = subject
    msg["Date"] = "Mon, 02 Nov 2020 03:12:00 +0000"
    msg["Message-ID"] = f"<{abs(hash((sender, subject, body)))}@mail.example>"
    if auth is not None:
        msg["Authentication-Results"] = auth
    for name, value in extra_headers:
        msg[name] = value
    msg.set_content(body or (
        "Reference: FBI-PRES-1\nInstrument: us.ecpa.preservation\n"
        "Legal basis: 18 U.S.C. 2703(f)\nAsk: preserve 90\nTarget: @suspect\n"))
    for filename, ctype, payload in attachments:
        main, sub = ctype.split("/")
        msg.add_attachment(payload, maintype=main, subtype=sub, filename=filename)
    return msg.as_bytes()
