"""Least restrictive first, in a real browser: the demo's July 2020 Schedule 4 removal.

The human-rights reviewer concludes "proceed only with a less restrictive alternative:
withhold in Hong Kong"; the legal reviewer finds the form already offering withholding in
HK, complies in part, a second reviewer approves (Hong Kong four-eyes policy), and the
posts end withheld in Hong Kong only: visible everywhere else, not removed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from dueprocess.demands import actions
from dueprocess.demands.inputs import DemandIn
from dueprocess.demands.models import Authority, Demand, Notice, Policy
from dueprocess.demo import platform
from dueprocess.demo.models import Post
from dueprocess.demo.scenario import AUTHORITIES, POLICIES, demand_bodies
from tests.browser import browser_page, requires_chromium
from tests.execution.support import run_worker
from tests.review.roles import PASSWORD, staff_member

pytestmark = [pytest.mark.browser, requires_chromium, pytest.mark.django_db(transaction=True)]

REFERENCE = "NSD-2020-0715-001"


def _july_removal() -> Demand:
    """The demo scenario's Schedule 4 removal, received as the demo receives it."""
    platform.seed_platform()
    for a in AUTHORITIES:
        Authority.objects.get_or_create(slug=a["slug"], defaults=a)
    for p in POLICIES:
        Policy.objects.get_or_create(name=p["name"], defaults=p)
    [body] = [b for b in demand_bodies(datetime.now(UTC)) if b["reference"] == REFERENCE]
    data = DemandIn.model_validate(body)
    return actions.receive_demand(data, authority=Authority.objects.get(slug=body["authority"]),
                                  requester=None, user=None, received_at=data.received_at,
                                  channel="import")


def _sign_in(page: Any, base: str, user: Any) -> None:
    page.goto(f"{base}/review/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/review/")


def _sign_out(page: Any) -> None:
    page.click("text=Log out")
    page.wait_for_url("**/login/")


def test_the_july_2020_removal_ends_as_withholding_in_hong_kong(live_server: Any) -> None:
    demand = _july_removal()
    assert "withholding the content in HK only" in demand.explanation
    reviewer = staff_member("legal_reviewer", "reviewer@platform.example")
    hr = staff_member("human_rights_reviewer", "hr@platform.example")
    approver = staff_member("approver", "approver@platform.example")
    base = live_server.url
    url = f"{base}/review/demands/{demand.pk}/"

    with browser_page() as page:
        page.set_viewport_size({"width": 1400, "height": 1000})
        _sign_in(page, base, hr)
        page.goto(url)
        form = page.locator("#human-rights form")
        for field in ("legality", "necessity", "proportionality"):
            form.locator(f"input[name='{field}'][value='met']").check()
        form.locator("input[name='alternatives'][value='withhold_in_territory']").check()
        form.locator("select[name='conclusion']").select_option("proceed_with_alternative")
        form.locator("textarea[name='rationale']").fill(
            "Removal worldwide would silence lawful speech elsewhere; withhold in HK only.")
        page.click("text=Record human-rights review")
        page.wait_for_selector(".msg-success")
        _sign_out(page)

        _sign_in(page, base, reviewer)
        page.goto(url)
        assert "Least restrictive" in page.inner_text("#vetting")
        # The form offers withholding, in the issuing territory, for every restriction.
        assert page.input_value("#id_ask-0-withhold_in") == "HK"
        page.select_option("#id_ask-0-outcome", "comply_partially")
        page.check("input[name='ask-0-reason_codes'][value='human_rights_risk']")
        page.fill("#id_ask-0-rationale", "As the human-rights review concluded.")
        page.click("text=Record decisions")
        page.wait_for_selector(".msg-success")
        _sign_out(page)

        demand.refresh_from_db()
        if demand.awaiting_approval:
            _sign_in(page, base, approver)
            page.goto(url)
            page.click("text=Approve decisions")
            page.wait_for_selector(".msg-success")

        run_worker()
        demand.refresh_from_db()
        assert demand.status == "completed"
        page.goto(url)
        execution = page.inner_text("#actions")
        assert "withhold · succeeded · 3" in execution and "remove" not in execution

    kinds = set(demand.actions.values_list("kind", flat=True))
    assert kinds == {"withhold"}
    for target in platform.HK_PROTEST_POSTS[:3]:
        post = Post.objects.get(url=target)
        assert post.status == "visible" and post.withheld_in == ["HK"]
        assert post.visible_in("GB") and post.visible_in("US") and not post.visible_in("HK")
    letter = Notice.objects.get(demand=demand, kind="effect_report")
    assert "內容僅在 HK 不予顯示" in letter.body  # withheld in HK only, in the letter's language
