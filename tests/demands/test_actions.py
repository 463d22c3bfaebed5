"""State changes: legal transitions only, each with its audit event, all or nothing."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest

from dueprocess.audit.chain import verify
from dueprocess.audit.models import AuditEvent
from dueprocess.demands import actions
from dueprocess.demands.inputs import DecisionsIn, DemandIn
from dueprocess.demands.models import Demand, Policy
from dueprocess.errors import Conflict, Forbidden, InvalidInput
from tests.conftest import sch4_disclose, us_warrant

pytestmark = pytest.mark.django_db


def receive(authority: Any, body: dict[str, Any]) -> Demand:
    data = DemandIn.model_validate(body)
    return actions.receive_demand(data, authority=authority, requester=None, user=None,
                                  received_at=data.received_at)


def decide(demand: Demand, user: Any, **decision: Any) -> Demand:
    return actions.record_decisions(
        demand, DecisionsIn.model_validate({"decisions": [{"ask": 0, **decision}]}), user=user)


def verbs(demand: Demand) -> list[str]:
    return list(AuditEvent.objects.filter(demand_id=demand.pk).values_list("verb", flat=True))


def test_intake_records_receipt_vetting_routing_and_acknowledgement(fbi: Any) -> None:
    body = us_warrant()
    del body["received_at"]  # arriving now, not imported
    demand = receive(fbi, body)
    assert demand.status == "in_review"
    assert demand.acknowledged_at == demand.notices.get().sent_at
    # no address on a verified domain to e-mail the acknowledgement to: recorded as such
    assert verbs(demand) == ["demand.received", "demand.vetted", "demand.status_changed",
                             "notice.sent", "letter.email_skipped"]
    assert demand.notices.get().kind == "acknowledgement"


def test_a_failure_during_intake_leaves_nothing_behind(fbi: Any) -> None:
    # crash after the receipt was written to the audit chain, before the findings
    with mock.patch("dueprocess.demands.actions._store_vetting",
                    side_effect=RuntimeError("crash")), \
            pytest.raises(RuntimeError):
        receive(fbi, us_warrant())
    assert Demand.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_a_decision_on_a_closed_demand_is_a_conflict_and_changes_nothing(
        fbi: Any, reviewer: Any) -> None:
    demand = receive(fbi, us_warrant())
    actions.withdraw_demand(demand, user=None, reason="no longer needed")
    before = AuditEvent.objects.count()
    with pytest.raises(Conflict):
        decide(demand, reviewer, outcome="comply")
    assert Demand.objects.get(pk=demand.pk).status == "withdrawn"
    assert AuditEvent.objects.count() == before
    assert not Demand.objects.get(pk=demand.pk).decisions.exists()


def test_narrowing_may_not_widen(fbi: Any, reviewer: Any) -> None:
    demand = receive(fbi, us_warrant())
    with pytest.raises(InvalidInput) as err:
        decide(demand, reviewer, outcome="comply_partially", date_from="2019-01-01")
    assert err.value.field == "decisions.0.date_from"
    with pytest.raises(InvalidInput):
        decide(demand, reviewer, outcome="comply_partially", data_categories=["traffic"])
    assert not demand.decisions.exists()


def test_partial_compliance_exports_only_the_narrowed_categories(fbi: Any,
                                                                 reviewer: Any) -> None:
    demand = receive(fbi, us_warrant())
    with mock.patch("dueprocess.execution.tasks.enqueue_demand_actions"):
        decide(demand, reviewer, outcome="comply_partially", data_categories=["subscriber"],
               date_from="2020-06-01")
    action = demand.actions.get()
    assert action.kind == "export"
    assert action.params["categories"] == ["subscriber"]
    assert action.params["date_from"] == "2020-06-01"
    assert action.params["date_to"] == "2020-09-30"


def test_rejection_sends_a_refusal_and_closes(fbi: Any, reviewer: Any) -> None:
    demand = receive(fbi, us_warrant())
    decide(demand, reviewer, outcome="reject", reason_codes=["insufficient_process"])
    demand.refresh_from_db()
    assert demand.status == "rejected"
    assert demand.notices.filter(kind="refusal").exists()
    assert not demand.actions.exists()


def test_four_eyes_needs_a_second_person(fbi: Any, reviewer: Any, approver: Any) -> None:
    Policy.objects.create(name="US four eyes", effect="four_eyes", jurisdiction="US",
                          valid_from="2020-01-01")
    refused = receive(fbi, us_warrant(reference="R1"))
    decide(refused, reviewer, outcome="reject")  # a refusal needs no second approver
    assert Demand.objects.get(pk=refused.pk).status == "rejected"

    demand = receive(fbi, us_warrant(reference="R2"))
    with mock.patch("dueprocess.execution.tasks.enqueue_demand_actions"):
        decide(demand, reviewer, outcome="comply")
        demand.refresh_from_db()
        assert demand.status == "in_review" and demand.awaiting_approval
        with pytest.raises(Forbidden):
            actions.approve_demand(demand, user=reviewer)
        actions.approve_demand(demand, user=approver)
    demand.refresh_from_db()
    assert demand.status == "executing"
    assert demand.approved_by == approver
    assert demand.actions.get().kind == "export"


def test_four_eyes_follows_the_policys_instruments_and_condition(
        fbi: Any, reviewer: Any) -> None:
    Policy.objects.create(name="Subpoenas twice", effect="four_eyes", jurisdiction="US",
                          instruments=["us.ecpa.subpoena"], valid_from="2020-01-01")
    Policy.objects.create(name="Big warrants twice", effect="four_eyes", jurisdiction="US",
                          condition="targets > 5", valid_from="2020-01-01")
    demand = receive(fbi, us_warrant(reference="R3"))  # a warrant naming one account
    assert not demand.findings.current().filter(code="policy.four_eyes").exists()
    with mock.patch("dueprocess.execution.tasks.enqueue_demand_actions"):
        decide(demand, reviewer, outcome="comply")
    demand.refresh_from_db()
    assert demand.status == "executing" and not demand.awaiting_approval


def test_a_new_policy_revets_open_demands_with_the_law_of_their_time(
        hk_police: Any) -> None:
    demand = receive(hk_police, sch4_disclose("2020-07-20T09:00:00+08:00"))
    assert demand.recommendation != "hold"
    Policy.objects.create(name="Pause HK", effect="pause", jurisdiction="HK",
                          ask_kinds=["disclose"], valid_from="2020-07-06")
    assert actions.revet_open_demands() == 1
    demand.refresh_from_db()
    assert demand.recommendation == "hold"
    assert demand.findings.filter(code="policy.jurisdiction_paused").exists()
    history = AuditEvent.objects.filter(demand_id=demand.pk, verb="demand.vetted")
    assert history.count() == 2
    assert verify().ok


def test_illegal_transition_table_is_enforced(fbi: Any) -> None:
    demand = receive(fbi, us_warrant())
    with pytest.raises(Conflict):
        actions._transition(demand, "completed", "test")
