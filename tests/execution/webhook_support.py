"""Real local HTTP servers for webhook tests: the reference receiver, and a proxy in front
of it that misbehaves on request (slow, 500, bad signature, a different answer)."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from dueprocess.execution.connectors.signing import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    canonical_json,
    sign,
)
from dueprocess.execution.receiver import Store, make_server

SECRET = "s3cret-shared-with-the-platform-0123456789"


@contextmanager
def serving(server: ThreadingHTTPServer) -> Iterator[str]:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    try:
        yield f"http://{host}:{port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextmanager
def receiver(store: Store | None = None) -> Iterator[tuple[str, Store]]:
    store = store or Store()
    with serving(make_server("127.0.0.1", 0, [SECRET], store)) as url:
        yield url, store


@dataclass
class Faults:
    """What the proxy does to each next request, in order; then it passes requests on."""

    plan: list[str] = field(default_factory=list)
    slow_seconds: float = 1.0
    seen: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next(self) -> str:
        with self.lock:
            fault = self.plan.pop(0) if self.plan else ""
            self.seen.append(fault)
            return fault


def _proxy_handler(upstream: str, faults: Faults) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            return

        def _reply(self, status: int, headers: dict[str, str], body: bytes) -> None:
            try:
                self.send_response(status)
                for name, value in headers.items():
                    if name.lower() not in ("content-length", "connection", "server", "date",
                                            "transfer-encoding"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout), as intended

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            fault = faults.next()
            if fault == "drop":
                self._reply(503, {}, b"unavailable")
                return
            if fault == "unsupported":  # an older platform without this operation
                data = canonical_json({"ok": False, "error": {"code": "unsupported",
                                                              "message": "unknown operation"}})
                self._reply(400, sign(SECRET, data), data)
                return
            forward = urllib.request.Request(upstream, data=body, method="POST", headers={
                k: v for k, v in self.headers.items()
                if k.lower() in ("content-type", "idempotency-key", TIMESTAMP_HEADER.lower(),
                                 SIGNATURE_HEADER.lower())})
            try:
                with urllib.request.urlopen(forward, timeout=10) as answer:
                    status, headers, data = answer.status, dict(answer.headers), answer.read()
            except urllib.error.HTTPError as exc:
                with exc:
                    status, headers, data = exc.code, dict(exc.headers), exc.read()
            if fault == "slow":
                time.sleep(faults.slow_seconds)
            elif fault == "500":
                status, headers, data = 500, {}, b"internal error"
            elif fault == "badsig":
                headers[SIGNATURE_HEADER] = "v1=" + "0" * 64
            elif fault == "alter":
                envelope = json.loads(data)
                envelope["result"]["tampered"] = True
                data = canonical_json(envelope)
                headers.update(sign(SECRET, data))
            self._reply(status, headers, data)

    return Handler


@contextmanager
def proxy(upstream: str, faults: Faults) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _proxy_handler(upstream, faults))
    server.daemon_threads = True
    with serving(server) as url:
        yield url


def store_with(**accounts: dict[str, Any]) -> Store:
    """A receiver store holding the sample world plus the given accounts."""
    store = Store()
    for uid, fields in accounts.items():
        store.data["accounts"][uid] = {
            "id": uid, "handle": uid, "name": uid.title(), "email": f"{uid}@example.org",
            "phone": "", "country": "US", "data_location": "US", "language": "en",
            "flags": [], "created": "2019-01-01T00:00:00Z", "status": "active",
            "logins": [], "posts": [], **fields}
    return store
