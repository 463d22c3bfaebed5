"""Intake endpoints of /api/v1: documents, bulk targets, clarifications, verification.

Mounted on the main API (``dueprocess.intake.api``), so authentication, rate and size
limits and the error format are the same as for every other endpoint.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Annotated, Any, Literal

from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field, StringConstraints

from dueprocess.demands.actions import record_view
from dueprocess.demands.models import Demand, Document
from dueprocess.errors import Forbidden, InvalidInput, NotFound
from dueprocess.intake import actions as intake_actions
from dueprocess.intake import bulk, permissions
from dueprocess.intake.documents import TooLarge, open_document, store_document
from dueprocess.intake.email_intake import import_eml
from dueprocess.intake.models import (
    BulkTargetJob,
    CallbackOutcome,
    FraudSignal,
    JobStatus,
    SignalKind,
)
from dueprocess.intake.providers import requester_confidence, sender_report
from dueprocess.intake.tasks import enqueue_target_job
from dueprocess.web.api import CSV, download
from dueprocess.web.auth import get_visible_demand, is_staff, requester_of
from dueprocess.web.limits import upload_was_cut
from dueprocess.web.schemas import ErrorOut, OneOf

router = Router(tags=["intake"])

ERRORS: dict[int | str, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                                409: ErrorOut, 413: ErrorOut, 415: ErrorOut, 422: ErrorOut,
                                429: ErrorOut}
CHUNK = 1024 * 1024


class DocumentOut(Schema):
    id: int
    filename: str
    sha256: str
    size: int
    uploaded_at: datetime


class LineError(Schema):
    line: int
    message: str
    text: str = ""


class TargetJobOut(Schema):
    job: int
    demand: int
    status: Annotated[str, OneOf(JobStatus)]
    stage: str
    percent: int
    filename: str
    bytes_total: int
    bytes_read: int
    lines: int
    blank: int
    accepted: int
    added: int
    duplicates: int
    rejected: int
    errors: list[LineError]
    message: str
    target_count: int | None


class AnswerIn(Schema):
    answer: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                             max_length=20_000)]


class CallbackIn(Schema):
    model_config = {"use_enum_values": True}

    phone: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)]
    outcome: CallbackOutcome
    spoke_with: Annotated[str, StringConstraints(max_length=200)] = ""
    notes: Annotated[str, StringConstraints(max_length=5000)] = ""
    called_at: datetime | None = None


class CallbackOut(Schema):
    id: int
    phone: str
    outcome: Annotated[str, OneOf(CallbackOutcome)]
    spoke_with: str
    called_at: datetime


class SenderOut(Schema):
    email: str
    domain: str
    channel: str
    verified: bool
    verified_by: str
    lookalike_of: str | None
    lookalike_reason: str
    flagged: list[str]
    callback_recorded: bool
    header_problems: list[str]
    reasons: list[str]
    requester_confidence: str | None = None
    confidence_reasons: list[str] = Field(default_factory=list)


class SignalIn(Schema):
    kind: Literal["sender", "domain", "auto"] = "auto"
    value: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                            max_length=400)]
    reason: Annotated[str, StringConstraints(max_length=2000)] = ""


class SignalOut(Schema):
    id: int
    kind: Annotated[str, OneOf(SignalKind)]
    value: str
    reason: str
    source: str
    active: bool


class SignalImportOut(Schema):
    added: int
    reactivated: int
    rejected: int
    errors: list[LineError]


class EmailOut(Schema):
    email: int
    demand: int
    from_address: str
    header_problems: list[str]
    attachments: list[dict[str, Any]]
    notes: list[str]


def _doc_out(d: Document) -> DocumentOut:
    return DocumentOut(id=d.pk, filename=d.filename, sha256=d.sha256, size=d.size,
                       uploaded_at=d.uploaded_at)


def _chunks(upload: UploadedFile) -> Iterator[bytes]:
    yield from upload.chunks(CHUNK)


def _request_chunks(request: HttpRequest) -> Iterator[bytes]:
    while True:
        block = request.read(CHUNK)
        if not block:
            return
        yield block


def _require_file(request: HttpRequest, file: UploadedFile | None) -> UploadedFile:
    if upload_was_cut(request):
        raise TooLarge(_("the upload is larger than the limit"), field="file")
    if file is None:
        raise InvalidInput(_("send the file as multipart/form-data in the field 'file'"),
                           field="file")
    return file


# ----------------------------------------------------------------------------- documents


@router.post("/demands/{demand_id}/documents", response={201: DocumentOut, **ERRORS})
def upload_document(request: HttpRequest, demand_id: int,
                    file: File[UploadedFile] = None) -> Status[DocumentOut]:  # type: ignore[assignment]
    """Attach a PDF (multipart field `file`). Judged by content; size-limited; SHA-256."""
    demand = get_visible_demand(request.user, demand_id)
    if is_staff(request.user):
        permissions.require(request.user, permissions.DOCUMENT)
    upload = _require_file(request, file)
    doc = store_document(demand, filename=upload.name or "document.pdf",
                         chunks=_chunks(upload), user=request.user)
    return Status(201, _doc_out(doc))


@router.get("/demands/{demand_id}/documents", response={200: list[DocumentOut], **ERRORS})
def list_documents(request: HttpRequest, demand_id: int) -> list[DocumentOut]:
    demand = get_visible_demand(request.user, demand_id)
    return [_doc_out(d) for d in demand.documents.order_by("pk")]


@router.get("/demands/{demand_id}/documents/{document_id}", response={200: None, **ERRORS},
            openapi_extra=download("application/pdf", description="The PDF, as an attachment"))
def download_document(request: HttpRequest, demand_id: int, document_id: int) -> Any:
    """The stored PDF as an attachment download (never rendered inline); audited."""
    demand = get_visible_demand(request.user, demand_id)
    doc = demand.documents.filter(pk=document_id).first()
    if doc is None:
        raise NotFound(_("no document %(document_id)s on demand %(demand_id)s")
                       % {"document_id": document_id, "demand_id": demand_id})
    return document_response(request, demand, doc)


def document_response(request: HttpRequest, demand: Demand, doc: Document) -> FileResponse:
    fh = open_document(doc)
    if fh is None:
        raise NotFound(_("the stored file is missing; restore it from the backup"))
    record_view(demand, user=request.user, what=f"document:{doc.pk}")
    response = FileResponse(fh, as_attachment=True, filename=doc.filename,
                            content_type="application/pdf")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


# ----------------------------------------------------------------------------- targets


def _job_out(job: BulkTargetJob) -> TargetJobOut:
    return TargetJobOut(**bulk.job_summary(job))


@router.post("/demands/{demand_id}/targets",
             response={200: TargetJobOut, 202: TargetJobOut, **ERRORS})
def upload_targets(request: HttpRequest, demand_id: int,
                   type: Literal["auto", "account", "content"] = "auto",
                   file: File[UploadedFile] = None,  # type: ignore[assignment]
                   ) -> Status[TargetJobOut]:
    """Add up to 1,000,000 targets from CSV or text (multipart `file`, or the raw body as
    `text/plain` / `text/csv`). Bad lines are reported by number; good ones are kept.
    Small uploads are processed at once (200); large ones by a worker (202: poll the job).
    """
    demand = get_visible_demand(request.user, demand_id)
    if is_staff(request.user):
        permissions.require(request.user, permissions.TARGETS)
    content_type = (request.content_type or "").lower()
    if content_type.startswith("multipart/"):
        upload = _require_file(request, file)
        chunks, name = _chunks(upload), upload.name or ""
    elif content_type in ("text/plain", "text/csv", "application/octet-stream"):
        chunks, name = _request_chunks(request), "request-body"
    else:
        raise InvalidInput(_("send CSV or text: multipart field 'file', or a text/plain or "
                             "text/csv body"), field="file")
    job = bulk.create_job(demand, chunks=chunks, filename=name, default_type=type,
                          user=request.user)
    if job.bytes_total > bulk.sync_limit_bytes():
        enqueue_target_job(job)
        return Status(202, _job_out(job))
    bulk.sweep_stale_jobs()
    job = bulk.run_job(job, user=request.user)
    job.demand.refresh_from_db(fields=["target_count"])
    return Status(200, _job_out(job))


@router.get("/demands/{demand_id}/targets/jobs/{job_id}",
            response={200: TargetJobOut, **ERRORS})
def target_job(request: HttpRequest, demand_id: int, job_id: int) -> TargetJobOut:
    demand = get_visible_demand(request.user, demand_id)
    job = BulkTargetJob.objects.select_related("demand").filter(pk=job_id,
                                                                demand=demand).first()
    if job is None:
        raise NotFound(_("no upload job %(job_id)s on demand %(demand_id)s")
                       % {"job_id": job_id, "demand_id": demand_id})
    return _job_out(job)


# ----------------------------------------------------------------------------- authority side


@router.post("/demands/{demand_id}/clarifications", response={200: dict, **ERRORS})
def answer_clarification(request: HttpRequest, demand_id: int,
                         payload: AnswerIn) -> dict[str, Any]:
    """The authority answers a clarification request; the demand returns to review."""
    demand = get_visible_demand(request.user, demand_id)
    if requester_of(request.user) is None:
        raise Forbidden(_("only the authority answers its clarification requests"))
    answer = intake_actions.answer_clarification(demand, payload.answer, user=request.user)
    demand.refresh_from_db(fields=["status"])
    return {"answer": answer.pk, "status": demand.status}


# ----------------------------------------------------------------------------- staff side


def _sender_out(demand: Demand) -> SenderOut:
    report = sender_report(demand)
    if report is None:
        return SenderOut(email="", domain="", channel=demand.channel, verified=True,
                         verified_by="staff", lookalike_of=None, lookalike_reason="",
                         flagged=[], callback_recorded=False, header_problems=[],
                         reasons=["recorded by staff; no sender named"])
    confidence = requester_confidence(demand.requester) if demand.requester else None
    return SenderOut(
        email=report.email, domain=report.domain, channel=report.channel,
        verified=report.verified, verified_by=report.verified_by,
        lookalike_of=report.lookalike.verified if report.lookalike else None,
        lookalike_reason=report.lookalike.reason if report.lookalike else "",
        flagged=report.flagged, callback_recorded=report.callback is not None,
        header_problems=report.header_problems, reasons=report.reasons,
        requester_confidence=confidence.level if confidence else None,
        confidence_reasons=list(confidence.reasons) if confidence else [])


@router.get("/demands/{demand_id}/sender", response={200: SenderOut, **ERRORS})
def sender(request: HttpRequest, demand_id: int) -> SenderOut:
    """What intake verified about the sender (staff)."""
    permissions.require(request.user, permissions.READ)
    return _sender_out(get_visible_demand(request.user, demand_id))


@router.post("/demands/{demand_id}/callbacks", response={201: CallbackOut, **ERRORS})
def record_callback(request: HttpRequest, demand_id: int,
                    payload: CallbackIn) -> Status[CallbackOut]:
    """Record an out-of-band callback to a registry number; the demand is vetted again."""
    permissions.require(request.user, permissions.CALLBACK)
    demand = get_visible_demand(request.user, demand_id)
    cb = intake_actions.record_callback(
        demand, phone=payload.phone, outcome=payload.outcome, spoke_with=payload.spoke_with,
        notes=payload.notes, called_at=payload.called_at, user=request.user)
    return Status(201, CallbackOut(id=cb.pk, phone=cb.phone, outcome=cb.outcome,
                                   spoke_with=cb.spoke_with, called_at=cb.called_at))


@router.post("/email", response={201: EmailOut, **ERRORS})
def import_email(request: HttpRequest, authority: str | None = None,
                 file: File[UploadedFile] = None) -> Status[EmailOut]:  # type: ignore[assignment]
    """Import an e-mailed demand (.eml, multipart field `file`) as a draft demand."""
    permissions.require(request.user, permissions.EMAIL)
    upload = _require_file(request, file)
    data = b"".join(upload.chunks(CHUNK))
    inbound = import_eml(data, user=request.user, authority=authority)
    assert inbound.demand_id is not None
    return Status(201, EmailOut(email=inbound.pk, demand=inbound.demand_id,
                                from_address=inbound.from_address,
                                header_problems=inbound.header_problems,
                                attachments=inbound.attachments, notes=inbound.notes))


def _signal_out(s: FraudSignal) -> SignalOut:
    return SignalOut(id=s.pk, kind=s.kind, value=s.value, reason=s.reason, source=s.source,
                     active=s.active)


@router.get("/fraud-signals", response={200: list[SignalOut], **ERRORS})
def list_signals(request: HttpRequest) -> list[SignalOut]:
    permissions.require(request.user, permissions.SIGNALS)
    return [_signal_out(s) for s in FraudSignal.objects.order_by("kind", "value")[:10_000]]


@router.post("/fraud-signals", response={201: SignalOut, **ERRORS})
def mark_signal(request: HttpRequest, payload: SignalIn) -> Status[SignalOut]:
    """Mark a sender or domain fraudulent; open demands from it are vetted again."""
    permissions.require(request.user, permissions.SIGNALS)
    signal = intake_actions.mark_fraudulent(payload.kind, payload.value,
                                            reason=payload.reason, user=request.user)
    return Status(201, _signal_out(signal))


@router.get("/fraud-signals/export", response={200: None, **ERRORS},
            openapi_extra=download(CSV))
def export_signals(request: HttpRequest) -> Any:
    """Known-bad senders and domains as CSV, to share with other platforms."""
    from django.http import HttpResponse

    permissions.require(request.user, permissions.SIGNALS)
    response = HttpResponse(intake_actions.export_signals(), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="fraud-signals.csv"'
    return response


@router.post("/fraud-signals/import", response={200: SignalImportOut, **ERRORS})
def import_signals(request: HttpRequest, source: str = "import",
                   file: File[UploadedFile] = None) -> SignalImportOut:  # type: ignore[assignment]
    permissions.require(request.user, permissions.SIGNALS)
    upload = _require_file(request, file)
    if upload.size and upload.size > 20 * 1024 * 1024:
        raise TooLarge(_("a signal list is at most 20 MiB"), field="file")
    result = intake_actions.import_signals(b"".join(upload.chunks(CHUNK)), user=request.user,
                                           source=source[:200])
    return SignalImportOut(added=result.added, reactivated=result.updated,
                           rejected=result.rejected,
                           errors=[LineError(**e) for e in result.errors])
