"""Probes for the load balancer and the metrics endpoint for Prometheus.

They are answered by :class:`dueprocess.ops.middleware.ProbeMiddleware` before host checks,
the HTTPS redirect and sign-in, so a load balancer can call them over plain HTTP by address.
Nothing here writes to the database or the audit log.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from dueprocess.ops.checks import readiness
from dueprocess.ops.metrics import exposition


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. No database, so a database outage restarts nothing."""
    return HttpResponse("ok\n", content_type="text/plain")


def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness: database, migrations, cache and storage; 503 naming what failed."""
    checks = readiness()
    failed = sorted(name for name, result in checks.items() if result != "ok")
    body = {"status": "unavailable" if failed else "ready", "failed": failed, "checks": checks}
    return JsonResponse(body, status=503 if failed else 200)


def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus text format; behind ``Authorization: Bearer`` when
    ``DUEPROCESS_METRICS_TOKEN`` is set."""
    token = settings.DUEPROCESS.metrics_token
    if token:
        given = request.headers.get("Authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            response = HttpResponse("a valid bearer token is required\n", status=401,
                                    content_type="text/plain")
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
            return response
    from prometheus_client import CONTENT_TYPE_LATEST

    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)


PROBES = {"/healthz": healthz, "/readyz": readyz, "/metrics": metrics}
