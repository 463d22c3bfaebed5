"""A refusal letter in a real browser: previewed, edited, approved by a second person, sent.

The reviewer refuses a warrant with a public reason and an internal one; the draft's
preview quotes only the public one. The reviewer edits the text; an approver, signing in
separately, approves and sends it. The authority's portal copy and the e-mail carry the
edited text, and the e-mail goes only to the registry address.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django_otp.plugins.otp_totp.models import TOTPDevice

from dueprocess.demands.models import Notice, NoticeKind, NoticeStatus
from tests.browser import browser_page, requires_chromium
from tests.execution.support import run_worker
from tests.review.roles import staff_member
from tests.review.test_demand_views_browser import _shot, _sign_in, _sign_out

pytestmark = [pytest.mark.browser, requires_chromium, pytest.mark.django_db(transaction=True)]


def test_a_refusal_letter_is_previewed_edited_approved_and_sent(
        live_server: Any, settings: Any, make_demand: Any) -> None:
    settings.STAFF_REQUIRE_2FA = True
    demand = make_demand(issued_by={"name": "Hon. Jane Doe", "role": "judge",
                                    "email": "jane.doe@fbi.gov"})
    reviewer = staff_member("legal_reviewer", "reviewer@platform.example")
    approver = staff_member("approver", "approver@platform.example")
    devices = {u.pk: TOTPDevice.objects.create(user=u, name="phone", confirmed=True)
               for u in (reviewer, approver)}
    base = live_server.url
    run_worker()  # the acknowledgement
    mail.outbox.clear()

    with browser_page() as page:
        page.set_viewport_size({"width": 1400, "height": 1000})
        _sign_in(page, base, reviewer, devices[reviewer.pk])
        page.goto(f"{base}/review/demands/{demand.pk}/")
        page.select_option("#id_ask-0-outcome", "reject")
        page.check("input[name='ask-0-reason_codes'][value='insufficient_process']")
        page.check("input[name='ask-0-reason_codes'][value='political_expression']")
        page.fill("#id_ask-0-rationale", "Internal: the account belongs to a journalist.")
        page.click("text=Record decisions")
        page.wait_for_selector(".msg-success")

        letter = Notice.objects.get(demand=demand, kind=NoticeKind.REFUSAL)
        panel = f"#letter-{letter.pk}"
        preview = page.inner_text(f"{panel} .letter-preview")
        assert "Response: we are unable to comply" in preview
        assert "Legal process insufficient for what is asked" in preview
        assert "political expression" not in preview and "journalist" not in preview
        assert "must approve this letter" in page.inner_text(panel)

        page.click(f"{panel} summary:has-text('Edit the letter')")
        body = page.input_value(f"#id_letter-{letter.pk}-body")
        page.fill(f"#id_letter-{letter.pk}-body",
                  body.replace("Legal process team", "Legal process team\nRef. LP-1102"))
        _shot(page, "letter-draft")
        page.click(f"{panel} button:has-text('Save the text')")
        page.wait_for_selector(".msg-success")
        assert "Ref. LP-1102" in page.inner_text(f"{panel} .letter-preview")
        assert page.locator(f"{panel} button:has-text('Approve the letter')").count() == 0
        assert page.locator(f"{panel} button:has-text('Send the letter')").count() == 0
        _sign_out(page)

        _sign_in(page, base, approver, devices[approver.pk])
        page.goto(f"{base}/review/demands/{demand.pk}/")
        assert "Ref. LP-1102" in page.inner_text(f"{panel} .letter-preview")
        page.click(f"{panel} button:has-text('Approve the letter')")
        page.wait_for_selector(".msg-success")
        assert "approved by approver@platform.example" in page.inner_text(panel)
        assert page.input_value(f"#id_send-{letter.pk}-to") == "jane.doe@fbi.gov"
        page.click(f"{panel} button:has-text('Send the letter')")
        page.wait_for_selector(".msg-success")
        assert "e-mailed to jane.doe@fbi.gov" in page.inner_text(".messages")
        sent = page.inner_text("#notices")
        assert "Response: we are unable to comply" in sent and "sent by approver" in sent

    letter.refresh_from_db()
    assert letter.status == NoticeStatus.SENT and letter.approved_by_id == approver.pk
    assert letter.edited and "Ref. LP-1102" in letter.body
    assert letter.author_id == reviewer.pk and letter.edited_by_id == reviewer.pk
    run_worker()
    (email,) = mail.outbox
    assert email.to == ["jane.doe@fbi.gov"] and "Ref. LP-1102" in email.body


def test_a_forged_emailed_demand_is_held_and_nothing_is_written_to_the_forger(
        live_server: Any, settings: Any, fbi: Any) -> None:
    """A reviewer opens an e-mailed demand whose headers fail authentication: it is on hold
    until verified through a registry contact, the console offers no clarification request
    to the sender, and no letter is drafted or e-mailed."""
    from dueprocess.intake.email_intake import import_eml
    from tests.intake.conftest import eml

    settings.STAFF_REQUIRE_2FA = True
    forged = eml(sender='"d.price@fbi.gov" <d.price@fbi.gov>',
                 auth="mx.platform.example; spf=fail; dkim=none; dmarc=fail",
                 extra_headers=(("Reply-To", "collect@protonmail.example"),))
    demand = import_eml(forged, user=None).demand
    assert demand is not None
    reviewer = staff_member("legal_reviewer", "reviewer@platform.example")
    device = TOTPDevice.objects.create(user=reviewer, name="phone", confirmed=True)
    base = live_server.url
    mail.outbox.clear()

    with browser_page() as page:
        page.set_viewport_size({"width": 1400, "height": 1000})
        _sign_in(page, base, reviewer, device)
        page.goto(f"{base}/review/demands/{demand.pk}/")
        head = page.inner_text(".page-head")
        assert "on hold" in head.lower() and "recommends hold" in head.lower()
        assert "registry contact" in page.inner_text("#vetting")
        # While held, the console offers no way to write to the sender.
        assert page.locator("text=Request clarification").count() == 0
        _shot(page, "forged-email-held")

    run_worker()
    assert mail.outbox == []
    assert not Notice.objects.filter(demand=demand).exclude(
        kind=NoticeKind.ACKNOWLEDGEMENT).exists()
    assert not Notice.objects.filter(demand=demand, status=NoticeStatus.SENT).exclude(
        kind=NoticeKind.ACKNOWLEDGEMENT).exists()
