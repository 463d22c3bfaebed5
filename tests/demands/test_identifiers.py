"""What cannot be a target is refused in every channel, with the reason."""

from __future__ import annotations

from typing import Any

import pytest

from dueprocess.demands.identifiers import BadTarget, normalise_identifier
from tests.conftest import us_warrant


@pytest.mark.parametrize(("raw", "reason"), [
    ("javascript:alert(1)", "link scheme"),
    ("JavaScript:void(0)", "link scheme"),
    ("data:text/html,<b>x</b>", "link scheme"),
    ("@evil\u202egnp.exe", "direction-changing"),
    ("@jane\u200bdoe", "invisible"),
    ("<script>", "brackets"),
    ("jane doe", "spaces"),
])
def test_what_is_not_an_account_is_refused_with_a_reason(raw: str, reason: str) -> None:
    with pytest.raises(BadTarget, match=reason):
        normalise_identifier("account", raw)


@pytest.mark.parametrize(("raw", "stored"), [
    ("@JaneDoe", "@janedoe"),
    ("+852 9123 4567", "+852 9123 4567"),
    ("user@example.org", "user@example.org"),
    ("Amelia.Hughes", "amelia.hughes"),  # a dotted handle is not a web site
    ("www.Demo.Social", "https://www.demo.social/"),
    ("demo.social/JaneDoe", "https://demo.social/JaneDoe"),
    ("HTTP://Demo.Social/JaneDoe?utm_source=x", "https://demo.social/JaneDoe"),
])
def test_accounts_are_stored_in_one_spelling(raw: str, stored: str) -> None:
    assert normalise_identifier("account", raw) == stored


@pytest.mark.django_db
def test_the_json_api_refuses_the_same_targets_beside_the_field(api_as: Any, reviewer: Any,
                                                                fbi: Any) -> None:
    api = api_as(reviewer)
    body = us_warrant(authority="fbi", targets=[{"type": "account", "id": "javascript:alert(1)"}])
    answer = api.post("/demands", body)
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["field"] == "targets.0" and "link scheme" in error["message"]
    ok = api.post("/demands", us_warrant(authority="fbi", targets=[
        {"type": "account", "id": "@CS_Suspect_42"},
        {"type": "content", "url": "http://demo.social/x/posts/1?fbclid=1"}]))
    assert ok.status_code == 201
    assert {t["identifier"] for t in ok.json()["targets"]} == {
        "@cs_suspect_42", "https://demo.social/x/posts/1"}
