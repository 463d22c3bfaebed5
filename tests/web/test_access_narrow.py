"""At a phone's width (390 px) the console and the portal fit: nothing makes the page body
scroll sideways. Wide tables scroll inside their own box.

With ``DUEPROCESS_SCREENSHOTS=<folder>`` the test also saves each page as a phone shows it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.browser import browser_page, requires_chromium
from tests.web.conftest import Walk, open_as

pytestmark = [pytest.mark.browser, requires_chromium, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("DUEPROCESS_SCREENSHOTS", "")

WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .filter(e => !e.closest('.skip'))
  .slice(0, 3)
  .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


def test_no_page_scrolls_sideways_at_390_px(live_server: Any, walk: Walk) -> None:
    overflowing: dict[str, tuple[int, list[str]]] = {}
    with browser_page() as page:
        page.set_viewport_size({"width": 390, "height": 844})
        for name, path, session in walk.pages:
            open_as(page, live_server.url, path, session)
            if SHOTS:
                Path(SHOTS).mkdir(parents=True, exist_ok=True)
                slug = name.replace(",", "").replace(" ", "-")
                page.screenshot(path=str(Path(SHOTS) / f"narrow-{slug}.png"), full_page=True)
            width = page.evaluate("() => document.documentElement.scrollWidth")
            if width > 390:
                overflowing[name] = (width, page.evaluate(WIDEST))
    assert overflowing == {}
