"""The floor for benchmarks/api.py: a WSGI app that reads the request and answers a fixed
JSON body, served by the same gunicorn settings. Whatever it costs is HTTP, gunicorn and
the client, not dueprocess."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

BODY = json.dumps({"id": 1, "status": "in_review", "findings": [], "targets": []}).encode()


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    if length:
        environ["wsgi.input"].read(length)
    status = "201 Created" if environ["REQUEST_METHOD"] == "POST" else "200 OK"
    start_response(status, [("Content-Type", "application/json"),
                            ("Content-Length", str(len(BODY)))])
    return [BODY]
