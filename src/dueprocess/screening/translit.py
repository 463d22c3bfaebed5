"""Spellings that differ because of the transliteration system, not the person.

Three systems cause most of the misses between lists and the names people type:

* **Wade-Giles** romanises Mandarin differently from pinyin (習近平 is "Hsi Chin-p'ing" in
  Wade-Giles, "Xi Jinping" in pinyin). A token is read as Wade-Giles only when every
  syllable of it converts to a syllable that exists in pinyin and the name as a whole is
  not already pinyin; the pinyin syllables come from `pypinyin`'s own character table, so
  nothing here lists names.
* **Latin spellings of one Cyrillic name** differ by the target language (German
  "Wolodymyr Selenskyj", English "Volodymyr Zelenskyy", French "Volodymyr Zelensky"):
  `latin_key` folds the letters those systems write for one Cyrillic letter (w/v, z/s,
  j/y/i, sch/sh, tsch/ch) for words of five letters or more.
* **Chinese transcriptions of foreign names** (贝拉克·奥巴马 for Barack Obama) write each
  syllable of the foreign name with a character read for its sound. Mandarin has no "r"
  sound (it becomes "l"), no voiced stops, no consonant clusters, and "d"/"t" before "i"
  are written with j/q syllables (普京 for Putin), so the two spellings
  are compared by their consonant skeleton under those rules (`sound_skeleton`), never by
  looking names up.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Wade-Giles initials (apostrophes of aspiration are already dropped) and their pinyin
# counterparts; the aspirated and plain forms fall together once the apostrophe is gone.
_WG_INITIALS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("tsz", ("z", "c")),
    ("ts", ("z", "c")),
    ("tz", ("z", "c")),
    ("ch", ("zh", "ch", "j", "q")),
    ("hs", ("x",)),
    ("sh", ("sh",)),
    ("ss", ("s",)),
    ("k", ("g", "k")),
    ("p", ("b", "p")),
    ("t", ("d", "t")),
    ("j", ("r",)),
    ("", ("",)),
)
_WG_FINALS: tuple[tuple[str, str], ...] = (
    ("ieh", "ie"),
    ("ien", "ian"),
    ("iung", "iong"),
    ("ung", "ong"),
    ("uei", "ui"),
    ("erh", "er"),
    ("ih", "i"),
    ("eh", "e"),
    ("ueh", "ue"),
    ("uan", "uan"),
)
_WG_MARKERS = ("hs", "ih", "ieh", "ien", "ung", "ts", "tz", "ss", "erh")


# Every toneless syllable of Standard Chinese in pinyin (v for ü), as the readings of
# pypinyin's character table give them; a test checks the two still agree. Kept here
# because loading that table costs more than a whole `dueprocess screen`.
_PINYIN_SYLLABLES = frozenset(
    [
        "a",
        "ai",
        "an",
        "ang",
        "ao",
        "ba",
        "bai",
        "ban",
        "bang",
        "bao",
        "bei",
        "ben",
        "beng",
        "bi",
        "bian",
        "biang",
        "biao",
        "bie",
        "bin",
        "bing",
        "bo",
        "bong",
        "bu",
        "ca",
        "cai",
        "can",
        "cang",
        "cao",
        "ce",
        "cei",
        "cen",
        "ceng",
        "cha",
        "chai",
        "chan",
        "chang",
        "chao",
        "che",
        "chen",
        "cheng",
        "chi",
        "chong",
        "chou",
        "chu",
        "chua",
        "chuai",
        "chuan",
        "chuang",
        "chui",
        "chun",
        "chuo",
        "ci",
        "cong",
        "cou",
        "cu",
        "cuan",
        "cui",
        "cun",
        "cuo",
        "da",
        "dai",
        "dan",
        "dang",
        "dao",
        "de",
        "dei",
        "den",
        "deng",
        "di",
        "dia",
        "dian",
        "diao",
        "die",
        "din",
        "ding",
        "diu",
        "dong",
        "dou",
        "du",
        "duan",
        "dui",
        "dun",
        "duo",
        "e",
        "ei",
        "en",
        "eng",
        "er",
        "fa",
        "fan",
        "fang",
        "fei",
        "fen",
        "feng",
        "fiao",
        "fo",
        "fou",
        "fu",
        "ga",
        "gai",
        "gan",
        "gang",
        "gao",
        "ge",
        "gei",
        "gen",
        "geng",
        "gong",
        "gou",
        "gu",
        "gua",
        "guai",
        "guan",
        "guang",
        "gui",
        "gun",
        "guo",
        "ha",
        "hai",
        "han",
        "hang",
        "hao",
        "he",
        "hei",
        "hen",
        "heng",
        "hm",
        "hng",
        "hong",
        "hou",
        "hu",
        "hua",
        "huai",
        "huan",
        "huang",
        "hui",
        "hun",
        "huo",
        "ji",
        "jia",
        "jian",
        "jiang",
        "jiao",
        "jie",
        "jin",
        "jing",
        "jiong",
        "jiu",
        "ju",
        "juan",
        "jue",
        "jun",
        "ka",
        "kai",
        "kan",
        "kang",
        "kao",
        "ke",
        "kei",
        "ken",
        "keng",
        "kong",
        "kou",
        "ku",
        "kua",
        "kuai",
        "kuan",
        "kuang",
        "kui",
        "kun",
        "kuo",
        "la",
        "lai",
        "lan",
        "lang",
        "lao",
        "le",
        "lei",
        "len",
        "leng",
        "li",
        "lia",
        "lian",
        "liang",
        "liao",
        "lie",
        "lin",
        "ling",
        "liu",
        "lo",
        "long",
        "lou",
        "lu",
        "luan",
        "lue",
        "lun",
        "luo",
        "m",
        "ma",
        "mai",
        "man",
        "mang",
        "mao",
        "me",
        "mei",
        "men",
        "meng",
        "mi",
        "mian",
        "miao",
        "mie",
        "min",
        "ming",
        "miu",
        "mo",
        "mou",
        "mu",
        "n",
        "na",
        "nai",
        "nan",
        "nang",
        "nao",
        "ne",
        "nei",
        "nen",
        "neng",
        "ng",
        "ni",
        "nia",
        "nian",
        "niang",
        "niao",
        "nie",
        "nin",
        "ning",
        "niu",
        "nong",
        "nou",
        "nu",
        "nuan",
        "nue",
        "nun",
        "nuo",
        "o",
        "ou",
        "pa",
        "pai",
        "pan",
        "pang",
        "pao",
        "pei",
        "pen",
        "peng",
        "pi",
        "pian",
        "piao",
        "pie",
        "pin",
        "ping",
        "po",
        "pou",
        "pu",
        "qi",
        "qia",
        "qian",
        "qiang",
        "qiao",
        "qie",
        "qin",
        "qing",
        "qiong",
        "qiu",
        "qu",
        "quan",
        "que",
        "qun",
        "ran",
        "rang",
        "rao",
        "re",
        "ren",
        "reng",
        "ri",
        "rong",
        "rou",
        "ru",
        "rua",
        "ruan",
        "rui",
        "run",
        "ruo",
        "sa",
        "sai",
        "san",
        "sang",
        "sao",
        "se",
        "sen",
        "seng",
        "sha",
        "shai",
        "shan",
        "shang",
        "shao",
        "she",
        "shei",
        "shen",
        "sheng",
        "shi",
        "shou",
        "shu",
        "shua",
        "shuai",
        "shuan",
        "shuang",
        "shui",
        "shun",
        "shuo",
        "si",
        "song",
        "sou",
        "su",
        "suan",
        "sui",
        "sun",
        "suo",
        "ta",
        "tai",
        "tan",
        "tang",
        "tao",
        "te",
        "tei",
        "teng",
        "ti",
        "tian",
        "tiao",
        "tie",
        "ting",
        "tong",
        "tou",
        "tu",
        "tuan",
        "tui",
        "tun",
        "tuo",
        "wa",
        "wai",
        "wan",
        "wang",
        "wei",
        "wen",
        "weng",
        "wo",
        "wong",
        "wu",
        "xi",
        "xia",
        "xian",
        "xiang",
        "xiao",
        "xie",
        "xin",
        "xing",
        "xiong",
        "xiu",
        "xu",
        "xuan",
        "xue",
        "xun",
        "ya",
        "yan",
        "yang",
        "yao",
        "ye",
        "yi",
        "yin",
        "ying",
        "yo",
        "yong",
        "you",
        "yu",
        "yuan",
        "yue",
        "yun",
        "za",
        "zai",
        "zan",
        "zang",
        "zao",
        "ze",
        "zei",
        "zen",
        "zeng",
        "zha",
        "zhai",
        "zhan",
        "zhang",
        "zhao",
        "zhe",
        "zhei",
        "zhen",
        "zheng",
        "zhi",
        "zhong",
        "zhou",
        "zhu",
        "zhua",
        "zhuai",
        "zhuan",
        "zhuang",
        "zhui",
        "zhun",
        "zhuo",
        "zi",
        "zong",
        "zou",
        "zu",
        "zuan",
        "zui",
        "zun",
        "zuo",
    ]
)


def pinyin_syllables() -> frozenset[str]:
    """Every toneless pinyin syllable."""
    return _PINYIN_SYLLABLES


def pinyin_syllables_from_pypinyin() -> frozenset[str]:
    """The same inventory read from pypinyin's character table (slow: for tests)."""
    from pypinyin.pinyin_dict import pinyin_dict

    out: set[str] = set()
    for readings in set(pinyin_dict.values()):
        for r in readings.split(","):
            plain = "".join(
                c for c in unicodedata.normalize("NFD", r) if not unicodedata.combining(c)
            )
            plain = plain.replace("ü", "v").lower()
            if plain.isalpha() and plain.isascii():
                out.add(plain)
    return frozenset(out)


@lru_cache(maxsize=65536)
def wade_giles_to_pinyin(syllable: str) -> tuple[str, ...]:
    """Pinyin syllables a Wade-Giles syllable may stand for (empty if it cannot be one)."""
    valid = pinyin_syllables()
    out: list[str] = []
    for head, targets in _WG_INITIALS:
        if not syllable.startswith(head):
            continue
        rest = syllable[len(head) :]
        if not rest:
            continue
        finals = [rest]
        for wg, py in _WG_FINALS:
            if rest.endswith(wg):
                finals.append(rest[: len(rest) - len(wg)] + py)
        if head in ("tz", "ss", "tsz") and rest == "u":
            finals.append("i")
        if head in ("k", "h") and rest == "o":
            finals.append("e")
        for t in targets:
            for f in finals:
                cand = t + f
                if cand in valid and cand not in out:
                    out.append(cand)
        break  # the longest matching initial decides
    return tuple(out)


def looks_wade_giles(words: list[str]) -> bool:
    """True when every word converts and at least one is not pinyin already."""
    if not words:
        return False
    valid = pinyin_syllables()
    marked = False
    for w in words:
        if len(w) > 6 or not wade_giles_to_pinyin(w):
            return False
        if w not in valid or any(m in w for m in _WG_MARKERS):
            marked = True
    return marked


_LATIN_FOLDS = (
    ("tsch", "ch"),
    ("sch", "sh"),
    ("zh", "\x01"),
    ("w", "v"),
    ("z", "s"),
    ("j", "y"),
    ("ks", "x"),
    ("y", "i"),
    ("\x01", "zh"),
)
_DOUBLE = re.compile(r"(.)\1+")


@lru_cache(maxsize=200_000)
def latin_key(word: str) -> str:
    """Fold letters that Latin transliterations of one Cyrillic letter disagree on.

    Only for words of five letters or more: in short (often Chinese) syllables one of these
    letters is the whole difference between two names (Zeng/Seng).
    """
    if len(word) < 5:
        return word
    t = word
    for a, b in _LATIN_FOLDS:
        if a in t:
            t = t.replace(a, b)
    return _DOUBLE.sub(r"\1", t)


# Consonant classes as a Mandarin transcription hears them.
_PALATAL = re.compile(r"[dt](?=[iy])")
_SOUND_DIGRAPHS = (
    ("zh", "s"),
    ("ch", "s"),
    ("sh", "s"),
    ("ts", "s"),
    ("ck", "k"),
    ("ph", "p"),
    ("th", "t"),
    ("kh", "k"),
    ("ng", "n"),
    ("x", "s"),
    ("q", "k"),
    ("j", "k"),
    ("g", "k"),
    ("c", "k"),
    ("z", "s"),
    ("r", "l"),
    ("b", "p"),
    ("f", "p"),
    ("v", "p"),
    ("w", "p"),
    ("d", "t"),
)
_NON_CONSONANT = re.compile(r"[aeiouyh]")


@lru_cache(maxsize=200_000)
def sound_skeleton(word: str) -> str:
    """Consonants of a word under Mandarin transcription rules; 'V' marks a vowel start."""
    if not word:
        return ""
    # "d"/"t" before "i" are palatal in the languages transcribed most (Russian ди, ти) and
    # are written with j/q syllables (基, 京)
    t = _PALATAL.sub("j", word)
    for a, b in _SOUND_DIGRAPHS:
        if a in t:
            t = t.replace(a, b)
    head = "V" if t[0] in "aeiouy" else ""
    return head + _DOUBLE.sub(r"\1", _NON_CONSONANT.sub("", t))


_ACRONYM_SKIP = frozenset(["of", "the", "and", "for", "de", "du", "des", "la", "le", "el", "al"])


def initials(words: list[str]) -> str:
    """First letters of the significant words of a multi-word name ("" for one word)."""
    sig = [w for w in words if w not in _ACRONYM_SKIP]
    return "".join(w[0] for w in sig) if len(sig) >= 2 else ""
