"""Random sequences of deciding, adding decisions, overriding, approving, sending back,
human-rights reviews, screening resolutions and sign-offs, by several people, through the
real actions: no sequence reaches approval while a rule that binds the decision is broken.

The checks below read the rows directly rather than through the rule module, so they test
what was approved, not the module against itself.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule, run_state_machine_as_test

from dueprocess.accounts.roles import grant_role
from dueprocess.demands.actions import approve_demand, receive_demand, record_decisions
from dueprocess.demands.inputs import DecisionsIn, DemandIn
from dueprocess.demands.models import Authority, Decision, Demand, Policy, PolicyEffect, Status
from dueprocess.errors import DomainError
from dueprocess.review.actions import record_human_rights_review, send_back
from dueprocess.review.gates import current_review, human_rights_triggers
from dueprocess.review.models import Override
from dueprocess.sanctions.actions import mark_hit, sign_off_hit
from dueprocess.sanctions.models import HitSignoff, ScreeningResult
from tests.review.roles import staff_member
from tests.sanctions.conftest import hk_body

pytestmark = pytest.mark.django_db

PEOPLE = {"ann": "legal_reviewer", "ben": "legal_reviewer", "lea": "legal_lead",
          "ada": "approver", "abe": "approver", "cat": "sanctions_counsel",
          "hal": "human_rights_reviewer"}
DECIDERS = ("ann", "ben", "lea", "lea")  # the lead more often: overrides need one
CONTENT = "https://demo.social/p/4410"
APPROVED = (Status.APPROVED, Status.EXECUTING, Status.COMPLETED)
RATIONALE = "Counsel reviewed the order and the licence; the exception is documented."


def _decision(outcome: str, withhold: tuple[str, ...], on_target: bool) -> dict[str, Any]:
    d: dict[str, Any] = {"ask": 0, "outcome": outcome, "reason_codes": ["valid_legal_process"]}
    if outcome == "comply_partially":
        d["withhold_in"] = list(withhold)
    if on_target:
        d["target"] = CONTENT
    return d


def binding_holds(demand: Demand) -> None:
    """What must be true of any demand that reached approval with a complying decision."""
    current = list(Decision.objects.filter(demand=demand, superseded=False))
    complying = [d for d in current if d.outcome in ("comply", "comply_partially")]
    if not complying:
        return
    overrides = list(Override.objects.filter(demand=demand, superseded_at__isnull=True))
    covered = {code for o in overrides for code in o.findings}
    blocks = set(demand.findings.current().filter(severity="block")
                 .values_list("code", flat=True))
    assert blocks <= covered, f"block findings {blocks - covered} not overridden"
    for o in overrides:
        assert o.reason_codes and len(o.rationale) >= 20
    hits = ScreeningResult.objects.filter(demand=demand, cleared_at__isnull=True)
    assert not hits.filter(status="open").exists(), "approved with an open screening hit"
    for h in hits.filter(status="confirmed"):
        assert HitSignoff.objects.filter(result=h, signed_at__gte=h.reviewed_at).exists(), \
            "approved with a confirmed hit counsel did not sign off"
    authors = {d.decided_by_id for d in current} | {o.author_id for o in overrides}
    if overrides or demand.findings.current().filter(code="policy.four_eyes").exists():
        assert demand.approved_by_id is not None and demand.approved_by_id not in authors, \
            "approved by an author of a current decision"
    if human_rights_triggers(demand) and not any(o.human_rights for o in overrides):
        review = current_review(demand)
        assert review is not None, "complied without the required human-rights review"
        assert review.conclusion != "do_not_proceed"
        if review.conclusion == "proceed_with_alternative":
            for d in complying:
                assert (d.narrowed or {}).get("territorial_scope") == [demand.jurisdiction], \
                    "went beyond 'less restrictive only'"


def test_no_sequence_reaches_approval_breaking_a_rule(
        ofac: Callable[..., Any], hk_police: Authority) -> None:
    ofac()
    users = {name: staff_member(role, f"{name}@platform.example")
             for name, role in PEOPLE.items()}
    grant_role(users["ann"], "approver")  # deciders who may also approve: the tempting case
    grant_role(users["lea"], "approver")
    reached: list[int] = []

    class Binding(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.savepoint = transaction.atomic()
            self.savepoint.__enter__()
            self.demand: Demand | None = None

        def teardown(self) -> None:
            transaction.set_rollback(True)
            self.savepoint.__exit__(None, None, None)

        @initialize(listed=st.booleans(), four_eyes=st.booleans(),
                    reviewed=st.sampled_from([None, "proceed", "proceed_with_alternative",
                                              "do_not_proceed"]))
        def receive(self, listed: bool, four_eyes: bool, reviewed: str | None) -> None:
            if four_eyes:
                Policy.objects.create(name="HK four-eyes", effect=PolicyEffect.FOUR_EYES,
                                      jurisdiction="HK", valid_from=date(2000, 1, 1))
            issuer = ({"name": "TANG Ping-keung", "title": "Commissioner of Police",
                       "role": "police_senior"} if listed else
                      {"name": "WONG Siu-ming", "title": "Chief Superintendent",
                       "role": "police_senior"})
            body = hk_body(issued_by=issuer, asks=[{"kind": "restrict_content",
                                                    "measure": "remove"}],
                           targets=[{"type": "content", "url": CONTENT}])
            self.demand = receive_demand(DemandIn.model_validate(body), authority=hk_police,
                                         requester=None, user=None)
            if reviewed is not None:
                self.review(reviewed)

        def _fresh(self) -> Demand:
            assert self.demand is not None
            return Demand.objects.select_related("authority").get(pk=self.demand.pk)

        def _step(self, step: Callable[[], Any]) -> None:
            """Run one step; if it is the one that approved the demand, check the rules as
            they stood at that moment (later steps, e.g. a new review, do not undo it)."""
            before = self._fresh().status
            with contextlib.suppress(DomainError):  # refused: what matters is what gets through
                step()
            demand = self._fresh()
            if demand.status in APPROVED and before not in APPROVED:
                binding_holds(demand)
                if Decision.objects.filter(demand=demand, superseded=False,
                                           outcome__in=("comply", "comply_partially")).exists():
                    reached.append(demand.pk)

        @rule(who=st.sampled_from(DECIDERS),
              outcome=st.sampled_from(["comply", "comply_partially", "comply_partially",
                                       "reject", "hold"]),
              withhold=st.sampled_from([("HK",), ("HK", "US")]), on_target=st.booleans(),
              override=st.sampled_from(["none", "blocks", "blocks", "blocks_and_rights",
                                        "bare"]))
        def decide(self, who: str, outcome: str, withhold: tuple[str, ...], on_target: bool,
                   override: str) -> None:
            demand = self._fresh()
            data: dict[str, Any] = {"decisions": [_decision(outcome, withhold, on_target)]}
            blocks = sorted(set(demand.findings.current().filter(severity="block")
                                .values_list("code", flat=True)))
            if override == "blocks" and not blocks:
                override = "none"  # nothing to override: a plain decision
            if override != "none":
                data["override"] = {
                    "findings": blocks, "human_rights": override == "blocks_and_rights",
                    "reason_codes": [] if override == "bare" else ["valid_legal_process"],
                    "rationale": "ok" if override == "bare" else RATIONALE}
            self._step(lambda: record_decisions(demand, DecisionsIn.model_validate(data),
                                                user=users[who]))

        @rule(who=st.sampled_from(DECIDERS), on_target=st.booleans())
        def comply_as_allowed(self, who: str, on_target: bool) -> None:
            """Withhold in the issuing territory, overriding what the demand's state asks
            to: the decision a careful reviewer would make, so approvals do happen."""
            demand = self._fresh()
            blocks = sorted(set(demand.findings.current().filter(severity="block")
                                .values_list("code", flat=True)))
            review = current_review(demand)
            against_review = review is not None and review.conclusion == "do_not_proceed"
            data: dict[str, Any] = {"decisions": [_decision("comply_partially", ("HK",),
                                                            on_target)]}
            if blocks or against_review:
                data["override"] = {"findings": blocks, "human_rights": against_review,
                                    "reason_codes": ["valid_legal_process"],
                                    "rationale": RATIONALE}
            self._step(lambda: record_decisions(demand, DecisionsIn.model_validate(data),
                                                user=users[who]))

        @rule(who=st.sampled_from([*sorted(PEOPLE), "ada", "abe"]))  # approvers more often
        def approve(self, who: str) -> None:
            self._step(lambda: approve_demand(self._fresh(), user=users[who]))

        @rule(who=st.sampled_from(["ada", "abe"]))
        def send_back(self, who: str) -> None:
            self._step(lambda: send_back(self._fresh(), "Please look again.", user=users[who]))

        @rule(conclusion=st.sampled_from(["proceed", "proceed_with_alternative",
                                          "do_not_proceed"]))
        def review(self, conclusion: str) -> None:
            self._step(lambda: record_human_rights_review(self._fresh(), {
                "legality": "unclear", "necessity": "met", "proportionality": "unclear",
                "alternatives": ["withhold_in_territory"], "conclusion": conclusion,
                "rationale": "Assessed against the ICCPR article 19 test."}, user=users["hal"]))

        @rule(status=st.sampled_from(["confirmed", "false_positive"]))
        def resolve_hit(self, status: str) -> None:
            hit = ScreeningResult.objects.filter(demand=self._fresh(),
                                                 cleared_at__isnull=True).first()
            if hit is not None:
                self._step(lambda: mark_hit(hit, status, user=users["ann"]))

        @rule(who=st.sampled_from(["cat", "ann"]))
        def sign_off(self, who: str) -> None:
            hit = ScreeningResult.objects.filter(demand=self._fresh(),
                                                 cleared_at__isnull=True).first()
            if hit is not None:
                self._step(lambda: sign_off_hit(hit, user=users[who],
                                                note="Licence GL-HK-7 covers this."))

    run_state_machine_as_test(Binding, settings=settings(
        max_examples=int(os.environ.get("BINDING_EXAMPLES", "60")), stateful_step_count=16,
        deadline=None, derandomize=True,
        phases=(Phase.explicit, Phase.generate),  # a failure prints its steps unshrunk
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
    # Not vacuous: some sequences did get a complying decision approved.
    assert reached
