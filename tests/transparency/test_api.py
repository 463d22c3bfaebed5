"""Report and audit endpoints: who may read them, formats, and 4xx for bad input."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Group
from openpyxl import load_workbook

from dueprocess.audit import checkpoint
from dueprocess.demands.models import Demand
from dueprocess.transparency.models import Publication
from tests.transparency.factories import demand

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor(make_user: Callable[..., Any]) -> Any:
    user = make_user("auditor@platform.example")
    group, _ = Group.objects.get_or_create(name="auditor")
    user.groups.add(group)
    return user


@pytest.fixture
def data(db: Any) -> Demand:
    demand("US", "us.ecpa.warrant", "2020-07-01T00:00:00+00:00", produced=True)
    return demand("DE", "eu.dsa.art9", "2025-03-11T08:30:00+00:00",
                  asks=("restrict_content",), accounts=0, content=2, ack_hours=0.5,
                  action_hours=4, actions=[("remove", "succeeded")] * 2)


def test_staff_and_auditors_read_reports(data: Demand, api_as: Any, reviewer: Any,
                                         auditor: Any) -> None:
    for user in (reviewer, auditor):
        r = api_as(user).get("/reports/transparency", period="2020-H2", format="json")
        assert r.status_code == 200, r.content
        assert r.json()["tables"]["user_data_requests"]["rows"][0]["Country"] == (
            "United States")


def test_outsiders_may_not_read_reports(data: Demand, api_as: Any, hk_police: Any,
                                        officer_of: Any, make_user: Any) -> None:
    assert api_as(None).get("/reports/transparency").status_code == 401
    officer = officer_of(hk_police)
    assert api_as(officer).get("/reports/transparency").status_code == 403
    nobody = make_user("someone@example.org")
    r = api_as(nobody).get("/reports/dsa/member-state-orders", start="2025-01-01",
                           end="2025-06-30")
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "forbidden"


def test_csv_and_xlsx_downloads(data: Demand, api_as: Any, auditor: Any) -> None:
    client = api_as(auditor)
    r = client.get("/reports/transparency", period="2020-07-01/2020-12-31", format="csv")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("text/csv")
    assert "attachment" in r["Content-Disposition"]
    assert r.content.decode().startswith("Period Ending,Country,CLDR Territory Code")
    r = client.get("/reports/transparency", start="2020-07-01", end="2020-12-31",
                   format="xlsx", table="restriction_requests")
    assert load_workbook(io.BytesIO(r.content)).sheetnames == ["restriction_requests"]


def test_dsa_member_state_orders(data: Demand, api_as: Any, auditor: Any) -> None:
    client = api_as(auditor)
    r = client.get("/reports/dsa/member-state-orders", start="2025-01-01", end="2025-06-30",
                   format="csv")
    assert r.status_code == 200
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8"))))
    total = rows[1]
    assert (total[3], total[5], total[6], total[7], total[8], total[9]) == (
        "TOTAL", "TOTAL", "1", "2", "0", "4")
    assert {row[5] for row in rows[1:]} == {"TOTAL", "DE"}


@pytest.mark.parametrize(("path", "params", "field"), [
    ("/reports/transparency", {"period": "2020-H3"}, "period"),
    ("/reports/transparency", {"period": "2020-12-01/2020-01-01"}, "end"),
    ("/reports/transparency", {"start": "2020-01-01"}, "end"),
    ("/reports/transparency", {"period": "2020", "format": "pdf"}, "format"),
    ("/reports/transparency", {"period": "2020", "table": "secrets"}, "table"),
    ("/reports/dsa/member-state-orders", {"start": "2025-13-01", "end": "2025-06-30"},
     "start"),
    ("/reports/dsa/member-state-orders", {"start": "2025-07-01", "end": "2025-06-30"},
     "end"),
    ("/reports/dsa/member-state-orders",
     {"start": "2025-01-01", "end": "2025-06-30", "format": "json"}, "format"),
])
def test_bad_input_is_a_4xx_with_the_field(api_as: Any, auditor: Any, path: str,
                                           params: dict[str, str], field: str) -> None:
    r = api_as(auditor).get(path, **params)
    assert r.status_code == 422, r.content
    assert r.json()["error"]["field"] == field


def test_missing_dsa_dates_are_4xx(api_as: Any, auditor: Any) -> None:
    r = api_as(auditor).get("/reports/dsa/member-state-orders")
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "invalid"


def test_an_empty_period_is_a_report_of_zeros(api_as: Any, auditor: Any) -> None:
    r = api_as(auditor).get("/reports/transparency", period="1999", format="json")
    assert r.status_code == 200
    assert r.json()["tables"]["user_data_requests"]["rows"] == []


def test_auditors_read_the_audit_log_and_checkpoints(data: Demand, api_as: Any,
                                                     auditor: Any) -> None:
    from django.db import transaction

    from dueprocess.audit.chain import record

    with transaction.atomic():
        for i in range(3):
            record("test.event", actor="tester", demand_id=data.pk, payload={"i": i})
    client = api_as(auditor)
    page = client.get("/audit/events", limit=2).json()
    assert [e["seq"] for e in page["items"]] == [1, 2]
    rest = client.get("/audit/events", after=page["next_after"]).json()
    assert [e["seq"] for e in rest["items"]] == [3]
    assert rest["items"][0]["prev_hash"] == page["items"][1]["hash"]
    point = client.get("/audit/checkpoint").json()
    # The first checkpoint makes the audit key; its creation is the event it attests.
    assert point["seq"] == 4
    assert client.get("/audit/events", after=3).json()["items"][0]["verb"] == \
        "signing_key.created"
    assert checkpoint.parse(__import__("json").dumps(point)).seq == 4


def test_auditors_change_nothing(data: Demand, api_as: Any, auditor: Any) -> None:
    """Even with every permission granted by mistake, an auditor cannot write here."""
    from django.contrib.auth.models import Permission

    auditor.user_permissions.add(*Permission.objects.all())
    auditor.is_staff = True
    auditor.save()
    client = api_as(auditor)
    r = client.post("/publications", {"demand": data.pk})
    assert r.status_code == 403
    assert not Publication.objects.exists()
    assert client.get("/reports/transparency", period="2020").status_code == 200


def test_auditors_without_staff_rights_cannot_submit_or_decide(data: Demand, api_as: Any,
                                                              auditor: Any) -> None:
    client = api_as(auditor)
    before = Demand.objects.count()
    r = client.post("/demands", {"reference": "X", "instrument": "us.ecpa.warrant",
                                 "authority": "fbi", "asks": [], "targets": []})
    assert r.status_code in (403, 422)
    r = client.post(f"/demands/{data.pk}/decisions",
                    {"decisions": [{"ask": 0, "outcome": "reject"}]})
    assert r.status_code == 403
    assert Demand.objects.count() == before
