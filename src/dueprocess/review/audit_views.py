"""The audit chain in the console, for auditors: read it, verify it, take a copy.

Auditors change nothing here: every route is a GET, verifying included (it recomputes the
links and changes nothing). Every page they open is recorded in the chain it shows (as a
reviewer's view of a case is), and so is each verification, export and checkpoint handed
out; those records go through :mod:`dueprocess.review.actions`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dueprocess.accounts.roles import AUDIT_PERM
from dueprocess.demands import actions as demand_actions
from dueprocess.demands.models import Demand
from dueprocess.exports import SafeWriter
from dueprocess.review import actions, selectors
from dueprocess.review.selectors import AuditFilter
from dueprocess.web.access import staff_required

MAX_FILTER = 200


def auditor_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Console staff holding the audit log's reading permission (auditors, administrators)."""

    @staff_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.has_perm(AUDIT_PERM):
            raise PermissionDenied(_("the audit log needs the permission %(perm)s")
                                   % {"perm": AUDIT_PERM})
        return view(request, *args, **kwargs)

    return wrapper


def _number(raw: str) -> int | None:
    raw = raw.strip().lstrip("#")
    return int(raw) if raw.isdigit() and len(raw) < 19 else None


def _filters(request: HttpRequest) -> tuple[AuditFilter, str]:
    """The filters asked for, and what was wrong with them ('' when nothing)."""
    raw_demand = request.GET.get("demand", "").strip()[:MAX_FILTER]
    demand = _number(raw_demand) if raw_demand else None
    error = (_("“%(value)s” is not a demand number.") % {"value": raw_demand}
             if raw_demand and demand is None else "")
    return AuditFilter(demand=demand, actor=request.GET.get("actor", "").strip()[:MAX_FILTER],
                       verb=request.GET.get("verb", "").strip()[:60]), error


@auditor_required
@require_GET
def chain(request: HttpRequest) -> HttpResponse:
    filters, error = _filters(request)
    before = _number(request.GET.get("before", ""))
    page = selectors.audit_page(filters, before=before) if not error else None
    actions.record_audit_view(user=request.user, page="chain", filters=filters.as_payload())
    query = urlencode(filters.as_payload())
    return render(request, "review/audit.html", {
        "page": page, "filters": filters, "error": error, "before": before, "query": query},
        status=422 if error else 200)


@auditor_required
@require_GET
def verify(request: HttpRequest) -> HttpResponse:
    result = selectors.verify_chain()
    actions.record_verification(result, user=request.user)
    return render(request, "review/audit_verified.html", {"result": result,
                                                          "at": timezone.now()})


@auditor_required
@require_GET
def checkpoints(request: HttpRequest) -> HttpResponse:
    actions.record_audit_view(user=request.user, page="checkpoints")
    return render(request, "review/audit_checkpoints.html", {
        "handed_out": selectors.checkpoints_handed_out(), "keys": selectors.signing_keys()})


@auditor_required
@require_GET
def checkpoint_download(request: HttpRequest) -> HttpResponse:
    body = actions.hand_out_checkpoint(user=request.user)
    response = HttpResponse(json.dumps(body, indent=2, sort_keys=True) + "\n",
                            content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="checkpoint-{body["seq"]}.json"'
    return response


@auditor_required
@require_GET
def history(request: HttpRequest, pk: int) -> HttpResponse:
    demand = get_object_or_404(Demand.objects.select_related("authority"), pk=pk)
    demand_actions.record_view(demand, user=request.user, what="audit_history")
    after = _number(request.GET.get("after", "")) or 0
    return render(request, "review/audit_history.html", {
        "demand": demand, "page": selectors.audit_history(demand.pk, after=after),
        "after": after})


class _Line:
    """A file-like object that hands back what is written to it (for streaming CSV)."""

    def write(self, text: str) -> str:
        return text


@auditor_required
@require_GET
def export(request: HttpRequest) -> HttpResponseBase:
    filters, error = _filters(request)
    if error:
        return render(request, "review/audit.html", {"page": None, "filters": filters,
                                                     "error": error}, status=422)
    actions.record_audit_export(user=request.user, filters=filters.as_payload())
    writer = SafeWriter(_Line())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in selectors.audit_export_rows(filters)),
        content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response
