"""State changes made from the console, each in one transaction with its audit event.

They follow :mod:`dueprocess.demands.actions`: lock the demand row, check, write, record.
The version checks here are what stops a lost update: a reviewer who decides or approves
on a page that no longer shows the demand as it is gets a :class:`Conflict` instead.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from dueprocess.accounts.roles import OVERRIDE_PERM
from dueprocess.audit.actors import User, actor_label
from dueprocess.audit.chain import record
from dueprocess.audit.models import AuditEvent
from dueprocess.demands import actions, invariants
from dueprocess.demands.actions import refuse
from dueprocess.demands.inputs import DecisionsIn, OverrideIn
from dueprocess.demands.models import Demand
from dueprocess.demands.reasons import REASON_LABELS
from dueprocess.errors import Conflict, Forbidden, InvalidInput, declare_codes
from dueprocess.locking import for_update
from dueprocess.review.models import Alternative, HumanRightsReview, Note, Override

declare_codes("override_forbidden")

# Events that read a case without changing it; they do not make a loaded page stale.
READ_VERBS = ("demand.viewed", "production.downloaded", "reminder.sent")

STALE = ("This demand changed since you opened it ({what}). Nothing was recorded: reload "
         "the page, check what changed, and try again.")


def demand_version(demand_id: int) -> int:
    """The sequence number of the last audit event that changed the demand."""
    latest = (AuditEvent.objects.filter(demand_id=demand_id).exclude(verb__in=READ_VERBS)
              .aggregate(m=Max("seq"))["m"])
    return int(latest or 0)


def _lock(demand: Demand) -> Demand:
    return for_update(Demand.objects).select_related("authority").get(pk=demand.pk)


def _check_version(demand: Demand, version: int | None) -> None:
    if version is None:
        return
    current = demand_version(demand.pk)
    if current != version:
        last = (AuditEvent.objects.filter(demand_id=demand.pk, seq=current)
                .values_list("verb", "actor").first())
        what = f"{last[0]} by {last[1]}" if last else "it was changed"
        raise Conflict(STALE.format(what=what))


def decide(demand: Demand, data: DecisionsIn, *, user: Any, version: int | None) -> Demand:
    """Record decisions only if the demand is still as the reviewer saw it."""
    with transaction.atomic():
        locked = _lock(demand)
        _check_version(locked, version)
        return actions.record_decisions(locked, data, user=user)


def approve(demand: Demand, *, user: Any, version: int | None) -> Demand:
    """Four-eyes approval of exactly the decisions the approver looked at."""
    with transaction.atomic():
        locked = _lock(demand)
        _check_version(locked, version)
        return actions.approve_demand(locked, user=user)


def assign(demand: Demand, assignee_id: int | None, *, user: Any) -> Demand:
    """Give a demand to a reviewer (or to nobody); claiming is assigning to oneself."""
    with transaction.atomic():
        locked = _lock(demand)
        if not locked.is_open:
            raise Conflict(f"a {locked.status} demand cannot be assigned")
        if assignee_id is not None:
            assignee = get_user_model().objects.filter(pk=assignee_id, is_active=True,
                                                       is_staff=True).first()
            if assignee is None:
                raise InvalidInput("no active staff member with that id", field="assignee")
        before = locked.assignee_id
        locked.assignee_id = assignee_id
        locked.save(update_fields=["assignee"])
        record("demand.assigned", actor=actor_label(user), demand_id=locked.pk,
               payload={"from": before, "to": assignee_id})
    return locked


HR_FIELDS = ("legality", "legality_notes", "necessity", "necessity_notes", "proportionality",
             "proportionality_notes", "alternatives", "alternatives_notes", "conclusion",
             "rationale")


def record_human_rights_review(demand: Demand, fields: dict[str, Any], *, user: Any,
                               version: int | None = None) -> HumanRightsReview:
    """Store a human-rights review; the previous one becomes history."""
    if user is None or not user.is_authenticated:
        raise Forbidden("a person must be logged in to review")
    if not str(fields.get("rationale") or "").strip():
        raise InvalidInput("give the rationale of the review", field="rationale")
    unknown = set(fields.get("alternatives") or ()) - set(Alternative.values)
    if unknown:
        raise InvalidInput(f"unknown alternatives: {', '.join(sorted(unknown))}",
                           field="alternatives")
    with transaction.atomic():
        locked = _lock(demand)
        if not locked.is_open:
            raise Conflict(f"a {locked.status} demand is no longer reviewed")
        _check_version(locked, version)
        now = timezone.now()
        HumanRightsReview.objects.filter(demand=locked, superseded_at__isnull=True).update(
            superseded_at=now)
        review = HumanRightsReview.objects.create(
            demand=locked, reviewer_id=user.pk, created_at=now,
            **{k: fields.get(k) or ([] if k == "alternatives" else "") for k in HR_FIELDS})
        record("demand.human_rights_reviewed", actor=actor_label(user),
               demand_id=locked.pk, payload={
                   "review": review.pk, "legality": review.legality,
                   "necessity": review.necessity, "proportionality": review.proportionality,
                   "alternatives": review.alternatives, "conclusion": review.conclusion})
    return review


def send_back(demand: Demand, comment: str, *, user: Any,
              version: int | None = None) -> Demand:
    """The approver returns decisions waiting for approval, with a comment.

    The decisions stay on the record, but nothing can be approved until someone decides
    again; the comment is kept as an internal note and on the timeline.
    """
    comment = (comment or "").strip()
    if user is None or not user.is_authenticated:
        raise Forbidden("a person must be logged in to send a decision back")
    if not comment:
        raise InvalidInput("say why the decision goes back", field="comment")
    with transaction.atomic():
        locked = _lock(demand)
        _check_version(locked, version)
        if not locked.awaiting_approval:
            raise Conflict("no decisions are waiting for approval, so none can be sent back")
        locked.awaiting_approval = False
        locked.save(update_fields=["awaiting_approval"])
        note = Note.objects.create(demand=locked, author_id=user.pk,
                                   body=f"Sent back: {comment[:5000]}")
        record("demand.sent_back", actor=actor_label(user), demand_id=locked.pk,
               payload={"comment": comment[:5000], "note": note.pk,
                        "decided_by": locked.decided_by_id})
    return locked


def add_note(demand: Demand, body: str, *, user: Any) -> Note:
    """An internal note: for staff only, never shown to the authority."""
    body = (body or "").strip()
    if user is None or not user.is_authenticated:
        raise Forbidden("a person must be logged in to add a note")
    if not body:
        raise InvalidInput("write the note", field="body")
    if len(body) > 10_000:
        raise InvalidInput("a note is at most 10,000 characters", field="body")
    with transaction.atomic():
        locked = _lock(demand)
        note = Note.objects.create(demand=locked, author_id=user.pk, body=body)
        record("demand.note_added", actor=actor_label(user), demand_id=locked.pk,
               payload={"note": note.pk, "body": body[:2000]})
    return note


def record_override(demand: Demand, override: OverrideIn, user: User) -> None:
    """Store an override (superseding the previous one) once its author may make it."""
    if not bool(getattr(user, "has_perm", lambda _perm: False)(OVERRIDE_PERM)):
        raise Forbidden(f"override: recording an override needs the permission "
                        f"{OVERRIDE_PERM} (e.g. the legal_lead role)",
                        code="override_forbidden", field="override")
    refuse(invariants.override_problem(invariants.Override(
        findings=frozenset(override.findings), human_rights=override.human_rights,
        reason_codes=tuple(override.reason_codes), rationale=override.rationale)))
    unknown = sorted(set(override.reason_codes) - set(REASON_LABELS))
    if unknown:
        raise InvalidInput(f"override: unknown reason code(s) {', '.join(unknown)}",
                           code="override_invalid", field="override.reason_codes")
    blocks = set(demand.findings.current().filter(severity="block")
                 .values_list("code", flat=True))
    stray = sorted(set(override.findings) - blocks)
    if stray:
        raise InvalidInput(f"override: {', '.join(stray)} is not a current block finding "
                           "of this demand", code="override_invalid", field="override.findings")
    now = timezone.now()
    Override.objects.filter(demand=demand, superseded_at__isnull=True).update(
        superseded_at=now)
    row = Override.objects.create(
        demand=demand, author_id=actions.user_id(user), findings=sorted(set(override.findings)),
        human_rights=override.human_rights, reason_codes=list(override.reason_codes),
        rationale=override.rationale.strip(), created_at=now)
    record("demand.override_recorded", actor=actor_label(user), demand_id=demand.pk,
           payload={"override": row.pk, "findings": row.findings,
                    "human_rights": row.human_rights, "reason_codes": row.reason_codes})


def record_search(results: Any, *, user: User) -> None:
    """A search of the console is audited (it can find a person across demands)."""
    with transaction.atomic():
        record("console.searched", actor=actor_label(user), payload={
            "q": results.query[:200],
            "demands": len(results.demands), "targets": len(results.targets),
            "officials": len(results.officials)})
