"""What the screening panel shows for a demand, shared by its page and the include tag."""

from __future__ import annotations

from typing import Any

from dueprocess.accounts.roles import DECIDE_PERM, SIGNOFF_PERM
from dueprocess.demands.models import Demand
from dueprocess.sanctions.models import HitSignoff, HitStatus, ScreeningResult
from dueprocess.sanctions.service import active_versions, names_on


def panel_context(demand: Demand, user: Any, *, standalone: bool = False) -> dict[str, Any]:
    """Each screened name with its current hits, best first; cleared hits as history."""
    rows = list(ScreeningResult.objects.filter(demand=demand)
                .select_related("reviewed_by").order_by("-score", "pk"))
    current = [r for r in rows if r.cleared_at is None]
    signed = set(HitSignoff.objects.filter(result__in=[r.pk for r in current])
                 .values_list("result_id", "signed_at"))
    for r in current:  # a sign-off counts for the hit as it was confirmed
        since = r.reviewed_at or r.created_at
        r.signed_off = any(  # type: ignore[attr-defined]
            rid == r.pk and at >= since for rid, at in signed)
    subjects = []
    for named in names_on(demand):
        hits = [r for r in current if r.subject == named.subject and r.name == named.name[:300]]
        subjects.append({"subject": named.subject, "name": named.name,
                         "position": named.position, "hits": hits})
    return {
        "screening_subjects": subjects,
        "screening_cleared": [r for r in rows if r.cleared_at is not None],
        "screening_open": sum(1 for r in current if r.status == HitStatus.OPEN),
        "screening_lists": active_versions(),
        "screening_can_mark": bool(getattr(user, "has_perm", None)
                                   and user.has_perm(DECIDE_PERM)),
        "screening_can_sign": bool(getattr(user, "has_perm", None)
                                   and user.has_perm(SIGNOFF_PERM)),
        "screening_standalone": standalone,
        "screening_demand": demand,
    }
