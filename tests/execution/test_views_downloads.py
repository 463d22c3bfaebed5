"""Authorities download productions in the portal, through links that expire and are bound
to the officer, every download in the audit log, the package streamed."""

from __future__ import annotations

import io
import re
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from dueprocess.audit.models import AuditEvent
from dueprocess.demands.models import Action, Authority, Requester
from dueprocess.demo.connector import DemoConnector
from dueprocess.execution import productions
from dueprocess.execution.models import Production
from dueprocess.execution.productions import build_production, purge_expired
from dueprocess.execution.views import download_token

pytestmark = pytest.mark.django_db

KEY = "3132333435363738393031323334353637383930"


def _officer(make_user: Callable[..., Any], authority: Authority, email: str) -> Any:
    user = make_user(email)
    Requester.objects.create(authority=authority, user=user, verified=True)
    TOTPDevice.objects.create(user=user, name="phone", key=KEY, confirmed=True)
    return user


def _signed_in(user: Any) -> Client:
    client = Client()
    r = client.post("/portal/login/", {"email": user.email,
                                       "password": "correct horse battery staple",
                                       "otp_token": f"{TOTP(bytes.fromhex(KEY)).token():06d}"})
    assert r.status_code == 302, r.content
    return client


@pytest.fixture
def production(export_action: Action) -> Production:
    export = DemoConnector().export(export_action.target.identifier if export_action.target
                                    else "", ("subscriber", "content"), None, None,
                                    key=export_action.idempotency_key)
    return build_production(export_action, export)


@pytest.fixture
def agent(make_user: Callable[..., Any], fbi: Authority) -> Any:
    return _officer(make_user, fbi, "agent@fbi.gov")


def _link(client: Client) -> str:
    page = client.get("/productions/")
    assert page.status_code == 200
    links = re.findall(r'href="(/productions/[^"/.]+/)"', page.content.decode())
    assert len(links) == 1, links
    return links[0]


def test_the_officer_downloads_a_verifiable_package_and_each_download_is_logged(
        production: Production, agent: Any) -> None:
    client = _signed_in(agent)
    page = client.get("/productions/")
    assert "2:20-mj-00417" in page.content.decode()
    link = _link(client)

    response = client.get(link)
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    result = productions.verify_zip(io.BytesIO(data), productions.public_key_pem())
    assert result.ok, result.problems
    assert result.manifest["demand_reference"] == "2:20-mj-00417"

    b"".join(client.get(link).streaming_content)
    events = AuditEvent.objects.filter(verb="production.downloaded")
    assert events.count() == 2
    event = events.first()
    assert event is not None and event.demand_id == production.demand_id
    assert event.actor.endswith("agent@fbi.gov")
    assert event.payload["production"] == production.pk


def test_a_link_expires(production: Production, agent: Any,
                        monkeypatch: pytest.MonkeyPatch) -> None:
    real = time.time()
    with monkeypatch.context() as m:
        m.setattr(time, "time", lambda: real - 11 * 60)
        token = download_token(production, agent)
    response = _signed_in(agent).get(f"/productions/{token}/")
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert not AuditEvent.objects.filter(verb="production.downloaded").exists()


def test_a_link_works_only_for_the_officer_it_was_issued_to(
        production: Production, agent: Any, make_user: Callable[..., Any], fbi: Authority,
        hk_police: Authority, reviewer: Any) -> None:
    token = download_token(production, agent)
    colleague = _officer(make_user, fbi, "colleague@fbi.gov")
    assert _signed_in(colleague).get(f"/productions/{token}/").status_code == 403

    stranger = _officer(make_user, hk_police, "officer@police.gov.hk")
    own = download_token(production, stranger)  # a link made for them, to another's data
    client = _signed_in(stranger)
    assert client.get(f"/productions/{own}/").status_code == 404
    assert "2:20-mj-00417" not in client.get("/productions/").content.decode()

    anonymous = Client().get(f"/productions/{token}/")
    assert anonymous.status_code == 302 and "/portal/login/" in anonymous["Location"]
    staff = Client()
    staff.force_login(reviewer)
    assert staff.get(f"/productions/{token}/").status_code == 403
    assert _signed_in(agent).get(f"/productions/{token}x/").status_code == 404
    assert not AuditEvent.objects.filter(verb="production.downloaded").exists()


def test_a_purged_package_is_gone_but_its_record_stays(production: Production,
                                                       agent: Any) -> None:
    client = _signed_in(agent)
    link = _link(client)
    purge_expired(timezone.now() + timedelta(days=91))
    response = client.get(link)
    assert response.status_code == 410
    page = client.get("/productions/").content.decode()
    assert "deleted" in page and "Download" not in page.split("<table")[-1]


def test_the_public_key_is_published() -> None:
    response = Client().get("/productions/public-key.pem")
    assert response.status_code == 200
    assert response.content == productions.public_key_pem()
