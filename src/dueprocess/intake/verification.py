"""Is the sender who they claim to be? Domains against the registry, and look-alikes.

Forged "emergency" requests in 2022 came from hijacked police mailboxes and from domains
that only look like an agency's. A hijacked mailbox passes every domain check, which is
why emergencies also need an out-of-band callback (see :mod:`dueprocess.intake.actions`);
a look-alike domain is caught here, in three independent ways:

- **homoglyphs**: every character is mapped to the Latin letter it imitates, using the
  Unicode confusables data of ``confusable_homoglyphs`` (``fbi.gov`` spelled with a
  Cyrillic i);
- **punycode**: ``xn--`` labels are decoded first, so an ASCII-encoded Unicode domain is
  judged by what a mail client shows the reader;
- **edit distance** (rapidfuzz, Damerau-Levenshtein) to every verified domain, plus the
  verified name embedded in a different domain (``fbi-gov.us``, ``fbi.gov.example.net``).

The functions here are pure; callers pass the registry's domains in.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import getaddresses
from functools import lru_cache

import idna
from confusable_homoglyphs import categories, confusables
from django.utils.translation import gettext as _
from rapidfuzz.distance import DamerauLevenshtein

from dueprocess.errors import InvalidInput

MAX_DOMAIN = 253
MAX_LABEL = 63
MAX_ADDRESS = 320

# Sequences of ASCII characters that read as another letter in most fonts. The Unicode
# confusables data covers single characters only; these are the classic multi-letter ones.
_ASCII_LOOKALIKES = (("rn", "m"), ("vv", "w"), ("cl", "d"), ("0", "o"), ("1", "l"),
                     ("5", "s"))
_LABEL = re.compile(r"^[a-z0-9\u00a1-\U0010ffff](?:[a-z0-9\u00a1-\U0010ffff-]*"
                    r"[a-z0-9\u00a1-\U0010ffff])?$")


@dataclass(frozen=True)
class Lookalike:
    verified: str      # the registry domain being imitated
    reason: str        # homoglyph, punycode, edit_distance, embedded
    detail: str = ""


def decode_label(label: str) -> str:
    """One ``xn--`` label in the Unicode form a mail client displays."""
    if not label.startswith("xn--"):
        return label
    try:
        return idna.decode(label)
    except idna.IDNAError:
        try:
            # Not valid IDNA 2008 but still displayed by lenient clients: decode anyway.
            return label[4:].encode("ascii").decode("punycode")
        except (UnicodeError, ValueError) as exc:
            raise InvalidInput(_("the domain label %(label)r is not valid punycode")
                               % {"label": label}) from exc


def normalise_domain(raw: str) -> str:
    """Lower-case Unicode form of a domain (punycode decoded), or ``InvalidInput``."""
    text = unicodedata.normalize("NFC", raw.strip().rstrip(".")).lower()
    if not text:
        raise InvalidInput(_("the domain is empty"))
    if len(text) > MAX_DOMAIN:
        raise InvalidInput(_("the domain is longer than %(max_domain)s characters (%(text)s)")
                           % {"max_domain": MAX_DOMAIN, "text": f"{len(text):,}"})
    labels = [decode_label(label) for label in text.split(".")]
    for label in labels:
        if not label or len(label) > MAX_LABEL or not _LABEL.match(label):
            raise InvalidInput(_("%(text)r is not a valid domain name") % {"text": raw[:80]})
    return ".".join(labels)


def uses_punycode(domain: str) -> bool:
    return any(label.startswith("xn--") for label in domain.lower().split("."))


def ascii_domain(domain: str) -> str:
    """The punycode (ASCII) form, for display next to the Unicode one."""
    try:
        return idna.encode(domain, uts46=True).decode("ascii")
    except idna.IDNAError:
        return domain.encode("punycode").decode("ascii") if not domain.isascii() else domain


def parse_address(raw: str) -> tuple[str, str]:
    """``(address, domain)`` of one e-mail address; the domain in normalised Unicode form."""
    if len(raw) > MAX_ADDRESS * 4:
        raise InvalidInput(_("the e-mail address is too long"))
    pairs = [p for p in getaddresses([raw]) if p[1]]
    if len(pairs) != 1:
        raise InvalidInput(_("%(text)r is not one e-mail address") % {"text": raw[:80]})
    address = pairs[0][1].strip()
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        raise InvalidInput(_("%(text)r is not an e-mail address") % {"text": raw[:80]})
    if len(address) > MAX_ADDRESS:
        raise InvalidInput(_("the e-mail address is longer than 320 characters"))
    norm = normalise_domain(domain)
    return f"{local}@{norm}".lower(), norm


@lru_cache(maxsize=4096)
def _latin_of(char: str) -> str:
    if char.isascii():
        return char
    found = confusables.is_confusable(char, greedy=True, preferred_aliases=["latin"])
    if found:
        for glyph in found[0]["homoglyphs"]:
            candidate = unicodedata.normalize("NFKC", glyph["c"]).lower()
            if candidate.isascii() and candidate.strip():
                return candidate
    folded = unicodedata.normalize("NFKD", char)
    stripped = "".join(c for c in folded if not unicodedata.combining(c))
    return stripped.lower() if stripped.isascii() and stripped else char


def skeleton(domain: str) -> str:
    """What the domain looks like to a reader: Latin look-alikes, ASCII tricks undone."""
    text = "".join(_latin_of(c) for c in unicodedata.normalize("NFKC", domain).lower())
    for seq, letter in _ASCII_LOOKALIKES:
        text = text.replace(seq, letter)
    return text


def _compact(text: str) -> str:
    return "".join(c for c in text if c.isalnum())


def is_within(domain: str, verified: str) -> bool:
    """The domain is a verified one or a subdomain of it (the owner controls both)."""
    return domain == verified or domain.endswith("." + verified)


def _allowed_distance(length: int) -> int:
    return 1 if length <= 8 else 2


def find_lookalike(domain: str, verified_domains: Iterable[str],
                   *, raw: str = "") -> Lookalike | None:
    """The verified domain this one imitates, or ``None``.

    ``domain`` is the normalised Unicode form; ``raw`` the form as received (to notice
    punycode). A domain within a verified one is never a look-alike of it, and a domain
    that is itself verified for some authority is not a look-alike of another's.
    """
    verified = sorted({normalise_domain(v) for v in verified_domains if v.strip()})
    if any(is_within(domain, v) for v in verified):
        return None
    via_punycode = uses_punycode(raw or domain) or not domain.isascii()
    shown = skeleton(domain)
    for v in verified:
        target = skeleton(v)
        if shown == target or shown.endswith("." + target):
            if via_punycode and uses_punycode(raw):
                return Lookalike(v, "punycode", f"{ascii_domain(domain)} displays as "
                                                f"{domain}, which reads as {v}")
            return Lookalike(v, "homoglyph", f"{domain} reads as {v}")
    for v in verified:
        target = skeleton(v)
        distance = DamerauLevenshtein.distance(shown, target)
        if 0 < distance <= _allowed_distance(len(target)):
            return Lookalike(v, "edit_distance", f"{domain} is {distance} edit(s) from {v}")
    for v in verified:
        core = _compact(skeleton(v))
        if len(core) >= 5 and core in _compact(shown):
            return Lookalike(v, "embedded", f"{domain} contains {v} but is not part of it")
    return None


def mixed_scripts(domain: str) -> list[str]:
    """Scripts mixed within one label (a Latin label with one Cyrillic letter)."""
    found: set[str] = set()
    for label in domain.split("."):
        scripts = {categories.alias(c) for c in label if c.isalpha()}
        scripts.discard("COMMON")
        if len(scripts) > 1:
            found |= scripts
    return sorted(found)
