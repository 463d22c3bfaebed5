"""One demand travels the whole path: the Hong Kong July 2020 week, and a US warrant.

Through the API and the worker, as the product is used: policies decide what is held, what
goes to MLAT, and a lawful warrant is executed, packaged, reported and audited.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from typing import Any

import pytest
from django.core.management import call_command

from dueprocess.audit.chain import verify
from dueprocess.cli import main
from dueprocess.demands.models import Demand, Notice, Policy
from dueprocess.demo.platform import seed_platform
from dueprocess.execution.models import Production
from dueprocess.execution.productions import public_key, read_production, verify_package
from tests.conftest import sch4_disclose, us_warrant

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(hk_police: Any, fbi: Any) -> None:
    seed_platform()
    Policy.objects.create(name="Pause HK data requests", effect="pause", jurisdiction="HK",
                          ask_kinds=["disclose"], valid_from="2020-07-06")
    Policy.objects.create(name="HK data requests via MLAT", effect="route_mlat",
                          jurisdiction="HK", ask_kinds=["disclose"], valid_from="2020-08-13")


def codes(body: dict[str, Any]) -> set[str]:
    return {f["code"] for f in body["findings"]}


def test_hong_kong_and_a_us_warrant_end_to_end(world: None, api_as: Any, reviewer: Any,
                                               capsys: Any) -> None:
    api = api_as(reviewer)

    july = api.post("/demands", sch4_disclose("2020-07-20T09:05:00+08:00")).json()
    assert july["status"] == "on_hold"
    assert july["recommendation"] == "hold"
    assert {"policy.jurisdiction_paused", "rights.high_risk_instrument"} <= codes(july)

    september = api.post("/demands", sch4_disclose("2020-09-15T11:00:00+08:00")).json()
    assert september["recommendation"] == "route_mlat"
    assert "policy.route_mlat" in codes(september)
    decided = api.post(f"/demands/{september['id']}/decisions", {"decisions": [
        {"ask": 0, "outcome": "route_mlat", "reason_codes": ["mlat_required"]}]})
    assert decided.status_code == 200, decided.content
    assert decided.json()["status"] == "rejected"
    letter = Notice.objects.get(demand_id=september["id"], kind="mlat_referral")
    assert "mutual legal assistance" in letter.body

    warrant = api.post("/demands", us_warrant()).json()
    assert warrant["recommendation"] == "comply", warrant["explanation"]
    r = api.post(f"/demands/{warrant['id']}/decisions", {"decisions": [
        {"ask": 0, "outcome": "comply", "reason_codes": ["valid_legal_process"],
         "rationale": "Valid warrant signed by a magistrate judge"}]})
    assert r.json()["status"] == "executing"

    call_command("db_worker", batch=True, verbosity=0)

    done = api.get(f"/demands/{warrant['id']}").json()
    assert done["status"] == "completed"
    production = Production.objects.get(demand_id=warrant["id"])
    files = read_production(production)
    manifest = json.loads(files["manifest.json"])
    assert manifest["demand_reference"] == "2:20-mj-00417"
    listed = {f["name"]: f["sha256"] for f in manifest["files"]}
    assert set(listed) >= {"subscriber.json", "posts.json"}
    for name, digest in listed.items():
        assert hashlib.sha256(files[name]).hexdigest() == digest
    assert verify_package(files, public_key())
    assert Demand.objects.get(pk=warrant["id"]).notices.filter(kind="user").exists()

    assert main(["report", "--period", "2020-H2", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    us = [r for r in rows if r["CLDR Territory Code"] == "US"]
    assert len(us) == 1
    assert us[0]["User Data Requests"] == "1"
    assert us[0]["Percentage of requests where some data produced"] in ("100", "100%")
    assert us[0]["Users/Accounts Specified"] == "1"
    hk = [r for r in rows if r["CLDR Territory Code"] == "HK"]
    assert sum(int(r["User Data Requests"]) for r in hk) == 2
    assert all(r["Percentage of requests where some data produced"] in ("0", "0%") for r in hk)

    assert verify().ok
