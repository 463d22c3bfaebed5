"""Free-text citations find their library entries; near misses do not."""

from __future__ import annotations

import pytest

from dueprocess.law import default_library
from dueprocess.law.citations import CitationIndex, tokens

LIB = default_library()


@pytest.mark.parametrize(
    ("text", "jurisdiction", "expected"),
    [
        ("art. 207.3 UK RF", "RU", "ru.uk.207_3"),
        ("Article 207.3 of the Criminal Code", "RU", "ru.uk.207_3"),
        ("статья 280.3 УК РФ", "RU", "ru.uk.280_3"),  # noqa: RUF001 (Cyrillic citation)
        ("s 112 Criminal Code", "TH", "th.cc.s112"),
        ("Section 112 of the Criminal Code", "TH", "th.cc.s112"),
        ("TCK 299", "TR", "tr.tck.299"),
        ("§ 90 StGB", "DE", "de.stgb.90"),
        ("art. 490.3 CP", "ES", "es.cp.490_3"),
        ("s. 24 SNSO", "HK", "hk.snso.s24"),
        ("295-C PPC", "PK", "pk.ppc.295c"),
        ("section 152 BNS", "IN", "in.bns.s152"),
    ],
)
def test_offences_cited_as_text(text: str, jurisdiction: str, expected: str) -> None:
    found = LIB.match_offence(text, jurisdiction)
    assert found is not None and found.id == expected


@pytest.mark.parametrize(
    ("text", "jurisdiction"),
    [
        ("art. 207 UK RF", "RU"),  # 207 is not 207.3
        ("s 112 Criminal Code", "RU"),  # Thai law is not cited by a Russian authority
        ("s 11 Criminal Code", "TH"),
        ("", "TH"),
    ],
)
def test_near_misses_match_nothing(text: str, jurisdiction: str) -> None:
    assert LIB.match_offence(text, jurisdiction) is None


@pytest.mark.parametrize(
    ("text", "jurisdiction", "expected"),
    [
        ("18 U.S.C. § 2703(d)", "US", "us.ecpa.2703d"),
        ("Preservation request under 18 USC 2703(f)", "US", "us.ecpa.preservation"),
        ("Law No. 5651 art. 8/A", "TR", "tr.5651.art8a"),
        ("Law No. 5651 art. 8", "TR", "tr.5651.art8"),
        ("Regulation (EU) 2021/784", "DE", "eu.tco.art3"),
        ("Auskunft nach §100j StPO", "DE", "de.stpo.100j"),
        ("Section 69A of the Information Technology Act", "IN", "in.it.s69a"),
        ("s. 487.012 of the Criminal Code", "CA", "ca.cc.487_012"),
        ("Chapter 18B", "US-TX", "us_tx.ccp18b.warrant"),
    ],
)
def test_instruments_cited_as_text(text: str, jurisdiction: str, expected: str) -> None:
    found = LIB.match_instrument(text, jurisdiction)
    assert found is not None and found.id == expected


def test_equal_matches_of_different_entries_are_no_match() -> None:
    index = CitationIndex([("a.one", "XX", ["Act s. 5"]), ("a.two", "XX", ["Act s. 5"])])
    assert index.match("under Act s. 5", frozenset({"XX"})) is None


def test_tokens_fold_the_ways_law_is_written() -> None:
    assert tokens("Article 8/A") == tokens("art. 8/A") == ("art", "8/a")
    assert tokens("§ 100j") == tokens("section 100j") == ("s", "100j")
    assert tokens("ст. 207.3") == ("art", "207.3")
