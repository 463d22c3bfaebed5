"""Name normalisation: from any script and any order to comparable tokens and phonetic keys.

The same person appears as "TANG, Chris", "Mr Chris Tang", "Commissioner Tang Ping-keung"
and 鄧炳強. Normalisation makes these comparable without deciding whether they match:

* NFKC, transliteration to Latin (`anyascii`; Han script is read separately, see `han`),
  case folding, accents and punctuation removed, apostrophes dropped inside words
  ("Mas'ud" -> "masud"), hyphens split ("Ping-keung" -> "ping" "keung", remembered so the
  joined form "pingkeung" can also be matched);
* titles, honorifics and post-nominals removed (Mr, Hon., Dr, Commissioner of Police,
  Chief Executive, Secretary for Security, SC, JP, GBS ...), unless nothing else is left;
* Arabic compound names split into the same parts however they are written (Abdurrahman,
  Abdul Rahman, Abd al-Rahman -> abd al rahman; Nuruddin -> nur al din);
* "SURNAME, Given" order ignored: names compare as token sets.

Phonetic keys fold spellings that romanisations use for one sound (b/p, d/t, g/k, ph/f,
vowel digraphs such as ee/i, oe/eu, final -h and -r), so "bing" and "ping", "keung" and
"koeng", "ngor" and "ngo" get one key. They decide candidate blocking and boost scores; they
never decide a match alone.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii
from rigour.names.org_types import extract_org_types, replace_org_types_compare

from .han import HAN_RUN, han_syllables, mandarin_reading, traditional_text
from .korean import HANGUL_RUN, name_syllables
from .translit import looks_wade_giles, pinyin_syllables, wade_giles_to_pinyin

MAX_NAME_CHARS = 1000
MAX_TOKENS = 16


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Forms of address, honours and post-nominals: removed wherever they stand.
ADDRESS_TOKENS = _words(
    """
    mr mrs ms miss mx mister madam madame mme mlle messrs dr doctor prof professor
    sir dame lord lady rev revd reverend honourable honorable rt esq esquire
    sc jp gbs sbs bbs mh gbm pdsm mbs obe mbe cbe kbe dbe qc kc phd
    """
)
# Offices and ranks: removed wherever they stand, and they also take the office words.
OFFICE_HEADS = _words(
    """
    commissioner secretary minister superintendent inspector constable sergeant
    general colonel lieutenant captain brigadier admiral commander
    gen col lt capt brig adm cmdr sgt insp supt
    president premier chairman chairwoman chairperson ambassador governor mayor
    deputy assistant acting director
    """
)
TITLE_TOKENS = ADDRESS_TOKENS | OFFICE_HEADS
# Removed only next to an office ("Commissioner of Police", "Secretary for Security").
OFFICE_WORDS = _words(
    """
    of for the and police security justice affairs constitutional mainland administration
    finance financial defence defense interior foreign health education labour
    labor welfare commerce customs excise immigration correctional services
    development housing transport environment innovation technology culture sports tourism
    economic department bureau prosecutions council executive
    """
)
# Two-word titles whose words are ordinary on their own.
TITLE_PAIRS = (("chief", "executive"), ("chief", "secretary"), ("senior", "counsel"))
_TITLE_OR_PAIR = TITLE_TOKENS | {w for pair in TITLE_PAIRS for w in pair}

# Low-information words: kept, but weigh little when scoring.
PARTICLES = _words(
    """
    al el bin ibn bint binti abu abd abdul de del della da das dos di du van von der den la
    le y e the of and
    """
)
# Words that join a name to the father's name in an Arabic nasab: their order is identity.
NASAB = _words("bin ibn bint binti ben ould walad")
LEGAL_FORMS = _words(
    """
    ltd limited llc inc incorporated co corp corporation company sa sas srl gmbh ag jsc ojsc
    pjsc cjsc ooo zao oao tov llp plc bv nv sarl spa pte pvt fze fzco fzc fzllc group
    holding holdings trading international establishment enterprise enterprises
    lp gp coop ngo
    """
)
# The generic legal forms `rigour` rewrites every national form to ("Gesellschaft mit
# beschränkter Haftung", "GmbH", Russian OOO, "Ltd" -> llc; "AG", Russian PAO, "S.A." -> jsc).
ORG_TYPES = _words("llc jsc llp lp gp coop ngo")

_HON_DOTTED = re.compile(r"\bhon\.|\bthe\s+hon\b|\bhon(?:ourable|orable)\b")
_APOSTROPHES = re.compile("['\u2018\u2019\u02bc\u02bb`\u00b4]")
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class Token:
    """One name token with its alternative spellings (several only for Han syllables).

    `joined` marks a token written together with the next one ("Ping-keung", or the given
    name syllables of a Han name), so the pair can also be compared as one word.
    """

    forms: tuple[str, ...]
    han: str = ""
    joined: bool = False
    mandarin: str = ""  # pinyin reading of a Han syllable
    # a foreign name written in Han characters for its sound (贝拉克 for "Barack")
    foreign: bool = False
    # transliterated from a script that leaves vowels unwritten or inherent (Arabic,
    # Hebrew, Devanagari ...): compared with Latin spellings by consonants
    abjad: bool = False
    # the system the alternative forms come from, named when a match goes through one
    spelling: str = ""

    @property
    def text(self) -> str:
        return self.forms[0]


def _clean(name: str) -> str:
    if name.isascii():
        return name[:MAX_NAME_CHARS]
    text = unicodedata.normalize("NFKC", name[: MAX_NAME_CHARS * 2])[:MAX_NAME_CHARS]
    # surrogates and other unencodable code points cannot appear in a real name
    return text.encode("utf-8", "ignore").decode("utf-8")


_TOKENS: dict[tuple[str, bool], Token] = {}
_TOKEN_CACHE_MAX = 500_000


def _token(word: str, joined: bool = False) -> Token:
    """Interned Latin tokens: names repeat words, and building a million names must not
    allocate a million copies of "mohammed"."""
    key = (word, joined)
    tok = _TOKENS.get(key)
    if tok is None:
        if len(_TOKENS) >= _TOKEN_CACHE_MAX:
            _TOKENS.clear()
        tok = _TOKENS[key] = Token((word,), "", joined)
    return tok


def _latin_tokens(segment: str) -> list[Token]:
    text = segment.casefold() if segment.isascii() else anyascii(segment).casefold()
    text = _APOSTROPHES.sub("", text)
    if "-" not in text:
        return [_token(w) for w in _WORD.findall(text)]
    out: list[Token] = []
    last_end = -1
    for m in _WORD.finditer(text):
        if out and text[last_end : m.start()] == "-":
            out[-1] = _token(out[-1].text, True)
        out.append(_token(m.group()))
        last_end = m.end()
    return out


def _wade_giles(tokens: list[Token]) -> list[Token]:
    """Give each syllable of a Wade-Giles name its pinyin spellings as alternatives."""
    words = [t.text for t in tokens]
    if not words or max(len(w) for w in words) > 6 or not looks_wade_giles(words):
        return tokens
    return [
        Token(
            tuple(dict.fromkeys((t.text, *wade_giles_to_pinyin(t.text)))),
            "",
            t.joined,
            spelling="Wade-Giles",
        )
        for t in tokens
    ]


def _foreign_token(run: str) -> list[Token]:
    """A transcribed foreign word: one token read as the pinyin of its characters."""
    if len(run) == 1:
        return _han_tokens(run)
    reading = mandarin_reading(run)
    if not reading:
        return []
    return [Token((reading,), traditional_text(run), False, reading, True)]


_TRANSCRIPTION_DOTS = re.compile("[\u00b7\u30fb\u2027\u2022\u22c5\u2219]")


def _han_tokens(run: str) -> list[Token]:
    syllables = han_syllables(run, len(run) <= 4)
    out = []
    for i, s in enumerate(syllables):
        # given-name syllables are written together in pinyin ("Jiachao") and hyphenated in
        # HK style ("Ka-chiu"): mark them joined so either form can be matched
        joined = not s.surname and i + 1 < len(syllables)
        out.append(Token(s.forms, s.text, joined, s.mandarin))
    return out


def _strip_titles(tokens: list[Token], dotted_hon: bool) -> list[Token]:
    """Forms of address, honours and offices removed; not from a name that carries a
    legal form or company word, where they are part of the name (General Electric
    Company, Director Trading LLC)."""
    texts = [t.text for t in tokens]
    if not dotted_hon and _TITLE_OR_PAIR.isdisjoint(texts):
        return tokens
    if not LEGAL_FORMS.isdisjoint(texts):
        return tokens
    words = {t.text for t in tokens if not t.han}
    drop = {w for w in words if w in TITLE_TOKENS}
    for a, b in TITLE_PAIRS:
        if a in words and b in words:
            drop.update((a, b))
    if dotted_hon:
        drop.update(("hon", "the"))
    if drop & (OFFICE_HEADS | {"chief"}):
        drop |= words & OFFICE_WORDS
    if not drop:
        return tokens
    kept = [t for t in tokens if t.han or t.text not in drop]
    return kept or tokens


def _generic_org_types(text: str, names: frozenset[str] = frozenset()) -> str:
    """rigour's generic legal form for every form in the text ("GmbH", Russian OOO -> llc).

    Left alone: forms spelled as single letters ("a g"), which read without their dots are
    as likely initials; one-word forms that are also a Chinese syllable ("Yu", "Sa",
    "Ao"), which in a name are more often a person's; and `names`, words that cannot be
    one where they stand (see `_not_legal_forms`).
    """
    found = extract_org_types(text, generic=True)
    if not found:
        return text
    for phrase, _generic in found:
        words = _ANY_WORD.findall(phrase)
        if all(len(w) <= 1 for w in words):
            return text
        if len(words) == 1 and words[0].isascii() and words[0].lower() in pinyin_syllables():
            return text
        if len(words) == 1 and words[0].lower() in names:
            return text
    return replace_org_types_compare(text, generic=True)


_ANY_WORD = re.compile(r"\w+")


@lru_cache(maxsize=4096)
def dotted_legal_form(words: tuple[str, ...]) -> str | None:
    """rigour's generic legal form of letters that were written with dots (s a r l ->
    S.A.R.L. -> llc; s a de c v -> S.A. de C.V. -> jsc), or None when they spell none."""
    parts: list[str] = []
    for w in words:
        if len(w) == 1 and parts and parts[-1].endswith(".") and len(parts[-1]) % 2 == 0:
            parts[-1] += w + "."
        else:
            parts.append(w + "." if len(w) == 1 else w)
    text = " ".join(parts)
    found = extract_org_types(text, generic=True)
    if len(found) == 1 and found[0][0].casefold() == text:
        return found[0][1]
    return None


def _org_types(tokens: list[Token], segment: str) -> list[Token]:
    """Legal forms in their generic form once punctuation is gone too ("A.G." -> jsc).

    Only for text written in Latin script: the Latin abbreviations (SD, SA, AG) cannot
    stand in a name transliterated from Arabic or Cyrillic, where they are only letters
    that happen to spell one (سعد -> "sd"); forms in those scripts were read before
    transliteration.
    """
    if not tokens or any(t.han for t in tokens) or not _latin_script(segment):
        return tokens
    joined = " ".join(t.text for t in tokens)
    replaced = _generic_org_types(joined, _not_legal_forms(segment))
    return tokens if replaced == joined else _latin_tokens(replaced)


def _latin_script(text: str) -> bool:
    """No letter outside Latin (Basic to Extended-B, and the Vietnamese additions)."""
    return text.isascii() or all(
        ch < "\u0250" or "\u1e00" <= ch <= "\u1eff" for ch in text if ch.isalpha()
    )


_APOSTROPHE_WORD = re.compile(r"[a-z]+(?:['\u2018\u2019\u02bc\u02bb`\u00b4][a-z]+)+")
_HYPHENATED = re.compile(r"[a-z]+(?:-[a-z]+)+")


def _not_legal_forms(segment: str) -> frozenset[str]:
    """Words that cannot be a legal form: written with an apostrophe inside (Sa'd), or
    joined by a hyphen to another word, as an article (as-Syarqi, not the AS) or a
    syllable of a given name is (Jae-in)."""
    text = segment.casefold()
    words = {_APOSTROPHES.sub("", w) for w in _APOSTROPHE_WORD.findall(text)}
    for joined in _HYPHENATED.findall(text):
        words.update(joined.split("-"))
    return frozenset(words)


# Arabic names built on "servant of" (abd) + the article + a divine name, and on a noun +
# the article + "din" (faith), are written as one word or several, with the article's "l"
# assimilated to a following sun letter (Abd al-Rahman, Abdul Rahman, Abdel Rahman,
# Abdurrahman, Abdirahman; Nur al-Din, Nuruddin, Nour Eddine). Each spelling is split into
# the same parts, abd / al / rahman and nur / al / din, word by word (so order and
# idempotence are unaffected) and only where the word cannot be read otherwise.
_ABD = re.compile(r"abd(?:oul|ou|ul|el|al|il|ol|u|i|e|a)?(.*)")
_ABD_ARTICLE = _words(
    "abdul abdel abdal abdil abdol abdoul abdur abdus abdush abduz abdud abdun abdut"
)
_ABD_ALLAH = re.compile(r"abd[aeiou]*l+a+h?(?:i|ye)?")  # Abdullah, Abdallah, Abdoulaye
_DIN = re.compile(
    r"([a-z]{3,}?)(?:uddin|uddeen|udin|eddine|eddin|eddeen|edine|edin|addin|aldin|eldine|eldin"
    r"|uldin|iddine|iddin|oddin|oudine|udeen|ideen|edeen|iddeen)"
)
_DIN_WORDS = _words("uddin uddeen eddine eddin eddeen addin aldin eldin eldine")
# the same with the Urdu and Persian linking article written into the word: Ziaurrahman,
# Habiburrahman, Ziaulhaq (Zia-ur-Rahman, Habib ur Rahman, Zia ul Haq)
_LINKED = re.compile(
    r"([a-z]{3,}?)(?:ur|ul|us|uz)(rahman|rehman|rahim|raheem|haq|haque|huq|islam|ullah)"
)
# Urdu and Persian write the linking article ul/ur/ud ("Zia ul Haq", "Habib ur Rahman")
_LINKING_ARTICLES = _words("ul ur ud uz")
_SUN_LETTERS = ("t", "th", "d", "dh", "r", "z", "s", "sh", "n")


def _arabic_parts(word: str) -> list[str] | None:
    """The parts of one written word, or None when it is not one of the forms above."""
    if word in _ABD_ARTICLE:
        return ["abd", "al"]
    if word in _DIN_WORDS:
        return ["al", "din"]
    if word in _LINKING_ARTICLES:
        return ["al"]
    if word.startswith("abd") and len(word) >= 6:
        if _ABD_ALLAH.fullmatch(word):
            return ["abd", "allah"]
        m = _ABD.fullmatch(word)
        rest = m.group(1) if m else ""
        if len(rest) >= 3 and rest[0] == rest[1] and rest[0] not in "aeiou":
            rest = rest[1:]  # the article assimilated: abdu-r-rahman
        if len(rest) >= 3:
            return ["abd", "al", rest]
    m = _DIN.fullmatch(word)
    if m:
        return [m.group(1), "al", "din"]
    m = _LINKED.fullmatch(word)
    if m:
        return [m.group(1), "al", m.group(2)]
    return None


def _arabic_compounds(tokens: list[Token]) -> list[Token]:
    out: list[Token] = []
    for i, t in enumerate(tokens):
        if t.han:
            out.append(t)
            continue
        # a hyphenated article: el-Sayed, or one assimilated to a sun letter: ad-Din,
        # as-Sayed, ar-Rahman (its consonant is the next word's first)
        if t.joined and i + 1 < len(tokens) and (
            t.text == "el"
            or (
                len(t.text) in (2, 3)
                and t.text[0] in "aeu"
                and t.text[1:] in _SUN_LETTERS
                and tokens[i + 1].text.startswith(t.text[1:])
            )
        ):
            out.append(_token("al", True))
            continue
        parts = _arabic_parts(t.text)
        if parts is None:
            out.append(t)
        else:
            out.extend(_token(p, True) for p in parts[:-1])
            out.append(_token(parts[-1], t.joined))
    return out


def _segment_tokens(segment: str) -> list[Token]:
    """Tokens of the text between Han runs: Hangul words read as Korean names, the rest
    transliterated (legal forms read in Latin script, Arabic and Hebrew words marked)."""
    if not HANGUL_RUN.search(segment):
        return _plain_tokens(segment)
    out: list[Token] = []
    pos = 0
    for m in HANGUL_RUN.finditer(segment):
        out.extend(_plain_tokens(segment[pos : m.start()]))
        out.extend(_hangul_tokens(m.group()))
        pos = m.end()
    out.extend(_plain_tokens(segment[pos:]))
    return out


def _plain_tokens(segment: str) -> list[Token]:
    return _cyrillic(_abjad(_org_types(_latin_tokens(segment), segment), segment), segment)


_CYRILLIC_LETTERS = re.compile("[\u0400-\u04ff]")


def _cyrillic(tokens: list[Token], segment: str) -> list[Token]:
    """A Cyrillic word's first Ie (also the Ukrainian one, and Io) is spelled Ye or Yo
    as well: Евгений is Evgeniy transliterated letter by letter and Yevgeniy on the
    lists; Ельцин Yeltsin; Євген Ievgen, Yevgen."""
    if not tokens or not _CYRILLIC_LETTERS.search(segment):
        return tokens
    out = []
    for t in tokens:
        w = t.text
        extra: tuple[str, ...] = ()
        if w.startswith("ie") and len(w) >= 4:
            extra = ("ye" + w[2:], "e" + w[2:])
        elif w.startswith("e") and len(w) >= 3:
            extra = ("ye" + w[1:], "yo" + w[1:])
        if extra:
            t = Token((*t.forms, *extra), t.han, t.joined, abjad=t.abjad, spelling="Cyrillic")
        out.append(t)
    return out


def _hangul_tokens(word: str) -> list[Token]:
    """One token per syllable block with its Latin spellings; like a Han name's, the given
    name's syllables are marked joined (Jong-un, Jongun and Jong Un all meet 정은)."""
    syllables = name_syllables(word)
    return [
        Token(forms, block, not surname and i + 1 < len(syllables))
        for i, (block, forms, surname) in enumerate(syllables)
    ]


_ABJAD_LETTERS = re.compile(
    "[\u0590-\u05ff\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb1d-\ufdff\ufe70-\ufeff"
    # abugidas, whose consonants carry a vowel left unwritten: Devanagari to Sinhala,
    # Thai, Lao, Khmer
    "\u0900-\u0dff\u0e00-\u0eff\u1780-\u17ff]"
)


def _abjad(tokens: list[Token], segment: str) -> list[Token]:
    """Mark the words of a segment in a script that leaves vowels unwritten: an abjad
    (Arabic, Persian, Hebrew: ابراهيم -> "brhym") or an abugida whose consonants carry an
    inherent vowel (Devanagari नरेंद्र -> "nremdr", Bengali, Tamil, Thai, Khmer ...), so
    they meet a Latin spelling by consonants."""
    if not tokens or not _ABJAD_LETTERS.search(segment):
        return tokens
    hebrew = _HEBREW_LETTERS.search(segment) is not None
    return [Token(_abjad_forms(t.text, hebrew), "", t.joined, abjad=True) for t in tokens]


_HEBREW_LETTERS = re.compile("[\u0590-\u05ff\ufb1d-\ufb4f]")


def _abjad_forms(word: str, hebrew: bool) -> tuple[str, ...]:
    """The readings of a transliterated abjad word. A final h (ta marbuta, heh) is often
    only a vowel (ftmh Fatima, khmnhy Khamenei); in Hebrew, vav (v) is as often the vowel
    o or u as the consonant (ntnyhv Netanyahu, dvd David)."""
    forms = [word]
    if len(word) >= 3 and word.endswith("h"):
        forms.append(word[:-1])
    if len(word) >= 4 and word.endswith("hy"):
        forms.append(word[:-2] + "y")
    if hebrew and "v" in word[1:]:
        forms.append(word[0] + word[1:].replace("v", ""))
    if _NASAL_M.search(word):  # an anusvara is read m, said n before most consonants
        forms.append(_NASAL_M.sub("n", word))
    return tuple(dict.fromkeys(forms))


_NASAL_M = re.compile(r"(?<=[aeiou])m(?=[cdgjkqrstz])")


# the Arabic article is written onto its noun (التكريتي): apart, as Latin spellings have it
_ARABIC_ARTICLE = re.compile("(?<![\u0600-\u06ff])\u0627\u0644(?=[\u0600-\u06ff]{2})")


_ABJAD_FOLDS = (("tz", "ts"), ("sh", "s"), ("zh", "j"), ("c", "k"), ("f", "p"))


@lru_cache(maxsize=200_000)
def abjad_skeleton(word: str) -> str:
    """The consonants of a word as an abjad writes them: no vowels, w and y being also
    long vowels, no doubled letters (Ibrahim and brhym -> prhm). Letters that Latin
    spellings of these names use for one letter are one: b/v/f/p (Hebrew bet and pe each
    have two sounds), sh/s (shin and sin are one letter unpointed), zh/j (Persian
    Ahmadinejad / Ahmadinezhad), c/k (Cohen), tz/ts."""
    key = phonetic_key(word)
    for a, b in _ABJAD_FOLDS:
        if a in key:
            key = key.replace(a, b)
    return _DOUBLE.sub(r"\1", re.sub(r"[aeiouwy]", "", key))


def _tokenize(name: str) -> tuple[Token, ...]:
    # legal forms in any language and script to rigour's generic form (GmbH, Russian OOO -> llc)
    # (before transliteration for other scripts; Latin ones are read word by word below)
    text = _clean(name)
    if not text.isascii():
        text = _generic_org_types(HAN_RUN.sub(lambda m: f" {m.group()} ", text.casefold()))
    if text.isascii():
        plain = _strip_titles(_latin_tokens(text), _HON_DOTTED.search(text.lower()) is not None)
        return tuple(_arabic_compounds(_wade_giles(_org_types(plain[:MAX_TOKENS], text))))[
            :MAX_TOKENS
        ]
    text = _ARABIC_ARTICLE.sub("al-", text)
    tokens: list[Token] = []
    pos = 0
    # Han runs joined by an interpunct are a transcribed foreign name (贝拉克·奥巴马)
    foreign = _TRANSCRIPTION_DOTS.search(text) is not None
    for m in HAN_RUN.finditer(text):
        tokens.extend(_segment_tokens(text[pos : m.start()]))
        if foreign:
            tokens.extend(_foreign_token(m.group()))
        else:
            tokens.extend(_han_tokens(m.group()))
        pos = m.end()
    tokens.extend(_segment_tokens(text[pos:]))
    tokens = _strip_titles(tokens, _HON_DOTTED.search(text.casefold()) is not None)
    if not any(t.han for t in tokens):
        # legal forms were read segment by segment (`_plain_tokens`)
        tokens = _arabic_compounds(_wade_giles(tokens))
    return tuple(tokens[:MAX_TOKENS])


@lru_cache(maxsize=100_000)
def tokenize(name: str) -> tuple[Token, ...]:
    """Tokens of a name after transliteration and title removal, in written order."""
    return _tokenize(name)


def normalize_name(name: str) -> str:
    """Canonical form: the set of normalised tokens, sorted, space-joined.

    Idempotent and independent of token order, so it can key caches and dedupe aliases.
    Han syllables contribute their first romanisation. A name in another script, or with
    apostrophes or hyphens, is read once more from its own form until that is stable: its
    Latin transcription can spell a legal form the original did not hold (سعد -> "sd").
    """
    out = " ".join(sorted({t.text for t in tokenize(name)}))
    if name.isascii() and "-" not in name and not _APOSTROPHES.search(name):
        return out
    for _ in range(3):
        again = " ".join(sorted({t.text for t in tokenize(out)}))
        if again == out:
            break
        out = again
    return out


_DIGRAPHS = (
    ("sch", "sh"),
    ("tch", "ch"),
    ("ph", "f"),
    ("ck", "k"),
    ("kh", "k"),
    ("gh", "g"),
    ("dh", "d"),
    ("th", "t"),
    ("q", "k"),
)
_VOICING = str.maketrans({"b": "p", "d": "t", "g": "k", "v": "f"})
_VOWEL_RUN = re.compile(r"[aeiouy]+")
_VOWEL_MAP = {
    "ee": "i",
    "ea": "i",
    "ie": "i",
    "ii": "i",
    "y": "i",
    "iy": "i",
    "yi": "i",
    "oo": "u",
    "ou": "u",
    "uu": "u",
    "oe": "eu",
    "eo": "eu",
    "eu": "eu",
    "ay": "ai",
    "ey": "ei",
}
_DOUBLE = re.compile(r"(.)\1+")


def _vowel(m: re.Match[str]) -> str:
    run = m.group()
    return _VOWEL_MAP.get(run, run)


@lru_cache(maxsize=500_000)
def phonetic_key(token: str) -> str:
    """A key equal for spellings of one sound across romanisations; see module doc."""
    if not token.isalpha():
        return token
    t = token
    for a, b in _DIGRAPHS:
        if a in t:
            t = t.replace(a, b)
    if "x" in t[1:]:  # Alexander / Aleksandr, Maxim / Maksim (a first x is pinyin's: Xi)
        t = t[0] + t[1:].replace("x", "ks")
    t = t.translate(_VOICING)
    head = t[0] if t[0] == "y" else ""
    t = head + _VOWEL_RUN.sub(_vowel, t[len(head) :])
    if len(t) > 2 and t[-1] == "h" and t[-2] in "aeiou":
        t = t[:-1]
    if 2 < len(t) <= 4 and t[-1] == "r" and t[-2] in "aeiou":
        t = t[:-1]
    return _DOUBLE.sub(r"\1", t)


@lru_cache(maxsize=500_000)
def skeleton(key: str) -> str:
    """First letter plus the consonants of a phonetic key: survives vowel spelling."""
    if not key:
        return key
    rest = re.sub(r"[aeiouy]", "", key[1:])
    return _DOUBLE.sub(r"\1", key[0] + rest)


PARTICLE_WEIGHT = 0.3


def token_weight(text: str) -> float:
    """How much a token says about identity: particles and legal forms say little."""
    if text in PARTICLES or text in LEGAL_FORMS:
        return PARTICLE_WEIGHT
    if len(text) == 1:
        return 0.4
    return 1.0
