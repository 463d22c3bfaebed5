"""What the console's big pages read, as typed page data, in a known number of queries.

Views call these and add what depends on the person looking (permissions, forms); nothing
here writes. Lists are cut at a page (the template says how many more there are), so a demand
with 100,000 targets or events costs the same queries as one with three.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connections
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from dueprocess.audit.chain import VerifyResult, verify
from dueprocess.audit.models import AuditEvent, SigningKey
from dueprocess.demands import actions, invariants
from dueprocess.demands.models import (
    Action,
    ActionStatus,
    Ask,
    Authority,
    Decision,
    Demand,
    Document,
    Finding,
    Notice,
    NoticeKind,
    NoticeStatus,
    Official,
    Severity,
    Status,
    Target,
)
from dueprocess.intake.models import ClarificationAnswer, InboundEmail
from dueprocess.law import default_library
from dueprocess.notices.delivery import is_verified_address, verified_addresses
from dueprocess.review import deadlines, gates, timeline
from dueprocess.review.actions import demand_version
from dueprocess.review.forms import QUEUE_STATUSES
from dueprocess.review.models import HumanRightsReview, Note, Override, SavedView
from dueprocess.review.search import related_demands
from dueprocess.review.timeline import Line

TARGETS_PAGE = 200
EVENTS_PAGE = 300
VIEWS_SHOWN = 100
LIST_LIMIT = 200


@dataclass
class TargetRow:
    """One target under one ask: what is decided for it and what execution did about it.

    ``exception`` is a decision made for this target alone (it overrides the ask's);
    ``decision`` is the one in force for it, either way.
    """

    target: Target
    ask: Ask
    exception: Decision | None
    decision: Decision | None
    actions: list[Action]

    @property
    def key(self) -> str:
        return f"row-{self.target.pk}-{self.ask.position}"


def applies(ask: Ask, target: Target) -> bool:
    """Whether an ask acts on a target: restricting content on content, everything else
    on accounts (the rule execution plans by)."""
    wanted = "content" if ask.kind == "restrict_content" else "account"
    return target.type == wanted


def target_rows(asks: Sequence[Ask], targets: Sequence[Target],
                decisions: Sequence[Decision], actions_: Sequence[Any]) -> list[TargetRow]:
    """Rows for (target, ask) pairs an ask acts on, from rows already read."""
    by_ask = {d.ask_id: d for d in decisions if d.target_id is None}
    by_pair = {(d.ask_id, d.target_id): d for d in decisions if d.target_id is not None}
    acts: dict[tuple[int | None, int | None], list[Action]] = {}
    for a in actions_:
        acts.setdefault((getattr(a, "ask_id", None), a.target_id), []).append(a)
    rows = []
    for t in targets:
        for ask in asks:
            if not applies(ask, t):
                continue
            own = by_pair.get((ask.pk, t.pk))
            rows.append(TargetRow(t, ask, own, own or by_ask.get(ask.pk),
                                  acts.get((ask.pk, t.pk), [])))
    return rows


@dataclass
class CaseFile:
    """Everything the demand page shows of one demand, read once."""

    demand: Demand
    version: int
    instrument: Any
    asks: list[Ask]
    current: dict[int, Decision]
    officials: list[Official]
    screening: dict[int, list[Any]]
    targets: list[Target]
    targets_next: int | None
    targets_after: int | None
    related: Any
    documents: list[Document]
    inbound_email: InboundEmail | None
    findings: list[Any]
    severity_counts: dict[str, int]
    findings_history: int
    decisions: list[Decision]
    action_rows: list[Action]
    action_summary: list[dict[str, Any]]
    action_total: int
    letters: list[Notice]
    drafts: list[Notice]
    answers: list[ClarificationAnswer]
    letter_addresses: list[str]
    sender_verified: bool | None
    user_notices: list[Notice]
    notice_counts: dict[str, int]
    events: list[AuditEvent]
    events_next: int | None
    events_after: int | None
    deadlines: Any
    reviews: list[HumanRightsReview]
    hr_triggers: list[str]
    hr_current: HumanRightsReview | None
    case: invariants.Case
    overrides: list[Override] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    rows: list[TargetRow] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    views: list[Line] = field(default_factory=list)
    views_total: int = 0
    events_kind: str = ""


def severity_order() -> Case:
    return Case(When(severity=Severity.BLOCK, then=Value(0)),
                When(severity=Severity.WARNING, then=Value(1)),
                default=Value(2), output_field=IntegerField())


def action_order() -> Case:
    return Case(When(status=ActionStatus.FAILED, then=Value(0)),
                When(status=ActionStatus.RUNNING, then=Value(1)),
                When(status=ActionStatus.PENDING, then=Value(2)),
                default=Value(3), output_field=IntegerField())


def screening_by_official(findings: list[Any], officials: list[Any]) -> dict[int, list[Any]]:
    """Sanctions findings per official, matched by the name the finding's evidence carries."""
    hits: dict[int, list[Any]] = {}
    sanction = [f for f in findings if f.code.startswith("sanctions.")]
    for official in officials:
        name = official.name.casefold()
        for f in sanction:
            if name and name in json.dumps(f.evidence, ensure_ascii=False).casefold():
                hits.setdefault(official.pk, []).append(f)
    return hits


def posted_target_rows(demand: Demand, asks: list[Ask],
                       keys: list[tuple[int, int]]) -> list[TargetRow]:
    """The target rows a submitted decision form names, with the decisions in force for
    them (two queries, whatever the number of rows)."""
    if not keys:
        return []
    wanted = set(keys)
    targets = list(demand.targets.filter(pk__in={pk for pk, _ in keys}).order_by("pk"))
    decisions = list(demand.decisions.filter(superseded=False).filter(
        Q(target__isnull=True) | Q(target_id__in=[t.pk for t in targets] or [0])))
    rows = target_rows(asks, targets, decisions, [])
    return [r for r in rows if (r.target.pk, r.ask.position) in wanted]


def inbound_email(demand: Demand) -> InboundEmail | None:
    return InboundEmail.objects.filter(demand=demand).first()


def _page(rows: list[Any], size: int, key: str) -> tuple[list[Any], int | None]:
    """The first ``size`` rows and the key to continue after, when there are more."""
    more = getattr(rows[size - 1], key) if len(rows) > size else None
    return rows[:size], more


def case_file(demand: Demand, *, targets_after: int | None = None,
              events_after: int | None = None, events_kind: str = "") -> CaseFile:
    asks = list(demand.asks.all())
    targets_qs = demand.targets.order_by("pk")
    if targets_after:
        targets_qs = targets_qs.filter(pk__gt=targets_after)
    targets, targets_next = _page(list(targets_qs[: TARGETS_PAGE + 1]), TARGETS_PAGE, "pk")
    page_ids = [t.pk for t in targets] or [0]  # never an empty IN: the same queries always
    # The decisions in force for every ask, and those for single targets of this page
    in_force = list(demand.decisions.filter(superseded=False).filter(
        Q(target__isnull=True) | Q(target_id__in=page_ids)))
    current = {d.ask_id: d for d in in_force if d.target_id is None}
    page_actions = list(Action.objects.filter(demand=demand, target_id__in=page_ids)
                        .annotate(ask_id=F("decision__ask_id")).order_by("pk"))

    events_qs = AuditEvent.objects.filter(demand_id=demand.pk).exclude(
        verb__in=timeline.VIEW_CODES).order_by("seq")
    if events_kind:
        events_qs = events_qs.filter(verb__in=timeline.codes_of(events_kind))
    if events_after:
        events_qs = events_qs.filter(seq__gt=events_after)
    events, events_next = _page(list(events_qs[: EVENTS_PAGE + 1]), EVENTS_PAGE, "seq")
    # Page views and downloads fold into one line: the latest few, and how many in all
    views = list(AuditEvent.objects.filter(demand_id=demand.pk, verb__in=timeline.VIEW_CODES)
                 .annotate(total=Window(Count("pk"))).order_by("-seq")[:VIEWS_SHOWN])
    people = timeline.person_ids([*events, *views])
    names = {pk: (f"{first} {last}".strip() or username)
             for pk, first, last, username in get_user_model().objects
             .filter(pk__in=sorted(people) or [0])
             .values_list("pk", "first_name", "last_name", "username")}

    findings = list(demand.findings.current().order_by(severity_order(), "pk")[: LIST_LIMIT * 2])
    if len(findings) < LIST_LIMIT * 2:  # all of them: count here rather than ask again
        severity_counts = dict(Counter(f.severity for f in findings))
    else:
        severity_counts = dict(demand.findings.current().order_by().values_list("severity")
                               .annotate(n=Count("id")).values_list("severity", "n"))

    action_rows = list(Action.objects.filter(demand=demand).select_related("target")
                       .order_by(action_order(), "pk")[:LIST_LIMIT])
    action_summary: list[dict[str, Any]]
    if len(action_rows) < LIST_LIMIT:
        tally = Counter((a.kind, a.status) for a in action_rows)
        action_summary = [{"kind": k, "status": st, "n": n}
                          for (k, st), n in sorted(tally.items())]
    else:
        action_summary = list(demand.actions.order_by("kind", "status")
                              .values("kind", "status").annotate(n=Count("id")))

    letters = list(demand.notices.exclude(kind=NoticeKind.USER)
                   .select_related("author", "edited_by", "approved_by", "sent_by")
                   .order_by("pk"))
    decisions = list(Decision.objects.filter(demand=demand)
                     .select_related("ask", "target", "decided_by")
                     .order_by("-pk")[:LIST_LIMIT])
    refused = {d.ask_id for d in decisions if not d.superseded and d.target_id is None
               and d.outcome not in ("comply", "comply_partially")}
    officials = list(demand.officials.all())
    reviews = list(HumanRightsReview.objects.filter(demand=demand)
                   .select_related("reviewer").order_by("-pk")[:20])
    return CaseFile(
        demand=demand,
        version=demand_version(demand.pk),
        instrument=default_library().get(demand.instrument),
        asks=asks,
        current=current,
        officials=officials,
        screening=screening_by_official(findings, officials),
        targets=targets,
        targets_next=targets_next,
        targets_after=targets_after,
        related=related_demands(demand, [t.identifier for t in targets]),
        documents=list(Document.objects.filter(demand=demand).order_by("pk")),
        inbound_email=inbound_email(demand),
        findings=findings,
        severity_counts=severity_counts,
        findings_history=demand.findings.filter(superseded_at__isnull=False).count(),
        decisions=decisions,
        action_rows=action_rows,
        action_summary=action_summary,
        action_total=sum(int(row["n"]) for row in action_summary),
        letters=[n for n in letters if n.status != NoticeStatus.DRAFT],
        drafts=[n for n in letters if n.status == NoticeStatus.DRAFT],
        answers=list(ClarificationAnswer.objects.filter(demand=demand)
                     .select_related("answered_by").order_by("answered_at", "pk")[:LIST_LIMIT]),
        letter_addresses=verified_addresses(demand),
        sender_verified=is_verified_address(demand.sender_email, demand.authority.domains)
        if demand.sender_email else None,
        user_notices=list(Notice.objects.filter(demand=demand, kind=NoticeKind.USER)
                          .select_related("target").order_by("pk")[:LIST_LIMIT]),
        notice_counts=dict(demand.notices.filter(kind=NoticeKind.USER).order_by()
                           .values_list("status").annotate(n=Count("id"))
                           .values_list("status", "n")),
        events=events,
        events_next=events_next,
        events_after=events_after,
        deadlines=deadlines.demand_deadlines(demand, asks=asks, refused=refused),
        reviews=reviews,
        hr_triggers=gates.human_rights_triggers(demand),
        hr_current=next((r for r in reviews if r.superseded_at is None), None),
        case=actions.binding_case(demand),
        overrides=list(Override.objects.filter(demand=demand).select_related("author")
                       .order_by("-pk")[:20]),
        notes=list(Note.objects.filter(demand=demand).select_related("author")
                   .order_by("-pk")[:LIST_LIMIT]),
        rows=target_rows(asks, targets, in_force, page_actions),
        lines=[timeline.describe(e, names) for e in events],
        views=[timeline.describe(e, names) for e in views],
        views_total=int(getattr(views[0], "total", 0)) if views else 0,
        events_kind=events_kind,
    )


# ----------------------------------------------------------------------------- the queue

PAGE_SIZE = 50
COUNT_CAP = 1_000
#: Up to this many rows under a filter, the database sorts them (they are found by an index);
#: more, and the queue reads them in index order (see :func:`_walk` and :func:`_by_due`).
FEW = 1000
OVERDUE_CAP = 50
#: Sorted views page by number; past this page the order would cost a long scan.
MAX_PAGE = 200

QUEUE_FIELDS = (
    "id", "reference", "instrument", "jurisdiction", "status", "recommendation",
    "target_count", "received_at", "deadline", "emergency", "awaiting_approval", "risk", "due",
    "authority__name", "authority__slug", "assignee__username",
)

#: The columns the queue sorts by, each with the direction a first click gives.
SORTS: dict[str, str] = {
    "received": "desc", "deadline": "asc", "risk": "desc", "authority": "asc",
    "jurisdiction": "asc", "status": "asc", "assignee": "asc",
}
DEFAULT_SORT = "-risk"
#: How the queue names each order ("Sorted by received, descending").
SORT_LABELS = {
    "received": pgettext_lazy("sort key", "received"),
    "deadline": pgettext_lazy("sort key", "deadline"),
    "risk": pgettext_lazy("sort key", "risk"),
    "authority": pgettext_lazy("sort key", "authority"),
    "jurisdiction": pgettext_lazy("sort key", "jurisdiction"),
    "status": pgettext_lazy("sort key", "status"),
    "assignee": pgettext_lazy("sort key", "assignee"),
}

#: The kind of block a demand's risk stands for (see demands.actions.risk_of).
BLOCK_KINDS: dict[int, str] = {6: "forgery", 5: "sanctions", 4: "human rights",
                               3: "legal process"}
#: The same kinds as a reader sees them on the queue's badges.
BLOCK_LABELS = {
    "forgery": pgettext_lazy("block badge", "forgery"),
    "sanctions": pgettext_lazy("block badge", "sanctions"),
    "human rights": pgettext_lazy("block badge", "human rights"),
    "legal process": pgettext_lazy("block badge", "legal process"),
}


def parse_sort(value: str) -> tuple[str, bool]:
    """``"-received"`` -> ``("received", True)``; anything unknown is the default order."""
    key = value.lstrip("-")
    if key not in SORTS:
        return parse_sort(DEFAULT_SORT)
    return key, value.startswith("-")


def _order(key: str, desc: bool) -> list[Any]:
    """ORDER BY terms: the column, then ties broken the same way every time (newest first)."""
    def term(expr: Any) -> Any:
        e = expr if hasattr(expr, "resolve_expression") else F(expr)
        # NULLS LAST only where a column has nulls: on a column without, it would keep
        # PostgreSQL from reading a descending order backwards along the column's index
        nulls = True if key in ("assignee", "deadline") else None
        return e.desc(nulls_last=nulls) if desc else e.asc(nulls_last=nulls)

    if key == "risk":  # the severity tuple: kind of block, then the nearest deadline
        return [term("risk"), F("due").asc(nulls_last=True), F("id").desc()]
    column = {"received": "received_at", "deadline": "due", "authority": "authority__name",
              "jurisdiction": "jurisdiction", "status": "status",
              "assignee": "assignee__username"}[key]
    return [term(column), F("id").desc()]


#: Risk ranks stored by vetting (see demands.actions.risk_of), riskiest first.
RISK_LEVELS = (6, 5, 4, 3, 2, 1, 0)


def _groups(key: str, desc: bool, rows: QuerySet[Demand]) -> list[Q] | None:
    """The values of a column with few of them, in sort order, as one filter each.

    Ordering a million rows by such a column would read and sort every open row; reading
    the groups one after the other takes, per group, one range of an index that already
    holds it in id order, and stops as soon as the page is full.
    """
    groups: list[Q]
    if key == "risk":
        groups = [Q(risk=r) for r in RISK_LEVELS]
    elif key == "status":
        groups = [Q(status=v) for v in sorted(Status.values)]
    elif key == "authority":
        names = Authority.objects.order_by("name", "pk").values_list("pk", flat=True)
        groups = [Q(authority_id=pk) for pk in names[:500]]
        if len(groups) >= 500:
            return None  # too many to walk: let the database sort
    elif key == "jurisdiction":  # the values there are, from the (status, jurisdiction) index
        codes = sorted(set(rows.order_by().values_list("jurisdiction", flat=True)
                           .distinct()[:501]))
        if len(codes) > 500:
            return None
        groups = [Q(jurisdiction=code) for code in codes]
    elif key == "assignee":
        people = (get_user_model().objects
                  .filter(Exists(Demand.objects.filter(assignee_id=OuterRef("pk"))))
                  .order_by("username").values_list("pk", flat=True))
        groups = [Q(assignee_id=pk) for pk in people[:500]]
        if len(groups) >= 500:
            return None
        groups.append(Q(assignee__isnull=True))  # unassigned last, whichever the direction
        if desc:
            return [*groups[-2::-1], groups[-1]]
        return groups
    else:
        return None
    return groups[::-1] if desc == (key != "risk") else groups


def _walk(base: QuerySet[Demand], rows: QuerySet[Demand], groups: list[Q], within: Within,
          skip: int, want: int) -> list[int]:
    """Ids ``skip`` to ``skip + want`` of ``rows`` taken group by group (see :func:`_groups`).

    ``base`` is ``rows`` before its status filter (for readers that take one status at a
    time). Groups before the page are counted, not read; counting is an index range too.
    """
    ids: list[int] = []
    for group in groups:
        part = rows.filter(group)
        if skip:
            n = part.order_by().count()
            if n <= skip:
                skip -= n
                continue
        ids.extend(within(base.filter(group), part, skip, want - len(ids)))
        skip = 0
        if len(ids) >= want:
            break
    return ids


#: Reads a group's page: (the group in every status, the group in the statuses asked for,
#: skip, want) -> ids.
Within = Callable[[QuerySet[Demand], QuerySet[Demand], int, int], list[int]]


def _newest(base: QuerySet[Demand], rows: QuerySet[Demand], skip: int, want: int) -> list[int]:
    return list(rows.order_by("-id").values_list("pk", flat=True)[skip: skip + want])


def _newest_each(statuses: Sequence[str], rows: QuerySet[Demand], _: QuerySet[Demand],
                 skip: int, want: int) -> list[int]:
    """Newest first, one range of the ``(status, …, id)`` index per status, merged."""
    found = _each_status(statuses, [
        lambda status: rows.filter(status=status).order_by("-id").values_list("pk")[: skip + want]])
    return sorted((pk for (pk,) in found), reverse=True)[skip: skip + want]


def _soonest(statuses: Sequence[str], dated_only: bool, rows: QuerySet[Demand],
             _: QuerySet[Demand], skip: int, want: int) -> list[int]:
    return _by_due(rows, statuses, False, skip, want, dated_only=dated_only)


_ANY_STATUS = "\x00status"  # stands for each status in a query compiled once


def _each_status(statuses: Sequence[str],
                 parts: list[Callable[[str], QuerySet[Any]]]) -> list[tuple[Any, ...]]:
    """The rows of ordered, cut queries, each once per status, in one round trip.

    Each part keeps its own ``ORDER BY … LIMIT`` (an index range that stops) inside a
    subquery of a ``UNION ALL`` (SQLite accepts them only there). A part is compiled once,
    for a stand-in status, and repeated with each status as its parameter.
    """
    compiled = []
    using = "default"
    for part in parts:
        qs = part(_ANY_STATUS)
        using = qs.db
        compiled.append(qs.query.get_compiler(using=using).as_sql())
    sqls: list[str] = []
    params: list[Any] = []
    for status in statuses:
        for sql, args in compiled:
            sqls.append(f"SELECT * FROM ({sql}) AS part{len(sqls)}")  # noqa: S608 (compiled)
            params.extend(status if a == _ANY_STATUS else a for a in args)
    if not sqls:
        return []
    with connections[using].cursor() as cur:
        cur.execute(" UNION ALL ".join(sqls), params)
        return list(cur.fetchall())


def _by_due(rows: QuerySet[Demand], statuses: Sequence[str], desc: bool, skip: int,
            want: int, *, dated_only: bool = False) -> list[int]:
    """Ids in the order of the stored due date (ties newest first, no date last).

    Per status, one index range of ``(status, [risk,] due, id)`` for the dated demands, each
    cut at the page's end, read in one query and merged here (a single ``status IN (…) ORDER
    BY due`` would read and sort every open row); the undated, from their partial index, only
    when the dated ones do not fill the page. ``dated_only`` when
    ``rows`` are already cut by due date (PostgreSQL would not see that "due IS NULL" then
    finds nothing, and would look for it row by row).
    """
    n = skip + want
    direction = "-" if desc else ""
    dated = _each_status(statuses, [
        lambda status: rows.filter(status=status, due__isnull=False)
        .order_by(f"{direction}due", "-id").values_list("due", "pk")[:n]])
    if desc:
        dated.sort(reverse=True)
    else:
        dated.sort(key=lambda k: (k[0], -k[1]))
    ids = [pk for _, pk in dated[skip:n]]
    if len(dated) < n and not dated_only:  # every dated row is in hand; then the undated
        rest = max(0, skip - len(dated))
        undated = _each_status(statuses, [
            lambda status: rows.filter(status=status, due__isnull=True)
            .order_by("-id").values_list("pk")[: rest + want]])
        ids += sorted((pk for (pk,) in undated), reverse=True)[rest: rest + want - len(ids)]
    return ids


def capped_count(qs: QuerySet[Demand], cap: int) -> int:
    """Count up to ``cap`` (a status with millions shows as "10,000+"): an index range
    that stops, instead of a scan of every row of the status."""
    return qs.order_by().values("pk")[: cap + 1].count()


def due_bound(due: str) -> Any:
    now = timezone.now()
    if due == "overdue":
        return now
    if due == "week":
        return now + timedelta(days=7)
    return None


def assignable_people() -> list[Any]:
    """Who a demand can be assigned to: active staff who may decide (the reviewer right)."""
    from django.contrib.auth.models import Permission

    from dueprocess.accounts.roles import DECIDE_PERM

    app, codename = DECIDE_PERM.split(".")
    ids = list(Permission.objects.filter(content_type__app_label=app, codename=codename)
               .values_list("pk", flat=True))
    return list(get_user_model().objects.filter(is_active=True, is_staff=True).filter(
        Q(is_superuser=True) | Q(user_permissions__in=ids) | Q(groups__permissions__in=ids))
        .distinct().order_by("username")[:200])


def saved_views(user: Any) -> list[SavedView]:
    return list(SavedView.objects.filter(owner_id=user.pk).order_by("name", "pk")[:100])


@dataclass(frozen=True)
class QueueQuery:
    """The queue's filters and order, checked by the form: what a reviewer asked to see."""

    status: str = ""
    jurisdiction: str = ""
    assignee_id: int | None = None  # "mine", or a person chosen
    unassigned: bool = False
    due: str = ""
    approval: bool = False
    emergency: bool = False
    needs_hr: bool = False  # a human-rights review is called for and none is in force
    answered: bool = False  # the authority answered a clarification request
    sort: str = DEFAULT_SORT
    page: int = 1

    @property
    def filtered(self) -> bool:
        return bool(self.jurisdiction or self.unassigned or self.assignee_id is not None
                    or self.approval or self.emergency or self.needs_hr or self.answered)


@dataclass(frozen=True)
class QueueRow:
    demand: Demand
    due: Any  # the response deadline, or None

    @property
    def block(self) -> str:
        """The kind of the demand's worst block finding, or "" without one."""
        return BLOCK_KINDS.get(self.demand.risk, "")

    @property
    def block_label(self) -> str:
        """:attr:`block` in the reader's language."""
        return str(BLOCK_LABELS.get(self.block, self.block))


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    counts: dict[str, int]  # per open status, capped; empty under a filter
    sort: str
    descending: bool
    page: int
    more: bool


def _scope(q: QueueQuery) -> QuerySet[Demand]:
    scope: QuerySet[Demand] = Demand.objects.all()
    if q.jurisdiction:
        scope = scope.filter(jurisdiction=q.jurisdiction)
    if q.unassigned:
        scope = scope.filter(assignee__isnull=True)
    elif q.assignee_id is not None:
        scope = scope.filter(assignee_id=q.assignee_id)
    if q.approval:
        scope = scope.filter(awaiting_approval=True)
    if q.emergency:
        scope = scope.filter(emergency=True)
    if q.needs_hr:
        triggers = Finding.objects.filter(
            demand=OuterRef("pk"), superseded_at__isnull=True,
            severity__in=(Severity.WARNING, Severity.BLOCK)).filter(
            Q(code=gates.HR_POLICY_CODE) | Q(code__startswith="rights."))
        done = HumanRightsReview.objects.filter(demand=OuterRef("pk"),
                                                superseded_at__isnull=True)
        scope = scope.filter(Exists(triggers)).exclude(Exists(done))
    if q.answered:
        scope = scope.filter(status=Status.IN_REVIEW).filter(
            Exists(ClarificationAnswer.objects.filter(demand=OuterRef("pk"))))
    return scope


def _hr_candidates() -> list[int] | None:
    """Demands with a finding that calls for a human-rights review, from the findings' code
    index, or ``None`` when there are more than :data:`FEW` (then each row is probed)."""
    rights = Q(code__startswith="rights.")
    if connections[Finding.objects.db].vendor == "sqlite":
        # SQLite's LIKE ignores case and so never uses the index; in its binary order
        # the same codes are a range (PostgreSQL has a pattern index for LIKE)
        rights = Q(code__gte="rights.", code__lt="rights/")
    ids = list(Finding.objects.filter(superseded_at__isnull=True,
                                      severity__in=(Severity.WARNING, Severity.BLOCK))
               .filter(Q(code=gates.HR_POLICY_CODE) | rights)
               .order_by().values_list("demand_id", flat=True)[: 4 * FEW + 1])
    if len(ids) > 4 * FEW:  # (no DISTINCT: it would lead SQLite to the demand index)
        return None
    unique = sorted(set(ids))
    return unique if len(unique) <= FEW else None


def queue_page(q: QueueQuery) -> QueuePage:
    """One page of the queue, in the order asked for (riskiest first unless told).

    Every order ends in the id, so equal values always come in the same order and a page
    never repeats or skips a row of the one before. Filters are plain columns or short
    EXISTS probes; counts per status are shown only unfiltered (an index range each).
    """
    scope = _scope(q)
    counts = {} if q.filtered else {s: capped_count(scope.filter(status=s), COUNT_CAP)
                                    for s in QUEUE_STATUSES}
    key, desc = parse_sort(q.sort)
    if q.status not in ("", *QUEUE_STATUSES) and q.sort == DEFAULT_SORT:
        key, desc = "received", True  # the archive: newest first, along the receipt index
    page = max(1, min(q.page, MAX_PAGE))
    start = (page - 1) * PAGE_SIZE
    bound = due_bound(q.due)
    base = scope  # before the status filter: readers of one status at a time start here
    if bound is not None:  # the stored due date is exact: the filter is an index range
        base = base.filter(due__lt=bound)
    statuses: Sequence[str]
    if q.status == "":
        statuses = QUEUE_STATUSES
        rows = base.filter(status__in=QUEUE_STATUSES)
    elif q.status == "all":
        statuses = Status.values
        rows = base
    else:
        statuses = [q.status]
        rows = base.filter(status=q.status)
    few = False  # a filter that leaves a few rows: let the database sort them
    if q.needs_hr:
        candidates = _hr_candidates()
        if candidates is not None:
            rows = rows.filter(pk__in=candidates)
            base = base.filter(pk__in=candidates)
            few = True
    elif q.filtered or bound is not None:
        few = capped_count(rows, FEW) <= FEW
    groups = None if few else _groups(key, desc, rows)
    if groups is not None:
        # the severity tuple goes on with the nearest deadline; other groups newest first
        within: Within = (partial(_soonest, statuses, bound is not None) if key == "risk"
                          else partial(_newest_each, statuses) if key == "jurisdiction"
                          else _newest)
        ids = _walk(base, rows, groups, within, start, PAGE_SIZE + 1)
    elif key == "deadline" and not few:
        ids = _by_due(base, statuses, desc, start, PAGE_SIZE + 1, dated_only=bound is not None)
    else:
        ids = list(rows.order_by(*_order(key, desc))
                   .values_list("pk", flat=True)[start: start + PAGE_SIZE + 1])
    found = {d.pk: d for d in Demand.objects.filter(pk__in=ids)
             .select_related("authority", "assignee").only(*QUEUE_FIELDS)}
    result = [QueueRow(found[pk], found[pk].due) for pk in ids[:PAGE_SIZE] if pk in found]
    return QueuePage(rows=result, counts=counts, sort=key, descending=desc, page=page,
                     more=len(ids) > PAGE_SIZE and page < MAX_PAGE)


# ----------------------------------------------------------------------------- audit console

AUDIT_PAGE = 50
AUDIT_EXPORT_LIMIT = 100_000


@dataclass(frozen=True)
class AuditFilter:
    """What an auditor narrowed the chain to; empty fields narrow nothing."""

    demand: int | None = None
    actor: str = ""
    verb: str = ""

    def applied(self, qs: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        if self.demand is not None:
            qs = qs.filter(demand_id=self.demand)
        if self.actor:
            qs = qs.filter(actor__icontains=self.actor)
        if self.verb:
            qs = qs.filter(verb__startswith=self.verb)
        return qs

    def as_payload(self) -> dict[str, Any]:
        return {k: v for k, v in (("demand", self.demand), ("actor", self.actor),
                                  ("verb", self.verb)) if v not in (None, "")}


@dataclass
class AuditPage:
    events: list[AuditEvent]
    older: int | None  # the ``before`` of the next (older) page, if any
    head: int


def audit_page(filters: AuditFilter, *, before: int | None = None,
               size: int = AUDIT_PAGE) -> AuditPage:
    """Newest first, a page at a time by sequence number (keyset: page 1,000 costs as page 1)."""
    qs = filters.applied(AuditEvent.objects.order_by("-seq"))
    if before is not None:
        qs = qs.filter(seq__lt=before)
    rows = list(qs[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    head = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    return AuditPage(rows, rows[-1].seq if more and rows else None, head)


def audit_history(demand_id: int, *, after: int = 0, size: int = EVENTS_PAGE) -> AuditPage:
    """One demand's events in the order they happened."""
    rows = list(AuditEvent.objects.filter(demand_id=demand_id, seq__gt=after)
                .order_by("seq")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return AuditPage(rows, rows[-1].seq if more and rows else None, 0)


def audit_export_rows(filters: AuditFilter) -> Iterator[list[Any]]:
    """The filtered chain in order, with both hashes, so a reader can recompute each link."""
    yield ["seq", "at", "actor", "demand_id", "verb", "payload", "prev_hash", "hash"]
    qs = filters.applied(AuditEvent.objects.order_by("seq"))[:AUDIT_EXPORT_LIMIT]
    for e in qs.iterator(chunk_size=2000):
        yield [e.seq, e.at.isoformat(), e.actor, e.demand_id if e.demand_id is not None else "",
               e.verb, json.dumps(e.payload, sort_keys=True, ensure_ascii=False),
               e.prev_hash, e.hash]


def checkpoints_handed_out(limit: int = LIST_LIMIT) -> list[AuditEvent]:
    """The signed checkpoints given out so far (each hand-out is itself in the chain)."""
    return list(AuditEvent.objects.filter(verb="audit.checkpoint_exported")
                .order_by("-seq")[:limit])


def signing_keys() -> list[SigningKey]:
    return list(SigningKey.objects.order_by("created_at"))


def verify_chain() -> VerifyResult:
    """Recompute every link of the chain now; reads only."""
    return verify()
