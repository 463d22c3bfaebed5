"""Withdrawing on the portal: a page that asks for the reason, and confirms."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from dueprocess.audit.models import AuditEvent
from dueprocess.demands.models import Authority
from tests.intake.conftest import emergency_body, receive

pytestmark = pytest.mark.django_db


def test_withdrawing_asks_for_a_reason_and_records_it(portal: Client, officer: Any,
                                                      fbi: Authority) -> None:
    demand = receive(fbi, emergency_body(reference="FBI-W1", emergency=False,
                                         instrument="us.ecpa.subpoena"),
                     requester=officer.requester, channel="portal")
    page = portal.get(f"/portal/demands/{demand.pk}/").content.decode()
    assert f'href="/portal/demands/{demand.pk}/withdraw/"' in page  # a link, not a post
    confirm = portal.get(f"/portal/demands/{demand.pk}/withdraw/").content.decode()
    assert "Withdraw FBI-W1?" in confirm and "cannot be undone" in confirm

    blank = portal.post(f"/portal/demands/{demand.pk}/withdraw/", {"reason": "   "})
    assert blank.status_code == 400
    html = blank.content.decode()
    field = html[html.index('for="id_reason"'):]
    assert field.index("Give the reason for withdrawing the demand.") < field.index("</div>")
    demand.refresh_from_db()
    assert demand.status != "withdrawn"

    done = portal.post(f"/portal/demands/{demand.pk}/withdraw/",
                       {"reason": "The suspect was charged; no longer needed."})
    assert done.status_code == 302
    demand.refresh_from_db()
    assert demand.status == "withdrawn"
    event = AuditEvent.objects.get(demand_id=demand.pk, verb="demand.status_changed",
                                   payload__to="withdrawn")
    assert event.payload["reason"] == "The suspect was charged; no longer needed."
    again = portal.get(f"/portal/demands/{demand.pk}/withdraw/")
    assert again.status_code == 409 and b"cannot be withdrawn" in again.content
