"""The target table posts through the one decision action: withholding per target, rows set
back to their ask, and the same rules (findings bind) as the ask's decision."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dueprocess.demands.models import Action, Decision, Demand, Status
from tests.review.roles import staff_member, verified_client

pytestmark = pytest.mark.django_db

TWO = [{"type": "account", "id": "alice_1"}, {"type": "account", "id": "bob_2"}]
COURT = {"instrument": "generic.court_order",
         "issued_by": {"name": "Hon. Jane Doe", "title": "Judge", "role": "court"}}


def _post(client: Client, demand: Demand, **fields: Any) -> Any:
    data: dict[str, Any] = {"ask-0-reason_codes": ["valid_legal_process"]}
    data.update(fields)
    return client.post(reverse("review:decide", args=[demand.pk]), data)


def _row(demand: Demand, identifier: str) -> str:
    return f"row-{demand.targets.get(identifier=identifier).pk}-0"


def test_one_account_is_withheld_in_the_issuing_country_while_the_other_is_suspended(
        make_demand: Callable[..., Demand], django_capture_on_commit_callbacks: Any) -> None:
    demand = make_demand(**COURT, targets=TWO,
                         asks=[{"kind": "restrict_account", "measure": "suspend"}])
    client = verified_client(staff_member("legal_reviewer"))
    page = client.get(reverse("review:demand", args=[demand.pk])).content.decode()
    assert '<option value="withhold">Withhold only in US</option>' in page
    with django_capture_on_commit_callbacks(execute=False):
        response = _post(client, demand, **{
            "ask-0-outcome": "comply", "ask-0-withhold_in": "US",
            _row(demand, "bob_2"): "withhold", "row_reasons": ["overbroad"]})
    assert response.status_code == 302
    bob = Decision.objects.get(demand=demand, target__identifier="bob_2")
    assert bob.outcome == "comply_partially" and bob.reason_codes == ["overbroad"]
    assert bob.narrowed == {"measure": "withhold", "territorial_scope": ["US"]}
    kinds = dict(Action.objects.filter(demand=demand).values_list("target__identifier", "kind"))
    assert kinds == {"alice_1": "suspend", "bob_2": "withhold_account"}


def test_a_row_set_back_to_its_ask_follows_the_ask_again(
        make_demand: Callable[..., Demand]) -> None:
    demand = make_demand(targets=TWO)
    client = verified_client(staff_member("legal_reviewer"))
    bob = _row(demand, "bob_2")
    assert _post(client, demand, **{"ask-0-outcome": "hold", bob: "reject",
                                    "row_reasons": ["no_data"]}).status_code == 302
    demand.refresh_from_db()
    assert demand.status == Status.ON_HOLD
    page = client.get(reverse("review:demand", args=[demand.pk])).content.decode()
    assert '<option value="reject" selected>Refuse</option>' in page  # shown as decided

    # unchanged rows record nothing new; a row set back is decided like its ask
    assert _post(client, demand, **{"ask-0-outcome": "hold", bob: "reject",
                                    _row(demand, "alice_1"): ""}).status_code == 302
    assert Decision.objects.filter(demand=demand, target__isnull=False).count() == 1
    assert _post(client, demand, **{"ask-0-outcome": "hold", bob: ""}).status_code == 302
    current = Decision.objects.get(demand=demand, target__identifier="bob_2",
                                   superseded=False)
    assert current.outcome == "hold" and current.reason_codes == ["valid_legal_process"]


def test_block_findings_bind_a_row_as_they_bind_the_ask(
        make_demand: Callable[..., Demand]) -> None:
    demand = make_demand(instrument="xx.made_up_order", targets=TWO)
    assert demand.findings.current().filter(severity="block").exists()
    client = verified_client(staff_member("legal_reviewer"))
    response = _post(client, demand, **{"ask-0-outcome": "reject",
                                        _row(demand, "bob_2"): "comply",
                                        "row_reasons": ["valid_legal_process"]})
    assert response.status_code == 409
    assert "override required" in response.content.decode()
    assert not Decision.objects.filter(demand=demand).exists()


def test_complying_in_part_for_a_target_needs_the_asks_narrowing(
        make_demand: Callable[..., Demand]) -> None:
    demand = make_demand(targets=TWO)
    client = verified_client(staff_member("legal_reviewer"))
    response = _post(client, demand, **{"ask-0-outcome": "comply",
                                        _row(demand, "bob_2"): "comply_partially",
                                        "row_reasons": ["overbroad"]})
    assert response.status_code == 400
    # said at the top and again beside the row
    assert response.content.decode().count("narrow ask 0 (categories or dates) to comply "
                                           "in part") == 2
    assert not Decision.objects.filter(demand=demand).exists()

    done = _post(client, demand, **{"ask-0-outcome": "comply",
                                    "ask-0-date_from": "2020-06-01",
                                    _row(demand, "bob_2"): "comply_partially",
                                    "row_reasons": ["overbroad"]})
    assert done.status_code == 302
    bob = Decision.objects.get(demand=demand, target__identifier="bob_2")
    assert bob.outcome == "comply_partially" and bob.narrowed == {"date_from": "2020-06-01"}
