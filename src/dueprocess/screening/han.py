"""Han-script names read the ways they are romanised on lists and in passports.

A Hong Kong official named 鄧炳強 is listed as "TANG, Ping-keung": the Hong Kong
Government's Cantonese romanisation, whose surname spellings are fixed by custom (鄧 Tang,
陳 Chan, 李 Lee) rather than derived from any one system. Mainland names are listed in
pinyin ("LI, Jiachao" for 李家超). So each Han syllable becomes a token carrying several
alternative spellings: the customary HK surname spellings from the table below, the HK
Government romanisation candidates from `cantonese-romanisation` (cantoroman), and Mandarin
pinyin from `pypinyin`. The matcher compares every alternative by phonetic key, so the
candidate "bing" for 炳 meets the official "Ping".

Simplified characters are turned into traditional ones with OpenCC first, because the
Cantonese data covers traditional characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

HAN_RUN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]+")

# Hong Kong Government spellings of common surnames (first is the usual one). Includes the
# Macau/Taiwan spelling where HK documents also use it.
HK_SURNAMES: dict[str, tuple[str, ...]] = {
    "陳": ("chan",),
    "李": ("lee", "li"),
    "張": ("cheung",),
    "黃": ("wong",),
    "王": ("wong",),
    "林": ("lam",),
    "劉": ("lau",),
    "梁": ("leung",),
    "吳": ("ng",),
    "伍": ("ng",),
    "何": ("ho",),
    "鄧": ("tang",),
    "鄭": ("cheng",),
    "曾": ("tsang",),
    "葉": ("yip", "ip"),
    "羅": ("law", "lo"),
    "盧": ("lo", "lu"),
    "蔡": ("choi", "tsoi"),
    "周": ("chow", "chau"),
    "謝": ("tse",),
    "郭": ("kwok",),
    "馬": ("ma",),
    "麥": ("mak",),
    "楊": ("yeung",),
    "朱": ("chu",),
    "許": ("hui",),
    "徐": ("tsui", "chui"),
    "蘇": ("so",),
    "潘": ("poon", "pun"),
    "馮": ("fung",),
    "胡": ("wu",),
    "鍾": ("chung",),
    "鐘": ("chung",),
    "袁": ("yuen",),
    "余": ("yu", "yue"),
    "莫": ("mok",),
    "彭": ("pang",),
    "曹": ("tso", "cho"),
    "孫": ("suen", "sun"),
    "方": ("fong",),
    "廖": ("liu",),
    "關": ("kwan",),
    "江": ("kong",),
    "姚": ("yiu",),
    "鄺": ("kwong",),
    "譚": ("tam",),
    "杜": ("to",),
    "戴": ("tai",),
    "范": ("fan",),
    "湯": ("tong",),
    "唐": ("tong",),
    "雷": ("lui",),
    "呂": ("lui", "lu"),
    "黎": ("lai",),
    "賴": ("lai",),
    "崔": ("chui", "tsui"),
    "趙": ("chiu",),
    "蕭": ("siu",),
    "邱": ("yau",),
    "丘": ("yau",),
    "邵": ("shiu",),
    "石": ("shek",),
    "施": ("sze",),
    "姜": ("keung",),
    "程": ("ching",),
    "嚴": ("yim",),
    "龍": ("lung",),
    "鄒": ("chau",),
    "區": ("au",),
    "歐": ("au",),
    "傅": ("fu",),
    "文": ("man",),
    "韓": ("hon",),
    "孔": ("hung",),
    "洪": ("hung",),
    "高": ("ko",),
    "顧": ("ku",),
    "侯": ("hau",),
    "夏": ("ha",),
    "岑": ("shum",),
    "沈": ("shum",),
    "萬": ("man",),
    "游": ("yau",),
    "尹": ("wan",),
    "溫": ("wan",),
    "簡": ("kan",),
    "甘": ("kam",),
    "金": ("kam",),
    "容": ("yung",),
    "翁": ("yung",),
    "霍": ("fok",),
    "單": ("shin",),
    "卓": ("cheuk",),
    "車": ("che",),
    "柯": ("o",),
    "司徒": ("szeto",),
    "歐陽": ("auyeung",),
    "上官": ("sheungkwun",),
    "諸葛": ("chukot",),
    "司馬": ("szema",),
    "東方": ("tungfong",),
    "夏侯": ("hahau",),
    "公孫": ("kungsuen",),
    "尉遲": ("watchi",),
    "令狐": ("linwu",),
}
COMPOUND_SURNAMES = frozenset(k for k in HK_SURNAMES if len(k) == 2)


@dataclass(frozen=True, slots=True)
class HanSyllable:
    """One Han syllable (or compound surname) and every spelling it may be listed under."""

    text: str
    forms: tuple[str, ...]
    surname: bool
    mandarin: str = ""  # the usual pinyin reading, as mainland names are listed


@cache
def _cantonese() -> Any:
    from cantoroman import Cantonese

    return Cantonese()


@cache
def _opencc() -> tuple[Any, Any]:
    import opencc

    return opencc.OpenCC("s2hk"), opencc.OpenCC("s2t")


def _traditional(ch: str) -> list[str]:
    hk, t = _opencc()
    out = [ch]
    for conv in (hk, t):
        c = conv.convert(ch)
        if c not in out:
            out.append(c)
    return out


@lru_cache(maxsize=65536)
def _char_forms(ch: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(Cantonese HK-Government candidates, pinyin readings) for one character."""
    from pypinyin import Style, pinyin

    canton: list[str] = []
    for variant in _traditional(ch):
        canton.extend(r for group in _cantonese().getRoman(variant) for r in group)
        if canton:
            break
    readings = pinyin(ch, style=Style.NORMAL, heteronym=True, errors="ignore")
    mandarin = [p for group in readings for p in group]
    # rare heteronyms (月 "ru") only add false matches; keep the two usual readings
    mandarin = mandarin[:2]
    clean = (
        tuple(dict.fromkeys(re.sub(r"[^a-z]", "", s.lower()) for s in canton if s)),
        tuple(dict.fromkeys(re.sub(r"[^a-z]", "", s.lower()) for s in mandarin if s)),
    )
    return tuple(s for s in clean[0] if s), tuple(s for s in clean[1] if s)


def _surname_forms(text: str) -> tuple[str, ...]:
    trad = _traditional(text) if len(text) == 1 else [text]
    forms: list[str] = []
    for t in trad:
        forms.extend(HK_SURNAMES.get(t, ()))
    if len(text) == 1:
        canton, mandarin = _char_forms(text)
        forms.extend(canton)
        forms.extend(mandarin)
    else:
        # compound surname: pinyin and Cantonese of each character joined
        per_char = [_char_forms(c) for c in text]
        if all(c[1] for c in per_char):
            forms.append("".join(c[1][0] for c in per_char))
        if all(c[0] for c in per_char):
            forms.append("".join(c[0][0] for c in per_char))
    return tuple(dict.fromkeys(f for f in forms if f))


def _is_compound(run: str) -> bool:
    if len(run) < 3:
        return False
    head = run[:2]
    return head in COMPOUND_SURNAMES or any(t in COMPOUND_SURNAMES for t in _traditional(head))


@lru_cache(maxsize=16384)
def han_syllables(run: str, as_name: bool = True) -> tuple[HanSyllable, ...]:
    """Split a run of Han characters into syllables with their romanisations.

    With `as_name`, a run of 1-4 characters is read as surname + given name, so the
    first syllable gets the customary HK surname spellings. Characters with no reading
    at all are dropped (they cannot be matched by sound anyway).
    """
    out: list[HanSyllable] = []
    rest = run
    if as_name and 1 <= len(run) <= 4:
        head = run[:2] if _is_compound(run) else run[:1]
        forms = _surname_forms(head)
        if forms:
            out.append(HanSyllable(head, forms, True, _mandarin(head)))
        rest = run[len(head) :]
    for ch in rest:
        canton, mandarin = _char_forms(ch)
        forms = tuple(dict.fromkeys(canton + mandarin[:1]))
        if forms:
            out.append(HanSyllable(ch, forms, False, mandarin[0] if mandarin else forms[0]))
    return tuple(out)


def _mandarin(text: str) -> str:
    readings = [_char_forms(c)[1] for c in text]
    return "".join(r[0] if r else "" for r in readings)


@lru_cache(maxsize=65536)
def traditional_text(text: str) -> str:
    """The text in traditional characters, so 习近平 and 習近平 are one name."""
    return str(_opencc()[1].convert(text))


def mandarin_reading(text: str) -> str:
    """The usual pinyin of a run of characters, syllables joined ("beilake")."""
    return _mandarin(text)


def has_han(text: str) -> bool:
    return HAN_RUN.search(text) is not None
