"""Append to and verify the audit chain."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connection, transaction
from django.dispatch import Signal
from django.utils import timezone

from dueprocess.audit.models import AuditEvent, ChainHead
from dueprocess.backends.hooks import before_commit
from dueprocess.locking import for_update

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


#: Sent as each event is recorded (inside its transaction, before it is written), so that
#: derived data (report tallies) can note the change in the same transaction.
recorded = Signal()


class _Queued:
    """An event waiting for its transaction's commit, kept among the commit callbacks so
    that a savepoint which rolls back drops it (see :mod:`dueprocess.transaction_memo`)."""

    __slots__ = ("actor", "at", "demand_id", "payload", "verb", "written")

    def __init__(self, verb: str, at: datetime, actor: str, demand_id: int | None,
                 payload: dict[str, Any]) -> None:
        self.verb = verb
        self.at = at
        self.actor = actor
        self.demand_id = demand_id
        self.payload = payload
        self.written = False

    def __call__(self) -> None:  # after the commit: already written
        return None


def record(verb: str, *, actor: str, demand_id: int | None = None,
           payload: Mapping[str, Any] | None = None) -> None:
    """Append one event to the state change that is under way (atomic is enforced).

    The event is written when the transaction commits, after everything else it does: the
    chain head, which every writer needs, is then locked last and only for two statements,
    so no transaction ever holds it while it waits for another lock (no deadlock, short
    waits). An event recorded in a savepoint that rolls back is dropped with it.
    """
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        raise RuntimeError("audit events are written inside the state change's transaction")
    event = _Queued(verb, timezone.now(), actor, demand_id, _normalise(payload or {}))
    transaction.on_commit(event)
    before_commit(_FLUSH, _flush)
    recorded.send(sender=_Queued, verb=verb, demand_id=demand_id)


def _flush() -> None:
    """Link the transaction's waiting events to the chain and write them: one insert, one
    update of the head, under the head's lock, right before the commit."""
    conn = transaction.get_connection()
    waiting = [f for _s, f, _r in conn.run_on_commit if isinstance(f, _Queued) and not f.written]
    if not waiting:
        return
    seq, prev = _lock_head()
    rows: list[AuditEvent] = []
    for q in waiting:
        seq += 1
        digest = link_hash(prev, canonical(seq, q.at, q.actor, q.demand_id, q.verb, q.payload))
        rows.append(AuditEvent(seq=seq, at=q.at, actor=q.actor, demand_id=q.demand_id,
                               verb=q.verb, payload=q.payload, prev_hash=prev, hash=digest))
        prev = digest
        q.written = True
    AuditEvent.objects.bulk_create(rows)
    ChainHead.objects.filter(pk=1).update(seq=seq, hash=prev)


def _lock_head() -> tuple[int, str]:
    head = for_update(ChainHead.objects.filter(pk=1)).first()
    if head is None:  # a new installation: the first writer makes the head
        head, _ = for_update(ChainHead.objects).get_or_create(pk=1)
    return head.seq, head.hash


_FLUSH = "audit.flush"


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
