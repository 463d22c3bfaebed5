"""OFAC SDN_ADVANCED.XML (the "advanced" sanctions data standard export).

The file is relational: reference value tables (alias, feature, name-part, party types,
countries), `Locations`, `DistinctParties` whose names are split into typed parts, and
`SanctionsEntries` carrying the programmes. Sections appear in different orders across
publications, so the loader streams the document, keeps IDs while reading, and resolves
them at the end. Unlike the legacy CSV it also carries names in original scripts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from ..countries import to_iso2
from ..dates import _iso
from ..han import has_han
from ..model import ListEntry, ListFormatError, LoadReport, dedupe
from ._common import (
    Source,
    child,
    children,
    clean_name,
    iter_xml,
    local,
    name_problem,
    source_name,
    text_of,
)

LIST_ID = "us_ofac_sdn"
_RECORDS = frozenset({"ReferenceValueSets", "Location", "DistinctParty", "SanctionsEntry"})
_SUBTYPE_FALLBACK = {"1": "Vessel", "2": "Aircraft", "3": "Organization", "4": "Person"}
_LAST_NAME_TYPES = {"last name", "surname", "family name", "patronymic"}


@dataclass
class _Party:
    fixed_ref: str
    profile_id: str
    subtype_id: str
    ordinal: int
    names: list[tuple[bool, list[tuple[str, str]]]] = field(default_factory=list)
    features: list[tuple[str, list[str], list[str], list[str]]] = field(default_factory=list)


def _date_part(elem: Element | None) -> tuple[int, int, int] | None:
    if elem is None:
        return None
    try:
        y = int(text_of(child(elem, "Year")) or 0)
        m = int(text_of(child(elem, "Month")) or 0)
        d = int(text_of(child(elem, "Day")) or 0)
    except ValueError:
        return None
    return (y, m, d) if y else None


def _period_dates(period: Element) -> list[str]:
    start = child(period, "Start")
    end = child(period, "End")
    lo = _date_part(child(start, "From")) if start is not None else None
    hi = _date_part(child(end, "To")) if end is not None else None
    if lo is None:
        return []
    if hi is None or hi == lo:
        iso = _iso(*lo)
        return [iso] if iso else []
    if hi[0] == lo[0]:
        # same year, whole-year span (1 Jan .. 31 Dec) or a part of it
        iso = _iso(lo[0], lo[1] if lo[1] == hi[1] else None)
        return [iso] if iso else []
    years = range(lo[0], hi[0] + 1) if hi[0] - lo[0] <= 10 else (lo[0], hi[0])
    return [s for y in years if (s := _iso(y))]


def _read_party(elem: Element, ordinal: int) -> _Party:
    profile = child(elem, "Profile")
    if profile is None:
        return _Party(elem.get("FixedRef", ""), "", "", ordinal)
    party = _Party(
        elem.get("FixedRef", "") or profile.get("ID", ""),
        profile.get("ID", ""),
        profile.get("PartySubTypeID", ""),
        ordinal,
    )
    for identity in children(profile, "Identity"):
        group_types: dict[str, str] = {}
        groups = child(identity, "NamePartGroups")
        if groups is not None:
            for master in children(groups, "MasterNamePartGroup"):
                for g in children(master, "NamePartGroup"):
                    group_types[g.get("ID", "")] = g.get("NamePartTypeID", "")
        for alias in children(identity, "Alias"):
            primary = alias.get("Primary", "false").lower() == "true"
            for doc in children(alias, "DocumentedName"):
                parts = []
                for part in children(doc, "DocumentedNamePart"):
                    value = child(part, "NamePartValue")
                    if value is not None and text_of(value):
                        type_id = group_types.get(value.get("NamePartGroupID", ""), "")
                        parts.append((type_id, text_of(value)))
                if parts:
                    party.names.append((primary, parts))
    for feature in children(profile, "Feature"):
        dates: list[str] = []
        details: list[str] = []
        locations: list[str] = []
        for version in children(feature, "FeatureVersion"):
            for period in children(version, "DatePeriod"):
                dates.extend(_period_dates(period))
            for detail in children(version, "VersionDetail"):
                text = text_of(detail)
                details.append(text or "#" + detail.get("DetailReferenceID", ""))
            for loc in children(version, "VersionLocation"):
                locations.append(loc.get("LocationID", ""))
        party.features.append((feature.get("FeatureTypeID", ""), dates, details, locations))
    return party


class _Refs:
    """The reference value tables, by ID."""

    def __init__(self) -> None:
        self.tables: dict[str, dict[str, str]] = defaultdict(dict)
        self.party_type_of_subtype: dict[str, str] = {}
        self.country_iso: dict[str, str] = {}

    def read(self, elem: Element) -> None:
        for table in elem:
            for value in table:
                vid = value.get("ID", "")
                self.tables[local(value.tag)][vid] = text_of(value)
                if local(value.tag) == "PartySubType":
                    self.party_type_of_subtype[vid] = value.get("PartyTypeID", "")
                elif local(value.tag) == "Country":
                    iso = value.get("ISO2") or to_iso2(text_of(value)) or text_of(value)
                    self.country_iso[vid] = iso
                elif local(value.tag) == "AreaCode" and value.get("CountryID"):
                    code = text_of(value)
                    if len(code) == 2:
                        self.country_iso.setdefault(value.get("CountryID", ""), code.upper())

    def name(self, table: str, vid: str) -> str:
        return self.tables.get(table, {}).get(vid, "")


def _schema(refs: _Refs, subtype_id: str) -> str:
    sub = refs.name("PartySubType", subtype_id).lower()
    if sub in ("vessel", "aircraft"):
        return sub.capitalize()
    party_type = refs.name("PartyType", refs.party_type_of_subtype.get(subtype_id, "")).lower()
    if party_type == "individual":
        return "Person"
    if party_type == "entity":
        return "Organization"
    return _SUBTYPE_FALLBACK.get(subtype_id, "Organization")


def _assemble(refs: _Refs, parts: list[tuple[str, str]]) -> str:
    last: list[str] = []
    rest: list[str] = []
    for type_id, text in parts:
        is_last = refs.name("NamePartType", type_id).lower() in _LAST_NAME_TYPES
        (last if is_last else rest).append(text)
    if has_han("".join(last + rest)) and not any(
        c.isascii() and c.isalpha() for t in parts for c in t[1]
    ):
        # Han-script names are written surname first, without separators
        return clean_name("".join(last + rest))
    if last and rest:
        return clean_name(" ".join(last) + ", " + " ".join(rest))
    return clean_name(" ".join(last or rest))


def load_ofac_xml(source: Source) -> LoadReport:
    """Load SDN_ADVANCED.XML (or CONS_ADVANCED.XML)."""
    report = LoadReport(LIST_ID, source_name(source), "ofac_advanced_xml")
    refs = _Refs()
    location_country: dict[str, str] = {}
    parties: list[_Party] = []
    programmes: dict[str, list[str]] = defaultdict(list)
    ordinal = 0
    for event, elem in iter_xml(source, _RECORDS):
        tag = local(elem.tag)
        if event == "root":
            if tag != "Sanctions":
                raise ListFormatError(
                    f"{report.source}: root element is <{tag}>, expected <Sanctions> "
                    "(OFAC advanced XML)"
                )
            continue
        if tag == "ReferenceValueSets":
            refs.read(elem)
        elif tag == "Location":
            country = child(elem, "LocationCountry")
            if country is not None:
                location_country[elem.get("ID", "")] = country.get("CountryID", "")
        elif tag == "DistinctParty":
            ordinal += 1
            parties.append(_read_party(elem, ordinal))
        elif tag == "SanctionsEntry":
            profile = elem.get("ProfileID", "")
            for measure in children(elem, "SanctionsMeasure"):
                kind = refs.name("SanctionsType", measure.get("SanctionsTypeID", "")).lower()
                comment = text_of(child(measure, "Comment"))
                if comment and kind in ("", "program"):
                    programmes[profile].append(comment)
        elem.clear()

    for party in parties:
        names: list[str] = []
        for _primary, parts in sorted(party.names, key=lambda n: not n[0]):
            name = _assemble(refs, parts)
            if not name_problem(name):
                names.append(name)
        if not party.fixed_ref or not names:
            report.skip(
                party.ordinal, "empty name" if party.fixed_ref else "missing id", party.fixed_ref
            )
            continue
        dates: list[str] = []
        nationalities: list[str] = []
        positions: list[str] = []
        gender = ""
        for type_id, f_dates, details, locations in party.features:
            kind = refs.name("FeatureType", type_id).lower()
            texts = [
                refs.name("DetailReference", d[1:]) if d.startswith("#") else d for d in details
            ]
            if "birth" in kind and "date" in kind:
                dates.extend(f_dates)
            elif "nationality" in kind or "citizenship" in kind:
                for loc in locations:
                    cid = location_country.get(loc, "")
                    if cid:
                        nationalities.append(refs.country_iso.get(cid, cid))
                nationalities.extend(to_iso2(t) or t for t in texts if t)
            elif kind == "gender":
                gender = next((t for t in texts if t), gender)
            elif kind in ("title", "position"):
                positions.extend(t for t in texts if t)
        report.entries.append(
            ListEntry(
                list_id=LIST_ID,
                entry_id=party.fixed_ref,
                schema=_schema(refs, party.subtype_id),
                names=dedupe(names),
                programmes=dedupe(programmes.get(party.profile_id, ())),
                birth_dates=dedupe(dates),
                nationalities=dedupe(nationalities),
                positions=dedupe(positions),
                gender=gender,
            )
        )
    if not report.entries and not report.skipped_count:
        raise ListFormatError(f"{report.source}: no DistinctParty records found")
    return report
