"""Shared plumbing for the loaders: opening sources, decoding, safe XML, name checks."""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, TypeAlias
from xml.etree.ElementTree import Element, ParseError
from xml.etree.ElementTree import TreeBuilder as _TreeBuilder

import defusedxml
from defusedxml.ElementTree import DefusedXMLParser, iterparse

from ..model import ListFormatError

Source: TypeAlias = "str | os.PathLike[str] | BinaryIO"

MAX_NAME_LEN = 500
"""Longest name a loader accepts. Real list names stay under ~200 characters; anything
longer is a broken row (or an attack on the matcher) and is skipped, not truncated."""

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def source_name(source: Source) -> str:
    if isinstance(source, (str, os.PathLike)):
        return str(source)
    return str(getattr(source, "name", "<stream>"))


@contextmanager
def open_binary(source: Source) -> Iterator[BinaryIO]:
    """Yield a binary stream for a path or pass a caller's stream through (not closed)."""
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.is_file():
            raise ListFormatError(f"{path}: no such file")
        with path.open("rb") as fh:
            yield fh
    else:
        yield source


def read_text(source: Source) -> str:
    """Whole file as text: UTF-8 (BOM tolerated), else Windows-1252 as OFAC once used."""
    with open_binary(source) as fh:
        data = fh.read()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def text_stream(source: Source) -> io.StringIO:
    return io.StringIO(read_text(source), newline="")


def clean_name(value: str | None) -> str:
    """Collapse whitespace and drop control characters; '' for missing."""
    if not value:
        return ""
    return " ".join(_CONTROL.sub(" ", value).split())


def name_problem(name: str) -> str | None:
    """Why a name cannot be indexed, or None if it can."""
    if not name:
        return "empty name"
    if len(name) > MAX_NAME_LEN:
        return "name too long"
    if not any(ch.isalnum() for ch in name):
        return "name has no letters"
    return None


def local(tag: str) -> str:
    """Tag without its XML namespace."""
    return tag.rsplit("}", 1)[-1]


def child(elem: Element, name: str) -> Element | None:
    for c in elem:
        if local(c.tag) == name:
            return c
    return None


def children(elem: Element, name: str) -> list[Element]:
    return [c for c in elem if local(c.tag) == name]


def text_of(elem: Element | None) -> str:
    if elem is None or elem.text is None:
        return ""
    return " ".join(elem.text.split())


def child_text(elem: Element, name: str) -> str:
    return text_of(child(elem, name))


def iter_xml(source: Source, record_tags: frozenset[str]) -> Iterator[tuple[str, Element]]:
    """Yield (event, element) for start of root and end of record elements, safely.

    defusedxml refuses DTD entity declarations (billion laughs, external entities); a
    truncated or otherwise malformed document raises `ListFormatError` naming the place,
    so a half-read list is never mistaken for a complete one.
    """
    name = source_name(source)
    parser = DefusedXMLParser(target=_TreeBuilder())
    with open_binary(source) as fh:
        try:
            depth = 0
            for event, elem in iterparse(fh, events=("start", "end"), parser=parser):
                if event == "start":
                    depth += 1
                    if depth == 1:
                        yield "root", elem
                    continue
                depth -= 1
                if local(elem.tag) in record_tags:
                    yield "record", elem
        except defusedxml.DefusedXmlException as exc:
            line = getattr(parser.parser, "CurrentLineNumber", 0)
            where = f", line {line}" if line else ""
            raise ListFormatError(
                f"{name}{where}: refused unsafe XML ({type(exc).__name__}: entity or DTD "
                "declarations are not allowed in list files)"
            ) from exc
        except ParseError as exc:
            line, col = exc.position
            raise ListFormatError(
                f"{name}: malformed or truncated XML at line {line}, column {col}: {exc}"
            ) from exc
