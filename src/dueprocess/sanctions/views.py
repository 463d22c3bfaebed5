"""Console pages for screening: a demand's hits with the reviewer's buttons, and the lists.

Thin: every change goes through :func:`dueprocess.sanctions.actions.mark_hit`. Marking a
hit needs the same permission as deciding a demand, since it changes what vetting says.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dueprocess.accounts.roles import DECIDE_PERM
from dueprocess.demands.actions import record_view
from dueprocess.demands.models import Demand
from dueprocess.errors import DomainError
from dueprocess.sanctions.actions import mark_hit, sign_off_hit
from dueprocess.sanctions.models import ListVersion, ScreeningResult
from dueprocess.sanctions.panel import panel_context
from dueprocess.web.access import staff_required


@require_GET
@staff_required
def demand_hits(request: HttpRequest, pk: int) -> HttpResponse:
    demand = get_object_or_404(Demand.objects.select_related("authority"), pk=pk)
    record_view(demand, user=request.user, what="screening")
    context = {"demand": demand, **panel_context(demand, request.user, standalone=True)}
    return render(request, "sanctions/demand.html", context)


def _back(result: ScreeningResult, request: HttpRequest) -> str:
    if request.POST.get("back") == "sanctions":
        return reverse("sanctions:demand", args=[result.demand_id]) + "#screening"
    return reverse("review:demand", args=[result.demand_id]) + "#screening"


@require_POST
@staff_required
def mark(request: HttpRequest, pk: int) -> HttpResponse:
    result = get_object_or_404(ScreeningResult, pk=pk)
    back = _back(result, request)
    if not request.user.has_perm(DECIDE_PERM):
        messages.error(request, _("Marking a hit needs the permission %(permission)s.")
                       % {"permission": DECIDE_PERM})
        return redirect(back)
    status = request.POST.get("status", "")
    try:
        row = mark_hit(result, status, user=request.user, note=request.POST.get("note", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    entry = {"name": row.name, "entry": f"{row.list_id} {row.entry_id}"}
    if row.status == "confirmed":
        done = _("Recorded: %(name)s is the listed party (%(entry)s). The demand was vetted "
                 "again.") % entry
    else:
        done = _("Recorded: %(name)s is not the listed party (%(entry)s). The demand was "
                 "vetted again.") % entry
    messages.success(request, done)
    return redirect(back)


@require_POST
@staff_required
def signoff(request: HttpRequest, pk: int) -> HttpResponse:
    """Sanctions counsel's sign-off of a confirmed hit (the action checks the permission)."""

    result = get_object_or_404(ScreeningResult, pk=pk)
    back = _back(result, request)
    try:
        sign_off_hit(result, user=request.user, note=request.POST.get("note", ""))
    except DomainError as exc:
        messages.error(request, _("Not signed off: %(reason)s") % {"reason": exc.message})
        return redirect(back)
    messages.success(request, _("Signed off: complying despite %(name)s (%(entry)s) may now "
                                "be approved.") % {"name": result.name,
                                                   "entry": f"{result.list_id} {result.entry_id}"})
    return redirect(back)


@require_GET
@staff_required
def lists(request: HttpRequest) -> HttpResponse:
    versions = list(ListVersion.objects.select_related("loaded_by")
                    .order_by("list_id", "-loaded_at", "-pk")[:200])
    return render(request, "sanctions/lists.html", {"versions": versions})
