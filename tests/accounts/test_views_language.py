"""A person's interface language is kept with their account and follows them to any browser."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from dueprocess.accounts.models import Preference
from dueprocess.audit.models import AuditEvent
from tests.review.roles import staff_member

pytestmark = pytest.mark.django_db


def _signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_chosen_language_follows_the_person_to_another_browser(settings: Any) -> None:
    settings.STAFF_REQUIRE_2FA = False
    user = staff_member("legal_reviewer")
    first = _signed_in(user)
    page = first.get("/review/")
    assert page.status_code == 200 and page["Content-Language"] == "en"
    assert 'id="interface-language"' in page.content.decode()

    answer = first.post("/account/language/", {"language": "de", "next": "/review/calendar/"})
    assert (answer.status_code, answer["Location"]) == (302, "/review/calendar/")
    assert Preference.objects.get(user=user).language == "de"
    event = AuditEvent.objects.get(verb="account.language_set")
    assert event.payload == {"user": user.pk, "language": "de"}

    # A fresh browser, no cookie: the account's choice decides.
    elsewhere = _signed_in(user).get("/review/")
    assert elsewhere["Content-Language"] == "de"
    assert '<option value="de" lang="de" selected>' in elsewhere.content.decode()
    # Someone else is not affected.
    other = _signed_in(staff_member("approver")).get("/review/")
    assert other["Content-Language"] == "en"


def test_choosing_again_the_same_language_records_nothing_new(settings: Any) -> None:
    user = staff_member("legal_reviewer")
    client = _signed_in(user)
    client.post("/account/language/", {"language": "zh-hant"})
    client.post("/account/language/", {"language": "zh-hant"})
    assert AuditEvent.objects.filter(verb="account.language_set").count() == 1


def test_an_unknown_language_is_refused_and_changes_nothing(settings: Any) -> None:
    user = staff_member("legal_reviewer")
    client = _signed_in(user)
    client.post("/account/language/", {"language": "de"})
    answer = client.post("/account/language/", {"language": "klingon", "next": "/review/"})
    assert answer.status_code == 400
    assert "Unbekannte Sprache &#x27;klingon&#x27;" in answer.content.decode()  # in German, kept
    assert Preference.objects.get(user=user).language == "de"


def test_a_visitor_without_an_account_gets_a_cookie(settings: Any) -> None:
    answer = Client().post("/account/language/", {"language": "de",
                                                  "next": "https://evil.example/"})
    assert answer.status_code == 302 and answer["Location"] == "/"  # no open redirect
    assert answer.cookies[settings.LANGUAGE_COOKIE_NAME].value == "de"
    assert not Preference.objects.exists()


@pytest.mark.parametrize(("language", "heading", "field"), [
    ("de", "Anmelden", "Benutzername"),
    ("zh-hant", "登入", "使用者名稱"),
])
def test_the_sign_in_page_speaks_the_chosen_language(language: str, heading: str,
                                                     field: str) -> None:
    client = Client()
    client.post("/account/language/", {"language": language, "next": "/login/"})
    html = client.get("/login/").content.decode()
    assert f"<h1>{heading}</h1>" in html and field in html
    assert "Sign in" not in html.split("<main", 1)[1]


def test_a_failed_sign_in_counts_down_in_german(settings: Any) -> None:
    user = staff_member("legal_reviewer")
    client = Client()
    client.post("/account/language/", {"language": "de"})
    html = client.post("/login/", {"username": user.username, "password": "wrong"}
                       ).content.decode()
    left = settings.AXES_FAILURE_LIMIT - 1
    assert f"{left} Versuche bleiben" in html and "für 1 Stunde gesperrt" in html
