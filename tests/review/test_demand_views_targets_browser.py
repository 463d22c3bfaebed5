"""The target table in a real browser: 450 targets, a page of rows, select-all and a bulk
outcome, then each target's execution status once the decisions are carried out; the
timeline filtered by kind with page views folded away; and the table on a phone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings as django_settings

from dueprocess.demands.models import Action, Decision, Demand
from dueprocess.review import selectors
from tests.browser import browser_page, requires_chromium
from tests.review.roles import staff_member, verified_client
from tests.web.test_access_narrow import WIDEST

pytestmark = [pytest.mark.browser, requires_chromium, pytest.mark.django_db(transaction=True)]

MANY = [{"type": "account", "id": f"acct_{i:04d}"} for i in range(450)]
NO_SIDEWAYS = "() => document.documentElement.scrollWidth <= window.innerWidth"


def _open(page: Any, base: str, client: Any, path: str) -> None:
    page.context.clear_cookies()
    page.context.add_cookies([{
        "name": django_settings.SESSION_COOKIE_NAME,
        "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value, "url": base}])
    response = page.goto(f"{base}{path}")
    assert response is not None and response.status == 200


def test_bulk_outcome_for_selected_targets_then_their_execution_status(
        live_server: Any, make_demand: Callable[..., Demand]) -> None:
    demand = make_demand(targets=MANY)
    reviewer = staff_member("legal_reviewer", "maria@platform.example")
    reviewer.first_name, reviewer.last_name = "Maria", "Chen"
    reviewer.save()
    client = verified_client(reviewer)
    path = f"/review/demands/{demand.pk}/"
    base = live_server.url
    with browser_page() as page:
        page.set_viewport_size({"width": 390, "height": 844})
        _open(page, base, client, path)
        rows = page.locator("#target-table tbody tr")
        assert rows.count() == selectors.TARGETS_PAGE
        # a phone reads the table without scrolling the page sideways
        assert page.evaluate(NO_SIDEWAYS), page.evaluate(WIDEST)
        assert page.locator("select.row-outcome").first.is_visible()

        page.set_viewport_size({"width": 1366, "height": 900})
        page.check("#pick-all")
        assert page.locator(".row-pick:checked").count() == selectors.TARGETS_PAGE
        page.uncheck("#pick-all")
        assert page.locator(".row-pick:checked").count() == 0
        for i in range(3):
            rows.nth(i).locator(".row-pick").check()
        assert page.evaluate("() => document.getElementById('pick-all').indeterminate")
        page.select_option("#bulk-outcome", "reject")
        page.click("#bulk-apply")
        assert "Applied to 3 rows" in page.inner_text("#bulk-status")
        assert [rows.nth(i).locator("select").input_value() for i in range(4)] == [
            "reject", "reject", "reject", ""]

        page.select_option("#id_ask-0-outcome", "comply")
        page.check("input[name='ask-0-reason_codes'][value='valid_legal_process']")
        page.click(".row-reasons summary")
        page.check("input[name='row_reasons'][value='no_data']")
        page.fill("#id_row_rationale", "No account data for these three.")
        page.click("text=Record decisions")  # queued for execution, not run here
        page.wait_for_selector(".msg-success")

        refused = Decision.objects.filter(demand=demand, target__isnull=False)
        assert sorted(refused.values_list("target__identifier", flat=True)) == [
            "acct_0000", "acct_0001", "acct_0002"]
        assert set(refused.values_list("outcome", flat=True)) == {"reject"}
        assert Action.objects.filter(demand=demand).count() == 447

        Action.objects.filter(demand=demand, target__identifier="acct_0003").update(
            status="failed", error="connector timed out")
        page.reload()
        table = page.locator("#target-outcomes + .table-scroll table")
        first = table.locator("tbody tr").nth(0).inner_text()
        assert "refuse" in first and "this target only" in first
        assert "export · failed" in table.locator("tbody tr").nth(3).inner_text()
        assert "export · pending" in table.locator("tbody tr").nth(4).inner_text()

        # the timeline: sentences, views folded into one line, filters by kind
        timeline = page.inner_text("#timeline")
        assert "Maria Chen recorded the decisions" in timeline
        assert "Ask 0, target acct_0000: refuse" in timeline
        assert "Viewed 3 times · last by Maria Chen" in timeline
        assert "Maria Chen viewed the demand" not in timeline  # folded away
        page.click("#timeline .views-folded summary")
        assert "Maria Chen viewed the demand" in page.inner_text("#timeline")
        page.click("#timeline .timeline-filter >> text=Decisions")
        page.wait_for_url("**events=decisions*")
        kinds = set(page.eval_on_selector_all(
            "#timeline li.event", "els => els.map(e => e.className)"))
        assert kinds == {"event ev-decisions"}
        assert "Vetting recommended" not in page.inner_text("#timeline")
        page.click("#timeline .timeline-filter >> text=Vetting")
        page.wait_for_url("**events=vetting*")
        assert "Vetting recommended" in page.inner_text("#timeline")
        details = page.locator("#timeline li.event details").first
        details.locator("summary").click()
        assert '"recommendation"' in details.locator("pre").inner_text()
