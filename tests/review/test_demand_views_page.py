"""The demand page: the case file as received, vetting, execution, letters and timeline."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dueprocess.audit.models import AuditEvent
from dueprocess.demands.models import Demand, Finding


def _page(client: Client, demand: Demand, **params: str) -> str:
    response = client.get(reverse("review:demand", args=[demand.pk]), params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_shows_the_demand_as_received(demand: Demand, reviewer_client: Client) -> None:
    body = _page(reviewer_client, demand)
    for text in ("2:20-mj-00417", "us.ecpa.warrant", "Federal Bureau of Investigation",
                 "Hon. Jane Doe", "U.S. Magistrate Judge", "18 U.S.C. 2703(a)",
                 "Probable cause", "us.18usc2252", "Disclose subscriber", "cs_suspect_42"):
        assert text in body, text
    assert "unknown instrument" not in body


@pytest.mark.django_db
def test_shows_findings_recommendation_and_timeline(make_demand: Callable[..., Demand],
                                                     reviewer_client: Client) -> None:
    demand = make_demand(instrument="xx.made_up_order")
    finding = Finding.objects.get(demand=demand, code="legal.unknown_instrument")
    body = _page(reviewer_client, demand)
    assert "unknown instrument" in body
    assert "legal.unknown_instrument" in body
    assert f"badge sev-{finding.severity}" in body
    assert f"{finding.rule}@{finding.rule_version}" in body
    assert demand.recommendation
    assert f"pill rec-{demand.recommendation}" in body
    for verb in ("demand.received", "demand.vetted", "notice.sent"):
        assert verb in body
    assert "Acknowledgement of receipt" in body


@pytest.mark.django_db
def test_viewing_is_audited(demand: Demand, reviewer: object,
                            reviewer_client: Client) -> None:
    before = AuditEvent.objects.filter(demand_id=demand.pk, verb="demand.viewed").count()
    _page(reviewer_client, demand)
    views = AuditEvent.objects.filter(demand_id=demand.pk, verb="demand.viewed")
    assert views.count() == before + 1
    event = views.last()
    assert event is not None
    assert event.payload == {"what": "demand_page"}
    assert event.actor.endswith(reviewer.get_username())  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_targets_are_paginated(make_demand: Callable[..., Demand],
                               reviewer_client: Client) -> None:
    targets = [{"type": "account", "id": f"acct_{i:03d}"} for i in range(205)]
    demand = make_demand(targets=targets)
    body = _page(reviewer_client, demand)
    assert "acct_199" in body
    assert "acct_200" not in body
    last_on_first = demand.targets.order_by("pk")[199]
    assert f"targets_after={last_on_first.pk}" in body
    rest = _page(reviewer_client, demand, targets_after=str(last_on_first.pk))
    assert "acct_200" in rest and "acct_204" in rest
    assert "acct_199" not in rest


@pytest.mark.django_db
def test_evidence_is_pretty_printed(make_demand: Callable[..., Demand],
                                    reviewer_client: Client) -> None:
    demand = make_demand(instrument="xx.made_up_order")
    Finding.objects.filter(demand=demand).update(evidence={"b": 1, "a": ["x"]})
    body = _page(reviewer_client, demand)
    assert "{\n  &quot;a&quot;: [\n    &quot;x&quot;\n  ],\n  &quot;b&quot;: 1\n}" in body


@pytest.mark.django_db
def test_query_count_does_not_grow_with_targets(make_demand: Callable[..., Demand],
                                                reviewer_client: Client) -> None:
    def queries_for(n: int) -> int:
        demand = make_demand(reference=f"N-{n}",
                             targets=[{"type": "account", "id": f"n{n}_{i}"} for i in range(n)])
        response = reviewer_client.post(reverse("review:decide", args=[demand.pk]), {
            "ask-0-outcome": "comply", "ask-0-reason_codes": ["valid_legal_process"]})
        assert response.status_code == 302
        with CaptureQueriesContext(connection) as ctx:
            _page(reviewer_client, demand)
        return len(ctx.captured_queries)

    assert queries_for(2) == queries_for(25)
