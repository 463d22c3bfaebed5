"""What the human-rights review gate reads: which findings call for a review, and the
current review. The rule itself (a review before complying, and the limits its conclusion
sets) is :mod:`dueprocess.demands.invariants`, applied by the decision and approval actions
whichever door a decision comes in by (console, API, CLI).
"""

from __future__ import annotations

from dueprocess.demands import hooks, invariants
from dueprocess.demands.models import Demand, Severity
from dueprocess.review.models import HumanRightsReview, Override

HR_POLICY_CODE = "policy.human_rights_review"


def human_rights_triggers(demand: Demand) -> list[str]:
    """The current findings that call for a human-rights review, by code.

    A policy with effect ``human_rights_review`` in force makes vetting emit
    ``policy.human_rights_review``; ``rights.*`` warnings or blocks (a flagged instrument, an
    at-risk target, an indefinite gag) call for one as well.
    """
    codes = (demand.findings.current()
             .filter(severity__in=(Severity.WARNING, Severity.BLOCK))
             .values_list("code", flat=True))
    return sorted({c for c in codes if c == HR_POLICY_CODE or c.startswith("rights.")})


def current_review(demand: Demand) -> HumanRightsReview | None:
    return (HumanRightsReview.objects.filter(demand=demand, superseded_at__isnull=True)
            .order_by("-pk").first())


def case_facts(demand: Demand) -> hooks.CaseFacts:
    """Subscribed to the case file's ``case_facts``: the review and the override in force."""
    review = current_review(demand)
    overrides = Override.objects.filter(demand=demand, superseded_at__isnull=True)
    return hooks.CaseFacts(
        hr_required=bool(human_rights_triggers(demand)),
        hr_conclusion=review.conclusion if review is not None else None,
        hr_alternatives=frozenset(review.alternatives or ()) if review is not None
        else frozenset(),
        overrides=tuple(invariants.Override(
            findings=frozenset(o.findings), human_rights=o.human_rights,
            reason_codes=tuple(o.reason_codes), rationale=o.rationale, author=o.author_id)
            for o in overrides),
    )
