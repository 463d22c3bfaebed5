"""Load and validate the law library.

Every load validates the whole library and fails loudly: a lawyer's typo must not turn
into a silently wrong vetting result. The library version is a hash of the file contents
(not of paths or order), so findings can record exactly which law data produced them.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pydantic import ValidationError

from dueprocess.law.citations import CitationIndex
from dueprocess.law.regions import country_of, covered
from dueprocess.law.schema import ANY_JURISDICTION, Instrument, Jurisdiction, LawFile, Offence
from dueprocess.law.yamlsource import Problem, SourceError, YamlSource, parse_yaml

__all__ = [
    "LawLibraryError",
    "Library",
    "build_library",
    "default_library",
    "load_library",
    "validation_problems",
]


class LawLibraryError(SourceError):
    """Invalid law data: every problem names the file, the line and the field.

    ``source`` is the first file with a problem; ``line`` and ``field`` are those of the
    first problem. ``problems`` holds all of them (a file can have several).
    """

    def __init__(
        self,
        message: str = "",
        *,
        source: str | None = None,
        field: str | None = None,
        line: int | None = None,
        problems: Sequence[Problem] | None = None,
    ):
        super().__init__(problems or [Problem(line, field, message)], source=source)


@dataclass(frozen=True)
class Library:
    """The instruments and offences in force-agnostic form, plus the data version."""

    instruments: Mapping[str, Instrument]
    offences: Mapping[str, Offence]
    version: str
    jurisdictions: Mapping[str, Jurisdiction] = field(
        default_factory=lambda: MappingProxyType({})
    )
    _instrument_citations: CitationIndex = field(default_factory=lambda: CitationIndex(()))
    _offence_citations: CitationIndex = field(default_factory=lambda: CitationIndex(()))

    def jurisdiction(self, code: str) -> Jurisdiction | None:
        """The profile of a legal system (a subdivision falls back to its country)."""
        upper = code.strip().upper()
        return self.jurisdictions.get(upper) or self.jurisdictions.get(country_of(upper))

    def match_instrument(self, text: str, jurisdiction: str) -> Instrument | None:
        """The instrument of ``jurisdiction`` (or of law reaching it) a free-text legal
        basis cites: "§ 2703(d)", "Sch. 4 A406A". ``None`` when nothing or more than one
        instrument matches equally well."""
        found = self._instrument_citations.match(text, _visible(jurisdiction))
        return None if found is None else self.instruments.get(found)

    def match_offence(self, text: str, jurisdiction: str) -> Offence | None:
        """The offence a free-text citation names ("art. 207.3 UK RF", "s 112 Criminal
        Code"), among those of ``jurisdiction``."""
        found = self._offence_citations.match(text, _visible(jurisdiction))
        return None if found is None else self.offences.get(found)

    def resolve_offence(self, cited: str, jurisdiction: str) -> Offence | None:
        """A cited offence by id, else by citation."""
        return self.offences.get(cited) or self.match_offence(cited, jurisdiction)

    def get(self, instrument_id: str) -> Instrument | None:
        return self.instruments.get(instrument_id)

    def offence(self, offence_id: str) -> Offence | None:
        return self.offences.get(offence_id)

    def in_force(self, instrument_id: str, on: date) -> bool:
        """False for an unknown instrument: nothing unknown can be in force."""
        instrument = self.instruments.get(instrument_id)
        return instrument is not None and instrument.in_force(on)


def _visible(jurisdiction: str) -> frozenset[str]:
    """Jurisdictions whose law an authority of ``jurisdiction`` may cite."""
    upper = jurisdiction.strip().upper()
    country = country_of(upper)
    codes = {upper, country}
    if country in covered("EU"):
        codes.add("EU")
    return frozenset(codes)


def _loc(loc: Sequence[int | str]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _item_id(raw: Any, loc: Sequence[int | str]) -> str | None:
    """The ``id`` of the instrument/offence an error points into, for a readable message."""
    if len(loc) >= 2 and isinstance(raw, dict) and isinstance(loc[1], int):
        items = raw.get(loc[0])
        if isinstance(items, list) and 0 <= loc[1] < len(items):
            item = items[loc[1]]
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                return str(item["id"])
    return None


_FIELD_PREFIX = re.compile(r"^(?:Value error, )?([a-z_][a-z0-9_]*(?:\.[a-z0-9_]+)*): (.*)$", re.S)


def validation_problems(source: YamlSource, exc: ValidationError) -> list[Problem]:
    """Turn pydantic errors into problems with lines.

    Model-level checks (``compels.disclose: ...``) start their message with the field they
    concern, which points the line at that field rather than at the whole item.
    """
    problems = []
    for err in exc.errors():
        loc = list(err["loc"])
        message = str(err["msg"])
        match = _FIELD_PREFIX.match(message)
        if match and err["type"] == "value_error":
            loc.extend(match.group(1).split("."))
            message = match.group(2)
        if message.startswith("Value error, "):
            message = message[len("Value error, "):]
        got = err.get("input")
        shown = ""
        if isinstance(got, str | int | float | date) and err["type"] != "missing":
            shown = f" (got {got!r:.80})"
        problems.append(
            Problem(source.line_of(loc), _loc(loc), f"{message}{shown}", _item_id(source.data, loc))
        )
    return problems


def _parse(name: str, content: bytes) -> tuple[LawFile, YamlSource]:
    try:
        source = parse_yaml(name, content)
    except SourceError as exc:
        raise LawLibraryError(problems=exc.problems, source=name) from exc
    if not isinstance(source.data, dict):
        raise LawLibraryError(
            "top level must be a mapping with 'instruments' and/or 'offences'",
            source=name,
            line=source.line_of(()),
        )
    try:
        return LawFile.model_validate(source.data), source
    except ValidationError as exc:
        raise LawLibraryError(problems=validation_problems(source, exc), source=name) from exc


def _sources(paths: Iterable[Path]) -> Iterator[tuple[str, bytes]]:
    for path in paths:
        if path.is_dir():
            for child in sorted(path.glob("*.yaml")):
                yield str(child), child.read_bytes()
        else:
            try:
                yield str(path), path.read_bytes()
            except OSError as exc:
                raise LawLibraryError(f"cannot read: {exc}", source=str(path)) from exc


def _bundled() -> Iterator[tuple[str, bytes]]:
    data = resources.files("dueprocess.law").joinpath("data")
    for entry in sorted(data.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml") and entry.is_file():
            yield f"dueprocess/law/data/{entry.name}", entry.read_bytes()


def load_library(paths: Iterable[Path] | None = None, *, with_bundled: bool = False) -> Library:
    """Load YAML files (or directories of ``*.yaml``); default: the bundled data.

    ``with_bundled`` loads the given files on top of the bundled ones, a given file
    replacing the bundled file of the same name: that is how an edited or new file is
    checked against the rest of the library before it is shipped.

    Raises :class:`LawLibraryError` for the first file with problems, or for references
    between files that do not resolve (an instrument naming an offence nobody defines).
    """
    if paths is None:
        sources = list(_bundled())
    else:
        sources = list(_sources(paths))
        if with_bundled:
            given = {Path(name).name for name, _ in sources}
            sources = [s for s in _bundled() if Path(s[0]).name not in given] + sources
    if not sources:
        raise LawLibraryError("no law library files found")
    return build_library(sources)


def build_library(sources: Sequence[tuple[str, bytes]]) -> Library:
    """Validate named file contents as one library."""
    instruments: dict[str, Instrument] = {}
    offences: dict[str, Offence] = {}
    profiles: dict[str, Jurisdiction] = {}
    origin: dict[str, tuple[YamlSource, str]] = {}
    parsed_files: list[tuple[LawFile, YamlSource]] = []
    for name, content in sources:
        parsed, source = _parse(name, content)
        parsed_files.append((parsed, source))
        for index, profile in enumerate(parsed.jurisdictions):
            key = f"jurisdiction:{profile.code}"
            path = ("jurisdictions", index, "code")
            if key in origin:
                raise LawLibraryError(
                    f"duplicate jurisdiction {profile.code!r} (first defined in "
                    f"{origin[key][1]})",
                    source=name,
                    field=f"jurisdictions[{index}].code",
                    line=source.line_of(path),
                )
            line = source.line_of(path)
            origin[key] = (source, f"{name}:{line}" if line else name)
            profiles[profile.code] = profile
        entries: list[tuple[str, int, Instrument | Offence]] = [
            *(("instruments", i, item) for i, item in enumerate(parsed.instruments)),
            *(("offences", i, item) for i, item in enumerate(parsed.offences)),
        ]
        for section, index, item in entries:
            kind = section[:-1]
            key = f"{kind}:{item.id}"
            path = (section, index, "id")
            if key in origin:
                raise LawLibraryError(
                    f"duplicate {kind} id {item.id!r} (first defined in {origin[key][1]})",
                    source=name,
                    field=f"{section}[{index}].id",
                    line=source.line_of(path),
                )
            first_line = source.line_of(path)
            origin[key] = (source, f"{name}:{first_line}" if first_line else name)
            if isinstance(item, Instrument):
                instruments[item.id] = item
            else:
                offences[item.id] = item
    for parsed, source in parsed_files:
        problems = [
            Problem(
                source.line_of(("instruments", index, "offences", position)),
                f"instruments[{index}].offences[{position}]",
                f"unknown offence {offence_id!r}: no library file defines it",
                instrument.id,
            )
            for index, instrument in enumerate(parsed.instruments)
            for position, offence_id in enumerate(instrument.offences)
            if offence_id not in offences
        ]
        problems += [
            Problem(
                source.line_of(("instruments", index, "offences", position)),
                f"instruments[{index}].offences[{position}]",
                f"offence {offence_id!r} belongs to {offences[offence_id].jurisdiction}, "
                f"not {instrument.jurisdiction}",
                instrument.id,
            )
            for index, instrument in enumerate(parsed.instruments)
            for position, offence_id in enumerate(instrument.offences)
            if offence_id in offences
            and instrument.jurisdiction != ANY_JURISDICTION
            and offences[offence_id].jurisdiction not in covered(instrument.jurisdiction)
        ]
        if problems:
            raise LawLibraryError(problems=problems, source=source.name)
    digest = hashlib.sha256()
    for file_digest in sorted(hashlib.sha256(content).hexdigest() for _, content in sources):
        digest.update(file_digest.encode())
    return Library(
        instruments=MappingProxyType(dict(sorted(instruments.items()))),
        offences=MappingProxyType(dict(sorted(offences.items()))),
        version=digest.hexdigest()[:12],
        jurisdictions=MappingProxyType(dict(sorted(profiles.items()))),
        _instrument_citations=CitationIndex(
            (i.id, i.jurisdiction, (i.citation, *i.aliases)) for i in instruments.values()
        ),
        _offence_citations=CitationIndex(
            (o.id, o.jurisdiction, (o.citation, *o.aliases)) for o in offences.values()
        ),
    )


@functools.lru_cache(maxsize=1)
def default_library() -> Library:
    """The bundled library, loaded once per process."""
    return load_library()
