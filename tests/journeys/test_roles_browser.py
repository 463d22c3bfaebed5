"""The demo's publisher and auditor do their jobs in a real browser, each signing in with a
password and a TOTP code as every member of staff does."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from dueprocess.audit.models import AuditEvent
from dueprocess.demands.models import Demand
from dueprocess.demo import scenario
from dueprocess.transparency.models import Publication
from tests.browser import browser_page, requires_chromium
from tests.review.roles import PASSWORD

pytestmark = [pytest.mark.browser, requires_chromium, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings: Any, tmp_path: Path) -> None:
    settings.DUEPROCESS = dataclasses.replace(settings.DUEPROCESS, mode="demo", home=tmp_path)
    settings.STAFF_REQUIRE_2FA = True
    scenario.load_scenario()


def _person(login: str) -> tuple[Any, TOTPDevice]:
    user = get_user_model().objects.get(username=f"{login}@{scenario.DOMAIN}")
    user.set_password(PASSWORD)
    user.save()
    return user, TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def _sign_in(page: Any, base: str, login: str) -> None:
    user, device = _person(login)
    page.goto(f"{base}/review/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/account/two-factor/verify/?next=*")
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    page.fill("#id_code", f"{code:06d}")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/review/")


def test_the_publisher_publishes_the_draft_someone_else_prepared(live_server: Any,
                                                                 demo: None) -> None:
    hk = Demand.objects.get(reference=scenario.DRAFT_PUBLICATION)
    draft = Publication.objects.get(demand=hk)
    assert draft.status == "draft" and draft.prepared_by.username.startswith("admin@")
    base = live_server.url
    with browser_page() as page:
        _sign_in(page, base, "publisher")
        page.click("nav >> text=Publications")
        page.click(f"#publications >> text={draft.title}")
        assert "[redacted]" in page.inner_text("main")  # the targets, as published
        page.click("#publish")
        page.wait_for_selector("text=Published on the public transparency pages.")
        assert page.inner_text("#pub-status") == "published"
        assert page.locator("a:has-text('Decide')").count() == 0

        page.goto(f"{base}/transparency/published/")
        page.click(f"text={draft.title}")
        assert "Hong Kong" in page.inner_text("main")
    assert Publication.objects.get(pk=draft.pk).reviewed_by.username.startswith("publisher@")


def test_the_auditor_verifies_the_chain_reads_a_history_and_exports(live_server: Any,
                                                                    demo: None) -> None:
    hk = Demand.objects.get(reference="NSD-2020-0715-001")
    base = live_server.url
    with browser_page() as page:
        _sign_in(page, base, "auditor")
        page.click("nav >> text=Audit")
        page.click("#verify")
        assert "Intact." in page.inner_text("#verify-result")

        page.click("text=Audit chain")
        page.fill("#f-demand", str(hk.pk))
        page.click("form.filters button[type=submit]")
        page.click(f"#audit-events >> text=#{hk.pk} >> nth=0")
        page.wait_for_url(f"**/review/audit/demands/{hk.pk}/")
        history = page.inner_text("#history")
        assert "demand.received" in history and "demand.viewed" in history

        with page.expect_download() as download:
            page.click("text=Export CSV")
        text = Path(download.value.path()).read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0].startswith("seq,at,actor,demand_id,verb")
    assert all(f",{hk.pk}," in line for line in lines[1:]) and len(lines) > 2
    verbs = set(AuditEvent.objects.filter(actor__contains="auditor@").values_list("verb",
                                                                                   flat=True))
    assert {"audit.viewed", "audit.verified", "audit.exported", "demand.viewed"} <= verbs
