"""The whole API fuzzed from its own OpenAPI document, as staff and as an authority's officer:
whatever arrives, the answer is never a server error, its status is declared, its body
has the declared shape (errors: ``ErrorOut``), and input the schema forbids is refused.

Bounded and derandomised so it runs in the ordinary suite: a few examples per operation,
the same ones every run.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from dueprocess.accounts.models import ApiToken
from dueprocess.demands.actions import receive_demand
from dueprocess.demands.inputs import DemandIn
from dueprocess.demands.models import Authority, Demand
from dueprocess.web.api import api
from tests.conftest import us_warrant

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, negative_data_rejection]


def _schema() -> Any:
    import dueprocess.urls  # noqa: F401  (mounts the routers)

    loaded = schemathesis.openapi.from_dict(api.get_openapi_schema())
    loaded.app = _served(WSGIHandler())
    # Examples and random fuzzing; the exhaustive coverage phase takes minutes (run it with
    # DUEPROCESS_FUZZ_PHASES=examples,coverage,fuzzing).
    loaded.config.phases.update(
        phases=os.environ.get("DUEPROCESS_FUZZ_PHASES", "examples,fuzzing").split(","))
    return loaded


def _served(handler: WSGIHandler) -> Callable[..., Any]:
    """The handler as a WSGI server runs it: the answer read whole, then closed (which
    closes the request's uploaded files)."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        answer = handler(environ, start_response)
        try:
            return [b"".join(answer)]
        finally:
            answer.close()

    return app


schema = _schema()
FUZZ = settings(max_examples=int(os.environ.get("DUEPROCESS_FUZZ_EXAMPLES", "4")),
                derandomize=True, deadline=None, database=None,
                suppress_health_check=list(HealthCheck))


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Any:
    """The WSGI handler closes the database connection after each request, as a server
    should; here it is the test's transaction, so it stays open (as Django's test client
    does)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _bearer(user: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {ApiToken.issue(user)[1]}"}


@pytest.fixture
def demand(fbi: Authority) -> Demand:
    """A demand of the officer's authority, so that some generated ids find something."""
    return receive_demand(DemandIn.model_validate(us_warrant()), authority=fbi,
                          requester=None, user=None,
                          received_at=datetime(2020, 10, 5, 14, tzinfo=UTC))


def _call(case: Any, headers: dict[str, str], demand: Demand) -> None:
    """Half the generated demand ids are turned into the existing demand's id: the fuzzer
    then reaches past the lookup into the handlers."""
    value = case.path_parameters.get("demand_id") if case.path_parameters else None
    if isinstance(value, int) and value % 2 == 0:
        case.path_parameters["demand_id"] = demand.pk
    case.call_and_validate(headers=headers, checks=CHECKS)


@pytest.fixture
def staff_headers(admin_user: Any) -> dict[str, str]:
    return _bearer(admin_user)


@pytest.fixture
def officer_headers(fbi: Authority, officer_of: Callable[[Authority], Any]) -> dict[str, str]:
    return _bearer(officer_of(fbi))


@pytest.mark.django_db(transaction=False)
@schema.parametrize()
@FUZZ
def test_staff_never_meet_a_server_error_or_an_undeclared_answer(
        case: Any, staff_headers: dict[str, str], demand: Demand) -> None:
    _call(case, staff_headers, demand)


@pytest.mark.django_db(transaction=False)
@schema.parametrize()
@FUZZ
def test_officers_never_meet_a_server_error_or_an_undeclared_answer(
        case: Any, officer_headers: dict[str, str], demand: Demand) -> None:
    _call(case, officer_headers, demand)
