"""An officer's journeys in a real browser at a phone's width: the checklist as the form is
filled, documents sent with the demand, errors beside their field, decisions, withdrawal
with a reason, and checking a production package."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from dueprocess.demands import actions
from dueprocess.demands.inputs import DecisionsIn
from dueprocess.demands.models import Authority, Demand, Requester
from tests.browser import browser_page, requires_chromium
from tests.intake.conftest import make_pdf, receive
from tests.intake.test_portal_verify import signed_package

pytestmark = [pytest.mark.browser, requires_chromium, pytest.mark.django_db(transaction=True)]

KEY = "3132333435363738393031323334353637383930"


def _officer(make_user: Any) -> tuple[Authority, Any]:
    cache.clear()
    fbi = Authority.objects.create(slug="fbi", name="Federal Bureau of Investigation",
                                   jurisdiction="US", kind="agency", domains=["fbi.gov"],
                                   phones=["+1 202 324 3000"])
    user = make_user("agent@fbi.gov")
    Requester.objects.create(authority=fbi, user=user, verified=True)
    TOTPDevice.objects.create(user=user, name="phone", key=KEY, confirmed=True)
    return fbi, user


def _sign_in(page: Any, base: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/portal/login/")
    page.fill("#id_email", "agent@fbi.gov")
    page.fill("#id_password", "correct horse battery staple")
    page.fill("#id_otp_token", f"{TOTP(bytes.fromhex(KEY)).token():06d}")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/portal/")


def _state(page: Any, text: str) -> str:
    return str(page.locator("#checklist li", has_text=text).locator(".state").inner_text())


def _fits(page: Any) -> bool:
    return bool(page.evaluate("() => document.documentElement.scrollWidth <= 390"))


def test_an_officer_submits_with_the_signed_order_and_withdraws_with_a_reason(
        live_server: Any, make_user: Any, tmp_path: Path) -> None:
    _officer(make_user)
    order = tmp_path / "signed-warrant.pdf"
    order.write_bytes(make_pdf())

    with browser_page() as page:
        _sign_in(page, live_server.url)
        page.goto(f"{live_server.url}/portal/demands/new/")
        page.select_option("#id_instrument", "us.ecpa.warrant")
        assert "signed by the judge or court" in page.inner_text("#checklist")
        assert page.inner_text("#checklist-instrument") == "us.ecpa.warrant"
        page.select_option("#id_instrument", "us.ecpa.2703d")
        assert page.inner_text("#checklist-instrument") == "us.ecpa.2703d"
        page.select_option("#id_instrument", "us.ecpa.warrant")
        page.click("text=Continue")

        assert _state(page, "Who issued it") == "Still needed"
        assert _state(page, "signed by the judge") == "Still needed"
        page.fill("#id_reference", "2:21-mj-00077")
        page.fill("#id_issued_by_name", "Hon. Jane Doe")
        page.select_option("#id_issued_by_role", "judge")
        assert _state(page, "Who issued it") == "Done"
        page.select_option("#id_ask_kind", "disclose")
        page.check("input[name=data_categories][value=subscriber]")
        page.fill("#id_date_from", "2021-03-31")
        page.fill("#id_date_to", "2021-01-01")
        page.fill("#id_targets", "@suspect_one")
        page.set_input_files("#id_attach_order", str(order))
        assert _state(page, "signed by the judge") == "Done"
        assert _fits(page)
        page.click("#submit-demand")

        # Reversed dates: said beside the end date, in words, nothing sent.
        page.wait_for_selector(".field-error")
        beside = page.locator(".field", has=page.locator("#id_date_to"))
        assert beside.locator(".field-error").inner_text() == (
            "The end date is before the start date.")
        assert "Value error" not in page.inner_text("main")
        assert not Demand.objects.exists()
        assert "choose them again" in page.inner_text("#attachments-again")
        page.fill("#id_date_from", "2021-01-01")
        page.fill("#id_date_to", "2021-03-31")
        page.set_input_files("#id_attach_order", str(order))  # files are never re-filled
        page.click("#submit-demand")
        page.wait_for_selector("#status")
        assert page.inner_text("h1") == "2:21-mj-00077"
        assert "signed-warrant.pdf" in page.inner_text("#documents")
        assert "No decision yet." in page.inner_text("#decisions")
        assert _fits(page)

        page.click("#withdraw-button")
        page.wait_for_selector("#confirm-withdraw")
        page.click("#confirm-withdraw")
        page.wait_for_selector(".field-error")
        assert page.locator(".field", has=page.locator("#id_reason")).locator(
            ".field-error").inner_text() == "Give the reason for withdrawing the demand."
        page.fill("#id_reason", "The suspect was identified by other means.")
        page.click("#confirm-withdraw")
        page.wait_for_selector("#status")
        assert page.inner_text("#status") == "Withdrawn"

    demand = Demand.objects.get(reference="2:21-mj-00077")
    assert [d.filename for d in demand.documents.all()] == ["signed-warrant.pdf"]


def test_an_officer_reads_the_decisions_and_checks_a_package(
        live_server: Any, make_user: Any, reviewer: Any, tmp_path: Path) -> None:
    fbi, user = _officer(make_user)
    demand = receive(fbi, {
        "reference": "CO-9", "instrument": "generic.court_order",
        "issued_by": {"name": "Hon. Jane Doe", "title": "Judge", "role": "court"},
        "asks": [{"kind": "restrict_account", "measure": "suspend"}],
        "targets": [{"type": "account", "id": "first_account"},
                    {"type": "account", "id": "second_account"}]},
        requester=user.requester, channel="portal")
    actions.record_decisions(demand, DecisionsIn.model_validate({"decisions": [
        {"ask": 0, "target": "first_account", "outcome": "comply_partially",
         "withhold_in": ["US"], "rationale": "Internal note"},
        {"ask": 0, "target": "second_account", "outcome": "reject",
         "reason_codes": ["overbroad"], "rationale": "Internal note"}]}), user=reviewer)
    genuine = tmp_path / "package.zip"
    genuine.write_bytes(signed_package({"subscriber.json": b'{"name": "x"}'}))
    tampered = tmp_path / "tampered.zip"
    tampered.write_bytes(genuine.read_bytes() + b"appended")

    with browser_page() as page:
        _sign_in(page, live_server.url)
        page.goto(f"{live_server.url}/portal/demands/{demand.pk}/")
        decisions = page.inner_text("#decisions")
        assert "Partially complied: withheld in US" in decisions
        assert "Refused" in decisions and "Overbroad" in decisions
        assert "Internal note" not in page.inner_text("main")
        assert _fits(page)

        page.click("text=Verify a package")
        assert "BEGIN PUBLIC KEY" in page.inner_text("#platform-key")
        page.set_input_files("#id_package", str(tampered))
        page.click("#verify-button")
        page.wait_for_selector("#verdict")
        assert "Not verified" in page.inner_text("#verdict")
        assert "bytes follow the ZIP end record" in page.inner_text("#reasons")
        page.set_input_files("#id_package", str(genuine))
        page.click("#verify-button")
        page.wait_for_selector("#verdict.ok")
        assert "Verified" in page.inner_text("#verdict")
        assert _fits(page)
