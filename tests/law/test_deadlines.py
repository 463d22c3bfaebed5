"""Statutory deadlines computed from instruments."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dueprocess.law import Instrument, default_library, preservation_expiry, response_deadline

LIB = default_library()


def get(instrument_id: str) -> Instrument:
    instrument = LIB.get(instrument_id)
    assert instrument is not None
    return instrument


RECEIVED = datetime(2026, 9, 1, 9, 30, tzinfo=UTC)  # a Tuesday
PARIS = ZoneInfo("Europe/Paris")
HONG_KONG = ZoneInfo("Asia/Hong_Kong")


def test_epoc_ten_days_end_with_the_last_local_day() -> None:
    # Reg. 1182/71 Art. 3: the day of receipt does not count; the period ends at the end of
    # the tenth day, here Friday 11 September in Paris.
    due = response_deadline(get("eu.evidence.epoc"), RECEIVED, emergency=False, zone=PARIS)
    assert due == datetime(2026, 9, 11, 23, 59, 59, tzinfo=PARIS)
    assert due is not None and due.utcoffset() == timedelta(hours=2)


def test_epoc_ten_days_ending_on_a_weekend_run_to_monday() -> None:
    received = datetime(2026, 9, 3, 16, 0, tzinfo=UTC)  # Thursday: day 10 is a Sunday
    due = response_deadline(get("eu.evidence.epoc"), received, emergency=False, zone=PARIS)
    assert due == datetime(2026, 9, 14, 23, 59, 59, tzinfo=PARIS)


def test_epoc_day_follows_the_issuing_state_not_utc() -> None:
    # 23:30 UTC on 1 September is already 2 September in Paris.
    late = datetime(2026, 9, 1, 23, 30, tzinfo=UTC)
    local = response_deadline(get("eu.evidence.epoc"), late, emergency=False, zone=PARIS)
    plain = response_deadline(get("eu.evidence.epoc"), late, emergency=False)
    assert local == datetime(2026, 9, 14, 23, 59, 59, tzinfo=PARIS)  # 12 Sept is a Saturday
    assert plain == datetime(2026, 9, 11, 23, 59, 59, tzinfo=UTC)


def test_epoc_emergency_eight_hours_from_the_next_whole_hour() -> None:
    # The hour of receipt (09:xx) does not count: 10:00 + 8 hours.
    due = response_deadline(get("eu.evidence.epoc"), RECEIVED, emergency=True, zone=PARIS)
    assert due == datetime(2026, 9, 1, 19, 59, 59, tzinfo=PARIS)


def test_emergency_hours_are_elapsed_hours_across_a_clock_change() -> None:
    # Summer time ends at 03:00 on 25 October 2026 in Paris; eight hours are still eight.
    received = datetime(2026, 10, 24, 23, 10, tzinfo=UTC)  # 01:10 CEST on the 25th
    due = response_deadline(get("eu.evidence.epoc"), received, emergency=True, zone=PARIS)
    assert due is not None
    assert due.astimezone(UTC) == datetime(2026, 10, 25, 8, 0, tzinfo=UTC) - timedelta(
        seconds=1
    )


def test_elapsed_counting_keeps_the_local_clock() -> None:
    instrument = get("eu.evidence.epoc").model_copy(
        update={"deadlines": get("eu.evidence.epoc").deadlines.model_copy(
            update={"counting": "elapsed"})}
    )
    due = response_deadline(instrument, RECEIVED, emergency=False, zone=HONG_KONG)
    assert due == datetime(2026, 9, 11, 17, 30, tzinfo=HONG_KONG)


def test_no_statutory_deadline() -> None:
    assert response_deadline(get("us.ecpa.warrant"), RECEIVED, emergency=False) is None
    assert response_deadline(get("us.ecpa.emergency"), RECEIVED, emergency=True) is None


def test_us_preservation_one_renewal_counts() -> None:
    instrument = get("us.ecpa.preservation")
    start = date(2024, 1, 1)
    assert preservation_expiry(instrument, start, 0) == date(2024, 3, 31)
    assert preservation_expiry(instrument, start, 1) == date(2024, 6, 29)
    assert preservation_expiry(instrument, start, 5) == date(2024, 6, 29)


def test_epoc_preservation_60_plus_30_days() -> None:
    instrument = get("eu.evidence.epoc_pr")
    start = date(2026, 9, 2)
    assert preservation_expiry(instrument, start, 0) == date(2026, 11, 2)  # 1 Nov: Sunday
    assert preservation_expiry(instrument, start, 1) == date(2026, 12, 1)
    assert preservation_expiry(instrument, start, 2) == date(2026, 12, 1)


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
    st.sampled_from([None, PARIS, HONG_KONG, ZoneInfo("America/New_York")]),
)
def test_deadline_is_never_before_receipt(
    instrument: Instrument, received: datetime, emergency: bool, zone: ZoneInfo | None
) -> None:
    due = response_deadline(instrument, received, emergency, zone=zone)
    assert due is None or due > received
    if due is not None and emergency and instrument.deadlines.emergency_hours:
        ordinary = response_deadline(instrument, received, emergency=False, zone=zone)
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
        # A period ending on a weekend runs to Monday under Reg. 1182/71.
        slack = 2 if limits.counting == "eu_1182_71" else 0
        assert (later - start).days <= cap + slack
