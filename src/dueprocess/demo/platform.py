"""Seed the demo platform with a small, realistic, reproducible social network.

The demo scenario and the tests name accounts and posts by the constants below, so those
are fixed; the few hundred other accounts are generated from a seeded random generator so
that every install shows the same world. Personal data is fictitious: e-mail addresses use
reserved example domains, IP addresses come from the documentation ranges (RFC 5737,
RFC 3849) and phone numbers from ranges set aside for fiction where a country has one.
"""

from __future__ import annotations

import hashlib
import random
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import transaction

from dueprocess.demo.models import LoginRecord, PlatformAccount, Post

BASE_URL = "https://demo.social"

HK_ACTIVIST = "standwithhk"
HK_JOURNALIST = "harbour_reporter"
HK_STUDENT = "lennonwall852"
HK_POLITICIAN = "dc_lau_wingkit"
US_SUSPECT = "cs_suspect_42"
US_PRESERVATION_TARGET = "ny_trader_88"
DE_HATE_ACCOUNT = "hetzer_berlin"
FR_SUSPECT = "arnaque_lyon"
BR_ACCOUNT = "noticias_sp_24h"

FIXED_HANDLES = (HK_ACTIVIST, HK_JOURNALIST, HK_STUDENT, HK_POLITICIAN, US_SUSPECT,
                 US_PRESERVATION_TARGET, DE_HATE_ACCOUNT, FR_SUSPECT, BR_ACCOUNT)


def post_url(handle: str, number: int) -> str:
    return f"{BASE_URL}/{handle}/posts/{number}"


HK_SLOGAN_POST = post_url(HK_ACTIVIST, 1)
HK_PROTEST_POSTS = (
    post_url(HK_ACTIVIST, 1),
    post_url(HK_ACTIVIST, 2),
    post_url(HK_ACTIVIST, 3),
    post_url(HK_STUDENT, 1),
    post_url(HK_STUDENT, 3),
)
HK_JOURNALIST_POST = post_url(HK_JOURNALIST, 1)
DE_HATE_POST = post_url(DE_HATE_ACCOUNT, 1)
BR_DISINFORMATION_POST = post_url(BR_ACCOUNT, 1)
US_SUSPECT_POSTS = (post_url(US_SUSPECT, 1), post_url(US_SUSPECT, 2), post_url(US_SUSPECT, 3))


def _t(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@dataclass(frozen=True)
class _Account:
    handle: str
    display_name: str
    country: str
    data_location: str
    created_at: datetime
    flags: tuple[str, ...] = ()
    email: str = ""
    phone: str = ""
    posts: tuple[tuple[str, str], ...] = ()   # (created ISO time, text)
    logins: tuple[tuple[str, str, str], ...] = ()  # (ISO time, ip, user agent)


UA_IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 13_5 like Mac OS X) AppleWebKit/605.1.15 "
             "(KHTML, like Gecko) Version/13.1.1 Mobile/15E148 Safari/604.1")
UA_ANDROID = ("Mozilla/5.0 (Linux; Android 10; SM-G973F) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/84.0.4147.111 Mobile Safari/537.36")
UA_WINDOWS = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/84.0.4147.105 Safari/537.36")
UA_MAC = ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_6) AppleWebKit/605.1.15 "
          "(KHTML, like Gecko) Version/13.1.2 Safari/605.1.15")
UA_APP = "DemoSocial/4.12.0 (Android 9; Xiaomi Redmi Note 7)"
USER_AGENTS = (UA_IPHONE, UA_ANDROID, UA_WINDOWS, UA_MAC, UA_APP)

FIXED: tuple[_Account, ...] = (
    _Account(
        HK_ACTIVIST, "Stand With Hong Kong 攬炒團隊", "HK", "US", _t("2019-06-10T03:12:00"),
        flags=("human_rights_defender",), email="standwithhk@example.org",
        phone="+85251230001",
        posts=(
            ("2019-07-21T14:05:00", "光復香港 時代革命 — Liberate Hong Kong, revolution of "
                                    "our times. #StandWithHongKong"),
            ("2019-08-31T11:40:00", "五大訴求 缺一不可. Five demands, not one less. "
                                    "Prince Edward station, tonight."),
            ("2020-06-30T23:10:00", "The National Security Law is now in force. We will not "
                                    "delete our history. 香港人 加油"),
            ("2020-07-12T08:00:00", "600,000 voted in the democratic primaries this weekend."),
        ),
        logins=(
            ("2020-06-30T22:58:11", "203.0.113.17", UA_IPHONE),
            ("2020-07-01T09:14:52", "203.0.113.17", UA_IPHONE),
            ("2020-07-11T19:03:40", "198.51.100.201", UA_MAC),
            ("2020-08-02T07:45:05", "2001:db8:852::1f", UA_IPHONE),
        ),
    ),
    _Account(
        HK_JOURNALIST, "張美玲 Cheung Mei-ling", "HK", "US", _t("2015-03-02T08:00:00"),
        flags=("journalist",), email="meiling.cheung@example.com", phone="+85262340002",
        posts=(
            ("2019-06-12T10:30:00", "Reporting from Admiralty: tear gas fired at protesters "
                                    "outside LegCo. #612"),
            ("2020-07-01T16:20:00", "First arrests under the NSL at Causeway Bay, one for a "
                                    "flag reading 香港獨立."),
        ),
        logins=(
            ("2020-07-01T15:55:00", "203.0.113.45", UA_ANDROID),
            ("2020-07-02T08:10:00", "203.0.113.45", UA_WINDOWS),
        ),
    ),
    _Account(
        HK_STUDENT, "Lennon Wall 852", "HK", "US", _t("2019-07-03T12:00:00"),
        email="lennonwall852@example.net", phone="+85290010003",
        posts=(
            ("2019-07-09T20:00:00", "Tai Po Lennon tunnel rebuilt overnight. Be water, "
                                    "my friend. 香港人加油"),
            ("2020-02-14T12:00:00", "Bought masks for the elderly in Sham Shui Po today."),
            ("2020-07-06T18:30:00", "Blank sheets on the Lennon Wall: they can ban the words, "
                                    "not the thought. 光復香港 時代革命"),
        ),
        logins=(("2020-07-06T18:25:13", "198.51.100.77", UA_APP),),
    ),
    _Account(
        HK_POLITICIAN, "劉永傑 Lau Wing-kit (District Councillor)", "HK", "US",
        _t("2018-11-20T05:00:00"), flags=("politician",), email="lau.wingkit@example.org",
        phone="+85291230004",
        posts=(("2020-07-10T09:00:00", "Polling stations for the primaries: see the map."),),
    ),
    _Account(
        US_SUSPECT, "jd42", "US", "US", _t("2020-03-15T22:40:00"),
        email="cs.suspect.42@example.com", phone="+12025550142",
        posts=(
            ("2020-05-02T01:12:00", "new here. dm only, no public replies"),
            ("2020-06-18T03:40:00", "moving the trade to the other app, check your dms"),
            ("2020-09-03T02:05:00", "account backup, same handle elsewhere"),
        ),
        logins=(
            ("2020-04-30T23:59:00", "192.0.2.10", UA_WINDOWS),
            ("2020-05-02T01:10:00", "192.0.2.10", UA_WINDOWS),
            ("2020-06-18T03:35:00", "192.0.2.77", UA_ANDROID),
            ("2020-09-03T02:00:00", "198.51.100.9", UA_WINDOWS),
        ),
    ),
    _Account(
        US_PRESERVATION_TARGET, "Marcus Bell", "US", "US", _t("2017-08-01T14:00:00"),
        email="marcus.bell@example.net", phone="+12125550188",
        posts=(("2020-10-01T13:00:00", "Selling concert tickets, cash only."),),
        logins=(("2020-10-01T12:55:00", "192.0.2.200", UA_IPHONE),),
    ),
    _Account(
        DE_HATE_ACCOUNT, "Der Hetzer", "DE", "IE", _t("2020-01-05T17:00:00"),
        email="hetzer.berlin@example.com", phone="+4915100000099",
        posts=(("2020-11-09T20:15:00", "[Demo-Text] Ein volksverhetzender Beitrag gegen eine "
                                       "Bevölkerungsgruppe, wie er nach § 130 StGB strafbar "
                                       "ist."),),
        logins=(("2020-11-09T20:10:00", "198.51.100.130", UA_ANDROID),),
    ),
    _Account(
        FR_SUSPECT, "Bonnes Affaires Lyon", "FR", "IE", _t("2020-02-01T10:00:00"),
        email="affaires.lyon@example.org", phone="+33639980142",
        posts=(("2020-09-15T09:00:00", "iPhone neuf à 150 €, paiement par virement "
                                       "uniquement."),),
        logins=(
            ("2020-09-15T08:58:00", "203.0.113.88", UA_ANDROID),
            ("2020-09-20T21:02:00", "203.0.113.89", UA_ANDROID),
        ),
    ),
    _Account(
        BR_ACCOUNT, "Notícias SP 24h", "BR", "US", _t("2019-04-01T12:00:00"),
        email="noticias.sp@example.com", phone="+5511955550101",
        posts=(("2020-10-20T15:00:00", "URGENTE: urnas eletrônicas já vêm com votos (falso)."),),
        logins=(("2020-10-20T14:58:00", "2001:db8:55::20", UA_WINDOWS),),
    ),
)


# Names for the generated population, per country: (given names, family names).
_NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "HK": (
        ("Ka-man", "Wing-yan", "Chi-keung", "Tsz-kin", "Hoi-ying", "Siu-ming", "Ka-ho",
         "Man-kit", "Yuen-ting", "Pak-hei", "Joshua", "Agnes", "Nathan", "Gwyneth", "Kelvin",
         "Cherry"),
        ("Chan 陳", "Wong 黃", "Lee 李", "Cheung 張", "Lau 劉", "Ho 何", "Leung 梁", "Lam 林",
         "Tsang 曾", "Ng 吳", "Yeung 楊", "Tang 鄧", "Chow 周", "Kwok 郭", "Fung 馮", "Tse 謝",
         "Yip 葉", "Mak 麥"),
    ),
    "US": (
        ("James", "Mary", "Michael", "Patricia", "Robert", "Jennifer", "David", "Linda",
         "Maria", "Jose", "Ashley", "Tyler", "Keisha", "DeShawn", "Emily", "Kevin", "Priya",
         "Wei"),
        ("Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
         "Rodriguez", "Martinez", "Nguyen", "Kim", "Patel", "Jackson", "Thompson", "White"),
    ),
    "DE": (
        ("Lukas", "Anna", "Leon", "Lea", "Felix", "Hannah", "Jonas", "Sophie", "Maximilian",
         "Marie", "Paul", "Lena", "Emre", "Aylin"),
        ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
         "Schulz", "Hoffmann", "Koch", "Öztürk", "Richter"),
    ),
    "FR": (
        ("Camille", "Léa", "Lucas", "Hugo", "Manon", "Louis", "Chloé", "Nathan", "Inès",
         "Gabriel", "Jade", "Yanis"),
        ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
         "Leroy", "Moreau", "Benali", "Lefèvre"),
    ),
    "BR": (
        ("João", "Maria", "Ana", "Pedro", "Lucas", "Gabriel", "Juliana", "Mateus", "Larissa",
         "Rafael", "Beatriz", "Thiago"),
        ("Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira",
         "Lima", "Gomes", "Costa", "Ribeiro"),
    ),
    "GB": (
        ("Oliver", "Amelia", "Harry", "Isla", "George", "Ava", "Noah", "Mia"),
        ("Taylor", "Evans", "Wilson", "Roberts", "Walker", "Wright", "Hughes", "Khan"),
    ),
}
_POPULATION = {"HK": 90, "US": 80, "DE": 40, "FR": 35, "BR": 35, "GB": 20}
_DATA_LOCATION = {"DE": "IE", "FR": "IE", "GB": "IE"}

_HK_TEXTS = (
    "光復香港 時代革命",
    "五大訴求 缺一不可 #FiveDemands",
    "Be water, my friend. Flash mob at IFC at 1pm.",
    "Tear gas again in Mong Kok tonight. Stay safe everyone.",
    "#612 one year on. We remember.",
    "香港人 反抗! Human chain along Lion Rock tonight, the Hong Kong Way.",
    "Added my note to the Lennon Wall in Kwun Tong.",
    "Yellow economic circle: great milk tea at this shop in Sham Shui Po.",
    "Glory to Hong Kong sung at the mall again today. 願榮光歸香港",
    "Queued for masks for three hours. Stay healthy, Hong Kong.",
)
_OTHER_TEXTS: dict[str, tuple[str, ...]] = {
    "US": ("Game night!", "Trail run at dawn, worth it.", "Anyone else working from home "
           "all summer?", "Voting early this year.", "Best tacos in town, no debate."),
    "DE": ("Endlich wieder Biergarten.", "Homeoffice, Tag 100.", "Die Bahn hat Verspätung, "
           "wie immer.", "Spaziergang an der Spree."),
    "FR": ("Apéro en terrasse ce soir !", "Le confinement, jour 40.", "Vive le Tour de "
           "France.", "Marché du dimanche à Lyon."),
    "BR": ("Bom dia, Brasil!", "Churrasco no domingo.", "Que jogo do Corinthians!",
           "Praia cheia em Santos hoje."),
    "GB": ("Lovely day for a walk on the Heath.", "Tea, biscuits, repeat.",
           "Queuing for the shops again."),
    "HK": _HK_TEXTS,
}


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isascii() and (c.isalnum() or c == " ")).lower()


def _stable_id(text: str) -> int:
    """A public numeric id derived from a handle or URL, so it survives a reseed."""
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:6], "big")


def _phone(rng: random.Random, country: str) -> str:
    if country == "US":
        return f"+1{rng.choice(('202', '212', '415', '312'))}55501{rng.randrange(100):02d}"
    if country == "HK":
        return f"+852{rng.choice('569')}{rng.randrange(10**7):07d}"
    if country == "DE":
        return f"+49151{rng.randrange(10**8):08d}"
    if country == "FR":
        return f"+33639980{rng.randrange(1000):03d}"
    if country == "GB":
        return f"+447700900{rng.randrange(1000):03d}"
    return f"+55119{rng.randrange(10**8):08d}"


def _ip(rng: random.Random) -> str:
    if rng.random() < 0.2:
        return f"2001:db8:{rng.randrange(1, 0xffff):x}::{rng.randrange(1, 0xffff):x}"
    prefix = rng.choice(("192.0.2", "198.51.100", "203.0.113"))
    return f"{prefix}.{rng.randrange(1, 255)}"


def _generate(seed: int) -> list[_Account]:
    rng = random.Random(seed)
    taken = set(FIXED_HANDLES)
    out: list[_Account] = list(FIXED)
    start = _t("2012-01-01T00:00:00")
    for country, count in _POPULATION.items():
        given, family = _NAMES[country]
        for _ in range(count):
            first, last = rng.choice(given), rng.choice(family)
            if country == "HK":
                romanised, han = last.split(" ")
                display = f"{romanised} {first}" if "-" in first else f"{first} {romanised}"
                if "-" in first and rng.random() < 0.5:
                    display = f"{han} {display}"
                base = f"{_ascii(romanised)}_{_ascii(first).replace(' ', '')}"
            else:
                display = f"{first} {last}"
                base = f"{_ascii(first)}{rng.choice(('.', '_', ''))}{_ascii(last)}"
            base = base.replace(" ", "")
            handle = base
            while handle in taken:
                handle = f"{base}{rng.randrange(10, 1000)}"
            taken.add(handle)
            created = start + timedelta(seconds=rng.randrange(8 * 365 * 86400))
            flags: tuple[str, ...] = ()
            if country == "HK" and rng.random() < 0.08:
                flags = (rng.choice(("journalist", "human_rights_defender")),)
            elif rng.random() < 0.02:
                flags = ("journalist",)
            texts = _OTHER_TEXTS[country]
            posts = tuple(
                ((_t("2019-06-01T00:00:00") + timedelta(
                    seconds=rng.randrange(540 * 86400))).isoformat()[:19], rng.choice(texts))
                for _ in range(rng.randrange(0, 6))
            )
            logins = tuple(
                ((_t("2020-01-01T00:00:00") + timedelta(
                    seconds=rng.randrange(366 * 86400))).isoformat()[:19], _ip(rng),
                 rng.choice(USER_AGENTS))
                for _ in range(rng.randrange(1, 9))
            )
            out.append(_Account(
                handle=handle, display_name=display, country=country,
                data_location=_DATA_LOCATION.get(country, "US"), created_at=created,
                flags=flags, email=f"{handle}@example.{rng.choice(('com', 'net', 'org'))}",
                phone=_phone(rng, country) if rng.random() < 0.8 else "",
                posts=tuple(sorted(posts)), logins=tuple(sorted(logins))))
    return out


def seed_platform(seed: int = 2020) -> dict[str, int]:
    """Create whatever part of the demo world is missing; returns how many rows it added.

    Accounts already present (found by handle) are left exactly as they are, so running it
    again never duplicates or undoes what a demand did to the platform, and re-creates an
    account a test deleted.
    """
    world = _generate(seed)
    with transaction.atomic():
        existing = set(PlatformAccount.objects.filter(
            handle__in=[a.handle for a in world]).values_list("handle", flat=True))
        fresh = [a for a in world if a.handle not in existing]
        rows = PlatformAccount.objects.bulk_create(
            PlatformAccount(uid=_stable_id(a.handle), handle=a.handle,
                            display_name=a.display_name, email=a.email, phone=a.phone,
                            country=a.country, data_location=a.data_location,
                            flags=list(a.flags), created_at=a.created_at)
            for a in fresh
        )
        if rows and rows[0].pk is None:  # backends without RETURNING
            by_handle = dict(PlatformAccount.objects.filter(
                handle__in=[a.handle for a in fresh]).values_list("handle", "pk"))
        else:
            by_handle = {r.handle: r.pk for r in rows}
        posts = [
            Post(account_id=by_handle[a.handle], number=n, url=post_url(a.handle, n),
                 uid=_stable_id(post_url(a.handle, n)), text=text, created_at=_t(at))
            for a in fresh for n, (at, text) in enumerate(a.posts, start=1)
        ]
        logins = [
            LoginRecord(account_id=by_handle[a.handle], at=_t(at), ip=ip, user_agent=ua)
            for a in fresh for at, ip, ua in a.logins
        ]
        Post.objects.bulk_create(posts, batch_size=500)
        LoginRecord.objects.bulk_create(logins, batch_size=500)
    return {"accounts": len(fresh), "posts": len(posts), "logins": len(logins)}
