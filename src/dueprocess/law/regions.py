"""Which countries a jurisdiction code covers.

"EU" instruments are issued by Member State authorities and reach data anywhere in the
Union, so comparisons of "inside / outside the requesting jurisdiction" must expand it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "ANYWHERE_ON_EARTH",
    "EU_MEMBER_STATES",
    "LAST_ZONES",
    "WORLDWIDE",
    "ZONES",
    "covered",
    "home_of",
    "last_zone_of",
    "within",
    "zone_of",
]

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


#: IANA time zone of each jurisdiction with a single legal time, for statutory periods that
#: end at the end of a local day. Countries spanning several zones (US, CA, AU, BR, MX, RU,
#: ID, ...) are absent on purpose: the authority's own clock (the offset the demand was
#: received with) is the best evidence there. "EU" (a Union body) uses Brussels time.
ZONES: dict[str, str] = {
    "AT": "Europe/Vienna", "BE": "Europe/Brussels", "BG": "Europe/Sofia",
    "CY": "Asia/Nicosia", "CZ": "Europe/Prague", "DE": "Europe/Berlin",
    "DK": "Europe/Copenhagen", "EE": "Europe/Tallinn", "ES": "Europe/Madrid",
    "FI": "Europe/Helsinki", "FR": "Europe/Paris", "GR": "Europe/Athens",
    "EL": "Europe/Athens", "HR": "Europe/Zagreb", "HU": "Europe/Budapest",
    "IE": "Europe/Dublin", "IT": "Europe/Rome", "LT": "Europe/Vilnius",
    "LU": "Europe/Luxembourg", "LV": "Europe/Riga", "MT": "Europe/Malta",
    "NL": "Europe/Amsterdam", "PL": "Europe/Warsaw", "PT": "Europe/Lisbon",
    "RO": "Europe/Bucharest", "SE": "Europe/Stockholm", "SI": "Europe/Ljubljana",
    "SK": "Europe/Bratislava", "EU": "Europe/Brussels",
    "GB": "Europe/London", "CH": "Europe/Zurich", "NO": "Europe/Oslo",
    "IS": "Atlantic/Reykjavik", "TR": "Europe/Istanbul", "UA": "Europe/Kyiv",
    "HK": "Asia/Hong_Kong", "MO": "Asia/Macau", "CN": "Asia/Shanghai",
    "TW": "Asia/Taipei", "JP": "Asia/Tokyo", "KR": "Asia/Seoul",
    "SG": "Asia/Singapore", "IN": "Asia/Kolkata", "PK": "Asia/Karachi",
    "TH": "Asia/Bangkok", "VN": "Asia/Ho_Chi_Minh", "PH": "Asia/Manila",
    "MY": "Asia/Kuala_Lumpur", "IL": "Asia/Jerusalem", "AE": "Asia/Dubai",
    "SA": "Asia/Riyadh", "EG": "Africa/Cairo", "NG": "Africa/Lagos",
    "KE": "Africa/Nairobi", "ZA": "Africa/Johannesburg", "AR": "America/Argentina/Buenos_Aires",
    "CO": "America/Bogota", "PE": "America/Lima", "VE": "America/Caracas",
    "NZ": "Pacific/Auckland",
}  # fmt: skip


def zone_of(jurisdiction: str) -> tzinfo | None:
    """The legal time of a jurisdiction, or ``None`` where one zone cannot stand for it."""
    name = ZONES.get(jurisdiction.strip().upper())
    if name is None:
        return None
    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError:  # a system without time zone data
        return None


#: Where a day ends last in countries with several legal times (the westernmost zone of
#: the country proper), for periods that must have ended everywhere in the jurisdiction.
LAST_ZONES: dict[str, str] = {
    "US": "Pacific/Honolulu", "CA": "America/Vancouver", "AU": "Australia/Perth",
    "BR": "America/Rio_Branco", "MX": "America/Tijuana", "RU": "Europe/Kaliningrad",
    "ID": "Asia/Jakarta", "CL": "Pacific/Easter",
}  # fmt: skip
#: The time zone in which a calendar day ends last on Earth (UTC-12).
ANYWHERE_ON_EARTH: tzinfo = timezone(timedelta(hours=-12), "AoE")


def last_zone_of(jurisdiction: str) -> tzinfo:
    """The clock on which a jurisdiction's calendar day ends last: its one legal time, the
    westernmost of several, or, for a code not listed, "anywhere on Earth" (UTC-12), so that
    a period "until" a date never ends early for want of a zone."""
    code = jurisdiction.strip().upper()
    name = LAST_ZONES.get(code)
    if name is not None:
        try:
            return ZoneInfo(name)
        except ZoneInfoNotFoundError:
            return ANYWHERE_ON_EARTH
    return zone_of(code) or ANYWHERE_ON_EARTH
