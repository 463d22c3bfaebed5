"""UN Security Council consolidated list (consolidated.xml).

INDIVIDUAL and ENTITY records; the name is FIRST_NAME .. FOURTH_NAME in order, aliases
come from INDIVIDUAL_ALIAS / ENTITY_ALIAS and NAME_ORIGINAL_SCRIPT (often Arabic or Han
script, which the matcher reads directly). REFERENCE_NUMBER (e.g. "QDi.001") is the
stable id; UN_LIST_TYPE the sanctions regime.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

from ..countries import country_or_text
from ..dates import parse_dates, year_range
from ..model import ListEntry, ListFormatError, LoadReport, dedupe
from ._common import (
    Source,
    child_text,
    children,
    clean_name,
    iter_xml,
    local,
    name_problem,
    source_name,
    text_of,
)

LIST_ID = "un_sc"
_RECORDS = frozenset({"INDIVIDUAL", "ENTITY"})
_ORIGINAL_SCRIPT = re.compile(r"\(\s*original script:\s*([^)]*)\)", re.IGNORECASE)


def _alias_names(alias: Element) -> list[str]:
    """The names one alias element gives.

    One ALIAS_NAME often holds several spellings ("Qasim Soleimani; Qasem Sulaimani"), and
    the name in its original script comes in brackets after it ("Abu Muhammad (original
    script: ...)") or in the alias's NOTE ("original script: ..."): each is a name of its
    own.
    """
    text = child_text(alias, "ALIAS_NAME")
    names = _ORIGINAL_SCRIPT.findall(text)
    names += _ORIGINAL_SCRIPT.sub(" ", text).split(";")
    note = child_text(alias, "NOTE")
    if note.casefold().startswith("original script:"):
        names.append(note.split(":", 1)[1])
    return [clean_name(n) for n in names]


def _values(elem: Element, name: str) -> list[str]:
    return [text_of(v) for c in children(elem, name) for v in children(c, "VALUE") if text_of(v)]


def _dates(elem: Element) -> list[str]:
    out: list[str] = []
    for dob in children(elem, "INDIVIDUAL_DATE_OF_BIRTH"):
        date = child_text(dob, "DATE")
        year = child_text(dob, "YEAR")
        if date:
            out.extend(parse_dates(date))
        elif year:
            out.extend(parse_dates(year))
        else:
            out.extend(year_range(child_text(dob, "FROM_YEAR"), child_text(dob, "TO_YEAR")))
    return out


def load_un_xml(source: Source) -> LoadReport:
    """Load the UN consolidated list XML."""
    report = LoadReport(LIST_ID, source_name(source), "un_xml")
    ordinal = 0
    for event, elem in iter_xml(source, _RECORDS):
        if event == "root":
            if local(elem.tag) != "CONSOLIDATED_LIST":
                raise ListFormatError(
                    f"{report.source}: root element is <{local(elem.tag)}>, "
                    "expected <CONSOLIDATED_LIST> (UN consolidated list)"
                )
            report.published = (elem.get("dateGenerated") or "")[:10]
            continue
        ordinal += 1
        person = local(elem.tag) == "INDIVIDUAL"
        ref = child_text(elem, "REFERENCE_NUMBER") or child_text(elem, "DATAID")
        primary = clean_name(
            " ".join(
                child_text(elem, f)
                for f in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
            )
        )
        problem = name_problem(primary)
        if not ref:
            problem = problem or "missing reference number"
        if problem:
            report.skip(ordinal, problem, ref or "")
            elem.clear()
            continue
        alias_tag = "INDIVIDUAL_ALIAS" if person else "ENTITY_ALIAS"
        aliases = [name for a in children(elem, alias_tag) for name in _alias_names(a)]
        aliases.append(clean_name(child_text(elem, "NAME_ORIGINAL_SCRIPT")))
        names = [primary, *(a for a in aliases if not name_problem(a))]
        comments = clean_name(child_text(elem, "COMMENTS1"))
        addresses = []
        for addr in children(elem, "INDIVIDUAL_ADDRESS" if person else "ENTITY_ADDRESS"):
            parts = [child_text(addr, f) for f in ("STREET", "CITY", "STATE_PROVINCE", "COUNTRY")]
            addresses.append(", ".join(p for p in parts if p))
        report.entries.append(
            ListEntry(
                list_id=LIST_ID,
                entry_id=ref,
                schema="Person" if person else "Organization",
                names=dedupe(names),
                programmes=dedupe([child_text(elem, "UN_LIST_TYPE")]),
                birth_dates=dedupe(_dates(elem)) if person else (),
                nationalities=dedupe(country_or_text(v) for v in _values(elem, "NATIONALITY")),
                positions=dedupe(_values(elem, "DESIGNATION")),
                remarks=comments,
                addresses=dedupe(addresses),
                gender=child_text(elem, "GENDER"),
            )
        )
        elem.clear()
    if not report.entries and not report.skipped_count:
        raise ListFormatError(f"{report.source}: no INDIVIDUAL or ENTITY records found")
    return report
