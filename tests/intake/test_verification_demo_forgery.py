"""The demo's forged emergency is caught, and its officers can sign in to the portal."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client

from dueprocess.demands import actions
from dueprocess.demands.inputs import DemandIn
from dueprocess.demands.models import Authority
from dueprocess.demo import scenario

pytestmark = pytest.mark.django_db


def test_the_demo_forgery_is_flagged_and_officers_use_the_portal(settings: Any) -> None:
    settings.DUEPROCESS = dataclasses.replace(settings.DUEPROCESS, mode="demo")
    for a in scenario.AUTHORITIES:
        Authority.objects.create(**a)
    creds = scenario._credentials()
    scenario._users(creds)
    body = next(b for b in scenario.demand_bodies(datetime.now(UTC))
                if b["reference"] == "FBI-EDR-2020-1102")
    channel, sender = scenario.SENDERS[body["reference"]]
    data = DemandIn.model_validate(body)
    forged = actions.receive_demand(data, authority=Authority.objects.get(slug="fbi"),
                                    requester=None, user=None, received_at=data.received_at,
                                    channel=channel, sender_email=sender)
    codes = set(forged.findings.current().values_list("code", flat=True))
    assert {"auth.lookalike_domain", "auth.emergency_unverified"} <= codes

    officer = next(u for u in creds["users"] if u["email"].startswith("officer@fbi."))
    client = Client()
    r = client.post("/portal/login/", {"email": officer["email"],
                                       "password": officer["password"], "otp_token": ""})
    assert r.status_code == 302, r.content.decode()[:500]
    assert "FBI-EDR-2020-1102" in client.get("/portal/").content.decode()
