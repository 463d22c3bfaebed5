"""The authority portal, mounted at ``/portal/``: officers submit and follow their demands.

An officer is a user with a :class:`~dueprocess.demands.models.Requester` profile; they
log in with a password and a TOTP code (django-otp) and see only their own authority's
demands (another authority's demand is a 404, like a missing one). Views parse input and
call the actions; errors from the actions are shown on the page with their status.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, gettext_noop, ngettext, pgettext
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
from dueprocess.demands.reasons import REASON_LABELS
from dueprocess.errors import DomainError, ForeignInstrument
from dueprocess.intake import actions as intake_actions
from dueprocess.intake import bulk
from dueprocess.intake.api import demand_out
from dueprocess.intake.api_intake import document_response
from dueprocess.intake.checklist import check, checklist, documents_needed
from dueprocess.intake.documents import check_document, max_document_bytes, store_document
from dueprocess.intake.forms import (
    ASK_PREFIXES,
    AcceptInvitationForm,
    AnswerForm,
    AttachmentsForm,
    DemandForm,
    DocumentUploadForm,
    InstrumentChoiceForm,
    PortalLoginForm,
    TargetUploadForm,
    TokenForm,
    VerifyPackageForm,
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
from dueprocess.web.limits import (
    MULTIPART_OVERHEAD,
    RateLimited,
    client_address,
    hit,
    upload_was_cut,
)
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


def _error(request: HttpRequest, exc: DomainError, title: str = "") -> HttpResponse:
    return render(request, ERROR_TEMPLATE, {"status": exc.status,
                                            "title": title or gettext("Not done"),
                                            "message": exc.message}, status=exc.status)


def _throttle(request: HttpRequest, key: str) -> HttpResponse | None:
    try:
        hit("portal", key)
    except RateLimited as exc:
        response = render(request, ERROR_TEMPLATE, {
            "status": 429, "title": gettext("Too many requests"), "message": exc.message},
            status=429)
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
        error = gettext("The e-mail, password or code is not right.")
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


def submission_limit_bytes() -> int:
    """A new demand's body: the form and up to three documents of the usual size."""
    return 3 * max_document_bytes() + MAX_FORM_BYTES


#: The typed fields of the demand form (up to 1,000 targets), generously.
MAX_FORM_BYTES = 4 * 1024 * 1024
OUTCOMES = {
    "comply": gettext_noop("Complied"), "comply_partially": gettext_noop("Partially complied"),
    "reject": gettext_noop("Refused"), "hold": gettext_noop("On hold"),
    "route_mlat": gettext_noop("Referred to mutual legal assistance (MLAT)"),
}


def _plain(message: str) -> str:
    """Pydantic's wording without its prefix, as a sentence."""
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    message = message[:1].upper() + message[1:]
    return message if message.endswith(".") else message + "."


def _field_for(form: DemandForm, loc: tuple[Any, ...]) -> str | None:
    """The form field an API validation error belongs beside (``asks.1.days`` is the
    second ask's ``also_days``); ``None`` puts it above the form."""
    head = str(loc[0]) if loc else ""
    if head == "asks" and len(loc) > 1 and isinstance(loc[1], int):
        used = [p for p in ASK_PREFIXES if form.cleaned_data.get(f"{p}ask_kind")]
        prefix = used[loc[1]] if loc[1] < len(used) else ""
        name = f"{prefix}{loc[2]}" if len(loc) > 2 else f"{prefix}ask_kind"
        return name if name in form.fields else f"{prefix}ask_kind"
    names = {"targets": "targets", "issued_by": "issued_by_name", "officials": "approver_name",
             "non_disclosure": "non_disclosure_until", "instrument": None}
    if head in names:
        return names[head]
    return head if head in form.fields else None


#: API messages about a whole ask that belong beside one field, in the portal's words.
ASK_MESSAGES = {
    "date_from is after date_to": ("date_to",
                                   gettext_noop("The end date is before the start date.")),
    "a disclose ask names at least one data category": (
        "data_categories", gettext_noop("Choose at least one data category.")),
    "withholding needs a territorial_scope": (
        "territorial_scope", gettext_noop("Name the countries the restriction applies in.")),
}


def _place_errors(form: DemandForm, exc: ValidationError) -> None:
    """Put each of the API's validation errors beside the form field it concerns."""
    for err in exc.errors():
        loc = tuple(err["loc"])
        raw = str(err["msg"]).removeprefix("Value error, ")
        field = _field_for(form, loc)
        message = _plain(raw)
        if raw in ASK_MESSAGES and field is not None and field.endswith("ask_kind"):
            name, message = ASK_MESSAGES[raw]
            message = gettext(message)
            field = field.removesuffix("ask_kind") + name
        elif loc and loc[0] == "targets" and len(loc) > 1 and isinstance(loc[1], int):
            message = gettext("Target %(n)s: %(message)s") % {"n": loc[1] + 1,
                                                              "message": message}
        form.add_error(field, message)


def _check_attachments(attachments: AttachmentsForm) -> list[tuple[str, Any]]:
    """Every attached file must be a readable PDF within the limit before the demand is
    made, so a bad file leaves nothing behind; the reason goes beside its field."""
    uploads = []
    seen: dict[str, str] = {}
    for name, upload in attachments.uploads():
        try:
            sha = check_document(upload.name, upload.chunks(1 << 20))
        except DomainError as exc:
            attachments.add_error(name, exc.message)
            continue
        if sha in seen:
            attachments.add_error(name, gettext(
                "The same file is already attached as %(field)s.")
                % {"field": attachments.fields[seen[sha]].label})
            continue
        seen[sha] = name
        uploads.append((name, upload))
    return uploads


@portal_required
@limited_upload(submission_limit_bytes, error_template=ERROR_TEMPLATE)
@require_http_methods(["GET", "POST"])
def new_demand(request: HttpRequest) -> HttpResponse:
    requester = _requester(request)
    instrument_id = request.GET.get("instrument") or request.POST.get("instrument_id")
    offered = instruments_for(requester.authority)
    if not instrument_id:
        choose = InstrumentChoiceForm(authority=requester.authority)
        return render(request, "intake/portal_choose.html", {
            "form": choose, "requester": requester,
            "checklists": {i.id: [{"label": item.label, "kind": item.kind, "asks": item.asks}
                                  for item in checklist(i)] for i in offered},
            "first": checklist(offered[0]) if offered else []})
    try:
        refuse_foreign_instrument(requester.authority, instrument_id)
    except ForeignInstrument as exc:
        return _error(request, exc, gettext("Another jurisdiction's instrument"))
    instrument = default_library().get(instrument_id)
    if instrument is None or instrument.id not in {i.id for i in offered}:
        raise Http404("no such instrument for this authority")
    if request.method == "POST" and upload_was_cut(request):
        return render(request, ERROR_TEMPLATE, {
            "status": 413, "title": gettext("The attachments are too large"),
            "message": gettext("The documents together are larger than the upload limit; "
                               "nothing was sent. Submit the demand with fewer documents and "
                               "attach the rest on its page.")}, status=413)
    form = DemandForm(request.POST or None, instrument=instrument)
    attachments = AttachmentsForm(request.POST or None, request.FILES or None)
    error = ""
    items = checklist(instrument)
    if request.method == "POST":
        items = check(instrument, request.POST, request.FILES)
        if (limited := _throttle(request, f"user:{request.user.pk}")) is not None:
            return limited
        valid = form.is_valid() & attachments.is_valid()
        uploads = _check_attachments(attachments) if attachments.is_bound else []
        if valid and not attachments.errors:
            try:
                data = DemandIn.model_validate(form.to_body())
            except ValidationError as exc:
                _place_errors(form, exc)
            else:
                try:
                    demand = actions.receive_demand(
                        data, authority=requester.authority, requester=requester,
                        user=request.user, channel="portal",
                        sender_email=getattr(request.user, "email", ""))
                except DomainError as exc:
                    loc = tuple(int(p) if p.isdigit() else p
                                for p in (exc.field or "").split(".") if p)
                    form.add_error(_field_for(form, loc), _plain(exc.message))
                else:
                    return _attach(request, demand, uploads)
        error = gettext("The demand was not sent: correct the fields marked below.")
    return render(request, "intake/portal_new.html", {
        "form": form, "attachments": attachments, "files_dropped": bool(request.FILES),
        "instrument": instrument, "error": error,
        "requester": requester, "ask_requirements": form.ask_requirements(),
        "checklist": items, "max_document_mib": max_document_bytes() // (1024 * 1024)},
        status=400 if error else 200)


def _attach(request: HttpRequest, demand: Demand, uploads: list[tuple[str, Any]]
            ) -> HttpResponse:
    """Store the checked attachments on the new demand; the demand stands either way."""
    failed = []
    for _, upload in uploads:
        try:
            store_document(demand, filename=upload.name, chunks=upload.chunks(1 << 20),
                           user=request.user)
        except DomainError as exc:
            failed.append(f"{upload.name}: {exc.message}")
    if failed:
        return _demand_page(request, demand, status=201, error=gettext(
            "The demand was received, but not every document could be attached: "
            "%(failures)s. Attach them again below.") % {"failures": "; ".join(failed)})
    return redirect("portal:demand", pk=demand.pk)


def _timeline(demand: Demand) -> list[dict[str, Any]]:
    """What the authority may see of the history: arrival and status changes only."""
    rows = []
    for e in AuditEvent.objects.filter(
            demand_id=demand.pk, verb__in=("demand.received", "demand.status_changed",
                                           "demand.targets_added", "document.added",
                                           "demand.clarification_answered")).order_by("seq"):
        payload = e.payload or {}
        if e.verb == "demand.received":
            text = pgettext("demand event", "Received")
        elif e.verb == "demand.status_changed":
            text = gettext("Status: %(status)s") % {
                "status": Status(payload.get("to", "received")).label}
        elif e.verb == "demand.targets_added":
            added = int(payload.get("added", 0) or 0)
            text = ngettext("%(n)s target added by upload", "%(n)s targets added by upload",
                            added) % {"n": f"{added:,}"}
        elif e.verb == "document.added":
            text = gettext("Document added: %(filename)s") % {
                "filename": payload.get("filename", "")}
        else:
            text = gettext("Clarification answered")
        rows.append({"at": e.at, "text": text})
    return rows


def _demand_page(request: HttpRequest, demand: Demand, *, status: int = 200,
                 error: str = "", answer: AnswerForm | None = None) -> HttpResponse:
    # only what was sent: a draft is the platform's until a reviewer sends it
    letters = list(demand.notices.exclude(kind=NoticeKind.USER)
                   .filter(status=NoticeStatus.SENT).order_by("pk"))
    questions = [n for n in letters if n.kind == NoticeKind.CLARIFICATION_REQUEST]
    answers = list(ClarificationAnswer.objects.filter(demand=demand).order_by("pk"))
    asks = list(demand.asks.all())
    instrument = default_library().get(demand.instrument)
    return render(request, "intake/portal_demand.html", {
        "demand": demand, "asks": asks, "decisions": decision_rows(demand, asks),
        "documents_expected": documents_needed(instrument) if instrument else [],
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
                            error=gettext("Write the answer before sending it."))
    try:
        intake_actions.answer_clarification(demand, form.cleaned_data["answer"],
                                            user=request.user)
    except DomainError as exc:
        return _demand_page(request, demand, status=exc.status, answer=form, error=exc.message)
    return redirect("portal:demand", pk=demand.pk)


@portal_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """A page of its own that asks for the reason and a deliberate second click."""
    demand = _own_demand(request, pk)
    form = WithdrawForm(request.POST) if request.method == "POST" else WithdrawForm()
    error, status = "", 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.withdraw_demand(demand, user=request.user,
                                        reason=form.cleaned_data["reason"])
            except DomainError as exc:
                error = exc.message
                status = exc.status
            else:
                return redirect("portal:demand", pk=demand.pk)
        else:
            error, status = gettext("The demand was not withdrawn: give the reason below."), 400
    if not error and Status.WITHDRAWN not in actions.TRANSITIONS[demand.status]:
        error, status = gettext("A demand that is %(status)s cannot be withdrawn.") % {
            "status": demand.get_status_display().lower()}, 409
    return render(request, "intake/portal_withdraw.html", {
        "demand": demand, "form": form, "error": error}, status=status)


def decision_rows(demand: Demand, asks: list[Any]) -> list[dict[str, Any]]:
    """The decisions as the demand's authority may see them: read through the API's own
    authority view (:func:`~dueprocess.intake.api.demand_out` without staff), so the page
    never shows what the API withholds (rationales, what is known of the targets)."""
    by_position = {a.position: a for a in asks}
    rows = []
    for d in demand_out(demand, staff=False, target_limit=0).decisions:
        ask = by_position.get(d.ask)
        narrowed = d.narrowed or {}
        detail = []
        if narrowed.get("measure") == "withhold":
            where = (", ".join(narrowed.get("territorial_scope") or ())
                     or gettext("some countries"))
            detail.append(gettext("withheld in %(where)s") % {"where": where})
        elif narrowed.get("measure"):
            detail.append(gettext("measure: %(measure)s") % {"measure": narrowed["measure"]})
        if narrowed.get("data_categories"):
            detail.append(gettext("only %(categories)s") % {
                "categories": ", ".join(narrowed["data_categories"])})
        if narrowed.get("date_from") or narrowed.get("date_to"):
            detail.append(gettext("%(start)s to %(end)s") % {
                "start": narrowed.get("date_from") or "…",
                "end": narrowed.get("date_to") or "…"})
        rows.append({
            "ask": ask.kind if ask else gettext("ask %(n)s") % {"n": d.ask + 1},
            "target": d.target or gettext("every target"),
            "outcome": d.outcome,
            "outcome_label": gettext(OUTCOMES[d.outcome]) if d.outcome in OUTCOMES
            else d.outcome,
            "detail": "; ".join(detail),
            "reasons": [str(REASON_LABELS.get(c, c)) for c in d.reason_codes],
            "decided_at": d.decided_at,
        })
    return rows


@portal_required
@limited_upload(max_document_bytes, error_template=ERROR_TEMPLATE)
@require_POST
def upload_document(request: HttpRequest, pk: int) -> HttpResponse:
    demand = _own_demand(request, pk)
    if upload_was_cut(request):
        return _demand_page(request, demand, status=413,
                            error=gettext("The document is too large."))
    form = DocumentUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _demand_page(request, demand, status=400,
                            error=gettext("Choose a PDF file to upload."))
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
        return None, gettext("The list is larger than the upload limit; nothing was added."), 413
    form = TargetUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return None, gettext("Choose a CSV or text file to upload."), 400
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


# ----------------------------------------------------------------------------- verification

DEFAULT_VERIFY_MAX_BYTES = 512 * 1024 * 1024


def max_verify_bytes() -> int:
    """The largest package the page checks; bigger ones are for the command line."""
    return int(getattr(settings, "DUEPROCESS_VERIFY_MAX_BYTES", DEFAULT_VERIFY_MAX_BYTES))


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.0f} MiB"
    return gettext("%(n)s bytes") % {"n": f"{n:,}"}


def _verify_limit() -> int:
    return max_verify_bytes() + MULTIPART_OVERHEAD


@portal_required
@limited_upload(_verify_limit, error_template=ERROR_TEMPLATE)
@require_http_methods(["GET", "POST"])
def verify_package(request: HttpRequest) -> HttpResponse:
    """Check a downloaded production package with the code of ``dueprocess production
    verify``. The upload is only read: it lives in a temporary file for the request and is
    gone afterwards; nothing is recorded but the officer's rate count."""
    from dueprocess.execution.productions import key_fingerprint, public_key, public_key_pem
    from dueprocess.execution.verify import verify_zip

    form = (VerifyPackageForm(request.POST, request.FILES) if request.method == "POST"
            else VerifyPackageForm())
    result = None
    status = 200
    if request.method == "POST":
        if (limited := _throttle(request, f"user:{request.user.pk}")) is not None:
            return limited
        too_large = gettext("The file is larger than %(limit)s, the limit here; check it "
                            "with the command line instead.") % {
                                "limit": _size(max_verify_bytes())}
        if upload_was_cut(request):
            form = VerifyPackageForm()
            form.add_error("package", too_large)
            status = 413
        elif form.is_valid() and form.cleaned_data["package"].size > max_verify_bytes():
            form.add_error("package", too_large)
            status = 413
        elif form.is_valid():
            key = (form.cleaned_data["public_key"] or "").strip() or public_key_pem()
            upload = form.cleaned_data["package"]
            try:
                result = verify_zip(upload.open("rb"), key)
            finally:
                upload.close()
            status = 200
        else:
            status = 400
    return render(request, "intake/portal_verify.html", {
        "form": form, "result": result, "public_key": public_key_pem().decode("ascii"),
        "fingerprint": key_fingerprint(public_key()),
        "max_size": _size(max_verify_bytes())}, status=status)


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
            error = gettext("The token was not created: correct the marked fields.")
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
        return _error(request, exc, title=gettext("Invitation"))
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
            error = gettext("Correct the marked fields.")
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
