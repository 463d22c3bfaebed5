"""Shared helpers for browser tests: Playwright driving Debian's Chromium.

No browser is ever downloaded: Playwright launches ``/usr/bin/chromium``. Playwright's sync
API runs an event loop in the test's thread, which makes Django refuse ORM calls there as
"async unsafe"; the tests talk to the database between page steps, never concurrently, so
that guard is lifted for browser tests only. Persistent connections are switched off while
a browser runs, so the live server's request threads leave none open behind them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def chromium_available() -> bool:
    return shutil.which(CHROMIUM) is not None or os.path.exists(CHROMIUM)


@contextmanager
def browser_page(*, timeout_ms: int = 15_000) -> Iterator[Any]:
    """A fresh page in a fresh headless Chromium; closed afterwards."""
    from django.db import connections
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    # The live server answers each request in a new thread with its own connection; kept
    # alive (CONN_MAX_AGE) they would outlive the test and block dropping the test database.
    db_settings = connections.settings["default"]
    max_age = db_settings.get("CONN_MAX_AGE", 0)
    db_settings["CONN_MAX_AGE"] = 0
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                page.set_default_timeout(timeout_ms)
                yield page
            finally:
                browser.close()
                # ORM calls made while Playwright's loop runs get connections of their own
                # context; close them here, in that context, or they outlive the test.
                connections.close_all()
    finally:
        db_settings["CONN_MAX_AGE"] = max_age
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


requires_chromium = pytest.mark.skipif(not chromium_available(),
                                       reason="Debian's chromium is not installed")
