"""Fixtures for the reviewer console: demands made through the real intake action."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client

from dueprocess.demands.actions import receive_demand
from dueprocess.demands.inputs import DemandIn
from dueprocess.demands.models import Authority, Demand

RECEIVED = datetime(2020, 10, 5, 14, 0, tzinfo=UTC)


def warrant_body(**extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "reference": "2:20-mj-00417",
        "instrument": "us.ecpa.warrant",
        "issued_by": {"name": "Hon. Jane Doe", "title": "U.S. Magistrate Judge",
                      "role": "judge"},
        "legal_basis": "18 U.S.C. 2703(a), (b)(1)(A) and (c)(1)(A)",
        "statement_of_reasons": "Probable cause: distribution of child sexual abuse material",
        "offences": ["us.18usc2252"],
        "asks": [{"kind": "disclose", "data_categories": ["subscriber"],
                  "date_from": "2020-01-01", "date_to": "2020-09-30"}],
        "targets": [{"type": "account", "id": "cs_suspect_42"}],
    }
    body.update(extra)
    return body


@pytest.fixture
def make_demand(fbi: Authority) -> Callable[..., Demand]:
    """Receive a demand as intake would; keyword arguments override the body."""

    def make(authority: Authority | None = None, received_at: datetime = RECEIVED,
             **extra: Any) -> Demand:
        data = DemandIn.model_validate(warrant_body(**extra))
        demand = receive_demand(data, authority=authority or fbi, requester=None, user=None,
                                received_at=received_at)
        return Demand.objects.get(pk=demand.pk)

    return make


@pytest.fixture
def demand(make_demand: Callable[..., Demand]) -> Demand:
    return make_demand()


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def reviewer_client(reviewer: Any) -> Client:
    return logged_in(reviewer)


@pytest.fixture
def approver_client(approver: Any) -> Client:
    return logged_in(approver)
