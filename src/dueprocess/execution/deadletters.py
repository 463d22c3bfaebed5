"""The dead-letter list: work that stopped retrying, put before a person.

An action lands here after its last automatic attempt or on an error that retrying cannot
fix; a user notice after its last delivery attempt; a webhook answer that differs from the
platform's first answer to the same key. A person retries (one more attempt, queued now)
or dismisses it with a note. Each step is an audit event in the same transaction.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dueprocess.audit.actors import actor_label
from dueprocess.audit.chain import record
from dueprocess.demands.models import Action, ActionStatus, Notice, NoticeStatus
from dueprocess.errors import Conflict, InvalidInput
from dueprocess.execution.models import (
    DeadLetter,
    DeadLetterKind,
    NoticeState,
    WebhookCall,
)
from dueprocess.locking import for_update


def _open(letter: DeadLetter) -> DeadLetter | None:
    """Insert unless an open letter for the same thing exists (then return that one)."""
    try:
        with transaction.atomic():
            letter.save()
            return letter
    except IntegrityError:
        return None


def dead_letter_action(action: Action, error: str) -> DeadLetter | None:
    with transaction.atomic():
        letter = _open(DeadLetter(kind=DeadLetterKind.ACTION, demand_id=action.demand_id,
                                  action=action, operation=action.kind,
                                  idempotency_key=action.idempotency_key, error=error[:4000],
                                  attempts=action.attempts))
        if letter is not None:
            record("action.dead_lettered", actor="system", demand_id=action.demand_id,
                   payload={"action": action.pk, "kind": action.kind,
                            "attempts": action.attempts, "error": error[:500]})
    return letter


def dead_letter_notice(notice: Notice, error: str, attempts: int) -> DeadLetter | None:
    with transaction.atomic():
        letter = _open(DeadLetter(kind=DeadLetterKind.NOTICE, demand_id=notice.demand_id,
                                  notice=notice, operation="notify_user",
                                  idempotency_key=f"notice-{notice.pk}", error=error[:4000],
                                  attempts=attempts))
        if letter is not None:
            record("notice.dead_lettered", actor="system", demand_id=notice.demand_id,
                   payload={"notice": notice.pk, "attempts": attempts, "error": error[:500]})
    return letter


def record_conflict(call: WebhookCall, answer_sha256: str) -> None:
    """The platform answered a repeated call differently; the first answer stands."""
    action = Action.objects.filter(idempotency_key=call.idempotency_key).first()
    demand_id = action.demand_id if action else None
    with transaction.atomic():
        WebhookCall.objects.filter(pk=call.pk).update(conflicts=call.conflicts + 1)
        DeadLetter.objects.create(
            kind=DeadLetterKind.CONFLICT, demand_id=demand_id, action=None,
            operation=call.operation, idempotency_key=call.idempotency_key,
            error=(f"the platform answered a repeated {call.operation} differently "
                   f"(first answer sha256 {call.response_sha256[:16]}…, this one "
                   f"{answer_sha256[:16]}…); the first answer was kept"))
        record("webhook.conflicting_answer", actor="system", demand_id=demand_id, payload={
            "operation": call.operation, "key": call.idempotency_key,
            "first_sha256": call.response_sha256, "answer_sha256": answer_sha256})


def resolve_done(*, action: Action | None = None, notice: Notice | None = None) -> int:
    """The work went through after all (a retry from elsewhere): close its open letters."""
    open_letters = DeadLetter.objects.filter(resolved_at__isnull=True)
    if action is not None:
        open_letters = open_letters.filter(action=action)
    elif notice is not None:
        open_letters = open_letters.filter(notice=notice)
    else:
        return 0
    with transaction.atomic():
        ids = list(for_update(open_letters).values_list("pk", flat=True))
        DeadLetter.objects.filter(pk__in=ids).update(
            resolved_at=timezone.now(), resolved_by="system", resolution="succeeded")
        for pk in ids:
            record("deadletter.resolved", actor="system",
                   demand_id=action.demand_id if action else notice.demand_id if notice
                   else None, payload={"dead_letter": pk, "resolution": "succeeded"})
    return len(ids)


def _label(user: Any) -> str:
    return actor_label(user)


def _resolve(letter: DeadLetter, user: Any, resolution: str, note: str) -> DeadLetter:
    locked = for_update(DeadLetter.objects).get(pk=letter.pk)
    if locked.resolved_at is not None:
        raise Conflict(_("this dead letter was already resolved"))
    locked.resolved_at = timezone.now()
    locked.resolved_by = _label(user)
    locked.resolution = resolution
    locked.save(update_fields=["resolved_at", "resolved_by", "resolution"])
    record("deadletter.resolved", actor=_label(user), demand_id=locked.demand_id, payload={
        "dead_letter": locked.pk, "kind": locked.kind, "resolution": resolution,
        "note": note[:500]})
    return locked


def retry(letter: DeadLetter, *, user: Any) -> DeadLetter:
    """One more attempt, queued now (the action keeps its idempotency key)."""
    with transaction.atomic():
        if letter.kind == DeadLetterKind.CONFLICT:
            raise Conflict(_("a conflicting answer cannot be retried; dismiss it once checked"))
        letter = _resolve(letter, user, "retried", "")
        if letter.action_id is not None:
            action_id = letter.action_id
            if Action.objects.filter(pk=action_id, status=ActionStatus.SUCCEEDED).exists():
                return letter

            def queue() -> None:
                # tasks imports this module (failed actions land here), so not at the top
                from dueprocess.execution.tasks import run_action

                run_action.enqueue(action_id)

            transaction.on_commit(queue)
        if letter.notice_id is not None:
            NoticeState.objects.filter(notice_id=letter.notice_id).update(
                attempts=0, next_attempt_at=None)
            if Notice.objects.filter(pk=letter.notice_id,
                                     status=NoticeStatus.PENDING).exists():
                from dueprocess.execution.usernotices import (
                    _enqueue_delivery,  # usernotices imports this module
                )

                transaction.on_commit(_enqueue_delivery)
    return letter


def dismiss(letter: DeadLetter, *, user: Any, note: str) -> DeadLetter:
    if not note.strip():
        raise InvalidInput(_("say why it is dismissed"), field="note")
    with transaction.atomic():
        return _resolve(letter, user, "dismissed", note)
