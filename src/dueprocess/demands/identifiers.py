"""One spelling per target, whichever door it came in by (API, portal, e-mail, bulk file).

A URL is normalised as RFC 3986 §6 suggests plus what platforms need for deduplication:
scheme and host in lower case, the host in IDNA (punycode) form, ``http`` folded into
``https``, default ports dropped, dot segments removed, percent-escapes in one case with
unreserved characters decoded, tracking parameters (``utm_*``, ``fbclid``, ``gclid`` …)
and the fragment removed. Handles are lower-cased with one leading ``@``. What cannot be a
target is refused with a reason: control, invisible and direction-changing characters (a
right-to-left override makes ``@evil\u202elivE`` read as another account), and schemes
other than http(s) (``javascript:alert(1)`` is not an account).
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from posixpath import normpath
from urllib.parse import quote, unquote, urlsplit

import idna

MAX_IDENTIFIER = 2048
MAX_HOST = 253

TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
    "ttclid", "li_fat_id", "igshid", "igsh", "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc",
    "_hsmi", "__hstc", "__hssc", "__hsfp", "hsctatracking", "mkt_tok", "oly_anon_id",
    "oly_enc_id", "vero_id", "vero_conv", "wickedid", "rb_clickid", "s_cid", "ref_src",
    "ref_url", "spm", "scid", "si", "trk", "trkcampaign", "sc_campaign", "sc_channel",
    "ncid", "cmpid", "srsltid",
})
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")

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
# A URL written without its scheme: "www." in front, or a path after the host. A bare
# "jane.doe" is a handle (dotted handles are common), not the host of a web site.
_HOSTISH = re.compile(r"^(?:www\.[^\s/@]+\.[^\s/@]{2,}(/|$)|[^\s/@]+\.[^\s/@]{2,}/)",
                      re.IGNORECASE)
# Invisible or direction-changing: zero-width characters, bidirectional marks, embeddings,
# overrides and isolates, the byte-order mark.
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# Link schemes that are never an account: they run code or reach outside the platform.
_OTHER_SCHEME = re.compile(r"^(javascript|vbscript|data|file|blob|about|chrome|intent|jar|"
                           r"view-source):(?!//)", re.IGNORECASE)
_MARKUP = re.compile(r"[<>\"'`(){}\[\]\\]")


class BadTarget(ValueError):
    """A line that cannot become a target; the message says why, for the uploader."""


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
    if _INVISIBLE.search(text):
        raise BadTarget("the identifier contains invisible or direction-changing characters "
                        "(such as a right-to-left override), which can disguise another "
                        "account")
    scheme = _OTHER_SCHEME.match(text)
    if scheme is not None:
        raise BadTarget(f"{scheme.group(0)[:-1]!r} is a link scheme, not an account or an "
                        "http(s) URL")
    if looks_like_url(text):
        return normalise_url(text)
    if target_type == "content":
        if not _CONTENT_ID.match(text):
            raise BadTarget("content is named by its URL or its id (letters, digits, _ : . -)")
        return text
    phone = re.fullmatch(r"\+?[\d ().-]+", text) is not None
    if " " in text and not phone:
        raise BadTarget("an account handle cannot contain spaces")
    if not phone and _MARKUP.search(text):
        raise BadTarget("an account handle cannot contain quotes, brackets, < or >")
    if len(text.encode("utf-8")) > MAX_IDENTIFIER:
        raise BadTarget(f"the identifier is longer than {MAX_IDENTIFIER:,} bytes")
    if text.startswith("@"):
        return "@" + text.lstrip("@").lower()
    return text.lower()


