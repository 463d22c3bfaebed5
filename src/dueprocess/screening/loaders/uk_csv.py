"""UK sanctions list CSV: the FCDO "UK Sanctions List" and the OFSI consolidated list.

Both have a line or two of preamble ("Report Date: ...", "Last Updated,...") before the
header, one row per name (so aliases are extra rows of the same designation, grouped by
`Unique ID` / `Group ID`), the surname in `Name 6` and given names in `Name 1`-`Name 5`.
Columns are found by header name, so either variant and re-ordered exports load.
Dates are dd/mm/yyyy with 00 for unknown parts; multi-valued cells number their values
"(1) ... (2) ...".
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field

from ..countries import country_or_text
from ..dates import parse_dates
from ..model import ListEntry, ListFormatError, LoadReport, dedupe
from ._common import Source, clean_name, name_problem, source_name, text_stream

LIST_ID = "gb_hmt_sanctions"
_NUMBERED = re.compile(r"\(\d+\)")
_ALIASES = {
    "id": ("uniqueid", "groupid", "ofsigroupid"),
    "type": ("designationtype", "grouptype", "entitytype", "type"),
    "name_type": ("nametype", "aliastype"),
    "nonlatin": ("namenonlatinscript",),
    "dob": ("dob",),
    "nationality": ("nationalityies", "nationality", "nationalities"),
    "position": ("position",),
    "regime": ("regimename", "regime"),
    "gender": ("gender",),
    "other": ("otherinformation",),
}


@dataclass
class _Group:
    primary: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    dob: list[str] = field(default_factory=list)
    nat: list[str] = field(default_factory=list)
    pos: list[str] = field(default_factory=list)
    regime: list[str] = field(default_factory=list)
    type: str = ""
    gender: str = ""
    other: str = ""


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


def _split(value: str) -> list[str]:
    parts = _NUMBERED.split(value) if _NUMBERED.search(value) else re.split(r"[|;]", value)
    return [p.strip(" ,") for p in parts if p.strip(" ,")]


def _schema(value: str) -> str:
    v = value.lower()
    if "individual" in v:
        return "Person"
    if "ship" in v or "vessel" in v:
        return "Vessel"
    return "Organization"


def load_uk_csv(source: Source) -> LoadReport:
    """Load a UK Sanctions List or OFSI consolidated list CSV export."""
    report = LoadReport(LIST_ID, source_name(source), "uk_csv")
    reader = csv.reader(text_stream(source))
    header: dict[str, int] | None = None
    groups: dict[str, _Group] = {}
    for _ in range(10):
        try:
            row = next(reader)
        except (StopIteration, csv.Error):
            break
        keys = [_key(h) for h in row]
        if "name6" in keys and any(k in keys for k in _ALIASES["id"]):
            header = {k: i for i, k in enumerate(keys) if k}
            break
    if header is None:
        raise ListFormatError(
            f"{report.source}: no header with 'Name 6' and a 'Unique ID'/'Group ID' column "
            "in the first 10 lines (UK sanctions list CSV)"
        )
    hdr = header
    width = max(hdr.values()) + 1

    def col(row: list[str], field: str) -> str:
        for k in _ALIASES.get(field, (field,)):
            if k in hdr and hdr[k] < len(row):
                return row[hdr[k]].strip()
        return ""

    name_cols = [hdr.get(f"name{i}") for i in range(1, 6)]
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            report.skip(reader.line_num, "malformed CSV", str(exc))
            continue
        if not any(c.strip() for c in row):
            continue
        if len(row) != width:
            report.skip(reader.line_num, "wrong column count", f"{len(row)}, expected {width}")
            continue
        gid = col(row, "id")
        surname = clean_name(row[hdr["name6"]])
        given = clean_name(" ".join(row[i] for i in name_cols if i is not None))
        name = f"{surname}, {given}" if surname and given else surname or given
        problem = name_problem(name) or ("missing id" if not gid else None)
        if problem:
            report.skip(reader.line_num, problem, gid)
            continue
        g = groups.setdefault(gid, _Group())
        primary = "primary" in col(row, "name_type").lower()
        (g.primary if primary else g.names).append(name)
        nonlatin = clean_name(col(row, "nonlatin"))
        if nonlatin and not name_problem(nonlatin):
            g.names.append(nonlatin)
        for d in _split(col(row, "dob")):
            g.dob.extend(parse_dates(d))
        g.nat.extend(country_or_text(n) for n in _split(col(row, "nationality")))
        g.pos.extend(_split(col(row, "position")))
        g.regime.append(col(row, "regime"))
        g.type = g.type or col(row, "type")
        g.gender = g.gender or col(row, "gender")
        g.other = g.other or clean_name(col(row, "other"))
    for gid, g in groups.items():
        report.entries.append(
            ListEntry(
                list_id=LIST_ID,
                entry_id=gid,
                schema=_schema(g.type),
                names=dedupe([*g.primary, *g.names]),
                programmes=dedupe(g.regime),
                birth_dates=dedupe(g.dob),
                nationalities=dedupe(g.nat),
                positions=dedupe(g.pos),
                remarks=g.other,
                gender=g.gender,
            )
        )
    return report
