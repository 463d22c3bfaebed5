"""Helpers for execution tests: demands through the real actions, and a batch worker."""

from __future__ import annotations

import signal
from datetime import datetime
from typing import Any

from django.core.management import call_command

from dueprocess.demands import actions
from dueprocess.demands.inputs import DecisionsIn, DemandIn
from dueprocess.demands.models import Authority, Demand
from dueprocess.demo import platform


def run_worker() -> None:
    """Process every task that is due, then return (``db_worker --batch``)."""
    signals = [s for s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGQUIT", None))
               if s is not None]
    saved = {s: signal.getsignal(s) for s in signals}
    try:
        call_command("db_worker", batch=True, startup_delay=False, reload=False, interval=0,
                     verbosity=0)
    finally:
        for s, handler in saved.items():
            signal.signal(s, handler)


def receive(authority: Authority, body: dict[str, Any]) -> Demand:
    received = body.pop("received_at", "2020-10-05T14:00:00+00:00")
    data = DemandIn.model_validate({**body, "received_at": received})
    return actions.receive_demand(data, authority=authority,
                                  requester=None, user=None,
                                  received_at=datetime.fromisoformat(received))


def reviewed(demand: Demand, user: Any) -> None:
    """Record a human-rights review that allows complying, where vetting asks for one."""
    from dueprocess.review.actions import record_human_rights_review
    from dueprocess.review.gates import human_rights_triggers

    if human_rights_triggers(demand):
        record_human_rights_review(demand, {
            "legality": "met", "necessity": "met", "proportionality": "met",
            "conclusion": "proceed", "rationale": "Assessed for the test."}, user=user)


def comply(demand: Demand, user: Any, **narrowing: Any) -> Demand:
    """Decide to comply with every ask (in part, with ``narrowing``)."""
    reviewed(demand, user)
    outcome = "comply_partially" if narrowing else "comply"
    asks = demand.asks.count()
    data: dict[str, Any] = {"decisions": [
        {"ask": i, "outcome": outcome, "reason_codes": ["lawful"], **narrowing}
        for i in range(asks)]}
    blocks = sorted(set(demand.findings.current().filter(severity="block")
                        .values_list("code", flat=True)))
    if not blocks:
        return actions.record_decisions(demand, DecisionsIn.model_validate(data), user=user)
    # A block finding (e.g. a warrant cannot compel an account measure): the legal lead
    # overrides it and ``user`` approves as the second person.
    from tests.review.roles import staff_member

    lead = staff_member("legal_lead", f"lead-{demand.pk}@platform.example")
    data["override"] = {"findings": blocks, "reason_codes": ["valid_legal_process"],
                        "rationale": "The platform's terms allow this measure on notice."}
    decided = actions.record_decisions(demand, DecisionsIn.model_validate(data), user=lead)
    return actions.approve_demand(decided, user=user)


def warrant_body(**extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "reference": "2:20-mj-00417",
        "instrument": "us.ecpa.warrant",
        "issued_by": {"name": "Hon. Jane Doe", "title": "U.S. Magistrate Judge",
                      "role": "judge"},
        "legal_basis": "18 U.S.C. 2703(a), (b)(1)(A) and (c)(1)(A)",
        "statement_of_reasons": "Probable cause: distribution of child sexual abuse material",
        "asks": [{"kind": "disclose", "data_categories": ["subscriber", "traffic", "content"],
                  "date_from": "2020-01-01", "date_to": "2020-09-30"}],
        "targets": [{"type": "account", "id": platform.US_SUSPECT}],
    }
    body.update(extra)
    return body


def time_passes() -> None:
    """Let every deferred task and every user's time to object be due now."""
    from django.utils import timezone
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from dueprocess.execution.models import DisclosureWait

    now = timezone.now()
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=now)
    DisclosureWait.objects.filter(until__isnull=False).update(until=now)


def verbs(demand: Demand, prefix: str = "") -> list[str]:
    from dueprocess.audit.models import AuditEvent

    return list(AuditEvent.objects.filter(demand_id=demand.pk, verb__startswith=prefix)
                .order_by("seq").values_list("verb", flat=True))
