"""When a demand's response is due, from its own columns: the one rule, stored and shown.

The demand's stated deadline, else the statutory one from its instrument (law library,
issuing State's time zone); an emergency is due by the platform's emergency target at the
latest (``DUEPROCESS_EMERGENCY_RESPONSE_HOURS``; the law may set none).

The result is stored on the demand (``Demand.due``) whenever a demand is saved or one of
the columns below is updated, so the queue can sort and filter on an index. The rule also
depends on the law library and on the emergency target, which change only with a deploy or
a restart: the stored dates keep the values in force when they were written until
``dueprocess deadlines refresh`` recomputes them (see docs/operations.md). Pages that show one
demand's deadline compute it afresh with the same function.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings

from dueprocess.law import default_library, response_deadline
from dueprocess.law.regions import zone_of

#: The columns the due date is computed from, in :func:`due_from`'s argument order.
DUE_COLUMNS = ("deadline", "instrument", "received_at", "emergency", "jurisdiction")


def emergency_target() -> timedelta | None:
    """The platform's own answer time for emergencies (``DUEPROCESS_EMERGENCY_RESPONSE_HOURS``)."""
    hours = settings.DUEPROCESS.emergency_response_hours
    return timedelta(hours=hours) if hours else None


def due_from(deadline: datetime | None, instrument_id: str, received_at: datetime,
             emergency: bool, jurisdiction: str) -> datetime | None:
    """The response deadline from the columns named in :data:`DUE_COLUMNS`."""
    if deadline:
        return deadline
    instrument = default_library().get(instrument_id)
    statutory: datetime | None = (
        response_deadline(instrument, received_at, emergency, zone=zone_of(jurisdiction))
        if instrument is not None else None)
    target = emergency_target() if emergency else None
    if target is None:
        return statutory
    ours = received_at + target
    return min(statutory, ours) if statutory is not None else ours


def due_of(demand: Any) -> datetime | None:
    """:func:`due_from` for a demand (or any object with the same attributes)."""
    return due_from(*(getattr(demand, c) for c in DUE_COLUMNS))
