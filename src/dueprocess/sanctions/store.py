"""Conversions between the pure screening records and what the database stores."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import fields
from pathlib import Path
from typing import Any

from dueprocess.screening import ListEntry, normalize_name

_TUPLE_FIELDS = frozenset(
    f.name for f in fields(ListEntry) if str(f.type).startswith("tuple")
)
_FIELDS = tuple(f.name for f in fields(ListEntry))
OFAC_CSV_FILES = ("sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv")


def entry_to_json(entry: ListEntry) -> dict[str, Any]:
    """Every field, tuples as lists; empty optional fields are left out to save space."""
    out: dict[str, Any] = {}
    for name in _FIELDS:
        value = getattr(entry, name)
        if name in _TUPLE_FIELDS:
            if value or name == "names":
                out[name] = list(value)
        elif value or name in ("list_id", "entry_id", "schema"):
            out[name] = value
    return out


def entry_from_json(data: dict[str, Any]) -> ListEntry:
    kwargs: dict[str, Any] = {}
    for name in _FIELDS:
        if name not in data:
            continue
        value = data[name]
        kwargs[name] = tuple(value) if name in _TUPLE_FIELDS else value
    return ListEntry(**kwargs)


def name_key(name: str) -> str:
    """Identity of a name for remembering false hits: order, case, accents, titles folded.

    Hashed so that a long name fits an indexed column.
    """
    normal = normalize_name(name) or " ".join(name.casefold().split())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


def list_files(source: Path, fmt: str) -> list[Path]:
    """The files a load reads: the OFAC CSV set for a folder or an sdn.csv, else the file."""
    if fmt == "ofac_csv":
        folder = source if source.is_dir() else source.parent
        main = source if source.is_file() else folder / "sdn.csv"
        others = [folder / n for n in OFAC_CSV_FILES[1:] if (folder / n).is_file()]
        return [main, *others]
    return [source]


def fingerprint(files: Iterable[Path]) -> str:
    """SHA-256 of one file (as ``sha256sum`` prints it), or of a set's names and contents."""
    paths = list(files)
    digest = hashlib.sha256()
    for path in paths:
        if len(paths) > 1:
            digest.update(path.name.encode("utf-8") + b"\0")
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()
