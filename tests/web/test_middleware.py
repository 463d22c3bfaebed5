"""No cached copies of personal data: every answer but the public record says no-store."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.conftest import us_warrant

pytestmark = pytest.mark.django_db


def test_api_answers_and_console_pages_are_not_stored(api_as: Any, reviewer: Any,
                                                      fbi: Any) -> None:
    api = api_as(reviewer)
    made = api.post("/demands", us_warrant(authority="fbi"))
    assert made.status_code == 201
    for response in (made, api.get(f"/demands/{made.json()['id']}"),
                     api.get("/nosuch")):
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]
    client = Client()
    client.force_login(reviewer)
    page = client.get("/review/")
    assert "no-store" in page["Cache-Control"]
    assert "no-store" in Client().get("/portal/login/")["Cache-Control"]


def test_the_public_record_may_be_cached() -> None:
    response = Client().get("/transparency/")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.django_db
def test_a_nul_character_is_refused_before_it_reaches_a_query(client: Any) -> None:
    from dueprocess.accounts.actions import issue_token
    from tests.review.roles import staff_member

    _, raw = issue_token(staff_member("legal_reviewer"), name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    answer = client.get("/api/v1/demands", {"reference": "A\x00B"}, **auth)
    assert answer.status_code == 422
    assert answer.json()["error"]["field"] == "reference"
    posted = client.post("/api/v1/demands", data='{"reference": "A\\u0000B"}',
                         content_type="application/json", **auth)
    assert posted.status_code == 422 and posted.json()["error"]["field"] == "body"
    assert client.get("/api/v1/demands", {"reference": "AB"}, **auth).status_code == 200


@pytest.mark.django_db
def test_the_api_answers_in_english_whatever_language_is_asked_for(client: Any) -> None:
    from django.utils import translation

    from dueprocess.accounts.actions import issue_token, set_language
    from tests.review.roles import staff_member

    user = staff_member("legal_reviewer")
    set_language(user, "de")
    _, raw = issue_token(user, name="t")
    with translation.override("de"):  # the console would say it in German
        assert translation.gettext("no demand %(demand_id)s") != "no demand %(demand_id)s"
    client.force_login(user)  # a browser session with the German choice, too
    answer = client.get("/api/v1/demands/999999", HTTP_AUTHORIZATION=f"Bearer {raw}",
                        HTTP_ACCEPT_LANGUAGE="de")
    assert answer.status_code == 404
    assert answer.json()["error"] == {"code": "not_found", "message": "no demand 999999",
                                      "field": None}
    assert answer["Content-Language"] == "en"
