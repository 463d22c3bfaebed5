"""The rules binding a decision, as a table: findings by human-rights conclusion by screening
state by outcome: allowed, or refused with the rule's code and a message naming it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from dueprocess.demands.invariants import (
    Case,
    Hit,
    Override,
    Proposed,
    check_approval,
    check_decision,
)

A, B, C = 1, 2, 3  # people: A and B decide, C approves
GOOD = Override(findings=frozenset({"policy.route_mlat"}), reason_codes=("valid_legal_process",),
                rationale="The treaty route was tried and the authority answered in time.",
                author=A)
HR_OVERRIDE = Override(human_rights=True, reason_codes=("least_restrictive",),
                       rationale="Counsel found the review rested on a superseded order.",
                       author=A)
COMPLY = Proposed("comply", "restrict_content")
WITHHOLD_HK = Proposed("comply_partially", "restrict_content", withhold_in=("HK",))
WITHHOLD_WIDER = Proposed("comply_partially", "restrict_content", withhold_in=("HK", "US"))
NARROW = Proposed("comply_partially", "disclose", narrows_categories=True)
REJECT = Proposed("reject", "restrict_content")
HOLD = Proposed("hold", "restrict_content")
MLAT = Proposed("route_mlat", "disclose")
BASE = Case(jurisdiction="HK", authors=frozenset({A}))

BLOCK = {"block_findings": frozenset({"policy.route_mlat"})}
NO_HR_REVIEW = {"hr_required": True}
HR_LESS = {"hr_required": True, "hr_conclusion": "proceed_with_alternative",
           "hr_alternatives": frozenset({"withhold_in_territory"})}
HR_LESS_NARROW = {"hr_required": True, "hr_conclusion": "proceed_with_alternative",
                  "hr_alternatives": frozenset({"narrow_categories"})}
HR_STOP = {"hr_required": True, "hr_conclusion": "do_not_proceed"}
HR_GO = {"hr_required": True, "hr_conclusion": "proceed"}
OPEN = {"hits": (Hit("open", label="TANG, Ping-keung (us_ofac_sdn 29242)"),)}
CONFIRMED = {"hits": (Hit("confirmed", label="LEE, John (us_ofac_sdn 29250)"),)}
SIGNED = {"hits": (Hit("confirmed", signed_off=True),)}
FALSE = {"hits": (Hit("false_positive"),)}

# (case, decisions, override, decide → code or None, approve by C → code or None,
#  message fragment of the first refusal)
ROWS = [
    ("clean comply", {}, (COMPLY,), (), None, None, ""),
    ("block, no override", BLOCK, (COMPLY,), (), "override_required", "override_required",
     "policy.route_mlat"),
    ("block, override", BLOCK, (COMPLY,), (GOOD,), None, None, ""),
    ("block, reject needs nothing", BLOCK, (REJECT,), (), None, None, ""),
    ("block, MLAT needs nothing", BLOCK, (MLAT,), (), None, None, ""),
    ("override without reasons", BLOCK, (COMPLY,), (replace(GOOD, reason_codes=()),),
     "override_invalid", "override_invalid", "reason code"),
    ("override rationale 'ok'", BLOCK, (COMPLY,), (replace(GOOD, rationale="ok"),),
     "override_invalid", "override_invalid", "at least 20 characters"),
    ("override of other finding", BLOCK, (COMPLY,),
     (replace(GOOD, findings=frozenset({"legal.other"})),), "override_required",
     "override_required", "policy.route_mlat"),
    ("open hit, comply", OPEN, (COMPLY,), (), "screening_unresolved", "screening_unresolved",
     "TANG"),
    ("open hit, withhold", OPEN, (WITHHOLD_HK,), (), "screening_unresolved",
     "screening_unresolved", "still to review"),
    ("open hit, reject", OPEN, (REJECT,), (), None, None, ""),
    ("open hit, hold", OPEN, (HOLD,), (), None, None, ""),
    ("confirmed hit, unsigned", CONFIRMED, (COMPLY,), (), None, "sanctions_signoff_required",
     "sanctions counsel"),
    ("confirmed hit, signed", SIGNED, (COMPLY,), (), None, None, ""),
    ("false hit", FALSE, (COMPLY,), (), None, None, ""),
    ("no HR review yet", NO_HR_REVIEW, (COMPLY,), (), "human_rights_review_required",
     "human_rights_review_required", "human-rights review is required"),
    ("no HR review, reject", NO_HR_REVIEW, (REJECT,), (), None, None, ""),
    ("HR proceed", HR_GO, (COMPLY,), (), None, None, ""),
    ("HR less restrictive, remove worldwide", HR_LESS, (COMPLY,), (), "human_rights_limits",
     "human_rights_limits", "withholding in HK only"),
    ("HR less restrictive, withhold in HK", HR_LESS, (WITHHOLD_HK,), (), None, None, ""),
    ("HR less restrictive, withhold wider", HR_LESS, (WITHHOLD_WIDER,), (),
     "human_rights_limits", "human_rights_limits", "less restrictive"),
    ("HR less restrictive, refuse", HR_LESS, (REJECT,), (), None, None, ""),
    ("HR less restrictive, narrowing not named", HR_LESS, (NARROW,), (),
     "human_rights_limits", "human_rights_limits", "less restrictive"),
    ("HR less restrictive, narrowing named", HR_LESS_NARROW, (NARROW,), (), None, None, ""),
    ("HR do not proceed, comply", HR_STOP, (WITHHOLD_HK,), (), "human_rights_limits",
     "human_rights_limits", "concluded not to proceed"),
    ("HR do not proceed, hold", HR_STOP, (HOLD,), (), None, None, ""),
    ("HR do not proceed, overridden", HR_STOP, (COMPLY,), (HR_OVERRIDE,), None, None, ""),
    ("HR less restrictive, overridden", HR_LESS, (COMPLY,), (HR_OVERRIDE,), None, None, ""),
    ("block and open hit", {**BLOCK, **OPEN}, (COMPLY,), (GOOD,), "screening_unresolved",
     "screening_unresolved", "sanctions hit"),
]


# Each refusal's message opens with the rule's name as docs/reviewers.md states it.
RULE_NAMES = {"override_required": "override required", "override_invalid": "override:",
              "screening_unresolved": "screening unresolved",
              "sanctions_signoff_required": "sanctions sign-off required",
              "human_rights_review_required": "human-rights review required",
              "human_rights_limits": "human-rights limits"}


@pytest.mark.parametrize(("name", "facts", "decisions", "overrides", "on_decide",
                          "on_approve", "says"), ROWS, ids=[r[0] for r in ROWS])
def test_the_table(name: str, facts: dict[str, object], decisions: tuple[Proposed, ...],
                   overrides: tuple[Override, ...], on_decide: str | None,
                   on_approve: str | None, says: str) -> None:
    case = replace(BASE, decisions=decisions, overrides=overrides, **facts)  # type: ignore[arg-type]
    decided = check_decision(case)
    approved = check_approval(case, C, second_person=True)
    assert (decided.code if decided else None) == on_decide
    assert (approved.code if approved else None) == on_approve
    first = decided or approved
    if first is not None:
        assert says in first.message
        assert first.message.startswith(RULE_NAMES[first.code])


FOUR_EYES = [
    # (four-eyes policy, overrides, authors, approver, second person?) → refused?
    ("policy, approver decided", True, (), {A, B}, A, True, True),
    ("policy, approver added a target decision", True, (), {A, B}, B, True, True),
    ("policy, a third person", True, (), {A, B}, C, True, False),
    ("override, no policy, decider approves own", False, (GOOD,), {A}, A, False, True),
    ("override, no policy, second person", False, (GOOD,), {A}, C, True, False),
    ("override author approves", False, (replace(GOOD, author=C),), {A, C}, C, True, True),
    ("no policy, no override: the decision approves itself", False, (), {A}, A, False, False),
]


@pytest.mark.parametrize(("name", "policy", "overrides", "authors", "approver", "second",
                          "refused"), FOUR_EYES, ids=[r[0] for r in FOUR_EYES])
def test_four_eyes(name: str, policy: bool, overrides: tuple[Override, ...], authors: set[int],
                   approver: int, second: bool, refused: bool) -> None:
    case = replace(BASE, four_eyes_policy=policy, overrides=overrides,
                   authors=frozenset(authors), decisions=(COMPLY,),
                   block_findings=frozenset({"policy.route_mlat"}) if overrides else frozenset())
    result = check_approval(case, approver, second_person=second)
    assert (result is not None) == refused
    if refused:
        assert result is not None and result.code == "four_eyes" and result.status == 403
        assert "four-eyes" in result.message
