"""Appending to the audit chain across savepoints, and a state change's events together."""

from __future__ import annotations

import pytest
from django.db import transaction

from dueprocess.audit.chain import record, verify
from dueprocess.audit.models import AuditEvent, ChainHead

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_chain_stays_whole_when_a_savepoint_with_events_rolls_back() -> None:
    with transaction.atomic():
        record("test.first", actor="t")
        try:
            with transaction.atomic():
                record("test.undone", actor="t")
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
        record("test.second", actor="t")
    assert list(AuditEvent.objects.order_by("seq").values_list("verb", flat=True)) == [
        "test.first", "test.second"]
    assert verify().ok
    assert ChainHead.objects.get(pk=1).seq == 2


def test_a_transaction_writes_its_events_at_the_commit_in_one_insert_in_chain_order() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with transaction.atomic():
        record("test.zero", actor="t")  # a new installation's first writer makes the head
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        record("test.one", actor="t")
        assert AuditEvent.objects.count() == 1  # kept, not yet written
        try:
            with transaction.atomic():
                record("test.undone", actor="t")
                raise RuntimeError("roll back the savepoint")
        except RuntimeError:
            pass
        record("test.two", actor="t")
        record("test.three", actor="t")
        assert not any("audit_chainhead" in q["sql"] for q in queries.captured_queries)
    sql = [q["sql"] for q in queries.captured_queries]
    inserts = [q for q in sql if q.startswith('INSERT INTO "audit_auditevent"')]
    assert len(inserts) == 1
    # The head is locked last: nothing but the insert and the head's update follow it.
    head_lock = next(i for i, q in enumerate(sql) if "audit_chainhead" in q)
    assert [q.split()[0] for q in sql[head_lock + 1:] if q.split()[0] != "RELEASE"] in (
        ["INSERT", "UPDATE", "COMMIT"], ["INSERT", "UPDATE"])
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", "verb")) == [
        (1, "test.zero"), (2, "test.one"), (3, "test.two"), (4, "test.three")]
    assert verify().ok and ChainHead.objects.get(pk=1).seq == 4

    with pytest.raises(RuntimeError), transaction.atomic():
        record("test.lost", actor="t")
        raise RuntimeError("the state change fails")
    assert AuditEvent.objects.count() == 4 and verify().ok
    with transaction.atomic():
        record("test.after", actor="t")
    assert verify().ok and ChainHead.objects.get(pk=1).seq == 5


def test_an_event_is_refused_outside_a_transaction() -> None:
    with pytest.raises(RuntimeError):
        record("test.loose", actor="t")
