"""OFAC SDN list in the legacy CSV files (sdn.csv, alt.csv, add.csv, sdn_comments.csv).

The files have no header; `-0-` (often followed by a space) means null; the last line may
be a DOS end-of-file character. Remarks are semicolon-separated facts from which aliases
(`a.k.a. 'X'`), birth dates, nationality/citizenship, gender and positions are read.
Remarks longer than the column allows continue in sdn_comments.csv.
"""

from __future__ import annotations

import csv
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..countries import country_or_text
from ..dates import parse_dates
from ..model import ListEntry, ListFormatError, LoadReport, dedupe
from ._common import Source, clean_name, name_problem, source_name, text_stream

LIST_ID = "us_ofac_sdn"
SDN_COLUMNS = 12
ALT_COLUMNS = 5
ADD_COLUMNS = 6
_TYPES = {"individual": "Person", "vessel": "Vessel", "aircraft": "Aircraft", "": "Organization"}
_ALIAS = re.compile(r"^[afn]\.k\.a\.,?\s+['\u2018\u2019\"](.+?)['\u2018\u2019\"]?\.?$", re.I)
_DOB = re.compile(r"^(?:alt\.\s+)?DOB\s+(.+)$", re.I)
_NATIONALITY = re.compile(r"^(?:alt\.\s+)?(?:nationality|citizen)\s*:?\s+(.+)$", re.I)
_GENDER = re.compile(r"^Gender\s*:?\s+(Male|Female)\b", re.I)
_POSITION = re.compile(r"^(?:Position|Title)\s*:\s*(.+)$", re.I)


def _null(value: str) -> str:
    v = value.strip()
    return "" if v == "-0-" else v


@dataclass
class _Remarks:
    aliases: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    positions: list[str] = field(default_factory=list)
    gender: str = ""


def parse_remarks(remarks: str) -> _Remarks:
    """Pull the screenable facts out of an SDN remarks field."""
    out = _Remarks()
    for raw in remarks.split(";"):
        part = raw.strip().rstrip(".").strip()
        if not part:
            continue
        if m := _ALIAS.match(part):
            out.aliases.append(m.group(1).strip())
        elif m := _DOB.match(part):
            out.dates.extend(parse_dates(m.group(1)))
        elif m := _NATIONALITY.match(part):
            value = re.sub(r"^possibly\s+", "", m.group(1), flags=re.I)
            if not value.lower().startswith("of registration"):  # a vessel's flag
                out.nationalities.append(country_or_text(value))
        elif m := _GENDER.match(part):
            out.gender = m.group(1).capitalize()
        elif m := _POSITION.match(part):
            out.positions.append(m.group(1).strip())
    return out


def _programmes(value: str) -> tuple[str, ...]:
    return dedupe(p.strip(" []") for p in re.split(r"\]\s*\[", value) if p.strip(" []"))


def _rows(
    source: Source, report: LoadReport, columns: int | None = None
) -> list[tuple[int, list[str]]]:
    """Rows with their line numbers; a last row cut short means the file was cut.

    OFAC ends every row with CRLF (and the file with a DOS end-of-file character). A file
    whose last row lacks its line end *and* its columns (or its closing quote) is a cut
    download: the whole file is refused (`ListFormatError`) rather than loaded without
    its tail.
    """
    stream = text_stream(source)
    text = stream.getvalue().rstrip("\x1a")
    cut = bool(text) and not text.endswith("\n")
    reader = csv.reader(stream)
    rows: list[tuple[int, list[str]]] = []
    error_line = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            error_line = reader.line_num
            report.skip(reader.line_num, "malformed CSV", str(exc))
            continue
        if not row or (len(row) == 1 and row[0].strip() in ("", "\x1a")):
            continue
        rows.append((reader.line_num, row))
    if cut:
        last = text.count("\n") + 1
        short = columns is not None and bool(rows) and len(rows[-1][1]) < columns
        open_quote = text[text.rfind("\n") + 1 :].count('"') % 2 == 1
        if open_quote or error_line >= last or (short and rows[-1][0] >= last):
            raise ListFormatError(
                f"{source_name(source)}, line {last}: the file ends mid-row (truncated download)"
            )
    return rows


def _siblings(source: Source) -> tuple[Source, Path | None]:
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if path.is_dir():
            path = path / "sdn.csv"
        if not path.is_file():
            raise ListFormatError(f"{path}: no such file")
        return path, path.parent
    return source, None


def load_ofac_csv(
    source: Source,
    *,
    alt: Source | None = None,
    add: Source | None = None,
    comments: Source | None = None,
) -> LoadReport:
    """Load sdn.csv plus alt.csv, add.csv and sdn_comments.csv.

    `source` may be the folder, the sdn.csv path or a binary stream. With a path, the
    sibling files are picked up when present; streams for them can be passed explicitly.
    """
    main, folder = _siblings(source)
    if folder is not None:
        alt = alt if alt is not None else _maybe(folder / "alt.csv")
        add = add if add is not None else _maybe(folder / "add.csv")
        comments = comments if comments is not None else _maybe(folder / "sdn_comments.csv")
    report = LoadReport(LIST_ID, source_name(main), "ofac_csv")
    # aliases and addresses are half of what screening compares: a set without them is
    # not the list in force
    if alt is None:
        report.incomplete.append("alt.csv (aliases) is missing from the OFAC set")
    if add is None:
        report.incomplete.append("add.csv (addresses) is missing from the OFAC set")

    extra_remarks: dict[str, str] = {}
    if comments is not None:
        for line, row in _rows(comments, report):
            if len(row) < 2:
                report.skip(line, "wrong column count", f"sdn_comments: {len(row)}")
                continue
            extra_remarks[row[0].strip()] = extra_remarks.get(row[0].strip(), "") + row[1]

    aliases: dict[str, list[str]] = defaultdict(list)
    if alt is not None:
        for line, row in _rows(alt, report, ALT_COLUMNS):
            if len(row) != ALT_COLUMNS:
                report.skip(line, "wrong column count", f"alt.csv: {len(row)} columns")
                continue
            name = clean_name(_null(row[3]))
            problem = name_problem(name)
            if problem:
                report.skip(line, problem, f"alt.csv ent_num {row[0]}")
                continue
            aliases[row[0].strip()].append(name)

    addresses: dict[str, list[str]] = defaultdict(list)
    if add is not None:
        for line, row in _rows(add, report, ADD_COLUMNS):
            if len(row) != ADD_COLUMNS:
                report.skip(line, "wrong column count", f"add.csv: {len(row)} columns")
                continue
            parts = [clean_name(_null(v)) for v in row[2:5]]
            text = ", ".join(p for p in parts if p)
            if text:
                addresses[row[0].strip()].append(text)

    for line, row in _rows(main, report, SDN_COLUMNS):
        if len(row) != SDN_COLUMNS:
            report.skip(line, "wrong column count", f"{len(row)} columns, expected 12")
            continue
        ent_num = row[0].strip()
        if not ent_num.isdigit():
            report.skip(line, "bad entry number", ent_num)
            continue
        name = clean_name(_null(row[1]))
        problem = name_problem(name)
        if problem:
            report.skip(line, problem, f"ent_num {ent_num}")
            continue
        remarks = _null(row[11]) + extra_remarks.get(ent_num, "")
        facts = parse_remarks(remarks)
        title = clean_name(_null(row[4]))
        names = [name, *aliases.get(ent_num, ()), *facts.aliases]
        names = [n for n in names if not name_problem(n)]
        report.entries.append(
            ListEntry(
                list_id=LIST_ID,
                entry_id=ent_num,
                schema=_TYPES.get(_null(row[2]).lower(), "Organization"),
                names=dedupe(names),
                programmes=_programmes(_null(row[3])),
                birth_dates=dedupe(facts.dates),
                nationalities=dedupe(facts.nationalities),
                positions=dedupe([title, *facts.positions]),
                remarks=" ".join(remarks.split()),
                addresses=dedupe(addresses.get(ent_num, ())),
                gender=facts.gender,
            )
        )
    return report


def _maybe(path: Path) -> Path | None:
    return path if path.is_file() else None
