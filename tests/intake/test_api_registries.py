"""Authorities and the law library over the API."""

from __future__ import annotations

from typing import Any

import pytest

from dueprocess.demands.models import Authority

pytestmark = pytest.mark.django_db

NEW = {"slug": "bka", "name": "Bundeskriminalamt", "jurisdiction": "de", "kind": "police",
       "domains": ["bka.bund.de"], "phones": ["+49 611 550"]}


def test_admin_creates_and_lists_authorities(api_as: Any, admin_user: Any) -> None:
    client = api_as(admin_user)
    r = client.post("/authorities", NEW)
    assert r.status_code == 201, r.content
    assert r.json()["jurisdiction"] == "DE"
    assert [a["slug"] for a in client.get("/authorities").json()] == ["bka"]
    again = client.post("/authorities", NEW)
    assert again.status_code == 409
    assert again.json()["error"]["field"] == "slug"


def test_reviewer_without_admin_rights_cannot_create_authorities(api_as: Any,
                                                                 reviewer: Any) -> None:
    r = api_as(reviewer).post("/authorities", NEW)
    assert r.status_code == 403
    assert Authority.objects.count() == 0


def test_officer_sees_only_own_authority(api_as: Any, officer_of: Any, fbi: Any,
                                         hk_police: Any) -> None:
    client = api_as(officer_of(fbi))
    assert [a["slug"] for a in client.get("/authorities").json()] == ["fbi"]
    assert client.post("/authorities", NEW).status_code == 403


@pytest.mark.parametrize("change", [{"kind": "militia"}, {"jurisdiction": "Hong Kong"},
                                    {"domains": ["not a domain"]}, {"slug": "Bad Slug"}])
def test_invalid_authorities_are_422(api_as: Any, admin_user: Any,
                                     change: dict[str, Any]) -> None:
    r = api_as(admin_user).post("/authorities", {**NEW, **change})
    assert r.status_code == 422
    assert Authority.objects.count() == 0


def test_instruments_lists_the_library(api_as: Any, reviewer: Any) -> None:
    body = api_as(reviewer).get("/instruments").json()
    ids = {i["id"] for i in body["items"]}
    assert {"us.ecpa.subpoena", "us.ecpa.warrant", "eu.dsa.art9", "eu.dsa.art10",
            "hk.nsl43.sch4"} <= ids
    sch4 = next(i for i in body["items"] if i["id"] == "hk.nsl43.sch4")
    assert "political_expression" in sch4["risk_flags"]
    assert sch4["ask_required_elements"]["disclose"] == ["recipient_identifiers"]
    assert sch4["urgent_issuers"] == {"subscriber": ["police_senior"]}
    assert "hk.nsl.art20" in sch4["offences"]
    epoc = next(i for i in body["items"] if i["id"] == "eu.evidence.epoc")
    assert epoc["deadlines"]["response_days"] == 10 and epoc["deadlines"]["emergency_hours"] == 8
    assert epoc["enforcing_state_notification"] == ["traffic", "content"]
    assert epoc["stored_data_only"] is True
    assert body["version"]


def test_openapi_describes_the_api(client: Any) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/demands" in spec["paths"]
    assert "/api/v1/demands/{demand_id}" in spec["paths"]
    assert "bearer" in str(spec["components"]["securitySchemes"]).lower()
