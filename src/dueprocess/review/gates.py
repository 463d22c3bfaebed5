"""Preconditions a decision must meet, checked by the decision action itself.

:func:`check_decisions` runs inside :func:`dueprocess.demands.actions.record_decisions`, so
the rule holds whichever door a decision comes in by (console or API).
"""

from __future__ import annotations

from typing import Any

from dueprocess.demands.models import Demand, Outcome, Severity
from dueprocess.errors import Conflict

HR_POLICY_CODE = "policy.human_rights_review"
COMPLYING = frozenset({Outcome.COMPLY, Outcome.COMPLY_PARTIALLY})


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


def current_review(demand: Demand) -> Any:
    from dueprocess.review.models import HumanRightsReview

    return (HumanRightsReview.objects.filter(demand=demand, superseded_at__isnull=True)
            .order_by("-pk").first())


def check_decisions(demand: Demand, data: Any) -> None:
    """Refuse complying with a flagged demand before a human-rights review allows it."""
    if not any(d.outcome in COMPLYING for d in data.decisions):
        return
    triggers = human_rights_triggers(demand)
    if not triggers:
        return
    review = current_review(demand)
    if review is None:
        raise Conflict("a human-rights review is required before complying with this "
                       f"demand (findings: {', '.join(triggers)})")
    if review.conclusion == "do_not_proceed":
        raise Conflict("the human-rights review concluded not to proceed; complying needs a "
                       "new review first")
