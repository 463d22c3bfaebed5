"""Hangul read into the spellings Korean names are listed under."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dueprocess.screening.korean import name_syllables, revised, syllable_spellings


def test_revised_romanization_of_name_syllables() -> None:
    assert [revised(c) for c in "김정은"] == ["gim", "jeong", "eun"]
    assert [revised(c) for c in "윤석열"] == ["yun", "seok", "yeol"]
    assert revised("박") == "bak" and revised("최") == "choe"


def test_given_name_syllables_carry_the_older_spellings() -> None:
    # McCune-Reischauer without its marks, and as families write them
    assert {"jeong", "jong", "jung", "chong"} <= set(syllable_spellings("정"))
    assert {"eun", "un"} <= set(syllable_spellings("은"))
    assert {"seok", "suk"} <= set(syllable_spellings("석"))
    assert {"sin", "shin"} <= set(syllable_spellings("신"))


def test_surnames_come_from_the_table_and_compound_ones_stay_whole() -> None:
    kim = name_syllables("김정은")
    assert kim[0][0] == "김" and kim[0][1][0] == "kim" and kim[0][2]
    assert [s for s, _, surname in kim if not surname] == ["정", "은"]
    assert "rhee" in name_syllables("이승만")[0][1]
    namgung = name_syllables("남궁민")
    assert namgung[0][0] == "남궁" and namgung[0][2] and namgung[1][0] == "민"


def test_a_long_word_is_read_block_by_block() -> None:
    # five blocks are no personal name: no surname is taken off
    assert not any(surname for _, _, surname in name_syllables("대한민국정부"))


@given(st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3))
def test_every_syllable_block_has_latin_spellings_revised_first(block: str) -> None:
    spellings = syllable_spellings(block)
    assert spellings[0] == revised(block)
    assert all(s.isascii() and s.isalpha() for s in spellings)
    assert len(spellings) == len(set(spellings)) <= 8
