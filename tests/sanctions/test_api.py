"""POST /api/v1/screening/search: staff only, ranked hits with explanations, 4xx for bad input."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from dueprocess.demands.models import Authority
from tests.sanctions.conftest import LEE, TANG

pytestmark = pytest.mark.django_db


def test_staff_search_ranks_hits_with_explanations(ofac: Callable[..., Any],
                                                   api_as: Callable[[Any], Any],
                                                   reviewer: Any) -> None:
    version = ofac().version
    r = api_as(reviewer).post("/screening/search", {"name": "鄧炳強", "limit": 3})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["threshold"] == 0.85
    assert body["lists"] == [{"list_id": "us_ofac_sdn", "version": version.pk,
                              "source": "sdn.csv, alt.csv, add.csv", "entries": 7,
                              "loaded_at": body["lists"][0]["loaded_at"]}]
    top = body["hits"][0]
    assert (top["entry_id"], top["name"], top["schema"]) == (TANG, "TANG, Chris", "Person")
    assert top["alert"] is True and top["matched_name"] == "TANG, Ping-keung"
    assert top["programmes"] == ["HK-EO13936"] and top["birth_dates"] == ["1965-07-04"]
    assert "TANG, Ping-keung" in top["explanation"]
    assert len(body["hits"]) <= 3
    assert [h["score"] for h in body["hits"]] == sorted((h["score"] for h in body["hits"]),
                                                        reverse=True)


def test_birth_date_and_threshold_change_the_answer(ofac: Callable[..., Any],
                                                    api_as: Callable[[Any], Any],
                                                    reviewer: Any) -> None:
    ofac()
    client = api_as(reviewer)
    same = client.post("/screening/search", {"name": "Chris Tang", "birth_date": "1965-07-04"})
    other = client.post("/screening/search", {"name": "Chris Tang", "birth_date": "1981-02-11"})
    s, o = same.json()["hits"][0], other.json()["hits"][0]
    assert s["entry_id"] == o["entry_id"] == TANG
    assert s["alert"] and not o["alert"] and o["score"] < s["score"]
    assert "birth date differs" in o["explanation"]
    only_alerts = client.post("/screening/search", {"name": "John Lee Ka-chiu",
                                                    "threshold": 0.85}).json()["hits"]
    assert [h["entry_id"] for h in only_alerts] == [LEE]


def test_organisations_are_searched_as_organisations(ofac: Callable[..., Any],
                                                     api_as: Callable[[Any], Any],
                                                     reviewer: Any) -> None:
    ofac()
    hits = api_as(reviewer).post("/screening/search", {
        "name": "Xinjiang Public Security Bureau", "schema": "Organization"}).json()["hits"]
    assert hits[0]["schema"] == "Organization" and hits[0]["alert"]


def test_without_a_list_the_answer_is_empty_not_an_error(api_as: Callable[[Any], Any],
                                                        reviewer: Any) -> None:
    r = api_as(reviewer).post("/screening/search", {"name": "TANG Ping-keung"})
    assert r.status_code == 200 and r.json()["hits"] == [] and r.json()["lists"] == []


def test_authority_tokens_cannot_search(ofac: Callable[..., Any], api_as: Callable[[Any], Any],
                                        officer_of: Callable[[Authority], Any],
                                        hk_police: Authority) -> None:
    ofac()
    r = api_as(officer_of(hk_police)).post("/screening/search", {"name": "TANG Ping-keung"})
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "forbidden"
    assert "hits" not in r.json()
    anonymous = api_as(None).post("/screening/search", {"name": "TANG Ping-keung"})
    assert anonymous.status_code == 401


@pytest.mark.parametrize("body, field", [
    ({"name": ""}, "name"),
    ({"name": "   "}, "name"),
    ({"name": "x" * 10_000}, "name"),
    ({}, "name"),
    ({"name": "TANG", "birth_date": "yesterday"}, "birth_date"),
    ({"name": "TANG", "schema": "Planet"}, "schema"),
    ({"name": "TANG", "limit": 0}, "limit"),
    ({"name": "TANG", "limit": 5000}, "limit"),
    ({"name": "TANG", "threshold": 2}, "threshold"),
    ({"name": "TANG", "color": "red"}, "color"),
    ({"name": ["TANG"]}, "name"),
])
def test_bad_bodies_are_422_with_the_field(ofac: Callable[..., Any],
                                           api_as: Callable[[Any], Any], reviewer: Any,
                                           body: dict[str, Any], field: str) -> None:
    r = api_as(reviewer).post("/screening/search", body)
    assert r.status_code == 422, r.content
    assert r.json()["error"]["field"] == field


def test_malformed_json_is_400(api_as: Callable[[Any], Any], reviewer: Any) -> None:
    r = api_as(reviewer).post("/screening/search", raw=b'{"name": "TANG"')
    assert r.status_code == 400 and r.json()["error"]["code"] == "malformed_json"


def test_the_endpoint_is_in_the_openapi_description(api_as: Callable[[Any], Any],
                                                    reviewer: Any) -> None:
    spec = api_as(reviewer).get("/openapi.json").json()
    assert "post" in spec["paths"]["/api/v1/screening/search"]


def test_yente_match_scores_entity_examples(ofac: Callable[..., Any],
                                            api_as: Callable[[Any], Any],
                                            reviewer: Any) -> None:
    ofac()
    body = {"queries": {
        "tang": {"schema": "Person", "properties": {"name": ["鄧炳強"],
                                                     "birthDate": ["1965-07-04"]}},
        "nobody": {"schema": "Person", "properties": {"name": ["Maria Oliveira Santos"]}},
    }}
    r = api_as(reviewer).post("/match/us_ofac_sdn?limit=3", body)
    assert r.status_code == 200, r.content
    out = r.json()
    assert out["limit"] == 3 and set(out["responses"]) == {"tang", "nobody"}
    top = out["responses"]["tang"]["results"][0]
    assert (top["id"], top["caption"], top["schema"]) == (TANG, "TANG, Chris", "Person")
    assert top["match"] is True and top["score"] >= 0.85
    assert top["datasets"] == ["us_ofac_sdn"] and top["properties"]["programId"] == ["HK-EO13936"]
    assert "TANG, Ping-keung" in top["explanation"]
    assert not any(res["match"] for res in out["responses"]["nobody"]["results"])
    assert api_as(reviewer).post("/match/default", body).status_code == 200


def test_yente_match_refuses_unknown_lists_and_bad_queries(ofac: Callable[..., Any],
                                                           api_as: Callable[[Any], Any],
                                                           reviewer: Any) -> None:
    ofac()
    good = {"queries": {"q": {"schema": "Person", "properties": {"name": ["TANG"]}}}}
    assert api_as(reviewer).post("/match/eu_fsf", good).status_code == 404
    no_name = {"queries": {"q": {"schema": "Person", "properties": {"birthDate": ["1965"]}}}}
    assert api_as(reviewer).post("/match/default", no_name).status_code == 422
    planet = {"queries": {"q": {"schema": "Planet", "properties": {"name": ["Mars"]}}}}
    assert api_as(reviewer).post("/match/default", planet).status_code == 422
    assert api_as(reviewer).post("/match/default?limit=0", good).status_code in (400, 422)
    assert api_as(None).post("/match/default", good).status_code == 401
