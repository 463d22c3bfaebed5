"""Report, audit and publication endpoints (mounted on the /api/v1 NinjaAPI).

Staff and auditors read; only people with the publish permission (never auditors) change
a publication. Bad periods, formats and tables raise ``InvalidInput`` and are answered
422 by the API's single error mapping.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from dueprocess.audit import checkpoint as checkpoints
from dueprocess.audit.models import AuditEvent
from dueprocess.demands.models import Demand
from dueprocess.errors import NotFound
from dueprocess.transparency import dsa, exporters
from dueprocess.transparency.access import require_publisher, require_reader
from dueprocess.transparency.models import Publication, PublicationStatus
from dueprocess.transparency.periods import PeriodError, date_range, parse_date, resolve
from dueprocess.transparency.publications import (
    edit_publication,
    prepare_publication,
    publish,
    withdraw,
)
from dueprocess.transparency.reports import build_report
from dueprocess.web.api import CSV, XLSX, download
from dueprocess.web.schemas import ErrorOut, OneOf

router = Router()
ERRORS: dict[int | str, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                                409: ErrorOut, 422: ErrorOut}


def _file(data: bytes, fmt: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=exporters.CONTENT_TYPES[fmt])
    if fmt != "json":
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@router.get("/reports/transparency", response={200: dict[str, Any], **ERRORS},
            tags=["reports"], openapi_extra=download(CSV, XLSX, description=(
                "The report: JSON, or a CSV or XLSX download")))
def transparency_report(request: HttpRequest, period: str | None = None,
                        start: str | None = None, end: str | None = None,
                        format: str = "json", table: str | None = None) -> HttpResponse:
    """Report tables for a period (default: the last complete half-year) or a date range.

    `period`: `2020-H2`, `2020-Q3`, `2020` or `2020-07-01/2020-12-31`; or `start` and `end`.
    `format`: `json` and `xlsx` hold every table (or the one named by `table`); `csv` holds
    one table (`table`, default `user_data_requests`).
    """
    require_reader(request.user)
    fmt = exporters.check_format(format)
    span = resolve(period, start, end)
    data = exporters.render(build_report(span), fmt, table)
    name = f"transparency-{span.label.replace('/', '_')}"
    return _file(data, fmt, f"{name}{'-' + table if table else ''}.{fmt}")


@router.get("/reports/dsa/member-state-orders", response={200: None, **ERRORS},
            tags=["reports"], openapi_extra=download(CSV, XLSX))
def dsa_member_state_orders(request: HttpRequest, start: str, end: str,
                            format: str = "csv") -> HttpResponse:
    """Sheet `3_member_states_orders` of the DSA template (Reg. (EU) 2024/2835, Annex I).

    `csv` is the sheet alone (RFC 4180, UTF-8); `xlsx` is the official Annex I workbook
    with this sheet filled and `1_report_identification` completed.
    """
    require_reader(request.user)
    fmt = (format or "").strip().lower()
    if fmt not in ("csv", "xlsx"):
        raise PeriodError(_("unsupported format %(format)r: use csv or xlsx")
                          % {"format": format}, field="format")
    span = date_range(parse_date(start, "start"), parse_date(end, "end"))
    data = dsa.render(span, fmt)
    return _file(data, fmt, f"dsa-{dsa.SHEET}-{span.start}_{span.end}.{fmt}")


# ----------------------------------------------------------------------------- audit


class AuditEventOut(Schema):
    seq: int
    at: datetime
    actor: str
    demand_id: int | None
    verb: str
    payload: dict[str, Any]
    prev_hash: str
    hash: str


class AuditPage(Schema):
    items: list[AuditEventOut]
    next_after: int | None


@router.get("/audit/events", response={200: AuditPage, **ERRORS}, tags=["audit"])
def audit_events(request: HttpRequest, after: int = 0, demand: int | None = None,
                 limit: int = Query(100, ge=1, le=1000)) -> AuditPage:
    """The hash-chained log in order, keyset-paginated, so anyone holding it can recompute
    every link (`hash = sha256(prev_hash + canonical JSON)`)."""
    require_reader(request.user)
    qs = AuditEvent.objects.filter(seq__gt=after).order_by("seq")
    if demand is not None:
        qs = qs.filter(demand_id=demand)
    rows = list(qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return AuditPage(items=[AuditEventOut(seq=e.seq, at=e.at, actor=e.actor,
                                          demand_id=e.demand_id, verb=e.verb,
                                          payload=e.payload, prev_hash=e.prev_hash,
                                          hash=e.hash) for e in rows],
                     next_after=rows[-1].seq if more and rows else None)


@router.get("/audit/checkpoint", response={200: dict[str, Any], **ERRORS}, tags=["audit"])
def audit_checkpoint(request: HttpRequest) -> dict[str, Any]:
    """A signed checkpoint of the chain head, to keep outside the system."""
    require_reader(request.user)
    return checkpoints.create()


# ----------------------------------------------------------------------------- publications


class PublicationOut(Schema):
    id: int
    demand: int
    status: Annotated[str, OneOf(PublicationStatus)]
    title: str
    jurisdiction: str
    authority_name: str
    instrument: str
    received_on: date
    redacted_text: str
    redactions: int
    targets: list[str]
    published_at: datetime | None


class PublicationIn(Schema):
    demand: int
    private_names: list[str] = Field(default_factory=list, max_length=100)


class PublicationEdit(Schema):
    text: str = Field(max_length=20000)
    private_names: list[str] = Field(default_factory=list, max_length=100)


def _pub_out(p: Publication) -> PublicationOut:
    return PublicationOut(id=p.pk, demand=p.demand_id, status=p.status, title=p.title,
                          jurisdiction=p.jurisdiction, authority_name=p.authority_name,
                          instrument=p.instrument, received_on=p.received_on,
                          redacted_text=p.redacted_text, redactions=p.redactions,
                          targets=list(p.targets), published_at=p.published_at)


def _pub(request: HttpRequest, pub_id: int) -> Publication:
    """A publication to change; the right to change one is checked first, so an answer of
    404 tells only a publisher which ids exist."""
    require_publisher(request.user)
    found = Publication.objects.filter(pk=pub_id).first()
    if found is None:
        raise NotFound(_("no publication %(pub_id)s") % {"pub_id": pub_id})
    return found


@router.get("/publications", response={200: list[PublicationOut], **ERRORS},
            tags=["publications"])
def list_publications(request: HttpRequest, status: str | None = None) -> list[PublicationOut]:
    require_reader(request.user)
    qs = Publication.objects.all()
    if status:
        qs = qs.filter(status=status)
    return [_pub_out(p) for p in qs[:500]]


@router.post("/publications", response={201: PublicationOut, **ERRORS},
             tags=["publications"])
def create_publication(request: HttpRequest,
                       payload: PublicationIn) -> Status[PublicationOut]:
    """Prepare the redacted draft of a restriction demand; nothing is public yet."""
    require_publisher(request.user)  # before the lookup: a 404 would confirm an id exists
    demand = Demand.objects.filter(pk=payload.demand).first()
    if demand is None:
        raise NotFound(_("no demand %(demand)s") % {"demand": payload.demand}, field="demand")
    pub = prepare_publication(demand, user=request.user, private_names=payload.private_names)
    return Status(201, _pub_out(pub))


@router.put("/publications/{pub_id}", response={200: PublicationOut, **ERRORS},
            tags=["publications"])
def update_publication(request: HttpRequest, pub_id: int,
                       payload: PublicationEdit) -> PublicationOut:
    return _pub_out(edit_publication(_pub(request, pub_id), payload.text, user=request.user,
                                     private_names=payload.private_names))


@router.post("/publications/{pub_id}/publish", response={200: PublicationOut, **ERRORS},
             tags=["publications"])
def publish_publication(request: HttpRequest, pub_id: int) -> PublicationOut:
    """The review step: the redacted copy becomes public."""
    return _pub_out(publish(_pub(request, pub_id), user=request.user))


@router.post("/publications/{pub_id}/withdraw", response={200: PublicationOut, **ERRORS},
             tags=["publications"])
def withdraw_publication(request: HttpRequest, pub_id: int) -> PublicationOut:
    return _pub_out(withdraw(_pub(request, pub_id), user=request.user))
