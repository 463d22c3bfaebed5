"""The decisions on the portal's demand page: per ask and target, as the API shows them to
the authority, never the reviewers' rationale."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from dueprocess.demands import actions
from dueprocess.demands.inputs import DecisionsIn
from dueprocess.demands.models import Authority
from tests.intake.conftest import receive

pytestmark = pytest.mark.django_db


def _rows(html: str) -> list[str]:
    import re

    section = html[html.index('id="decisions"'):]
    section = section[:section.index("</section>")]
    return [re.sub(r"<[^>]+>", "", r).strip()
            for r in re.findall(r'<tr class="outcome-[^"]+">(.*?)</tr>', section)]


def test_each_ask_and_target_shows_its_decision_without_the_rationale(
        portal: Client, officer: Any, fbi: Authority, reviewer: Any) -> None:
    demand = receive(fbi, {
        "reference": "CO-7", "instrument": "generic.court_order",
        "issued_by": {"name": "Hon. Jane Doe", "title": "Judge", "role": "court"},
        "asks": [{"kind": "restrict_account", "measure": "suspend"}],
        "targets": [{"type": "account", "id": "first_account"},
                    {"type": "account", "id": "second_account"}]},
        requester=officer.requester, channel="portal")
    page = portal.get(f"/portal/demands/{demand.pk}/").content.decode()
    assert "No decision yet." in page

    actions.record_decisions(demand, DecisionsIn.model_validate({"decisions": [
        {"ask": 0, "target": "first_account", "outcome": "comply_partially",
         "withhold_in": ["US"], "reason_codes": ["least_restrictive"],
         "rationale": "Internal: the account is a journalist's backup"},
        {"ask": 0, "target": "second_account", "outcome": "reject",
         "reason_codes": ["overbroad"], "rationale": "Internal: no link to the offence"},
    ]}), user=reviewer)
    page = portal.get(f"/portal/demands/{demand.pk}/").content.decode()
    rows = _rows(page)
    assert any("first_account" in r and "Partially complied: withheld in US" in r
               and "A less restrictive measure suffices" in r for r in rows), rows
    assert any("second_account" in r and "Refused" in r and "Overbroad" in r
               for r in rows), rows
    assert all("restrict_account" in r for r in rows)
    assert "Internal:" not in page  # the rationale stays the platform's


def test_the_page_and_the_api_show_the_same_decisions(
        portal: Client, officer: Any, fbi: Authority, reviewer: Any) -> None:
    from dueprocess.intake.api import demand_out
    from dueprocess.intake.portal import decision_rows

    demand = receive(fbi, {
        "reference": "CO-8", "instrument": "generic.court_order",
        "issued_by": {"name": "Hon. Jane Doe", "title": "Judge", "role": "court"},
        "asks": [{"kind": "restrict_account", "measure": "suspend"}],
        "targets": [{"type": "account", "id": "only_account"}]},
        requester=officer.requester, channel="portal")
    actions.record_decisions(demand, DecisionsIn.model_validate({"decisions": [
        {"ask": 0, "outcome": "reject", "reason_codes": ["overbroad"],
         "rationale": "secret"}]}), user=reviewer)
    api = demand_out(demand, staff=False).decisions
    rows = decision_rows(demand, list(demand.asks.all()))
    assert [(r["target"], r["outcome"]) for r in rows] == [
        ("every target", d.outcome) for d in api]
    assert api[0].rationale is None
