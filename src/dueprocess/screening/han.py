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

What those libraries give is read from a generated table (`TableReadings`), because
loading them costs more than a whole `dueprocess screen`; they are loaded only for what the
table does not cover. `syllables_from` takes the source, so tests can compare the two.
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


CharForms = tuple[tuple[str, ...], tuple[str, ...]]
TABLE_FILE = "han_readings.tsv"


def _clean(readings: list[str]) -> tuple[str, ...]:
    return tuple(s for s in dict.fromkeys(re.sub(r"[^a-z]", "", r.lower()) for r in readings) if s)


class LibraryReadings:
    """Character data straight from OpenCC, cantonese-romanisation and pypinyin.

    Loading them costs about a second (pypinyin's tables above all), more than a whole
    `dueprocess screen`; queries therefore read the generated table (`TableReadings`) and
    come here only for a character the table does not cover.
    """

    @cache  # noqa: B019 - one instance per process, kept for its life
    def _cantonese(self) -> Any:
        from cantoroman import Cantonese

        return Cantonese()

    @cache  # noqa: B019
    def _opencc(self, config: str) -> Any:
        import opencc

        return opencc.OpenCC(config)

    def convert(self, text: str, config: str) -> str:
        """OpenCC conversion, `config` "s2hk" or "s2t"."""
        return str(self._opencc(config).convert(text))

    @lru_cache(maxsize=65536)  # noqa: B019
    def char_forms(self, ch: str) -> CharForms:
        """(Cantonese HK-Government candidates, pinyin readings) for one character."""
        from pypinyin import Style, pinyin

        canton: list[str] = []
        for variant in _traditional(self, ch):
            canton.extend(r for group in self._cantonese().getRoman(variant) for r in group)
            if canton:
                break
        readings = pinyin(ch, style=Style.NORMAL, heteronym=True, errors="ignore")
        # rare heteronyms (月 "ru") only add false matches; keep the two usual readings
        mandarin = [p for group in readings for p in group][:2]
        return _clean([s for s in canton if s]), _clean([s for s in mandarin if s])


class TableReadings:
    """The same data from `data/han_readings.tsv`, a table generated from those libraries.

    The table covers every character of the CJK Unified Ideographs, Extension A and
    Compatibility Ideographs blocks (tests check it still equals the libraries). A
    character outside them, or a multi-character conversion in which one of OpenCC's
    phrases applies (a phrase may pick another character than each character alone), is
    handed to `fallback`. The file is package data read with `pkgutil.get_data`, once
    per process, as the libraries read theirs (the core stays free of other I/O;
    `importlib.resources` would cost 20 ms more to import); a text file rather than a
    Python module because compiling a megabyte of literals costs more than reading it.
    """

    def __init__(self, fallback: LibraryReadings, data: bytes | None = None) -> None:
        self.fallback = fallback
        self._data = data
        self._rows_at = 0
        self._ranges: tuple[tuple[int, int], ...] = ()
        self._fields_of: dict[str, list[str]] = {}
        self._keys: dict[tuple[str, str], frozenset[str]] = {}

    def _load(self) -> bytes:
        # the bytes are searched, not parsed: a query needs a handful of rows, and
        # parsing all 27,000 would cost more than the rest of the query
        if self._ranges and self._data is not None:
            return self._data
        if self._data is None:
            import pkgutil

            self._data = pkgutil.get_data(__package__, f"data/{TABLE_FILE}")
            if self._data is None:  # a loader that cannot read package data
                raise FileNotFoundError(TABLE_FILE)
        data = self._data
        start = data.index(b"\nranges\t") + 8
        end = data.index(b"\n", start)
        ranges = []
        for r in data[start:end].decode().split():
            lo, hi = r.split("-")
            ranges.append((int(lo, 16), int(hi, 16)))
        self._rows_at = data.index(b"\nchars\n")  # forward: bytes.rindex is slow
        self._ranges = tuple(ranges)
        return data

    def _keys_from(self, tag: str, ch: str) -> frozenset[str]:
        """The phrase keys of `tag` ("s2t", "s2hk") that begin with `ch`."""
        keys = self._keys.get((tag, ch))
        if keys is None:
            data = self._load()
            at = data.find(f"\n{tag}\t{ch} ".encode(), 0, self._rows_at)
            if at < 0:
                keys = frozenset()
            else:
                end = data.find(b"\n", at + 1)
                keys = frozenset(data[at + 1 : end].decode().split()[2:])
            self._keys[tag, ch] = keys
        return keys

    def _has_phrase(self, text: str, tag: str) -> bool:
        for i in range(len(text) - 1):
            keys = self._keys_from(tag, text[i])
            if keys and any(text[i:j] in keys for j in range(i + 2, len(text) + 1)):
                return True
        return False

    def covers(self, ch: str) -> bool:
        self._load()
        cp = ord(ch)
        return any(lo <= cp <= hi for lo, hi in self._ranges)

    def _fields(self, ch: str) -> list[str]:
        fields = self._fields_of.get(ch)
        if fields is None:
            data = self._load()
            at = data.find(b"\n" + ch.encode() + b"\t", self._rows_at)
            if at < 0:
                fields = ["", "", "", ""]
            else:
                end = data.find(b"\n", at + 1)
                fields = data[at + 1 : end].decode().split("\t")[1:]
            self._fields_of[ch] = fields
        return fields

    def _char(self, ch: str, config: str) -> str:
        return self._fields(ch)[0 if config == "s2hk" else 1] or ch

    def convert(self, text: str, config: str) -> str:
        if not text:
            return text
        if not all(self.covers(c) for c in text) or (
            len(text) > 1 and any("\uf900" <= c <= "\ufaff" for c in text)  # normalised first
        ):
            return self.fallback.convert(text, config)
        if len(text) == 1:
            return self._char(text, config)
        if self._has_phrase(text, "s2t"):
            return self.fallback.convert(text, config)
        t = "".join(self._char(c, "s2t") for c in text)
        if config == "s2t":
            return t
        if self._has_phrase(t, "s2hk"):
            return self.fallback.convert(text, config)
        return "".join(self._char(c, config) for c in text)

    def char_forms(self, ch: str) -> CharForms:
        if not self.covers(ch):
            return self.fallback.char_forms(ch)
        canton, mandarin = self._fields(ch)[2:]
        return tuple(canton.split()), tuple(mandarin.split())


LIBRARY = LibraryReadings()
TABLE = TableReadings(LIBRARY)
Readings = LibraryReadings | TableReadings


def _traditional(r: Readings, ch: str) -> list[str]:
    out = [ch]
    for config in ("s2hk", "s2t"):
        c = r.convert(ch, config)
        if c not in out:
            out.append(c)
    return out


def _surname_forms(r: Readings, text: str) -> tuple[str, ...]:
    trad = _traditional(r, text) if len(text) == 1 else [text]
    forms: list[str] = []
    for t in trad:
        forms.extend(HK_SURNAMES.get(t, ()))
    if len(text) == 1:
        canton, mandarin = r.char_forms(text)
        forms.extend(canton)
        forms.extend(mandarin)
    else:
        # compound surname: pinyin and Cantonese of each character joined
        per_char = [r.char_forms(c) for c in text]
        if all(c[1] for c in per_char):
            forms.append("".join(c[1][0] for c in per_char))
        if all(c[0] for c in per_char):
            forms.append("".join(c[0][0] for c in per_char))
    return tuple(dict.fromkeys(f for f in forms if f))


def _is_compound(r: Readings, run: str) -> bool:
    if len(run) < 3:
        return False
    head = run[:2]
    return head in COMPOUND_SURNAMES or any(
        t in COMPOUND_SURNAMES for t in _traditional(r, head)
    )


def syllables_from(r: Readings, run: str, as_name: bool = True) -> tuple[HanSyllable, ...]:
    """`han_syllables` with the character data taken from `r` (tests compare sources)."""
    out: list[HanSyllable] = []
    rest = run
    if as_name and 1 <= len(run) <= 4:
        head = run[:2] if _is_compound(r, run) else run[:1]
        forms = _surname_forms(r, head)
        if forms:
            out.append(HanSyllable(head, forms, True, _mandarin(r, head)))
        rest = run[len(head) :]
    for ch in rest:
        canton, mandarin = r.char_forms(ch)
        forms = tuple(dict.fromkeys(canton + mandarin[:1]))
        if forms:
            out.append(HanSyllable(ch, forms, False, mandarin[0] if mandarin else forms[0]))
    return tuple(out)


@lru_cache(maxsize=16384)
def han_syllables(run: str, as_name: bool = True) -> tuple[HanSyllable, ...]:
    """Split a run of Han characters into syllables with their romanisations.

    With `as_name`, a run of 1-4 characters is read as surname + given name, so the
    first syllable gets the customary HK surname spellings. Characters with no reading
    at all are dropped (they cannot be matched by sound anyway).
    """
    return syllables_from(TABLE, run, as_name)


def _mandarin(r: Readings, text: str) -> str:
    readings = [r.char_forms(c)[1] for c in text]
    return "".join(x[0] if x else "" for x in readings)


@lru_cache(maxsize=65536)
def traditional_text(text: str) -> str:
    """The text in traditional characters, so 习近平 and 習近平 are one name."""
    return TABLE.convert(text, "s2t")


def mandarin_reading(text: str) -> str:
    """The usual pinyin of a run of characters, syllables joined ("beilake")."""
    return _mandarin(TABLE, text)


def has_han(text: str) -> bool:
    return HAN_RUN.search(text) is not None
