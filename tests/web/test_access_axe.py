"""Every page people live in passes axe-core (WCAG 2.2 A and AA rules) with no serious or
critical violation, starts with a skip link to the main content and names the language it
is shown in."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser import browser_page, requires_chromium
from tests.web.conftest import Walk, open_as

pytestmark = [pytest.mark.browser, requires_chromium, pytest.mark.django_db(transaction=True)]

WCAG_AA = {"runOnly": {"type": "tag",
                       "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}


def _blocking(results: Any) -> list[str]:
    return [f"{v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(str(n["target"]) for n in v["nodes"][:5])
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def test_no_serious_or_critical_violation_on_any_page(live_server: Any, walk: Walk) -> None:
    axe = Axe()
    found: dict[str, list[str]] = {}
    with browser_page() as page:
        page.set_viewport_size({"width": 1366, "height": 900})
        for name, path, session in walk.pages:
            open_as(page, live_server.url, path, session)
            if name == "demand, human-rights review":  # the form that had unlabelled fields
                assert page.locator(".hr-form textarea").count() >= 3
            if name == "portal demand":  # two upload forms on one page
                assert page.locator("input[type=file]").count() == 2
            blocking = _blocking(axe.run(page, options=WCAG_AA))
            if blocking:
                found[name] = blocking
    assert found == {}


def test_the_verification_result_passes_too(live_server: Any, walk: Walk) -> None:
    session = next(s for name, _path, s in walk.pages if name == "audit chain")
    with browser_page() as page:
        open_as(page, live_server.url, "/review/audit/", session)
        page.click("#verify")
        page.wait_for_selector("#verify-result")
        assert _blocking(Axe().run(page, options=WCAG_AA)) == []


FIRST_FOCUSABLE = """() => document.querySelector(
    'a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex="-1"])'
).className"""


def test_the_skip_link_comes_first_and_moves_focus_to_main(live_server: Any,
                                                           walk: Walk) -> None:
    with browser_page() as page:
        for name, path, session in walk.pages:
            open_as(page, live_server.url, path, session)
            assert page.evaluate(FIRST_FOCUSABLE) == "skip", name
            if page.evaluate("() => document.activeElement === document.body"):
                page.keyboard.press("Tab")  # pages without an autofocused field
            else:
                page.focus("a.skip")
            assert page.evaluate("() => document.activeElement.className") == "skip", name
            box = page.locator("a.skip").bounding_box()
            assert box is not None and box["y"] >= 0, name  # shown while focused
            page.keyboard.press("Enter")
            assert page.evaluate("() => document.activeElement.id") == "main", name


def test_pages_declare_the_language_they_are_shown_in(live_server: Any, walk: Walk) -> None:
    with browser_page() as page:
        page.set_extra_http_headers({"Accept-Language": "de-DE,de;q=0.9"})
        for name, path, session in walk.pages:
            open_as(page, live_server.url, path, session)
            assert page.evaluate("() => document.documentElement.lang") == "de", name
            assert "Zum Hauptinhalt springen" in page.content() \
                or "Zum Bericht springen" in page.content(), name


RING = """sel => {
  const el = document.querySelector(sel);
  el.focus();
  const style = getComputedStyle(el);
  let bg = 'rgba(0, 0, 0, 0)', node = el.parentElement;
  while (node && (bg === 'rgba(0, 0, 0, 0)' || bg === 'transparent')) {
    bg = getComputedStyle(node).backgroundColor; node = node.parentElement;
  }
  if (bg === 'rgba(0, 0, 0, 0)' || bg === 'transparent') bg = 'rgb(255, 255, 255)';  // canvas
  return [style.outlineStyle, parseFloat(style.outlineWidth), style.outlineColor, bg];
}"""


def _luminance(css: str) -> float:
    parts = [float(x) for x in css[css.index("(") + 1:css.index(")")].split(",")[:3]]
    linear = [c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4
              for c in parts]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("path,selector", [
    ("/login/", "main input[name=username]"),
    ("/login/", "main button[type=submit]"),
    ("/login/", "a.brand"),
    ("/transparency/", "main a"),
])
def test_the_focus_ring_is_visible_with_at_least_3_to_1_contrast(
        live_server: Any, path: str, selector: str) -> None:
    with browser_page() as page:
        page.goto(f"{live_server.url}{path}")
        page.keyboard.press("Tab")  # keyboard focus, so :focus-visible applies
        style, width, colour, background = page.evaluate(RING, selector)
    assert style == "solid" and width >= 2
    assert _contrast(colour, background) >= 3, (colour, background)
