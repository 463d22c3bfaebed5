"""The one redactor for everything dueprocess makes public.

Published demands (Lumen-style) and DSA statements of reasons both pass through
:func:`redact`. It replaces with ``[redacted]``:

- e-mail addresses and phone numbers;
- URLs (``https://…``, ``www.…`` and ``host.tld/path``): by default the host stays and the
  path goes, because a path carries handles (``…/janedoe/posts/1``); ``urls="all"`` removes
  the whole URL (the DSA database must not be able to point at the content);
- handles (``@aylin.koch``);
- names after a salutation (Mr, Ms, Herr, Frau, M., Mme, Monsieur, …) or after the words
  for "user" / "account holder" in English, German and French (``the user Jane Doe``,
  ``der Nutzer Max Weber``, ``l'utilisateur Jean Dupont``), and a handle-like word there
  (``user janedoe_88``);
- any name the caller passes (affected accounts, people the preparer lists).

Officials acting in a public capacity are not named by salutation on a demand and stay.
Pure Python: no Django, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

REDACTED = "[redacted]"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_PHONE = re.compile(r"(?<![\w/.-])(?:\+|00)?\d[\d\s().-]{5,}\d(?![\w/-])")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_URL = re.compile(
    r"(?i)\b(?:(?P<scheme>https?)://(?P<host>[^\s/<>\"'()\[\]]+)"
    r"|(?P<bare>www\.(?:[a-z0-9-]+\.)*[a-z0-9-]+|(?:[a-z0-9-]+\.)+[a-z]{2,}(?=/))"
    r")(?P<path>[^\s<>\"'\]]*)")
_HANDLE = re.compile(r"(?<![\w@/.+-])@[A-Za-z0-9_](?:[\w.]*\w)?", re.UNICODE)
_NAME_WORD = r"[A-ZÀ-ÖØ-ÞĀ-Ž][\w'\u2019-]+"
_PARTICLE = r"(?:(?:von|van|de|der|du|da|di|le|la)\s+)?"
_NAME = rf"{_NAME_WORD}(?:\s+{_PARTICLE}{_NAME_WORD}){{0,2}}"
_SALUTATION = (
    r"Mr|Mrs|Ms|Miss|Mx|Herr|Herrn|Frau|M\.|MM\.|Mme|Mlle|Monsieur|Madame|Mademoiselle"
    r"|Sr|Sra|Señor|Señora")
_TITLE = r"(?:(?:Dr|Prof|Me|Mag|Ing)\.?(?:\s*med\.|\s*jur\.)?\s+)*"
_HONORIFIC = re.compile(rf"\b(?:{_SALUTATION})\.?\s+{_TITLE}{_NAME}", re.UNICODE)
_USER_WORDS = (
    r"user|users|account\s+holder|account|member|"
    r"Nutzer|Nutzerin|Nutzers|Benutzer|Benutzerin|Benutzers|Kontoinhaber|Kontoinhaberin|"
    r"Nutzerkonto|Konto|"
    r"utilisateur|utilisatrice|utilisateurs|internaute|titulaire\s+du\s+compte|compte")
_USER_WORDS_RE = re.compile(rf"(?i:\b(?:{_USER_WORDS}))\b\s*[:\-\u2013]?\s*", re.UNICODE)
_HANDLE_LIKE = re.compile(r"[A-Za-z0-9_.]*(?:[_.\d])[A-Za-z0-9_.]*[A-Za-z0-9_]")
_NAME_AT = re.compile(_NAME, re.UNICODE)
# "user [redacted] (Jane Doe, ...)": the name given in brackets after a redacted handle.
_BRACKETED_NAME = re.compile(rf"(\[redacted\]\s*\(\s*){_NAME}(?=\s*[,;)])", re.UNICODE)


@dataclass(frozen=True)
class Redaction:
    text: str
    count: int


def _phone_like(match: re.Match[str]) -> bool:
    token = match.group(0).strip()
    digits = sum(ch.isdigit() for ch in token)
    if _ISO_DATE.match(token):
        return False
    return digits >= 7 and (token.startswith(("+", "00")) or digits >= 8
                            or bool(re.search(r"[\s().-]", token)))


class _Counter:
    def __init__(self) -> None:
        self.count = 0

    def hit(self) -> str:
        self.count += 1
        return REDACTED


def _urls(text: str, c: _Counter, mode: Literal["host", "all"]) -> str:
    def repl(m: re.Match[str]) -> str:
        path = m.group("path").rstrip(".,;:!?)")
        trail = m.group("path")[len(path):]
        if mode == "all":
            return c.hit() + trail
        scheme = m.group("scheme")
        host = f"{scheme}://{m.group('host')}" if scheme else m.group("bare")
        if not path.strip("/"):
            return m.group(0)
        return f"{host.rstrip('/')}/{c.hit()}{trail}"

    return _URL.sub(repl, text)


def _after_user_words(text: str, c: _Counter) -> str:
    """Names or handles right after "user", "Nutzer", "utilisateur", …"""
    out: list[str] = []
    pos = 0
    for m in _USER_WORDS_RE.finditer(text):
        if m.start() < pos:
            continue
        rest = text[m.end():]
        name = _NAME_AT.match(rest)
        handle = _HANDLE_LIKE.match(rest)
        if handle and (not name or handle.end() > name.end()) and \
                (handle.end() == len(rest) or not rest[handle.end()].isalnum()):
            span = handle.end()
        elif name:
            span = name.end()
        else:
            continue
        out.append(text[pos:m.end()])
        out.append(c.hit())
        pos = m.end() + span
    out.append(text[pos:])
    return "".join(out)


def redact(text: str, names: Iterable[str] = (), *,
           urls: Literal["host", "all"] = "host") -> Redaction:
    """Replace personal data in ``text``; ``count`` says how many replacements were made."""
    c = _Counter()
    out = _urls(text, c, urls)
    out = _EMAIL.sub(lambda m: c.hit(), out)
    out = _HANDLE.sub(lambda m: c.hit(), out)
    out = _PHONE.sub(lambda m: c.hit() if _phone_like(m) else m.group(0), out)
    for name in sorted({n.strip() for n in names if len(n.strip()) >= 3}, key=len,
                       reverse=True):
        out = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", lambda m: c.hit(), out,
                     flags=re.IGNORECASE)
    out = _HONORIFIC.sub(lambda m: c.hit(), out)
    out = _after_user_words(out, c)
    out = _BRACKETED_NAME.sub(lambda m: m.group(1) + c.hit(), out)
    return Redaction(out, c.count)


#: Placeholder text of the law library ("cite the provision on the demand"): never public.
_PLACEHOLDER = re.compile(r"\s*\((?:[^()]*\bcite the provision\b[^()]*)\)", re.IGNORECASE)


def strip_placeholders(text: str) -> str:
    return _PLACEHOLDER.sub("", text).strip()
