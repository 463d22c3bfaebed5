"""Intake pages of the staff console, mounted at ``/intake/``.

Sender verification of a demand (registry domain, look-alikes, fraud signals, header
problems, requester confidence), callbacks, documents, bulk targets, e-mail import, fraud
signals and officer invitations. Platform staff only (the review console's rule).
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dueprocess.blobstore import BlobError
from dueprocess.demands.actions import record_view
from dueprocess.demands.models import Authority, Demand
from dueprocess.errors import DomainError
from dueprocess.intake import actions as intake_actions
from dueprocess.intake import bulk, permissions
from dueprocess.intake.api_intake import document_response
from dueprocess.intake.documents import max_document_bytes, store_document
from dueprocess.intake.email_intake import (
    import_eml,
    max_email_bytes,
    open_original,
    unread_emails,
)
from dueprocess.intake.forms import (
    CallbackForm,
    DocumentUploadForm,
    EmailImportForm,
    InvitationForm,
    SignalForm,
    SignalImportForm,
    TargetUploadForm,
)
from dueprocess.intake.models import (
    BulkTargetJob,
    CallbackRecord,
    ClarificationAnswer,
    FraudSignal,
    InboundEmail,
    Invitation,
)
from dueprocess.intake.portal import start_target_upload
from dueprocess.intake.providers import requester_confidence, sender_report
from dueprocess.intake.uploads import limited_upload
from dueprocess.intake.verification import ascii_domain
from dueprocess.web.access import staff_required
from dueprocess.web.limits import upload_was_cut

ERROR_TEMPLATE = "intake/console_error.html"


def _refuse(request: HttpRequest, perms: tuple[str, ...]) -> HttpResponse | None:
    if permissions.allowed(request.user, perms):
        return None
    return render(request, ERROR_TEMPLATE, {
        "status": 403, "title": gettext("Not allowed"),
        "message": gettext("This needs the permission %(permission)s.") % {
            "permission": perms[0]}}, status=403)


@staff_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "intake/console_index.html", {
        "emails": InboundEmail.objects.select_related("demand")[:20],
        "jobs": BulkTargetJob.objects.select_related("demand")[:20],
        "signals": FraudSignal.objects.filter(revoked_at__isnull=True).count(),
        "email_form": EmailImportForm(),
    })


def _verification_page(request: HttpRequest, demand: Demand, *, status: int = 200,
                       error: str = "", callback_form: CallbackForm | None = None
                       ) -> HttpResponse:
    record_view(demand, user=request.user, what="intake_page")
    report = sender_report(demand)
    phones = [p for p in demand.authority.phones or () if isinstance(p, str)]
    return render(request, "intake/console_demand.html", {
        "demand": demand, "report": report,
        "ascii_domain": ascii_domain(report.domain) if report and report.domain else "",
        "confidence": requester_confidence(demand.requester) if demand.requester else None,
        "auth_findings": list(demand.findings.current().filter(code__startswith="auth.")),
        "callbacks": CallbackRecord.objects.filter(demand=demand).select_related(
            "recorded_by"),
        "callback_form": callback_form or CallbackForm(phones=phones),
        "phones": phones,
        "documents": demand.documents.order_by("pk"),
        "email": InboundEmail.objects.filter(demand=demand).first(),
        "jobs": BulkTargetJob.objects.filter(demand=demand)[:10],
        "answers": ClarificationAnswer.objects.filter(demand=demand),
        "upload_form": TargetUploadForm(), "document_form": DocumentUploadForm(),
        "error": error, "can_add": demand.status in bulk.OPEN_FOR_TARGETS,
    }, status=status)


def _demand(pk: int) -> Demand:
    return get_object_or_404(Demand.objects.select_related("authority", "requester__user"),
                             pk=pk)


@staff_required
@require_GET
def demand(request: HttpRequest, pk: int) -> HttpResponse:
    return _verification_page(request, _demand(pk))


@staff_required
@require_POST
def callback(request: HttpRequest, pk: int) -> HttpResponse:
    found = _demand(pk)
    if (refused := _refuse(request, permissions.CALLBACK)) is not None:
        return refused
    phones = [p for p in found.authority.phones or () if isinstance(p, str)]
    form = CallbackForm(request.POST, phones=phones)
    if not form.is_valid():
        return _verification_page(request, found, status=400, callback_form=form,
                                  error=gettext("The callback was not recorded: pick a "
                                                "registry number and the outcome."))
    try:
        intake_actions.record_callback(found, user=request.user, **form.cleaned_data)
    except DomainError as exc:
        return _verification_page(request, found, status=exc.status, callback_form=form,
                                  error=exc.message)
    messages.success(request, gettext("Callback recorded; the demand was vetted again."))
    return redirect("intake:demand", pk=found.pk)


@staff_required
@limited_upload(max_document_bytes, error_template=ERROR_TEMPLATE)
@require_POST
def upload_document(request: HttpRequest, pk: int) -> HttpResponse:
    found = _demand(pk)
    if (refused := _refuse(request, permissions.DOCUMENT)) is not None:
        return refused
    if upload_was_cut(request):
        return _verification_page(request, found, status=413,
                                  error=gettext("The file is too large."))
    form = DocumentUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _verification_page(request, found, status=400,
                                  error=gettext("Choose a PDF file."))
    upload = form.cleaned_data["file"]
    try:
        store_document(found, filename=upload.name, chunks=upload.chunks(1 << 20),
                       user=request.user)
    except DomainError as exc:
        return _verification_page(request, found, status=exc.status, error=exc.message)
    messages.success(request, gettext("%(filename)s attached.") % {"filename": upload.name})
    return redirect("intake:demand", pk=found.pk)


@staff_required
@require_GET
def document(request: HttpRequest, pk: int, doc: int) -> HttpResponse:
    found = _demand(pk)
    row = found.documents.filter(pk=doc).first()
    if row is None:
        raise Http404("no such document")
    try:
        return cast(HttpResponse, document_response(request, found, row))
    except DomainError as exc:
        return render(request, ERROR_TEMPLATE, {"status": exc.status,
                                                "title": gettext("Document"),
                                                "message": exc.message}, status=exc.status)


@staff_required
@limited_upload(bulk.max_upload_bytes, error_template=ERROR_TEMPLATE)
@require_POST
def upload_targets(request: HttpRequest, pk: int) -> HttpResponse:
    found = _demand(pk)
    if (refused := _refuse(request, permissions.TARGETS)) is not None:
        return refused
    job, error, status = start_target_upload(request, found)
    if job is None:
        return _verification_page(request, found, status=status, error=error)
    return redirect("intake:job", job=job.pk)


@staff_required
@require_GET
def job(request: HttpRequest, job: int) -> HttpResponse:
    row = get_object_or_404(BulkTargetJob.objects.select_related("demand"), pk=job)
    if request.GET.get("format") == "json":
        return JsonResponse(bulk.job_summary(row))
    return render(request, "intake/console_job.html", {"demand": row.demand, "job": row,
                                                       "errors": row.errors[:200]})


@staff_required
@require_GET
def email_original(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(InboundEmail, pk=pk)
    try:
        fh = open_original(row)
    except BlobError:
        fh = None
    if fh is None:
        raise Http404("the stored message is missing")
    if row.demand is not None:
        record_view(row.demand, user=request.user, what=f"email:{row.pk}")
    response = FileResponse(fh, as_attachment=True,
                            filename=f"demand-{row.demand_id}.eml" if row.demand_id
                            else f"message-{row.pk}.eml",
                            content_type="message/rfc822")
    response["X-Content-Type-Options"] = "nosniff"
    return cast(HttpResponse, response)


@staff_required
@limited_upload(max_email_bytes, error_template=ERROR_TEMPLATE)
@require_http_methods(["GET", "POST"])
def email_import(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "intake/console_email.html",
                      {"form": EmailImportForm(), "unread": unread_emails()})
    if (refused := _refuse(request, permissions.EMAIL)) is not None:
        return refused
    form = EmailImportForm(request.POST, request.FILES)
    error = ""
    if upload_was_cut(request):
        error = gettext("The message is larger than the limit.")
    elif form.is_valid():
        data = b"".join(form.cleaned_data["file"].chunks(1 << 20))
        try:
            inbound = import_eml(data, user=request.user,
                                 authority=form.cleaned_data["authority"] or None)
        except DomainError as exc:
            return render(request, "intake/console_email.html",
                          {"form": form, "error": exc.message, "unread": unread_emails()},
                          status=exc.status)
        messages.success(request, gettext("Imported as demand #%(pk)s.") % {
            "pk": inbound.demand_id})
        return redirect("intake:demand", pk=inbound.demand_id)
    else:
        error = gettext("Choose the .eml file.")
    return render(request, "intake/console_email.html",
                  {"form": form, "error": error, "unread": unread_emails()}, status=400)


# ----------------------------------------------------------------------------- fraud signals


@staff_required
@require_http_methods(["GET", "POST"])
def signals(request: HttpRequest) -> HttpResponse:
    form = SignalForm(request.POST or None)
    error = ""
    if request.method == "POST":
        if (refused := _refuse(request, permissions.SIGNALS)) is not None:
            return refused
        if form.is_valid():
            try:
                intake_actions.mark_fraudulent(
                    form.cleaned_data["kind"], form.cleaned_data["value"],
                    reason=form.cleaned_data["reason"], user=request.user)
            except DomainError as exc:
                error = exc.message
            else:
                messages.success(request, gettext("Marked fraudulent; open demands from it "
                                                  "were vetted again."))
                return redirect("intake:signals")
        else:
            error = gettext("Give an address or a domain.")
    return _signals_page(request, form=form, error=error, status=400 if error else 200)


def _signals_page(request: HttpRequest, *, form: SignalForm | None = None, error: str = "",
                  result: Any = None, status: int = 200) -> HttpResponse:
    return render(request, "intake/console_signals.html", {
        "form": form or SignalForm(), "import_form": SignalImportForm(),
        "signals": FraudSignal.objects.order_by("revoked_at", "kind", "value")[:1000],
        "error": error, "result": result}, status=status)


@staff_required
@require_POST
def signal_clear(request: HttpRequest, pk: int) -> HttpResponse:
    if (refused := _refuse(request, permissions.SIGNALS)) is not None:
        return refused
    intake_actions.clear_signal(get_object_or_404(FraudSignal, pk=pk), user=request.user)
    return redirect("intake:signals")


def _signal_limit() -> int:
    return 20 * 1024 * 1024


@staff_required
@limited_upload(_signal_limit, error_template=ERROR_TEMPLATE)
@require_POST
def signal_import(request: HttpRequest) -> HttpResponse:
    if (refused := _refuse(request, permissions.SIGNALS)) is not None:
        return refused
    form = SignalImportForm(request.POST, request.FILES)
    if upload_was_cut(request) or not form.is_valid():
        return _signals_page(request, error=gettext("Choose a CSV file (at most 20 MiB)."),
                             status=400)
    data = b"".join(form.cleaned_data["file"].chunks(1 << 20))
    try:
        result = intake_actions.import_signals(
            data, user=request.user, source=form.cleaned_data["source"]
            or form.cleaned_data["file"].name)
    except DomainError as exc:
        return _signals_page(request, error=exc.message, status=exc.status)
    return _signals_page(request, result=result)


@staff_required
@require_GET
def signal_export(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(intake_actions.export_signals(), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="fraud-signals.csv"'
    return response


# ----------------------------------------------------------------------------- invitations


@staff_required
@require_http_methods(["GET", "POST"])
def invitations(request: HttpRequest) -> HttpResponse:
    form = InvitationForm(request.POST or None)
    link = ""
    error = ""
    if request.method == "POST":
        if (refused := _refuse(request, permissions.INVITE)) is not None:
            return refused
        if form.is_valid():
            authority = Authority.objects.get(slug=form.cleaned_data["authority"])
            try:
                _, raw = intake_actions.invite_requester(
                    authority, form.cleaned_data["email"], title=form.cleaned_data["title"],
                    user=request.user)
            except DomainError as exc:
                error = exc.message
            else:
                link = request.build_absolute_uri(reverse("portal:invitation", args=[raw]))
                _send_invitation(form.cleaned_data["email"], authority, link)
                form = InvitationForm()
        else:
            error = gettext("Correct the marked fields.")
    return render(request, "intake/console_invitations.html", {
        "form": form, "link": link, "error": error,
        "invitations": Invitation.objects.select_related("authority")[:200]},
        status=400 if error else 200)


def _send_invitation(email: str, authority: Authority, link: str) -> None:
    from django.core.mail import send_mail

    send_mail(
        subject="Your account on the platform's law enforcement portal",
        message=(f"You have been invited to submit legal process on behalf of "
                 f"{authority.name}.\n\nOpen this link within 7 days to choose a password "
                 f"and set up an authenticator app:\n\n{link}\n\nIf you did not expect this "
                 "message, ignore it."),
        from_email=None, recipient_list=[email], fail_silently=True)
