"""Internal notes stay inside the platform: the authority's token and portal never see them."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from dueprocess.demands.models import Authority, Requester
from dueprocess.review.actions import add_note
from tests.intake.conftest import receive
from tests.review.conftest import warrant_body
from tests.review.roles import staff_member

pytestmark = pytest.mark.django_db

SECRET = "Called the court clerk: the judge's signature is genuine."


def test_the_authority_never_sees_internal_notes(officer: Any, portal: Client, fbi: Authority,
                                                 api_as: Any) -> None:
    demand = receive(fbi, warrant_body(reference="NOTE-1"),
                     requester=Requester.objects.get(user=officer))
    add_note(demand, SECRET, user=staff_member("legal_reviewer"))

    token = api_as(officer)
    shown = token.get(f"/demands/{demand.pk}")
    assert shown.status_code == 200 and SECRET not in shown.content.decode()
    listed = token.get(f"/demands/{demand.pk}/notes")
    assert listed.status_code == 403
    assert SECRET not in listed.content.decode()
    refused = token.post(f"/demands/{demand.pk}/notes", {"body": "From the authority"})
    assert refused.status_code == 403

    page = portal.get(f"/portal/demands/{demand.pk}/")
    assert page.status_code == 200 and SECRET not in page.content.decode()
