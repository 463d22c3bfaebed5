"""State changes made from the console, each in one transaction with its audit event.

They follow :mod:`dueprocess.demands.actions`: lock the demand row, check, write, record.
The version checks here are what stops a lost update: a reviewer who decides or approves
on a page that no longer shows the demand as it is gets a :class:`Conflict` instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from dueprocess.accounts.roles import OVERRIDE_PERM
from dueprocess.audit import checkpoint
from dueprocess.audit.actors import User, actor_label
from dueprocess.audit.chain import record
from dueprocess.audit.models import AuditEvent
from dueprocess.demands import actions, invariants
from dueprocess.demands.actions import refuse
from dueprocess.demands.inputs import DecisionsIn, OverrideIn
from dueprocess.demands.models import Demand
from dueprocess.demands.reasons import REASON_LABELS
from dueprocess.errors import Conflict, DomainError, Forbidden, InvalidInput, declare_codes
from dueprocess.locking import for_update
from dueprocess.review.models import Alternative, HumanRightsReview, Note, Override, SavedView

declare_codes("override_forbidden")

# Events that read a case without changing it; they do not make a loaded page stale.
READ_VERBS = ("demand.viewed", "production.downloaded", "reminder.sent")



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
        what = (_("%(verb)s by %(actor)s") % {"verb": last[0], "actor": last[1]} if last
                else _("it was changed"))
        raise Conflict(_("This demand changed since you opened it (%(what)s). Nothing was "
                         "recorded: reload the page, check what changed, and try again.")
                       % {"what": what})


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
            raise Conflict(_("a %(status)s demand cannot be assigned") % {"status": locked.status})
        if assignee_id is not None:
            assignee = get_user_model().objects.filter(pk=assignee_id, is_active=True,
                                                       is_staff=True).first()
            if assignee is None:
                raise InvalidInput(_("no active staff member with that id"), field="assignee")
        before = locked.assignee_id
        locked.assignee_id = assignee_id
        locked.save(update_fields=["assignee"])
        record("demand.assigned", actor=actor_label(user), demand_id=locked.pk,
               payload={"from": before, "to": assignee_id})
    return locked


@dataclass
class BulkAssignment:
    """What a bulk assignment did, demand by demand: nothing is silently skipped."""

    assigned: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)  # already with that person
    refused: dict[int, str] = field(default_factory=dict)  # demand id -> why


BULK_LIMIT = 200


def bulk_assign(demand_ids: list[int], assignee_id: int | None, *, user: Any) -> BulkAssignment:
    """Assign many demands to one person (claiming is assigning to oneself).

    One transaction per demand, each with its own audit event, so a demand decided in the
    meantime is refused and reported without holding back the others. Running it again
    changes nothing and records nothing for demands already with that person.
    """
    if user is None or not user.is_authenticated:
        raise Forbidden(_("a person must be logged in to assign demands"))
    ids = list(dict.fromkeys(demand_ids))
    if not ids:
        raise InvalidInput(_("select at least one demand"), field="demands")
    if len(ids) > BULK_LIMIT:
        raise InvalidInput(_("select at most %(bulk_limit)s demands at once")
                           % {"bulk_limit": BULK_LIMIT}, field="demands")
    out = BulkAssignment()
    found = {d.pk: d for d in Demand.objects.filter(pk__in=ids)}
    for pk in ids:
        demand = found.get(pk)
        if demand is None:
            out.refused[pk] = "no such demand"
            continue
        try:
            with transaction.atomic():
                locked = _lock(demand)
                if locked.is_open and locked.assignee_id == assignee_id:
                    out.unchanged.append(pk)
                    continue
                assign(locked, assignee_id, user=user)
        except DomainError as exc:
            out.refused[pk] = exc.message
            continue
        out.assigned.append(pk)
    return out


def save_view(name: str, query: str, *, user: Any) -> SavedView:
    """Keep the queue's current filters and order under a name; the same name replaces."""
    name = (name or "").strip()
    if user is None or not user.is_authenticated:
        raise Forbidden(_("a person must be logged in to save a view"))
    if not name:
        raise InvalidInput(_("name the view"), field="name")
    if len(name) > 80:
        raise InvalidInput(_("a view's name is at most 80 characters"), field="name")
    if len(query) > 1000:
        raise InvalidInput(_("that view has too many filters to keep"), field="query")
    with transaction.atomic():
        view, created = SavedView.objects.update_or_create(
            owner_id=user.pk, name=name, defaults={"query": query})
        record("review.view_saved", actor=actor_label(user),
               payload={"view": view.pk, "name": name, "query": query, "replaced": not created})
    return view


def delete_view(view_id: int, *, user: Any) -> None:
    """Delete one of one's own saved views (someone else's is not found)."""
    if user is None or not user.is_authenticated:
        raise Forbidden(_("a person must be logged in to delete a view"))
    with transaction.atomic():
        view = SavedView.objects.filter(pk=view_id, owner_id=user.pk).first()
        if view is None:  # a choice that was not offered: someone else's, or gone
            raise InvalidInput(_("no saved view of yours with that id"), field="view")
        record("review.view_deleted", actor=actor_label(user),
               payload={"view": view.pk, "name": view.name})
        view.delete()


HR_FIELDS = ("legality", "legality_notes", "necessity", "necessity_notes", "proportionality",
             "proportionality_notes", "alternatives", "alternatives_notes", "conclusion",
             "rationale")


def record_human_rights_review(demand: Demand, fields: dict[str, Any], *, user: Any,
                               version: int | None = None) -> HumanRightsReview:
    """Store a human-rights review; the previous one becomes history."""
    if user is None or not user.is_authenticated:
        raise Forbidden(_("a person must be logged in to review"))
    if not str(fields.get("rationale") or "").strip():
        raise InvalidInput(_("give the rationale of the review"), field="rationale")
    unknown = set(fields.get("alternatives") or ()) - set(Alternative.values)
    if unknown:
        raise InvalidInput(_("unknown alternatives: %(unknown)s")
                           % {"unknown": ', '.join(sorted(unknown))},
                           field="alternatives")
    with transaction.atomic():
        locked = _lock(demand)
        if not locked.is_open:
            raise Conflict(_("a %(status)s demand is no longer reviewed")
                           % {"status": locked.status})
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
        raise Forbidden(_("a person must be logged in to send a decision back"))
    if not comment:
        raise InvalidInput(_("say why the decision goes back"), field="comment")
    with transaction.atomic():
        locked = _lock(demand)
        _check_version(locked, version)
        if not locked.awaiting_approval:
            raise Conflict(_("no decisions are waiting for approval, so none can be sent back"))
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
        raise Forbidden(_("a person must be logged in to add a note"))
    if not body:
        raise InvalidInput(_("write the note"), field="body")
    if len(body) > 10_000:
        raise InvalidInput(_("a note is at most 10,000 characters"), field="body")
    with transaction.atomic():
        locked = _lock(demand)
        note = Note.objects.create(demand=locked, author_id=user.pk, body=body)
        record("demand.note_added", actor=actor_label(user), demand_id=locked.pk,
               payload={"note": note.pk, "body": body[:2000]})
    return note


def record_override(demand: Demand, override: OverrideIn, user: User) -> None:
    """Store an override (superseding the previous one) once its author may make it."""
    if not bool(getattr(user, "has_perm", lambda _perm: False)(OVERRIDE_PERM)):
        raise Forbidden(_("override: recording an override needs the permission "
                          "%(override_perm)s (e.g. the legal_lead role)")
                        % {"override_perm": OVERRIDE_PERM},
                        code="override_forbidden", field="override")
    refuse(invariants.override_problem(invariants.Override(
        findings=frozenset(override.findings), human_rights=override.human_rights,
        reason_codes=tuple(override.reason_codes), rationale=override.rationale)))
    unknown = sorted(set(override.reason_codes) - set(REASON_LABELS))
    if unknown:
        raise InvalidInput(_("override: unknown reason code(s) %(unknown)s")
                           % {"unknown": ', '.join(unknown)},
                           code="override_invalid", field="override.reason_codes")
    blocks = set(demand.findings.current().filter(severity="block")
                 .values_list("code", flat=True))
    stray = sorted(set(override.findings) - blocks)
    if stray:
        raise InvalidInput(_("override: %(stray)s is not a current block finding of this "
                             "demand") % {"stray": ", ".join(stray)},
                           code="override_invalid", field="override.findings")
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


# ----------------------------------------------------------------------------- audit console


def record_audit_view(*, user: User, page: str, filters: dict[str, Any] | None = None) -> None:
    """An auditor's look at the chain is itself in the chain, like any view of a case."""
    with transaction.atomic():
        record("audit.viewed", actor=actor_label(user),
               payload={"page": page, **({"filters": filters} if filters else {})})


def record_verification(result: Any, *, user: User) -> None:
    """Who verified the chain, when, and what they were told (the check itself only reads)."""
    with transaction.atomic():
        record("audit.verified", actor=actor_label(user), payload={
            "ok": bool(result.ok), "checked": int(result.checked),
            "broken_seq": result.broken_seq, "reason": str(result.reason)[:500]})


def record_audit_export(*, user: User, filters: dict[str, Any]) -> None:
    """A copy of the log leaves the system: who took it and what it covered."""
    with transaction.atomic():
        record("audit.exported", actor=actor_label(user),
               payload={"format": "csv", **({"filters": filters} if filters else {})})


def hand_out_checkpoint(*, user: User) -> dict[str, Any]:
    """A signed checkpoint of the chain head for the auditor to keep outside the system."""
    body = checkpoint.create()
    checkpoint.record_export(body, actor=actor_label(user))
    return body
