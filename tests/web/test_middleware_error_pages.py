"""Error pages: people get a page in the console's look that says what happened and where
to go; the API keeps answering its clients in JSON."""

from __future__ import annotations

from typing import Any

from django.test import Client, RequestFactory
from django.views.defaults import server_error


def test_an_unknown_console_page_is_a_styled_404_with_the_way_back(client: Client) -> None:
    response = client.get("/review/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "review/console.css" in html
    assert "There is no page at this address" in html
    assert "/review/no-such-page/" in html
    assert 'href="/review/"' in html and 'href="/transparency/"' in html
    assert 'class="skip" href="#main"' in html


def test_an_unknown_portal_page_points_back_to_the_portal(client: Client) -> None:
    html = client.get("/portal/no-such-page/").content.decode()
    assert "Your authority&#x27;s demands" in html or "Your authority's demands" in html
    assert 'href="/review/"' not in html


def test_an_officer_in_the_console_gets_a_styled_403(client: Client, fbi: Any,
                                                     officer_of: Any) -> None:
    officer = officer_of(fbi)
    client.force_login(officer)
    response = client.get("/review/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Your account may not open this page" in html
    assert officer.get_username() in html
    assert "review/console.css" in html


def test_a_server_error_page_needs_no_database_or_session() -> None:
    request = RequestFactory().get("/review/")
    response = server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert "Nothing was changed" in html


def test_api_errors_stay_json(client: Client) -> None:
    response = client.get("/api/v1/no-such-endpoint")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert "There is no page" not in response.content.decode()


def test_an_error_page_speaks_the_visitor_s_language(client: Client, settings: Any) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    html = client.get("/transparency/no-such-page/").content.decode()
    assert "Unter dieser Adresse gibt es keine Seite" in html and "Fehler 404" in html
    assert ">Der Transparenzbericht</a>" in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hant"
    html = client.get("/review/no-such-page/").content.decode()
    assert "此網址沒有頁面" in html and "審核待處理清單" in html
