"""The public page in a real browser: Chart.js draws the charts, tables stay readable."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.browser import browser_page, requires_chromium
from tests.transparency.factories import demand

pytestmark = [pytest.mark.browser, requires_chromium, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("DUEPROCESS_SCREENSHOTS", "")


def _shot(page: Any, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_public_report_with_charts_and_country_pages(live_server: Any) -> None:
    # Enough demands that the public page shows exact figures (below 10 it shows a band).
    for i in range(12):
        demand("US", "us.ecpa.warrant", f"2020-0{7 + i % 3}-{1 + i:02d}T00:00:00+00:00",
               produced=i > 0)
    demand("US", "us.ecpa.subpoena", "2020-03-01T00:00:00+00:00")
    for i in range(10):
        demand("HK", "hk.nsl43.sch4", f"2020-08-{1 + i:02d}T00:00:00+00:00", status="on_hold",
               findings=["policy.jurisdiction_paused"])
    demand("BR", "generic.court_order", "2020-10-01T00:00:00+00:00",
           asks=("restrict_content",), accounts=0, content=2, authority_kind="court",
           territories=["BR"], actions=[("withhold", "succeeded")])
    with browser_page() as page:
        page.set_viewport_size({"width": 1300, "height": 900})
        page.goto(f"{live_server.url}/transparency/?period=2020-H2")
        assert page.locator("h1").inner_text() == "Government demands: transparency report"
        # Chart.js drew every chart: the script marks each canvas it rendered.
        page.wait_for_selector("canvas[data-chart='trend'][data-rendered='true']")
        canvases = page.locator("canvas[data-chart]")
        rendered = page.locator("canvas[data-rendered='true']")
        assert canvases.count() >= 4 and rendered.count() == canvases.count()
        labels = page.evaluate(
            "() => Chart.getChart(document.querySelector(\"canvas[data-chart="
            "'user_data_requests']\")).data.labels")
        assert labels == ["United States", "Hong Kong SAR China"]
        trend = page.evaluate(
            "() => Chart.getChart(document.querySelector(\"canvas[data-chart='trend']\"))"
            ".data.datasets[0].data")
        assert trend == [[1, 9], 22]  # 2020-H1 had one demand: drawn as its band
        # Each chart is described for assistive technology and has a table beside it.
        assert page.locator("canvas[role='img'][aria-label]").count() == canvases.count()
        assert page.locator("table caption").count() >= canvases.count()
        _shot(page, "transparency-index")
        page.click("th[scope='row'] >> text=Hong Kong SAR China")
        page.wait_for_selector("h1:has-text('Hong Kong SAR China')")
        assert "/transparency/country/HK/" in page.url
        held = page.locator("#h-held_or_routed_by_policy ~ div table tbody tr").first
        assert held.locator("td").nth(3).inner_text() == "10"  # held by policy
        _shot(page, "transparency-country")
        with page.expect_download() as download:
            page.click("#h-user_data_requests ~ p.downloads >> text=CSV")
        assert download.value.suggested_filename == "user_data_requests-2020-H2.csv"


def test_the_demo_story_of_2020_h2_is_one_choice_away_and_drawn(live_server: Any,
                                                                settings: Any,
                                                                tmp_path: Path) -> None:
    import dataclasses

    from dueprocess.demo import scenario

    settings.DUEPROCESS = dataclasses.replace(settings.DUEPROCESS, mode="demo", home=tmp_path)
    scenario.load_scenario()
    with browser_page() as page:
        page.set_viewport_size({"width": 1300, "height": 900})
        page.goto(f"{live_server.url}/transparency/")
        options = page.eval_on_selector_all("#period option", "els => els.map(e => e.value)")
        assert options[0] == "2020-H2"
        page.select_option("#period", "2020-H2")
        page.click("form.period button[type=submit]")
        page.wait_for_url("**/transparency/?period=2020-H2")
        page.wait_for_selector("canvas[data-chart='trend'][data-rendered='true']")
        trend = page.evaluate("""() => {
            const chart = Chart.getChart(document.querySelector("canvas[data-chart='trend']"));
            return {labels: chart.data.labels, top: chart.scales.y.max,
                    heights: chart.getDatasetMeta(0).data.map(bar => bar.height)};
        }""")
        assert trend["labels"][0] == "2020-H2"
        assert trend["heights"][0] > 0  # the Hong Kong and US demands of 2020-H2
        assert 9 <= trend["top"] <= 20  # the axis fits the figures shown, not a fixed scale
        widths = page.evaluate("""() => Chart.getChart(document.querySelector(
            "canvas[data-chart='user_data_requests']")).getDatasetMeta(0).data
            .map(bar => bar.width)""")
        assert widths and all(w > 0 for w in widths)
        _shot(page, "transparency-2020-H2")
