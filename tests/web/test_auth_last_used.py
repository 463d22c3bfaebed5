"""A token's last use is recorded, at most once a minute, so busy integrations do not
write a row on every request."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dueprocess.accounts.models import ApiToken
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db


def _updates(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries
            if q["sql"].startswith("UPDATE") and "last_used_at" in q["sql"]]


def test_last_use_is_written_on_first_use_then_at_most_once_a_minute(reviewer: Any) -> None:
    token, raw = ApiToken.issue(reviewer)
    client = ApiClient(raw)
    with CaptureQueriesContext(connection) as first:
        assert client.get("/demands").status_code == 200
    token.refresh_from_db()
    used = token.last_used_at
    assert used is not None and len(_updates(first)) == 1
    with CaptureQueriesContext(connection) as again:
        client.get("/demands")
        client.get("/demands")
    assert _updates(again) == []
    token.refresh_from_db()
    assert token.last_used_at == used
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=used - timedelta(minutes=2))
    client.get("/demands")
    token.refresh_from_db()
    assert token.last_used_at is not None and token.last_used_at > used - timedelta(minutes=2)
