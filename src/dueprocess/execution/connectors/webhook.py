"""The webhook connector: the platform's side reached as signed JSON over HTTP(S).

Every call is one ``POST`` of ``{"protocol", "operation", "idempotency_key", "params"}`` to
the platform's endpoint, signed with HMAC-SHA256 (see :mod:`.signing`); the answer must be
signed the same way. A call that times out, fails to connect, answers 5xx or 429, or
answers with a bad signature is retried a few times with exponential backoff, with the same
body and key, so the platform can recognise the repeat; if it still fails, the action fails
and the task queue retries it later, and after the last attempt it lands on the dead-letter
list. Answers the platform gives to a key are kept (:class:`WebhookCall`): if a repeated
call is answered differently, the first answer stands and the difference is put before a
person. docs/connectors.md is the full protocol.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import logging
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from dueprocess.connectors.base import (
    CHUNK,
    ConnectorError,
    Export,
    PermanentConnectorError,
    TargetInfo,
    territorial,
)
from dueprocess.execution.connectors.signing import (
    KEY_HEADER,
    PROTOCOL,
    SignatureError,
    body_sha256,
    canonical_json,
    sign,
    verify,
)
from dueprocess.execution.deadletters import record_conflict
from dueprocess.execution.models import WebhookCall

log = logging.getLogger("dueprocess.execution.webhook")

_PERMANENT = {"invalid", "idempotency_conflict", "unsupported"}
_RETRY_STATUS = {429, 500, 502, 503, 504}
_MAX_ANSWER = 16 * 1024 * 1024


class _Transient(Exception):
    """Worth trying again at once (after a short pause)."""


def _target_info(r: dict[str, Any]) -> TargetInfo:
    return TargetInfo(exists=bool(r.get("exists")), country=str(r.get("country") or ""),
                      data_location=str(r.get("data_location") or ""),
                      flags=tuple(str(f) for f in r.get("flags") or ()),
                      account=str(r.get("account") or ""),
                      language=str(r.get("language") or ""), created=str(r.get("created") or ""))


class WebhookConnector:
    name = "webhook"

    def __init__(self, url: str, secret: str, *, timeout: float = 10.0, attempts: int = 3,
                 backoff: float = 0.5, sleep: Callable[[float], None] = time.sleep) -> None:
        self.url = url
        self.secret = secret
        self.timeout = timeout
        self.attempts = max(attempts, 1)
        self.backoff = backoff
        self.sleep = sleep

    @classmethod
    def from_config(cls, conf: Any) -> WebhookConnector:
        return cls(conf.webhook_url, conf.webhook_secret, timeout=conf.webhook_timeout)

    # ------------------------------------------------------------------ transport

    def _request(self, operation: str, params: dict[str, Any], key: str) -> bytes:
        return canonical_json({"protocol": PROTOCOL, "operation": operation,
                               "idempotency_key": key, "params": params})

    def _post(self, body: bytes, key: str) -> tuple[int, dict[str, str], bytes]:
        headers = {"Content-Type": "application/json", "User-Agent": "dueprocess-webhook/1",
                   **sign(self.secret, body)}
        if key:
            headers[KEY_HEADER] = key
        request = urllib.request.Request(self.url, data=body, headers=headers,  # noqa: S310
                                         method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310
                return answer.status, dict(answer.headers.items()), answer.read(_MAX_ANSWER)
        except urllib.error.HTTPError as exc:
            with exc:
                return exc.code, dict(exc.headers.items()), exc.read(_MAX_ANSWER)
        except (OSError, http.client.HTTPException) as exc:  # timeouts, refused, reset
            raise _Transient(f"no answer: {exc}") from exc

    def _once(self, body: bytes, key: str) -> dict[str, Any]:
        status, headers, data = self._post(body, key)
        if status in _RETRY_STATUS:
            raise _Transient(f"HTTP {status}")
        try:
            verify(self.secret, headers, data)
        except SignatureError as exc:
            raise _Transient(f"bad signature on the answer (HTTP {status}): {exc}") from exc
        try:
            envelope = json.loads(data)
        except ValueError as exc:
            raise _Transient(f"the answer is not JSON (HTTP {status})") from exc
        if not isinstance(envelope, dict):
            raise _Transient("the answer is not a JSON object")
        if 200 <= status < 300 and envelope.get("ok") is True:
            result = envelope.get("result")
            if not isinstance(result, dict):
                raise _Transient("the answer has no result object")
            return result
        raw_error = envelope.get("error")
        error: dict[str, Any] = raw_error if isinstance(raw_error, dict) else {}
        code = str(error.get("code", "error"))
        message = f"platform refused ({status} {code}): {error.get('message', '')}".strip()
        if code in _PERMANENT or status in (400, 409, 422):
            raise PermanentConnectorError(message)
        raise ConnectorError(message)

    def _call(self, operation: str, params: dict[str, Any], *, key: str = "") -> dict[str, Any]:
        body = self._request(operation, params, key)
        last = ""
        for attempt in range(self.attempts):
            if attempt:
                self.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                result = self._once(body, key)
            except _Transient as exc:
                last = str(exc)
                log.warning("webhook %s %s attempt %s failed: %s", operation, key or "-",
                            attempt + 1, last)
                continue
            return self._remember(operation, key, body, result) if key else result
        raise ConnectorError(f"webhook {operation} failed after {self.attempts} attempts: "
                             f"{last}")

    def _remember(self, operation: str, key: str, body: bytes,
                  result: dict[str, Any]) -> dict[str, Any]:
        """Keep the first answer per key; a different later answer does not replace it."""

        request_sha = hashlib.sha256(body).hexdigest()
        answer_sha = body_sha256(result)
        try:
            with transaction.atomic():
                WebhookCall.objects.create(idempotency_key=key, operation=operation,
                                           request_sha256=request_sha,
                                           response_sha256=answer_sha, result=result)
            return result
        except IntegrityError:
            pass
        first = WebhookCall.objects.get(idempotency_key=key)
        if first.request_sha256 != request_sha:
            raise PermanentConnectorError(
                f"idempotency key {key!r} was already used for a different request")
        if first.response_sha256 != answer_sha:
            record_conflict(first, answer_sha)
        stored: dict[str, Any] = first.result
        return stored

    # ------------------------------------------------------------------ operations

    def lookup(self, target_type: str, identifier: str) -> TargetInfo:
        return _target_info(self._call("lookup", {"type": target_type,
                                                  "identifier": identifier}))

    def lookup_many(self, target_type: str, identifiers: list[str]) -> list[TargetInfo]:
        """Lookups in batches of up to 1,000 per call (bulk target uploads); a platform
        that does not implement ``lookup_many`` is asked one target at a time."""
        found: list[TargetInfo] = []
        for start in range(0, len(identifiers), 1000):
            chunk = identifiers[start:start + 1000]
            try:
                answer = self._call("lookup_many", {"type": target_type, "identifiers": chunk})
            except PermanentConnectorError:
                found.extend(self.lookup(target_type, i) for i in chunk)
                continue
            targets = answer.get("targets")
            if not isinstance(targets, list) or len(targets) != len(chunk):
                raise ConnectorError("lookup_many answered a different number of targets")
            found.extend(_target_info(t if isinstance(t, dict) else {}) for t in targets)
        return found

    def export(self, account: str, categories: tuple[str, ...], date_from: date | None,
               date_to: date | None, *, key: str, holds: tuple[str, ...] = ()) -> Export:
        listing = self._call("export", {
            "account": account, "categories": list(categories),
            "date_from": date_from.isoformat() if date_from else None,
            "date_to": date_to.isoformat() if date_to else None,
            "holds": list(holds)}, key=key)
        files = listing.get("files")
        if not isinstance(files, list):
            raise PermanentConnectorError("the export answer lists no files")
        spool = Path(settings.DUEPROCESS.home) / "spool"
        spool.mkdir(mode=0o700, parents=True, exist_ok=True)
        paths: dict[str, Path] = {}
        try:
            for entry in files:
                name = str(entry.get("name", ""))
                paths[name] = self._fetch(key, name, entry, spool)
        except BaseException:
            for path in paths.values():
                path.unlink(missing_ok=True)
            raise
        return Export(paths=paths, source={"holds": list(listing.get("holds") or ())})

    def _fetch(self, key: str, name: str, entry: dict[str, Any], spool: Path) -> Path:
        """Stream one exported file to disk; it must match the signed listing exactly."""
        body = self._request("fetch_file", {"export_key": key, "name": name}, "")
        last = ""
        for attempt in range(self.attempts):
            if attempt:
                self.sleep(self.backoff * 2 ** (attempt - 1))
            path = spool / f"{secrets.token_hex(8)}.part"
            try:
                size, digest = self._download(body, path)
            except _Transient as exc:
                path.unlink(missing_ok=True)
                last = str(exc)
                continue
            if size == entry.get("size") and digest == entry.get("sha256"):
                return path
            path.unlink(missing_ok=True)
            last = f"{name} does not match the size and SHA-256 the platform listed"
        raise ConnectorError(f"fetching {name} failed: {last}")

    def _download(self, body: bytes, path: Path) -> tuple[int, str]:
        headers = {"Content-Type": "application/json", **sign(self.secret, body)}
        request = urllib.request.Request(self.url, data=body, headers=headers,  # noqa: S310
                                         method="POST")
        sha, size = hashlib.sha256(), 0
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer, \
                    path.open("wb") as out:  # noqa: S310
                while chunk := answer.read(CHUNK):
                    sha.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
        except urllib.error.HTTPError as exc:
            exc.close()
            if exc.code in _RETRY_STATUS:
                raise _Transient(f"HTTP {exc.code}") from exc
            raise ConnectorError(f"fetching a file: HTTP {exc.code}") from exc
        except (OSError, http.client.HTTPException) as exc:  # timeouts, refused, reset
            raise _Transient(f"no answer: {exc}") from exc
        return size, sha.hexdigest()

    def preserve(self, account: str, days: int, *, key: str) -> dict[str, Any]:
        return self._call("preserve", {"account": account, "days": days}, key=key)

    def extend_preservation(self, hold: str, until: date, *, key: str) -> dict[str, Any]:
        return self._call("extend_preservation", {"hold": hold, "until": until.isoformat()},
                          key=key)

    def release_preservation(self, hold: str, *, key: str) -> dict[str, Any]:
        return self._call("release_preservation", {"hold": hold}, key=key)

    def restrict_account(self, account: str, measure: str, *, key: str,
                         territories: tuple[str, ...] = ()) -> dict[str, Any]:
        done, scope = territorial(measure, territories)
        answer = self._call("restrict_account", {"account": account, "measure": done,
                                                 "territories": scope}, key=key)
        return _did_as_told(answer, done)

    def restrict_content(self, content: str, measure: str, territories: tuple[str, ...], *,
                         key: str) -> dict[str, Any]:
        # A removal limited to territories is sent as what it is: a withholding there.
        done, scope = territorial(measure, territories)
        answer = self._call("restrict_content", {"content": content, "measure": done,
                                                 "territories": scope}, key=key)
        return _did_as_told(answer, done)

    def notify_user(self, account: str, subject: str, body: str, *, key: str,
                    language: str = "en") -> dict[str, Any]:
        return self._call("notify_user", {"account": account, "subject": subject,
                                          "body": body, "language": language}, key=key)


def _did_as_told(answer: dict[str, Any], measure: str) -> dict[str, Any]:
    """A platform that reports another measure than the one sent did more (or less) than
    decided: that is for a person to look at, not to record as done."""
    reported = answer.get("measure", measure)
    if reported != measure:
        raise PermanentConnectorError(
            f"the platform reports {reported!r} where {measure!r} was asked")
    return answer
