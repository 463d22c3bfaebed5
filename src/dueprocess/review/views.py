"""The reviewer console: the queue, search and the deadline calendar.

Views only read and render; the demand page and every step that changes something are in
:mod:`dueprocess.review.demand_views`.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from dueprocess.demands.models import Status
from dueprocess.review import actions as review_actions
from dueprocess.review import deadlines, selectors
from dueprocess.review.forms import QUEUE_STATUSES, QueueFilterForm
from dueprocess.review.search import search as run_search
from dueprocess.web.access import staff_required


def _query(params: dict[str, Any], **changes: Any) -> str:
    merged = {**params, **changes}
    return urlencode({k: v for k, v in merged.items() if v not in (None, "", False)})


@staff_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """The queue (read by :func:`dueprocess.review.selectors.queue_page`) with its filters."""
    filters = QueueFilterForm(request.GET)
    status = filters.value("status") or ""
    jurisdiction = filters.value("jurisdiction") or ""
    mine = bool(filters.value("mine"))
    assignee = filters.value("assignee") or ""
    due = filters.value("due") or ""
    approval = bool(filters.value("approval"))
    after = filters.value("after")
    result = selectors.queue_page(selectors.QueueQuery(
        status=status, jurisdiction=jurisdiction,
        assignee_id=request.user.pk if mine else (
            int(assignee) if assignee and assignee != "none" else None),
        unassigned=not mine and assignee == "none", due=due, approval=approval, after=after))
    counts, cap = result.counts, selectors.COUNT_CAP
    page = result.rows
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
        "by_risk": result.by_risk,
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
        "next_query": _query(params, after=result.cursor) if result.cursor else "",
        "first_query": _query(params) if after else "",
        "status_choices": Status.choices,
        "page_size": selectors.PAGE_SIZE,
        # On the first page only: the banner is a pointer, not part of paging.
        "overdue": 0 if due or after else deadlines.overdue_count(now, cap=selectors.OVERDUE_CAP),
        "overdue_cap": selectors.OVERDUE_CAP,
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
