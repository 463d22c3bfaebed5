"""Which countries a jurisdiction code covers.

"EU" instruments are issued by Member State authorities and reach data anywhere in the
Union, so comparisons of "inside / outside the requesting jurisdiction" must expand it.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["EU_MEMBER_STATES", "WORLDWIDE", "covered", "home_of", "within"]

#: ISO 3166-1 alpha-2 codes of the 27 Member States; "EL" is the EU's own code for Greece.
EU_MEMBER_STATES: frozenset[str] = frozenset(
    {
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "EL", "HR",
        "HU", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
    }
)  # fmt: skip
#: Territorial-scope spellings that mean "everywhere".
WORLDWIDE: frozenset[str] = frozenset({"WW", "*", "ALL", "WORLDWIDE", "GLOBAL"})


def covered(code: str) -> frozenset[str]:
    """Country codes a jurisdiction code stands for ("EU" expands to the Member States)."""
    upper = code.strip().upper()
    if upper == "EU":
        return EU_MEMBER_STATES | {"EU"}
    return frozenset({upper})


def home_of(demand_jurisdiction: str, instrument_jurisdiction: str | None) -> frozenset[str]:
    """The territory a demand legitimately speaks for.

    An EU instrument, or an EU body, speaks for the whole Union; otherwise the requesting
    authority's own jurisdiction.
    """
    if instrument_jurisdiction == "EU" or demand_jurisdiction.strip().upper() == "EU":
        return covered("EU")
    return covered(demand_jurisdiction)


def within(codes: Iterable[str], home: frozenset[str]) -> bool:
    return all(code.strip().upper() in home for code in codes)
