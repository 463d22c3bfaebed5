"""EU Financial Sanctions Files (FSF) consolidated list, XML "export" format.

Root `<export>` (namespace http://eu.europa.ec/fpi/fsd/export) with one `<sanctionEntity>`
per designation: `subjectType@code` (person / enterprise), `nameAlias` elements with
`wholeName` (or first/middle/last) and `function`, `birthdate@birthdate` (or year, month,
day parts), `citizenship@countryIso2Code`, `regulation@programme`, and `remark`s. The EU
reference number (`euReferenceNumber`, e.g. "EU.1234.56") is the stable id.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from ..countries import country_or_text
from ..dates import _iso, parse_dates
from ..model import ListEntry, ListFormatError, LoadReport, dedupe
from ._common import Source, children, clean_name, iter_xml, local, name_problem, source_name

LIST_ID = "eu_fsf"
_RECORDS = frozenset({"sanctionEntity"})
_SCHEMAS = {"person": "Person", "enterprise": "Organization", "P": "Person", "E": "Organization"}


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _birth(elem: Element) -> list[str]:
    out: list[str] = []
    for b in children(elem, "birthdate"):
        if b.get("birthdate"):
            out.extend(parse_dates(b.get("birthdate", "")))
            continue
        year = _int(b.get("year"))
        if year:
            iso = _iso(year, _int(b.get("monthOfYear")), _int(b.get("dayOfMonth")))
            if iso:
                out.append(iso)
        elif b.get("yearRangeFrom") and b.get("yearRangeTo"):
            out.extend(parse_dates(f"{b.get('yearRangeFrom')} to {b.get('yearRangeTo')}"))
    return out


def _alias_name(alias: Element) -> str:
    whole = clean_name(alias.get("wholeName"))
    if whole:
        return whole
    parts = [alias.get(k) or "" for k in ("firstName", "middleName", "lastName")]
    return clean_name(" ".join(parts))


def load_eu_xml(source: Source) -> LoadReport:
    """Load the EU FSF consolidated list (XML export, version 1.1)."""
    report = LoadReport(LIST_ID, source_name(source), "eu_fsf_xml")
    ordinal = 0
    for event, elem in iter_xml(source, _RECORDS):
        if event == "root":
            if local(elem.tag) != "export":
                raise ListFormatError(
                    f"{report.source}: root element is <{local(elem.tag)}>, expected "
                    "<export> (EU financial sanctions file)"
                )
            continue
        ordinal += 1
        ref = elem.get("euReferenceNumber") or elem.get("logicalId") or ""
        aliases = children(elem, "nameAlias")
        # strong aliases first; the EU marks weak ones strong="false"
        aliases.sort(key=lambda a: a.get("strong", "true") == "false")
        names = [n for a in aliases if not name_problem(n := _alias_name(a))]
        if not ref or not names:
            report.skip(ordinal, "missing id" if not ref else "empty name", ref)
            elem.clear()
            continue
        subject = next(iter(children(elem, "subjectType")), None)
        code = ""
        if subject is not None:
            code = subject.get("code") or subject.get("classificationCode") or ""
        positions = [clean_name(a.get("function")) for a in aliases]
        gender = next((a.get("gender", "") for a in aliases if a.get("gender")), "")
        nationalities = [
            c.get("countryIso2Code") or country_or_text(c.get("countryDescription", ""))
            for c in children(elem, "citizenship")
        ]
        remarks = " ".join(t for r in children(elem, "remark") if (t := clean_name(r.text)))
        report.entries.append(
            ListEntry(
                list_id=LIST_ID,
                entry_id=ref,
                schema=_SCHEMAS.get(code, "Organization"),
                names=dedupe(names),
                programmes=dedupe(r.get("programme", "") for r in children(elem, "regulation")),
                birth_dates=dedupe(_birth(elem)),
                nationalities=dedupe(n.upper() if len(n) == 2 else n for n in nationalities),
                positions=dedupe(positions),
                remarks=remarks,
                gender={"M": "Male", "F": "Female"}.get(gender, gender),
            )
        )
        elem.clear()
    if not report.entries and not report.skipped_count:
        raise ListFormatError(f"{report.source}: no sanctionEntity records found")
    return report
