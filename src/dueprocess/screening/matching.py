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

from .han import traditional_text
from .nicknames import short_form_of
from .normalize import (
    LEGAL_FORMS,
    NASAB,
    ORG_TYPES,
    PARTICLE_WEIGHT,
    Token,
    abjad_skeleton,
    dotted_legal_form,
    phonetic_key,
    skeleton,
    token_weight,
    tokenize,
)
from .translit import initials, latin_key, pinyin_syllables, sound_skeleton

UNMATCHED_PENALTY = 0.3
MIN_TOKEN_SIM = 0.5
OTHER_CHARACTER_SIM = 0.25
"""Two Han syllables read alike but written with different characters (近平/近朋): the
characters are the name, the reading only how it sounds, so this is weak evidence."""
NASAB_ORDER_FACTOR = 0.6
"""`A bin B` and `B bin A` are father and son, not one person."""
LEGAL_FORM_FACTOR = 0.85
"""Both names carry a legal form and the forms differ (AG / GmbH): another company."""
NUMBER_FACTOR = 0.7
"""Both names carry numbers and the numbers differ (SAM JONG 1 / SAM JONG 2, BICENTENARIO
III / BICENTENARIO I): another vessel, fund or branch of the same family of names."""
NAME_PREFIX_FACTOR = 0.8
"""`Abu Hamza` is the father of Hamza and `Abd al-Rahman` the servant of the Merciful:
neither is the name `Hamza` or `Rahman` with a particle left out."""
_NAME_PREFIXES = frozenset(("abu", "abou", "bu", "umm", "abd"))
SHORT_FORM_SIM = 0.85
"""An established short form of the given name (Bill / William, Sasha / Aleksandr)."""
ACRONYM_SIM = 0.9
WADE_GILES_SIM = 0.95
"""A word met through another spelling system's form of it (Wade-Giles, Cyrillic Ye)."""
_OTHER_CHARACTER = "other character, same reading"
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
    notes: tuple[str, ...] = ()

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
        parts.extend(self.notes)
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
    if not a or not b or _numeral(a) or _numeral(b):
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
    # longer one it is more often a typo (Jaes/James), unless both are Chinese syllables,
    # where one letter is another syllable and so another name (Chan/Chang)
    few_letters = max(len(a), len(b)) <= 4
    syllables = not few_letters and a in pinyin_syllables() and b in pinyin_syllables()
    sim = base**2 if few_letters or syllables else base**1.5
    # another first consonant is another name (Wing/Ping); another first vowel is mostly
    # another transliteration (Oleksandr/Aleksandr, Usama/Osama, Ebrahim/Ibrahim)
    if ka[0] != kb[0] and not (ka[0] in "aeiou" and kb[0] in "aeiou"):
        sim *= 0.6
    how = "fuzzy"
    if len(a) >= 4 and len(a) == len(b) and sorted(a) == sorted(b) and sim < 0.85:
        sim, how = 0.85, "transposed"
    sa, sb = skeleton(ka), skeleton(kb)
    # equal consonants count only for words of two or more syllables (Mohammed/Muhammad):
    # one-syllable Chinese names differ by their vowel alone (Chung/Cheng)
    if len(sa) >= 3 and sa == sb and sim < 0.85 and min(_syllables(ka), _syllables(kb)) >= 2:
        sim, how = 0.85, "consonants"
    if sim < 0.9 and len(a) >= 5 and len(b) >= 5 and latin_key(a) == latin_key(b):
        sim, how = 0.9, "transliteration"
    return sim, how


# Roman numerals that are not also a name (Xi, Vi) or an initial (I, V, X)
_ROMAN = frozenset(
    ("ii", "iii", "iv", "vii", "viii", "ix", "xii", "xiii", "xiv", "xv", "xvi", "xvii", "xviii")
)
_ROMAN_LETTERS = frozenset("ivx")


def _numeral(word: str) -> bool:
    return word.isdigit() or word in _ROMAN


def _numbers_differ(left: tuple[Token, ...], right: tuple[Token, ...]) -> tuple[str, str] | None:
    """The numbers of each side when both carry some and they are not the same."""
    nums_l = [t.text for t in left if _numeral(t.text)]
    nums_r = [t.text for t in right if _numeral(t.text)]
    if (not nums_l and not nums_r) or set(nums_l) == set(nums_r):
        return None
    # a lone I, V or X counts as a number only beside a numeral on the other side
    if not nums_l:
        nums_l = [t.text for t in left if t.text in _ROMAN_LETTERS]
    if not nums_r:
        nums_r = [t.text for t in right if t.text in _ROMAN_LETTERS]
    if not nums_l or not nums_r:
        return None
    return " ".join(nums_l), " ".join(nums_r)


def form_similarity(a: str, b: str) -> tuple[float, str]:
    return _form_sim(a, b) if a <= b else _form_sim(b, a)


def _sound_sim(foreign: Token, latin: Token) -> float:
    """A Han transcription of a foreign word against a Latin spelling, by consonants."""
    a = sound_skeleton(foreign.mandarin or foreign.text)
    b = sound_skeleton(latin.text)
    if len(a.lstrip("V")) < 2 or len(b.lstrip("V")) < 2:
        return 0.0
    if a == b:
        return 0.9
    return 0.9 * OSA.normalized_similarity(a, b) ** 2


def _token_sim(x: Token, y: Token) -> tuple[float, str, str, str]:
    if x.foreign or y.foreign:
        if x.foreign and y.foreign:
            s = 1.0 if x.han == y.han else 0.0
            return s, "exact" if s else "fuzzy", x.han, y.han
        if x.han and y.han:
            return 0.0, "fuzzy", x.text, y.text
        f, latin = (x, y) if x.foreign else (y, x)
        s = _sound_sim(f, latin)
        return s, "transcription", x.han or x.text, y.han or y.text
    best = (-1.0, "", "", "")
    if x.abjad != y.abjad:
        best = _abjad_sim(x, y)
    for fa in x.forms:
        for fb in y.forms:
            s, how = form_similarity(fa, fb)
            if s > best[0]:
                best = (s, how, fa, fb)
                if s == 1.0:
                    break
        if best[0] == 1.0:
            break
    if best[0] < SHORT_FORM_SIM and short_form_of(x.text, y.text):
        return SHORT_FORM_SIM, "short form", x.text, y.text
    if (
        not x.han
        and not y.han
        and not (x.abjad or y.abjad)
        and (best[2] != x.text or best[3] != y.text)
    ):
        # a word met through another spelling of it (a Wade-Giles word's pinyin, a
        # Cyrillic Ie as Ye): say so, in both spellings
        how = x.spelling or y.spelling or "spelling"
        return min(best[0], WADE_GILES_SIM), how, x.text, y.text
    if (
        x.han
        and y.han
        and best[0] >= OTHER_CHARACTER_SIM
        and traditional_text(x.han) != traditional_text(y.han)
    ):
        return OTHER_CHARACTER_SIM, _OTHER_CHARACTER, x.han, y.han
    return best


ABJAD_SIM = 0.85
"""A word in Arabic or Hebrew script against a Latin spelling with the same consonants."""
ABJAD_LONG_SIM = 0.9
"""The same, for three consonants or more: as strong as a transliteration fold."""


def _abjad_sim(x: Token, y: Token) -> tuple[float, str, str, str]:
    best = (-1.0, "", "", "")
    for fa in x.forms:
        for fb in y.forms:
            a, b = abjad_skeleton(fa), abjad_skeleton(fb)
            if not a or not b:
                continue
            if a == b and len(a) >= 3:
                sim = ABJAD_LONG_SIM
            else:
                sim = ABJAD_SIM * OSA.normalized_similarity(a, b) ** 2
            if sim > best[0]:
                best = (sim, "consonants", fa, fb)
    return best


def _join(x: Token, y: Token) -> Token:
    forms = tuple(dict.fromkeys(a + b for a, b in product(x.forms, y.forms)))[:_MAX_JOINED_FORMS]
    return Token(
        forms,
        x.han + y.han,
        y.joined,
        x.mandarin + y.mandarin,
        x.foreign,
        x.abjad and y.abjad,
        x.spelling or y.spelling,
    )


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
            if s >= MIN_TOKEN_SIM or how == _OTHER_CHARACTER:
                lo, hi = (fa, fb) if fa <= fb else (fb, fa)
                pairs.append((-s, lo, hi, i, j, how, fa, fb))
    pairs.sort()
    used_l: set[int] = set()
    used_r: set[int] = set()
    aligned: dict[int, int] = {}
    num = 0.0
    den = 0.0
    matches = []
    for neg_s, _lo, _hi, i, j, how, fa, fb in pairs:
        if i in used_l or j in used_r:
            continue
        used_l.add(i)
        used_r.add(j)
        w = (token_weight(left[i].text) + token_weight(right[j].text)) / 2
        num += w * -neg_s
        den += w
        matches.append(TokenMatch(fa, fb, round(-neg_s, 4), how))
        aligned[i] = j
    rest_l = tuple(left[i].text for i in range(len(left)) if i not in used_l)
    rest_r = tuple(right[j].text for j in range(len(right)) if j not in used_r)
    den += UNMATCHED_PENALTY * (_unmatched_weight(rest_l, left) + _unmatched_weight(rest_r, right))
    score = num / den if den > 0 else 0.0
    notes: list[str] = []
    if _nasab_inverted(left, right, aligned):
        score *= NASAB_ORDER_FACTOR
        notes.append("lineage order differs (bin/ibn)")
    forms_l = [t for t in rest_l if t in ORG_TYPES]
    forms_r = [t for t in rest_r if t in ORG_TYPES]
    if forms_l and forms_r:
        score *= LEGAL_FORM_FACTOR
        notes.append(f"legal form differs: {' '.join(forms_l)} / {' '.join(forms_r)}")
    if _lineage_shifted(left, right, aligned):
        score *= NASAB_ORDER_FACTOR
        notes.append("one more given name in front: the next generation")
    prefix = _prefix_dropped(left, right, aligned)
    if prefix is not None:
        score *= NAME_PREFIX_FACTOR
        notes.append(f"{prefix} on one side only")
    numbers = _numbers_differ(left, right)
    if numbers is not None:
        score *= NUMBER_FACTOR
        notes.append(f"numbers differ: {numbers[0]} / {numbers[1]}")
    return NameScore(min(1.0, round(score, 4)), tuple(matches), rest_l, rest_r, tuple(notes))


# East Slavic patronymics: Grigoryevich, Viktorovna, Ilyich, Kuzminichna
_PATRONYMIC = re.compile(r"[a-z]{3,}(?:ovich|evich|ovna|evna|ich|ichna|inichna)")


def _unmatched_weight(rest: tuple[str, ...], tokens: tuple[Token, ...]) -> float:
    """Weight of the words one side has and the other lacks. In a name of three words or
    more, a patronymic left out weighs as a particle: lists give it, requests often do not
    (Lukashenko Aleksandr Grigoryevich / Alexander Lukashenko)."""
    full = len(tokens) >= 3
    return sum(
        PARTICLE_WEIGHT if full and _PATRONYMIC.fullmatch(t) else token_weight(t) for t in rest
    )


def _nasab_pairs(tokens: tuple[Token, ...]) -> list[tuple[int, int]]:
    """(father's position, child's position) for each `X bin Y` in a name."""
    out = []
    for k in range(1, len(tokens) - 1):
        if tokens[k].text in NASAB:
            out.append((k - 1, k + 1))
    return out


def _nasab_inverted(
    left: tuple[Token, ...], right: tuple[Token, ...], aligned: dict[int, int]
) -> bool:
    """True when a lineage `X bin Y` on one side is written `Y bin X` on the other."""
    for i, k in _nasab_pairs(left):
        if i in aligned and k in aligned and aligned[i] > aligned[k]:
            return True
    back = {j: i for i, j in aligned.items()}
    return any(j in back and k in back and back[j] > back[k] for j, k in _nasab_pairs(right))


def _lineage_shifted(
    left: tuple[Token, ...], right: tuple[Token, ...], aligned: dict[int, int]
) -> bool:
    """Two names in Arabic script, one of them the other with a given name in front.

    Written in its own script, an Arabic name is the person's name followed by the
    father's and the grandfather's (عدي صدام حسين: Uday, son of Saddam, son of Hussein), so
    a name that starts with one more given name is the next generation."""
    if not aligned or not all(t.abjad for t in (*left, *right)):
        return False
    back = {j: i for i, j in aligned.items()}
    for side, other, pairs in ((left, right, aligned), (right, left, back)):
        if len(pairs) != len(other) or 0 in pairs:
            continue
        first = min(pairs)
        if any(k not in pairs for k in range(first, len(side))):
            continue
        if [pairs[k] for k in range(first, len(side))] == list(range(len(other))):
            return True
    return False


def _governed(tokens: tuple[Token, ...], k: int) -> int | None:
    """Position of the word a name prefix at k governs (past the article: abd al rahman);
    a prefix left at the end governs the first word, as lists invert "MAJID, Abdul"."""
    n = k + 1
    while n < len(tokens) and tokens[n].text in ("al", "el"):
        n += 1
    if n < len(tokens):
        return n
    n = 0
    while n < k and tokens[n].text in ("al", "el"):
        n += 1
    return n if n < k else None


def _prefixed(tokens: tuple[Token, ...], n: int) -> bool:
    k = n - 1
    while k >= 0 and tokens[k].text in ("al", "el"):
        k -= 1
    return k >= 0 and tokens[k].text in _NAME_PREFIXES


def _prefix_dropped(
    left: tuple[Token, ...], right: tuple[Token, ...], aligned: dict[int, int]
) -> str | None:
    """`abu X` or `abd (al) X` on one side, X alone on the other: the prefix unaligned, the
    word it governs aligned with a word that carries no such prefix."""
    back = {j: i for i, j in aligned.items()}
    for side, other, pairs in ((left, right, aligned), (right, left, back)):
        for k, t in enumerate(side):
            if t.text not in _NAME_PREFIXES or k in pairs:
                continue
            n = _governed(side, k)
            if n is None or n not in pairs:
                continue
            if not _prefixed(other, pairs[n]):
                return f"{t.text} {side[n].text}"
    return None


def _acronym(left: tuple[Token, ...], right: tuple[Token, ...]) -> NameScore | None:
    """`PLA` against `People's Liberation Army`: one short word spelling the initials."""
    for short, long_, flip in ((left, right, False), (right, left, True)):
        if len(short) != 1 or len(long_) < 2 or short[0].han:
            continue
        word = short[0].text
        if not (2 <= len(word) <= 6) or not word.isalpha():
            continue
        words = [t.text for t in long_ if t.text not in LEGAL_FORMS]
        if initials(words) == word:
            full = " ".join(words)
            a, b = (full, word) if flip else (word, full)
            return NameScore(ACRONYM_SIM, (TokenMatch(a, b, ACRONYM_SIM, "acronym"),), (), ())
    return None


def score_tokens(left: tuple[Token, ...], right: tuple[Token, ...]) -> NameScore:
    """Best alignment score over the written and the joined-syllable readings."""
    if not left or not right:
        return EMPTY_SCORE
    best = _align(left, right)
    if best.score >= 1.0:
        return best
    acronym = _acronym(left, right)
    if acronym is not None and acronym.score > best.score:
        best = acronym
    for a, b in (
        (_merge_towards(left, right), right),
        (left, _merge_towards(right, left)),
    ):
        if a is left and b is right:
            continue
        cand = _align(a, b)
        if cand.score > best.score:
            best = cand
    # the letters of one side read as a legal form, to meet the other side's
    dotted_l = _dotted_legal_form(left) if _has_legal_form(right) else None
    dotted_r = _dotted_legal_form(right) if _has_legal_form(left) else None
    if dotted_l is not None or dotted_r is not None:
        cand = _align(dotted_l or left, dotted_r or right)
        if cand.score > best.score:
            best = cand
    return best


def _has_legal_form(tokens: tuple[Token, ...]) -> bool:
    return any(t.text in ORG_TYPES for t in tokens)


def _dotted_legal_form(tokens: tuple[Token, ...]) -> tuple[Token, ...] | None:
    """The name read with its last single letters as the legal form they may spell.

    `Acme B.V.`, `GRUPO X S.A. DE C.V.` and `LAMA FOODS S.A.R.L.` lose their dots with the
    punctuation and are left as letters, since `SMITH, S.A.` is as likely a person's
    initials; this second reading lets them meet `ACME BV` or `... SA DE CV` (a legal form
    on the other side), and the better of the two readings counts.
    """
    k = len(tokens)
    while k > 0 and not tokens[k - 1].han and (
        len(tokens[k - 1].text) == 1 or tokens[k - 1].text == "de"
    ):
        k -= 1
    for start in range(max(k, 1), len(tokens) - 1):
        run = tuple(t.text for t in tokens[start:])
        if sum(len(w) == 1 for w in run) < 2:
            break
        form = dotted_legal_form(run)
        if form is not None:
            return (*tokens[:start], Token((form,)))
    return None


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
