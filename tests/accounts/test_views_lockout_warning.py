"""After a failed sign-in the login page says how many attempts remain before the lockout."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from tests.review.roles import PASSWORD, staff_member

pytestmark = pytest.mark.django_db


def _fail(client: Client, username: str, **extra: Any) -> Any:
    return client.post("/login/", {"username": username, "password": "wrong"}, **extra)


def _left(response: Any) -> int | None:
    found = re.search(r'id="attempts-left"><strong>(\d+) attempts? remains?',
                      response.content.decode())
    return int(found.group(1)) if found else None


def test_each_failure_counts_down_to_the_lock(settings: Any) -> None:
    settings.STAFF_REQUIRE_2FA = False
    user = staff_member("legal_reviewer")
    client = Client()
    assert "attempts-left" not in client.get("/login/").content.decode()
    seen = [_left(_fail(client, user.username)) for _ in range(settings.AXES_FAILURE_LIMIT - 1)]
    assert seen == list(range(settings.AXES_FAILURE_LIMIT - 1, 0, -1))
    last = _fail(client, user.username)
    assert last.status_code == 429
    assert "Too many failed sign-ins" in last.content.decode()


def test_the_last_attempt_is_named_in_the_singular(settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 2
    user = staff_member("legal_reviewer")
    response = _fail(Client(), user.username)
    assert "1 attempt remains" in response.content.decode()


def test_the_count_follows_the_account_and_the_address(settings: Any) -> None:
    user = staff_member("legal_reviewer")
    other = staff_member("approver")
    client = Client()
    _fail(client, user.username)
    _fail(client, user.username)
    # The same account from another address counts on: the account is what is guessed.
    assert _left(_fail(Client(), user.username, REMOTE_ADDR="198.51.100.7")) == \
        settings.AXES_FAILURE_LIMIT - 3
    # Another account from the first address counts on too: that address is guessing.
    assert _left(_fail(client, other.username)) == settings.AXES_FAILURE_LIMIT - 3


def test_a_successful_sign_in_resets_the_count(settings: Any) -> None:
    settings.STAFF_REQUIRE_2FA = False
    user = staff_member("legal_reviewer")
    client = Client()
    _fail(client, user.username)
    _fail(client, user.username)
    assert client.post("/login/", {"username": user.username,
                                   "password": PASSWORD}).status_code == 302
    client.logout()
    assert _left(_fail(client, user.username)) == settings.AXES_FAILURE_LIMIT - 1
