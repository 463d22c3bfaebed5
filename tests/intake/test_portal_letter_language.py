"""A letter written in another language than the portal's says so, for screen readers
(WCAG 3.1.2, language of parts); the page around it stays declared English."""

from __future__ import annotations

from typing import Any

from django.test import Client

from dueprocess.demands import actions
from dueprocess.demands.models import Authority, Notice
from dueprocess.notices.actions import send_letter
from tests.intake.conftest import emergency_body, receive


def test_a_german_letter_is_marked_german_inside_an_english_page(
        portal: Client, officer: Any, reviewer: Any, fbi: Authority) -> None:
    demand = receive(fbi, emergency_body(reference="FBI-DE-1", emergency=False,
                                         instrument="us.ecpa.subpoena"),
                     requester=officer.requester, channel="portal")
    actions.request_clarification(demand, "Bitte nennen Sie das Konto genau.", user=reviewer)
    letter = demand.notices.get(kind="clarification_request")
    Notice.objects.filter(pk=letter.pk).update(language="de")  # as drafted for a German court
    letter.refresh_from_db()
    send_letter(letter, user=reviewer)

    page = portal.get(f"/portal/demands/{demand.pk}/letters/{letter.pk}/").content.decode()
    assert '<html lang="en">' in page
    assert '<pre class="letter-body" lang="de">' in page
    listing = portal.get(f"/portal/demands/{demand.pk}/").content.decode()
    assert 'lang="de">' in listing and "Bitte nennen Sie das Konto genau." in listing
