"""Loaders for the sanctions list files operators download, and format detection."""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..model import ListFormatError, LoadReport
from ._common import Source, open_binary, source_name
from .eu_xml import load_eu_xml
from .ftm import load_ftm_json
from .ofac_csv import load_ofac_csv
from .ofac_xml import load_ofac_xml
from .uk_csv import load_uk_csv
from .un_xml import load_un_xml

FORMATS = ("ofac_csv", "ofac_advanced_xml", "un_xml", "eu_fsf_xml", "uk_csv", "ftm_json")
_SNIFF_BYTES = 65536
_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)[\s>/]")


def _sniff(head: bytes, name: str) -> str:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"<"):
        body = re.sub(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", b"", text, flags=re.S)
        m = _ROOT.search(body)
        root = m.group(1).decode("ascii", "replace") if m else ""
        if root == "CONSOLIDATED_LIST":
            return "un_xml"
        if root == "Sanctions":
            return "ofac_advanced_xml"
        if root == "export":
            return "eu_fsf_xml"
        raise ListFormatError(f"{name}: XML with root <{root}> is not a known list format")
    if text.startswith(b"{"):
        return "ftm_json"
    first_lines = text[:4096].decode("utf-8", "replace").splitlines()[:10]
    if any("Name 6" in line for line in first_lines):
        return "uk_csv"
    if first_lines and re.match(r"^\d+,\"", first_lines[0]):
        return "ofac_csv"
    if Path(name).name.lower() == "sdn.csv":
        return "ofac_csv"
    raise ListFormatError(f"{name}: cannot tell which sanctions list format this is")


def detect_format(source: Source) -> str:
    """Name of the list format of a file, folder (OFAC CSV set) or binary stream.

    Streams must be seekable; they are rewound after sniffing.
    """
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if path.is_dir():
            if (path / "sdn.csv").is_file():
                return "ofac_csv"
            raise ListFormatError(f"{path}: folder without sdn.csv")
    with open_binary(source) as fh:
        start = fh.tell() if fh.seekable() else None
        head = fh.read(_SNIFF_BYTES)
        if start is not None:
            fh.seek(start)
    return _sniff(head, source_name(source))


def load_list(source: Source, format: str | None = None) -> LoadReport:
    """Load any supported list; the format is detected unless given."""
    fmt = format or detect_format(source)
    if fmt == "ofac_csv":
        return load_ofac_csv(source)
    if fmt == "ofac_advanced_xml":
        return load_ofac_xml(source)
    if fmt == "un_xml":
        return load_un_xml(source)
    if fmt == "eu_fsf_xml":
        return load_eu_xml(source)
    if fmt == "uk_csv":
        return load_uk_csv(source)
    if fmt == "ftm_json":
        return load_ftm_json(source)
    raise ListFormatError(f"unknown list format {fmt!r}; known: {', '.join(FORMATS)}")


__all__ = [
    "FORMATS",
    "detect_format",
    "load_eu_xml",
    "load_ftm_json",
    "load_list",
    "load_ofac_csv",
    "load_ofac_xml",
    "load_uk_csv",
    "load_un_xml",
]
