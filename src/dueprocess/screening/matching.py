"""Pairwise name scoring with an explanation; the index uses it to re-score its short list.

A name is a bag of tokens. Tokens of the two names are aligned greedily by similarity:

* equal spelling 1.0; equal phonetic key 0.95 ("bing"/"ping", "Koeng"/"Keung");
* otherwise an edit similarity (optimal string alignment, so one transposition is one edit)
  over spelling and key, *squared*: in short name tokens one letter is often the whole
  difference between two people (Tan/Tang, Lim/Lam), so near-misses are weak evidence;
  a differing first sound costs more still (Wing/Ping); a transposition of a longer token
  (Chirs/Chris) and equal consonant skeletons (Mohammed/Muhammad) keep a high floor;
* an initial matches a token it starts ("J." / "John").

The name score is the weighted mean of aligned similarities, where every token left
unaligned on either side adds `UNMATCHED_PENALTY` times its weight to the denominator: a
missing middle name costs little, a different given name (unaligned on both sides) twice
as much. Adjacent tokens are also tried joined ("Ping Keung" / "Pingkeung", "Jia Chao" /
"Jiachao"). The score is symmetric and in [0, 1].
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import product

from rapidfuzz.distance import OSA

from .normalize import Token, phonetic_key, skeleton, token_weight, tokenize

UNMATCHED_PENALTY = 0.3
MIN_TOKEN_SIM = 0.5
_MAX_JOINED_FORMS = 12


@dataclass(frozen=True, slots=True)
class TokenMatch:
    """One aligned token pair and why it counts."""

    left: str
    right: str
    similarity: float
    how: str  # exact | phonetic | transposed | consonants | initial | fuzzy


@dataclass(frozen=True, slots=True)
class NameScore:
    """Result of comparing two names: the score and what produced it."""

    score: float
    matches: tuple[TokenMatch, ...]
    unmatched_left: tuple[str, ...]
    unmatched_right: tuple[str, ...]

    def explain(self) -> str:
        parts = []
        for m in self.matches:
            if m.how == "exact":
                parts.append(m.left)
            else:
                parts.append(f"{m.left}~{m.right} ({m.how} {m.similarity:.2f})")
        if self.unmatched_left:
            parts.append("query only: " + " ".join(self.unmatched_left))
        if self.unmatched_right:
            parts.append("list only: " + " ".join(self.unmatched_right))
        return "; ".join(parts)


EMPTY_SCORE = NameScore(0.0, (), (), ())


_VOWELS = re.compile(r"[aeiouy]+")


def _syllables(key: str) -> int:
    return len(_VOWELS.findall(key))


@lru_cache(maxsize=1_000_000)
def _form_sim(a: str, b: str) -> tuple[float, str]:
    """Similarity of two spellings; called with (min, max) so it is symmetric by design."""
    if a == b:
        return 1.0, "exact"
    if not a or not b:
        return 0.0, "fuzzy"
    ka, kb = phonetic_key(a), phonetic_key(b)
    if ka == kb:
        return 0.95, "phonetic"
    if len(a) == 1 or len(b) == 1:
        short, long_ = (a, b) if len(a) == 1 else (b, a)
        if long_.startswith(short):
            return 0.8, "initial"
        return 0.0, "fuzzy"
    base = max(OSA.normalized_similarity(a, b), OSA.normalized_similarity(ka, kb))
    # one edit in a 3-4 letter token is usually another name (Tan/Tang, Lim/Lam); in a
    # longer one it is more often a typo (Jaes/James)
    sim = base**2 if max(len(a), len(b)) <= 4 else base**1.5
    if ka[0] != kb[0]:
        sim *= 0.6
    how = "fuzzy"
    if len(a) >= 4 and len(a) == len(b) and sorted(a) == sorted(b) and sim < 0.85:
        sim, how = 0.85, "transposed"
    sa, sb = skeleton(ka), skeleton(kb)
    # equal consonants count only for words of two or more syllables (Mohammed/Muhammad):
    # one-syllable Chinese names differ by their vowel alone (Chung/Cheng)
    if len(sa) >= 3 and sa == sb and sim < 0.85 and min(_syllables(ka), _syllables(kb)) >= 2:
        sim, how = 0.85, "consonants"
    return sim, how


def form_similarity(a: str, b: str) -> tuple[float, str]:
    return _form_sim(a, b) if a <= b else _form_sim(b, a)


def _token_sim(x: Token, y: Token) -> tuple[float, str, str, str]:
    best = (-1.0, "", "", "")
    for fa in x.forms:
        for fb in y.forms:
            s, how = form_similarity(fa, fb)
            if s > best[0]:
                best = (s, how, fa, fb)
                if s == 1.0:
                    return best
    return best


def _join(x: Token, y: Token) -> Token:
    forms = tuple(dict.fromkeys(a + b for a, b in product(x.forms, y.forms)))[:_MAX_JOINED_FORMS]
    return Token(forms, x.han + y.han, y.joined, x.mandarin + y.mandarin)


def _merge_towards(tokens: tuple[Token, ...], other: tuple[Token, ...]) -> tuple[Token, ...]:
    """Join adjacent tokens whose concatenation sounds like one token of the other name."""
    if len(tokens) < 2:
        return tokens
    other_keys = {phonetic_key(f) for t in other for f in t.forms if len(f) > 3}
    if not other_keys:
        return tokens
    out: list[Token] = []
    i = 0
    changed = False
    while i < len(tokens):
        if i + 1 < len(tokens):
            joined = _join(tokens[i], tokens[i + 1])
            if any(phonetic_key(f) in other_keys for f in joined.forms):
                out.append(joined)
                i += 2
                changed = True
                continue
        out.append(tokens[i])
        i += 1
    return tuple(out) if changed else tokens


def _align(left: tuple[Token, ...], right: tuple[Token, ...]) -> NameScore:
    pairs = []
    for i, x in enumerate(left):
        for j, y in enumerate(right):
            s, how, fa, fb = _token_sim(x, y)
            if s >= MIN_TOKEN_SIM:
                lo, hi = (fa, fb) if fa <= fb else (fb, fa)
                pairs.append((-s, lo, hi, i, j, how, fa, fb))
    pairs.sort()
    used_l: set[int] = set()
    used_r: set[int] = set()
    num = 0.0
    den = 0.0
    matches = []
    for neg_s, _lo, _hi, i, j, how, fa, fb in pairs:
        if i in used_l or j in used_r:
            continue
        used_l.add(i)
        used_r.add(j)
        w = (token_weight(fa) + token_weight(fb)) / 2
        num += w * -neg_s
        den += w
        matches.append(TokenMatch(fa, fb, round(-neg_s, 4), how))
    rest_l = tuple(left[i].text for i in range(len(left)) if i not in used_l)
    rest_r = tuple(right[j].text for j in range(len(right)) if j not in used_r)
    den += UNMATCHED_PENALTY * (
        sum(token_weight(t) for t in rest_l) + sum(token_weight(t) for t in rest_r)
    )
    score = round(num / den, 4) if den > 0 else 0.0
    return NameScore(min(1.0, score), tuple(matches), rest_l, rest_r)


def score_tokens(left: tuple[Token, ...], right: tuple[Token, ...]) -> NameScore:
    """Best alignment score over the written and the joined-syllable readings."""
    if not left or not right:
        return EMPTY_SCORE
    best = _align(left, right)
    if best.score >= 1.0:
        return best
    for a, b in (
        (_merge_towards(left, right), right),
        (left, _merge_towards(right, left)),
    ):
        if a is left and b is right:
            continue
        cand = _align(a, b)
        if cand.score > best.score:
            best = cand
    return best


def compare_names(name1: str, name2: str) -> NameScore:
    """Score and explanation for two names (any script, any order)."""
    return score_tokens(tokenize(name1), tokenize(name2))


def compare(name1: str, name2: str, schema: str = "Person") -> float:
    """Name similarity in [0, 1], the same measure the screener ranks and alerts on.

    Symmetric. `schema` is accepted so callers can state what they compare; names of
    every schema are scored alike (legal-form words such as "Ltd" weigh little anyway).
    """
    del schema
    return compare_names(name1, name2).score
