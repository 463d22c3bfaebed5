from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dueprocess.screening import DEFAULT_THRESHOLD, compare, compare_names

NAMES = [
    "TANG, Chris",
    "Chris Tan",
    "TANG, Ping-keung",
    "鄧炳強",
    "LAM, Carrie",
    "Carrie Lim",
    "Mohammed Ali",
    "ALI, Muhammad",
    "Vladimir PUTIN",
    "Владимир Путин",
    "",
    "J. Smith",
    "BANCO NACIONAL DE CUBA",
    "Abd al-Aziz",
    "Tang Wing-keung",
    "LI, Jiachao",
]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(NAMES) | st.text(max_size=40), st.sampled_from(NAMES) | st.text(max_size=40))
def test_compare_is_bounded_and_symmetric(a: str, b: str) -> None:
    s = compare(a, b)
    assert 0.0 <= s <= 1.0
    assert s == pytest.approx(compare(b, a), abs=1e-4)


def test_identical_and_empty() -> None:
    assert compare("TANG, Chris", "TANG, Chris") == 1.0
    assert compare("", "TANG, Chris") == 0.0
    assert compare("", "") == 0.0


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("Chris Tang", "TANG, Chris"),
        ("Mr Chris Tang", "TANG, Chris"),
        ("Chirs Tang", "TANG, Chris"),  # transposition
        ("Tang Pingkeung", "TANG, Ping-keung"),  # syllables joined
        ("Tang Ping Keung", "TANG Pingkeung"),
        ("Tang Ping-koeng", "TANG, Ping-keung"),  # Jyutping-like vowel
        ("Vladimir Putin", "PUTIN, Vladimir Vladimirovich"),  # missing patronymic
        ("Mohammed Ali", "ALI, Muhammad"),  # transliteration
        ("Владимир Путин", "Vladimir PUTIN"),  # Cyrillic
        ("J. Smith", "SMITH, John"),  # initial
        ("Commissioner of Police Tang Ping-keung", "TANG, Ping-keung"),
        ("Jaes Mitchell", "MITCHELL, James"),  # one-letter typo in a longer token
    ],
)
def test_same_person_scores_above_threshold(query: str, listed: str) -> None:
    result = compare_names(query, listed)
    assert result.score >= DEFAULT_THRESHOLD, result.explain()


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("Tang Wing-keung", "TANG, Ping-keung"),
        ("Carrie Lim", "LAM, Carrie"),
        ("Chris Tan", "TANG, Chris"),
        ("Teresa Chan", "CHENG, Teresa"),
        ("Ding Zhongli", "ZHENG, Zhongli"),
        # one letter more in a five-letter Chinese syllable is another syllable
        ("Eric Chang", "CHAN, Eric"),
        ("Zhang Wei", "ZHAN, Wei"),
    ],
)
def test_different_people_score_below_threshold(query: str, listed: str) -> None:
    result = compare_names(query, listed)
    assert result.score < DEFAULT_THRESHOLD, result.explain()


def test_explanation_names_the_evidence() -> None:
    text = compare_names("鄧炳強", "TANG, Ping-keung").explain()
    assert "bing~ping" in text and "phonetic" in text
    text = compare_names("Tang Wing-keung", "TANG, Ping-keung").explain()
    assert "query only: wing" in text and "list only: ping" in text


def test_schema_argument_is_accepted() -> None:
    assert compare("BANCO NACIONAL DE CUBA", "Banco Nacional de Cuba", "Organization") == 1.0
