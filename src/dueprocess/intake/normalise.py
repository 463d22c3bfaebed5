"""Reading bulk target lists: one spelling per target, and a reason for every bad line.

Pure functions over bytes and strings (no Django), so they can be tested exhaustively and
used by the API, the portal, the console and the CLI alike.

A URL is normalised as RFC 3986 §6 suggests plus what platforms need for deduplication:
scheme and host in lower case, the host in IDNA (punycode) form, ``http`` folded into
``https``, default ports dropped, dot segments removed, percent-escapes in one case with
unreserved characters decoded, tracking parameters (``utm_*``, ``fbclid``, ``gclid`` …)
and the fragment removed. Handles are lower-cased with one leading ``@``.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO

from dueprocess.demands.identifiers import (
    BadTarget,
    looks_like_url,
    normalise_identifier,
)

MAX_LINE_BYTES = 16 * 1024
CHUNK = 256 * 1024

# What a file starts with when it is not text: refused whole, never unpacked.
MAGIC = (
    (b"PK\x03\x04", "a ZIP archive"), (b"PK\x05\x06", "a ZIP archive"),
    (b"\x1f\x8b", "a gzip archive"), (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"), (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"), (b"(\xb5/\xfd", "a zstd archive"),
    (b"%PDF-", "a PDF document"), (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
    (b"MZ", "a Windows program"), (b"\x7fELF", "a program"),
    (b"\xd0\xcf\x11\xe0", "an Office document"),
)

_COLUMNS = {"type", "identifier", "target", "value", "url", "handle", "id", "account",
            "content", "link"}
_VALUE_COLUMNS = ("identifier", "target", "value", "url", "link", "handle", "account",
                  "content", "id")
_TYPE_OF_COLUMN = {"url": "content", "link": "content", "content": "content",
                   "handle": "account", "account": "account"}


class NotText(ValueError):
    """The upload is binary or compressed, so no line of it is read."""


@dataclass(frozen=True, slots=True)
class Entry:
    line: int
    type: str
    identifier: str


@dataclass(frozen=True, slots=True)
class BadLine:
    line: int
    message: str
    text: str = ""


# ----------------------------------------------------------------------------- URLs


# ----------------------------------------------------------------------------- files


def sniff_binary(head: bytes) -> str | None:
    """What the upload is if it is not text, from its first bytes."""
    for magic, kind in MAGIC:
        if head.startswith(magic):
            return kind
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    if b"\x00" in head[:8192]:
        return "a binary file"
    return None


def _raw_lines(stream: IO[bytes], chunk: int = CHUNK) -> Iterator[tuple[int, bytes | None]]:
    """``(line number, bytes)``; ``None`` for a line too long to read (its rest skipped)."""
    lineno = 0
    buf = b""
    overlong = False
    while True:
        block = stream.read(chunk)
        if not block:
            break
        buf += block
        start = 0
        while True:
            nl = buf.find(b"\n", start)
            if nl < 0:
                break
            lineno += 1
            if overlong or nl - start > MAX_LINE_BYTES:
                yield lineno, None
                overlong = False
            else:
                yield lineno, buf[start:nl]
            start = nl + 1
        buf = buf[start:]
        if len(buf) > MAX_LINE_BYTES:
            overlong = True
            buf = b""
    if buf or overlong:
        lineno += 1
        yield lineno, None if overlong else buf


class _Utf16ToUtf8:
    """Re-encode a UTF-16 stream (with BOM) as UTF-8, chunk by chunk."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.decoder = codecs.getincrementaldecoder("utf-16")(errors="replace")

    def read(self, size: int = -1) -> bytes:
        block = self.stream.read(size)
        return self.decoder.decode(block, final=not block).encode("utf-8")


class CountingReader:
    """Counts bytes as they are read, for progress."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        block = self.stream.read(size)
        self.count += len(block)
        return block


@dataclass
class Reader:
    """Turn an upload into entries and bad lines, streaming; counts what it saw."""

    default_type: str = "auto"
    lines: int = 0
    blank: int = 0
    _header: list[str] | None = None
    _seen_content: bool = False

    def read(self, stream: IO[bytes]) -> Iterator[Entry | BadLine]:
        head = stream.read(4096)
        kind = sniff_binary(head)
        if kind is not None:
            raise NotText(f"the upload is {kind}, not a list of targets: send CSV or plain "
                          "text, one target per line (archives are never unpacked)")
        source: IO[bytes] = _Prefixed(head, stream)  # type: ignore[assignment]
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            source = _Utf16ToUtf8(source)  # type: ignore[assignment]
        for lineno, raw in _raw_lines(source):
            self.lines = lineno
            if raw is None:
                yield BadLine(lineno, f"the line is longer than {MAX_LINE_BYTES:,} bytes")
                continue
            item = self._line(lineno, raw)
            if item is not None:
                yield item

    def _line(self, lineno: int, raw: bytes) -> Entry | BadLine | None:
        if lineno == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[3:]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            return BadLine(lineno, f"not UTF-8 (byte 0x{raw[exc.start]:02x} at column "
                                   f"{exc.start + 1}); save the file as UTF-8",
                           raw[:120].decode("utf-8", "replace"))
        text = text.strip().strip("\ufeff")
        if not text:
            self.blank += 1
            return None
        if not self._seen_content:
            self._seen_content = True
            header = self._as_header(text)
            if header is not None:
                self._header = header
                return None
        try:
            target_type, value = self._fields(text)
            if target_type not in ("account", "content"):
                raise BadTarget(f"the type {target_type!r} is neither account nor content")
            return Entry(lineno, target_type, normalise_identifier(target_type, value))
        except BadTarget as exc:
            return BadLine(lineno, str(exc), text[:120])
        except csv.Error as exc:
            return BadLine(lineno, f"not a CSV line: {exc}", text[:120])

    @staticmethod
    def _as_header(text: str) -> list[str] | None:
        delimiter = "\t" if "\t" in text else ","
        names = [n.strip().lower() for n in next(csv.reader([text], delimiter=delimiter))]
        if names and all(n in _COLUMNS or not n for n in names) and any(names):
            return names
        return None

    def _guess_type(self, value: str, column: str | None = None) -> str:
        if column in _TYPE_OF_COLUMN:
            return _TYPE_OF_COLUMN[column]
        if self.default_type in ("account", "content"):
            return self.default_type
        return "content" if looks_like_url(value) else "account"

    def _fields(self, text: str) -> tuple[str, str]:
        if self._header is not None:
            delimiter = "\t" if "\t" in text else ","
            row = next(csv.reader([text], delimiter=delimiter))
            record = {name: (row[i].strip() if i < len(row) else "")
                      for i, name in enumerate(self._header) if name}
            column = next((c for c in _VALUE_COLUMNS if record.get(c)), None)
            if column is None:
                raise BadTarget("no identifier in this row")
            value = record[column]
            given = record.get("type", "").lower()
            return (given or self._guess_type(value, column)), value
        if ("," in text or "\t" in text) and not looks_like_url(text):
            delimiter = "\t" if "\t" in text else ","
            row = [f.strip() for f in next(csv.reader([text], delimiter=delimiter))]
            if len(row) >= 2 and row[0].lower() in ("account", "content"):
                return row[0].lower(), row[1]
            first = next((f for f in row if f), "")
            return self._guess_type(first), first
        return self._guess_type(text), text


class _Prefixed:
    """A stream with some already-read bytes put back in front."""

    def __init__(self, head: bytes, stream: IO[bytes]) -> None:
        self.head = head
        self.stream = stream

    def read(self, size: int = -1) -> bytes:
        if self.head:
            out, self.head = self.head, b""
            return out
        return self.stream.read(size)


def read_entries(data: Iterable[bytes] | bytes, default_type: str = "auto"
                 ) -> list[Entry | BadLine]:
    """Convenience for tests and small inputs: everything at once."""
    import io

    blob = data if isinstance(data, bytes) else b"".join(data)
    return list(Reader(default_type=default_type).read(io.BytesIO(blob)))
