"""The screening index over the real OFAC and UN samples: HK cases and hard negatives."""

from __future__ import annotations

import pickle

import pytest

from dueprocess.screening import DEFAULT_THRESHOLD, ListEntry, Query, ScreeningIndex


def _score(index: ScreeningIndex, query: Query, entry_id: str) -> float:
    hits = index.search(query, limit=25)
    return next((h.score for h in hits if h.entry.entry_id == entry_id), 0.0)


def test_han_name_finds_tang_chris(index: ScreeningIndex) -> None:
    hits = index.search(Query("鄧炳強"))
    top = hits[0]
    assert top.entry.entry_id == "29242" and top.entry.names[0] == "TANG, Chris"
    assert top.score >= DEFAULT_THRESHOLD
    assert top.matched_name == "TANG, Ping-keung"
    assert "alias 'TANG, Ping-keung'" in top.explanation and "bing~ping" in top.explanation


def test_han_name_finds_john_lee(index: ScreeningIndex) -> None:
    top = index.search(Query("李家超"))[0]
    assert top.entry.entry_id == "29250"
    assert top.matched_name in {"LEE, Ka Chiu", "LI, Jiachao", "LEE, John Ka-chiu"}
    assert top.score >= DEFAULT_THRESHOLD


@pytest.mark.parametrize(
    ("hangul", "listed"),
    [
        ("김정은", {"KIM, Jong Un"}),
        ("김여정", {"KIM, Yo Jong"}),
        ("최룡해", {"CHOE, Ryong Hae"}),
        ("리병철", {"RI, Pyong Chol", "RI PYONG CHUL"}),  # on OFAC's list and the UN's
    ],
)
def test_a_korean_official_written_in_hangul_is_found(
    index: ScreeningIndex, hangul: str, listed: set[str]
) -> None:
    top = index.search(Query(hangul))[0]
    assert top.entry.primary_name in listed and top.is_alert(), top.explanation


@pytest.mark.parametrize(
    ("han", "entry_id"),
    [
        ("林鄭月娥", "29249"),
        ("曾國衛", "29246"),
        ("鄭若驊", "29243"),
        ("譚耀宗", "30969"),
        ("邓炳强", "29242"),
    ],
)
def test_other_hk_officials(index: ScreeningIndex, han: str, entry_id: str) -> None:
    assert _score(index, Query(han), entry_id) >= DEFAULT_THRESHOLD


def test_full_facts_raise_the_score(index: ScreeningIndex) -> None:
    query = Query(
        "Mr Chris Tang",
        birth_date="1965-07-04",
        nationality="Hong Kong",
        position="Commissioner of Police",
    )
    top = index.search(query)[0]
    assert top.entry.entry_id == "29242" and top.score == 1.0
    assert top.features["birth_date"] > 1 and top.features["nationality"] > 1
    assert "birth date matches" in top.explanation and "position matches" in top.explanation


def test_chris_tan_with_another_birth_date_does_not_alert(index: ScreeningIndex) -> None:
    query = Query("Chris Tan", birth_date="1982-03-14")
    assert _score(index, query, "29242") < DEFAULT_THRESHOLD
    hits = index.search(query)
    hit = next(h for h in hits if h.entry.entry_id == "29242")
    assert "birth date differs" in hit.explanation and hit.features["birth_date"] < 1


def test_hard_negatives_do_not_alert(index: ScreeningIndex) -> None:
    assert _score(index, Query("Tang Wing-keung"), "29242") < DEFAULT_THRESHOLD
    assert _score(index, Query("Carrie Lim"), "29249") < DEFAULT_THRESHOLD
    assert _score(index, Query("Chris Tan"), "29242") < DEFAULT_THRESHOLD
    assert _score(index, Query("Teresa Chan"), "29243") < DEFAULT_THRESHOLD


def test_same_name_other_birth_date_is_demoted(index: ScreeningIndex) -> None:
    same = _score(index, Query("Chris Tang", birth_date="1965-07-04"), "29242")
    other = _score(index, Query("Chris Tang", birth_date="1990-01-01"), "29242")
    assert same == 1.0 and other < DEFAULT_THRESHOLD


@pytest.mark.parametrize(
    ("query_date", "near"),
    [
        ("1965-07-25", True),  # three weeks apart: a slip
        ("1965-04-07", True),  # day and month swapped
        ("1966", True),  # only the year known, one off
        ("1965-12-20", False),  # both full, months apart: another person
        ("1964-11-02", False),
    ],
)
def test_a_near_birth_date_keeps_the_alert_a_far_one_does_not(
    index: ScreeningIndex, query_date: str, near: bool
) -> None:
    hit = next(h for h in index.search(Query("Chris Tang", birth_date=query_date))
               if h.entry.entry_id == "29242")
    assert ("(near)" in hit.explanation) is near, hit.explanation
    assert hit.is_alert() is near


def test_typos_honorifics_and_order(index: ScreeningIndex) -> None:
    for name in ("Tang Ping Keung", "TANG Pingkeung", "Commissioner Tnag Ping-keung", "chris TANG"):
        assert _score(index, Query(name), "29242") >= DEFAULT_THRESHOLD, name


def test_un_entries_are_searchable(index: ScreeningIndex) -> None:
    assert _score(index, Query("Saddam Hussein al-Tikriti"), "IQi.001") >= DEFAULT_THRESHOLD
    assert _score(index, Query("صدام حسين التكريتي"), "IQi.001") >= DEFAULT_THRESHOLD


def test_schema_mismatch_is_demoted(index: ScreeningIndex) -> None:
    person = _score(index, Query("Banco Nacional de Cuba", schema="Person"), "306")
    org = _score(index, Query("Banco Nacional de Cuba", schema="Organization"), "306")
    assert org == 1.0 and person < org


def test_threshold_limit_and_ordering(index: ScreeningIndex) -> None:
    hits = index.search(Query("Mohammed Ali"), limit=5)
    assert len(hits) <= 5
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert all(0.0 <= h.score <= 1.0 for h in hits)
    alerts = index.screen(Query("Mohammed Ali"))
    assert all(h.score >= DEFAULT_THRESHOLD for h in alerts)


def test_empty_and_junk_queries(index: ScreeningIndex) -> None:
    assert index.search(Query("")) == []
    assert index.search(Query("!!! ??? ...")) == []
    assert index.search(Query("x" * 100_000), limit=3) is not None
    assert ScreeningIndex.build([]).search(Query("Chris Tang")) == []


def test_index_pickles(index: ScreeningIndex) -> None:
    restored = pickle.loads(pickle.dumps(index))  # noqa: S301 - our own object
    for name in ("鄧炳強", "Carrie Lam", "Saddam Hussein"):
        before = [(h.entry.key, h.score) for h in index.search(Query(name))]
        assert [(h.entry.key, h.score) for h in restored.search(Query(name))] == before
    # entries are stored packed and unpacked on demand, every field intact, any position
    assert len(restored.entries) == len(index.entries)
    assert list(restored.entries) == list(index.entries)
    assert restored.entries[-1] == index.entries[-1]
    assert restored.entries[1:3] == list(index.entries[1:3])
    again = pickle.loads(pickle.dumps(restored))  # noqa: S301 - our own object
    assert list(again.entries) == list(index.entries)


def test_aliases_dedupe_per_entry() -> None:
    entry = ListEntry("t", "1", "Person", ("TANG, Chris", "Chris TANG", "TANG Chris"))
    hits = ScreeningIndex.build([entry]).search(Query("Chris Tang"))
    assert len(hits) == 1 and hits[0].matched_name == "TANG, Chris"


def test_a_name_many_entries_share_returns_as_many_as_the_limit_asks() -> None:
    # more entries than the names scored by default: a larger limit still shows them all
    namesakes = [ListEntry("t", str(i), "Person", ("MOHAMMED, Ali",)) for i in range(40)]
    other = ListEntry("t", "x", "Person", ("ALI, Mohammad Reza",))
    index = ScreeningIndex.build([*namesakes, other])
    hits = index.search(Query("Ali Mohammed"), limit=40, threshold=0.85)
    assert sorted(h.entry.entry_id for h in hits) == sorted(str(i) for i in range(40))
    assert len(index.search(Query("Ali Mohammed"), limit=5)) == 5
