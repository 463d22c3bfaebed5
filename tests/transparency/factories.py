"""Demands as they are stored after intake and execution, created directly for speed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from itertools import count
from typing import Any

from dueprocess.demands.models import (
    Action,
    Ask,
    Authority,
    Demand,
    Finding,
    Notice,
    Target,
)

_keys = count()


def authority(jurisdiction: str, kind: str = "police") -> Authority:
    slug = f"auth-{jurisdiction.lower()}-{kind}"
    return Authority.objects.get_or_create(
        slug=slug, defaults={"name": f"{jurisdiction} {kind}", "jurisdiction": jurisdiction,
                             "kind": kind})[0]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def demand(jurisdiction: str, instrument: str, received: str, *,
           asks: Sequence[str] = ("disclose",), accounts: int = 1, content: int = 0,
           authority_kind: str = "police", role: str = "", status: str = "completed",
           emergency: bool = False, produced: bool = False, failed_export: bool = False,
           actions: Sequence[tuple[str, str]] = (), territories: Sequence[str] = (),
           action_hours: float | None = None, untimed: bool = False,
           ack_hours: float | None = None, findings: Sequence[str] = (),
           notices: Sequence[tuple[str, str]] = (), category: str = "",
           keywords: Sequence[str] = ()) -> Demand:
    """``actions`` are (kind, status) pairs applied to successive targets."""
    received_at = at(received)
    d = Demand.objects.create(
        authority=authority(jurisdiction, authority_kind),
        reference=f"R-{next(_keys)}", instrument=instrument, jurisdiction=jurisdiction,
        received_at=received_at, status=status, emergency=emergency,
        issued_by={"name": "Officer", "role": role} if role else {},
        acknowledged_at=(received_at + timedelta(hours=ack_hours)
                         if ack_hours is not None else None),
        content_category=category, category_keywords=list(keywords))
    for i, kind in enumerate(asks):
        measure = {"restrict_content": "remove", "restrict_account": "suspend"}.get(kind, "")
        Ask.objects.create(demand=d, position=i, kind=kind, measure=measure,
                           territorial_scope=list(territories),
                           data_categories=["subscriber"] if kind == "disclose" else [])
    targets = [Target.objects.create(demand=d, type="account", identifier=f"acc{i}")
               for i in range(accounts)]
    targets += [Target.objects.create(demand=d, type="content", identifier=f"https://x/{i}")
                for i in range(content)]
    planned = list(actions)
    if produced:
        planned.append(("export", "succeeded"))
    if failed_export:
        planned.append(("export", "failed"))
    finished = (received_at + timedelta(hours=action_hours)
                if action_hours is not None else received_at + timedelta(hours=2))
    for i, (kind, state) in enumerate(planned):
        done = state in ("succeeded", "failed") and not untimed
        Action.objects.create(
            demand=d, target=targets[i % len(targets)] if targets else None, kind=kind,
            status=state, idempotency_key=f"k-{next(_keys)}",
            params={"territories": list(territories)} if kind == "withhold" else {},
            finished_at=finished if done else None)
    for code in findings:
        Finding.objects.create(demand=d, code=code, severity="warning", message=code,
                               rule=code)
    for kind, state in notices:
        Notice.objects.create(demand=d, kind=kind, status=state, recipient="x")
    return d


def rows(table: Any) -> list[dict[str, Any]]:
    return [dict(r) for r in table.dicts()]
