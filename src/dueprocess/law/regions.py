"""Which countries a jurisdiction code covers.

"EU" instruments are issued by Member State authorities and reach data anywhere in the
Union, so comparisons of "inside / outside the requesting jurisdiction" must expand it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "ANYWHERE_ON_EARTH",
    "EU_MEMBER_STATES",
    "ISO_3166_1",
    "LAST_ZONES",
    "US_SUBDIVISIONS",
    "WORLDWIDE",
    "ZONES",
    "check_jurisdiction",
    "country_of",
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

#: ISO 3166-1 alpha-2: the 249 officially assigned codes. "EL" (the EU's code for Greece)
#: and "XK" (Kosovo, user-assigned but used by the EU and the Council of Europe) are
#: accepted as well; "UK" is not a code (the United Kingdom is "GB").
ISO_3166_1: frozenset[str] = frozenset(
    [
        "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW",
        "AX", "AZ", "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN",
        "BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG",
        "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ",
        "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI",
        "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL",
        "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM", "HN", "HR",
        "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
        "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA",
        "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME",
        "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU",
        "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP",
        "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN", "PR",
        "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW", "SA", "SB", "SC", "SD",
        "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST", "SV",
        "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
        "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE",
        "VG", "VI", "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW"
    ]
) | {"EL", "XK"}
#: US states, the District of Columbia and the inhabited territories (ISO 3166-2:US), for
#: state legal process ("US-TX").
US_SUBDIVISIONS: frozenset[str] = frozenset(
    [
        "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN",
        "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV",
        "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN",
        "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "DC", "AS", "GU", "MP", "PR", "UM",
        "VI"
    ]
)
_SUBDIVISION = re.compile(r"^([A-Z]{2})-([A-Z0-9]{1,3})$")


#: ISO 3166-1 user-assigned alpha-2 codes (AA, QM-QZ, XA-XZ, ZZ): never a country, free for
#: private use such as a platform's own test or training libraries.
USER_ASSIGNED: frozenset[str] = frozenset(
    {"AA", "ZZ"}
    | {f"Q{c}" for c in "MNOPQRSTUVWXYZ"}
    | {f"X{c}" for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
)


def check_jurisdiction(code: str, *, generic: bool = True) -> str | None:
    """Why ``code`` is not a jurisdiction code the library accepts, or ``None`` if it is.

    Accepted: an ISO 3166-1 alpha-2 code, ``EU``, ``ZZ`` (the generic instruments, when
    ``generic``), a user-assigned code other than ``ZZ`` (private libraries) and an
    ISO 3166-2 subdivision of an accepted country (``US-TX``; for the United States the
    state must exist).
    """
    if code == "EU" or (generic and code == "ZZ") or code in ISO_3166_1:
        return None
    if code in USER_ASSIGNED and code not in ("ZZ", "XK"):
        return None
    match = _SUBDIVISION.match(code)
    if match:
        country, part = match.groups()
        if country not in ISO_3166_1:
            return f"{country!r} in {code!r} is not an ISO 3166-1 alpha-2 country code"
        if country == "US" and part not in US_SUBDIVISIONS:
            return f"{code!r} is not an ISO 3166-2:US state or territory"
        return None
    hint = " (the United Kingdom is GB)" if code == "UK" else ""
    return (
        f"{code!r} is not an ISO 3166-1 alpha-2 code, an ISO 3166-2 subdivision such as "
        f"'US-TX', 'EU' or 'ZZ'{hint}"
    )


def country_of(code: str) -> str:
    """The country part of a subdivision code ("US-TX" -> "US"); other codes unchanged."""
    upper = code.strip().upper()
    return upper.split("-", 1)[0] if _SUBDIVISION.match(upper) else upper


def covered(code: str) -> frozenset[str]:
    """Country codes a jurisdiction code stands for ("EU" expands to the Member States)."""
    upper = code.strip().upper()
    if upper == "EU":
        return EU_MEMBER_STATES | {"EU"}
    country = country_of(upper)
    return frozenset({upper, country})


def foreign_law(law_jurisdiction: str, requester: str) -> bool:
    """True when law of ``law_jurisdiction`` is another legal system's than ``requester``'s.

    Generic law ("ZZ": MLATs, the Budapest Convention) is everyone's; EU law is every Member
    State's. A State's authority ("US-TX") may cite federal law and a federal authority a
    State's; one State may not cite another's.
    """
    law_code = law_jurisdiction.strip().upper()
    asking = requester.strip().upper()
    if law_code == "ZZ":
        return False
    law = covered(law_code)
    if asking in law:
        return False
    state_law = country_of(law_code) != law_code
    return state_law or country_of(asking) not in law


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
