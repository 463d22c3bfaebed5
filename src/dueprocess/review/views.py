"""The reviewer console: the queue, search and the deadline calendar.

Views only read and render; the demand page and every step that changes something are in
:mod:`dueprocess.review.demand_views`.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from dueprocess.demands.models import Demand, Status
from dueprocess.review import actions as review_actions
from dueprocess.review import deadlines
from dueprocess.review.forms import QUEUE_STATUSES, QueueFilterForm
from dueprocess.review.search import search as run_search
from dueprocess.web.access import staff_required

PAGE_SIZE = 50
COUNT_CAP = 10_000
OVERDUE_CAP = 50
# With a deadline filter the SQL condition is a superset; this many candidates are checked
# exactly per page before the page is cut.
DUE_SCAN = 2 * PAGE_SIZE

QUEUE_FIELDS = (
    "id", "reference", "instrument", "jurisdiction", "status", "recommendation",
    "target_count", "received_at", "deadline", "emergency", "awaiting_approval", "risk",
    "authority__name", "authority__slug", "assignee__username",
)


def _query(params: dict[str, Any], **changes: Any) -> str:
    merged = {**params, **changes}
    return urlencode({k: v for k, v in merged.items() if v not in (None, "", False)})


def _capped_count(qs: QuerySet[Demand], cap: int) -> int:
    """Count up to ``cap`` (a status with millions shows as "10,000+"): an index range
    that stops, instead of a scan of every row of the status."""
    return qs.order_by().values("pk")[: cap + 1].count()


def _riskiest(rows: QuerySet[Demand], statuses: tuple[str, ...],
              cursor: tuple[int, int] | None, limit: int) -> list[int]:
    """Ids of the next ``limit`` demands in (risk, id) order, newest first.

    One short backward scan of the (status, risk, id) index per status, merged here: a
    single query over several statuses would have to read and sort all of their rows.
    """
    keys: list[tuple[int, int]] = []
    for s in statuses:
        qs = rows.filter(status=s)
        if cursor is not None:
            risk, pk = cursor
            qs = qs.filter(Q(risk__lt=risk) | Q(risk=risk, pk__lt=pk))
        keys.extend(qs.order_by("-risk", "-pk").values_list("risk", "pk")[:limit])
    keys.sort(reverse=True)
    return [pk for _, pk in keys[:limit]]


def _due_bound(due: str) -> Any:
    now = timezone.now()
    if due == "overdue":
        return now
    if due == "week":
        return now + timedelta(days=7)
    return None


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
    assignee = filters.value("assignee") or ""
    due = filters.value("due") or ""
    approval = bool(filters.value("approval"))
    after = filters.value("after")

    scope: QuerySet[Demand] = Demand.objects.all()
    if jurisdiction:
        scope = scope.filter(jurisdiction=jurisdiction)
    if mine:
        scope = scope.filter(assignee_id=request.user.pk)
    elif assignee == "none":
        scope = scope.filter(assignee__isnull=True)
    elif assignee:
        scope = scope.filter(assignee_id=int(assignee))
    if approval:
        scope = scope.filter(awaiting_approval=True)
    # Unfiltered, each count is a short index-only range. Under a filter every candidate row
    # would have to be read to count it, so the tabs then go without numbers.
    filtered = bool(jurisdiction or mine or assignee or approval)
    cap = COUNT_CAP
    counts = {} if filtered else {s: _capped_count(scope.filter(status=s), cap)
                                  for s in QUEUE_STATUSES}

    rows = scope
    bound = _due_bound(due)
    if bound is not None:
        rows = deadlines.filter_due(rows, bound)
    # Working queues (open statuses) put risk first; the archive views (closed statuses,
    # "all") span the whole table, so they keep to the primary key and stay index-backed.
    by_risk = status in ("", *QUEUE_STATUSES)
    fetch = DUE_SCAN if bound is not None else PAGE_SIZE
    if by_risk:
        cursor = None
        if after:
            risk = Demand.objects.filter(pk=after).values_list("risk", flat=True).first()
            cursor = (risk, after) if risk is not None else None
        ids = _riskiest(rows, (status,) if status else QUEUE_STATUSES, cursor, fetch + 1)
    else:
        if status != "all":
            rows = rows.filter(status=status)
        if after:
            rows = rows.filter(pk__lt=after)
        ids = list(rows.order_by("-pk").values_list("pk", flat=True)[: fetch + 1])
    found = {d.pk: d for d in Demand.objects.filter(pk__in=ids)
             .select_related("authority", "assignee").only(*QUEUE_FIELDS)}
    candidates = [found[pk] for pk in ids if pk in found]
    for d in candidates:
        d.due = deadlines.response_due(d)  # type: ignore[attr-defined]
    if bound is not None:
        page = [d for d in candidates[:fetch]
                if d.due is not None and d.due < bound]  # type: ignore[attr-defined]
        more = len(page) > PAGE_SIZE or len(candidates) > fetch
        cursor_row = page[PAGE_SIZE - 1] if len(page) > PAGE_SIZE else (
            candidates[fetch - 1] if len(candidates) > fetch else None)
        page = page[:PAGE_SIZE]
    else:
        more = len(candidates) > PAGE_SIZE
        page = candidates[:PAGE_SIZE]
        cursor_row = page[-1] if more and page else None

    params = {"status": status, "jurisdiction": jurisdiction, "mine": "1" if mine else "",
              "assignee": "" if mine else assignee, "due": due,
              "approval": "1" if approval else ""}
    status_tabs = [
        {"value": s, "label": Status(s).label, "count": counts.get(s),
         "query": _query(params, status=s), "active": status == s}
        for s in QUEUE_STATUSES
    ]
    now = timezone.now()
    return render(request, "review/queue.html", {
        "demands": page,
        "filters": filters,
        "status": status,
        "by_risk": by_risk,
        "jurisdiction": jurisdiction,
        "mine": mine,
        "assignee": assignee,
        "due": due,
        "approval": approval,
        "after": after,
        "status_tabs": status_tabs,
        "open_total": sum(min(n, cap) for n in counts.values()) if counts else None,
        "open_capped": any(n > cap for n in counts.values()),
        "count_cap": cap,
        "open_query": _query(params, status=""),
        "all_query": _query(params, status="all"),
        "overdue_query": _query(params, status="", due="overdue"),
        "approval_query": _query(params, status="", approval="1"),
        "next_query": _query(params, after=cursor_row.pk) if more and cursor_row else "",
        "first_query": _query(params) if after else "",
        "status_choices": Status.choices,
        "page_size": PAGE_SIZE,
        # On the first page only: the banner is a pointer, not part of paging.
        "overdue": 0 if due or after else deadlines.overdue_count(now, cap=OVERDUE_CAP),
        "overdue_cap": OVERDUE_CAP,
        "now": now,
    })


@staff_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Results name targets (user data), so each search is an audited view."""
    q = request.GET.get("q", "")
    results = run_search(q)
    if results.query:
        review_actions.record_search(results, user=request.user)
    return render(request, "review/search.html", {"results": results, "q": results.query})


def _date_param(request: HttpRequest, name: str, default: date) -> date:
    raw = request.GET.get(name, "")
    try:
        return date.fromisoformat(raw) if raw else default
    except ValueError:
        return default


@staff_required
@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    """Deadlines by day: responses, preservation expiries, non-disclosure expiries."""
    today = timezone.now().date()
    start = _date_param(request, "start", today)
    days = request.GET.get("days", "")
    span = int(days) if days.isdigit() and 1 <= int(days) <= 366 else 31
    end = start + timedelta(days=span - 1)
    items = deadlines.calendar(start, end)
    by_day: dict[date, list[deadlines.DueItem]] = {}
    for item in items:
        by_day.setdefault(item.due, []).append(item)
    reminders = {
        item.demand_id for item in items
        if item.kind == "preservation_expiry"
        and item.due - today <= timedelta(days=deadlines.PRESERVATION_REMINDER_DAYS)
    }
    return render(request, "review/calendar.html", {
        "start": start, "end": end, "span": span, "today": today,
        "days": sorted(by_day.items()),
        "overdue": deadlines.overdue_responses(timezone.now()),
        "soon": reminders,
        "prev_start": (start - timedelta(days=span)).isoformat(),
        "next_start": (end + timedelta(days=1)).isoformat(),
    })
