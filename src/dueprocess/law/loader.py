"""Load and validate the law library.

Every load validates the whole library and fails loudly: a lawyer's typo must not turn
into a silently wrong vetting result. The library version is a hash of the file contents
(not of paths or order), so findings can record exactly which law data produced them.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml
from pydantic import ValidationError

from dueprocess.law.schema import Instrument, LawFile, Offence

__all__ = ["LawLibraryError", "Library", "default_library", "load_library"]


class LawLibraryError(Exception):
    """Invalid law data; ``source`` names the file and ``field`` the offending field."""

    def __init__(self, message: str, *, source: str | None = None, field: str | None = None):
        prefix = f"{source}: " if source else ""
        super().__init__(prefix + message)
        self.source = source
        self.field = field


@dataclass(frozen=True)
class Library:
    """The instruments and offences in force-agnostic form, plus the data version."""

    instruments: Mapping[str, Instrument]
    offences: Mapping[str, Offence]
    version: str

    def get(self, instrument_id: str) -> Instrument | None:
        return self.instruments.get(instrument_id)

    def offence(self, offence_id: str) -> Offence | None:
        return self.offences.get(offence_id)

    def in_force(self, instrument_id: str, on: date) -> bool:
        """False for an unknown instrument: nothing unknown can be in force."""
        instrument = self.instruments.get(instrument_id)
        return instrument is not None and instrument.in_force(on)


class _StrictLoader(yaml.SafeLoader):
    """Safe loader that rejects duplicate mapping keys (PyYAML keeps the last one)."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, Hashable):
            raise yaml.constructor.ConstructorError(
                None, None, "unhashable mapping key", key_node.start_mark
            )
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen[key] = loader.construct_object(value_node, deep=True)
    return seen


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


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


def _parse(name: str, content: bytes) -> LawFile:
    try:
        raw = yaml.load(content, Loader=_StrictLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        raise LawLibraryError(f"invalid YAML: {exc}", source=name) from exc
    if not isinstance(raw, dict):
        raise LawLibraryError(
            "top level must be a mapping with 'instruments' and/or 'offences'", source=name
        )
    try:
        return LawFile.model_validate(raw)
    except ValidationError as exc:
        errors = exc.errors()
        parts = []
        for err in errors[:10]:
            where = _loc(err["loc"])
            item = _item_id(raw, err["loc"])
            label = f"{where} (id {item})" if item else where
            got = err.get("input")
            shown = f" (got {got!r:.80})" if isinstance(got, str | int | float | date) else ""
            parts.append(f"{label}: {err['msg']}{shown}")
        first = _loc(errors[0]["loc"]) if errors else None
        raise LawLibraryError("; ".join(parts), source=name, field=first) from exc


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


def load_library(paths: Iterable[Path] | None = None) -> Library:
    """Load YAML files (or directories of ``*.yaml``); default: the bundled data."""
    sources = list(_bundled() if paths is None else _sources(paths))
    if not sources:
        raise LawLibraryError("no law library files found")
    instruments: dict[str, Instrument] = {}
    offences: dict[str, Offence] = {}
    origin: dict[str, str] = {}
    for name, content in sources:
        parsed = _parse(name, content)
        for index, instrument in enumerate(parsed.instruments):
            key = f"instrument:{instrument.id}"
            if key in origin:
                raise LawLibraryError(
                    f"duplicate instrument id {instrument.id!r} (first defined in {origin[key]})",
                    source=name,
                    field=f"instruments[{index}].id",
                )
            origin[key] = name
            instruments[instrument.id] = instrument
        for index, offence in enumerate(parsed.offences):
            key = f"offence:{offence.id}"
            if key in origin:
                raise LawLibraryError(
                    f"duplicate offence id {offence.id!r} (first defined in {origin[key]})",
                    source=name,
                    field=f"offences[{index}].id",
                )
            origin[key] = name
            offences[offence.id] = offence
    digest = hashlib.sha256()
    for file_digest in sorted(hashlib.sha256(content).hexdigest() for _, content in sources):
        digest.update(file_digest.encode())
    return Library(
        instruments=MappingProxyType(dict(sorted(instruments.items()))),
        offences=MappingProxyType(dict(sorted(offences.items()))),
        version=digest.hexdigest()[:12],
    )


@functools.lru_cache(maxsize=1)
def default_library() -> Library:
    """The bundled library, loaded once per process."""
    return load_library()
