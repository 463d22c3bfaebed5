"""The rules that bind a decision to the findings, the human-rights review and screening.

One pure function per moment: :func:`check_decision` when decisions are recorded,
:func:`check_approval` when they are approved and again when execution is planned (a hit or a
block finding that appeared after the decision still stops it). They take plain data, so a
table test can list every case, and they return a :class:`Refusal` with a stable code and a
message that names the rule; the action layer turns a refusal into a domain error.

The invariants (stated for reviewers in ``docs/reviewers.md``):

1. ``four_eyes``: nobody approves decisions they authored; every author of a current
   decision (and of a current override) is excluded.
2. ``override_required``: complying while a current finding is a ``block`` needs an override
   that names that finding, with reason codes and a real rationale; an override always
   needs a second person's approval.
3. ``screening_unresolved``: complying, and approving, are refused while a screening hit on
   the demand is open; ``sanctions_signoff_required``: a hit confirmed true needs the
   sign-off of sanctions counsel before complying is approved.
4. ``human_rights_review_required`` / ``human_rights_limits``: where a review is required,
   complying waits for it; its conclusion limits the outcomes (*do not proceed*: nothing
   complies; *proceed only with a less restrictive alternative*: only the alternatives it
   names, and withholding in the issuing territory only). Going beyond the conclusion needs
   an override that says so.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field

from dueprocess.errors import declare_codes

declare_codes("override_invalid", "human_rights_review_required", "human_rights_limits",
              "override_required", "screening_unresolved", "sanctions_signoff_required",
              "four_eyes")

COMPLYING = frozenset({"comply", "comply_partially"})
MIN_RATIONALE = 20
"""An override's rationale is read by the approver and the auditor: "ok" does not explain."""

PROCEED = "proceed"
PROCEED_WITH_ALTERNATIVE = "proceed_with_alternative"
DO_NOT_PROCEED = "do_not_proceed"


@dataclass(frozen=True)
class Proposed:
    """One decision as it would stand: its outcome and how it narrows the ask."""

    outcome: str
    ask_kind: str = "disclose"
    withhold_in: tuple[str, ...] = ()
    narrows_categories: bool = False
    narrows_dates: bool = False

    @property
    def complies(self) -> bool:
        return self.outcome in COMPLYING


@dataclass(frozen=True)
class Hit:
    """A current screening hit on a name of the demand."""

    status: str  # open | confirmed | false_positive
    signed_off: bool = False
    label: str = ""


@dataclass(frozen=True)
class Override:
    """A reviewer's recorded choice to decide against block findings or the review."""

    findings: frozenset[str] = frozenset()
    human_rights: bool = False
    reason_codes: tuple[str, ...] = ()
    rationale: str = ""
    author: int | None = None


@dataclass(frozen=True)
class Case:
    """What the rules need to know about a demand, as plain data."""

    jurisdiction: str = ""
    block_findings: frozenset[str] = frozenset()
    hr_required: bool = False
    hr_conclusion: str | None = None  # None: no current review
    hr_alternatives: frozenset[str] = frozenset()
    hits: tuple[Hit, ...] = ()
    four_eyes_policy: bool = False
    decisions: tuple[Proposed, ...] = ()
    overrides: tuple[Override, ...] = ()
    authors: frozenset[int] = field(default_factory=frozenset)


def gettext_noop(message: str) -> str:
    """Marks a message for the catalogues without Django; the action layer translates it."""
    return message


@dataclass(frozen=True)
class Refusal:
    """``template`` is the English message with ``%(name)s`` placeholders filled from
    ``params``: the action layer shows it translated, :attr:`message` is the English."""

    code: str
    template: str
    status: int = 409
    field: str | None = None
    params: dict[str, str | int] = dataclasses.field(default_factory=dict)

    @property
    def message(self) -> str:
        return self.template % self.params


def override_problem(override: Override) -> Refusal | None:
    """An override must say what it overrides, why (reason codes) and explain it."""
    if not override.findings and not override.human_rights:
        return Refusal("override_invalid", gettext_noop(
            "override: name the block findings it overrides or that it overrides the "
            "human-rights conclusion"), 422,
                       "override.findings")
    if not override.reason_codes:
        return Refusal("override_invalid", gettext_noop("override: give at least one reason code"),
                       422, "override.reason_codes")
    text = " ".join(override.rationale.split())
    if len(text) < MIN_RATIONALE or len(set(text.casefold()) - set(" .!")) < 5:
        return Refusal("override_invalid", gettext_noop(
            "override: the rationale must explain the override in at least %(minimum)s "
            "characters"), 422, "override.rationale", {"minimum": MIN_RATIONALE})
    return None


def _overridden(case: Case) -> tuple[frozenset[str], bool]:
    codes: set[str] = set()
    hr = False
    for o in case.overrides:
        codes |= o.findings
        hr = hr or o.human_rights
    return frozenset(codes), hr


def needs_four_eyes(case: Case) -> bool:
    """A four-eyes policy, or any current override, makes approval a second person's."""
    return case.four_eyes_policy or bool(case.overrides)


def _allowed_by_alternative(d: Proposed, case: Case) -> bool:
    """Less restrictive only: withholding in the issuing territory, or what the review named."""
    if d.withhold_in:
        return bool(case.jurisdiction) and set(d.withhold_in) == {case.jurisdiction}
    if d.outcome != "comply_partially":
        return d.outcome == "comply" and d.ask_kind == "preserve" and (
            "preserve_only" in case.hr_alternatives)
    if d.narrows_categories and "narrow_categories" in case.hr_alternatives:
        return True
    return d.narrows_dates and "narrow_dates" in case.hr_alternatives


def _human_rights(case: Case) -> Refusal | None:
    complying = [d for d in case.decisions if d.complies]
    if not complying or not case.hr_required:
        return None
    if case.hr_conclusion is None:
        return Refusal("human_rights_review_required", gettext_noop(
            "human-rights review required: a human-rights review is required before complying "
            "with this demand"))
    _codes, hr_overridden = _overridden(case)
    if hr_overridden or case.hr_conclusion == PROCEED:
        return None
    if case.hr_conclusion == DO_NOT_PROCEED:
        return Refusal("human_rights_limits", gettext_noop(
            "human-rights limits: the review concluded not to proceed, so only refusing, "
            "holding or referring to MLAT is allowed (or an override of the conclusion)"))
    if all(_allowed_by_alternative(d, case) for d in complying):
        return None
    if not case.jurisdiction:
        return Refusal("human_rights_limits", gettext_noop(
            "human-rights limits: the review allows only a less restrictive alternative "
            "(withholding in the issuing territory only, or the alternatives it names) or "
            "refusing; this decision goes further (or record an override of the conclusion)"))
    return Refusal("human_rights_limits", gettext_noop(
        "human-rights limits: the review allows only a less restrictive alternative "
        "(withholding in %(where)s only, or the alternatives it names) or refusing; this "
        "decision goes further (or record an override of the conclusion)"),
        params={"where": case.jurisdiction})


def _findings(case: Case) -> Refusal | None:
    if not any(d.complies for d in case.decisions) or not case.block_findings:
        return None
    covered, _hr = _overridden(case)
    missing = sorted(case.block_findings - covered)
    if missing:
        return Refusal("override_required", gettext_noop(
            "override required: complying goes against block finding(s) %(findings)s; record "
            "an override with reason codes and a rationale (a second person then approves)"),
            params={"findings": ", ".join(missing)})
    return None


def _screening(case: Case, *, approving: bool) -> Refusal | None:
    if not any(d.complies for d in case.decisions):
        return None
    open_hits = [h for h in case.hits if h.status == "open"]
    if open_hits:
        names = ", ".join(sorted({h.label for h in open_hits if h.label}))
        if not names:
            return Refusal("screening_unresolved", gettext_noop(
                "screening unresolved: %(count)s sanctions hit(s) on a name are still to "
                "review; mark each true or false before complying"),
                params={"count": len(open_hits)})
        return Refusal("screening_unresolved", gettext_noop(
            "screening unresolved: %(count)s sanctions hit(s) on %(names)s are still to "
            "review; mark each true or false before complying"),
            params={"count": len(open_hits), "names": names})
    unsigned = [h for h in case.hits if h.status == "confirmed" and not h.signed_off]
    if approving and unsigned:
        names = ", ".join(sorted({h.label for h in unsigned if h.label}))
        if not names:
            return Refusal("sanctions_signoff_required", gettext_noop(
                "sanctions sign-off required: a hit confirmed true (a name) needs sanctions "
                "counsel's sign-off before complying is approved"))
        return Refusal("sanctions_signoff_required", gettext_noop(
            "sanctions sign-off required: a hit confirmed true (%(names)s) needs sanctions "
            "counsel's sign-off before complying is approved"), params={"names": names})
    return None


def check_decision(case: Case) -> Refusal | None:
    """May these decisions (the demand's current ones after this step) be recorded?"""
    for override in case.overrides:
        if (problem := override_problem(override)) is not None:
            return problem
    return _screening(case, approving=False) or _human_rights(case) or _findings(case)


def check_approval(case: Case, approver: int | None, *, second_person: bool) -> Refusal | None:
    """May the current decisions be approved (and carried out) by ``approver``?

    ``second_person`` is true when the approval is a separate step (four-eyes); when a
    demand needs no second person the decider's own decision approves itself.
    """
    if (second_person or needs_four_eyes(case)) and (
            approver is None or approver in case.authors):
        return Refusal("four_eyes", gettext_noop(
            "four-eyes: the approver must not be the author of a current decision or "
            "override on this demand; someone else must approve"), 403)
    return check_decision(case) or _screening(case, approving=True)


def authors_of(rows: Iterable[int | None]) -> frozenset[int]:
    return frozenset(r for r in rows if r is not None)
