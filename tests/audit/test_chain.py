"""The audit log is a hash chain that names the first broken link."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from dueprocess.audit.chain import record, verify
from dueprocess.audit.models import AuditEvent
from dueprocess.cli import main

pytestmark = pytest.mark.django_db


def _append(n: int) -> None:
    for i in range(n):
        with transaction.atomic():
            record("test.event", actor="tester", demand_id=i,
                   payload={"i": i, "name": "鄧炳強", "nested": {"b": 2, "a": [1, None]}})


@contextmanager
def _as_database_owner() -> Iterator[None]:
    """On PostgreSQL the table refuses edits; a tamperer would first disable the trigger."""
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        try:
            yield
        finally:
            with connection.cursor() as c:
                c.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")
    else:
        yield


def test_an_untouched_chain_verifies(capsys: Any) -> None:
    _append(5)
    result = verify()
    assert result.ok and result.checked == 5
    assert main(["audit", "verify"]) == 0
    assert "5 events verified" in capsys.readouterr().out


def test_an_altered_payload_is_named(capsys: Any) -> None:
    _append(5)
    with _as_database_owner():
        AuditEvent.objects.filter(seq=3).update(payload={"i": 99})
    result = verify()
    assert not result.ok
    assert result.broken_seq == 3
    assert main(["audit", "verify"]) == 1
    assert "event 3" in capsys.readouterr().err


def test_a_deleted_event_in_the_middle_is_named() -> None:
    _append(5)
    with _as_database_owner():
        AuditEvent.objects.filter(seq=2).delete()
    result = verify()
    assert not result.ok and result.broken_seq == 2


def test_a_deleted_tail_is_noticed() -> None:
    _append(4)
    with _as_database_owner():
        AuditEvent.objects.filter(seq=4).delete()
    result = verify()
    assert not result.ok and result.broken_seq == 4


def test_a_recomputed_forgery_breaks_the_next_link() -> None:
    _append(4)
    from dueprocess.audit.chain import canonical, link_hash

    ev = AuditEvent.objects.get(seq=2)
    forged = link_hash(ev.prev_hash, canonical(2, ev.at, "someone else", ev.demand_id,
                                               ev.verb, ev.payload))
    with _as_database_owner():
        AuditEvent.objects.filter(seq=2).update(actor="someone else", hash=forged)
    result = verify()
    assert not result.ok and result.broken_seq == 3


@pytest.mark.django_db(transaction=True)
def test_events_are_only_written_inside_a_transaction() -> None:
    with pytest.raises(RuntimeError):
        record("outside", actor="x")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL keeps the trigger")
def test_postgresql_refuses_update_and_delete() -> None:
    _append(2)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=1).update(actor="rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=2).delete()
    assert verify().ok
