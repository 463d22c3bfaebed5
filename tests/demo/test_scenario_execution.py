"""The demo scenario carried out end to end from the web: the execution console lets the
waiting disclosure proceed, the worker runs it, the FBI officer downloads and verifies it."""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from dueprocess.audit.chain import verify
from dueprocess.demands.models import Demand
from dueprocess.demo import scenario
from dueprocess.execution import productions
from dueprocess.execution.models import DisclosureWait, Preservation
from tests.execution.support import run_worker

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_demo_runs_end_to_end_from_the_console(settings: Any, tmp_path: Path) -> None:
    settings.DUEPROCESS = dataclasses.replace(settings.DUEPROCESS, mode="demo",
                                              home=tmp_path, notice_period_days=7)
    summary = scenario.load_scenario()
    assert "/execution/" in summary.describe(host="127.0.0.1", port=8000)

    # The preservation request received 84 days ago: its 90-day hold lapses in 6 days.
    pres = Demand.objects.get(reference="FBI-PRES-2026-0833")
    hold = Preservation.objects.get(demand=pres)
    assert hold.until == pres.received_at.date() + timedelta(days=90)
    assert 0 <= (hold.until - timezone.now().date()).days <= 7

    # The warrant's gag has lapsed, so the user was told first and the data waits.
    warrant = Demand.objects.get(reference="2:20-mj-00417")
    assert warrant.status == "executing"
    # The README's tour says what the demo shows.
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    tour = next(b for b in readme.split("\n- ") if "US search warrant" in b)
    assert re.findall(r"\*\*(\w+)\*\*", tour)[0] == warrant.status
    wait = DisclosureWait.objects.get(demand=warrant)
    assert wait.until is not None

    admin = Client()
    admin.force_login(get_user_model().objects.get(username__startswith="admin@"))
    page = admin.get("/execution/").content.decode()
    assert "2:20-mj-00417" in page and "expires soon" in page
    response = admin.post(f"/execution/disclosures/{wait.pk}/proceed/",
                          {"why": "the user did not object"}, follow=True)
    assert "The disclosure will proceed." in response.content.decode()
    run_worker()
    warrant.refresh_from_db()
    assert warrant.status == "completed"

    officer = next(u for u in scenario._credentials()["users"]
                   if u["email"].startswith("officer@fbi."))
    client = Client()
    login = client.post("/portal/login/", {"email": officer["email"],
                                           "password": officer["password"], "otp_token": ""})
    assert login.status_code == 302
    listing = client.get("/productions/").content.decode()
    [link] = re.findall(r'href="(/productions/[^"/.]+/)"', listing)
    data = b"".join(client.get(link).streaming_content)
    result = productions.verify_zip(io.BytesIO(data), productions.public_key_pem())
    assert result.ok and result.manifest["demand_reference"] == "2:20-mj-00417"
    assert verify().ok
