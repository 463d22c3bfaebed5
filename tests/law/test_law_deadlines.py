"""Statutory deadlines computed from instruments."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dueprocess.law import Instrument, default_library, preservation_expiry, response_deadline

LIB = default_library()


def get(instrument_id: str) -> Instrument:
    instrument = LIB.get(instrument_id)
    assert instrument is not None
    return instrument


RECEIVED = datetime(2026, 9, 1, 9, 30, tzinfo=UTC)


def test_epoc_ten_days() -> None:
    due = response_deadline(get("eu.evidence.epoc"), RECEIVED, emergency=False)
    assert due == RECEIVED + timedelta(days=10)


def test_epoc_emergency_eight_hours() -> None:
    due = response_deadline(get("eu.evidence.epoc"), RECEIVED, emergency=True)
    assert due == datetime(2026, 9, 1, 17, 30, tzinfo=UTC)


def test_no_statutory_deadline() -> None:
    assert response_deadline(get("us.ecpa.warrant"), RECEIVED, emergency=False) is None
    assert response_deadline(get("us.ecpa.emergency"), RECEIVED, emergency=True) is None


def test_us_preservation_one_renewal_counts() -> None:
    instrument = get("us.ecpa.preservation")
    start = date(2024, 1, 1)
    assert preservation_expiry(instrument, start, 0) == date(2024, 3, 31)
    assert preservation_expiry(instrument, start, 1) == date(2024, 6, 29)
    assert preservation_expiry(instrument, start, 5) == date(2024, 6, 29)


def test_epoc_preservation() -> None:
    instrument = get("eu.evidence.epoc_pr")
    start = date(2026, 9, 1)
    assert preservation_expiry(instrument, start, 0) == start + timedelta(days=60)
    assert preservation_expiry(instrument, start, 1) == start + timedelta(days=90)


def test_generic_preservation_renewals_are_unlimited() -> None:
    instrument = get("generic.court_order")
    assert preservation_expiry(instrument, date(2024, 1, 1), 3) == date(2024, 1, 1) + timedelta(
        days=360
    )


def test_no_preservation_period() -> None:
    assert preservation_expiry(get("us.ecpa.warrant"), date(2024, 1, 1), 0) is None


def test_negative_renewals_are_a_programming_error() -> None:
    with pytest.raises(ValueError, match="renewals"):
        preservation_expiry(get("us.ecpa.preservation"), date(2024, 1, 1), -1)


INSTRUMENTS = st.sampled_from(sorted(LIB.instruments.values(), key=lambda i: i.id))


@given(
    INSTRUMENTS,
    st.datetimes(
        min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)
    ),
    st.booleans(),
)
def test_deadline_is_never_before_receipt(
    instrument: Instrument, received: datetime, emergency: bool
) -> None:
    due = response_deadline(instrument, received, emergency)
    assert due is None or due > received
    if due is not None and emergency and instrument.deadlines.emergency_hours:
        ordinary = response_deadline(instrument, received, emergency=False)
        assert ordinary is None or due <= ordinary


@given(INSTRUMENTS, st.dates(date(1990, 1, 1), date(2090, 1, 1)), st.integers(0, 20))
def test_preservation_grows_with_renewals_and_is_bounded(
    instrument: Instrument, start: date, renewals: int
) -> None:
    now = preservation_expiry(instrument, start, renewals)
    later = preservation_expiry(instrument, start, renewals + 1)
    if now is None:
        assert later is None
        return
    assert later is not None and start < now <= later
    limits = instrument.deadlines
    if limits.preservation_max_renewals is not None:
        cap = (limits.preservation_days or 0) + limits.preservation_max_renewals * (
            limits.preservation_extension_days or 0
        )
        assert (later - start).days <= cap
