"""In-memory screening index: phonetic blocking, bulk ranking, explained re-scoring.

A query against a million list names has to come back in milliseconds, so nothing scans
the list. Three stages:

1. Blocking. Every list name is indexed under the phonetic keys of its tokens (every
   romanisation of a Han syllable, and hyphen-joined given names as one word) and under
   each token's consonant skeleton (vowel spelling differs most across transliterations).
   Postings are numpy arrays in CSR form. A query collects the postings of its own keys and
   ranks names by IDF-weighted overlap, so a rare surname counts more than "Mohammed".
2. Ranking. The best `_RANK_POOL` names are ranked with rapidfuzz `cdist` over their
   sorted phonetic-key strings, blended with the blocking score.
3. Scoring. The best `_SCORE_POOL` are scored by `matching.score_tokens` (the same scorer as
   `compare`), grouped per entry (best alias wins), then adjusted by the secondary facts:
   birth date, nationality, position and schema (see `adjust`). Hits carry the alias that
   matched and an explanation of every step.

The index holds only plain Python objects and numpy arrays, so it pickles; its entries
are pickled packed and unpacked one by one when a search reaches them.
"""

from __future__ import annotations

import marshal
import math
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from itertools import islice, product
from typing import Any, overload

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import fuzz, process

from .countries import to_iso2
from .dates import dates_compatible, dates_near, parse_dates
from .matching import NameScore, score_tokens
from .model import ListEntry
from .normalize import LEGAL_FORMS, Token, _tokenize, phonetic_key, skeleton, tokenize
from .translit import initials, latin_key, sound_skeleton

DEFAULT_THRESHOLD = 0.85
"""Score at or above which a hit is an alert that a person must review.

Chosen on the benchmark's labelled queries (docs/screening.md): it keeps the hard
negatives (Chris Tan vs TANG, Chris with another birth date; Tang Wing-keung vs TANG
Ping-keung; Carrie Lim vs LAM, Carrie) below the line while single typos, transpositions,
missing middle names, honorifics and Han-script names of listed people stay above it.
"""

_SKELETON_WEIGHT = 0.6
_AFFIX_WEIGHT = 0.5
_SOUND_WEIGHT = 0.5
_RANK_POOL = 300
_SCORE_POOL = 16
"""Names scored in full per query (at least `limit`). Scoring was two thirds of a query's
time with 40; on the synthetic benchmark 16 find the same Latin-script targets and raise
the same alerts as 40."""
_HAN_SCORE_POOL = 40
"""For a query in Han script: each syllable has several readings, so the ranking over
romanised keys is coarser, and one of the 33 officials fell out of the best 16 among
1,000,000 names."""
_POSTING_BUDGET = 400_000
_MAX_ALIASES = 64
_MAX_COMPOUNDS = 24


@dataclass(frozen=True, slots=True)
class Query:
    """A person or organisation to screen, with whatever secondary facts are known."""

    name: str
    schema: str = "Person"
    birth_date: str | None = None
    nationality: str | None = None
    position: str | None = None


@dataclass(frozen=True, slots=True)
class Hit:
    """One list entry that resembles the query, with the evidence for it."""

    entry: ListEntry
    matched_name: str
    score: float
    explanation: str
    features: dict[str, float] = field(default_factory=dict, hash=False, compare=False)

    def is_alert(self, threshold: float = DEFAULT_THRESHOLD) -> bool:
        return self.score >= threshold


def _single_keys(t: Token, query: bool = False) -> list[tuple[str, float]]:
    """Blocking keys of one token: phonetic key of every reading (1.0), consonant skeleton
    (vowel spellings differ most between transliterations) and, for long words, the key's
    first and last four letters, so a single typo leaves one of them intact."""
    out: dict[str, float] = {}
    # the consonants as a Mandarin transcription hears them: indexed for every word, looked
    # up only for a query word written in Han characters for its sound (贝拉克 / Barack)
    if t.foreign or not query:
        sound = sound_skeleton(t.mandarin if t.foreign else t.text)
        if len(sound.lstrip("V")) >= 2:
            out["t" + sound] = _SOUND_WEIGHT
    if t.foreign:
        return list(out.items())
    for f in t.forms:
        folded = latin_key(f)
        if folded != f:  # Selenskyj / Zelenskyy meet under one key
            out.setdefault("p" + phonetic_key(folded), 1.0)
        k = phonetic_key(f)
        out["p" + k] = 1.0
        sk = skeleton(k)
        if len(sk) >= 3:
            out.setdefault("s" + sk, _SKELETON_WEIGHT)
        if query and t.abjad:
            # an abjad leaves a first short vowel unwritten (brhym for Ibrahim), and its
            # b and p letters are also read v and f (Hebrew ברק vrk for Barak)
            for kk in dict.fromkeys((k, k.replace("f", "p"))):
                out.setdefault("p" + kk, 1.0)
                for vowel in "aeiou":
                    out.setdefault("s" + skeleton(vowel + kk), _SKELETON_WEIGHT)
                if len(skeleton(kk)) >= 3:
                    out.setdefault("s" + skeleton(kk), _SKELETON_WEIGHT)
        elif query and k[0] in "aeiou" and len(k) >= 4:
            out.setdefault("s" + skeleton(k[1:]), _SKELETON_WEIGHT)
        if len(k) >= 6:
            out.setdefault("f" + k[:4], _AFFIX_WEIGHT)
            out.setdefault("l" + k[-4:], _AFFIX_WEIGHT)
    return list(out.items())


def _key_groups(tokens: Sequence[Token]) -> list[list[tuple[str, float]]]:
    """Blocking keys grouped by the token (or joined token pair) they stand for."""
    groups = [_single_keys(t, query=True) for t in tokens]
    for i, t in enumerate(tokens[:-1]):
        if t.joined:
            groups.append(_compound_keys(t, tokens[i + 1]))
    acronym = _acronym_key(tokens)
    if acronym:
        # a long name finds its acronym listed as a word, and the reverse
        groups.append([("p" + phonetic_key(acronym), 1.0)])
    if len(tokens) == 1 and not tokens[0].han:
        groups.append([("a" + tokens[0].text, 1.0)])
    return groups


def _acronym_key(tokens: Sequence[Token]) -> str:
    if any(t.han for t in tokens) or not 2 <= len(tokens) <= 8:
        return ""
    letters = initials([t.text for t in tokens if t.text not in LEGAL_FORMS])
    return letters if 2 <= len(letters) <= 6 else ""


def _token_keys(tokens: Sequence[Token]) -> list[tuple[str, float]]:
    out: dict[str, float] = {}
    for group in _key_groups(tokens):
        for k, w in group:
            out[k] = max(w, out.get(k, 0.0))
    return list(out.items())


def _compound_keys(first: Token, second: Token) -> list[tuple[str, float]]:
    """ "Ping-keung" also as "Pingkeung"; for Han syllables every reading pair, so pinyin
    "Yanxiong" is reachable as well as Cantonese "Ngaan-hung"."""
    return [
        ("p" + phonetic_key(a + b), 1.0)
        for a, b in islice(product(first.forms, second.forms), _MAX_COMPOUNDS)
    ]


def _key_string(tokens: Sequence[Token]) -> str:
    return " ".join(sorted(phonetic_key(t.text) for t in tokens))


def _query_key_strings(tokens: Sequence[Token]) -> list[str]:
    """Key strings for ranking: as written, and for Han names also the last (pinyin)
    reading with given-name syllables joined, as pinyin is written ("Yanxiong")."""
    out = [_key_string(tokens)]
    if any(len(t.forms) > 1 for t in tokens):
        words: list[str] = []
        carry = ""
        for t in tokens:
            carry += t.mandarin or t.text
            if not t.joined:
                words.append(phonetic_key(carry))
                carry = ""
        if carry:
            words.append(phonetic_key(carry))
        out.append(" ".join(sorted(words)))
    return out


def _position_tokens(text: str) -> set[str]:
    return {
        t
        for t in "".join(c if c.isalnum() else " " for c in text.casefold()).split()
        if len(t) > 2 and t not in {"the", "and", "for"}
    }


def adjust(
    name: NameScore, query: Query, entry: ListEntry
) -> tuple[float, dict[str, float], list[str]]:
    """Apply secondary facts to a name score.

    Only facts known on both sides count. A different birth date is strong evidence of a
    different person (x0.7; x0.9 when near, see `dates_near`: years one apart where a side
    knows only the year, a month apart or day and month swapped where both know the day);
    the same full date adds a little. Nationality: overlap adds a little, no overlap
    costs x0.9 (people hold several). Position: a shared office adds a little and nothing
    is taken off when it differs, since officials change posts. A Person query against an
    Organization (or the reverse) costs x0.75.
    """
    score = name.score
    feats: dict[str, float] = {"name": name.score}
    notes: list[str] = []

    if query.birth_date and entry.birth_dates:
        q_dates = parse_dates(query.birth_date) or (query.birth_date,)
        exact = any(q == e and len(q) == 10 for q in q_dates for e in entry.birth_dates)
        compatible = any(dates_compatible(q, e) for q in q_dates for e in entry.birth_dates)
        near = any(dates_near(q, e) for q in q_dates for e in entry.birth_dates)
        if exact:
            factor, note = 1.0, "birth date matches"
            score += (1 - score) * 0.3
        elif compatible:
            factor, note = 1.0, "birth date compatible"
            score += (1 - score) * 0.1
        elif near:
            factor, note = 0.9, "birth date differs (near)"
        else:
            factor, note = 0.7, "birth date differs"
        score *= factor
        feats["birth_date"] = factor if not (exact or compatible) else 1.1 if exact else 1.05
        notes.append(f"{note}: {query.birth_date} vs {', '.join(entry.birth_dates[:3])}")

    if query.nationality and entry.nationalities:
        q_code = to_iso2(query.nationality) or query.nationality.strip().upper()
        listed = {to_iso2(n) or n.upper() for n in entry.nationalities}
        if q_code in listed:
            score += (1 - score) * 0.1
            feats["nationality"] = 1.05
            notes.append(f"nationality {q_code} matches")
        else:
            score *= 0.9
            feats["nationality"] = 0.9
            notes.append(f"nationality {q_code} not in {', '.join(sorted(listed))}")

    if query.position and entry.positions:
        q_tok = _position_tokens(query.position)
        best = max(
            (len(q_tok & _position_tokens(p)) / max(1, len(q_tok)) for p in entry.positions),
            default=0.0,
        )
        if best >= 0.5:
            score += (1 - score) * 0.15
            feats["position"] = 1.05
            notes.append(f"position matches: {entry.positions[0]}")
        else:
            feats["position"] = 1.0

    q_person = query.schema == "Person"
    e_person = entry.schema == "Person"
    if (
        query.schema
        and entry.schema
        and q_person != e_person
        and "LegalEntity"
        not in (
            query.schema,
            entry.schema,
        )
    ):
        score *= 0.75
        feats["schema"] = 0.75
        notes.append(f"schema {query.schema} vs {entry.schema}")

    return round(min(1.0, max(0.0, score)), 4), feats, notes


_ENTRY_FIELDS = tuple(f.name for f in fields(ListEntry))


class PackedEntries(Sequence[ListEntry]):
    """The entries of an unpickled index, each kept packed until a search reaches it.

    A query reads a few dozen entries; unpacking all of them (remarks, addresses ...) cost
    most of the time it took to load a stored index, which `dueprocess screen` pays on every
    call. Each entry is its field values in `marshal` form (strings and tuples only).
    """

    __slots__ = ("_blobs", "_open")

    def __init__(self, blobs: list[bytes]) -> None:
        self._blobs = blobs
        self._open: dict[int, ListEntry] = {}

    @classmethod
    def pack(cls, entries: Sequence[ListEntry]) -> PackedEntries:
        if isinstance(entries, PackedEntries):
            return entries
        return cls([marshal.dumps(tuple(getattr(e, f) for f in _ENTRY_FIELDS))
                    for e in entries])

    def __len__(self) -> int:
        return len(self._blobs)

    @overload
    def __getitem__(self, i: int) -> ListEntry: ...

    @overload
    def __getitem__(self, i: slice) -> list[ListEntry]: ...

    def __getitem__(self, i: int | slice) -> ListEntry | list[ListEntry]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self._blobs)))]
        if i < 0:
            i += len(self._blobs)
        entry = self._open.get(i)
        if entry is None:
            # packed by `pack` from our own entries; stored indexes are signed by the caller
            entry = self._open[i] = ListEntry(*marshal.loads(self._blobs[i]))  # noqa: S302
        return entry

    def __iter__(self) -> Iterator[ListEntry]:
        """Every entry, without keeping the ones not yet opened: a pass over all of them
        (the service collects their keys) should not double the memory they take."""
        opened = self._open
        for i, blob in enumerate(self._blobs):
            entry = opened.get(i)
            yield entry if entry is not None else ListEntry(*marshal.loads(blob))  # noqa: S302

    def __reduce__(self) -> tuple[type[PackedEntries], tuple[list[bytes]]]:
        return (PackedEntries, (self._blobs,))


class ScreeningIndex:
    """Names of list entries indexed for fast fuzzy search. Build with `build`."""

    def __init__(self) -> None:
        self.entries: Sequence[ListEntry] = []
        self.name_entry: NDArray[np.int32] = np.zeros(0, dtype=np.int32)
        self.name_alias: NDArray[np.int16] = np.zeros(0, dtype=np.int16)
        self.key_strings: list[str] = []
        self.key_ids: dict[str, int] = {}
        self.offsets: NDArray[np.int64] = np.zeros(1, dtype=np.int64)
        self.postings: NDArray[np.int32] = np.zeros(0, dtype=np.int32)

    @property
    def name_count(self) -> int:
        return len(self.key_strings)

    def __len__(self) -> int:
        return len(self.entries)

    def __getstate__(self) -> dict[str, Any]:
        """Entries are stored packed (see `PackedEntries`): loading is then mostly arrays."""
        state = dict(vars(self))
        state["entries"] = PackedEntries.pack(self.entries)
        return state

    @classmethod
    def build(cls, entries: Iterable[ListEntry]) -> ScreeningIndex:
        """Index every name (primary and aliases) of every entry."""
        self = cls()
        built: list[ListEntry] = []
        self.entries = built
        key_ids = self.key_ids
        key_col = array("i")
        name_col = array("i")
        name_entry = array("i")
        name_alias = array("h")
        key_strings = self.key_strings
        # per distinct token (and joined pair): its key ids and phonetic key, computed once
        token_cache: dict[Token, tuple[tuple[int, ...], str]] = {}
        pair_cache: dict[tuple[Token, Token], tuple[int, ...]] = {}

        def ids_of(keys: Iterable[tuple[str, float]]) -> tuple[int, ...]:
            out = []
            for k, _w in keys:
                k_id = key_ids.get(k)
                if k_id is None:
                    k_id = key_ids[k] = len(key_ids)
                out.append(k_id)
            return tuple(out)

        for e_idx, entry in enumerate(entries):
            built.append(entry)
            for a_idx, name in enumerate(entry.names[:_MAX_ALIASES]):
                tokens = _tokenize(name)
                if not tokens:
                    continue
                n_id = len(key_strings)
                ids: list[int] = []
                pkeys: list[str] = []
                for i, t in enumerate(tokens):
                    cached = token_cache.get(t)
                    if cached is None:
                        cached = token_cache[t] = (ids_of(_single_keys(t)), phonetic_key(t.text))
                    ids.extend(cached[0])
                    pkeys.append(cached[1])
                    if t.joined and i + 1 < len(tokens):
                        pair = (t, tokens[i + 1])
                        joined = pair_cache.get(pair)
                        if joined is None:
                            joined = pair_cache[pair] = ids_of(_compound_keys(t, tokens[i + 1]))
                        ids.extend(joined)
                acronym = _acronym_key(tokens)
                if acronym:
                    ids.extend(ids_of([("a" + acronym, 1.0)]))
                ids = list(dict.fromkeys(ids))
                key_col.extend(ids)
                name_col.extend([n_id] * len(ids))
                pkeys.sort()
                key_strings.append(" ".join(pkeys))
                name_entry.append(e_idx)
                name_alias.append(a_idx)
        self.name_entry = np.frombuffer(name_entry, dtype=np.int32).copy()
        self.name_alias = np.frombuffer(name_alias, dtype=np.int16).copy()
        keys_np = np.frombuffer(key_col, dtype=np.int32)
        names_np = np.frombuffer(name_col, dtype=np.int32)
        order = np.argsort(keys_np, kind="stable")
        self.postings = names_np[order].copy()
        counts = np.bincount(keys_np, minlength=len(key_ids))
        self.offsets = np.zeros(len(key_ids) + 1, dtype=np.int64)
        np.cumsum(counts, out=self.offsets[1:])
        return self

    # -- search -------------------------------------------------------------------------

    def _candidates(self, tokens: Sequence[Token]) -> tuple[NDArray[np.int32], NDArray[np.float64]]:
        """Names sharing keys with the query, scored by summed IDF of the query tokens they
        match; each token counts once (its best key), however many readings matched."""
        n_names = max(1, self.name_count)
        found: list[tuple[int, float, int, int]] = []
        for g, group in enumerate(_key_groups(tokens)):
            for k, w in group:
                k_id = self.key_ids.get(k)
                if k_id is None:
                    continue
                df = int(self.offsets[k_id + 1] - self.offsets[k_id])
                found.append((df, w * math.log(1 + n_names / df), k_id, g))
        if not found:
            return np.zeros(0, dtype=np.int32), np.zeros(0)
        found.sort()
        per_group: dict[int, list[tuple[float, int]]] = {}
        total = 0
        for df, w, k_id, g in found:
            if total and total + df > _POSTING_BUDGET:
                break
            per_group.setdefault(g, []).append((w, k_id))
            total += df
        ids: list[NDArray[np.int32]] = []
        weights: list[NDArray[np.float64]] = []
        for keys in per_group.values():
            keys.sort(reverse=True)
            g_ids = np.concatenate(
                [self.postings[self.offsets[k] : self.offsets[k + 1]] for _, k in keys]
            )
            g_w = np.concatenate(
                [np.full(int(self.offsets[k + 1] - self.offsets[k]), w) for w, k in keys]
            )
            if len(keys) > 1:
                g_ids, first = np.unique(g_ids, return_index=True)
                g_w = g_w[first]
            ids.append(g_ids)
            weights.append(g_w)
        all_ids = np.concatenate(ids)
        all_w = np.concatenate(weights)
        uniq, inverse = np.unique(all_ids, return_inverse=True)
        return uniq.astype(np.int32), np.bincount(inverse, weights=all_w).astype(np.float64)

    def _shortlist(self, tokens: Sequence[Token], pool: int = _SCORE_POOL) -> list[int]:
        ids, block = self._candidates(tokens)
        if len(ids) == 0:
            return []
        if len(ids) > _RANK_POOL:
            top = np.argpartition(-block, _RANK_POOL)[:_RANK_POOL]
            ids, block = ids[top], block[top]
        if len(ids) > pool:
            queries = _query_key_strings(tokens)
            choices = [self.key_strings[i] for i in ids]
            fz = process.cdist(queries, choices, scorer=fuzz.token_sort_ratio, dtype=np.float32)
            fz = fz.max(axis=0)
            rank = 0.5 * (block / block.max()) + 0.5 * (fz / 100.0)
            top = np.argpartition(-rank, pool)[:pool]
            ids = ids[top]
        return [int(i) for i in ids]

    def search(self, query: Query, limit: int = 10, threshold: float = 0.0) -> list[Hit]:
        """Entries whose names resemble the query, best first, at most `limit`.

        `threshold` filters hits below a score (0 returns the best candidates whatever
        their score; pass `DEFAULT_THRESHOLD` to get alerts only).
        """
        tokens = tokenize(query.name)
        if not tokens or not self.entries:
            return []
        best: dict[int, tuple[NameScore, int]] = {}
        pool = _HAN_SCORE_POOL if any(t.han for t in tokens) else _SCORE_POOL
        for n_id in self._shortlist(tokens, max(pool, limit)):
            e_idx = int(self.name_entry[n_id])
            a_idx = int(self.name_alias[n_id])
            entry = self.entries[e_idx]
            ns = score_tokens(tokens, tokenize(entry.names[a_idx]))
            prev = best.get(e_idx)
            if prev is None or ns.score > prev[0].score:
                best[e_idx] = (ns, a_idx)
        hits = []
        for e_idx, (ns, a_idx) in best.items():
            entry = self.entries[e_idx]
            score, feats, notes = adjust(ns, query, entry)
            if score < threshold:
                continue
            matched = entry.names[a_idx]
            which = "primary name" if a_idx == 0 else "alias"
            text = (
                f"{which} '{matched}' of {entry.list_id} {entry.entry_id}: "
                f"name {ns.score:.2f} ({ns.explain()})"
            )
            if notes:
                text += "; " + "; ".join(notes)
            text += f" -> {score:.2f}"
            hits.append(Hit(entry, matched, score, text, feats))
        hits.sort(key=lambda h: (-h.score, h.entry.list_id, h.entry.entry_id))
        return hits[:limit]

    def screen(self, query: Query, threshold: float = DEFAULT_THRESHOLD) -> list[Hit]:
        """Alerts only: hits at or above the threshold."""
        return self.search(query, limit=25, threshold=threshold)
