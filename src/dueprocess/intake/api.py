"""The HTTP API under /api/v1: thin handlers over the actions, errors mapped in one place."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import pydantic
from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError, OperationalError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Query, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError

from dueprocess.accounts.roles import APPROVE_PERM, NOTE_PERM, READ_PERM
from dueprocess.audit.chain import record
from dueprocess.demands import actions
from dueprocess.demands.inputs import DecisionsIn, DemandIn
from dueprocess.demands.models import Authority, Demand, Notice, NoticeKind, NoticeStatus
from dueprocess.errors import Conflict, DomainError, Forbidden, InvalidInput
from dueprocess.intake.auth import (
    AUTHORITY_FINDINGS,
    TokenAuth,
    get_visible_demand,
    is_staff,
    requester_of,
    require_perm,
    resolve_authority,
    visible_demands,
)
from dueprocess.intake.limits import RateLimited
from dueprocess.intake.schemas import (
    AskOut,
    AuthorityIn,
    AuthorityOut,
    DecisionOut,
    DemandOut,
    DemandPage,
    DemandSummary,
    ErrorOut,
    FindingOut,
    InstrumentList,
    InstrumentOut,
    LetterEditIn,
    LetterOut,
    LetterSendIn,
    PersonOut,
    TargetOut,
)
from dueprocess.law import default_library
from dueprocess.locking import is_lock_conflict
from dueprocess.notices import actions as letters
from dueprocess.notices.reasons import reason_options

api = NinjaAPI(
    title="dueprocess",
    version="1",
    description="Government demands: intake, vetting, decisions, transparency.",
    auth=TokenAuth(),
    urls_namespace="api-v1",
    docs_url="/docs",
)

ERRORS: dict[int | str, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                                409: ErrorOut, 413: ErrorOut, 422: ErrorOut}


def error_response(request: HttpRequest, status: int, code: str, message: str,
                   field: str | None = None) -> HttpResponse:
    return api.create_response(
        request, {"error": {"code": code, "message": message, "field": field}}, status=status)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return error_response(request, exc.status, exc.code, exc.message, exc.field)


def _field_of(loc: Any) -> str | None:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "data", "payload")]
    return ".".join(parts) or None


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    first = exc.errors[0] if exc.errors else {}
    field = _field_of(first.get("loc", ()))
    message = str(first.get("msg", "invalid input"))
    return error_response(request, 422, "invalid", f"{field}: {message}" if field else message,
                          field)


@api.exception_handler(pydantic.ValidationError)
def _pydantic_error(request: HttpRequest, exc: pydantic.ValidationError) -> HttpResponse:
    first = exc.errors()[0]
    field = _field_of(first.get("loc", ()))
    return error_response(request, 422, "invalid", f"{field}: {first['msg']}", field)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(request, 401, "unauthenticated",
                          "a valid bearer token is required (Authorization: Bearer …)")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    codes = {400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
             405: "method_not_allowed"}
    message = str(exc.message)
    if message.startswith("Cannot parse request body"):
        message = "the body is not valid JSON (UTF-8)"
        codes[400] = "malformed_json"
    return error_response(request, exc.status_code, codes.get(exc.status_code, "error"), message)


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return error_response(request, 413, "too_large", "the request body is too large")


@api.exception_handler(RateLimited)
def _rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    response = error_response(request, exc.status, exc.code, exc.message)
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, "not_found", "no such resource")


log = logging.getLogger("dueprocess.api")


def internal_error(request: HttpRequest) -> HttpResponse:
    """The answer to a fault of ours: no detail, but the id that finds it in the log."""
    rid = getattr(request, "request_id", "")
    return error_response(request, 500, "internal_error",
                          f"an internal error occurred; quote request id {rid} when reporting it"
                          if rid else "an internal error occurred")


@api.exception_handler(OperationalError)
def _database_error(request: HttpRequest, exc: OperationalError) -> HttpResponse:
    """A lock conflict the database broke by aborting this transaction: nothing was
    recorded, and the same request may simply be sent again (the lock order makes this
    rare; each one is logged)."""
    if not is_lock_conflict(exc):
        return _unexpected(request, exc)
    log.warning("lock conflict in %s %s: %s", request.method, request.path, exc)
    response = error_response(request, 503, "busy",
                              "the change met a conflicting one and nothing was recorded; "
                              "send the same request again")
    response["Retry-After"] = "1"
    return response


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    log.error("unhandled error in %s %s", request.method, request.path, exc_info=exc)
    return internal_error(request)


FALLBACK_CODES = {400: ("bad_request", "the request is not valid"),
                  403: ("forbidden", "not allowed"),
                  413: ("too_large", "the request body is too large")}


def shape_fallback(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """4xx answered outside the handlers (no such path, wrong method, Django's own refusals)
    in the API's error shape, keeping ``Allow``."""
    status = response.status_code
    if not 400 <= status < 500 or \
            response.get("Content-Type", "").startswith("application/json"):
        return response
    if status == 404:
        return error_response(request, 404, "not_found", f"no such endpoint: {request.path}")
    if status != 405:
        code, message = FALLBACK_CODES.get(status, ("error", "the request was refused"))
        return error_response(request, status, code, message)
    shaped = error_response(request, 405, "method_not_allowed",
                            f"{request.method} is not allowed here; allowed: "
                            f"{response.get('Allow', '')}")
    shaped["Allow"] = response.get("Allow", "")
    return shaped


# ----------------------------------------------------------------------------- serialisation


def demand_out(demand: Demand, *, staff: bool, target_limit: int = 1000) -> DemandOut:
    """The demand as ``staff`` see it, or as its authority does: without the platform's
    assessment (recommendation, internal findings, rationales) or what the platform knows of
    the targets (whether they exist, where they live)."""
    asks = list(demand.asks.all())
    positions = {a.pk: a.position for a in asks}
    findings = demand.findings.current()
    if not staff:
        findings = findings.filter(code__in=AUTHORITY_FINDINGS)
    return DemandOut(
        id=demand.pk,
        reference=demand.reference,
        authority=demand.authority.slug,
        jurisdiction=demand.jurisdiction,
        instrument=demand.instrument,
        status=demand.status,
        recommendation=demand.recommendation if staff else None,
        explanation=demand.explanation if staff else None,
        emergency=demand.emergency,
        received_at=demand.received_at,
        deadline=demand.deadline,
        issued_by=demand.issued_by or {},
        officials=[PersonOut(name=o.name, title=o.title, role=o.role or None)
                   for o in demand.officials.all()],
        asks=[AskOut(kind=a.kind, data_categories=a.data_categories, date_from=a.date_from,
                     date_to=a.date_to, days=a.days, measure=a.measure or None,
                     territorial_scope=a.territorial_scope) for a in asks],
        targets=[TargetOut(type=t.type, identifier=t.identifier, exists=t.exists,
                           country=t.country or None, data_location=t.data_location or None)
                 if staff else TargetOut(type=t.type, identifier=t.identifier)
                 for t in demand.targets.all()[:target_limit]],
        target_count=demand.target_count,
        findings=[FindingOut(code=f.code, severity=f.severity, message=f.message, rule=f.rule,
                             rule_version=f.rule_version, data_version=f.data_version,
                             evidence=f.evidence, ask=f.ask_position)
                  for f in findings],
        decisions=[DecisionOut(ask=positions.get(d.ask_id, 0),
                               target=d.target.identifier if d.target else None,
                               outcome=d.outcome, reason_codes=d.reason_codes,
                               rationale=d.rationale if staff else None, narrowed=d.narrowed,
                               decided_at=d.decided_at)
                   for d in demand.decisions.filter(superseded=False).select_related("target")],
        awaiting_approval=demand.awaiting_approval,
    )


def _out(request: HttpRequest, demand: Demand) -> DemandOut:
    return demand_out(demand, staff=is_staff(request.user))  # type: ignore[arg-type]


def authority_out(a: Authority) -> AuthorityOut:
    return AuthorityOut(id=a.pk, slug=a.slug, name=a.name, jurisdiction=a.jurisdiction,
                        kind=a.kind, domains=list(a.domains), phones=list(a.phones))


# ----------------------------------------------------------------------------- demands


@api.post("/demands", response={201: DemandOut, **ERRORS}, tags=["demands"])
def create_demand(request: HttpRequest, payload: DemandIn) -> Status[DemandOut]:
    """Receive a demand. An unknown instrument is stored with `legal.unknown_instrument`."""
    user = request.user
    staff = is_staff(user)  # type: ignore[arg-type]
    requester = None if staff else requester_of(user)  # type: ignore[arg-type]
    if staff:
        require_perm(user, "demands.add_demand")  # type: ignore[arg-type]  # e.g. not an auditor
        if not payload.authority:
            raise InvalidInput("staff must name the authority", field="authority")
        authority = resolve_authority(payload.authority)
        received_at = payload.received_at
        requester = None
    elif requester is not None:
        authority = requester.authority
        if payload.authority and payload.authority not in (authority.slug, str(authority.pk)):
            raise Forbidden("a token may only submit demands for its own authority",
                            field="authority")
        for field in ("received_at", "acknowledged_at"):
            if getattr(payload, field) is not None:
                raise Forbidden(f"only staff imports may set {field}", field=field)
        received_at = None
    else:
        raise Forbidden("this account may not submit demands")
    demand = actions.receive_demand(payload, authority=authority, requester=requester,
                                    user=user, received_at=received_at,
                                    channel="api" if requester else "import",
                                    sender_email=getattr(user, "email", "") if requester else "")
    return Status(201, _out(request, demand))


@api.get("/demands", response={200: DemandPage, **ERRORS}, tags=["demands"])
def list_demands(request: HttpRequest, status: str | None = None,
                 jurisdiction: str | None = None, instrument: str | None = None,
                 reference: str | None = None, after: int | None = None,
                 limit: int = Query(50, ge=1, le=500)) -> DemandPage:
    """Newest first, keyset-paginated: pass `next_after` back as `after`."""
    qs = visible_demands(request.user)  # type: ignore[arg-type]
    staff = is_staff(request.user)  # type: ignore[arg-type]
    if status:
        qs = qs.filter(status=status)
    if jurisdiction:
        qs = qs.filter(jurisdiction=jurisdiction.upper())
    if instrument:
        qs = qs.filter(instrument=instrument)
    if reference:
        qs = qs.filter(reference=reference)
    if after is not None:
        qs = qs.filter(pk__lt=after)
    rows = list(qs.order_by("-pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return DemandPage(
        items=[DemandSummary(id=d.pk, reference=d.reference, authority=d.authority.slug,
                             jurisdiction=d.jurisdiction, instrument=d.instrument,
                             status=d.status,
                             recommendation=d.recommendation if staff else None,
                             received_at=d.received_at, target_count=d.target_count)
               for d in rows],
        next_after=rows[-1].pk if more and rows else None,
    )


@api.get("/demands/{demand_id}", response={200: DemandOut, **ERRORS}, tags=["demands"])
def get_demand(request: HttpRequest, demand_id: int) -> DemandOut:
    demand = get_visible_demand(request.user, demand_id)  # type: ignore[arg-type]
    with transaction.atomic():
        record("demand.viewed", actor=actions.actor_label(request.user), demand_id=demand.pk,
               payload={"what": "api"})
    return _out(request, demand)


@api.post("/demands/{demand_id}/decisions", response={200: DemandOut, **ERRORS},
          tags=["demands"])
def decide(request: HttpRequest, demand_id: int, payload: DecisionsIn) -> DemandOut:
    """Record decisions per ask (and optionally per target); staff only."""
    require_perm(request.user, "demands.add_decision")  # type: ignore[arg-type]
    demand = get_visible_demand(request.user, demand_id)  # type: ignore[arg-type]
    demand = actions.record_decisions(demand, payload, user=request.user)
    return _out(request, Demand.objects.select_related("authority").get(pk=demand.pk))


@api.post("/demands/{demand_id}/approve", response={200: DemandOut, **ERRORS},
          tags=["demands"])
def approve(request: HttpRequest, demand_id: int) -> DemandOut:
    """Four-eyes approval by someone other than the person who decided."""
    require_perm(request.user, "demands.change_decision")  # type: ignore[arg-type]
    demand = get_visible_demand(request.user, demand_id)  # type: ignore[arg-type]
    demand = actions.approve_demand(demand, user=request.user)
    return _out(request, Demand.objects.select_related("authority").get(pk=demand.pk))


class SendBackIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    comment: str = pydantic.Field(max_length=5000, description="Why the decision goes back")


class NoteIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    body: str = pydantic.Field(max_length=10_000)


class NoteOut(pydantic.BaseModel):
    id: int
    author: str
    body: str
    created_at: datetime


@api.post("/demands/{demand_id}/send-back", response={200: DemandOut, **ERRORS},
          tags=["demands"])
def send_back(request: HttpRequest, demand_id: int, payload: SendBackIn) -> DemandOut:
    """The approver returns decisions waiting for approval, with a comment; they must be
    decided again before anyone can approve them."""
    from dueprocess.review.actions import send_back as send_back_action

    require_perm(request.user, APPROVE_PERM)  # type: ignore[arg-type]
    demand = get_visible_demand(request.user, demand_id)  # type: ignore[arg-type]
    send_back_action(demand, payload.comment, user=request.user)
    return _out(request, Demand.objects.select_related("authority").get(pk=demand.pk))


def _note_out(note: Any) -> NoteOut:
    return NoteOut(id=note.pk, author=note.author.get_username(), body=note.body,
                   created_at=note.created_at)


@api.post("/demands/{demand_id}/notes", response={201: NoteOut, **ERRORS}, tags=["demands"])
def add_note(request: HttpRequest, demand_id: int, payload: NoteIn) -> Status[NoteOut]:
    """An internal note on a demand: staff only, never shown to the authority."""
    from dueprocess.review.actions import add_note as add_note_action

    require_perm(request.user, NOTE_PERM)  # type: ignore[arg-type]
    demand = get_visible_demand(request.user, demand_id)  # type: ignore[arg-type]
    return Status(201, _note_out(add_note_action(demand, payload.body, user=request.user)))


@api.get("/demands/{demand_id}/notes", response={200: list[NoteOut], **ERRORS},
         tags=["demands"])
def list_notes(request: HttpRequest, demand_id: int) -> list[NoteOut]:
    """The demand's internal notes, oldest first (staff only)."""
    from dueprocess.review.models import Note

    require_perm(request.user, READ_PERM)  # type: ignore[arg-type]
    demand = get_visible_demand(request.user, demand_id)  # type: ignore[arg-type]
    return [_note_out(n) for n in Note.objects.filter(demand=demand)
            .select_related("author").order_by("pk")[:1000]]


@api.post("/demands/{demand_id}/withdraw", response={200: DemandOut, **ERRORS},
          tags=["demands"])
def withdraw(request: HttpRequest, demand_id: int) -> DemandOut:
    """The authority withdraws its demand (staff may record a withdrawal too)."""
    if is_staff(request.user):  # type: ignore[arg-type]
        require_perm(request.user, "demands.change_demand")  # type: ignore[arg-type]
    demand = get_visible_demand(request.user, demand_id)  # type: ignore[arg-type]
    demand = actions.withdraw_demand(demand, user=request.user)
    return _out(request, Demand.objects.select_related("authority").get(pk=demand.pk))


# ----------------------------------------------------------------------------- letters


def _letter_out(notice: Notice, *, staff: bool) -> LetterOut:
    out = LetterOut(id=notice.pk, kind=notice.kind, status=notice.status,
                    subject=notice.subject, body=notice.body, language=notice.language,
                    sent_at=notice.sent_at, addresses=list(notice.addresses or []))
    if staff:
        out.generated_subject = notice.generated_subject
        out.generated_body = notice.generated_body
        out.quoted_reasons = list(notice.quoted_reasons or [])
        out.reason_options = [{"key": o.key, "text": o.label, "internal": o.internal}
                              for o in reason_options(notice.demand, notice.kind)]
        out.needs_approval = notice.needs_second_person and notice.approved_by_id is None
        out.approved_by = notice.approved_by.get_username() if notice.approved_by else None
        out.edited_by = notice.edited_by.get_username() if notice.edited_by else None
    return out


def _staff_letter(request: HttpRequest, demand_id: int, letter_id: int, perm: str) -> Notice:
    if not is_staff(request.user):  # type: ignore[arg-type]
        raise Forbidden("only staff handle draft letters")
    require_perm(request.user, perm)  # type: ignore[arg-type]
    demand = get_visible_demand(request.user, demand_id)  # type: ignore[arg-type]
    return letters.letter_of(demand, letter_id)


@api.get("/demands/{demand_id}/letters", response={200: list[LetterOut], **ERRORS},
         tags=["letters"])
def list_letters(request: HttpRequest, demand_id: int) -> list[LetterOut]:
    """Letters to the authority: staff see drafts too, the authority only what was sent."""
    demand = get_visible_demand(request.user, demand_id)  # type: ignore[arg-type]
    staff = is_staff(request.user)  # type: ignore[arg-type]
    rows = (demand.notices.exclude(kind=NoticeKind.USER)
            .select_related("demand__authority", "approved_by", "edited_by").order_by("pk"))
    if not staff:
        rows = rows.filter(status=NoticeStatus.SENT)
    return [_letter_out(n, staff=staff) for n in rows]


@api.put("/demands/{demand_id}/letters/{letter_id}", response={200: LetterOut, **ERRORS},
         tags=["letters"])
def edit_letter(request: HttpRequest, demand_id: int, letter_id: int,
                payload: LetterEditIn) -> LetterOut:
    """Edit a draft: `subject`, `body`, or `reasons` (keys from `reason_options`; drafts
    the text again). An edit withdraws an approval."""
    notice = _staff_letter(request, demand_id, letter_id, "demands.add_decision")
    notice = letters.edit_letter(notice, user=request.user, subject=payload.subject,
                                 body=payload.body, reasons=payload.reasons)
    return _letter_out(notice, staff=True)


@api.post("/demands/{demand_id}/letters/{letter_id}/approve",
          response={200: LetterOut, **ERRORS}, tags=["letters"])
def approve_letter(request: HttpRequest, demand_id: int, letter_id: int) -> LetterOut:
    """Second-person approval of a refusal, MLAT referral or partial compliance letter."""
    notice = _staff_letter(request, demand_id, letter_id, "demands.change_decision")
    return _letter_out(letters.approve_letter(notice, user=request.user), staff=True)


@api.post("/demands/{demand_id}/letters/{letter_id}/send",
          response={200: LetterOut, **ERRORS}, tags=["letters"])
def send_letter(request: HttpRequest, demand_id: int, letter_id: int,
                payload: LetterSendIn) -> LetterOut:
    """Send a draft; `to` (optional) must be addresses in the authority registry, else
    `422 recipient_not_registered`."""
    perm = ("demands.add_decision" if request.user.has_perm("demands.add_decision")
            else "demands.change_decision")
    notice = _staff_letter(request, demand_id, letter_id, perm)
    notice = letters.send_letter(notice, user=request.user, to=payload.to)
    return _letter_out(notice, staff=True)


# ----------------------------------------------------------------------------- registries


@api.post("/authorities", response={201: AuthorityOut, **ERRORS}, tags=["authorities"])
def create_authority(request: HttpRequest, payload: AuthorityIn) -> Status[AuthorityOut]:
    require_perm(request.user, "demands.add_authority")  # type: ignore[arg-type]
    try:
        with transaction.atomic():
            a = Authority.objects.create(**payload.model_dump())
            record("authority.created", actor=actions.actor_label(request.user),
                   payload=payload.model_dump(mode="json"))
    except IntegrityError as exc:
        raise Conflict(f"an authority with slug {payload.slug!r} exists", field="slug") from exc
    return Status(201, authority_out(a))


@api.get("/authorities", response={200: list[AuthorityOut], **ERRORS}, tags=["authorities"])
def list_authorities(request: HttpRequest) -> list[AuthorityOut]:
    user = request.user
    if is_staff(user):  # type: ignore[arg-type]
        return [authority_out(a) for a in Authority.objects.order_by("slug")]
    req = requester_of(user)  # type: ignore[arg-type]
    return [authority_out(req.authority)] if req else []


@api.get("/instruments", response={200: InstrumentList, **ERRORS}, tags=["law"])
def list_instruments(request: HttpRequest) -> InstrumentList:
    lib = default_library()
    return InstrumentList(version=lib.version, items=[
        InstrumentOut.model_validate(i.model_dump(mode="json"))
        for i in sorted(lib.instruments.values(), key=lambda i: i.id)])


api.add_router("", "dueprocess.transparency.api.router")
api.add_router("", "dueprocess.execution.api.router")  # GET /dsa/statements
api.add_router("/screening", "dueprocess.sanctions.api.router")  # POST /screening/search
api.add_router("", "dueprocess.sanctions.api.match_router")  # POST /match/{dataset} (yente)


from dueprocess.intake.api_intake import router as _intake_router  # noqa: E402

api.add_router("", _intake_router)
