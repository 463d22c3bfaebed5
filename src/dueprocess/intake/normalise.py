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
import ipaddress
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from posixpath import normpath
from typing import IO
from urllib.parse import quote, unquote, urlsplit

import idna

MAX_IDENTIFIER = 2048
MAX_HOST = 253
MAX_LINE_BYTES = 16 * 1024
CHUNK = 256 * 1024

TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
    "ttclid", "li_fat_id", "igshid", "igsh", "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc",
    "_hsmi", "__hstc", "__hssc", "__hsfp", "hsctatracking", "mkt_tok", "oly_anon_id",
    "oly_enc_id", "vero_id", "vero_conv", "wickedid", "rb_clickid", "s_cid", "ref_src",
    "ref_url", "spm", "scid", "si", "trk", "trkcampaign", "sc_campaign", "sc_channel",
    "ncid", "cmpid", "srsltid",
})
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")

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

_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"
_QUERY_SAFE = "/?:@!$&'()*+,;=-._~%"
# scheme, ASCII host, optional port, path, query; fragment dropped. Anything else (user
# info, IPv6, Unicode hosts, odd characters) goes through urlsplit.
_SIMPLE_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://([A-Za-z0-9.-]+)(?::(\d{1,6}))?"
                         r"(/[^?#]*)?(?:\?([^#]*))?(?:#.*)?$")
# Already canonical: unreserved and sub-delimiters only, no escapes to fix.
_PLAIN = re.compile(r"^[A-Za-z0-9/._~!$&'()*+,;=:@-]*$")
_CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f\u2028\u2029]")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]{1,10}://")
_CONTENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_:.-]{0,199}$")
_HOSTISH = re.compile(r"^(www\.)?[^\s/@]+\.[^\s/@]{2,}(/|$)", re.IGNORECASE)
_COLUMNS = {"type", "identifier", "target", "value", "url", "handle", "id", "account",
            "content", "link"}
_VALUE_COLUMNS = ("identifier", "target", "value", "url", "link", "handle", "account",
                  "content", "id")
_TYPE_OF_COLUMN = {"url": "content", "link": "content", "content": "content",
                   "handle": "account", "account": "account"}


class BadTarget(ValueError):
    """A line that cannot become a target; the message says why, for the uploader."""


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


@lru_cache(maxsize=65536)
def _ascii_host(host: str) -> str:
    if len(host) > MAX_HOST:
        raise BadTarget(f"the host is {len(host):,} characters long (at most {MAX_HOST})")
    try:
        return str(ipaddress.ip_address(host.strip("[]")).compressed)
    except ValueError:
        pass
    if host.isascii():
        labels = host.split(".")
        if all(0 < len(label) <= 63 for label in labels) and re.fullmatch(
                r"[a-z0-9.-]+", host) and not any(
                label.startswith("-") or label.endswith("-") for label in labels):
            return host
    try:
        encoded = idna.encode(host, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError) as exc:
        raise BadTarget(f"the host {host[:60]!r} is not a valid domain name") from exc
    if len(encoded) > MAX_HOST:
        raise BadTarget(f"the host is {len(encoded):,} characters long in IDNA form "
                        f"(at most {MAX_HOST})")
    return encoded


def _escape_case(match: re.Match[str]) -> str:
    char = chr(int(match.group(1), 16))
    return char if char in _UNRESERVED else "%" + match.group(1).upper()


def _clean_escapes(text: str, safe: str) -> str:
    return quote(_ESCAPE.sub(_escape_case, text), safe=safe)


def _is_tracking(key: str) -> bool:
    name = unquote(key).strip().lower()
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES)


def looks_like_url(text: str) -> bool:
    head = text[:16].lower()
    return head.startswith("//") or bool(_SCHEME.match(head)) or bool(_HOSTISH.match(text))


def normalise_url(raw: str) -> str:
    """One spelling per URL, or :class:`BadTarget` saying what is wrong with it."""
    text = raw.strip()
    if _CONTROL.search(text):
        raise BadTarget("the URL contains spaces or control characters")
    if text.startswith("//"):
        text = "https:" + text
    elif "://" not in text[:12]:
        text = "https://" + text
    simple = _SIMPLE_URL.match(text)
    if simple is not None:  # the common shape, without urlsplit's generality
        scheme, host = simple.group(1).lower(), simple.group(2).lower().rstrip(".")
        port = int(simple.group(3)) if simple.group(3) else None
        raw_path, raw_query = simple.group(4) or "", simple.group(5) or ""
        if port is not None and port > 65535:
            raise BadTarget("the URL cannot be read: Port out of range 0-65535")
    else:
        try:
            parts = urlsplit(text)
            port = parts.port
        except ValueError as exc:
            raise BadTarget(f"the URL cannot be read: {exc}") from exc
        scheme = parts.scheme.lower()
        if parts.username is not None or parts.password is not None:
            raise BadTarget("URLs with a user name or password are not accepted")
        host = (parts.hostname or "").rstrip(".")
        raw_path, raw_query = parts.path, parts.query
    if scheme not in ("http", "https"):
        raise BadTarget(f"the URL scheme {scheme!r} is not http or https")
    if not host:
        raise BadTarget("the URL has no host")
    ascii_host = _ascii_host(host)
    if ":" in ascii_host:
        ascii_host = f"[{ascii_host}]"
    default = {"http": 80, "https": 443}[scheme]
    port_part = "" if port in (None, default, 443) else f":{port}"
    path = raw_path or "/"
    if not _PLAIN.match(path):
        path = _clean_escapes(path, _PATH_SAFE)
    if "/." in path or "//" in path:
        path = normpath(path) + ("/" if path.endswith("/") and path != "/" else "")
        if path.startswith("//"):
            path = "/" + path.lstrip("/")
    query = ""
    if raw_query:
        query = "&".join(pair if _PLAIN.match(pair) else _clean_escapes(pair, _QUERY_SAFE)
                         for pair in raw_query.split("&")
                         if pair and not _is_tracking(pair.partition("=")[0]))
    url = f"https://{ascii_host}{port_part}{path}" + (f"?{query}" if query else "")
    if len(url) > MAX_IDENTIFIER:
        raise BadTarget(f"the URL is {len(url):,} characters long after normalisation "
                        f"(at most {MAX_IDENTIFIER:,})")
    return url


def normalise_identifier(target_type: str, raw: str) -> str:
    """An account or content identifier in the one spelling that is stored."""
    text = raw.strip()
    if not text:
        raise BadTarget("the identifier is empty")
    if _CONTROL.search(text.replace(" ", "")):
        raise BadTarget("the identifier contains control characters")
    if looks_like_url(text):
        return normalise_url(text)
    if target_type == "content":
        if not _CONTENT_ID.match(text):
            raise BadTarget("content is named by its URL or its id (letters, digits, _ : . -)")
        return text
    if " " in text and not re.fullmatch(r"\+?[\d ().-]+", text):
        raise BadTarget("an account handle cannot contain spaces")
    if len(text.encode("utf-8")) > MAX_IDENTIFIER:
        raise BadTarget(f"the identifier is longer than {MAX_IDENTIFIER:,} bytes")
    if text.startswith("@"):
        return "@" + text.lstrip("@").lower()
    return text.lower()


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
