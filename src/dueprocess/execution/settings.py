"""Execution settings read from the environment (called by :func:`dueprocess.config.load`).

Kept here so the connector choice and its checks live next to the connectors; this module
imports nothing of Django so that configuration can be read before Django starts.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

CONNECTORS = ("demo", "webhook")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def from_environment(env: Mapping[str, str], mode: str,
                     error: type[Exception]) -> dict[str, Any]:
    """The execution fields of ``Config``; raises ``error`` on a setting that cannot work."""
    connector = (env.get("DUEPROCESS_CONNECTOR") or "demo").strip()
    if connector not in CONNECTORS and ":" not in connector:
        raise error("DUEPROCESS_CONNECTOR must be demo, webhook or module.path:ClassName, "
                    f"not {connector!r}")
    url = env.get("DUEPROCESS_WEBHOOK_URL", "").strip()
    secret = env.get("DUEPROCESS_WEBHOOK_SECRET", "")
    if connector == "webhook":
        if not url or not secret:
            raise error("DUEPROCESS_CONNECTOR=webhook needs DUEPROCESS_WEBHOOK_URL and "
                        "DUEPROCESS_WEBHOOK_SECRET")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise error(f"DUEPROCESS_WEBHOOK_URL is not an http(s) URL: {url!r}")
        if (mode == "production" and parts.scheme != "https"
                and not _is_loopback(parts.hostname)):
            raise error("DUEPROCESS_WEBHOOK_URL must use https in production")
        if len(secret) < 32:
            raise error("DUEPROCESS_WEBHOOK_SECRET must be at least 32 characters")
    try:
        timeout = float(env.get("DUEPROCESS_WEBHOOK_TIMEOUT") or 10)
        period = int(env.get("DUEPROCESS_NOTICE_PERIOD_DAYS") or 7)
    except ValueError as exc:
        raise error(f"a numeric execution setting is not a number: {exc}") from exc
    if timeout <= 0 or period < 0:
        raise error("DUEPROCESS_WEBHOOK_TIMEOUT must be > 0 and "
                    "DUEPROCESS_NOTICE_PERIOD_DAYS >= 0")
    old = tuple(k.strip() for k in env.get("DUEPROCESS_OLD_SECRET_KEYS", "").split(",")
                if k.strip())
    return {"connector": connector, "webhook_url": url, "webhook_secret": secret,
            "webhook_timeout": timeout, "old_secret_keys": old, "notice_period_days": period}
