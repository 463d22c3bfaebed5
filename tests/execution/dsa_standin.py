"""A local stand-in for the DSA Transparency Database's batch endpoint.

It enforces what the database documents for ``POST /api/v1/statements``: a bearer token,
1 to 100 statements per batch, every statement valid, a ``puid`` never used before by the
platform (nor twice in one batch), all or nothing; refusals are ``422`` with errors keyed
``statements.<i>.<field>``. ``fail_next`` makes the next calls answer ``503``; ``refuse``
names puids the database refuses with a field error (a rule of the database that
dueprocess does not check).
"""

from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from pydantic import ValidationError

from dueprocess.execution.sor import StatementOfReasonsIn

DUPLICATE = "The identifier given is not unique within this platform."


#: The token the stand-in accepts (any string the database might issue; this one has a "|").
TOKEN = "X|ybqkCFX7ZkIFoLxtI0VAk1JBzMR9jVk4c4EU"


class StandIn:
    def __init__(self, token: str) -> None:
        self.token = token
        self.stored: dict[str, dict[str, Any]] = {}
        self.calls: list[int] = []  # batch sizes received, in order
        self.fail_next = 0
        self.refuse: dict[str, tuple[str, str]] = {}  # puid -> (field, message)
        self.lock = threading.Lock()
        handler = self._handler()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/v1/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> StandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def answer(self, auth: str, path: str, body: Any) -> tuple[int, dict[str, Any]]:
        if auth != f"Bearer {self.token}":
            return 401, {"message": "Unauthenticated."}
        if path != "/api/v1/statements":
            return 404, {"message": "Not found."}
        with self.lock:
            if self.fail_next:
                self.fail_next -= 1
                return 503, {"message": "Service Unavailable"}
            statements = body.get("statements") if isinstance(body, dict) else None
            if not isinstance(statements, list) or not 1 <= len(statements) <= 100:
                return 422, {"message": "The statements field must have 1 to 100 items.",
                             "errors": {"statements": ["between 1 and 100 items"]}}
            self.calls.append(len(statements))
            errors: dict[str, list[str]] = {}
            seen: set[str] = set()
            for i, s in enumerate(statements):
                try:
                    StatementOfReasonsIn.model_validate(s)
                except ValidationError as exc:
                    errors[f"statements.{i}.statement"] = [str(exc.errors()[0]["msg"])]
                puid = str(s.get("puid")) if isinstance(s, dict) else ""
                if puid in self.refuse:
                    name, message = self.refuse[puid]
                    errors[f"statements.{i}.{name}"] = [message]
                if puid in self.stored or puid in seen:
                    errors[f"statements.{i}.puid"] = [DUPLICATE]
                seen.add(puid)
            if errors:
                return 422, {"message": "The given data was invalid.", "errors": errors}
            created = []
            for s in statements:
                row = {**s, "uuid": str(uuid.uuid4())}
                self.stored[s["puid"]] = row
                created.append(row)
            return 201, {"statements": created}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    body = json.loads(self.rfile.read(length) or b"null")
                except ValueError:
                    body = None
                status, payload = outer.answer(self.headers.get("Authorization", ""),
                                               self.path, body)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                return

        return Handler
