"""The reviewer console: the queue, search and the deadline calendar.

Views only read and render; the demand page and every step that changes something are in
:mod:`dueprocess.review.demand_views`.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy
from django.views.decorators.http import require_GET, require_POST

from dueprocess.accounts.roles import DECIDE_PERM, SAVE_VIEW_PERM
from dueprocess.demands.models import Status
from dueprocess.errors import DomainError
from dueprocess.review import actions as review_actions
from dueprocess.review import deadlines, selectors
from dueprocess.review.forms import QUEUE_STATUSES, BulkAssignForm, QueueFilterForm, SaveViewForm
from dueprocess.review.search import search as run_search
from dueprocess.web.access import staff_required


def _query(params: dict[str, Any], **changes: Any) -> str:
    merged = {**params, **changes}
    return urlencode({k: v for k, v in merged.items() if v not in (None, "", False)})


#: Column headers: (sort key, label, extra class).
COLUMNS = (("risk", gettext_lazy("Risk"), "flags"), (None, gettext_lazy("Reference"), ""),
           ("authority", gettext_lazy("Authority"), ""),
           ("jurisdiction", pgettext_lazy("short for jurisdiction", "Jur."), ""),
           (None, gettext_lazy("Instrument"), ""), ("status", gettext_lazy("Status"), ""),
           (None, gettext_lazy("Recommendation"), ""), (None, gettext_lazy("Targets"), "num"),
           ("received", gettext_lazy("Received"), ""),
           ("deadline", pgettext_lazy("deadline column", "Due"), ""),
           ("assignee", gettext_lazy("Assignee"), ""))

#: Views every reviewer has, by role: (label, query string).
BUILT_IN_VIEWS = (
    (gettext_lazy("Needs human-rights review"), "hr=1"),
    (gettext_lazy("Answer received"), "answered=1"),
    (gettext_lazy("Awaiting approval"), "approval=1"),
    (gettext_lazy("Emergencies"), "emergency=1"),
    (gettext_lazy("My demands"), "mine=1"),
)


def _headers(params: dict[str, Any], sort: str, descending: bool) -> list[dict[str, Any]]:
    """Each sortable header links to its order (a second click reverses it), keeping filters."""
    out = []
    for key, text, css in COLUMNS:
        head: dict[str, Any] = {"label": text, "class": css, "key": key, "aria": None}
        if key is not None:
            active = key == sort
            desc = (not descending) if active else selectors.SORTS[key] == "desc"
            head["aria"] = ("descending" if descending else "ascending") if active else "none"
            head["query"] = _query(params, sort=f"-{key}" if desc else key, page="")
            head["next_dir"] = "descending" if desc else "ascending"
            head["title"] = _("Sort descending") if desc else _("Sort ascending")
        out.append(head)
    return out


def _filters(request: HttpRequest) -> tuple[QueueFilterForm, dict[str, Any]]:
    filters = QueueFilterForm(request.GET)
    mine = bool(filters.value("mine"))
    sort = filters.value("sort") or ""
    key, desc = selectors.parse_sort(sort)
    params = {
        "status": filters.value("status") or "",
        "jurisdiction": filters.value("jurisdiction") or "",
        "mine": "1" if mine else "",
        "assignee": "" if mine else (filters.value("assignee") or ""),
        "due": filters.value("due") or "",
        "approval": "1" if filters.value("approval") else "",
        "emergency": "1" if filters.value("emergency") else "",
        "hr": "1" if filters.value("hr") else "",
        "answered": "1" if filters.value("answered") else "",
        # the default order stays out of the URL, so links stay short
        "sort": "" if f"{'-' if desc else ''}{key}" == selectors.DEFAULT_SORT else sort,
    }
    return filters, params


@staff_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """The queue (read by :func:`dueprocess.review.selectors.queue_page`) with its filters.

    Every filter and the order live in the query string, so a view is shared by its link.
    """
    filters, params = _filters(request)
    assignee = params["assignee"]
    mine = bool(params["mine"])
    page_no = filters.value("page") or 1
    result = selectors.queue_page(selectors.QueueQuery(
        status=params["status"], jurisdiction=params["jurisdiction"],
        assignee_id=request.user.pk if mine else (
            int(assignee) if assignee and assignee != "none" else None),
        unassigned=not mine and assignee == "none", due=params["due"],
        approval=bool(params["approval"]), emergency=bool(params["emergency"]),
        needs_hr=bool(params["hr"]), answered=bool(params["answered"]),
        sort=params["sort"] or selectors.DEFAULT_SORT, page=page_no))
    counts, cap = result.counts, selectors.COUNT_CAP
    status = params["status"]
    status_tabs = [
        {"value": s, "label": Status(s).label, "count": counts.get(s),
         "query": _query(params, status=s), "active": status == s}
        for s in QUEUE_STATUSES
    ]
    here = _query(params)
    people = selectors.assignable_people()
    now = timezone.now()
    return render(request, "review/queue.html", {
        "demands": result.rows,
        "filters": filters,
        "params": params,
        "status": status,
        "jurisdiction": params["jurisdiction"],
        "mine": mine,
        "assignee": assignee,
        "due": params["due"],
        "approval": bool(params["approval"]),
        "emergency": bool(params["emergency"]),
        "hr": bool(params["hr"]),
        "answered": bool(params["answered"]),
        "sort": result.sort,
        "sort_label": selectors.SORT_LABELS.get(result.sort, result.sort),
        "descending": result.descending,
        "headers": _headers(params, result.sort, result.descending),
        "people": people,
        "can_assign": request.user.has_perm(DECIDE_PERM),
        "here": here,
        "built_in_views": [{"label": label, "query": q, "active": q == here}
                           for label, q in BUILT_IN_VIEWS],
        "saved_views": [{"view": v, "active": v.query == here}
                        for v in selectors.saved_views(request.user)],
        "status_tabs": status_tabs,
        "open_total": sum(min(n, cap) for n in counts.values()) if counts else None,
        "open_capped": any(n > cap for n in counts.values()),
        "count_cap": cap,
        "open_query": _query(params, status=""),
        "all_query": _query(params, status="all"),
        "overdue_query": _query(params, status="", due="overdue"),
        "approval_query": _query(params, status="", approval="1"),
        "next_query": _query(params, page=result.page + 1) if result.more else "",
        "prev_query": _query(params, page=result.page - 1 if result.page > 2 else "")
        if result.page > 1 else "",
        "page_no": result.page,
        "status_choices": Status.choices,
        "page_size": selectors.PAGE_SIZE,
        # On the first page only: the banner is a pointer, not part of paging.
        "overdue": 0 if params["due"] or result.page > 1
        else deadlines.overdue_count(now, cap=selectors.OVERDUE_CAP),
        "overdue_cap": selectors.OVERDUE_CAP,
        "now": now,
    })


def _back(raw: str) -> HttpResponse:
    """Back to the queue with the filters the person was looking at (a query string only)."""
    query = QueryDict(raw.lstrip("?")[:1000]).urlencode()
    return redirect(f"{reverse('review:queue')}{'?' + query if query else ''}")


def _refused(request: HttpRequest, back: str, message: str, *, status: int) -> HttpResponse:
    """A queue step that changed nothing: say why, with the way back to the same view."""
    query = QueryDict(back.lstrip("?")[:1000]).urlencode()
    return render(request, "review/queue_refused.html",
                  {"message": message, "back": query}, status=status)


@staff_required
@require_POST
def bulk_assign(request: HttpRequest) -> HttpResponse:
    """Assign or claim the ticked rows; each demand is its own step, refusals are listed."""
    back = request.POST.get("next", "")
    if not request.user.has_perm(DECIDE_PERM):
        return _refused(request, back, _(
            "You lack the permission %(perm)s needed to assign demands. Nothing was changed."
        ) % {"perm": DECIDE_PERM}, status=403)
    form = BulkAssignForm(selectors.assignable_people(), request.POST)
    if not form.is_valid():
        return _refused(request, back, _("Nothing was assigned: tick at least one demand and "
                                         "choose one of the listed reviewers."), status=400)
    who = form.cleaned_data["assignee"]
    assignee_id = request.user.pk if who == "me" else int(who)
    try:
        done = review_actions.bulk_assign(form.cleaned_data["demands"], assignee_id,
                                          user=request.user)
    except DomainError as exc:
        return _refused(request, back, exc.message, status=exc.status)
    mine = assignee_id == request.user.pk
    name = "" if mine else next(
        (p.get_username() for p in selectors.assignable_people() if p.pk == assignee_id), "")
    if done.assigned:
        count = len(done.assigned)
        text = (ngettext("Assigned %(count)d demand to you.",
                         "Assigned %(count)d demands to you.", count) if mine
                else ngettext("Assigned %(count)d demand to %(name)s.",
                              "Assigned %(count)d demands to %(name)s.", count))
        messages.success(request, text % {"count": count, "name": name})
    if done.unchanged:
        text = (_("%(count)d already with you: %(ids)s.") if mine
                else _("%(count)d already with %(name)s: %(ids)s."))
        messages.info(request, text % {"count": len(done.unchanged), "name": name,
                                       "ids": ", ".join(f"#{pk}" for pk in done.unchanged)})
    for pk, why in done.refused.items():
        messages.error(request, _("Not assigned #%(pk)s: %(why)s.") % {"pk": pk, "why": why})
    return _back(back)


@staff_required
@require_POST
def save_view(request: HttpRequest) -> HttpResponse:
    form = SaveViewForm(request.POST)
    query = QueryDict(request.POST.get("query", "")[:1000])
    clean = urlencode([(k, v) for k, v in query.items() if k != "page" and v])
    if not request.user.has_perm(SAVE_VIEW_PERM):
        return _refused(request, clean, _(
            "You lack the permission %(perm)s needed to save a view; share the page's link "
            "instead.") % {"perm": SAVE_VIEW_PERM}, status=403)
    if not form.is_valid():
        return _refused(request, clean, _("Name the view (at most 80 characters) to save it."),
                        status=400)
    try:
        view = review_actions.save_view(form.cleaned_data["name"], clean, user=request.user)
    except DomainError as exc:
        return _refused(request, clean, exc.message, status=exc.status)
    messages.success(request, _("Saved the view “%(name)s”.") % {"name": view.name})
    return _back(view.query)


@staff_required
@require_POST
def delete_view(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("review.delete_savedview"):
        return _refused(request, "", _("You lack the permission %(perm)s needed to delete a "
                                       "view.") % {"perm": "review.delete_savedview"},
                        status=403)
    raw = request.POST.get("view", "")
    try:
        review_actions.delete_view(int(raw) if raw.isdigit() and len(raw) < 19 else 0,
                                   user=request.user)
    except DomainError as exc:
        return _refused(request, "", exc.message, status=exc.status)
    messages.success(request, _("Deleted the view."))
    return _back("")


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
