"""FollowTheMoney entities as JSON lines (OpenSanctions `entities.ftm.json` exports).

One JSON object per line: `id`, `schema`, `properties` (every value a list of strings),
`datasets`. Only party schemata are screenable; Address, Identification and the like are
counted as ignored. A `Sanction` entity names the party it applies to (`entity`) and its
programme (`programId`, `program`, else `authority`): it is joined to that party, so each
hit carries its programme even where the party itself states none. The dataset name is
kept as the list id (the report's too, when the file holds one dataset).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import replace
from typing import Any

from ..model import ListEntry, LoadReport, dedupe
from ._common import Source, clean_name, name_problem, open_binary, source_name

_PARTY_SCHEMAS = {
    "Person": "Person",
    "Organization": "Organization",
    "Company": "Organization",
    "PublicBody": "Organization",
    "LegalEntity": "LegalEntity",
    "Vessel": "Vessel",
    "Airplane": "Aircraft",
}
MAX_LINE_BYTES = 5_000_000


def _strings(props: dict[str, Any], *names: str) -> list[str]:
    out: list[str] = []
    for n in names:
        values = props.get(n, [])
        if isinstance(values, str):
            values = [values]
        if isinstance(values, list):
            out.extend(v for v in values if isinstance(v, str))
    return out


def load_ftm_json(source: Source, list_id: str | None = None) -> LoadReport:
    """Load FtM JSON lines; `list_id` defaults to each entity's first dataset."""
    report = LoadReport(list_id or "opensanctions", source_name(source), "ftm_json")
    sanctions: dict[str, list[str]] = defaultdict(list)
    with open_binary(source) as fh:
        for line_no, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            if len(raw) > MAX_LINE_BYTES:
                report.skip(line_no, "line too long", f"{len(raw)} bytes")
                continue
            try:
                data = json.loads(raw)
            except (ValueError, UnicodeDecodeError) as exc:
                report.skip(line_no, "invalid JSON", str(exc))
                continue
            if not isinstance(data, dict) or not isinstance(data.get("properties", {}), dict):
                report.skip(line_no, "not an entity object")
                continue
            schema = _PARTY_SCHEMAS.get(str(data.get("schema", "")))
            if schema is None:
                if data.get("schema") == "Sanction":
                    props_s: dict[str, Any] = data.get("properties", {})
                    programme = _strings(props_s, "programId", "program") or _strings(
                        props_s, "authority"
                    )
                    for target in _strings(props_s, "entity"):
                        sanctions[target].extend(programme)
                report.ignored += 1
                continue
            props: dict[str, Any] = data.get("properties", {})
            names = _strings(props, "name")
            if not names:
                first = " ".join(_strings(props, "firstName", "middleName"))
                last = " ".join(_strings(props, "lastName"))
                names = [f"{last}, {first}" if last and first else last or first]
            names += _strings(props, "alias", "previousName", "weakAlias")
            cleaned = [clean_name(n) for n in names]
            names = [n for n in cleaned if not name_problem(n)]
            entity_id = str(data.get("id") or "")
            if not entity_id or not names:
                why = name_problem(cleaned[0] if cleaned else "") or "empty name"
                report.skip(line_no, "missing id" if not entity_id else why, entity_id)
                continue
            datasets = [d for d in data.get("datasets", []) if isinstance(d, str)]
            countries = _strings(props, "nationality", "citizenship")
            report.entries.append(
                ListEntry(
                    list_id=list_id or (datasets[0] if datasets else "opensanctions"),
                    entry_id=entity_id,
                    schema=schema,
                    names=dedupe(names),
                    programmes=dedupe(_strings(props, "programId", "program")),
                    birth_dates=dedupe(_strings(props, "birthDate")),
                    nationalities=dedupe(c.upper() if len(c) == 2 else c for c in countries),
                    positions=dedupe(_strings(props, "position")),
                    remarks=clean_name(" ".join(_strings(props, "notes", "summary")))[:2000],
                    addresses=dedupe(_strings(props, "address")),
                    gender=" ".join(_strings(props, "gender")[:1]).capitalize(),
                )
            )
    if sanctions:
        report.entries = [
            replace(e, programmes=dedupe([*e.programmes, *sanctions[e.entry_id]]))
            if e.entry_id in sanctions
            else e
            for e in report.entries
        ]
    in_file = {e.list_id for e in report.entries}
    if list_id is None and len(in_file) == 1:
        report.list_id = in_file.pop()
    return report
