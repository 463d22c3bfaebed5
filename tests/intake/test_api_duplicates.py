"""One demand, once: a retried request makes no second demand, a re-sent order is flagged."""

from __future__ import annotations

from typing import Any

import pytest

from dueprocess.demands.models import Demand
from tests.conftest import us_warrant

pytestmark = pytest.mark.django_db


def _post(api: Any, body: dict[str, Any], key: str) -> Any:
    return api.client.post("/api/v1/demands", __import__("json").dumps(body),
                           content_type="application/json",
                           headers={**api._headers(), "Idempotency-Key": key})


def test_a_retry_with_the_same_key_returns_the_demand_it_made(api_as: Any,
                                                              reviewer: Any, fbi: Any) -> None:
    api = api_as(reviewer)
    body = us_warrant(authority="fbi")
    first = _post(api, body, "retry-1")
    again = _post(api, body, "retry-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Demand.objects.count() == 1


def test_the_same_key_for_another_request_is_refused_and_changes_nothing(
        api_as: Any, reviewer: Any, fbi: Any) -> None:
    api = api_as(reviewer)
    assert _post(api, us_warrant(authority="fbi"), "k").status_code == 201
    other = _post(api, us_warrant(authority="fbi", reference="2:20-mj-00999"), "k")
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "idempotency_conflict"
    assert Demand.objects.count() == 1


def test_the_same_order_sent_again_is_linked_and_held_by_a_block_finding(
        api_as: Any, reviewer: Any, fbi: Any) -> None:
    api = api_as(reviewer)
    first = api.post("/demands", us_warrant(authority="fbi")).json()
    second = api.post("/demands", us_warrant(authority="fbi")).json()
    assert second["id"] != first["id"] and second["duplicate_of"] == first["id"]
    blocks = {f["code"] for f in second["findings"] if f["severity"] == "block"}
    assert "legal.duplicate_demand" in blocks
    assert first["duplicate_of"] is None
    assert "legal.duplicate_demand" not in {f["code"] for f in first["findings"]}
    # complying with the copy is refused until a person overrides with reasons
    decided = api.post(f"/demands/{second['id']}/decisions",
                       {"decisions": [{"ask": 0, "outcome": "comply"}]})
    assert decided.status_code in (409, 422)
    assert Demand.objects.get(pk=second["id"]).actions.count() == 0
