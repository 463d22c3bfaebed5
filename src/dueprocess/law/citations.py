"""Matching free-text citations to library entries.

Demands cite law as people write it: "art. 207.3 UK RF" (also in Cyrillic), "s 112 Criminal
Code", "18 U.S.C. § 2703(d)", "§100j StPO". A citation is reduced to tokens (lower case;
"article", "art.", "Artikel", "ст." become ``art``; "section", "s.", "§" become ``s``;
numbers keep their dots and slashes, so "207.3" is not "207" and "8/A" is not "8"), and an
entry matches when all tokens of one of its citations appear contiguously in the text.
The longest matching citation wins; two different entries matching equally well is no
match at all (a reviewer decides, not a guess).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["CitationIndex", "tokens"]

_TOKEN = re.compile(r"[^\W_]+(?:[./][^\W_]+)*")
_SYNONYMS: dict[str, str] = {
    **dict.fromkeys(
        ("article", "articles", "arts", "artigo", "artículo", "articolo", "artikel", "madde",
         "ст", "статья", "статьи", "mad", "條", "條文", "第"),
        "art",
    ),
    **dict.fromkeys(("section", "sections", "sec", "ss", "sect"), "s"),
    **dict.fromkeys(("paragraph", "para", "abs", "absatz", "par", "al", "alinéa"), "para"),
    **dict.fromkeys(("schedule", "sch", "sched"), "sch"),
    **dict.fromkeys(("usc", "u.s.c"), "usc"),
}
_STOP = frozenset({"of", "the", "no", "nº", "n", "nr", "de", "del", "der", "des", "du", "la",
                   "le", "and", "et", "und", "y", "e", "da", "do", "on", "in"})


def tokens(text: str) -> tuple[str, ...]:
    folded = text.casefold().replace("§", " s ")
    out: list[str] = []
    for match in _TOKEN.finditer(folded):
        token = match.group(0)
        if not any(ch.isdigit() for ch in token):
            token = token.replace(".", "")
        token = _SYNONYMS.get(token, token)
        if token in _STOP:
            continue
        out.append(token)
    return tuple(out)


class CitationIndex:
    """Entries ``(id, jurisdiction, citations)`` indexed by the first token of each citation."""

    def __init__(self, entries: Iterable[tuple[str, str, Iterable[str]]]):
        self._by_first: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}
        for entry_id, jurisdiction, citations in entries:
            for citation in citations:
                key = tokens(citation)
                if key:
                    self._by_first.setdefault(key[0], []).append((key, entry_id, jurisdiction))

    def match(self, text: str, jurisdictions: frozenset[str]) -> str | None:
        words = tokens(text)
        best_length = 0
        best: set[str] = set()
        for start, word in enumerate(words):
            for key, entry_id, jurisdiction in self._by_first.get(word, ()):
                if jurisdiction not in jurisdictions or len(key) < best_length:
                    continue
                if words[start : start + len(key)] == key:
                    if len(key) > best_length:
                        best_length, best = len(key), {entry_id}
                    else:
                        best.add(entry_id)
        return next(iter(best)) if len(best) == 1 else None
