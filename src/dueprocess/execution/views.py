"""Execution pages: the staff's execution console and the authorities' downloads.

``/execution/`` (staff) shows what needs a person: the dead-letter list, holds about to
lapse, notices waiting or barred (indefinite gags to challenge), disclosures waiting for
the user's time to object, and the workers. Its buttons call the execution modules' state
functions; nothing here writes state itself.

``/productions/`` (authority officers) lists the officer's authority's productions with
download links that expire after a few minutes; each link is bound to the officer who
asked for it, and every download is an audit event. The package is streamed, never read
whole into memory.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core import signing
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dueprocess.connectors.base import ConnectorError
from dueprocess.demands.models import (
    Notice,
    NoticeKind,
    NoticeStatus,
)
from dueprocess.errors import DomainError
from dueprocess.execution import deadletters, preservation, usernotices
from dueprocess.execution.models import (
    DeadLetter,
    DisclosureWait,
    NoticeReason,
    NoticeState,
    Preservation,
    Production,
    WorkerProcess,
)
from dueprocess.execution.productions import (
    ProductionError,
    iter_package,
    public_key_pem,
    record_download,
)
from dueprocess.execution.selectors import action_counts, running_actions
from dueprocess.web.access import portal_required, staff_required
from dueprocess.web.requests import PortalRequest

EXECUTE_PERM = "demands.change_action"
DOWNLOAD_SALT = "dueprocess.execution.production-download"
DOWNLOAD_LINK_TTL = timedelta(minutes=10)
LIST_LIMIT = 200


# --------------------------------------------------------------------------- console


@staff_required
@require_GET
def console(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    today = now.date()
    workers = list(WorkerProcess.objects.filter(stopped_at__isnull=True)[:50])
    alive = [w for w in workers if w.seen_at >= now - w.grace]
    states = {s.notice_id: s for s in NoticeState.objects.filter(
        notice__status__in=[NoticeStatus.DELAYED, NoticeStatus.BARRED])}
    waiting_notices = list(Notice.objects.filter(
        kind=NoticeKind.USER, status__in=[NoticeStatus.DELAYED, NoticeStatus.BARRED])
        .select_related("demand").order_by("not_before", "pk")[:LIST_LIMIT])
    for notice in waiting_notices:
        notice.state = states.get(notice.pk)  # type: ignore[attr-defined]
    return render(request, "execution/console.html", {
        "letters": list(DeadLetter.objects.filter(resolved_at__isnull=True)
                        .select_related("demand")[:LIST_LIMIT]),
        "holds": list(Preservation.objects.filter(released_at__isnull=True)
                      .select_related("demand").order_by("until")[:LIST_LIMIT]),
        "remind_by": today + preservation.REMIND_BEFORE,
        "today": today,
        "notices": waiting_notices,
        "emergency": NoticeReason.EMERGENCY,
        "waits": list(DisclosureWait.objects.filter(proceed_at__isnull=True,
                                                    upheld_at__isnull=True)
                      .select_related("demand", "target").order_by("until", "pk")
                      [:LIST_LIMIT]),
        "counts": action_counts(now),
        "running_actions": running_actions(LIST_LIMIT),
        "workers": alive,
        "can_execute": request.user.has_perm(EXECUTE_PERM),
        "now": now,
    })


def _step(request: HttpRequest, done: str, step: Any, *args: Any, **kwargs: Any
          ) -> HttpResponse:
    if not request.user.has_perm(EXECUTE_PERM):
        messages.error(request, _("You lack the permission %(permission)s for this step.")
                       % {"permission": EXECUTE_PERM})
        return redirect("execution:console")
    try:
        step(*args, user=request.user, **kwargs)
    except DomainError as exc:
        messages.error(request, exc.message)
    except Exception as exc:  # a platform that is down is reported, not a server error

        if not isinstance(exc, ConnectorError):
            raise
        messages.error(request, _("The platform did not answer: %(error)s") % {"error": exc})
    else:
        messages.success(request, done)
    return redirect("execution:console")


@staff_required
@require_POST
def retry_letter(request: HttpRequest, pk: int) -> HttpResponse:
    letter = get_object_or_404(DeadLetter, pk=pk)
    return _step(request, _("Queued for one more attempt."), deadletters.retry, letter)


@staff_required
@require_POST
def dismiss_letter(request: HttpRequest, pk: int) -> HttpResponse:
    letter = get_object_or_404(DeadLetter, pk=pk)
    return _step(request, _("Dismissed."), deadletters.dismiss, letter,
                 note=request.POST.get("note", "")[:1000])


@staff_required
@require_POST
def extend_hold(request: HttpRequest, pk: int) -> HttpResponse:
    hold = get_object_or_404(Preservation, pk=pk)
    return _step(request, _("Hold extended."), preservation.extend, hold,
                 note=request.POST.get("note", "")[:1000])


@staff_required
@require_POST
def release_hold(request: HttpRequest, pk: int) -> HttpResponse:
    hold = get_object_or_404(Preservation, pk=pk)
    return _step(request, _("Hold released."), preservation.release, hold,
                 why=request.POST.get("why", "")[:1000])


@staff_required
@require_POST
def release_notice(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(Notice, pk=pk, kind=NoticeKind.USER)
    return _step(request, _("The notice will be sent."), usernotices.release_now, notice,
                 why=request.POST.get("why", "the emergency has passed")[:1000])


@staff_required
@require_POST
def object_wait(request: HttpRequest, pk: int) -> HttpResponse:
    wait = get_object_or_404(DisclosureWait, pk=pk)
    text = request.POST.get("objection", "").strip()
    if not text:
        messages.error(request, _("Write down the user's objection."))
        return redirect("execution:console")
    return _step(request, _("Objection recorded; the disclosure waits."),
                 usernotices.record_objection, wait, text=text[:4000])


@staff_required
@require_POST
def proceed_wait(request: HttpRequest, pk: int) -> HttpResponse:
    wait = get_object_or_404(DisclosureWait, pk=pk)
    return _step(request, _("The disclosure will proceed."), usernotices.let_disclosure_proceed,
                 wait, why=request.POST.get("why", "")[:1000])


@staff_required
@require_POST
def uphold_wait(request: HttpRequest, pk: int) -> HttpResponse:
    wait = get_object_or_404(DisclosureWait, pk=pk)
    return _step(request, _("Objection upheld; this user's data will not be disclosed."),
                 usernotices.uphold_objection, wait, why=request.POST.get("why", "")[:1000])


# --------------------------------------------------------------------------- downloads


def download_token(production: Production, user: Any) -> str:
    return signing.dumps({"p": production.pk, "u": user.pk}, salt=DOWNLOAD_SALT)


def _error(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    return render(request, "execution/download_error.html",
                  {"title": title, "message": message}, status=status)


@require_GET
def productions(request: HttpRequest) -> HttpResponseBase:
    return portal_required(_productions)(request)


def _productions(request: HttpRequest) -> HttpResponse:
    requester = PortalRequest.of(request).requester
    rows = list(Production.objects.filter(demand__authority_id=requester.authority_id)
                .select_related("demand", "action__target").order_by("-pk")[:LIST_LIMIT])
    links = {p.pk: reverse("productions:download", args=[download_token(p, request.user)])
             for p in rows if p.purged_at is None}
    return render(request, "execution/productions.html", {
        "rows": [(p, links.get(p.pk)) for p in rows],
        "ttl_minutes": int(DOWNLOAD_LINK_TTL.total_seconds() // 60)})


@require_GET
def download(request: HttpRequest, token: str) -> HttpResponseBase:
    return portal_required(_download)(request, token)


def _download(request: HttpRequest, token: str) -> HttpResponseBase:
    requester = PortalRequest.of(request).requester
    try:
        claim = signing.loads(token, salt=DOWNLOAD_SALT,
                              max_age=DOWNLOAD_LINK_TTL)
    except signing.SignatureExpired:
        return _error(request, 410, _("This link has expired"),
                      _("Download links are valid for a few minutes. Open the list of "
                        "productions again for a fresh one."))
    except signing.BadSignature:
        return _error(request, 404, _("No such download"), _("The link is not valid."))
    if claim.get("u") != request.user.pk:
        return _error(request, 403, _("Not your link"),
                      _("This link was issued to another officer; open the list of "
                        "productions to get your own."))
    production = (Production.objects.select_related("demand")
                  .filter(pk=claim.get("p"), demand__authority_id=requester.authority_id)
                  .first())
    if production is None:
        return _error(request, 404, _("No such download"), _("The link is not valid."))
    if production.purged_at is not None:
        return _error(request, 410, _("Deleted after the retention period"),
                      _("This production was deleted on %(day)s; its record and manifest "
                        "hash remain.") % {"day": f"{production.purged_at:%Y-%m-%d}"})
    try:
        stream = iter_package(production)
    except ProductionError as exc:
        return _error(request, 500, _("The package cannot be read"), str(exc))
    record_download(production, user=request.user, authority=requester.authority.slug,
                    ip=request.META.get("REMOTE_ADDR", ""))
    name = "".join(c if c.isalnum() or c in "-_." else "_"
                   for c in production.demand.reference)[:80]
    response = StreamingHttpResponse(stream, content_type="application/zip")
    response["Content-Disposition"] = (f'attachment; filename="{name}-production-'
                                       f'{production.pk}.zip"')
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def public_key(request: HttpRequest) -> HttpResponse:
    """The key authorities verify packages with; public by design."""
    return HttpResponse(public_key_pem(), content_type="application/x-pem-file")

