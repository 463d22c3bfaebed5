"""Submission of statements of reasons to the DSA Transparency Database, against a local
stand-in that enforces the database's documented limits."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

from dueprocess.audit.models import AuditEvent
from dueprocess.demands.models import Authority, Demand
from dueprocess.execution.dsa_submit import (
    ApiSettings,
    Client,
    requeue_rejected,
    submit_pending,
)
from dueprocess.execution.models import StatementOfReasons
from dueprocess.execution.sor import ensure_all
from tests.execution.dsa_standin import TOKEN, StandIn
from tests.execution.support import run_worker
from tests.execution.test_sor import _dsa_order, _many_statements

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def statements(approved: Callable[..., Demand], de_bka: Authority) -> Demand:
    demand = approved(_dsa_order(), authority=de_bka)
    run_worker()
    _many_statements(demand, 229)  # 230 statements with the withholding itself
    ensure_all()
    return demand


def _client(server: StandIn, token: str = TOKEN) -> Client:
    return Client(ApiSettings(url=server.url, token=token))


def _no_sleep(_seconds: float) -> None:
    return None


def test_statements_go_in_batches_of_100_and_never_twice(statements: Demand,
                                                          standin: StandIn) -> None:
    summary = submit_pending(_client(standin), sleep=_no_sleep)
    assert summary.accepted == 230 and summary.failed == summary.rejected == 0
    assert standin.calls == [100, 100, 30]
    assert set(standin.stored) == set(StatementOfReasons.objects.values_list("puid", flat=True))
    row = StatementOfReasons.objects.order_by("id").first()
    assert row is not None and row.submission == "accepted" and row.submitted_at
    assert row.submission_uuid == standin.stored[row.puid]["uuid"]
    # A second run sends nothing: every statement is recorded as accepted.
    again = submit_pending(_client(standin), sleep=_no_sleep)
    assert again.accepted == 0 and standin.calls == [100, 100, 30]
    assert AuditEvent.objects.filter(verb="dsa.statements_submitted").count() == 3


def test_a_failed_call_is_retried(statements: Demand, standin: StandIn) -> None:
    standin.fail_next = 2
    waits: list[float] = []
    summary = submit_pending(_client(standin), limit=100, sleep=waits.append)
    assert summary.accepted == 100 and waits == [2.0, 4.0]
    standin.fail_next = 10
    summary = submit_pending(_client(standin), tries=3, sleep=_no_sleep)
    assert summary.failed == 100 and summary.accepted == 0  # stops after the first batch
    assert StatementOfReasons.objects.filter(submission="failed").count() == 100
    standin.fail_next = 0
    summary = submit_pending(_client(standin), sleep=_no_sleep)
    assert summary.accepted == 130
    assert len(standin.stored) == 230


def test_a_puid_the_database_already_has_counts_as_delivered(statements: Demand,
                                                             standin: StandIn) -> None:
    """A run that crashed after sending: the database has the statements, we do not know."""
    first = list(StatementOfReasons.objects.order_by("id")[:5])
    for row in first:
        standin.stored[row.puid] = {"puid": row.puid, "uuid": "earlier"}
    summary = submit_pending(_client(standin), limit=100, sleep=_no_sleep)
    assert summary.already_there == 5 and summary.accepted == 95
    assert standin.calls == [100, 95]  # the refused batch, then the rest alone
    assert all(r.submission == "accepted" for r in StatementOfReasons.objects.filter(
        pk__in=[r.pk for r in first]))


def test_a_refused_statement_is_rejected_and_the_rest_delivered(statements: Demand,
                                                                 standin: StandIn) -> None:
    bad = StatementOfReasons.objects.order_by("id")[3]
    standin.refuse[bad.puid] = ("content_date", "The content date must be a date after "
                                                "the platform joined.")
    summary = submit_pending(_client(standin), limit=100, sleep=_no_sleep)
    assert summary.rejected == 1 and summary.accepted == 99
    bad.refresh_from_db()
    assert bad.submission == "rejected" and bad.submission_error.startswith("content_date:")
    assert bad.puid not in standin.stored
    # Never sent again as it is; put back in the queue on purpose, it goes out.
    assert submit_pending(_client(standin), sleep=_no_sleep).rejected == 0
    assert bad.puid not in standin.stored
    del standin.refuse[bad.puid]
    assert requeue_rejected() == 1
    submit_pending(_client(standin), sleep=_no_sleep)
    assert bad.puid in standin.stored


def test_a_wrong_token_fails_without_losing_anything(statements: Demand,
                                                     standin: StandIn) -> None:
    summary = submit_pending(_client(standin, token="wrong"), sleep=_no_sleep)
    assert summary.failed == 100 and "401" in summary.errors[0]
    assert not standin.stored


def test_the_cli_submits(statements: Demand, standin: StandIn, settings: Any,
                         capsys: pytest.CaptureFixture[str]) -> None:
    from dueprocess.cli import main

    assert main(["dsa", "sor", "submit"]) == 2
    assert "DUEPROCESS_DSA_API_TOKEN" in capsys.readouterr().err
    settings.DUEPROCESS = dataclasses.replace(settings.DUEPROCESS, dsa_api_url=standin.url,
                                              dsa_api_token=TOKEN)
    assert main(["dsa", "sor", "submit", "--limit", "150"]) == 0
    assert "150 accepted" in capsys.readouterr().out
    assert main(["dsa", "sor", "submit"]) == 0
    assert "80 accepted" in capsys.readouterr().out
    assert len(standin.stored) == 230
