"""Reviewers mark hits true or false; a false hit is remembered for that name and entry."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from dueprocess.audit.models import AuditEvent
from dueprocess.demands.models import Authority, Demand
from dueprocess.errors import Forbidden, InvalidInput
from dueprocess.sanctions.actions import mark_hit
from dueprocess.sanctions.models import FalsePositive, ScreeningResult
from tests.sanctions.conftest import LAM, TANG, sanction_findings

pytestmark = pytest.mark.django_db

TANG_BODY = {"issued_by": {"name": "TANG Ping-keung", "title": "Commissioner of Police",
                           "role": "police_senior"}}


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_false_hit_is_remembered_for_that_name_and_entry(
        ofac: Callable[..., Any], receive: Callable[..., Any], reviewer: Any) -> None:
    ofac()
    first = receive(**TANG_BODY)
    hit = ScreeningResult.objects.get(demand=first)
    mark_hit(hit, "false_positive", user=reviewer, note="a namesake: retired teacher")
    first.refresh_from_db()
    assert sanction_findings(first) == [] and first.recommendation != "escalate"
    memory = FalsePositive.objects.get()
    assert (memory.list_id, memory.entry_id, memory.created_by) == ("us_ofac_sdn", TANG, reviewer)
    event = AuditEvent.objects.get(verb="sanctions.hit_marked")
    assert event.payload["to"] == "false_positive" and event.actor.endswith(reviewer.username)
    # the same name, written the other way round, on a later demand: no alert
    later = receive(reference="NSD-2020-0901-009",
                    issued_by={"name": "Ping-keung TANG", "role": "police_senior"})
    assert sanction_findings(later) == []
    remembered = ScreeningResult.objects.get(demand=later)
    assert remembered.status == "false_positive" and "remembered" in remembered.review_note
    # another listed person on that demand still alerts
    other = receive(reference="NSD-2020-0902-010",
                    officials=[{"name": "Ping-keung TANG"}, {"name": "LAM Cheng Yuet-ngor"}])
    assert [f.evidence["entry_id"] for f in sanction_findings(other)] == [LAM]


def test_marking_false_clears_the_same_hit_on_other_open_demands(
        ofac: Callable[..., Any], receive: Callable[..., Any], reviewer: Any) -> None:
    ofac()
    one = receive(**TANG_BODY)
    two = receive(reference="NSD-2020-0821-004", **TANG_BODY)
    assert sanction_findings(two)
    mark_hit(ScreeningResult.objects.get(demand=one), "false_positive", user=reviewer)
    assert sanction_findings(two) == []
    assert ScreeningResult.objects.get(demand=two).status == "false_positive"
    assert AuditEvent.objects.filter(verb="sanctions.rescreened", demand_id=two.pk).exists()


def test_a_confirmed_hit_stays_and_says_so(ofac: Callable[..., Any],
                                           receive: Callable[..., Any], reviewer: Any) -> None:
    ofac()
    demand = receive(**TANG_BODY)
    hit = ScreeningResult.objects.get(demand=demand)
    mark_hit(hit, "false_positive", user=reviewer)
    mark_hit(hit, "confirmed", user=reviewer, note="same passport number")
    assert not FalsePositive.objects.exists()  # the reviewer took the false hit back
    [finding] = sanction_findings(demand)
    assert finding.evidence["confirmed"] is True and "confirmed" in finding.message
    hit.refresh_from_db()
    assert (hit.status, hit.reviewed_by, hit.review_note) == (
        "confirmed", reviewer, "same passport number")


def test_marking_needs_a_person_and_a_known_status(ofac: Callable[..., Any],
                                                   receive: Callable[..., Any],
                                                   reviewer: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    ofac()
    hit = ScreeningResult.objects.get(demand=receive(**TANG_BODY))
    with pytest.raises(InvalidInput):
        mark_hit(hit, "maybe", user=reviewer)
    with pytest.raises(Forbidden):
        mark_hit(hit, "false_positive", user=AnonymousUser())
    hit.refresh_from_db()
    assert hit.status == "open"


def test_console_shows_hits_on_the_demand_page_and_marks_them(
        ofac: Callable[..., Any], receive: Callable[..., Any], reviewer: Any) -> None:
    ofac()
    demand = receive(officials=[{"name": "鄧炳強", "title": "警務處處長"}])
    hit = ScreeningResult.objects.get(demand=demand)
    page = _client(reviewer).get(f"/review/demands/{demand.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="screening"' in html and "TANG, Chris" in html and "鄧炳強" in html
    assert f'action="/sanctions/results/{hit.pk}/mark/"' in html
    response = _client(reviewer).post(f"/sanctions/results/{hit.pk}/mark/",
                                      {"status": "false_positive", "note": "not him"})
    assert response.status_code == 302
    assert response["Location"] == f"/review/demands/{demand.pk}/#screening"
    hit.refresh_from_db()
    assert hit.status == "false_positive" and hit.review_note == "not him"
    detail = _client(reviewer).get(f"/sanctions/demands/{demand.pk}/").content.decode()
    assert "false hit" in detail and "not him" in detail


def test_console_refuses_marking_without_the_decide_permission(
        ofac: Callable[..., Any], receive: Callable[..., Any],
        make_user: Callable[..., Any]) -> None:
    ofac()
    hit = ScreeningResult.objects.get(demand=receive(**TANG_BODY))
    auditor = make_user("auditor@platform.example", staff=True,
                        perms=("demands.view_demand",))
    page = _client(auditor).get(f"/sanctions/demands/{hit.demand_id}/").content.decode()
    assert "TANG, Chris" in page and "/mark/" not in page
    response = _client(auditor).post(f"/sanctions/results/{hit.pk}/mark/",
                                     {"status": "false_positive"}, follow=True)
    assert "needs the permission demands.add_decision" in response.content.decode()
    hit.refresh_from_db()
    assert hit.status == "open" and not FalsePositive.objects.exists()


def test_authority_officers_cannot_use_the_screening_console(
        ofac: Callable[..., Any], receive: Callable[..., Any],
        officer_of: Callable[[Authority], Any], hk_police: Authority) -> None:
    ofac()
    hit = ScreeningResult.objects.get(demand=receive(**TANG_BODY))
    officer = officer_of(hk_police)
    client = _client(officer)
    assert client.get(f"/sanctions/demands/{hit.demand_id}/").status_code == 403
    assert client.get("/sanctions/lists/").status_code == 403
    assert client.post(f"/sanctions/results/{hit.pk}/mark/",
                       {"status": "false_positive"}).status_code == 403
    assert Client().get("/sanctions/lists/").status_code == 302  # to the login page
    hit.refresh_from_db()
    assert hit.status == "open"


def test_lists_page_shows_versions(ofac: Callable[..., Any], reviewer: Any) -> None:
    v1 = ofac().version
    html = _client(reviewer).get("/sanctions/lists/").content.decode()
    assert "us_ofac_sdn" in html and "in force" in html and v1.sha256[:12] in html


def test_closed_demands_keep_the_review_but_are_not_revetted(
        ofac: Callable[..., Any], receive: Callable[..., Any], reviewer: Any) -> None:
    from dueprocess.demands.actions import withdraw_demand

    ofac()
    demand = withdraw_demand(receive(**TANG_BODY), user=None)
    vetted = Demand.objects.get(pk=demand.pk).vetted_at
    mark_hit(ScreeningResult.objects.get(demand=demand), "false_positive", user=reviewer)
    assert Demand.objects.get(pk=demand.pk).vetted_at == vetted
    assert FalsePositive.objects.count() == 1


def test_card_and_lists_page_flag_a_list_published_long_ago(
        ofac: Callable[..., Any], receive: Callable[..., Any], reviewer: Any,
        settings: Any) -> None:
    import datetime

    version = ofac().version
    settings.DUEPROCESS_LIST_MAX_AGE_DAYS = 30
    version.published = datetime.date(2021, 1, 5)
    version.save(update_fields=["published"])
    demand = receive(officials=[{"name": "鄧炳強", "title": "警務處處長"}])
    card = _client(reviewer).get(f"/review/demands/{demand.pk}/").content.decode()
    assert "published 2021-01-05" in card and "load the current list" in card
    lists = _client(reviewer).get("/sanctions/lists/").content.decode()
    assert "2021-01-05" in lists and "days old: load the current list" in lists
    settings.DUEPROCESS_LIST_MAX_AGE_DAYS = 100_000
    card = _client(reviewer).get(f"/review/demands/{demand.pk}/").content.decode()
    assert "published 2021-01-05" in card and "load the current list" not in card
