"""Per-token rate limits and request size limits.

Rates are counted in fixed one-minute windows in Django's cache (atomic ``add``/``incr``).
The default cache is per process; run a shared cache (``CACHES``: Redis, Memcached or the
database cache) when several web processes serve the API, or each counts alone. A refused
request gets ``429`` with ``Retry-After`` (seconds to the next window) and the usual error
JSON. Size limits are checked from ``Content-Length`` before a body is read, and again while
an upload is streamed (see :class:`LimitedUploadHandler`), so a 2 GB upload is refused
without being stored.

When the shared cache cannot be reached, requests are let through uncounted and a warning is
logged at most once a minute: an outage of Redis must not become an outage of the API.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import redis
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler
from django.http import HttpRequest
from django.utils.translation import gettext as _

from dueprocess.errors import DomainError

DEFAULT_RATES = {
    "read": 1200,     # GET requests per token per minute
    "write": 600,     # other requests per token per minute
    "upload": 60,     # document and target uploads per token per minute
    "auth_failure": 60,  # failed token presentations per client address per minute
    "portal": 120,    # portal form submissions per user per minute
}
WINDOW = 60
#: Seconds between two warnings that the cache is unreachable.
WARN_EVERY = 60.0

log = logging.getLogger("dueprocess.limits")
_last_warning = 0.0


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class TooLargeRequest(DomainError):
    status = 413
    code = "too_large"


def rate_for(bucket: str) -> int:
    rates: dict[str, int] = {**DEFAULT_RATES, **getattr(settings, "DUEPROCESS_RATE_LIMITS", {})}
    return int(rates.get(bucket, DEFAULT_RATES["write"]))


def hit(bucket: str, key: str, *, now: float | None = None) -> None:
    """Count one request; raise :class:`RateLimited` once the window's allowance is spent."""
    limit = rate_for(bucket)
    if limit <= 0:
        return
    at = time.time() if now is None else now
    window = int(at // WINDOW)
    try:
        count = _count(f"dp-rate:{bucket}:{key}:{window}")
    except (redis.RedisError, OSError) as exc:
        _warn_unreachable(exc)
        return
    if count > limit:
        retry = max(1, int((window + 1) * WINDOW - at) + 1)
        raise RateLimited(_("rate limit of %(limit)s %(bucket)s requests per minute reached; "
                            "retry in %(retry)s s")
                          % {"limit": limit, "bucket": bucket, "retry": retry}, retry_after=retry)


def _count(cache_key: str) -> int:
    if cache.add(cache_key, 1, timeout=WINDOW + 5):
        return 1
    try:
        return int(cache.incr(cache_key))
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=WINDOW + 5)
        return 1


def _warn_unreachable(exc: BaseException) -> None:
    global _last_warning
    now = time.monotonic()
    if _last_warning and now - _last_warning < WARN_EVERY:
        return
    _last_warning = now
    log.warning("rate limits are not enforced: the cache (DUEPROCESS_CACHE_URL) cannot be "
                "reached: %s", str(exc).splitlines()[0] if str(exc) else type(exc).__name__)


def client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", "") or "unknown")


def content_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


# Multipart framing around a file: boundaries and part headers, generously.
MULTIPART_OVERHEAD = 64 * 1024


#: Upload endpoints by the last segment of their path, with their body limit in bytes;
#: registered at start-up by the packages that own them (intake: documents, targets, email).
UPLOAD_LIMITS: dict[str, Callable[[], int]] = {}


def register_upload(segment: str, limit: Callable[[], int]) -> None:
    UPLOAD_LIMITS[segment] = limit


def upload_limit_for(path: str) -> int | None:
    """The body limit of an upload endpoint, or ``None`` for ordinary requests."""
    limit = UPLOAD_LIMITS.get(path.rstrip("/").rsplit("/", 1)[-1])
    return limit() + MULTIPART_OVERHEAD if limit is not None else None


def check_size(request: HttpRequest, limit: int) -> None:
    """Refuse by the declared length, then cap what the upload handlers will accept."""
    declared = content_length(request)
    if declared > limit:
        raise TooLargeRequest(_("the request body is %(declared)s bytes; the limit here is "
                                "%(limit)s bytes")
                              % {"declared": f"{declared:,}", "limit": f"{limit:,}"})
    request.upload_handlers = [LimitedUploadHandler(limit, request)]


def upload_was_cut(request: HttpRequest) -> bool:
    return any(getattr(h, "exceeded", False) for h in request.upload_handlers)


class LimitedUploadHandler(TemporaryFileUploadHandler):
    """Spool uploads to a temporary file and stop the moment they pass the limit."""

    def __init__(self, limit: int, request: Any = None) -> None:
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.exceeded = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.exceeded = True
            raise StopUpload(connection_reset=True)
        result: bytes | None = super().receive_data_chunk(raw_data, start)
        return result
