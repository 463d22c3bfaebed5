"""Least restrictive execution and the effect report: a withholding in the requesting
territory is offered, carried out and recorded distinctly from a global removal, and the
authority is told item by item if and when each was acted on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from dueprocess.demands import actions, scope
from dueprocess.demands.inputs import DecisionsIn
from dueprocess.demands.models import Authority, Demand, Notice
from dueprocess.demo import platform
from dueprocess.demo.models import PlatformAccount, Post, UserMessage
from dueprocess.errors import InvalidInput
from dueprocess.execution.models import StatementOfReasons
from tests.execution.support import comply, receive, reviewed, run_worker

pytestmark = pytest.mark.django_db(transaction=True)

Approve = Callable[..., Demand]


def _sch4_removal(reference: str = "NSD-2020-0715-001") -> dict[str, Any]:
    return {"reference": reference, "instrument": "hk.nsl43.sch4",
            "issued_by": {"name": "LI Kwai-wah", "title": "Assistant Commissioner of Police",
                          "role": "police_senior"},
            "legal_basis": "Implementation Rules for Article 43, Schedule 4, section 3",
            "statement_of_reasons": "Messages likely to constitute an offence endangering "
                                    "national security",
            "asks": [{"kind": "restrict_content", "measure": "remove"}],
            "targets": [{"type": "content", "url": u} for u in platform.HK_PROTEST_POSTS[:2]],
            "received_at": "2020-07-15T02:20:00+00:00"}


def test_withholding_in_the_territory_is_offered_and_done_instead_of_removal(
        seeded: None, hk_police: Authority, reviewer: Any) -> None:
    demand = receive(hk_police, _sch4_removal())
    [offer] = scope.offers(demand)
    assert offer == {"ask": 0, "outcome": "comply_partially", "withhold_in": ["HK"],
                     "message": offer["message"]}

    comply(demand, reviewer, withhold_in=offer["withhold_in"])
    run_worker()
    demand.refresh_from_db()
    assert demand.status == "completed"
    for action in demand.actions.all():
        assert action.kind == "withhold"
        assert action.params == {"territories": ["HK"], "instead_of": "remove"}
        assert action.result["scope"] == "territorial"
    for url in platform.HK_PROTEST_POSTS[:2]:
        post = Post.objects.get(url=url)
        assert post.status == "visible" and post.withheld_in == ["HK"]
        assert post.visible_in("GB") and not post.visible_in("HK")
    assert not StatementOfReasons.objects.filter(demand=demand, in_eea=True).exists()
    letter = Notice.objects.get(demand=demand, kind="effect_report")
    assert "content withheld in HK" in letter.body and "removed" not in letter.body


def test_a_global_removal_is_recorded_as_such(seeded: None, hk_police: Authority,
                                              reviewer: Any) -> None:
    demand = comply(receive(hk_police, _sch4_removal()), reviewer)
    run_worker()
    action = demand.actions.first()
    assert action is not None
    assert (action.kind, action.result["scope"]) == ("remove", "global")
    assert Post.objects.get(url=platform.HK_PROTEST_POSTS[0]).status == "removed"
    statement = StatementOfReasons.objects.filter(demand=demand).first()
    assert statement is not None and statement.in_eea
    assert statement.statement["decision_visibility"] == [
        "DECISION_VISIBILITY_CONTENT_REMOVED"]


def test_a_withholding_cannot_be_wider_than_asked_nor_apply_to_data(
        seeded: None, hk_police: Authority, fbi: Authority, reviewer: Any) -> None:
    body = _sch4_removal()
    body["asks"] = [{"kind": "restrict_content", "measure": "withhold",
                     "territorial_scope": ["HK"]}]
    demand = receive(hk_police, body)
    reviewed(demand, reviewer)
    with pytest.raises(InvalidInput, match="cannot add territories: US"):
        actions.record_decisions(demand, DecisionsIn.model_validate({"decisions": [
            {"ask": 0, "outcome": "comply_partially", "withhold_in": ["HK", "US"]}]}),
            user=reviewer)
    from tests.execution.support import warrant_body

    warrant = receive(fbi, warrant_body())
    with pytest.raises(InvalidInput, match="content and account restrictions only"):
        actions.record_decisions(warrant, DecisionsIn.model_validate({"decisions": [
            {"ask": 0, "outcome": "comply_partially", "withhold_in": ["US"]}]}),
            user=reviewer)


def test_the_effect_report_says_if_and_when_each_item_was_acted_on(
        seeded: None, fbi: Authority, reviewer: Any) -> None:
    from tests.execution.support import warrant_body
    from tests.review.roles import staff_member

    body = warrant_body(
        targets=[{"type": "account", "id": platform.US_SUSPECT},
                 {"type": "content", "url": platform.US_SUSPECT_POSTS[0]}],
        asks=[{"kind": "restrict_content", "measure": "remove"},
              {"kind": "disclose", "data_categories": ["subscriber"]}],
        acknowledged_at="2020-10-05T14:20:00+00:00")
    demand = receive(fbi, body)
    # A warrant cannot compel a removal (a block finding): the legal lead overrides it, on
    # the platform's own terms, and a second person approves.
    actions.record_decisions(demand, DecisionsIn.model_validate({"decisions": [
        {"ask": 0, "outcome": "comply", "reason_codes": ["lawful"]},
        {"ask": 1, "outcome": "reject", "reason_codes": ["overbroad"]}],
        "override": {"findings": ["legal.insufficient_process"],
                     "reason_codes": ["valid_legal_process"],
                     "rationale": "The post breaks the platform's terms; removed on notice."}}),
        user=staff_member("legal_lead"))
    actions.approve_demand(demand, user=reviewer)
    run_worker()
    demand.refresh_from_db()
    letter = Notice.objects.get(demand=demand, kind="effect_report")
    action = demand.actions.get()
    assert action.finished_at is not None and demand.acknowledged_at is not None
    when = f"{action.finished_at:%Y-%m-%d %H:%M}"
    assert f"content removed: {platform.US_SUSPECT_POSTS[0]}: done on {when}" in letter.body
    assert "not acted on (decision: refused)" in letter.body
    assert f"Receipt acknowledged: {demand.acknowledged_at:%Y-%m-%d %H:%M}" in letter.body


def test_the_effect_report_is_in_the_authoritys_language(
        approved: Approve, de_bka: Authority) -> None:
    body = {"reference": "ZMI-2025-03-0042", "instrument": "eu.dsa.art9",
            "issued_by": {"name": "KOK Dr. Anna Berg", "role": "police"},
            "legal_basis": "Art. 9 Regulation (EU) 2022/2065",
            "asks": [{"kind": "restrict_content", "measure": "withhold",
                      "territorial_scope": ["DE"]}],
            "targets": [{"type": "content", "url": platform.DE_HATE_POST}],
            "language": "de", "received_at": "2025-03-11T08:30:00+01:00"}
    demand = approved(body, authority=de_bka)
    run_worker()
    letter = Notice.objects.get(demand=demand, kind="effect_report")
    assert "Im Einzelnen:" in letter.body and "ausgeführt am" in letter.body


def test_a_dsa_removal_limited_to_germany_is_a_withholding_in_germany(
        approved: Approve, de_bka: Authority) -> None:
    body = {"reference": "ZMI-2025-03-0043", "instrument": "eu.dsa.art9",
            "issued_by": {"name": "KOK Dr. Anna Berg", "role": "police"},
            "legal_basis": "Art. 9 Regulation (EU) 2022/2065; § 130 StGB",
            "statement_of_reasons": "Incitement to hatred",
            "redress": "Objection to the Amtsgericht Wiesbaden within one month",
            "asks": [{"kind": "restrict_content", "measure": "remove",
                      "territorial_scope": ["DE"]}],
            "targets": [{"type": "content", "url": platform.DE_HATE_POST}],
            "received_at": "2025-03-11T08:30:00+01:00"}
    demand = approved(body, authority=de_bka)  # "comply": the order itself names DE
    run_worker()
    action = demand.actions.get()
    assert (action.kind, action.params) == ("withhold",
                                            {"territories": ["DE"], "instead_of": "remove"})
    assert action.result["scope"] == "territorial"
    post = Post.objects.get(url=platform.DE_HATE_POST)
    assert post.status == "visible" and post.withheld_in == ["DE"]
    assert post.visible_in("FR") and not post.visible_in("DE")
    row = StatementOfReasons.objects.get(action=action)
    statement = row.statement
    assert statement["territorial_scope"] == ["DE"]
    assert statement["decision_visibility"] == ["DECISION_VISIBILITY_CONTENT_DISABLED"]
    assert "withheld the content item in DE only; it remains available elsewhere" in \
        statement["decision_facts"]
    assert "the order asked for removal" in statement["decision_facts"]
    assert "no more than the order required" not in statement["decision_facts"]
    letter = Notice.objects.get(demand=demand, kind="effect_report")
    assert "content withheld in DE only (still visible elsewhere), instead of the removal " \
           "asked for" in letter.body


def test_an_account_is_withheld_in_the_territory_instead_of_suspended(
        seeded: None, reviewer: Any) -> None:
    court = Authority.objects.create(slug="br-tjsp", name="Tribunal de Justiça de São Paulo",
                                     jurisdiction="BR", kind="court")
    demand = receive(court, {
        "reference": "TJSP-0001", "instrument": "generic.court_order",
        "issued_by": {"name": "Juíza Maria Souza", "role": "judge"},
        "legal_basis": "Marco Civil da Internet", "statement_of_reasons": "Disinformation",
        "asks": [{"kind": "restrict_account", "measure": "suspend"}],
        "targets": [{"type": "account", "id": platform.BR_ACCOUNT}],
        "received_at": "2024-10-01T15:00:00-03:00"})
    # (escalated: the account's data is stored abroad; the proposal is explained all the same)
    assert "withholding the account in BR only" in demand.explanation
    [offer] = scope.offers(demand)
    assert offer["withhold_in"] == ["BR"]
    comply(demand, reviewer, withhold_in=offer["withhold_in"])
    run_worker()
    demand.refresh_from_db()
    assert demand.status == "completed"
    action = demand.actions.get()
    assert (action.kind, action.params) == ("withhold_account",
                                            {"territories": ["BR"], "instead_of": "suspend"})
    account = PlatformAccount.objects.get(handle=platform.BR_ACCOUNT)
    assert account.status == "active" and account.withheld_in == ["BR"]
    letter = Notice.objects.get(demand=demand, kind="effect_report")
    assert "account withheld in BR only (still active elsewhere), instead of the suspension " \
           "asked for" in letter.body
    assert "suspended" not in letter.body
    statement = StatementOfReasons.objects.get(action=action).statement
    assert statement["decision_visibility_other"] == "Account withheld in BR"
    assert "decision_account" not in statement
    user = UserMessage.objects.get(account=account)
    assert "account withheld in BR only" in user.body


def test_the_tally_counts_a_withheld_account_as_withheld(seeded: None, reviewer: Any) -> None:
    from dueprocess.transparency.models import DemandTally, WithheldTally
    from dueprocess.transparency.tally import settle

    court = Authority.objects.create(slug="br-tjsp", name="TJSP", jurisdiction="BR",
                                     kind="court")
    demand = receive(court, {
        "reference": "TJSP-0002", "instrument": "generic.court_order",
        "issued_by": {"name": "Juíza Maria Souza", "role": "judge"},
        "asks": [{"kind": "restrict_account", "measure": "terminate",
                  "territorial_scope": ["BR"]}],
        "targets": [{"type": "account", "id": platform.BR_ACCOUNT}],
        "received_at": "2024-10-01T15:00:00-03:00"})
    comply(demand, reviewer)
    run_worker()
    settle()
    tally = DemandTally.objects.get(demand=demand)
    assert (tally.withheld, tally.terminated) == (1, 0)
    assert list(WithheldTally.objects.filter(demand=demand).values_list(
        "territory", "items")) == [("BR", 1)]
