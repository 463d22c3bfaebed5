"""An authority's own token citing another jurisdiction's instrument is refused; staff
recording the same demand keep it with a finding; cross-border instruments stay open."""

from __future__ import annotations

from typing import Any

import pytest

from dueprocess.audit.models import AuditEvent
from dueprocess.demands.models import Authority, Demand
from tests.conftest import sch4_disclose, us_warrant

pytestmark = pytest.mark.django_db


def _officer_body(**extra: Any) -> dict[str, Any]:
    body = us_warrant(**extra)
    del body["authority"], body["received_at"]
    return body


def test_an_officer_citing_hong_kong_law_for_the_fbi_is_refused_and_nothing_is_made(
        api_as: Any, officer_of: Any, fbi: Authority) -> None:
    api = api_as(officer_of(fbi))
    r = api.post("/demands", _officer_body(instrument="hk.nsl43.sch4"))
    assert r.status_code == 403, r.content
    error = r.json()["error"]
    assert error["code"] == "foreign_instrument"
    assert error["field"] == "instrument"
    assert "hk.nsl43.sch4" in error["message"] and "HK" in error["message"]
    assert Demand.objects.count() == 0
    assert not AuditEvent.objects.filter(verb="demand.received").exists()


def test_staff_recording_it_for_the_authority_keep_it_with_the_finding(
        api_as: Any, reviewer: Any, fbi: Authority) -> None:
    r = api_as(reviewer).post("/demands", us_warrant(instrument="hk.nsl43.sch4"))
    assert r.status_code == 201, r.content
    codes = [f["code"] for f in r.json()["findings"]]
    assert "legal.statute_mismatch" in codes


@pytest.mark.parametrize("instrument", ["intl.mlat", "coe.budapest.art29",
                                        "generic.court_order"])
def test_cross_border_and_generic_instruments_stay_open_to_every_authority(
        api_as: Any, officer_of: Any, fbi: Authority, instrument: str) -> None:
    r = api_as(officer_of(fbi)).post("/demands", _officer_body(instrument=instrument))
    assert r.status_code == 201, r.content


@pytest.mark.parametrize("instrument, accepted", [
    ("eu.tco.art3", True), ("eu.evidence.epoc", True), ("eu.eio", True),
    ("de.stpo.100j", True), ("fr.cpp.requisition", False), ("us.ecpa.warrant", False)])
def test_a_member_state_authority_uses_eu_law_and_its_own_but_not_a_neighbours(
        api_as: Any, officer_of: Any, instrument: str, accepted: bool) -> None:
    bka = Authority.objects.create(slug="bka", name="Bundeskriminalamt", jurisdiction="DE",
                                   kind="police", domains=["bka.de"])
    r = api_as(officer_of(bka)).post("/demands", _officer_body(instrument=instrument,
                                                               offences=[]))
    assert (r.status_code == 201) is accepted, r.content
    if not accepted:
        assert r.json()["error"]["code"] == "foreign_instrument"


def test_an_instrument_the_library_does_not_know_is_left_to_vetting(
        api_as: Any, officer_of: Any, fbi: Authority) -> None:
    r = api_as(officer_of(fbi)).post("/demands", _officer_body(instrument="us.made.up"))
    assert r.status_code == 201
    assert "legal.unknown_instrument" in [f["code"] for f in r.json()["findings"]]


def test_a_hong_kong_officer_may_not_cite_us_law_either(
        api_as: Any, officer_of: Any, hk_police: Authority) -> None:
    body = sch4_disclose("2020-07-20T09:00:00Z", instrument="us.ecpa.subpoena")
    del body["authority"], body["received_at"]
    r = api_as(officer_of(hk_police)).post("/demands", body)
    assert r.status_code == 403 and r.json()["error"]["code"] == "foreign_instrument"
