"""Signatures of the webhook protocol, used by both ends (no Django here).

A message is signed with HMAC-SHA256 over ``timestamp + "." + body``, where the timestamp
is Unix seconds sent in ``X-Dueprocess-Timestamp``. The receiver refuses a timestamp more
than five minutes off, so a captured request cannot be replayed later, and compares in
constant time. The header may carry several ``v1=`` values, so a secret can be rotated
without downtime: sign with both, accept either.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterable, Mapping
from typing import Any

PROTOCOL = "dueprocess-connector/1"
TIMESTAMP_HEADER = "X-Dueprocess-Timestamp"
SIGNATURE_HEADER = "X-Dueprocess-Signature"
KEY_HEADER = "Idempotency-Key"
TOLERANCE_SECONDS = 300


class SignatureError(Exception):
    """The message is not signed by someone holding the shared secret, or is stale."""


def canonical_json(data: Any) -> bytes:
    """One byte form per value, so both ends hash and compare the same thing."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode()


def body_sha256(data: Any) -> str:
    return hashlib.sha256(canonical_json(data)).hexdigest()


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


def sign(secrets: str | Iterable[str], body: bytes, now: float | None = None) -> dict[str, str]:
    """Headers that sign ``body`` (with every given secret, during a rotation)."""
    keys = [secrets] if isinstance(secrets, str) else list(secrets)
    stamp = str(int(time.time() if now is None else now))
    return {TIMESTAMP_HEADER: stamp,
            SIGNATURE_HEADER: ",".join(signature(k, stamp, body) for k in keys)}


def _header(headers: Mapping[str, str], name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return ""


def verify(secrets: str | Iterable[str], headers: Mapping[str, str], body: bytes,
           now: float | None = None, tolerance: int = TOLERANCE_SECONDS) -> None:
    """Raise :class:`SignatureError` unless ``body`` carries a fresh valid signature."""
    keys = [secrets] if isinstance(secrets, str) else list(secrets)
    stamp = _header(headers, TIMESTAMP_HEADER)
    given = [s.strip() for s in _header(headers, SIGNATURE_HEADER).split(",") if s.strip()]
    if not stamp or not given:
        raise SignatureError("the message is not signed")
    if not stamp.isdigit():
        raise SignatureError("the signature timestamp is not a number")
    current = time.time() if now is None else now
    if abs(current - int(stamp)) > tolerance:
        raise SignatureError("the signature timestamp is too old or in the future")
    for key in keys:
        expected = signature(key, stamp, body)
        if any(hmac.compare_digest(expected, g) for g in given):
            return
    raise SignatureError("the signature does not match")
