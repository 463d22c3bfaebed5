"""Probes answered first; every other request gets an id, a log line and metrics."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed

from dueprocess.ops.logs import request_id
from dueprocess.ops.metrics import LATENCY, REQUESTS
from dueprocess.ops.views import PROBES
from dueprocess.web.requests import TracedRequest

log = logging.getLogger("dueprocess.request")

# What a proxy may hand us as X-Request-ID: short, and nothing that could forge a log line.
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")


class ProbeMiddleware:
    """``/healthz``, ``/readyz`` and ``/metrics`` (GET or HEAD), before anything that could
    refuse a load balancer: host validation, the HTTPS redirect, sign-in and 2FA."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        view = PROBES.get(request.path_info.rstrip("/") or "/")
        if view is None:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        return view(request)


def incoming_request_id(request: HttpRequest) -> str:
    """The proxy's ``X-Request-ID`` when it looks like one, else a new one."""
    given = request.headers.get("X-Request-ID", "")
    return given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


def loggable_path(request: HttpRequest) -> str:
    """The path with secrets in it (download and invitation tokens) masked."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    for name, value in (match.kwargs.items() if match is not None else ()):
        if "token" in name and isinstance(value, str) and value:
            path = path.replace(value, "***")
    return path


class RequestIdMiddleware:
    """Give the request an id (logs, the ``X-Request-ID`` answer header, 500 bodies), then
    log one line and count it. Paths are logged without query string and nothing of the
    headers or body, so no token or password reaches a log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = incoming_request_id(request)
        TracedRequest.of(request).request_id = rid
        reset = request_id.set(rid)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            elapsed = time.perf_counter() - started
            match = getattr(request, "resolver_match", None)
            route = "/" + match.route if match is not None and match.route else "unmatched"
            method = request.method or "GET"
            REQUESTS.labels(method, route, str(response.status_code)).inc()
            LATENCY.labels(method, route).observe(elapsed)
            path = loggable_path(request)
            log.info("%s %s %s", method, path, response.status_code,
                     extra={"request_id": rid, "method": method, "path": path, "route": route,
                            "status": response.status_code,
                            "duration_ms": round(elapsed * 1000, 1)})
            response["X-Request-ID"] = rid
            return response
        finally:
            request_id.reset(reset)
