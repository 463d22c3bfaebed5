"""Statutory time limits computed from an instrument, in the issuing State's time.

Two ways of counting (``Deadlines.counting``):

- ``elapsed``: the period runs from the moment of receipt (days as calendar days on the
  local clock, hours as elapsed hours);
- ``eu_1182_71``: Regulation (EEC, Euratom) No 1182/71 Art. 3, which applies to periods in
  Union acts such as the e-Evidence Regulation: the hour or day of receipt is not counted;
  a period in hours ends at the end of its last whole hour, a period in days at the end of
  its last day, moved to the next working day when that is a Saturday or Sunday. Public
  holidays are not modelled; they can only lengthen a period.

``zone`` is the issuing State's time zone (see :func:`dueprocess.law.regions.zone_of`); the
result is expressed in it. Without one, the receipt's own offset is used.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo

from dueprocess.law.schema import Instrument

__all__ = ["end_of_days", "end_of_hours", "preservation_expiry", "response_deadline"]

_LAST_SECOND = time(23, 59, 59)


def _local(moment: datetime, zone: tzinfo | None) -> datetime:
    if zone is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(zone)


def _add_hours(moment: datetime, hours: int) -> datetime:
    """Elapsed hours, correct across a daylight-saving change."""
    if moment.tzinfo is None:
        return moment + timedelta(hours=hours)
    return (moment.astimezone(UTC) + timedelta(hours=hours)).astimezone(moment.tzinfo)


def _next_working_day(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def end_of_hours(local: datetime, hours: int, counting: str) -> datetime:
    if counting == "eu_1182_71":
        start = local.replace(minute=0, second=0, microsecond=0)
        return _add_hours(start, hours + 1) - timedelta(seconds=1)
    return _add_hours(local, hours)


def end_of_days(local: datetime, days: int, counting: str) -> datetime:
    if counting == "eu_1182_71":
        last = _next_working_day(local.date() + timedelta(days=days))
        return datetime.combine(last, _LAST_SECOND, tzinfo=local.tzinfo)
    return local + timedelta(days=days)


def response_deadline(
    instrument: Instrument,
    received_at: datetime,
    emergency: bool,
    zone: tzinfo | None = None,
) -> datetime | None:
    """When the response is due, or ``None`` where the law sets no time limit.

    An emergency uses the emergency limit when the instrument has one, else the ordinary one.
    """
    limits = instrument.deadlines
    local = _local(received_at, zone)
    if emergency and limits.emergency_hours is not None:
        return end_of_hours(local, limits.emergency_hours, limits.counting)
    if limits.response_hours is not None:
        return end_of_hours(local, limits.response_hours, limits.counting)
    if limits.response_days is not None:
        return end_of_days(local, limits.response_days, limits.counting)
    return None


def preservation_expiry(instrument: Instrument, start: date, renewals: int) -> date | None:
    """The last day of the preservation obligation, or ``None`` if the instrument sets none.

    ``start`` is the local day of receipt. Renewals beyond what the law provides
    (``preservation_max_renewals``) do not extend the statutory obligation, so they are
    not counted.
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
    last = start + timedelta(days=limits.preservation_days + counted * extension)
    if limits.counting == "eu_1182_71":
        last = _next_working_day(last)
    return last
