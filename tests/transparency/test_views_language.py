"""The public report speaks German or Traditional Chinese to a visitor who chose it, no account
needed: the menu in the page header keeps the choice in a cookie."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from tests.transparency.factories import demand

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db: Any) -> None:
    demand("US", "us.ecpa.warrant", "2020-07-01T00:00:00+00:00", produced=True)


def _menu(html: str) -> tuple[str, str]:
    """The language form's target and the page it sends the visitor back to."""
    form = re.search(r'<form method="post" action="([^"]+)" class="inline language-choice">'
                     r'.*?name="next" value="([^"]+)"', html, re.S)
    assert form, "no language menu"
    return form.group(1), form.group(2)


@pytest.mark.parametrize(("language", "heading", "period", "table"), [
    ("de", "Behördliche Ersuchen: Transparenzbericht", "Zeitraum 2020-H2 (1. Juli 2020 bis",
     "Anfragen nach Nutzerdaten"),
    ("zh-hant", "政府要求：透明度報告", "期間：2020-H2（2020年7月1日至",  # noqa: RUF001
     "用戶資料要求"),
])
def test_a_visitor_chooses_the_language_from_the_public_page(
        world: None, language: str, heading: str, period: str, table: str) -> None:
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get("/transparency/?period=2020-H2")
    html = page.content.decode()
    assert "Government demands: transparency report" in html
    assert html.count('id="interface-language"') == 1
    assert '<label for="interface-language"' in html
    action, back = _menu(html)
    token = visitor.cookies["csrftoken"].value
    answer = visitor.post(action, {"language": language, "next": back,
                                   "csrfmiddlewaretoken": token})
    assert (answer.status_code, answer["Location"]) == (302, "/transparency/?period=2020-H2")

    html = visitor.get(answer["Location"]).content.decode()
    assert f"<h1>{heading}</h1>" in html and period in html
    assert f'<h2 id="h-user_data_requests">{table}</h2>' in html
    assert f'<option value="{language}" lang="{language}" selected>' in html
    assert "Government demands" not in html


def test_the_published_demands_page_follows_the_choice(world: None) -> None:
    visitor = Client()
    visitor.post("/account/language/", {"language": "de"})
    html = visitor.get("/transparency/published/").content.decode()
    assert "<h1>Veröffentlichte Ersuchen</h1>" in html
    assert "Kein veröffentlichtes Ersuchen passt." in html
