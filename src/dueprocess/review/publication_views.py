"""Console pages for the public record: prepare a redacted copy of a restriction demand,
correct it, publish it (a second person), withdraw it. The rules live in
:mod:`dueprocess.transparency.publications`; these views only show and forward."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dueprocess.demands.models import Demand
from dueprocess.errors import DomainError
from dueprocess.transparency import publications
from dueprocess.transparency.access import PUBLISH_PERM, can_publish
from dueprocess.transparency.models import Publication, PublicationStatus
from dueprocess.web.access import staff_required

LIST_LIMIT = 200


def _refused(request: HttpRequest) -> HttpResponse:
    return render(request, "review/publication_refused.html", {"perm": PUBLISH_PERM},
                  status=403)


def _names(request: HttpRequest) -> list[str]:
    text = request.POST.get("private_names", "")
    return [n.strip() for n in text.splitlines() if n.strip()][:100]


@staff_required
@require_GET
def publication_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    rows = Publication.objects.order_by("-created_at", "-pk")
    if status in PublicationStatus.values:
        rows = rows.filter(status=status)
    return render(request, "review/publications.html", {
        "rows": list(rows[:LIST_LIMIT]), "status": status,
        "statuses": PublicationStatus.values, "can_publish": can_publish(request.user)})


@staff_required
@require_POST
def publication_prepare(request: HttpRequest) -> HttpResponse:
    if not can_publish(request.user):
        return _refused(request)
    raw = request.POST.get("demand", "").strip()
    demand = Demand.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
    if demand is None:
        messages.error(request, _("There is no demand %(number)r.") % {"number": raw[:20]})
        return redirect("review:publications")
    try:
        pub = publications.prepare_publication(demand, user=request.user,
                                               private_names=_names(request))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("review:publications")
    messages.success(request, _("Draft prepared: check the redactions before publishing."))
    return redirect("review:publication", pub_id=pub.pk)


@staff_required
@require_GET
def publication_detail(request: HttpRequest, pub_id: int) -> HttpResponse:
    pub = get_object_or_404(Publication.objects.select_related("prepared_by", "reviewed_by"),
                            pk=pub_id)
    may = can_publish(request.user)
    return render(request, "review/publication.html", {
        "pub": pub, "can_edit": may and pub.status == PublicationStatus.DRAFT,
        "can_publish": may and pub.status == PublicationStatus.DRAFT
        and pub.prepared_by_id != request.user.pk,
        "own_draft": pub.prepared_by_id == request.user.pk,
        "can_withdraw": may and pub.status != PublicationStatus.WITHDRAWN})


def _step(request: HttpRequest, pub_id: int, done: str,
          step: Callable[[Publication], object]) -> HttpResponse:
    pub = get_object_or_404(Publication, pk=pub_id)
    if not can_publish(request.user):
        return _refused(request)
    try:
        step(pub)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("review:publication", pub_id=pub_id)


@staff_required
@require_POST
def publication_edit(request: HttpRequest, pub_id: int) -> HttpResponse:
    return _step(request, pub_id, _("Saved; the automatic redactions were applied again."),
                 lambda pub: publications.edit_publication(
                     pub, request.POST.get("text", ""), user=request.user,
                     private_names=_names(request)))


@staff_required
@require_POST
def publication_publish(request: HttpRequest, pub_id: int) -> HttpResponse:
    return _step(request, pub_id, _("Published on the public transparency pages."),
                 lambda pub: publications.publish(pub, user=request.user))


@staff_required
@require_POST
def publication_withdraw(request: HttpRequest, pub_id: int) -> HttpResponse:
    return _step(request, pub_id, _("Withdrawn from the public pages."),
                 lambda pub: publications.withdraw(
                     pub, user=request.user, reason=request.POST.get("reason", "")[:500]))
