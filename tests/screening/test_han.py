from __future__ import annotations

import pytest

from dueprocess.screening import DEFAULT_THRESHOLD, compare, compare_names
from dueprocess.screening.han import HK_SURNAMES, han_syllables


def test_hk_surname_spelling_comes_first() -> None:
    syllables = han_syllables("鄧炳強")
    assert [s.text for s in syllables] == ["鄧", "炳", "強"]
    assert syllables[0].surname and syllables[0].forms[0] == "tang"
    assert "deng" in syllables[0].forms  # pinyin
    assert "bing" in syllables[1].forms  # HK Government candidate, official spelling "Ping"
    assert {"keung", "qiang"} <= set(syllables[2].forms)


def test_simplified_characters_read_like_traditional() -> None:
    assert han_syllables("邓炳强")[0].forms[:3] == han_syllables("鄧炳強")[0].forms[:3]
    assert compare("邓炳强", "TANG, Ping-keung") >= DEFAULT_THRESHOLD


def test_compound_surname() -> None:
    syllables = han_syllables("歐陽震華")
    assert syllables[0].text == "歐陽" and "auyeung" in syllables[0].forms


def test_surname_table_is_substantial() -> None:
    assert len(HK_SURNAMES) >= 60
    assert HK_SURNAMES["陳"][0] == "chan" and HK_SURNAMES["黃"][0] == "wong"


@pytest.mark.parametrize(
    ("han", "romanised"),
    [
        ("鄧炳強", "TANG, Ping-keung"),
        ("鄧炳強", "TANG Pingkeung"),
        ("鄧炳強", "DENG, Bingqiang"),
        ("李家超", "LEE, Ka Chiu"),
        ("李家超", "LI, Jiachao"),
        ("林鄭月娥", "LAM CHENG, Yuet-ngor"),
        ("曾國衛", "TSANG, Kwok-wai"),
        ("曾國衛", "ZENG, Guowei"),
        ("張曉明", "ZHANG, Xiaoming"),
        ("譚耀宗", "TAM, Yiu-chung"),
    ],
)
def test_han_matches_hk_and_pinyin_romanisations(han: str, romanised: str) -> None:
    result = compare_names(han, romanised)
    assert result.score >= DEFAULT_THRESHOLD, result.explain()


@pytest.mark.parametrize(
    ("han", "other"),
    [("鄧炳強", "TANG, Chris"), ("鄧炳強", "TANG, Wing-keung"), ("李家超", "LAM, Carrie")],
)
def test_han_does_not_match_other_people(han: str, other: str) -> None:
    assert compare(han, other) < DEFAULT_THRESHOLD


def test_unreadable_characters_do_not_break() -> None:
    assert isinstance(han_syllables("\u3007"), tuple)
    assert compare("\U00020000\U0002a6d6", "TANG, Chris") < DEFAULT_THRESHOLD
