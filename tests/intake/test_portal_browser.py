"""The portal in a real browser: sign in with a code, submit a demand, follow it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from dueprocess.demands import actions
from dueprocess.demands.models import Authority, Demand, Requester
from dueprocess.notices.actions import send_letter
from tests.browser import browser_page, requires_chromium

pytestmark = [pytest.mark.browser, requires_chromium, pytest.mark.django_db(transaction=True)]

KEY = "3132333435363738393031323334353637383930"


def test_an_officer_submits_a_warrant_uploads_targets_and_answers(
        live_server: Any, make_user: Any, reviewer: Any, tmp_path: Path) -> None:
    cache.clear()
    fbi = Authority.objects.create(slug="fbi", name="Federal Bureau of Investigation",
                                   jurisdiction="US", kind="agency", domains=["fbi.gov"],
                                   phones=["+1 202 324 3000"])
    user = make_user("agent@fbi.gov")
    Requester.objects.create(authority=fbi, user=user, verified=True)
    TOTPDevice.objects.create(user=user, name="phone", key=KEY, confirmed=True)
    targets = tmp_path / "targets.txt"
    targets.write_text("@suspect_two\nhttps://demo.social/x/posts/9?utm_medium=mail\n\n"
                       "not a handle\n")

    with browser_page() as page:
        page.goto(f"{live_server.url}/portal/")
        assert "/portal/login/" in page.url
        page.fill("#id_email", "agent@fbi.gov")
        page.fill("#id_password", "correct horse battery staple")
        page.fill("#id_otp_token", f"{TOTP(bytes.fromhex(KEY)).token():06d}")
        page.click("main button[type=submit]")
        page.wait_for_url(f"{live_server.url}/portal/")

        page.click("text=Submit a new demand")
        page.select_option("#id_instrument", "us.ecpa.warrant")
        page.click("text=Continue")
        page.fill("#id_reference", "2:21-mj-00042")
        page.fill("#id_issued_by_name", "Hon. Jane Doe")
        page.select_option("#id_issued_by_role", "judge")
        page.fill("#id_legal_basis", "18 U.S.C. 2703(a)")
        page.fill("#id_statement_of_reasons", "Probable cause: fraud")
        page.select_option("#id_ask_kind", "disclose")
        page.check("input[name=data_categories][value=subscriber]")
        page.fill("#id_targets", "@suspect_one")
        page.click("#submit-demand")
        page.wait_for_selector("#status")
        assert page.inner_text("h1") == "2:21-mj-00042"
        assert page.inner_text("#status") == "In review"

        page.set_input_files("#targets input[type=file]", str(targets))
        page.click("#targets button[type=submit]")
        page.wait_for_selector("#job-errors")
        assert page.inner_text("#job-added") == "2"
        assert page.inner_text("#job-rejected") == "1"
        assert page.inner_text("#job-errors tbody td.num") == "4"
        assert "cannot contain spaces" in page.inner_text("#job-errors")

        demand = Demand.objects.get(reference="2:21-mj-00042")
        assert demand.target_count == 3
        actions.request_clarification(demand, "Which period do you need?", user=reviewer)
        send_letter(demand.notices.get(kind="clarification_request"), user=reviewer)
        page.goto(f"{live_server.url}/portal/demands/{demand.pk}/")
        assert "Which period do you need?" in page.inner_text("#clarifications")
        assert page.inner_text("#status") == "Awaiting the authority"
        page.fill("#id_answer", "January to March 2021.")
        page.click("#send-answer")
        page.wait_for_selector("#status")
        assert page.inner_text("#status") == "In review"
        assert "Clarification answered" in page.inner_text("#timeline")
