"""Statutory time limits computed from an instrument.

Calendar arithmetic only: the statutes in the library count calendar days and clock hours
from receipt (e.g. e-Evidence Art. 10: 10 days, 8 hours in emergencies), without
business-day or holiday rules. The result keeps the ``tzinfo`` of the input.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from dueprocess.law.schema import Instrument

__all__ = ["preservation_expiry", "response_deadline"]


def response_deadline(
    instrument: Instrument, received_at: datetime, emergency: bool
) -> datetime | None:
    """When the response is due, or ``None`` where the law sets no time limit.

    An emergency uses the emergency limit when the instrument has one, else the ordinary one.
    """
    limits = instrument.deadlines
    if emergency and limits.emergency_hours is not None:
        return received_at + timedelta(hours=limits.emergency_hours)
    if limits.response_days is not None:
        return received_at + timedelta(days=limits.response_days)
    return None


def preservation_expiry(instrument: Instrument, start: date, renewals: int) -> date | None:
    """The day the preservation obligation ends, or ``None`` if the instrument sets no period.

    Renewals beyond what the law provides (``preservation_max_renewals``) do not extend the
    statutory obligation, so they are not counted.
    """
    if renewals < 0:
        raise ValueError("renewals must be >= 0")
    limits = instrument.deadlines
    if limits.preservation_days is None:
        return None
    counted = renewals if limits.preservation_extension_days is not None else 0
    if limits.preservation_max_renewals is not None:
        counted = min(counted, limits.preservation_max_renewals)
    extension = limits.preservation_extension_days or 0
    return start + timedelta(days=limits.preservation_days + counted * extension)
