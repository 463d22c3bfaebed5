"""Sanctions screening: list loaders, name normalisation, Han-script romanisation, index.

Pure Python (no Django, no network). Typical use::

    from dueprocess.screening import Query, ScreeningIndex, load_list

    report = load_list("downloads/ofac")          # or sdn.csv, consolidated.xml, ...
    index = ScreeningIndex.build(report.entries)
    hits = index.search(Query("鄧炳強", birth_date="1965-07-04"))
    alerts = [h for h in hits if h.score >= DEFAULT_THRESHOLD]

See docs/screening.md for how scores are made and what they cannot do.
"""

from .countries import to_iso2
from .index import DEFAULT_THRESHOLD, Hit, Query, ScreeningIndex, adjust
from .loaders import (
    FORMATS,
    detect_format,
    load_eu_xml,
    load_ftm_json,
    load_list,
    load_ofac_csv,
    load_ofac_xml,
    load_uk_csv,
    load_un_xml,
)
from .matching import NameScore, TokenMatch, compare, compare_names
from .model import ListDiff, ListEntry, ListFormatError, LoadReport, SkippedRow, diff
from .normalize import normalize_name, phonetic_key, tokenize

__all__ = [
    "DEFAULT_THRESHOLD",
    "FORMATS",
    "Hit",
    "ListDiff",
    "ListEntry",
    "ListFormatError",
    "LoadReport",
    "NameScore",
    "Query",
    "ScreeningIndex",
    "SkippedRow",
    "TokenMatch",
    "adjust",
    "compare",
    "compare_names",
    "detect_format",
    "diff",
    "load_eu_xml",
    "load_ftm_json",
    "load_list",
    "load_ofac_csv",
    "load_ofac_xml",
    "load_uk_csv",
    "load_un_xml",
    "normalize_name",
    "phonetic_key",
    "to_iso2",
    "tokenize",
]
