"""Append to and verify the audit chain."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connection, transaction
from django.db.models.signals import post_save
from django.utils import timezone

from dueprocess.audit.models import AuditEvent, ChainHead
from dueprocess.transaction_memo import recall, remember

GENESIS = "0" * 64


def canonical(seq: int, at: datetime, actor: str, demand_id: int | None, verb: str,
              payload: Mapping[str, Any]) -> str:
    """The exact bytes that are hashed: stable key order, no whitespace, UTC microseconds."""
    body = {
        "seq": seq,
        "at": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor": actor,
        "demand": demand_id,
        "verb": verb,
        "payload": payload,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str)


def link_hash(prev_hash: str, text: str) -> str:
    return hashlib.sha256((prev_hash + text).encode("utf-8")).hexdigest()


def _normalise(payload: Mapping[str, Any]) -> dict[str, Any]:
    """Round-trip through JSON so the hashed form equals what the database will return."""
    loaded: dict[str, Any] = json.loads(json.dumps(payload, default=str))
    return loaded


#: Events recorded inside :func:`appended_together`, waiting for its end.
_PENDING: ContextVar[list[AuditEvent] | None] = ContextVar("dueprocess_audit_pending",
                                                           default=None)


@contextmanager
def appended_together() -> Iterator[None]:
    """One transaction for a state change whose audit events are written together at its end.

    Events are linked as they are recorded, under the chain head's lock, but inserted in one
    statement and the head moved once when the block ends: a state change of five events
    makes two writes instead of ten. An event recorded in a savepoint that rolls back is
    dropped with it, and the next event takes its place in the chain.
    """
    with transaction.atomic():
        pending: list[AuditEvent] = []
        token = _PENDING.set(pending)
        try:
            yield
        finally:
            _PENDING.reset(token)
        _flush(pending)


def _flush(pending: list[AuditEvent]) -> None:
    alive = [e for e in pending if recall((_QUEUED, e.seq)) is e]
    if not alive:
        return
    AuditEvent.objects.bulk_create(alive)
    head_seq, head_hash = recall(_HEAD)
    if not ChainHead.objects.filter(pk=1).update(seq=head_seq, hash=head_hash):
        raise RuntimeError("the audit chain head disappeared during a state change")
    for event in sorted(alive, key=lambda e: e.seq):  # what a save() would have announced
        post_save.send(sender=AuditEvent, instance=event, created=True, update_fields=None,
                       raw=False, using=event._state.db or "default")


def record(verb: str, *, actor: str, demand_id: int | None = None,
           payload: Mapping[str, Any] | None = None) -> AuditEvent:
    """Append one event; must run inside the caller's transaction (atomic is enforced).

    Inside :func:`appended_together` the event is linked now and written at the block's end.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit events are written inside the state change's transaction")
    data = _normalise(payload or {})
    at = timezone.now()
    held: tuple[int, str] | None = recall(_HEAD)
    pending = _PENDING.get()
    if pending is not None:
        held = held or _lock_head()
        seq = held[0] + 1
        digest = link_hash(held[1], canonical(seq, at, actor, demand_id, verb, data))
        event = AuditEvent(seq=seq, at=at, actor=actor, demand_id=demand_id, verb=verb,
                           payload=data, prev_hash=held[1], hash=digest)
        remember(_HEAD, (seq, digest))
        remember((_QUEUED, seq), event)
        pending.append(event)
        return event
    # The head is locked and read once per transaction; later events of the same state
    # change continue from what this transaction wrote (see dueprocess.transaction_memo).
    # The conditional update re-reads it if anything else moved the head meanwhile.
    while True:
        held = held or _lock_head()
        last_seq, last_hash = held
        seq = last_seq + 1
        digest = link_hash(last_hash, canonical(seq, at, actor, demand_id, verb, data))
        if ChainHead.objects.filter(pk=1, seq=last_seq, hash=last_hash).update(
                seq=seq, hash=digest):
            break
        held = None
    event = AuditEvent.objects.create(seq=seq, at=at, actor=actor, demand_id=demand_id,
                                      verb=verb, payload=data, prev_hash=last_hash, hash=digest)
    remember(_HEAD, (seq, digest))
    return event


def _lock_head() -> tuple[int, str]:
    head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1)
    return head.seq, head.hash


_HEAD = "audit.chain_head"
_QUEUED = "audit.queued"


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""
    last_hash: str = GENESIS


_FIELDS = ("seq", "at", "actor", "demand_id", "verb", "payload", "prev_hash", "hash")
Progress = Callable[[int, int], None]


def _events(chunk: int) -> Iterator[tuple[Any, ...]]:
    """Plain tuples in chain order, fetched in keyset pages (no long-lived cursor)."""
    after = 0
    while True:
        page = list(AuditEvent.objects.filter(seq__gt=after).order_by("seq")
                    .values_list(*_FIELDS)[:chunk])
        yield from page
        if len(page) < chunk:
            return
        after = page[-1][0]


def head() -> tuple[int, str]:
    """The chain head as the database records it: (last seq, its hash)."""
    row = ChainHead.objects.filter(pk=1).first()
    return (row.seq, row.hash) if row is not None else (0, GENESIS)


def verify(progress: Progress | None = None, *, chunk: int = 5000) -> VerifyResult:
    """Recompute every link; report the first event whose hash, link or sequence is wrong.

    ``progress(checked, expected_total)`` is called after each page, so a command can show
    how far a multi-million-event check has come.
    """
    prev = GENESIS
    expected_seq = 1
    checked = 0
    total = head()[0]
    for seq, at, actor, demand_id, verb, payload, prev_hash, digest_stored in _events(chunk):
        if seq != expected_seq:
            return VerifyResult(False, checked, expected_seq,
                                f"event {expected_seq} is missing (next present is {seq})")
        if prev_hash != prev:
            return VerifyResult(False, checked, seq,
                                f"event {seq} does not link to the hash of event {seq - 1}")
        digest = link_hash(prev, canonical(seq, at, actor, demand_id, verb, payload))
        if digest != digest_stored:
            return VerifyResult(False, checked, seq,
                                f"event {seq} was altered: its content no longer "
                                "matches its hash")
        prev = digest_stored
        expected_seq += 1
        checked += 1
        if progress is not None and checked % chunk == 0:
            progress(checked, max(total, checked))
    if progress is not None:
        progress(checked, max(total, checked))
    head_row = ChainHead.objects.filter(pk=1).first()
    if head_row is not None and head_row.seq != checked:
        return VerifyResult(False, checked, checked + 1,
                            f"the chain head says {head_row.seq} events but {checked} remain: "
                            f"event {checked + 1} onwards was deleted")
    return VerifyResult(True, checked, last_hash=prev)


def is_append_only_enforced() -> bool:
    return connection.vendor == "postgresql"
