"""Birth dates as lists write them, reduced to partial ISO strings.

Lists give "DOB 04 Jul 1965", "circa 1960", "1960 to 1962", "00/00/1965", "1965-07-04".
Screening only needs to know whether two dates can be the same person, so every form is
turned into ISO strings of the precision the list actually knows (`1965`, `1965-07`,
`1965-07-04`); a range becomes each year in it (up to a decade).
"""

from __future__ import annotations

import re
from datetime import date

_MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for m in names
}

_ISO = re.compile(r"\b(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\b")
_DMY_TEXT = re.compile(r"\b(?:(\d{1,2})\s+)?([A-Za-z]{3,9})\.?,?\s+(\d{4})\b")
_DMY_NUM = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_RANGE = re.compile("\\bto\\b|\\bbetween\\b|\u2013|\u2014| - ")
_MAX_RANGE_YEARS = 10


def _iso(year: int, month: int | None = None, day: int | None = None) -> str | None:
    if not 1800 <= year <= 2100:
        return None
    if month is None or month == 0:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        return f"{year:04d}"
    if day is None or day == 0:
        return f"{year:04d}-{month:02d}"
    try:
        date(year, month, day)
    except ValueError:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


def _single(text: str) -> str | None:
    m = _DMY_NUM.search(text)
    if m:
        return _iso(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    m = _ISO.search(text)
    if m and (m.group(2) or not _DMY_TEXT.search(text)):
        month = int(m.group(2)) if m.group(2) else None
        day = int(m.group(3)) if m.group(3) else None
        return _iso(int(m.group(1)), month, day)
    m = _DMY_TEXT.search(text)
    if m and m.group(2).lower() in _MONTHS:
        day = int(m.group(1)) if m.group(1) else None
        return _iso(int(m.group(3)), _MONTHS[m.group(2).lower()], day)
    m = _YEAR.search(text)
    if m:
        return _iso(int(m.group(1)))
    return None


def parse_dates(text: str) -> tuple[str, ...]:
    """Every ISO (partial) date a free-text birth date can stand for; () if none."""
    text = text.strip()
    if not text:
        return ()
    parts = _RANGE.split(text, maxsplit=1)
    if len(parts) == 2:
        start, end = _single(parts[0]), _single(parts[1])
        if start and end:
            y0, y1 = int(start[:4]), int(end[:4])
            if y0 == y1:
                return (start,) if start == end else (start[:4],)
            if 0 < y1 - y0 <= _MAX_RANGE_YEARS:
                return tuple(str(y) for y in range(y0, y1 + 1))
            return (start[:4], end[:4])
    one = _single(text)
    return (one,) if one else ()


def year_range(from_year: str, to_year: str) -> tuple[str, ...]:
    """Years of a FROM/TO pair (UN lists), bounded like `parse_dates`."""
    try:
        y0, y1 = int(from_year), int(to_year)
    except ValueError:
        return ()
    if y0 > y1:
        y0, y1 = y1, y0
    if y1 - y0 > _MAX_RANGE_YEARS:
        return tuple(d for d in (_iso(y0), _iso(y1)) if d)
    return tuple(d for y in range(y0, y1 + 1) if (d := _iso(y)))


def dates_compatible(a: str, b: str) -> bool:
    """True when two partial ISO dates can denote the same day (one is a prefix)."""
    n = min(len(a), len(b))
    return a[:n] == b[:n]


def dates_near(a: str, b: str) -> bool:
    """True when two incompatible dates are still close enough to be a slip of the pen.

    Where either side knows only a year (or a month), years one apart are near: lists
    round and estimate. Where both give the full day, only a month apart or day and month
    swapped (04/07 for 07/04) is near: two full dates months apart are two people, which
    is how the lists themselves tell same-named designations apart.
    """
    if not (a[:4].isdigit() and b[:4].isdigit()):
        return False
    if len(a) == 10 and len(b) == 10:
        try:
            da, db = date.fromisoformat(a), date.fromisoformat(b)
        except ValueError:
            return False
        swapped = da.year == db.year and (da.month, da.day) == (db.day, db.month)
        return swapped or abs((da - db).days) <= 31
    return abs(int(a[:4]) - int(b[:4])) <= 1
