"""The demand endpoints as an integration or an officer would use them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from dueprocess.audit.models import AuditEvent
from dueprocess.demands.models import Demand, Policy
from tests.conftest import sch4_disclose, us_warrant

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_api(api_as: Any, reviewer: Any) -> Any:
    return api_as(reviewer)


def test_staff_creates_a_demand_and_gets_findings_and_recommendation(
        staff_api: Any, fbi: Any) -> None:
    r = staff_api.post("/demands", us_warrant())
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "in_review"
    assert body["recommendation"] == "comply"
    assert body["authority"] == "fbi"
    assert body["received_at"].startswith("2020-10-05T14:00:00")
    assert not [f for f in body["findings"] if f["severity"] == "block"]
    assert body["targets"][0]["identifier"] == "cs_suspect_42"
    assert staff_api.get(f"/demands/{body['id']}").json()["reference"] == "2:20-mj-00417"


def test_unknown_instrument_is_stored_with_its_finding(staff_api: Any, fbi: Any) -> None:
    r = staff_api.post("/demands", us_warrant(instrument="us.made.up"))
    assert r.status_code == 201
    codes = [f["code"] for f in r.json()["findings"]]
    assert "legal.unknown_instrument" in codes
    assert Demand.objects.filter(instrument="us.made.up").count() == 1


def test_authority_token_implies_authority_and_sees_only_its_own(
        api_as: Any, officer_of: Any, hk_police: Any, fbi: Any, staff_api: Any) -> None:
    fbi_api = api_as(officer_of(fbi))
    hk_api = api_as(officer_of(hk_police))
    body = us_warrant()
    del body["authority"], body["received_at"]
    mine = fbi_api.post("/demands", body)
    assert mine.status_code == 201, mine.content
    theirs = staff_api.post("/demands", sch4_disclose("2020-07-20T09:00:00Z")).json()
    assert fbi_api.get(f"/demands/{theirs['id']}").status_code == 404
    assert hk_api.get(f"/demands/{mine.json()['id']}").status_code == 404
    listed = [d["id"] for d in fbi_api.get("/demands").json()["items"]]
    assert listed == [mine.json()["id"]]


def test_authority_token_may_not_backdate_or_speak_for_another(
        api_as: Any, officer_of: Any, fbi: Any, hk_police: Any) -> None:
    fbi_api = api_as(officer_of(fbi))
    r = fbi_api.post("/demands", us_warrant())  # carries received_at
    assert r.status_code == 403
    assert r.json()["error"]["field"] == "received_at"
    body = us_warrant(authority="hkpf-nsd")
    del body["received_at"]
    r = fbi_api.post("/demands", body)
    assert r.status_code == 403
    assert Demand.objects.count() == 0


@pytest.mark.parametrize("raw, status, code", [
    (b"{not json", 400, "malformed_json"),
    (b'{"reference": "\xff\xfe"}', 400, "malformed_json"),
    (b"[]", 422, "invalid"),
])
def test_malformed_bodies_are_4xx_with_error_json(staff_api: Any, fbi: Any, raw: bytes,
                                                  status: int, code: str) -> None:
    r = staff_api.post("/demands", raw=raw)
    assert r.status_code == status
    assert r.json()["error"]["code"] == code
    assert Demand.objects.count() == 0


@pytest.mark.parametrize("change, field", [
    ({"asks": [{"kind": "exfiltrate"}]}, "asks.0.kind"),
    ({"asks": "disclose"}, "asks"),
    ({"targets": [{"type": "account"}]}, "targets.0"),
    ({"received_at": "yesterday"}, "received_at"),
    ({"asks": [{"kind": "disclose", "data_categories": ["dna"]}]}, "asks.0.data_categories.0"),
    ({"asks": [{"kind": "disclose", "data_categories": ["content"],
                "date_from": "2020-05-01", "date_to": "2020-01-01"}]}, "asks.0"),
    ({"reference": None}, "reference"),
    ({"extra_field": 1}, "extra_field"),
])
def test_mistyped_fields_name_the_field(staff_api: Any, fbi: Any, change: dict[str, Any],
                                        field: str) -> None:
    r = staff_api.post("/demands", {**us_warrant(), **change})
    assert r.status_code == 422, r.content
    err = r.json()["error"]
    assert err["code"] == "invalid"
    assert err["field"] == field
    assert Demand.objects.count() == 0


def test_a_ten_megabyte_name_is_refused_whole(staff_api: Any, fbi: Any) -> None:
    body = us_warrant(issued_by={"name": "A" * 10_000_000, "role": "judge"})
    r = staff_api.post("/demands", body)
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "too_large"
    assert Demand.objects.count() == 0


def test_an_overlong_field_under_the_body_limit_is_422(staff_api: Any, fbi: Any) -> None:
    r = staff_api.post("/demands", us_warrant(reference="R" * 5000))
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "reference"


def test_unknown_authority_is_404_and_nothing_is_stored(staff_api: Any) -> None:
    r = staff_api.post("/demands", us_warrant(authority="nobody"))
    assert r.status_code == 404
    assert r.json()["error"]["field"] == "authority"
    assert AuditEvent.objects.count() == 0


def test_no_token_or_a_wrong_token_is_401(api_as: Any, fbi: Any) -> None:
    assert api_as(None).get("/demands").status_code == 401
    client = api_as(None)
    client.token = "dp_not-a-real-token"
    r = client.get("/demands")
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "unauthenticated"


def test_revoked_token_stops_working(api_as: Any, reviewer: Any) -> None:
    from django.utils import timezone

    from dueprocess.accounts.models import ApiToken

    client = api_as(reviewer)
    assert client.get("/demands").status_code == 200
    ApiToken.objects.update(revoked_at=timezone.now())
    assert client.get("/demands").status_code == 401


def test_keyset_pagination_walks_every_demand_once(staff_api: Any, fbi: Any) -> None:
    for i in range(7):
        assert staff_api.post("/demands", us_warrant(reference=f"R-{i}")).status_code == 201
    seen: list[int] = []
    after = None
    while True:
        params = {"limit": 3} | ({"after": after} if after else {})
        page = staff_api.get("/demands", **params).json()
        seen += [d["id"] for d in page["items"]]
        after = page["next_after"]
        if after is None:
            break
    assert len(seen) == 7 == len(set(seen))
    assert seen == sorted(seen, reverse=True)


def test_hong_kong_pause_holds_the_july_data_demand(staff_api: Any, hk_police: Any) -> None:
    Policy.objects.create(name="Pause HK data requests", effect="pause", jurisdiction="HK",
                          ask_kinds=["disclose"], valid_from="2020-07-06")
    body = staff_api.post("/demands", sch4_disclose("2020-07-20T09:00:00+08:00")).json()
    assert body["status"] == "on_hold"
    assert body["recommendation"] == "hold"
    assert "policy.jurisdiction_paused" in {f["code"] for f in body["findings"]}
    before = staff_api.post("/demands", sch4_disclose("2020-07-03T09:00:00+08:00")).json()
    assert "policy.jurisdiction_paused" not in {f["code"] for f in before["findings"]}


def test_an_authority_sees_its_demand_but_not_the_platforms_assessment(
        api_as: Any, officer_of: Any, hk_police: Any, staff_api: Any) -> None:
    from dueprocess.demo.platform import HK_JOURNALIST, seed_platform
    from dueprocess.web.auth import AUTHORITY_FINDINGS

    seed_platform()
    Policy.objects.create(name="Pause HK data requests", effect="pause", jurisdiction="HK",
                          ask_kinds=["disclose"], valid_from="2020-07-06")
    body = sch4_disclose("2020-07-20T09:00:00Z", targets=[{"type": "account",
                                                           "id": HK_JOURNALIST}])
    del body["authority"], body["received_at"]
    del body["issued_by"]  # an element the police can cure
    officer_api = api_as(officer_of(hk_police))
    sent = officer_api.post("/demands", body)
    assert sent.status_code == 201, sent.content
    for seen in (sent.json(), officer_api.get(f"/demands/{sent.json()['id']}").json()):
        codes = {f["code"] for f in seen["findings"]}
        assert codes and codes <= AUTHORITY_FINDINGS
        assert seen["recommendation"] is None and seen["explanation"] is None
        assert seen["targets"] == [{"type": "account", "identifier": HK_JOURNALIST,
                                    "exists": None, "country": None, "data_location": None}]
        assert "journalist" not in json.dumps(seen)
    assert officer_api.get("/demands").json()["items"][0]["recommendation"] is None

    staff_view = staff_api.get(f"/demands/{sent.json()['id']}").json()
    staff_codes = {f["code"] for f in staff_view["findings"]}
    assert {"policy.jurisdiction_paused", "rights.target_at_risk"} <= staff_codes
    assert staff_view["recommendation"] == "hold"
    assert staff_view["targets"][0]["exists"] is True


def test_an_import_keeps_its_own_acknowledgement_time_or_none(staff_api: Any, fbi: Any,
                                                               api_as: Any,
                                                               officer_of: Any) -> None:
    acked = staff_api.post("/demands", us_warrant(reference="ACK-1",
                                                  acknowledged_at="2020-10-05T16:30:00Z"))
    assert acked.status_code == 201, acked.content
    demand = Demand.objects.get(reference="ACK-1")
    assert demand.acknowledged_at.isoformat() == "2020-10-05T16:30:00+00:00"

    unknown = staff_api.post("/demands", us_warrant(reference="ACK-2"))
    assert unknown.status_code == 201
    demand = Demand.objects.get(reference="ACK-2")
    assert demand.acknowledged_at is None  # not the moment of import, years later
    assert demand.notices.filter(kind="acknowledgement").exists()

    for body, status, field in [
        (us_warrant(reference="ACK-3", acknowledged_at="2020-10-05T13:00:00Z"), 422, None),
        (us_warrant(reference="ACK-4", received_at="2999-01-01T00:00:00Z"), 422,
         "received_at"),
    ]:
        r = staff_api.post("/demands", body)
        assert r.status_code == status, r.content
        assert field is None or r.json()["error"]["field"] == field
    assert not Demand.objects.filter(reference__in=["ACK-3", "ACK-4"]).exists()

    own = us_warrant(reference="ACK-5", acknowledged_at="2020-10-05T16:30:00Z")
    del own["authority"], own["received_at"]
    r = api_as(officer_of(fbi)).post("/demands", own)
    assert r.status_code in (403, 422)
    assert not Demand.objects.filter(reference="ACK-5").exists()
