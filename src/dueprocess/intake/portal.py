"""The authority portal, mounted at ``/portal/``: officers submit and follow their demands.

An officer is a user with a :class:`~dueprocess.demands.models.Requester` profile; they
log in with a password and a TOTP code (django-otp) and see only their own authority's
demands (another authority's demand is a 404, like a missing one). Views parse input and
call the actions; errors from the actions are shown on the page with their status.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib.auth import authenticate
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from pydantic import ValidationError

from dueprocess.accounts import actions as account_actions
from dueprocess.accounts.models import ApiToken
from dueprocess.audit.models import AuditEvent
from dueprocess.demands import actions
from dueprocess.demands.inputs import DemandIn
from dueprocess.demands.models import (
    Demand,
    Notice,
    NoticeKind,
    NoticeStatus,
    Requester,
    Status,
)
from dueprocess.errors import DomainError, ForeignInstrument
from dueprocess.intake import actions as intake_actions
from dueprocess.intake import bulk
from dueprocess.intake.api_intake import document_response
from dueprocess.intake.documents import max_document_bytes, store_document
from dueprocess.intake.forms import (
    AcceptInvitationForm,
    AnswerForm,
    DemandForm,
    DocumentUploadForm,
    InstrumentChoiceForm,
    PortalLoginForm,
    TargetUploadForm,
    TokenForm,
    WithdrawForm,
    instruments_for,
)
from dueprocess.intake.instruments import refuse_foreign_instrument
from dueprocess.intake.models import BulkTargetJob, ClarificationAnswer
from dueprocess.intake.providers import requester_confidence
from dueprocess.intake.tasks import enqueue_target_job
from dueprocess.intake.uploads import limited_upload
from dueprocess.law import default_library
from dueprocess.web.access import ERROR_TEMPLATE, otp_required, portal_required
from dueprocess.web.auth import requester_of
from dueprocess.web.limits import RateLimited, client_address, hit, upload_was_cut
from dueprocess.web.requests import PortalRequest

View = Callable[..., HttpResponse]
TARGETS_SHOWN = 100




def _requester(request: HttpRequest) -> Requester:
    req: Requester = PortalRequest.of(request).requester
    return req


def _own_demand(request: HttpRequest, pk: int) -> Demand:
    demand = (Demand.objects.select_related("authority")
              .filter(pk=pk, authority_id=_requester(request).authority_id).first())
    if demand is None:
        raise Http404("no such demand")
    return demand


def _error(request: HttpRequest, exc: DomainError, title: str = "Not done") -> HttpResponse:
    return render(request, ERROR_TEMPLATE, {"status": exc.status, "title": title,
                                            "message": exc.message}, status=exc.status)


def _throttle(request: HttpRequest, key: str) -> HttpResponse | None:
    try:
        hit("portal", key)
    except RateLimited as exc:
        response = render(request, ERROR_TEMPLATE, {
            "status": 429, "title": "Too many requests", "message": exc.message}, status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response
    return None


# ----------------------------------------------------------------------------- login


@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    """Password and authenticator code on one page; the error never says which was wrong."""
    from django_otp import login as otp_login
    from django_otp import match_token

    form = PortalLoginForm(request.POST or None)
    error = ""
    if request.method == "POST":
        if (limited := _throttle(request, f"login:{client_address(request)}")) is not None:
            return limited
        if form.is_valid():
            user = authenticate(request, username=form.cleaned_data["email"].strip(),
                                password=form.cleaned_data["password"])
            device = None
            ok = user is not None and requester_of(user) is not None
            if ok and otp_required(user):
                token = form.cleaned_data["otp_token"].replace(" ", "")
                device = match_token(user, token) if token.isdigit() else None
                ok = device is not None
            if ok and user is not None:
                auth_login(request, user)
                if device is not None:
                    otp_login(request, device)
                target = request.GET.get("next") or reverse("portal:home")
                if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
                    target = reverse("portal:home")
                return redirect(target)
        error = "The e-mail, password or code is not right."
    return render(request, "intake/portal_login.html", {"form": form, "error": error},
                  status=400 if error else 200)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    return redirect("portal:login")


# ----------------------------------------------------------------------------- demands


@portal_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    requester = _requester(request)
    demands = (Demand.objects.filter(authority_id=requester.authority_id)
               .order_by("-pk")[:200])
    return render(request, "intake/portal_home.html", {
        "requester": requester, "demands": demands,
        "awaiting": Demand.objects.filter(authority_id=requester.authority_id,
                                          status=Status.AWAITING_AUTHORITY).count()})


@portal_required
@require_http_methods(["GET", "POST"])
def new_demand(request: HttpRequest) -> HttpResponse:
    requester = _requester(request)
    instrument_id = request.GET.get("instrument") or request.POST.get("instrument_id")
    if not instrument_id:
        choose = InstrumentChoiceForm(authority=requester.authority)
        return render(request, "intake/portal_choose.html", {"form": choose,
                                                             "requester": requester})
    try:
        refuse_foreign_instrument(requester.authority, instrument_id)
    except ForeignInstrument as exc:
        return _error(request, exc, "Another jurisdiction's instrument")
    instrument = default_library().get(instrument_id)
    if instrument is None or instrument.id not in {
            i.id for i in instruments_for(requester.authority)}:
        raise Http404("no such instrument for this authority")
    form = DemandForm(request.POST or None, instrument=instrument)
    error = ""
    if request.method == "POST":
        if (limited := _throttle(request, f"user:{request.user.pk}")) is not None:
            return limited
        if form.is_valid():
            try:
                data = DemandIn.model_validate(form.to_body())
            except ValidationError as exc:
                first = exc.errors()[0]
                error = f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
            else:
                try:
                    demand = actions.receive_demand(
                        data, authority=requester.authority, requester=requester,
                        user=request.user, channel="portal",
                        sender_email=getattr(request.user, "email", ""))
                except DomainError as exc:
                    error = exc.message
                else:
                    return redirect("portal:demand", pk=demand.pk)
        else:
            error = "The demand was not sent: correct the marked fields."
    return render(request, "intake/portal_new.html", {
        "form": form, "instrument": instrument, "error": error, "requester": requester,
        "ask_requirements": form.ask_requirements()}, status=400 if error else 200)


def _timeline(demand: Demand) -> list[dict[str, Any]]:
    """What the authority may see of the history: arrival and status changes only."""
    rows = []
    for e in AuditEvent.objects.filter(
            demand_id=demand.pk, verb__in=("demand.received", "demand.status_changed",
                                           "demand.targets_added", "document.added",
                                           "demand.clarification_answered")).order_by("seq"):
        payload = e.payload or {}
        if e.verb == "demand.received":
            text = "Received"
        elif e.verb == "demand.status_changed":
            text = f"Status: {Status(payload.get('to', 'received')).label}"
        elif e.verb == "demand.targets_added":
            text = f"{payload.get('added', 0):,} target(s) added by upload"
        elif e.verb == "document.added":
            text = f"Document added: {payload.get('filename', '')}"
        else:
            text = "Clarification answered"
        rows.append({"at": e.at, "text": text})
    return rows


def _demand_page(request: HttpRequest, demand: Demand, *, status: int = 200,
                 error: str = "", answer: AnswerForm | None = None) -> HttpResponse:
    # only what was sent: a draft is the platform's until a reviewer sends it
    letters = list(demand.notices.exclude(kind=NoticeKind.USER)
                   .filter(status=NoticeStatus.SENT).order_by("pk"))
    questions = [n for n in letters if n.kind == NoticeKind.CLARIFICATION_REQUEST]
    answers = list(ClarificationAnswer.objects.filter(demand=demand).order_by("pk"))
    return render(request, "intake/portal_demand.html", {
        "demand": demand, "asks": list(demand.asks.all()),
        "targets": list(demand.targets.order_by("pk")[:TARGETS_SHOWN]),
        "targets_shown": TARGETS_SHOWN,
        "documents": list(demand.documents.order_by("pk")),
        "letters": letters, "questions": questions, "answers": answers,
        "jobs": list(BulkTargetJob.objects.filter(demand=demand).order_by("-pk")[:10]),
        "timeline": _timeline(demand),
        "answer_form": answer or AnswerForm(),
        "can_answer": demand.status == Status.AWAITING_AUTHORITY,
        "can_withdraw": Status.WITHDRAWN in actions.TRANSITIONS[demand.status],
        "can_add": demand.status in bulk.OPEN_FOR_TARGETS,
        "upload_form": TargetUploadForm(), "document_form": DocumentUploadForm(),
        "withdraw_form": WithdrawForm(), "error": error,
        "max_document_mib": max_document_bytes() // (1024 * 1024),
    }, status=status)


@portal_required
@require_GET
def demand_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _demand_page(request, _own_demand(request, pk))


@portal_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    demand = _own_demand(request, pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _demand_page(request, demand, status=400, answer=form,
                            error="Write the answer before sending it.")
    try:
        intake_actions.answer_clarification(demand, form.cleaned_data["answer"],
                                            user=request.user)
    except DomainError as exc:
        return _demand_page(request, demand, status=exc.status, answer=form, error=exc.message)
    return redirect("portal:demand", pk=demand.pk)


@portal_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    demand = _own_demand(request, pk)
    form = WithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        actions.withdraw_demand(demand, user=request.user, reason=reason)
    except DomainError as exc:
        return _demand_page(request, demand, status=exc.status, error=exc.message)
    return redirect("portal:demand", pk=demand.pk)


@portal_required
@limited_upload(max_document_bytes, error_template=ERROR_TEMPLATE)
@require_POST
def upload_document(request: HttpRequest, pk: int) -> HttpResponse:
    demand = _own_demand(request, pk)
    if upload_was_cut(request):
        return _demand_page(request, demand, status=413, error="The document is too large.")
    form = DocumentUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _demand_page(request, demand, status=400, error="Choose a PDF file to upload.")
    upload = form.cleaned_data["file"]
    try:
        store_document(demand, filename=upload.name, chunks=upload.chunks(1 << 20),
                       user=request.user)
    except DomainError as exc:
        return _demand_page(request, demand, status=exc.status, error=exc.message)
    return redirect(reverse("portal:demand", args=[demand.pk]) + "#documents")


@portal_required
@require_GET
def document(request: HttpRequest, pk: int, doc: int) -> HttpResponse:
    demand = _own_demand(request, pk)
    found = demand.documents.filter(pk=doc).first()
    if found is None:
        raise Http404("no such document")
    try:
        return cast(HttpResponse, document_response(request, demand, found))
    except DomainError as exc:
        return _error(request, exc)


def start_target_upload(request: HttpRequest, demand: Demand
                        ) -> tuple[BulkTargetJob | None, str, int]:
    """Shared by the portal and the console: save the upload, run it or queue it."""
    if upload_was_cut(request):
        return None, "The list is larger than the upload limit; nothing was added.", 413
    form = TargetUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return None, "Choose a CSV or text file to upload.", 400
    upload = form.cleaned_data["file"]
    try:
        job = bulk.create_job(demand, chunks=upload.chunks(1 << 20), filename=upload.name,
                              default_type=form.cleaned_data["type"], user=request.user)
    except DomainError as exc:
        return None, exc.message, exc.status
    if job.bytes_total > bulk.sync_limit_bytes():
        enqueue_target_job(job)
        return job, "", 202
    bulk.sweep_stale_jobs()
    try:
        bulk.run_job(job, user=request.user)
    except bulk.JobFailed as exc:
        return exc.job, exc.message, exc.status
    except DomainError as exc:
        return job, exc.message, exc.status
    return job, "", 200


@portal_required
@limited_upload(bulk.max_upload_bytes, error_template=ERROR_TEMPLATE)
@require_POST
def upload_targets(request: HttpRequest, pk: int) -> HttpResponse:
    demand = _own_demand(request, pk)
    job, error, status = start_target_upload(request, demand)
    if job is None:
        return _demand_page(request, demand, status=status, error=error)
    return redirect("portal:job", pk=demand.pk, job=job.pk)


@portal_required
@require_GET
def job(request: HttpRequest, pk: int, job: int) -> HttpResponse:
    demand = _own_demand(request, pk)
    row = BulkTargetJob.objects.select_related("demand").filter(pk=job, demand=demand).first()
    if row is None:
        raise Http404("no such upload")
    if request.GET.get("format") == "json":
        return JsonResponse(bulk.job_summary(row))
    return render(request, "intake/portal_job.html", {"demand": demand, "job": row,
                                                      "errors": row.errors[:200]})


# ----------------------------------------------------------------------------- letters


@portal_required
@require_GET
def letter(request: HttpRequest, pk: int, notice: int) -> HttpResponse:
    demand = _own_demand(request, pk)
    row = (Notice.objects.filter(pk=notice, demand=demand, status=NoticeStatus.SENT)
           .exclude(kind=NoticeKind.USER).first())
    if row is None:
        raise Http404("no such letter")
    return render(request, "intake/portal_letter.html", {"demand": demand, "letter": row})


# ----------------------------------------------------------------------------- account


@portal_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    requester = _requester(request)
    form = TokenForm(request.POST or None)
    new_token = ""
    error = ""
    if request.method == "POST":
        if form.is_valid():
            try:
                _, new_token = account_actions.issue_token(
                    request.user, name=form.cleaned_data["name"],
                    scopes=form.cleaned_data["scopes"],
                    expires_in_days=form.cleaned_data["expires_in_days"])
            except DomainError as exc:
                error = exc.message
            else:
                form = TokenForm()
        else:
            error = "The token was not created: correct the marked fields."
    tokens = ApiToken.objects.filter(user_id=_requester(request).user_id).order_by("-created_at")
    return render(request, "intake/portal_account.html", {
        "requester": requester, "form": form, "tokens": tokens, "new_token": new_token,
        "error": error, "confidence": requester_confidence(requester)},
        status=400 if error else 200)


@portal_required
@require_POST
def revoke_token(request: HttpRequest, token: int) -> HttpResponse:
    row = ApiToken.objects.filter(pk=token, user_id=_requester(request).user_id).first()
    if row is None:
        raise Http404("no such token")
    account_actions.revoke_token(row, user=request.user)
    return redirect("portal:account")


# ----------------------------------------------------------------------------- invitations


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Accept an invitation: choose a password and pair an authenticator app."""
    import segno
    from django_otp import login as otp_login
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_otp.util import random_hex

    try:
        inv = intake_actions.find_invitation(token)
    except DomainError as exc:
        return _error(request, exc, title="Invitation")
    session_key = f"dp-invite-{inv.pk}"
    key = request.session.get(session_key) or random_hex(20)
    request.session[session_key] = key
    form = AcceptInvitationForm(request.POST or None)
    error = ""
    if request.method == "POST":
        if (limited := _throttle(request, f"invite:{client_address(request)}")) is not None:
            return limited
        if form.is_valid():
            try:
                user = intake_actions.accept_invitation(
                    token, password=form.cleaned_data["password"], totp_key=key,
                    totp_token=form.cleaned_data["otp_token"])
            except DomainError as exc:
                error = exc.message
            else:
                request.session.pop(session_key, None)
                auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
                if device is not None:
                    otp_login(request, device)
                return redirect("portal:home")
        else:
            error = "Correct the marked fields."
    device = TOTPDevice(user=None, key=key, name=inv.email)
    uri = _otpauth_uri(device, inv.email)
    qr_svg = segno.make(uri, error="m").svg_inline(scale=4)
    return render(request, "intake/portal_invitation.html", {
        "invitation": inv, "form": form, "error": error, "qr_svg": qr_svg,
        "secret": _base32(key), "uri": uri}, status=400 if error else 200)


def _base32(hex_key: str) -> str:
    import base64

    return base64.b32encode(bytes.fromhex(hex_key)).decode("ascii").rstrip("=")


def _otpauth_uri(device: Any, label: str) -> str:
    from urllib.parse import quote, urlencode

    params = {"secret": _base32(device.key), "issuer": "dueprocess", "digits": 6,
              "period": 30, "algorithm": "SHA1"}
    return f"otpauth://totp/{quote('dueprocess:' + label)}?{urlencode(params)}"
