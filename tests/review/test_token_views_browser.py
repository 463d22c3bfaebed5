"""The tokens page in a real browser: the administrator finds an officer's token by its
owner and authority, asks to revoke it, confirms, and sees it revoked; the token stops
working at once."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings as django_settings

from dueprocess.accounts.actions import issue_token
from dueprocess.audit.models import AuditEvent
from dueprocess.demands.models import Authority
from tests.browser import browser_page, requires_chromium
from tests.conftest import ApiClient
from tests.review.roles import staff_member, verified_client

pytestmark = [pytest.mark.browser, requires_chromium, pytest.mark.django_db(transaction=True)]


def test_the_administrator_revokes_an_officers_token_after_confirming(
        live_server: Any, fbi: Authority, officer_of: Any) -> None:
    officer = officer_of(fbi)
    token, raw = issue_token(officer, name="case system", scopes=["read"])
    assert ApiClient(raw).get("/demands").status_code == 200
    admin = staff_member("admin")
    session = verified_client(admin).cookies[django_settings.SESSION_COOKIE_NAME].value
    base = live_server.url

    with browser_page() as page:
        page.context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME,
                                   "value": session, "url": base}])
        page.goto(f"{base}/review/")
        page.click("nav >> text=API tokens")
        row = page.locator(f"#token-{token.pk}")
        text = row.inner_text()
        assert "case system" in text and officer.username in text
        assert "Federal Bureau of Investigation" in text
        assert "read" in text and "active" in text
        assert "never" not in row.locator("td").nth(6).inner_text()  # last used: today
        row.locator("a", has_text="Revoke").click()
        assert page.locator("h1").inner_text().startswith("Revoke token")
        page.click("#confirm-revoke")
        page.wait_for_selector(".msg-success")
        assert "revoked" in page.locator(f"#token-{token.pk}").inner_text()
        assert page.locator(f"#token-{token.pk} a").count() == 0

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(verb="token.revoked").count() == 1
    assert ApiClient(raw).get("/demands").status_code == 401
