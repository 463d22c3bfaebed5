"""The console in a real browser: two reviewers, each signing in with a TOTP code.

The first claims a warrant, asks the authority a question (the letter goes to its portal),
reads the answer, and narrows the demand (comply in part); four-eyes policy holds it for a
second reviewer, who approves. The letter, the answer and every step are on the timeline.

With ``DUEPROCESS_SCREENSHOTS=<folder>`` the test also saves the screenshots used in
docs/reviewers.md.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from dueprocess.demands.models import Demand, Policy, PolicyEffect, Status
from dueprocess.intake import actions as intake_actions
from tests.browser import browser_page, requires_chromium
from tests.review.roles import PASSWORD, staff_member

pytestmark = [pytest.mark.browser, requires_chromium, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("DUEPROCESS_SCREENSHOTS", "")


def _shot(page: Any, name: str, *, full: bool = False) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=full)


def _code(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _sign_in(page: Any, base: str, user: Any, device: TOTPDevice, shot: str = "") -> None:
    page.goto(f"{base}/review/")
    assert "/login/" in page.url
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/account/two-factor/verify/?next=*")
    if shot:
        _shot(page, shot)
    page.fill("#id_code", _code(device))
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/review/")


def _sign_out(page: Any) -> None:
    page.click("text=Log out")
    page.wait_for_url("**/login/")


def test_claim_ask_narrow_approve_and_see_the_letters(live_server: Any, settings: Any,
                                                     make_demand: Any, fbi: Any,
                                                     officer_of: Any) -> None:
    settings.STAFF_REQUIRE_2FA = True
    Policy.objects.create(name="Four-eyes on disclosures", effect=PolicyEffect.FOUR_EYES,
                          ask_kinds=["disclose"], valid_from=date(2000, 1, 1))
    demand = make_demand(asks=[{"kind": "disclose", "data_categories": ["subscriber", "content"],
                                "date_from": "2020-01-01", "date_to": "2020-09-30"}])
    reviewer = staff_member("legal_reviewer", "reviewer@platform.example")
    approver = staff_member("approver", "approver@platform.example")
    reviewer_device = TOTPDevice.objects.create(user=reviewer, name="phone", confirmed=True)
    approver_device = TOTPDevice.objects.create(user=approver, name="phone", confirmed=True)
    officer = officer_of(fbi)
    base = live_server.url

    with browser_page() as page:
        page.set_viewport_size({"width": 1400, "height": 1000})
        _sign_in(page, base, reviewer, reviewer_device, shot="two-factor")
        _shot(page, "queue")
        page.click(f"a[href='/review/demands/{demand.pk}/']")
        page.wait_for_selector("h1")
        assert page.inner_text("h1") == demand.reference
        page.click("text=Claim this demand")
        page.wait_for_selector(".msg-success")
        assert "You are now assigned" in page.inner_text(".messages")
        _shot(page, "demand")

        # Ask the authority; the letter goes to its portal (and verified e-mail).
        page.fill("#id_message", "Which months of content do you need, and why?")
        page.click("text=Request clarification")
        page.wait_for_selector(".msg-success")
        assert "awaiting authority" in page.inner_text(".head-pills")
        assert "Request for clarification" in page.inner_text("#notices")
        # The officer answers in the portal.
        intake_actions.answer_clarification(Demand.objects.get(pk=demand.pk),
                                            "Subscriber data from June 2020 is enough.",
                                            user=officer)
        page.reload()
        assert "Subscriber data from June 2020 is enough." in page.inner_text("#notices")

        page.select_option("#id_ask-0-outcome", "comply_partially")
        page.check("input[name='ask-0-reason_codes'][value='overbroad']")
        page.check("input[name='ask-0-data_categories'][value='subscriber']")
        page.fill("#id_ask-0-date_from", "2020-06-01")
        page.fill("#id_ask-0-rationale", "Subscriber data from June 2020, as the agent agreed.")
        if SHOTS:
            page.locator("#decide").screenshot(path=str(Path(SHOTS) / "decision.png"))
        page.click("text=Record decisions")
        page.wait_for_selector(".msg-success")
        assert "A second reviewer must approve" in page.inner_text(".messages")
        assert "Your decisions wait for approval" in page.inner_text(".side-col")
        _sign_out(page)

        _sign_in(page, base, approver, approver_device)
        page.goto(f"{base}/review/?approval=1")
        page.click(f"a[href='/review/demands/{demand.pk}/']")
        page.wait_for_selector("text=Approve decisions")
        assert "reviewer@platform.example recorded decisions" in page.inner_text(".side-col")
        _shot(page, "approval")
        page.click("text=Approve decisions")
        page.wait_for_selector(".msg-success")
        assert "Approved" in page.inner_text(".messages")

        demand.refresh_from_db()
        assert demand.approved_by_id == approver.pk and demand.decided_by_id == reviewer.pk
        assert demand.status in (Status.APPROVED, Status.EXECUTING)
        export = demand.actions.get()
        assert export.params["categories"] == ["subscriber"]
        assert export.params["date_from"] == "2020-06-01"
        timeline = page.inner_text("#timeline")
        for verb in ("notice.sent", "demand.clarification_answered", "demand.decided",
                     "demand.approval_requested", "demand.approved"):
            assert verb in timeline, verb
        assert "A clarification request letter was drafted" in timeline
        assert "approver@platform.example approved the decisions" in timeline
        _shot(page, "timeline", full=True)


@pytest.mark.skipif(not SHOTS, reason="only when DUEPROCESS_SCREENSHOTS names a folder")
def test_screenshots_of_the_demo_for_the_docs(live_server: Any, settings: Any) -> None:
    """Not a check: pictures of the demo world for docs/reviewers.md."""
    from dueprocess.demo.scenario import load_scenario

    settings.STAFF_REQUIRE_2FA = True
    load_scenario()
    reviewer = staff_member("legal_reviewer", "reviewer@platform.example")
    hr = staff_member("human_rights_reviewer", "hr@platform.example")
    devices = {u.pk: TOTPDevice.objects.create(user=u, name="phone", confirmed=True)
               for u in (reviewer, hr)}
    hk = Demand.objects.filter(instrument="hk.nsl43.sch4").order_by("pk").first()
    assert hk is not None
    base = live_server.url
    with browser_page() as page:
        page.set_viewport_size({"width": 1400, "height": 1000})
        _sign_in(page, base, reviewer, devices[reviewer.pk])
        _shot(page, "demo-queue")
        page.goto(f"{base}/review/demands/{hk.pk}/")
        _shot(page, "demo-demand")
        page.goto(f"{base}/review/deadlines/?days=120&start=2026-01-01")
        _shot(page, "demo-deadlines")
        page.goto(f"{base}/review/search/?q=TANG")
        _shot(page, "demo-search")
        _sign_out(page)
        _sign_in(page, base, hr, devices[hr.pk])
        page.goto(f"{base}/review/demands/{hk.pk}/#human-rights")
        page.locator("#human-rights").screenshot(path=str(Path(SHOTS) / "demo-human-rights.png"))
        page.goto(f"{base}/account/two-factor/setup/")
        _shot(page, "two-factor-setup")
