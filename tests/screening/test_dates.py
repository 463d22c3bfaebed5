"""Birth dates: which differences are a slip of the pen and which are another person."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dueprocess.screening.dates import dates_near


@pytest.mark.parametrize(
    ("a", "b", "near"),
    [
        ("1965-07-04", "1965-07-25", True),  # three weeks
        ("1965-07-04", "1965-04-07", True),  # day and month swapped
        ("1965-07-04", "1966", True),  # a year known only, one off
        ("1965", "1964-02", True),
        ("1965-07-04", "1965-12-20", False),  # both full, months apart
        ("1965-07-04", "1964-11-02", False),
        ("1965", "1968", False),
        ("unknown", "1965", False),
    ],
)
def test_dates_near(a: str, b: str, near: bool) -> None:
    assert dates_near(a, b) is near


_iso = st.dates().map(lambda d: d.isoformat()) | st.integers(1900, 2020).map(str)


@given(_iso, _iso)
def test_dates_near_is_symmetric(a: str, b: str) -> None:
    assert dates_near(a, b) == dates_near(b, a)
