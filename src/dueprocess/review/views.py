"""The reviewer console: the queue, the demand page and the reviewers' decisions.

Views only read and render; every change goes through :mod:`dueprocess.demands.actions`,
and a refused step (a :class:`~dueprocess.errors.DomainError`) is shown on the page with
its status code instead of surfacing as a server error.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import (
    Case,
    Count,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from pydantic import ValidationError

from dueprocess.audit.models import AuditEvent
from dueprocess.demands import actions
from dueprocess.demands.inputs import DecisionsIn
from dueprocess.demands.models import (
    Action,
    ActionStatus,
    Decision,
    Demand,
    Notice,
    NoticeKind,
    Severity,
    Status,
)
from dueprocess.errors import DomainError
from dueprocess.review.access import staff_required
from dueprocess.review.forms import (
    QUEUE_STATUSES,
    ClarifyForm,
    DecisionForm,
    QueueFilterForm,
    decision_forms,
)

PAGE_SIZE = 50
TARGETS_PAGE = 200
EVENTS_PAGE = 300
LIST_LIMIT = 200
# The permissions the API's decision endpoints require; the console asks for the same.
DECIDE_PERM = "demands.add_decision"
APPROVE_PERM = "demands.change_decision"

QUEUE_FIELDS = (
    "id", "reference", "instrument", "jurisdiction", "status", "recommendation",
    "target_count", "received_at", "deadline", "emergency", "awaiting_approval", "risk",
    "authority__name", "authority__slug", "assignee__username",
)


def _query(params: dict[str, Any], **changes: Any) -> str:
    merged = {**params, **changes}
    return urlencode({k: v for k, v in merged.items() if v not in (None, "", False)})


@staff_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """Open demands, riskiest first, with keyset pagination (no OFFSET at a million rows).

    The cursor is the last demand's id; its stored risk (set by vetting, indexed with status)
    is looked up again, so the next page starts exactly after it in (risk, id) order.
    """
    filters = QueueFilterForm(request.GET)
    status = filters.value("status") or ""
    jurisdiction = filters.value("jurisdiction") or ""
    mine = bool(filters.value("mine"))
    after = filters.value("after")

    scope: QuerySet[Demand] = Demand.objects.all()
    if jurisdiction:
        scope = scope.filter(jurisdiction=jurisdiction)
    if mine:
        scope = scope.filter(assignee_id=request.user.pk)
    counts = dict(scope.filter(status__in=QUEUE_STATUSES).order_by()
                  .values_list("status").annotate(n=Count("id")).values_list("status", "n"))

    rows = scope
    if status == "all":
        pass
    elif status:
        rows = rows.filter(status=status)
    else:
        rows = rows.filter(status__in=QUEUE_STATUSES)
    # Working queues (open statuses) put risk first; the archive views (closed statuses,
    # "all") span the whole table, so they keep to the primary key and stay index-backed.
    by_risk = status in ("", *QUEUE_STATUSES)
    if by_risk:
        if after:
            cursor = Demand.objects.filter(pk=after).values_list("risk", flat=True).first()
            if cursor is not None:
                rows = rows.filter(Q(risk__lt=cursor) | Q(risk=cursor, pk__lt=after))
        rows = rows.order_by("-risk", "-pk")
    else:
        if after:
            rows = rows.filter(pk__lt=after)
        rows = rows.order_by("-pk")
    page = list(rows.select_related("authority", "assignee").only(*QUEUE_FIELDS)
                [: PAGE_SIZE + 1])
    more = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]

    params = {"status": status, "jurisdiction": jurisdiction, "mine": "1" if mine else ""}
    status_tabs = [
        {"value": s, "label": Status(s).label, "count": counts.get(s, 0),
         "query": _query(params, status=s), "active": status == s}
        for s in QUEUE_STATUSES
    ]
    return render(request, "review/queue.html", {
        "demands": page,
        "filters": filters,
        "status": status,
        "by_risk": by_risk,
        "jurisdiction": jurisdiction,
        "mine": mine,
        "after": after,
        "status_tabs": status_tabs,
        "open_total": sum(counts.values()),
        "open_query": _query(params, status=""),
        "all_query": _query(params, status="all"),
        "next_query": _query(params, after=page[-1].pk) if more and page else "",
        "first_query": _query(params) if after else "",
        "status_choices": Status.choices,
        "page_size": PAGE_SIZE,
        "now": timezone.now(),
    })


def _instrument(instrument_id: str) -> Any:
    from dueprocess.law import default_library

    return default_library().get(instrument_id)


def _int_param(request: HttpRequest, name: str) -> int | None:
    raw = request.GET.get(name, "")
    return int(raw) if raw.isdigit() else None


def _severity_order() -> Case:
    return Case(When(severity=Severity.BLOCK, then=Value(0)),
                When(severity=Severity.WARNING, then=Value(1)),
                default=Value(2), output_field=IntegerField())


def _action_order() -> Case:
    return Case(When(status=ActionStatus.FAILED, then=Value(0)),
                When(status=ActionStatus.RUNNING, then=Value(1)),
                When(status=ActionStatus.PENDING, then=Value(2)),
                default=Value(3), output_field=IntegerField())


def _demand_page(request: HttpRequest, demand: Demand, *, status: int = 200,
                 forms: list[DecisionForm] | None = None,
                 clarify: ClarifyForm | None = None,
                 error: str = "") -> HttpResponse:
    """Render the whole case file; each render of user data is an audited view."""
    actions.record_view(demand, user=request.user, what="demand_page")
    asks = list(demand.asks.all())
    current = {d.ask_id: d for d in demand.decisions.filter(superseded=False,
                                                             target__isnull=True)}

    targets_after = _int_param(request, "targets_after")
    targets_qs = demand.targets.order_by("pk")
    if targets_after:
        targets_qs = targets_qs.filter(pk__gt=targets_after)
    targets = list(targets_qs[: TARGETS_PAGE + 1])
    targets_next = targets[TARGETS_PAGE - 1].pk if len(targets) > TARGETS_PAGE else None
    targets = targets[:TARGETS_PAGE]

    events_after = _int_param(request, "events_after")
    events_qs = AuditEvent.objects.filter(demand_id=demand.pk).order_by("seq")
    if events_after:
        events_qs = events_qs.filter(seq__gt=events_after)
    events = list(events_qs[: EVENTS_PAGE + 1])
    events_next = events[EVENTS_PAGE - 1].seq if len(events) > EVENTS_PAGE else None
    events = events[:EVENTS_PAGE]

    findings = list(demand.findings.current().order_by(_severity_order(), "pk")[: LIST_LIMIT * 2])
    severity_counts = dict(demand.findings.current().order_by().values_list("severity")
                           .annotate(n=Count("id")).values_list("severity", "n"))

    action_summary = list(demand.actions.order_by("kind", "status").values("kind", "status")
                          .annotate(n=Count("id")))
    action_rows = list(Action.objects.filter(demand=demand).select_related("target")
                       .order_by(_action_order(), "pk")[:LIST_LIMIT])
    action_total = sum(row["n"] for row in action_summary)

    letters = list(demand.notices.exclude(kind=NoticeKind.USER).order_by("pk"))
    user_notices = list(Notice.objects.filter(demand=demand, kind=NoticeKind.USER)
                        .select_related("target").order_by("pk")[:LIST_LIMIT])
    notice_counts = dict(demand.notices.filter(kind=NoticeKind.USER).order_by()
                         .values_list("status").annotate(n=Count("id"))
                         .values_list("status", "n"))

    decisions = list(Decision.objects.filter(demand=demand)
                     .select_related("ask", "target", "decided_by")
                     .order_by("-pk")[:LIST_LIMIT])

    user = request.user
    may_decide = user.has_perm(DECIDE_PERM)
    decidable = may_decide and demand.status in actions.DECIDABLE
    context = {
        "demand": demand,
        "instrument": _instrument(demand.instrument),
        "officials": list(demand.officials.all()),
        "asks": asks,
        "targets": targets,
        "targets_next": targets_next,
        "targets_after": targets_after,
        "findings": findings,
        "findings_total": sum(severity_counts.values()),
        "severity_counts": severity_counts,
        "decisions": decisions,
        "action_summary": action_summary,
        "action_rows": action_rows,
        "action_total": action_total,
        "letters": letters,
        "user_notices": user_notices,
        "notice_counts": notice_counts,
        "events": events,
        "events_next": events_next,
        "events_after": events_after,
        "decidable": decidable,
        "view_only": not may_decide and demand.status in actions.DECIDABLE,
        "forms": forms if forms is not None else (
            decision_forms(asks, current=current) if decidable else []),
        "clarify": clarify or ClarifyForm(),
        "can_claim": may_decide and demand.is_open and demand.assignee_id != user.pk,
        "can_clarify": may_decide and (
            Status.AWAITING_AUTHORITY in actions.TRANSITIONS[demand.status]),
        "can_approve": (user.has_perm(APPROVE_PERM) and demand.awaiting_approval
                        and demand.decided_by_id != user.pk),
        "own_decision_waiting": demand.awaiting_approval and demand.decided_by_id == user.pk,
        "error": error,
    }
    return render(request, "review/demand.html", context, status=status)


def _refuse_without(request: HttpRequest, demand: Demand, perm: str) -> HttpResponse | None:
    """Same permissions as the API's decision endpoints, so both doors apply one rule."""
    if request.user.has_perm(perm):
        return None
    return _demand_page(request, demand, status=403,
                        error=f"You lack the permission {perm} needed for this step.")


def _load(pk: int) -> Demand:
    return get_object_or_404(
        Demand.objects.select_related("authority", "requester__user", "assignee",
                                      "decided_by", "approved_by"),
        pk=pk)


@staff_required
@require_GET
def demand_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _demand_page(request, _load(pk))


@staff_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Turn the per-ask forms into one DecisionsIn and hand it to the actions."""
    demand = _load(pk)
    if (refused := _refuse_without(request, demand, DECIDE_PERM)) is not None:
        return refused
    forms = decision_forms(list(demand.asks.all()), data=request.POST)
    if not forms or not all(f.is_valid() for f in forms):
        return _demand_page(request, demand, status=400, forms=forms,
                            error="The decision was not recorded: correct the marked fields.")
    try:
        data = DecisionsIn(decisions=[f.to_decision() for f in forms])
    except ValidationError as exc:
        detail = "; ".join(str(e["msg"]) for e in exc.errors())
        return _demand_page(request, demand, status=400, forms=forms,
                            error=f"The decision was not recorded: {detail}")
    try:
        updated = actions.record_decisions(demand, data, user=request.user)
    except DomainError as exc:
        return _demand_page(request, demand, status=exc.status, forms=forms,
                            error=exc.message)
    if updated.awaiting_approval:
        messages.success(request, "Decisions recorded. A second reviewer must approve them "
                                  "before anything is carried out.")
    else:
        messages.success(request, f"Decisions recorded; the demand is now "
                                  f"{Status(updated.status).label.lower()}.")
    return redirect("review:demand", pk=demand.pk)


@staff_required
@require_POST
def claim(request: HttpRequest, pk: int) -> HttpResponse:
    demand = _load(pk)
    if (refused := _refuse_without(request, demand, DECIDE_PERM)) is not None:
        return refused
    try:
        actions.claim_demand(demand, request.user)
    except DomainError as exc:
        return _demand_page(request, demand, status=exc.status, error=exc.message)
    messages.success(request, "You are now assigned to this demand.")
    return redirect("review:demand", pk=demand.pk)


@staff_required
@require_POST
def clarify(request: HttpRequest, pk: int) -> HttpResponse:
    demand = _load(pk)
    if (refused := _refuse_without(request, demand, DECIDE_PERM)) is not None:
        return refused
    form = ClarifyForm(request.POST)
    if not form.is_valid():
        return _demand_page(request, demand, status=400, clarify=form,
                            error="The clarification request was not sent.")
    try:
        actions.request_clarification(demand, form.cleaned_data["message"], user=request.user)
    except DomainError as exc:
        return _demand_page(request, demand, status=exc.status, clarify=form,
                            error=exc.message)
    messages.success(request, "Clarification requested; the demand awaits the authority.")
    return redirect("review:demand", pk=demand.pk)


@staff_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    demand = _load(pk)
    if (refused := _refuse_without(request, demand, APPROVE_PERM)) is not None:
        return refused
    try:
        updated = actions.approve_demand(demand, user=request.user)
    except DomainError as exc:
        return _demand_page(request, demand, status=exc.status, error=exc.message)
    messages.success(request, f"Approved; the demand is now "
                              f"{Status(updated.status).label.lower()}.")
    return redirect("review:demand", pk=demand.pk)
