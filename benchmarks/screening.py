"""Screening benchmark: a 1,000,000-name index, labelled queries, reference matchers.

    python benchmarks/screening.py [--size 1000000] [--queries 1500] [--seed 7]

Builds a corpus from the real list samples shipped with the package and the tests (OFAC
SDN, UN consolidated) plus seeded synthetic names (name-part tables below, several naming
cultures, Han-script names with their HK and pinyin spellings), then a labelled query set:
positives derived from listed names (exact, typo, swapped order, missing token,
transliteration, honorifics, Han script) and negatives (hard: one token changed or another
birth date, e.g. Chris Tan vs TANG, Chris; random: names not on the list). It prints, side by side:

* index build time, p50/p95 query latency, queries/s, peak memory (ru_maxrss);
* recall at 1% and 5% false-positive rate on the same query/entry pairs for our scorer,
  nomenklatura's `logic-v2` and `ofac` matchers (run in a separate venv if present:
  /tmp/nkvenv, or $NOMENKLATURA_PYTHON), and a plain rapidfuzz token_sort_ratio;
* end-to-end search recall and alert rate at the default threshold.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import os
import pickle
import random
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

from rapidfuzz import fuzz, process, utils

from dueprocess.screening import (
    DEFAULT_THRESHOLD,
    ListEntry,
    Query,
    ScreeningIndex,
    adjust,
    compare_names,
    load_ofac_csv,
    load_un_xml,
    normalize_name,
)
from dueprocess.screening.han import HK_SURNAMES, han_syllables

ROOT = Path(__file__).resolve().parents[1]
OFAC = ROOT / "src" / "dueprocess" / "sanctions" / "data" / "ofac"
UN = ROOT / "tests" / "data" / "reference" / "sanctions" / "un_consolidated.xml"
# nomenklatura from `pip install -e '.[bench]'` when present, else a separate venv
NK_PYTHON = os.environ.get(
    "NOMENKLATURA_PYTHON",
    sys.executable
    if importlib.util.find_spec("nomenklatura") is not None
    else str(Path(tempfile.gettempdir()) / "nkvenv" / "bin" / "python"),
)

# -- name-part tables (synthetic corpus) ---------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


ANGLO_GIVEN = _words(
    """
    James John Robert Michael William David Richard Joseph Thomas Charles Christopher Daniel
    Matthew Anthony Mark Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy
    Ronald Edward Jason Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan Stephen Larry Justin
    Scott Brandon Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa
    Nancy Betty Margaret Sandra Ashley Kimberly Emily Donna Michelle Carol Amanda Melissa
    Deborah Chris Carrie Teresa Edwina Frederic Kelvin Stephen Erick
    """
)
ANGLO_SURNAME = _words(
    """
    Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Jackson
    Martin Lee Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright Scott
    Hill Green Adams Baker Nelson Carter Mitchell Roberts Turner Phillips Campbell Parker Evans
    Edwards Collins Stewart Morris Murphy Cook Rogers Morgan Cooper Peterson Reed Bailey Bell
    Kelly Howard Ward Cox Richardson Wood Watson Brooks Bennett Gray Hughes Price Sanders Myers
    Long Ross Foster Powell Jenkins Perry Russell Sullivan Fisher Henderson Hamilton Graham
    Wallace Tan Lim Ong Goh Teo Koh
    """
)
HISP_GIVEN = _words(
    """
    Jose Juan Luis Carlos Jorge Miguel Pedro Manuel Francisco Antonio Jesus Alejandro Fernando
    Ricardo Eduardo Roberto Sergio Javier Rafael Andres Diego Oscar Hector Raul Ramon Victor
    Alberto Mario Guillermo Enrique Maria Ana Carmen Rosa Laura Marta Isabel Lucia Sofia
    Gabriela Patricia Elena Adriana Claudia Veronica Alejandra Monica Beatriz Silvia Teresa
    """
)
HISP_SURNAME = _words(
    """
    Garcia Rodriguez Martinez Hernandez Lopez Gonzalez Perez Sanchez Ramirez Torres Flores
    Rivera Gomez Diaz Reyes Morales Cruz Ortiz Gutierrez Chavez Ramos Ruiz Alvarez Mendoza
    Castillo Jimenez Moreno Romero Herrera Medina Aguilar Vargas Castro Guzman Fernandez Munoz
    Salazar Rojas Delgado Vega Cifuentes Villa Osuna Villarreal Ochoa Cardenas Zambrano Escobar
    Sandoval Contreras Pineda Navarro Mejia Cortes Figueroa Acosta Estrada Rios Dominguez
    """
)
ARABIC_GIVEN = _words(
    """
    Mohammed Ahmed Ali Hassan Hussein Omar Khalid Abdullah Ibrahim Youssef Mahmoud Mustafa Tariq
    Karim Samir Nasser Faisal Walid Hamza Bilal Adel Jamal Saleh Saeed Rashid Majid Nabil Fadi
    Ziad Anas Ayman Osama Hisham Imad Marwan Bassam Ghassan Jihad Qasim Sami Fatima Aisha Maryam
    Zainab Khadija Layla Noor Huda Salma Rania
    """
)
ARABIC_FAMILY = _words(
    """
    al-Masri al-Tikriti al-Baghdadi al-Zawahiri al-Hashimi al-Qurashi al-Shami al-Tamimi al-
    Dulaimi al-Jubouri al-Obeidi al-Khatib al-Sayed al-Hassan al-Amin al-Saadi al-Rubaie al-
    Ansari al-Harbi al-Otaibi al-Ghamdi al-Zahrani al-Shehri al-Qahtani al-Dosari Haddad Khoury
    Nassar Saleh Mansour Hamdan Khalil Darwish Yousef Abboud Hijazi Shaker Nasrallah Haqqani
    Rahman Qureshi Siddiqui Malik Chaudhry Butt Sheikh Mirza Baig
    """
)
RUS_GIVEN = _words(
    """
    Aleksandr Sergei Dmitry Andrei Alexei Vladimir Mikhail Ivan Nikolai Yevgeny Igor Oleg Viktor
    Yuri Pavel Roman Denis Maxim Artem Anton Boris Gennady Konstantin Leonid Valery Vadim
    Vyacheslav Stanislav Grigory Fyodor Olga Tatiana Natalia Elena Irina Svetlana Anna Yulia
    Marina Ekaterina
    """
)
RUS_SURNAME = _words(
    """
    Ivanov Smirnov Kuznetsov Popov Vasiliev Petrov Sokolov Mikhailov Novikov Fedorov Morozov
    Volkov Alekseev Lebedev Semenov Egorov Pavlov Kozlov Stepanov Nikolaev Orlov Andreev Makarov
    Nikitin Zakharov Zaitsev Soloviev Borisov Yakovlev Grigoriev Romanov Vorobiev Sergeev Kuzmin
    Frolov Aleksandrov Dmitriev Korolev Gusev Kiselev Ilyin Maksimov Polyakov Sorokin Vinogradov
    Kovalev Belov Medvedev Antonov Tarasov Zhukov Baranov Filippov Komarov Davydov Belyaev
    Gerasimov Bogdanov Osipov Sidorov Matveev Titov Markov Mironov Krylov Kulikov Karpov Vlasov
    Melnikov Denisov Gavrilov Tikhonov Kazakov Afanasiev Danilov Savelyev Timofeev Fomin Chernov
    Abramov Martynov Efimov Fedotov Shcherbakov Nazarov Kalinin Isaev Chernyshev Bykov
    """
)
PERSIAN_GIVEN = _words(
    """
    Mohammad Reza Ali Hossein Mahmoud Ahmad Hassan Mehdi Javad Hamid Saeed Abbas Majid Morteza
    Mostafa Amir Kazem Esmail Gholam Hadi Qasem Yahya Farhad Kourosh Behrouz Dariush Parisa
    Maryam Zahra Fatemeh Shirin Leila
    """
)
PERSIAN_SURNAME = _words(
    """
    Hosseini Rezaei Mohammadi Ahmadi Jafari Karimi Rahimi Moradi Hashemi Sadeghi Ghorbani Kazemi
    Rostami Soleimani Asadi Bagheri Salehi Zamani Mousavi Abbasi Heidari Najafi Shirazi Tehrani
    Esfahani Khamenei Larijani Velayati Zarif Araghchi Vahidi Salami Naqdi
    """
)
KOREAN_SURNAME = _words(
    """
    Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim Han Oh Seo Shin Kwon Hwang Ahn Song Ri Pak
    """
)
KOREAN_SYLL = _words(
    """
    Song Chol Yong Ho Il Nam Hyok Jin Su Min Jun Kwang Myong Chun Hui Sok Un Hyon Gon Tae Sung
    Dong Hak Ryong
    """
)
VIET_SURNAME = _words(
    """
    Nguyen Tran Le Pham Hoang Phan Vu Vo Dang Bui Do Ho Ngo Duong Ly
    """
)
VIET_MIDDLE = _words(
    """
    Van Thi Duc Minh Quoc Thanh Huu Ngoc Xuan
    """
)
VIET_GIVEN = _words(
    """
    Anh Binh Cuong Dung Hai Hung Khanh Long Nam Phuc Quang Son Thang Tuan Viet Hoa Lan
    """
)
AFRICAN_GIVEN = _words(
    """
    Adebayo Chinedu Emeka Oluwaseun Babatunde Ngozi Chiamaka Abubakar Musa Ibrahim Kwame Kofi
    Yaw Ama Abena Tendai Tatenda Farai Simba Themba Sipho Thabo Juma Baraka Amani
    """
)
AFRICAN_SURNAME = _words(
    """
    Okafor Okonkwo Adeyemi Olawale Balogun Eze Nwosu Bello Abdullahi Danjuma Mensah Owusu
    Boateng Asante Mugabe Chiwenga Moyo Ncube Dube Kamau Otieno Mwangi Wanjiru Kiprop Banda
    """
)
ORG_WORDS = _words(
    """
    Global United National Eastern Western Golden Pacific Atlantic Northern Southern Royal Star
    Ocean Delta Alpha Crescent Phoenix Lotus Dragon Eagle Falcon Summit Prime Horizon Meridian
    Silk Road Pearl Jade Harbour Bay Gulf Desert Mountain River Cedar Olive Palm
    """
)
ORG_NOUNS = _words(
    """
    Trading Shipping Petroleum Energy Logistics Investment Holdings Bank Exchange Capital
    Industries Construction Engineering Technology Electronics Metals Mining Chemicals Aviation
    Maritime Import Export Commerce Finance Development Resources Supply Services
    """
)
ORG_FORMS = _words(
    """
    LLC Ltd Co. JSC PJSC FZE S.A. GmbH Limited Corporation Inc. OOO Pte
    """
)
# Held out of the corpus: random negatives are built with at least one of these tokens.
HELDOUT_GIVEN = _words(
    """
    Lars Henrik Piotr Krzysztof Rajesh Priya Hiroshi Kenji Sven Ingrid Bjorn Astrid Tomasz
    Agnieszka Sanjay Anil Deepak Yuki Haruto Sakura Mateusz Wojciech Vikram Sunita
    """
)
HELDOUT_SURNAME = _words(
    """
    Nilsson Kowalski Sharma Patel Tanaka Suzuki Yamamoto Johansson Nowak Gupta Lindqvist
    Wisniewski Reddy Iyer Watanabe Nakamura Berglund Zielinski Kapoor Sato
    """
)
HAN_GIVEN = "".join(
    _words(
        """
    偉 志 明 國 華 建 文 平 強 輝 家 超 嘉 俊 傑 浩 子 詠 欣 美 玲 芳 麗 敏 靜 秀 英 慧
    寶 龍 德 榮 耀 宗 啟 恩 學 禮 展 鵬 賜 蕙 桂 月 娥 若 驊 聰 炳 基 雄 惠 寧 立 新 光 興 成
    """
    )
)
HAN_SURNAMES = [s for s in HK_SURNAMES if len(s) == 1]
TRANSLIT = [
    ("mohammed", "muhammad"),
    ("mohammad", "muhammad"),
    ("ahmed", "ahmad"),
    ("hussein", "husayn"),
    ("hassan", "hasan"),
    ("youssef", "yusuf"),
    ("omar", "umar"),
    ("sergei", "sergey"),
    ("alexei", "aleksey"),
    ("yuri", "yury"),
    ("ev", "iev"),
    ("ov", "off"),
    ("ei", "ey"),
    ("ou", "u"),
    ("kh", "h"),
    ("ch", "tch"),
]
HONORIFICS = _words(
    """
    Mr Dr Hon. Mrs Commissioner Secretary Gen. Sheikh
    """
)
POSTNOMINALS = _words(
    """
    SC JP GBS PDSM
    """
)

# Real Hong Kong / PRC officials in the OFAC sample with their Han-script names.
HAN_OFFICIALS = {
    "29242": "鄧炳強",
    "29243": "鄭若驊",
    "29244": "盧偉聰",
    "29246": "曾國衛",
    "29249": "林鄭月娥",
    "29250": "李家超",
    "29259": "張曉明",
    "29260": "陳國基",
    "29261": "鄭雁雄",
    "29262": "夏寶龍",
    "29263": "駱惠寧",
    "30322": "劉賜蕙",
    "30343": "李桂華",
    "30344": "鄧中華",
    "30345": "李江舟",
    "30503": "王晨",
    "30504": "曹建明",
    "30505": "張春賢",
    "30506": "沈躍躍",
    "30507": "吉炳軒",
    "30509": "萬鄂湘",
    "30510": "陳竺",
    "30511": "王東明",
    "30513": "丁仲禮",
    "30514": "郝明金",
    "30515": "蔡達峰",
    "30516": "武維華",
    "30964": "蔡展鵬",
    "30965": "江學禮",
    "30966": "簡啟恩",
    "30967": "孫文清",
    "30968": "尤權",
    "30969": "譚耀宗",
}
HARD_NEGATIVES = [
    (Query("Chris Tan", birth_date="1982-03-14"), "29242"),
    (Query("Chris Tan", birth_date="1971-11-02", nationality="SG"), "29242"),
    (Query("Tang Wing-keung"), "29242"),
    (Query("Tang Wing-keung", birth_date="1979-05-05"), "29242"),
    (Query("Carrie Lim"), "29249"),
    (Query("Carrie Lim", birth_date="1990-01-01", nationality="SG"), "29249"),
    (Query("John Leung Ka-chun"), "29250"),
    (Query("Teresa Chan"), "29243"),
    (Query("Stephen Law"), "29244"),
    (Query("Eric Chang"), "29260"),
]


@dataclass(frozen=True)
class Case:
    query: Query
    target: int  # entry index the query is about (for positives: should be found)
    positive: bool
    kind: str


# -- corpus ---------------------------------------------------------------------------------


def _dob(rng: random.Random) -> str:
    y = rng.randint(1940, 2000)
    if rng.random() < 0.15:
        return str(y)
    return f"{y:04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _hk_spelling(han: str, rng: random.Random, pinyin: bool) -> tuple[str, str]:
    syl = han_syllables(han)
    if pinyin:
        forms = [s.forms[-1] for s in syl]
        return forms[0].upper(), "".join(forms[1:]).capitalize()
    forms = [
        s.forms[0] if s.surname else rng.choice(s.forms[: max(1, len(s.forms) - 1)]) for s in syl
    ]
    return forms[0].upper(), "-".join(forms[1:]).capitalize()


def synthetic_person(rng: random.Random, uid: int) -> ListEntry:
    culture = rng.random()
    names: list[str] = []
    nat = ""
    if culture < 0.18:
        g, s = rng.choice(ANGLO_GIVEN), rng.choice(ANGLO_SURNAME)
        mid = rng.choice(ANGLO_GIVEN) if rng.random() < 0.4 else ""
        names.append(f"{s.upper()}, {g} {mid}".strip())
        if mid:
            names.append(f"{s.upper()}, {g}")
        nat = rng.choice(["US", "GB", "AU", "CA", "SG", "NZ"])
    elif culture < 0.33:
        g = rng.choice(HISP_GIVEN) + (" " + rng.choice(HISP_GIVEN) if rng.random() < 0.5 else "")
        s1, s2 = rng.choice(HISP_SURNAME), rng.choice(HISP_SURNAME)
        names += [f"{s1.upper()} {s2.upper()}, {g}", f"{s1.upper()}, {g.split()[0]}"]
        nat = rng.choice(["MX", "CO", "VE", "NI", "ES", "AR"])
    elif culture < 0.50:
        parts = [rng.choice(ARABIC_GIVEN), rng.choice(ARABIC_GIVEN), rng.choice(ARABIC_GIVEN)]
        fam = rng.choice(ARABIC_FAMILY)
        names.append(" ".join(parts[: rng.randint(1, 3)]) + " " + fam)
        names.append(f"{parts[0]} {fam}")
        nat = rng.choice(["SY", "IQ", "LB", "YE", "SA", "PK", "AF", "EG"])
    elif culture < 0.62:
        g, p, s = rng.choice(RUS_GIVEN), rng.choice(RUS_GIVEN), rng.choice(RUS_SURNAME)
        female = g.endswith("a")
        pat = p + ("ovna" if female else "ovich")
        s = s + ("a" if female else "")
        names += [f"{s.upper()}, {g} {pat}", f"{s.upper()}, {g}"]
        nat = rng.choice(["RU", "BY", "UA"])
    elif culture < 0.70:
        g = rng.choice(PERSIAN_GIVEN) + (
            " " + rng.choice(PERSIAN_GIVEN) if rng.random() < 0.4 else ""
        )
        s = rng.choice(PERSIAN_SURNAME)
        names.append(f"{s.upper()}, {g}")
        nat = "IR"
    elif culture < 0.84:
        han = rng.choice(HAN_SURNAMES) + "".join(
            rng.choice(HAN_GIVEN) for _ in range(rng.choice((1, 2, 2, 2)))
        )
        sur, given = _hk_spelling(han, rng, pinyin=False)
        names.append(f"{sur}, {given}")
        if rng.random() < 0.5:
            names.append(f"{sur}, {rng.choice(ANGLO_GIVEN)} {given}")
        if rng.random() < 0.5:
            psur, pgiven = _hk_spelling(han, rng, pinyin=True)
            names.append(f"{psur}, {pgiven}")
        if rng.random() < 0.3:
            names.append(han)
        nat = rng.choice(["HK", "CN", "CN", "MO"])
    elif culture < 0.90:
        given = (
            rng.choice(KOREAN_SYLL) + rng.choice(["-", " ", ""]) + rng.choice(KOREAN_SYLL).lower()
        )
        names.append(f"{rng.choice(KOREAN_SURNAME).upper()} {given}")
        nat = "KP"
    elif culture < 0.95:
        names.append(
            f"{rng.choice(VIET_SURNAME).upper()} {rng.choice(VIET_MIDDLE)} {rng.choice(VIET_GIVEN)}"
        )
        nat = "VN"
    else:
        names.append(f"{rng.choice(AFRICAN_SURNAME).upper()}, {rng.choice(AFRICAN_GIVEN)}")
        nat = rng.choice(["NG", "GH", "ZW", "KE", "SS"])
    return ListEntry(
        "synthetic",
        f"S{uid}",
        "Person",
        tuple(dict.fromkeys(names)),
        ("SYN",),
        (_dob(rng),) if rng.random() < 0.8 else (),
        (nat,) if nat else (),
    )


def synthetic_org(rng: random.Random, uid: int) -> ListEntry:
    words = [rng.choice(t) for t in (ORG_WORDS, ORG_WORDS, ORG_NOUNS, ORG_FORMS)]
    name = " ".join(words)
    names = [name.upper()]
    if rng.random() < 0.5:
        names.append(" ".join(w[0] for w in name.split()[:3]).replace(" ", ""))
    return ListEntry("synthetic", f"O{uid}", "Organization", tuple(names), ("SYN",))


def build_corpus(size: int, seed: int) -> list[ListEntry]:
    entries: list[ListEntry] = []
    entries += load_ofac_csv(OFAC).entries
    entries += load_un_xml(UN).entries
    rng = random.Random(seed)
    total = sum(len(e.names) for e in entries)
    uid = 0
    while total < size:
        uid += 1
        e = synthetic_org(rng, uid) if rng.random() < 0.12 else synthetic_person(rng, uid)
        if total + len(e.names) > size:
            e = replace(e, names=e.names[: size - total])
        entries.append(e)
        total += len(e.names)
    return entries


# -- labelled queries -----------------------------------------------------------------------


def _typo(name: str, rng: random.Random) -> str:
    words = name.replace(",", "").split()
    idx = [i for i, w in enumerate(words) if len(w) >= 5] or list(range(len(words)))
    i = rng.choice(idx)
    w = list(words[i])
    pos = rng.randrange(1, len(w)) if len(w) > 1 else 0
    op = rng.choice(("sub", "del", "ins", "swap"))
    letters = "abcdefghijklmnoprstuvwy"
    if op == "sub":
        w[pos] = rng.choice(letters)
    elif op == "del" and len(w) > 3:
        del w[pos]
    elif op == "ins":
        w.insert(pos, rng.choice(letters))
    elif pos + 1 < len(w):
        w[pos], w[pos + 1] = w[pos + 1], w[pos]
    words[i] = "".join(w)
    return " ".join(words)


def _translit(name: str, rng: random.Random) -> str | None:
    low = name.lower()
    options = [(a, b) for a, b in TRANSLIT if a in low]
    if not options:
        return None
    a, b = rng.choice(options)
    at = next((i for i in range(1, len(low)) if low.startswith(a, i) and low[i - 1] != " "), -1)
    if at < 0:
        return None
    return (low[:at] + b + low[at + len(a) :]).title()


def _derive(entry: ListEntry, rng: random.Random, counts: dict[str, int]) -> tuple[str, str] | None:
    # only names no other entry shares: finding another "SMITH, John" is not a miss
    latin = [n for n in entry.names if n.isascii() and counts.get(normalize_name(n), 0) == 1]
    if not latin:
        return None
    name = rng.choice(latin)
    tokens = name.replace(",", "").split()
    kind = rng.choice(("exact", "typo", "swap", "missing", "translit", "honorific", "lower"))
    if kind == "exact":
        return name, kind
    if kind == "typo":
        return _typo(name, rng), kind
    if kind == "swap" and len(tokens) >= 2:
        return " ".join(tokens[1:] + tokens[:1]), kind
    if kind == "missing" and len(tokens) >= 3:
        drop = rng.randrange(1, len(tokens) - 1)  # a middle name: first and last stay
        return " ".join(t for i, t in enumerate(tokens) if i != drop), kind
    if kind == "translit":
        t = _translit(name, rng)
        return (t, kind) if t else None
    if kind == "honorific":
        pre = rng.choice(HONORIFICS)
        post = f", {rng.choice(POSTNOMINALS)}" if rng.random() < 0.4 else ""
        return f"{pre} {' '.join(tokens[1:] + tokens[:1])}{post}", kind
    if kind == "lower":
        return name.lower(), kind
    return None


def _ambiguous(query: str, entry: ListEntry, counts: dict[str, int]) -> bool:
    """True if the query is, as written, also the name of another entry."""
    key = normalize_name(query)
    own = any(normalize_name(n) == key for n in entry.names)
    return counts.get(key, 0) > (1 if own else 0)


def _mutate_negative(entry: ListEntry, rng: random.Random) -> str | None:
    """Another person with a similar name: a token every alias shares is replaced by a
    similar-looking name (same initial), so no alias of the entry still fits."""
    latin = [n for n in entry.names if n.isascii()]
    if not latin:
        return None
    tokens = latin[0].replace(",", "").split()
    shared = set.intersection(*({t.lower() for t in n.replace(",", "").split()} for n in latin))
    choices = [i for i, t in enumerate(tokens) if t.lower() in shared]
    if len(tokens) < 2 or not choices:
        return None
    pool = ANGLO_GIVEN + HISP_GIVEN + ARABIC_GIVEN + RUS_GIVEN + ANGLO_SURNAME + RUS_SURNAME
    i = rng.choice(choices)
    similar = [
        p for p in pool if p.lower() != tokens[i].lower() and p[0].lower() == tokens[i][0].lower()
    ]
    if not similar:
        return None
    tokens[i] = rng.choice(similar)
    return " ".join(tokens)


def build_cases(entries: list[ListEntry], n: int, seed: int) -> list[Case]:
    rng = random.Random(seed + 1)
    by_id = {e.entry_id: i for i, e in enumerate(entries) if e.list_id == "us_ofac_sdn"}
    persons = [i for i, e in enumerate(entries) if e.schema == "Person"]
    counts: dict[str, int] = {}
    for e in entries:
        for key in {normalize_name(n) for n in e.names}:
            counts[key] = counts.get(key, 0) + 1
    cases: list[Case] = []
    for ent_id, han in HAN_OFFICIALS.items():
        if ent_id in by_id:
            cases.append(Case(Query(han), by_id[ent_id], True, "han_official"))
    for q, ent_id in HARD_NEGATIVES:
        if ent_id in by_id:
            cases.append(Case(q, by_id[ent_id], False, "hard_named"))
    han_entries = [
        i
        for i in persons
        if any(not n.isascii() for n in entries[i].names) and entries[i].list_id == "synthetic"
    ]
    han_entries = [
        i for i in han_entries if all(counts[normalize_name(nm)] == 1 for nm in entries[i].names)
    ]
    for i in rng.sample(han_entries, min(len(han_entries), n // 20)):
        han = next(nm for nm in entries[i].names if not nm.isascii())
        cases.append(Case(Query(han), i, True, "han_synthetic"))
    while sum(c.positive for c in cases) < n:
        i = rng.choice(persons) if rng.random() < 0.85 else rng.randrange(len(entries))
        e = entries[i]
        derived = _derive(e, rng, counts)
        if derived is None:
            continue
        name, kind = derived
        if _ambiguous(name, e, counts):
            continue
        dob = e.birth_dates[0] if e.birth_dates and rng.random() < 0.3 else None
        cases.append(Case(Query(name, e.schema, birth_date=dob), i, True, kind))
    known = {n.lower() for e in entries for n in e.names}
    negatives = 0
    while negatives < n:
        i = rng.choice(persons)
        e = entries[i]
        if rng.random() < 0.5:
            mutated = _mutate_negative(e, rng)
            if not mutated or mutated.lower() in known:
                continue
            name = mutated
            dob = None
            if e.birth_dates and rng.random() < 0.5:
                dob = f"{int(e.birth_dates[0][:4]) + rng.choice((-9, -5, 4, 8, 12))}-06-15"
            cases.append(Case(Query(name, birth_date=dob), i, False, "hard_mutated"))
        else:
            # same name, another person: only the birth date tells them apart
            latin = [nm for nm in e.names if nm.isascii()]
            if not e.birth_dates or not latin:
                continue
            dob = f"{int(e.birth_dates[0][:4]) + rng.choice((-20, -11, 7, 15))}-02-20"
            cases.append(Case(Query(latin[0], birth_date=dob), i, False, "same_name_other_dob"))
        negatives += 1
    rng2 = random.Random(seed + 99)
    for _ in range(n // 2):
        given = rng2.choice(HELDOUT_GIVEN + ANGLO_GIVEN + HISP_GIVEN + RUS_GIVEN)
        surname = rng2.choice(HELDOUT_SURNAME + ANGLO_SURNAME + HISP_SURNAME + RUS_SURNAME)
        if given not in HELDOUT_GIVEN and surname not in HELDOUT_SURNAME:
            surname = rng2.choice(HELDOUT_SURNAME)
        cases.append(Case(Query(f"{given} {surname}"), -1, False, "random"))
    return cases


# -- evaluation -----------------------------------------------------------------------------


def recall_at_fpr(pos: list[float], neg: list[float], fpr: float) -> float:
    """Recall at the point of the ROC curve where `fpr` of the negatives alert.

    Ties at the cut are interpolated (as a random tie-break would on average), so a
    matcher that gives many negatives and positives the same score is not punished to 0.
    """
    if not pos or not neg:
        return float("nan")
    ranked = sorted(neg, reverse=True)
    budget = fpr * len(ranked)
    k = int(budget)
    if k >= len(ranked):
        return 1.0
    cut = ranked[k]
    above_neg = sum(n > cut for n in neg)
    tied_neg = sum(n == cut for n in neg)
    share = min(1.0, max(0.0, (budget - above_neg) / tied_neg)) if tied_neg else 0.0
    above = sum(p > cut for p in pos)
    tied = sum(p == cut for p in pos)
    return (above + share * tied) / len(pos)


def our_pair_score(q: Query, e: ListEntry) -> float:
    best = max((compare_names(q.name, n) for n in e.names), key=lambda s: s.score)
    return adjust(best, q, e)[0]


def rapidfuzz_pair_score(q: Query, e: ListEntry) -> float:
    return (
        max(fuzz.token_sort_ratio(q.name, n, processor=utils.default_process) for n in e.names)
        / 100
    )


NK_SCRIPT = r"""
import json, sys
from followthemoney import model
from nomenklatura.matching import get_algorithm, ScoringConfig
pairs = json.load(open(sys.argv[1]))
out = {}
def ent(i, schema, names, dobs, nats, positions):
    known = ("Person", "Organization", "Vessel")
    e = model.make_entity(schema if schema in known else "LegalEntity")
    e.id = i
    for n in names: e.add("name", n)
    if e.schema.name == "Person":
        for d in dobs: e.add("birthDate", d)
        for n in nats: e.add("nationality", n.lower())
        for p in positions: e.add("position", p)
    return e
for alg in ("logic-v2", "ofac"):
    A = get_algorithm(alg); cfg = ScoringConfig.defaults(); scores = []
    for i, p in enumerate(pairs):
        # unique ids: the matchers cache per entity id
        q = ent(f"q{i}", p["qs"], [p["q"]], p["qd"], p["qn"], [])
        r = ent(f"r{i}", p["es"], p["names"], p["ed"], p["en"], p["ep"])
        try:
            scores.append(A.compare(q, r, cfg).score)
        except Exception:
            scores.append(0.0)
    out[alg] = scores
json.dump(out, open(sys.argv[2], "w"))
"""


def reference_scores(cases: list[Case], entries: list[ListEntry]) -> dict[str, list[float]] | None:
    if not Path(NK_PYTHON).exists():
        return None
    pairs = []
    for c in cases:
        e = entries[c.target]
        pairs.append(
            {
                "q": c.query.name,
                "qs": c.query.schema,
                "qd": [c.query.birth_date] if c.query.birth_date else [],
                "qn": [c.query.nationality] if c.query.nationality else [],
                "es": e.schema,
                "names": list(e.names[:20]),
                "ed": list(e.birth_dates),
                "en": [n for n in e.nationalities if len(n) == 2],
                "ep": list(e.positions),
            }
        )
    with tempfile.TemporaryDirectory() as tmp:
        src, dst, script = Path(tmp) / "pairs.json", Path(tmp) / "out.json", Path(tmp) / "nk.py"
        src.write_text(json.dumps(pairs))
        script.write_text(NK_SCRIPT)
        try:
            subprocess.run(
                [NK_PYTHON, str(script), str(src), str(dst)],
                check=True,
                timeout=1800,
                capture_output=True,
            )
        except (subprocess.SubprocessError, OSError) as exc:
            print(f"reference unavailable ({exc})")
            return None
        result: dict[str, list[float]] = json.loads(dst.read_text())
        return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", type=int, default=1_000_000, help="names in the index")
    ap.add_argument("--queries", type=int, default=1500, help="positive (and negative) queries")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--no-reference", action="store_true", help="skip nomenklatura")
    args = ap.parse_args()

    t0 = time.perf_counter()
    entries = build_corpus(args.size, args.seed)
    n_names = sum(len(e.names) for e in entries)
    print(
        f"corpus: {len(entries):,} entries, {n_names:,} names "
        f"({time.perf_counter() - t0:.1f} s to generate)"
    )
    cases = build_cases(entries, args.queries, args.seed)
    n_pos = sum(c.positive for c in cases)
    print(f"queries: {n_pos} positive, {len(cases) - n_pos} negative")

    gc.collect()
    t0 = time.perf_counter()
    index = ScreeningIndex.build(entries)
    build_s = time.perf_counter() - t0
    print(f"index build: {build_s:.1f} s ({index.name_count:,} names, {len(index.key_ids):,} keys)")

    peak_build_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    blob = pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL)
    dump_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    pickle.loads(blob)  # noqa: S301 - the object we just pickled
    print(
        f"index pickle: {len(blob) / 2**20:.0f} MB, dump {dump_s:.1f} s, "
        f"load {time.perf_counter() - t0:.1f} s"
    )
    del blob
    gc.collect()

    position = {id(e): i for i, e in enumerate(entries)}
    latencies: list[float] = []
    case_score: list[float] = []  # positives: the target's score; negatives: the top score
    case_top: list[int] = []
    for c in cases:
        t = time.perf_counter()
        hits = index.search(c.query, limit=10)
        latencies.append(time.perf_counter() - t)
        case_top.append(position[id(hits[0].entry)] if hits else -1)
        if c.target >= 0:
            # positives: was the target found; hard negatives: did the entry they imitate
            # alert (another entry with the same name and no birth date is a fair alert)
            case_score.append(next((h.score for h in hits if h.entry is entries[c.target]), 0.0))
        else:
            case_score.append(hits[0].score if hits else 0.0)
    lat = sorted(latencies)
    p50, p95 = lat[len(lat) // 2] * 1000, lat[int(len(lat) * 0.95)] * 1000
    qps = len(lat) / sum(lat)
    found_pos = sum(
        s >= DEFAULT_THRESHOLD for s, c in zip(case_score, cases, strict=True) if c.positive
    )
    alerts_neg = sum(
        s >= DEFAULT_THRESHOLD for s, c in zip(case_score, cases, strict=True) if not c.positive
    )

    # pair-level comparison on identical (query, entry) pairs; random negatives are paired
    # with the entry our index ranks first, i.e. the most confusable one
    pair_cases = []
    for c, top in zip(cases, case_top, strict=True):
        if c.target >= 0:
            pair_cases.append(c)
        elif top >= 0:
            pair_cases.append(replace(c, target=top))
    labels = [c.positive for c in pair_cases]
    matchers: dict[str, list[float]] = {}
    t = time.perf_counter()
    matchers["dueprocess"] = [our_pair_score(c.query, entries[c.target]) for c in pair_cases]
    ours_pair_ms = (time.perf_counter() - t) / len(pair_cases) * 1000
    matchers["rapidfuzz token_sort_ratio"] = [
        rapidfuzz_pair_score(c.query, entries[c.target]) for c in pair_cases
    ]
    ref_note = "reference unavailable"
    if not args.no_reference:
        t = time.perf_counter()
        ref = reference_scores(pair_cases, entries)
        if ref:
            matchers["nomenklatura logic-v2"] = ref["logic-v2"]
            matchers["nomenklatura ofac"] = ref["ofac"]
            ref_note = (
                f"nomenklatura scored {len(pair_cases)} pairs x2 in {time.perf_counter() - t:.0f} s"
            )
    print(ref_note if "nomenklatura logic-v2" in matchers else "reference unavailable")

    # brute-force rapidfuzz search latency (what screening without an index costs)
    choices = [n for e in entries for n in e.names]
    sample = [c.query.name for c in cases[:: max(1, len(cases) // 30)]][:30]
    t = time.perf_counter()
    for q in sample:
        process.extractOne(
            q, choices, scorer=fuzz.token_sort_ratio, processor=utils.default_process
        )
    brute_ms = (time.perf_counter() - t) / len(sample) * 1000
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print()
    print(f"{'':34}{'dueprocess':>14}{'rapidfuzz brute':>17}")
    print(f"{'index build (s)':34}{build_s:>14.1f}{'-':>17}")
    print(f"{'query latency p50 (ms)':34}{p50:>14.2f}{brute_ms:>17.0f}")
    print(f"{'query latency p95 (ms)':34}{p95:>14.2f}{'':>17}")
    print(f"{'queries / s':34}{qps:>14.0f}{1000 / brute_ms:>17.1f}")
    print(f"{'peak memory after build (MB)':34}{peak_build_mb:>14.0f}")
    print(f"{'peak memory, whole run (MB)':34}{peak_mb:>14.0f}")
    pos_total = sum(c.positive for c in cases)
    neg_total = len(cases) - pos_total
    print(
        f"{'search recall @ threshold':34}{found_pos / pos_total:>14.3f}"
        f"   (threshold {DEFAULT_THRESHOLD})"
    )
    print(f"{'alert rate on negatives':34}{alerts_neg / neg_total:>14.3f}")
    print()
    print(
        f"pair-level, same {len(pair_cases)} pairs "
        f"({sum(labels)} pos / {len(labels) - sum(labels)} neg):"
    )
    print(f"{'matcher':34}{'recall@1%FPR':>14}{'recall@5%FPR':>14}")
    for name, scores in matchers.items():
        pos = [s for s, lab in zip(scores, labels, strict=True) if lab]
        neg = [s for s, lab in zip(scores, labels, strict=True) if not lab]
        print(
            f"{name:34}{recall_at_fpr(pos, neg, 0.01):>14.3f}{recall_at_fpr(pos, neg, 0.05):>14.3f}"
        )
    print(f"(our pair scorer: {ours_pair_ms:.2f} ms per pair)")
    print()
    print("per kind (positives: search recall at threshold; negatives: alert rate):")
    for k in sorted({c.kind for c in cases}):
        ks = [sc for sc, c in zip(case_score, cases, strict=True) if c.kind == k]
        rate = sum(sc >= DEFAULT_THRESHOLD for sc in ks) / len(ks)
        print(f"  {k:24}{len(ks):>6}{rate:>8.3f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
