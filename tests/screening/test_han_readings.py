"""The generated character table gives exactly what pypinyin, OpenCC and cantoroman give.

Han-script queries read `data/han_readings.tsv` instead of loading those libraries (about a
second per `dueprocess screen`); scores must not move because of it.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dueprocess.screening import compare_names, han, normalize
from dueprocess.screening.han import LIBRARY, TABLE, syllables_from

TSV = Path(han.__file__).parent / "data" / han.TABLE_FILE
_LINES = TSV.read_text(encoding="utf-8").splitlines()
PHRASES = sorted({k for line in _LINES if line.startswith(("s2t\t", "s2hk\t"))
                  for k in line.split()[1:] if k.isalpha()})
# name characters, characters OpenCC converts by phrase, compatibility ideographs (normalised
# by OpenCC) and Extension B characters (outside the table: read from the libraries)
NAME_CHARS = ("鄧炳強李家超林鄭月娥曾國衛張曉明譚耀宗歐陽震華"
              "习近平習邓强欧阳司徒上官干幹乾发髮後后里裏面麵")
ALPHABET = st.one_of(
    st.sampled_from(NAME_CHARS),
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
    st.characters(min_codepoint=0x3400, max_codepoint=0x4DBF),
    st.characters(min_codepoint=0xF900, max_codepoint=0xFAFF),
    st.sampled_from(["\U00020BB7", "\U0002A6A5", "\U00021290"]),
)
HAN_TEXT = st.one_of(
    st.text(ALPHABET, min_size=1, max_size=6),
    st.builds(lambda a, p, b: a + p + b, st.text(ALPHABET, max_size=2), st.sampled_from(PHRASES),
              st.text(ALPHABET, max_size=2)),
)


def test_table_equals_what_the_libraries_give() -> None:
    """Header and phrase keys whole; character rows for every 23rd code point (the whole
    table, 28,000 characters through pypinyin, is `benchmarks/han_readings.py --check`)."""
    from benchmarks.han_readings import code_points, header, phrase_lines, row

    stale = "the libraries changed: run python benchmarks/han_readings.py"
    rows = {line.split("\t", 1)[0]: line for line in _LINES[len(header()):]
            if len(line.split("\t", 1)[0]) == 1}
    assert _LINES[: len(header())] == header(), stale
    assert [line for line in _LINES if line.startswith(("s2t\t", "s2hk\t"))] == phrase_lines()
    sample = [chr(cp) for cp in code_points()[::23]] + list(NAME_CHARS)
    for ch in sample:
        assert rows.get(ch, "") == row(LIBRARY, ch), (ch, stale)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(HAN_TEXT)
def test_table_and_libraries_read_any_han_text_alike(text: str) -> None:
    for config in ("s2t", "s2hk"):
        assert TABLE.convert(text, config) == LIBRARY.convert(text, config)
    for as_name in (True, False):
        assert syllables_from(TABLE, text, as_name) == syllables_from(LIBRARY, text, as_name)


@pytest.fixture
def library_path() -> Iterator[None]:
    """Route the matcher through the libraries instead of the table, caches emptied."""
    def clear() -> None:
        for cached in (han.han_syllables, han.traditional_text, normalize.tokenize):
            cached.cache_clear()

    clear()
    saved = han.TABLE
    han.TABLE = LIBRARY  # type: ignore[assignment]
    try:
        yield
    finally:
        han.TABLE = saved
        clear()


PAIRS = [
    ("鄧炳強", "TANG, Ping-keung"),
    ("邓炳强", "DENG Bingqiang"),
    ("李家超", "LEE, Ka-chiu John"),
    ("林鄭月娥", "LAM CHENG, Yuet-ngor"),
    ("习近平", "習近平"),
    ("高石早苗", "高市早苗"),
    ("欧阳震华", "AU-YEUNG Chun-wah"),
    ("贝拉克·奥巴马", "Barack Obama"),
    ("普京", "Putin"),
    ("曾國衛", "Tsang Kwok-wai"),
]


def test_scores_are_the_same_through_table_and_libraries(library_path: None) -> None:
    through_libraries = [compare_names(a, b) for a, b in PAIRS]
    han.TABLE = TABLE
    for cached in (han.han_syllables, han.traditional_text, normalize.tokenize):
        cached.cache_clear()
    through_table = [compare_names(a, b) for a, b in PAIRS]
    for (a, b), lib, tab in zip(PAIRS, through_libraries, through_table, strict=True):
        assert (tab.score, tab.explain()) == (lib.score, lib.explain()), (a, b)


def test_a_han_query_loads_none_of_the_libraries() -> None:
    code = (
        "import sys\n"
        "from dueprocess.screening import compare\n"
        "assert compare('鄧炳強', 'TANG, Ping-keung') >= 0.85\n"
        "assert compare('习近平', '習近平') == 1.0\n"
        "print(sorted(m for m in ('pypinyin', 'opencc', 'cantoroman') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={"PYTHONPATH": str(Path(han.__file__).parents[2]),
                                                 "PYTHONDONTWRITEBYTECODE": "1"})
    assert out.stdout.strip() == "[]"


def test_a_character_outside_the_table_is_read_from_the_libraries() -> None:
    assert not TABLE.covers("\U00020BB7") and TABLE.covers("鄧")
    assert syllables_from(TABLE, "\U00020BB7", False) == syllables_from(LIBRARY, "\U00020BB7",
                                                                          False)
