"""Execution settings come from the environment and fail early when they cannot work."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from dueprocess.config import ConfigError, load
from dueprocess.connectors import get_connector

SECRET = "x" * 40


def _load(**env: str) -> Any:
    return load({"DUEPROCESS_MODE": "production", "DUEPROCESS_SECRET_KEY": "k" * 50,
                 "DUEPROCESS_HOME": "/nonexistent-home", **env})


def test_defaults() -> None:
    conf = _load()
    assert (conf.connector, conf.webhook_url, conf.old_secret_keys, conf.notice_period_days) \
        == ("dueprocess.demo.connector.DemoConnector", "", (), 7)


def test_the_webhook_connector_needs_an_https_url_and_a_long_secret() -> None:
    ok = _load(DUEPROCESS_CONNECTOR="webhook", DUEPROCESS_WEBHOOK_URL="https://p.example/dp",
               DUEPROCESS_WEBHOOK_SECRET=SECRET, DUEPROCESS_WEBHOOK_TIMEOUT="2.5")
    assert (ok.connector, ok.webhook_url, ok.webhook_timeout) == (
        "dueprocess.execution.connectors.webhook.WebhookConnector", "https://p.example/dp", 2.5)
    assert _load(DUEPROCESS_CONNECTOR="webhook", DUEPROCESS_WEBHOOK_URL="http://127.0.0.1:9/",
                 DUEPROCESS_WEBHOOK_SECRET=SECRET).webhook_url == "http://127.0.0.1:9/"
    for env, message in [
        ({}, "needs DUEPROCESS_WEBHOOK_URL"),
        ({"DUEPROCESS_WEBHOOK_URL": "https://p.example/"}, "needs"),
        ({"DUEPROCESS_WEBHOOK_URL": "http://p.example/", "DUEPROCESS_WEBHOOK_SECRET": SECRET},
         "https in production"),
        ({"DUEPROCESS_WEBHOOK_URL": "ftp://p.example/", "DUEPROCESS_WEBHOOK_SECRET": SECRET},
         "not an http"),
        ({"DUEPROCESS_WEBHOOK_URL": "https://p.example/", "DUEPROCESS_WEBHOOK_SECRET": "short"},
         "at least 32"),
    ]:
        with pytest.raises(ConfigError, match=message):
            _load(DUEPROCESS_CONNECTOR="webhook", **env)


def test_other_settings() -> None:
    conf = _load(DUEPROCESS_OLD_SECRET_KEYS=" old-one , old-two,,",
                 DUEPROCESS_NOTICE_PERIOD_DAYS="0")
    assert conf.old_secret_keys == ("old-one", "old-two") and conf.notice_period_days == 0
    with pytest.raises(ConfigError, match="DUEPROCESS_CONNECTOR"):
        _load(DUEPROCESS_CONNECTOR="carrier-pigeon")
    with pytest.raises(ConfigError, match="not a number"):
        _load(DUEPROCESS_NOTICE_PERIOD_DAYS="a week")
    with pytest.raises(ConfigError, match=">= 0"):
        _load(DUEPROCESS_NOTICE_PERIOD_DAYS="-1")


def test_a_platform_may_plug_in_its_own_connector_class(settings: Any) -> None:
    settings.DUEPROCESS = dataclasses.replace(
        settings.DUEPROCESS, connector="tests.execution.slow_connector:SlowDemoConnector")
    assert type(get_connector()).__name__ == "SlowDemoConnector"
