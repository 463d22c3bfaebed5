"""The reference receiver: the platform's end of the webhook protocol, small and complete.

``dueprocess connector reference-receiver --port N`` starts it. An integrator runs it to see
the protocol work against dueprocess, and reads it as a model for their own endpoint: it
verifies every request's signature and timestamp, signs every answer, honours idempotency
keys (a repeat returns the stored answer; the same key with a different request is refused
with 409), and implements every operation against a small store kept in memory or in a JSON
file (``--store``). It uses only the standard library and needs no database.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import tempfile
import threading
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from dueprocess.connectors.base import territorial
from dueprocess.execution.connectors.signing import (
    PROTOCOL,
    SignatureError,
    body_sha256,
    canonical_json,
    sign,
    verify,
)
from dueprocess.exports import csv_dicts

MAX_REQUEST = 1024 * 1024
CATEGORIES = ("subscriber", "traffic", "content")
SUBSCRIBER_FIELDS = ("id", "handle", "name", "email", "phone", "country", "status", "created")


class Refused(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def sample_store() -> dict[str, Any]:
    """A two-account world, enough to try every operation."""
    return {
        "accounts": {
            "1001": {"id": "1001", "handle": "alice", "name": "Alice Example",
                     "email": "alice@example.org", "phone": "+15555550100", "country": "DE",
                     "data_location": "IE", "language": "de", "flags": [],
                     "created": "2019-03-01T10:00:00Z", "status": "active", "withheld_in": [],
                     "logins": [{"timestamp_utc": "2020-07-01T09:00:00Z", "ip": "192.0.2.10",
                                 "user_agent": "Mozilla/5.0"}],
                     "posts": [{"id": "5001", "url": "https://platform.example/alice/posts/1",
                                "created": "2020-07-01T09:05:00Z", "text": "Hello",
                                "status": "visible", "withheld_in": []}]},
            "1002": {"id": "1002", "handle": "bob", "name": "Bob Example",
                     "email": "bob@example.org", "phone": "", "country": "US",
                     "data_location": "US", "language": "en", "flags": ["journalist"],
                     "created": "2018-01-15T08:00:00Z", "status": "active", "withheld_in": [],
                     "logins": [],
                     "posts": []},
        },
        "holds": {}, "messages": [], "operations": {}, "exports": {},
    }


class Store:
    """The receiver's state; every change is saved (atomically) when a file is given."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.lock = threading.Lock()
        if path is not None and path.exists():
            self.data: dict[str, Any] = json.loads(path.read_text())
        else:
            self.data = sample_store()
        for key in ("accounts", "holds", "messages", "operations", "exports"):
            self.data.setdefault(key, {} if key != "messages" else [])

    def save(self) -> None:
        if self.path is None:
            return
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".receiver-")
        with os.fdopen(fd, "w") as fh:
            json.dump(self.data, fh, ensure_ascii=False, indent=1)
        os.replace(tmp, self.path)

    # ------------------------------------------------------------------ lookups

    def account(self, identifier: str) -> dict[str, Any] | None:
        ident = identifier.strip()
        accounts = self.data["accounts"]
        if ident in accounts:
            return dict(accounts[ident])
        wanted = ident.lower().rstrip("/").rsplit("/", 1)[-1].lstrip("@")
        for acc in accounts.values():
            if wanted == acc["handle"].lower() or ident.lower() == acc["email"].lower() or (
                    acc.get("phone") and ident.replace(" ", "") == acc["phone"]):
                return dict(acc)
        return None

    def post(self, identifier: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
        ident = identifier.strip().rstrip("/").lower()
        for acc in self.data["accounts"].values():
            for post in acc["posts"]:
                if ident in (post["id"], post["url"].lower()):
                    return acc, post
        return None

    def need_account(self, identifier: str) -> dict[str, Any]:
        acc = self.account(identifier)
        if acc is None:
            raise Refused(404, "not_found", f"no account {identifier!r}")
        return self.data["accounts"][acc["id"]]

    # ------------------------------------------------------------------ operations

    def lookup(self, p: dict[str, Any]) -> dict[str, Any]:
        kind, ident = p.get("type"), str(p.get("identifier", ""))
        if kind == "account":
            acc, created = self.account(ident), None
        elif kind == "content":
            found = self.post(ident)
            acc, created = (found[0], found[1]["created"]) if found else (None, None)
        else:
            raise Refused(422, "invalid", f"unknown target type {kind!r}")
        if acc is None:
            return {"exists": False}
        return {"exists": True, "account": acc["handle"], "country": acc["country"],
                "data_location": acc["data_location"], "flags": acc["flags"],
                "language": acc.get("language", "en"),
                "created": (created or acc["created"])[:10]}

    def export(self, p: dict[str, Any], key: str) -> dict[str, Any]:
        categories = list(p.get("categories") or ())
        if not categories or set(categories) - set(CATEGORIES):
            raise Refused(422, "invalid", "categories must be subscriber, traffic, content")
        acc = self.need_account(str(p.get("account", "")))
        records: dict[str, Any] = {
            "subscriber": {k: acc[k] for k in SUBSCRIBER_FIELDS},
            "logins": list(acc["logins"]), "posts": list(acc["posts"])}
        used = []
        for ref in p.get("holds") or ():
            hold = self.data["holds"].get(str(ref))
            if hold and hold["account"] == acc["id"] and not hold["released"]:
                used.append(str(ref))
                snap = hold["snapshot"]
                records["subscriber"] = snap["subscriber"]
                have = {json.dumps(r, sort_keys=True) for r in records["logins"]}
                records["logins"] += [r for r in snap["logins"]
                                      if json.dumps(r, sort_keys=True) not in have]
                ids = {r["id"] for r in records["posts"]}
                records["posts"] += [r for r in snap["posts"] if r["id"] not in ids]
        start = date.fromisoformat(p["date_from"]) if p.get("date_from") else None
        end = date.fromisoformat(p["date_to"]) if p.get("date_to") else None

        def inside(stamp: str) -> bool:
            day = date.fromisoformat(stamp[:10])
            return (start is None or day >= start) and (end is None or day <= end)

        files: dict[str, bytes] = {}
        if "subscriber" in categories:
            files["subscriber.json"] = _json(records["subscriber"])
            files["subscriber.csv"] = _csv([records["subscriber"]])
        if "traffic" in categories:
            logins = sorted((r for r in records["logins"] if inside(r["timestamp_utc"])),
                            key=lambda r: r["timestamp_utc"])
            files["logins.json"], files["logins.csv"] = _json(logins), _csv(logins)
        if "content" in categories:
            posts = sorted((r for r in records["posts"] if inside(r["created"])),
                           key=lambda r: r["created"])
            files["posts.json"], files["posts.csv"] = _json(posts), _csv(posts)
        self.data["exports"][key] = {n: base64.b64encode(b).decode() for n, b in files.items()}
        return {"files": [{"name": n, "size": len(b), "sha256": hashlib.sha256(b).hexdigest()}
                          for n, b in sorted(files.items())], "holds": used}

    def fetch_file(self, p: dict[str, Any]) -> bytes:
        files = self.data["exports"].get(str(p.get("export_key", "")))
        name = str(p.get("name", ""))
        if not files or name not in files:
            raise Refused(404, "not_found", "no such exported file")
        return base64.b64decode(files[name])

    def preserve(self, p: dict[str, Any], key: str) -> dict[str, Any]:
        acc = self.need_account(str(p.get("account", "")))
        days = p.get("days")
        if not isinstance(days, int) or days < 1:
            raise Refused(422, "invalid", "days must be a positive integer")
        ref = f"h{len(self.data['holds']) + 1}"
        until = (datetime.now(UTC).date() + timedelta(days=days)).isoformat()
        snapshot = {"subscriber": {k: acc[k] for k in SUBSCRIBER_FIELDS},
                    "logins": list(acc["logins"]), "posts": list(acc["posts"])}
        self.data["holds"][ref] = {"account": acc["id"], "until": until, "snapshot": snapshot,
                                   "released": None}
        return {"hold": ref, "account": acc["handle"], "until": until}

    def _hold(self, ref: Any) -> dict[str, Any]:
        hold = self.data["holds"].get(str(ref))
        if hold is None:
            raise Refused(404, "not_found", f"no hold {ref!r}")
        return hold

    def extend_preservation(self, p: dict[str, Any], key: str) -> dict[str, Any]:
        hold = self._hold(p.get("hold"))
        if hold["released"]:
            raise Refused(422, "invalid", "the hold was released")
        hold["until"] = max(hold["until"], str(p.get("until", "")))
        acc = self.data["accounts"][hold["account"]]
        return {"hold": str(p["hold"]), "account": acc["handle"], "until": hold["until"]}

    def release_preservation(self, p: dict[str, Any], key: str) -> dict[str, Any]:
        hold = self._hold(p.get("hold"))
        if not hold["released"]:
            hold["released"], hold["snapshot"] = _now(), {}
        acc = self.data["accounts"][hold["account"]]
        return {"hold": str(p["hold"]), "account": acc["handle"], "released": hold["released"]}

    @staticmethod
    def _scope(measure: str, p: dict[str, Any]) -> list[str]:
        """The territories of a restriction; a global measure limited to territories is
        refused: the contract says such a restriction is sent as a withholding."""
        done, scope = territorial(measure, [str(t) for t in p.get("territories") or ()])
        if measure == "withhold" and not scope:
            raise Refused(422, "invalid", "withholding needs territories (not the whole world)")
        if measure != "withhold" and done == "withhold":
            raise Refused(422, "invalid", f"a {measure} limited to {', '.join(scope)} is a "
                          "withholding there: send measure withhold with those territories")
        return scope

    def restrict_account(self, p: dict[str, Any], key: str) -> dict[str, Any]:
        measure = str(p.get("measure"))
        if measure not in ("suspend", "terminate", "withhold"):
            raise Refused(422, "invalid", "measure must be suspend, terminate or withhold")
        territories = self._scope(measure, p)
        acc = self.need_account(str(p.get("account", "")))
        before = acc["status"]
        withheld = acc.setdefault("withheld_in", [])
        if measure == "withhold":
            acc["withheld_in"] = sorted(set(withheld) | set(territories))
        elif before != "terminated":
            acc["status"] = "suspended" if measure == "suspend" else "terminated"
        return {"account": acc["handle"], "measure": measure, "territories": territories,
                "before": before, "status": acc["status"], "withheld_in": acc["withheld_in"],
                "created": acc["created"][:10]}

    def restrict_content(self, p: dict[str, Any], key: str) -> dict[str, Any]:
        measure = str(p.get("measure"))
        if measure not in ("remove", "disable", "withhold"):
            raise Refused(422, "invalid", "measure must be remove, disable or withhold")
        territories = self._scope(measure, p)
        found = self.post(str(p.get("content", "")))
        if found is None:
            raise Refused(404, "not_found", f"no content {p.get('content')!r}")
        acc, post = found
        if measure == "withhold":
            post["withheld_in"] = sorted(set(post["withheld_in"]) | set(territories))
        elif post["status"] != "removed":
            post["status"] = "removed" if measure == "remove" else "disabled"
        return {"content": post["url"], "account": acc["handle"], "measure": measure,
                "territories": territories, "status": post["status"],
                "withheld_in": post["withheld_in"], "created": post["created"][:10]}

    def notify_user(self, p: dict[str, Any], key: str) -> dict[str, Any]:
        acc = self.need_account(str(p.get("account", "")))
        self.data["messages"].append({"account": acc["handle"], "subject": p.get("subject"),
                                      "body": p.get("body"), "language": p.get("language"),
                                      "at": _now()})
        return {"account": acc["handle"], "message": len(self.data["messages"]),
                "at": self.data["messages"][-1]["at"]}

    KEYED = ("export", "preserve", "extend_preservation", "release_preservation",
             "restrict_account", "restrict_content", "notify_user")

    def handle(self, request: dict[str, Any]) -> dict[str, Any] | bytes:
        """Run one verified request; keyed operations happen at most once per key."""
        operation = request.get("operation")
        params = request.get("params")
        key = request.get("idempotency_key") or ""
        if not isinstance(params, dict) or not isinstance(key, str):
            raise Refused(422, "invalid", "params must be an object")
        with self.lock:
            if operation == "lookup":
                return self.lookup(params)
            if operation == "lookup_many":
                idents = params.get("identifiers")
                if not isinstance(idents, list) or len(idents) > 1000:
                    raise Refused(422, "invalid", "identifiers: a list of at most 1000")
                return {"targets": [self.lookup({"type": params.get("type"),
                                                 "identifier": str(i)}) for i in idents]}
            if operation == "fetch_file":
                return self.fetch_file(params)
            if operation not in self.KEYED:
                raise Refused(400, "unsupported", f"unknown operation {operation!r}")
            if not key:
                raise Refused(422, "invalid", f"{operation} needs an idempotency key")
            fingerprint = body_sha256({"operation": operation, "params": params})
            done = self.data["operations"].get(key)
            if done is not None:
                if done["request_sha256"] != fingerprint:
                    raise Refused(409, "idempotency_conflict",
                                  f"key {key!r} was used for a different request")
                return done["result"]
            result: dict[str, Any] = getattr(self, str(operation))(params, key)
            self.data["operations"][key] = {"operation": operation,
                                            "request_sha256": fingerprint, "result": result}
            self.save()
            return result


def _json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()


def _csv(rows: list[dict[str, Any]]) -> bytes:
    columns = sorted({k for row in rows for k in row}) if rows else []
    return csv_dicts(rows, columns).encode()


def make_handler(store: Store, secrets: list[str]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "dueprocess-reference-receiver/1"
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            if os.environ.get("DUEPROCESS_RECEIVER_QUIET") != "1":
                super().log_message(format, *args)

        def _send(self, status: int, payload: dict[str, Any]) -> None:
            body = canonical_json(payload)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for name, value in sign(secrets, body).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def _error(self, status: int, code: str, message: str) -> None:
            self._send(status, {"ok": False, "error": {"code": code, "message": message}})

        def do_POST(self) -> None:
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                length = -1
            if length < 0 or length > MAX_REQUEST:
                self.close_connection = True
                self._error(413, "invalid", "request too large or without a length")
                return
            body = self.rfile.read(length)
            try:
                verify(secrets, dict(self.headers.items()), body)
            except SignatureError as exc:
                self._error(401, "unauthorized", str(exc))
                return
            try:
                request = json.loads(body)
                if not isinstance(request, dict) or request.get("protocol") != PROTOCOL:
                    raise Refused(400, "unsupported", f"expected protocol {PROTOCOL}")
                result = store.handle(request)
            except ValueError:
                self._error(400, "invalid", "the body is not JSON")
                return
            except Refused as exc:
                self._error(exc.status, exc.code, exc.message)
                return
            if isinstance(result, bytes):
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(result)))
                self.end_headers()
                self.wfile.write(result)
                return
            self._send(200, {"ok": True, "result": result})

        def do_GET(self) -> None:
            self._error(405, "unsupported", "POST signed JSON to this endpoint")

    return Handler


def make_server(host: str, port: int, secrets: list[str],
                store: Store | None = None) -> ThreadingHTTPServer:
    if not secrets or any(len(s) < 32 for s in secrets):
        raise ValueError("the shared secret must be at least 32 characters")
    server = ThreadingHTTPServer((host, port), make_handler(store or Store(), secrets))
    server.daemon_threads = True
    return server


def serve(host: str, port: int, secrets: list[str], store_path: Path | None) -> None:
    server = make_server(host, port, secrets, Store(store_path))
    print(f"reference receiver listening on http://{host}:{server.server_address[1]}/",
          flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
