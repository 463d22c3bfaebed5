"""Demands and registries over the API: submit, list, read and withdraw demands; authorities
and instruments. Thin handlers over the actions; errors are mapped by :mod:`dueprocess.web.api`."""

from __future__ import annotations

import hashlib

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from dueprocess.demands import actions
from dueprocess.demands.inputs import DemandIn
from dueprocess.demands.models import Authority, Demand
from dueprocess.errors import Forbidden, InvalidInput
from dueprocess.intake import actions as intake_actions
from dueprocess.intake.instruments import refuse_foreign_instrument
from dueprocess.intake.schemas import (
    AskOut,
    AuthorityIn,
    AuthorityOut,
    DecisionOut,
    DemandOut,
    DemandPage,
    DemandSummary,
    FindingOut,
    InstrumentList,
    InstrumentOut,
    PersonOut,
    TargetOut,
)
from dueprocess.law import default_library
from dueprocess.web.api import ERRORS
from dueprocess.web.auth import (
    AUTHORITY_FINDINGS,
    TokenAuth,
    get_visible_demand,
    is_staff,
    requester_of,
    require_perm,
    resolve_authority,
    visible_demands,
)

router = Router(auth=TokenAuth())


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
        duplicate_of=demand.duplicate_of_id,
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
        validated_by=demand.validated_by or {},
        officials=[PersonOut(name=o.name, title=o.title, role=o.role or None)
                   for o in demand.officials.all()],
        asks=[AskOut(kind=a.kind, data_categories=a.data_categories, date_from=a.date_from,
                     date_to=a.date_to, days=a.days, measure=a.measure or None,
                     territorial_scope=a.territorial_scope,
                     equivalent_content=a.equivalent_content) for a in asks],
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
    return demand_out(demand, staff=is_staff(request.user))


def authority_out(a: Authority) -> AuthorityOut:
    return AuthorityOut(id=a.pk, slug=a.slug, name=a.name, jurisdiction=a.jurisdiction,
                        kind=a.kind, domains=list(a.domains), phones=list(a.phones))


# ----------------------------------------------------------------------------- demands


@router.post("/demands", response={200: DemandOut, 201: DemandOut, **ERRORS},
             tags=["demands"])
def create_demand(request: HttpRequest, payload: DemandIn) -> Status[DemandOut]:
    """Receive a demand. An unknown instrument is stored with `legal.unknown_instrument`.

    With an `Idempotency-Key` header, sending the same request again returns the demand it
    made (200) instead of a second one; the same key with another request is
    `409 idempotency_conflict`. An authority's own token citing an instrument of another
    jurisdiction (not its own, not EU law in a Member State, not a cross-border one such as
    `intl.mlat`) is `403 foreign_instrument`; staff imports keep it with the finding
    `legal.statute_mismatch`. A demand whose authority and reference match an earlier one
    is stored, linked (`duplicate_of`) and held by the block finding `legal.duplicate_demand`.
    """
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > 200:
        raise InvalidInput(_("Idempotency-Key is longer than 200 characters"),
                           field="Idempotency-Key")
    digest = hashlib.sha256(payload.model_dump_json().encode()).hexdigest()
    user = request.user
    staff = is_staff(user)
    requester = None if staff else requester_of(user)
    if staff:
        require_perm(user, "demands.add_demand")  # e.g. not an auditor
        if not payload.authority:
            raise InvalidInput(_("staff must name the authority"), field="authority")
        authority = resolve_authority(payload.authority)
        received_at = payload.received_at
        requester = None
    elif requester is not None:
        authority = requester.authority
        if payload.authority and payload.authority not in (authority.slug, str(authority.pk)):
            raise Forbidden(_("a token may only submit demands for its own authority"),
                            field="authority")
        for field in ("received_at", "acknowledged_at"):
            if getattr(payload, field) is not None:
                raise Forbidden(_("only staff imports may set %(field)s")
                                % {"field": field}, field=field)
        received_at = None
        refuse_foreign_instrument(authority, payload.instrument)
    else:
        raise Forbidden(_("this account may not submit demands"))
    earlier = actions.replayed(authority, key, digest)
    if earlier is not None:
        return Status(200, _out(request, earlier))
    demand = actions.receive_demand(payload, authority=authority, requester=requester,
                                    user=user, received_at=received_at,
                                    channel="api" if requester else "import",
                                    sender_email=getattr(user, "email", "") if requester else "",
                                    idempotency_key=key, request_sha256=digest)
    return Status(201, _out(request, demand))


@router.get("/demands", response={200: DemandPage, **ERRORS}, tags=["demands"])
def list_demands(request: HttpRequest, status: str | None = None,
                 jurisdiction: str | None = None, instrument: str | None = None,
                 reference: str | None = None, after: int | None = None,
                 limit: int = Query(50, ge=1, le=500)) -> DemandPage:
    """Newest first, keyset-paginated: pass `next_after` back as `after`."""
    qs = visible_demands(request.user)
    staff = is_staff(request.user)
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


@router.get("/demands/{demand_id}", response={200: DemandOut, **ERRORS}, tags=["demands"])
def get_demand(request: HttpRequest, demand_id: int) -> DemandOut:
    demand = get_visible_demand(request.user, demand_id)
    actions.record_view(demand, user=request.user, what="api")
    return _out(request, demand)


@router.post("/demands/{demand_id}/withdraw", response={200: DemandOut, **ERRORS},
          tags=["demands"])
def withdraw(request: HttpRequest, demand_id: int) -> DemandOut:
    """The authority withdraws its demand (staff may record a withdrawal too)."""
    if is_staff(request.user):
        require_perm(request.user, "demands.change_demand")
    demand = get_visible_demand(request.user, demand_id)
    demand = actions.withdraw_demand(demand, user=request.user)
    return _out(request, Demand.objects.select_related("authority").get(pk=demand.pk))


# ----------------------------------------------------------------------------- registries


@router.post("/authorities", response={201: AuthorityOut, **ERRORS}, tags=["authorities"])
def create_authority(request: HttpRequest, payload: AuthorityIn) -> Status[AuthorityOut]:
    require_perm(request.user, "demands.add_authority")
    a = intake_actions.register_authority(payload.model_dump(), user=request.user)
    return Status(201, authority_out(a))


@router.get("/authorities", response={200: list[AuthorityOut], **ERRORS}, tags=["authorities"])
def list_authorities(request: HttpRequest) -> list[AuthorityOut]:
    user = request.user
    if is_staff(user):
        return [authority_out(a) for a in Authority.objects.order_by("slug")]
    req = requester_of(user)
    return [authority_out(req.authority)] if req else []


@router.get("/instruments", response={200: InstrumentList, **ERRORS}, tags=["law"])
def list_instruments(request: HttpRequest) -> InstrumentList:
    lib = default_library()
    return InstrumentList(version=lib.version, items=[
        InstrumentOut.model_validate(i.model_dump(mode="json"))
        for i in sorted(lib.instruments.values(), key=lambda i: i.id)])


