"""Rate limits hold across web processes when they share a Redis cache."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from typing import Any

import pytest
from django.test import override_settings

from dueprocess.config import ConfigError, load
from dueprocess.web import limits

REDIS = "redis://127.0.0.1:6379/15"


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


def test_cache_url_must_be_redis_and_is_never_echoed() -> None:
    base = {"DUEPROCESS_MODE": "test", "DUEPROCESS_HOME": "/nonexistent-home",
            "DUEPROCESS_SECRET_KEY": "k" * 50}
    assert load({**base, "DUEPROCESS_CACHE_URL": "rediss://cache.internal:6380/2"}).cache_url \
        == "rediss://cache.internal:6380/2"
    assert load(base).cache_url == ""
    with pytest.raises(ConfigError, match="redis:// or rediss://") as caught:
        load({**base, "DUEPROCESS_CACHE_URL": "memcached://admin:s3cret@cache:11211"})
    assert "s3cret" not in str(caught.value)


@pytest.mark.skipif(not _redis_up(), reason="needs the Redis server on 127.0.0.1:6379")
def test_two_processes_share_one_allowance(settings: Any, tmp_path: Any) -> None:
    settings.DUEPROCESS_RATE_LIMITS = {"write": 3}
    key = f"token-{uuid.uuid4().hex}"
    shared = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": REDIS, "KEY_PREFIX": "dueprocess"}}
    now = time.time()  # one moment for every hit: the test never straddles two windows
    with override_settings(CACHES=shared):
        limits.hit("write", key, now=now)
        limits.hit("write", key, now=now)
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update(DUEPROCESS_MODE="test", DUEPROCESS_HOME=str(tmp_path),
                   DUEPROCESS_CACHE_URL=REDIS, DJANGO_SETTINGS_MODULE="dueprocess.settings")
        other = subprocess.run(
            [sys.executable, "-c",
             "import django; django.setup(); from dueprocess.web import limits; "
             f"limits.hit('write', {key!r}, now={now!r}); print('counted')"],
            env=env, capture_output=True, text=True, timeout=60, check=False)
        assert other.stdout.strip() == "counted", other.stderr
        with pytest.raises(limits.RateLimited) as refused:
            limits.hit("write", key, now=now)  # the third request was the other process's
    assert 1 <= refused.value.retry_after <= 61
