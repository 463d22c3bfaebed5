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


def test_events_appended_together_are_written_at_the_end_in_chain_order() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dueprocess.audit.chain import appended_together

    with CaptureQueriesContext(connection) as queries, appended_together():
        record("test.one", actor="t")
        assert not AuditEvent.objects.exists()  # linked, not yet written
        try:
            with transaction.atomic():
                record("test.undone", actor="t")
                raise RuntimeError("roll back the savepoint")
        except RuntimeError:
            pass
        record("test.two", actor="t")
        record("test.three", actor="t")
    inserts = [q for q in queries.captured_queries
               if q["sql"].startswith('INSERT INTO "audit_auditevent"')]
    assert len(inserts) == 1
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", "verb")) == [
        (1, "test.one"), (2, "test.two"), (3, "test.three")]
    assert verify().ok and ChainHead.objects.get(pk=1).seq == 3

    with pytest.raises(RuntimeError), appended_together():
        record("test.lost", actor="t")
        raise RuntimeError("the state change fails")
    assert AuditEvent.objects.count() == 3 and verify().ok
    with transaction.atomic():
        record("test.after", actor="t")  # an ordinary append continues the chain
    assert verify().ok and ChainHead.objects.get(pk=1).seq == 4
