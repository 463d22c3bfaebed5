"""The queue in a real browser: sort by a header, tick rows and claim them, countdowns."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from dueprocess.demands.models import Demand
from tests.browser import browser_page, requires_chromium
from tests.review.roles import staff_member, verified_client
from tests.web.conftest import open_as

pytestmark = [pytest.mark.browser, requires_chromium, pytest.mark.django_db(transaction=True)]


def test_sort_claim_and_count_down(live_server: Any,
                                   make_demand: Callable[..., Demand]) -> None:
    soon = make_demand(reference="SOON-1")
    Demand.objects.filter(pk=soon.pk).update(
        instrument="eu.tco.art3", received_at=timezone.now() - timedelta(minutes=10))
    later = make_demand(reference="LATER-1")
    Demand.objects.filter(pk=later.pk).update(deadline=timezone.now() + timedelta(days=3))
    reviewer = staff_member("legal_reviewer", "reviewer@platform.example")
    session = verified_client(reviewer).cookies[settings.SESSION_COOKIE_NAME].value
    with browser_page() as page:
        open_as(page, live_server.url, "/review/?jurisdiction=US", session)
        page.get_by_role("link", name="Due", exact=True).click()
        page.wait_for_url("**/review/?jurisdiction=US&sort=deadline")
        assert (page.locator("th[aria-sort=ascending]").text_content() or "").startswith("Due")
        refs = page.locator("tbody a.ref").all_inner_texts()
        assert refs == ["SOON-1", "LATER-1"]
        countdown = page.locator("tbody tr").first.locator("time[data-countdown]")
        assert re.fullmatch(r"(4\d|50) min left", countdown.inner_text())
        page.get_by_label("Select SOON-1").check()
        page.get_by_label("Selected demands:").select_option("me")
        page.get_by_role("button", name="Assign selected").click()
        page.wait_for_url("**/review/?jurisdiction=US&sort=deadline")
        assert "Assigned 1 demand to you." in page.locator(".messages").inner_text()
        first_row = page.locator("tbody tr").first.inner_text()
        assert "SOON-1" in first_row and "reviewer@platform.example" in first_row
    assert Demand.objects.get(pk=soon.pk).assignee_id == reviewer.pk
    assert Demand.objects.get(pk=later.pk).assignee_id is None
