"""The execution console: who may see it and act, and each button doing its one step."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from dueprocess.demands.models import Authority, Demand, Notice
from dueprocess.demo import platform
from dueprocess.demo.models import Hold
from dueprocess.execution.models import DisclosureWait, Preservation
from tests.execution.support import run_worker, verbs, warrant_body

pytestmark = pytest.mark.django_db(transaction=True)

Approve = Callable[..., Demand]


@pytest.fixture
def executor(make_user: Callable[..., Any]) -> Any:
    return make_user("executor@platform.example", staff=True,
                     perms=("demands.view_demand", "demands.change_action"))


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _preservation(approved: Approve) -> Preservation:
    body = warrant_body(reference="FBI-PRES-1", instrument="us.ecpa.preservation",
                        asks=[{"kind": "preserve", "days": 90}],
                        targets=[{"type": "account", "id": platform.US_PRESERVATION_TARGET}],
                        received_at=timezone.now().isoformat())
    demand = approved(body)
    run_worker()
    return Preservation.objects.get(demand=demand)


def test_only_console_staff_see_it(seeded: None, reviewer: Any, make_user: Callable[..., Any],
                                   officer_of: Callable[[Authority], Any],
                                   fbi: Authority) -> None:
    assert Client().get("/execution/").status_code == 302
    assert _client(make_user("staff@platform.example", staff=True)).get(
        "/execution/").status_code == 403
    assert _client(officer_of(fbi)).get("/execution/").status_code == 403
    page = _client(reviewer).get("/execution/")
    assert page.status_code == 200
    assert "no worker is running" in page.content.decode()


def test_holds_are_extended_and_released_from_the_console(
        approved: Approve, executor: Any, reviewer: Any) -> None:
    hold = _preservation(approved)
    Preservation.objects.filter(pk=hold.pk).update(until=timezone.now().date()
                                                   + timedelta(days=3))
    page = _client(executor).get("/execution/").content.decode()
    assert platform.US_PRESERVATION_TARGET in page and "expires soon" in page

    # A reviewer may look but not act.
    denied = _client(reviewer).post(f"/execution/holds/{hold.pk}/extend/", follow=True)
    assert "lack the permission demands.change_action" in denied.content.decode()
    assert Preservation.objects.get(pk=hold.pk).renewals == 0

    Preservation.objects.filter(pk=hold.pk).update(until=hold.until)
    ok = _client(executor).post(f"/execution/holds/{hold.pk}/extend/",
                                {"note": "renewed letter"}, follow=True)
    assert "Hold extended." in ok.content.decode()
    extended = Preservation.objects.get(pk=hold.pk)
    assert extended.until == hold.started_on + timedelta(days=180)
    again = _client(executor).post(f"/execution/holds/{hold.pk}/extend/", follow=True)
    assert "no further extension" in again.content.decode()

    _client(executor).post(f"/execution/holds/{hold.pk}/release/", {"why": "case closed"})
    assert Preservation.objects.get(pk=hold.pk).released_at is not None
    assert Hold.objects.get(pk=int(hold.hold)).released_at is not None
    assert verbs(hold.demand, "preservation.")[-1] == "preservation.released"


def test_a_platform_error_is_shown_not_raised(approved: Approve, executor: Any) -> None:
    hold = _preservation(approved)
    Hold.objects.all().delete()  # the platform lost it
    response = _client(executor).post(f"/execution/holds/{hold.pk}/release/", follow=True)
    assert response.status_code == 200
    assert "The platform did not answer" in response.content.decode()
    assert Preservation.objects.get(pk=hold.pk).released_at is None


def test_emergency_notices_objections_and_gags_from_the_console(
        approved: Approve, executor: Any, notice_period: Callable[[int], None]) -> None:
    emergency = approved(warrant_body(
        reference="EDR-1", instrument="us.ecpa.emergency", emergency=True,
        asks=[{"kind": "disclose", "data_categories": ["subscriber"]}]))
    gagged = approved(warrant_body(reference="GAG-1", non_disclosure={"until": None},
                                   targets=[{"type": "account", "id": platform.HK_STUDENT}]))
    notice_period(7)
    waiting = approved(warrant_body(reference="WAIT-1", targets=[
        {"type": "account", "id": platform.FR_SUSPECT}]))
    run_worker()
    page = _client(executor).get("/execution/").content.decode()
    assert "challenge the gag" in page and "Emergency over: send now" in page
    assert platform.FR_SUSPECT in page  # its disclosure waits

    notice = Notice.objects.get(demand=emergency, kind="user")
    _client(executor).post(f"/execution/notices/{notice.pk}/release/")
    run_worker()
    notice.refresh_from_db()
    assert notice.status == "sent"
    barred = Notice.objects.get(demand=gagged, kind="user")
    refused = _client(executor).post(f"/execution/notices/{barred.pk}/release/", follow=True)
    assert "only a delayed user notice" in refused.content.decode()

    wait = DisclosureWait.objects.get(demand=waiting)
    empty = _client(executor).post(f"/execution/disclosures/{wait.pk}/objection/",
                                   {"objection": " "}, follow=True)
    assert "Write down the user" in empty.content.decode()
    _client(executor).post(f"/execution/disclosures/{wait.pk}/objection/",
                           {"objection": "My lawyer is filing a motion."})
    assert DisclosureWait.objects.get(pk=wait.pk).objected_at is not None
    _client(executor).post(f"/execution/disclosures/{wait.pk}/proceed/",
                           {"why": "motion denied"})
    run_worker()
    waiting.refresh_from_db()
    assert waiting.status == "completed"
    assert "Let it proceed" not in _client(executor).get("/execution/").content.decode()


def test_upholding_an_objection_from_the_console(
        approved: Approve, executor: Any, notice_period: Callable[[int], None]) -> None:
    notice_period(7)
    demand = approved(warrant_body(reference="WAIT-2", targets=[
        {"type": "account", "id": platform.FR_SUSPECT}]))
    run_worker()
    wait = DisclosureWait.objects.get(demand=demand)
    assert "Uphold objection" not in _client(executor).get("/execution/").content.decode()
    _client(executor).post(f"/execution/disclosures/{wait.pk}/objection/",
                           {"objection": "The account is my employer's, not mine."})
    assert "Uphold objection" in _client(executor).get("/execution/").content.decode()
    done = _client(executor).post(f"/execution/disclosures/{wait.pk}/uphold/",
                                  {"why": "Wrong person named."}, follow=True)
    assert "will not be disclosed" in done.content.decode()
    demand.refresh_from_db()
    assert demand.status == "completed"
    assert demand.actions.get().status == "cancelled"
    assert platform.FR_SUSPECT not in _client(executor).get("/execution/").content.decode()
