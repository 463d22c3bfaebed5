"""What the console's big pages read, as typed page data, in a known number of queries.

Views call these and add what depends on the person looking (permissions, forms); nothing
here writes. Lists are cut at a page (the template says how many more there are), so a demand
with 100,000 targets or events costs the same queries as one with three.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, IntegerField, Value, When

from dueprocess.audit.models import AuditEvent
from dueprocess.demands import actions, invariants
from dueprocess.demands.models import (
    Action,
    ActionStatus,
    Ask,
    Decision,
    Demand,
    Document,
    Notice,
    NoticeKind,
    NoticeStatus,
    Official,
    Severity,
    Target,
)
from dueprocess.intake.models import ClarificationAnswer, InboundEmail
from dueprocess.law import default_library
from dueprocess.notices.delivery import is_verified_address, verified_addresses
from dueprocess.review import deadlines, gates
from dueprocess.review.actions import demand_version
from dueprocess.review.models import HumanRightsReview, Note, Override
from dueprocess.review.search import related_demands

TARGETS_PAGE = 200
EVENTS_PAGE = 300
LIST_LIMIT = 200


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


def inbound_email(demand: Demand) -> InboundEmail | None:
    return InboundEmail.objects.filter(demand=demand).first()


def _page(rows: list[Any], size: int, key: str) -> tuple[list[Any], int | None]:
    """The first ``size`` rows and the key to continue after, when there are more."""
    more = getattr(rows[size - 1], key) if len(rows) > size else None
    return rows[:size], more


def case_file(demand: Demand, *, targets_after: int | None = None,
              events_after: int | None = None) -> CaseFile:
    asks = list(demand.asks.all())
    current = {d.ask_id: d for d in demand.decisions.filter(superseded=False,
                                                             target__isnull=True)}
    targets_qs = demand.targets.order_by("pk")
    if targets_after:
        targets_qs = targets_qs.filter(pk__gt=targets_after)
    targets, targets_next = _page(list(targets_qs[: TARGETS_PAGE + 1]), TARGETS_PAGE, "pk")

    events_qs = AuditEvent.objects.filter(demand_id=demand.pk).order_by("seq")
    if events_after:
        events_qs = events_qs.filter(seq__gt=events_after)
    events, events_next = _page(list(events_qs[: EVENTS_PAGE + 1]), EVENTS_PAGE, "seq")

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
    )
