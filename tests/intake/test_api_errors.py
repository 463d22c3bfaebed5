"""Answers outside the handlers keep the API's JSON error shape; a Redis outage does not
become an API outage."""

from __future__ import annotations

import logging
from typing import Any

from django.db import OperationalError
from django.test import override_settings

from dueprocess.accounts.models import ApiToken
from dueprocess.intake import api as api_module
from dueprocess.web import limits
from tests.conftest import ApiClient


def test_an_unknown_path_is_a_json_404(officer: Any) -> None:
    _, raw = ApiToken.issue(officer)
    r = ApiClient(raw).get("/no-such-thing")
    assert r.status_code == 404
    assert r.json() == {"error": {"code": "not_found",
                                  "message": "no such endpoint: /api/v1/no-such-thing",
                                  "field": None}}


def test_a_wrong_method_is_a_json_405_that_says_what_is_allowed(officer: Any) -> None:
    _, raw = ApiToken.issue(officer)
    client = ApiClient(raw)
    r = client.client.delete("/api/v1/demands", headers=client._headers())
    assert r.status_code == 405
    assert r.json()["error"]["code"] == "method_not_allowed"
    assert set(r["Allow"].split(", ")) == {"GET", "POST"}


def test_a_fault_in_a_handler_is_a_json_500_with_the_request_id_and_a_logged_traceback(
        officer: Any, monkeypatch: Any, caplog: Any) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(api_module, "visible_demands", broken)
    _, raw = ApiToken.issue(officer)
    client = ApiClient(raw)
    with caplog.at_level(logging.ERROR, logger="dueprocess.api"):
        r = client.client.get("/api/v1/demands", headers={**client._headers(),
                                                         "X-Request-ID": "req-12345678"})
    assert r.status_code == 500
    assert r.json()["error"]["code"] == "internal_error"
    assert "req-12345678" in r.json()["error"]["message"]
    assert "database on fire" not in r.content.decode()
    logged = [rec for rec in caplog.records if rec.name == "dueprocess.api"]
    assert len(logged) == 1 and logged[0].exc_info is not None
    assert "database on fire" in caplog.text


def test_a_lock_conflict_is_a_503_to_send_again_not_a_500(officer: Any,
                                                          monkeypatch: Any) -> None:
    class Deadlock(Exception):
        sqlstate = "40P01"

    def deadlocked(*args: Any, **kwargs: Any) -> None:
        exc = OperationalError("deadlock detected")
        exc.__cause__ = Deadlock()
        raise exc

    monkeypatch.setattr(api_module, "visible_demands", deadlocked)
    _, raw = ApiToken.issue(officer)
    r = ApiClient(raw).get("/demands")
    assert r.status_code == 503 and r["Retry-After"] == "1"
    assert r.json()["error"]["code"] == "busy"


DOWN = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                    "LOCATION": "redis://127.0.0.1:1/0",
                    "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}}


def test_an_unreachable_cache_lets_requests_through_with_one_warning(
        officer: Any, settings: Any, monkeypatch: Any, caplog: Any) -> None:
    settings.DUEPROCESS_RATE_LIMITS = {"read": 1}
    monkeypatch.setattr(limits, "_last_warning", 0.0)
    _, raw = ApiToken.issue(officer)
    client = ApiClient(raw)
    with override_settings(CACHES=DOWN), caplog.at_level(logging.WARNING,
                                                         logger="dueprocess.limits"):
        assert [client.get("/demands").status_code for _ in range(3)] == [200, 200, 200]
    warnings = [rec for rec in caplog.records if rec.name == "dueprocess.limits"]
    assert len(warnings) == 1
    assert "rate limits are not enforced" in warnings[0].getMessage()
    assert "DUEPROCESS_CACHE_URL" in warnings[0].getMessage()


def test_the_api_root_is_a_json_404_not_a_server_error(db: Any) -> None:
    r = ApiClient(None).get("/")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
