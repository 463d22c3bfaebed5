"""Korean names in Hangul, read into the Latin spellings lists and requests use.

Hangul is an alphabet written in syllable blocks, so each block is read from its letters
(Unicode composes every block from an initial, a vowel and an optional final) into the
Revised Romanization of 2000 (김정은 -> gim jeong eun). Lists and older records spell the
same names in McCune-Reischauer without its breves and apostrophes, or as families
spell them: Kim Jong Un, Yoon Suk-yeol, Moon Jae-in. Each syllable therefore carries
those spellings too: eo also as o and u, eu as u, yeo as yo, an initial j also as ch and
s before i as sh; surnames, whose spellings follow no rule (이 Lee, Rhee, Yi; 박 Park),
come from a table of the common ones.
"""

from __future__ import annotations

import re
from itertools import product

HANGUL_RUN = re.compile("[\uac00-\ud7a3]+")

_INITIALS = ("g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch",
             "k", "t", "p", "h")
_VOWELS = ("a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u",
           "wo", "we", "wi", "yu", "eu", "ui", "i")
_FINALS = ("", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m",
           "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t")

# The vowels whose Revised Romanization is spelled otherwise in McCune-Reischauer or by
# families (jeong / jong / jung; eun / un; yeol / yol)
_VOWEL_SPELLINGS = {
    "eo": ("eo", "o", "u"),
    "yeo": ("yeo", "yo", "yu"),
    "eu": ("eu", "u"),
    "ae": ("ae", "ai"),
    "oe": ("oe", "oi"),
    "ui": ("ui", "i"),
}
_INITIAL_SPELLINGS = {"j": ("j", "ch"), "ch": ("ch", "j"), "g": ("g", "k"), "d": ("d", "t"),
                      "b": ("b", "p")}

# Common surnames and the spellings they are registered under, the usual one first.
SURNAMES: dict[str, tuple[str, ...]] = {
    "김": ("kim", "gim"),
    "이": ("lee", "yi", "rhee", "ri", "i", "rhie"),
    "박": ("park", "pak", "bak", "bahk"),
    "최": ("choi", "choe", "chey"),
    "정": ("jung", "jeong", "chung", "chong", "joung"),
    "강": ("kang", "gang"),
    "조": ("cho", "jo", "joe"),
    "윤": ("yoon", "yun", "youn"),
    "장": ("jang", "chang"),
    "임": ("lim", "im", "rim", "yim"),
    "림": ("rim", "lim", "im"),
    "한": ("han",),
    "오": ("oh", "o"),
    "서": ("seo", "suh", "so"),
    "신": ("shin", "sin", "shinn"),
    "권": ("kwon", "gwon", "kweon"),
    "황": ("hwang",),
    "안": ("ahn", "an"),
    "송": ("song",),
    "류": ("ryu", "yu", "yoo", "ryoo", "lyu", "rhyu"),
    "유": ("yoo", "yu"),
    "전": ("jeon", "jun", "chun", "chon"),
    "홍": ("hong",),
    "고": ("ko", "go", "koh"),
    "문": ("moon", "mun"),
    "양": ("yang",),
    "손": ("son", "sohn"),
    "배": ("bae", "pae"),
    "백": ("baek", "paek", "paik", "baik"),
    "허": ("heo", "hur", "huh", "ho"),
    "남": ("nam",),
    "심": ("sim", "shim"),
    "노": ("noh", "roh", "no", "ro"),
    "로": ("ro", "roh", "no"),
    "하": ("ha",),
    "곽": ("kwak", "gwak"),
    "성": ("sung", "seong"),
    "차": ("cha",),
    "주": ("joo", "ju", "chu"),
    "우": ("woo", "u"),
    "구": ("koo", "gu", "ku"),
    "민": ("min",),
    "나": ("na", "ra"),
    "라": ("ra", "na"),
    "진": ("jin", "chin"),
    "지": ("ji", "chi"),
    "엄": ("eom", "um", "uhm"),
    "채": ("chae", "chai"),
    "원": ("won",),
    "천": ("cheon", "chun", "chon"),
    "방": ("bang", "pang"),
    "공": ("kong", "gong"),
    "현": ("hyun", "hyeon", "hyon"),
    "함": ("ham",),
    "변": ("byun", "byeon", "pyon"),
    "염": ("yeom", "yum", "yom"),
    "여": ("yeo", "yo", "yuh"),
    "추": ("choo", "chu"),
    "도": ("do", "doh", "to"),
    "소": ("so",),
    "석": ("seok", "suk", "sok"),
    "선": ("sun", "seon", "son"),
    "설": ("seol", "sul", "sol"),
    "마": ("ma",),
    "길": ("gil", "kil"),
    "연": ("yeon", "yun", "yon"),
    "위": ("wi", "wee"),
    "표": ("pyo",),
    "명": ("myung", "myeong", "myong"),
    "기": ("ki", "gi"),
    "반": ("ban", "pan"),
    "왕": ("wang",),
    "금": ("keum", "geum", "kum"),
    "옥": ("ok",),
    "육": ("yook", "yuk"),
    "인": ("in",),
    "맹": ("maeng",),
    "제": ("je", "che"),
    "모": ("mo",),
    "탁": ("tak",),
    "국": ("kook", "guk", "kuk"),
    "은": ("eun", "un"),
    "편": ("pyun", "pyeon", "pyon"),
    "용": ("yong",),
    "경": ("kyung", "gyeong", "kyong"),
    "봉": ("bong", "pong"),
    "부": ("boo", "bu", "pu"),
    "황보": ("hwangbo",),
    "남궁": ("namgung", "namkung"),
    "제갈": ("jegal", "chegal"),
    "선우": ("sunwoo", "seonu", "sonu"),
    "독고": ("dokgo", "tokko"),
}
_MAX_FORMS = 8


def _letters(syllable: str) -> tuple[str, str, str]:
    """Initial, vowel and final of a block, romanised (Unicode composes 19 x 21 x 28)."""
    initial, rest = divmod(ord(syllable) - 0xAC00, 588)
    vowel, final = divmod(rest, 28)
    return _INITIALS[initial], _VOWELS[vowel], _FINALS[final]


def revised(syllable: str) -> str:
    """The Revised Romanization of one Hangul syllable block."""
    return "".join(_letters(syllable))


def syllable_spellings(syllable: str) -> tuple[str, ...]:
    """Every usual Latin spelling of one syllable of a given name, Revised first."""
    head, vowel, final = _letters(syllable)
    heads = _INITIAL_SPELLINGS.get(head, (head,))
    if head == "s" and vowel.startswith("i"):
        heads = ("s", "sh")
    middles = _VOWEL_SPELLINGS.get(vowel, (vowel,))
    forms = dict.fromkeys(h + m + final for h, m in product(heads, middles))
    return tuple(forms)[:_MAX_FORMS]


def name_syllables(word: str) -> list[tuple[str, tuple[str, ...], bool]]:
    """(syllable, spellings, is_surname) for a word of Hangul.

    A word of two to four blocks is read as a personal name, surname first (two blocks
    for the compound surnames of the table); any other word block by block.
    """
    out: list[tuple[str, tuple[str, ...], bool]] = []
    start = 0
    if 2 <= len(word) <= 4:
        two = word[:2]
        if len(word) >= 3 and two in SURNAMES:
            out.append((two, SURNAMES[two], True))
            start = 2
        elif word[0] in SURNAMES:
            out.append((word[0], SURNAMES[word[0]], True))
            start = 1
    for ch in word[start:]:
        out.append((ch, syllable_spellings(ch), False))
    return out
