from __future__ import annotations

from dueprocess.screening import ListEntry, LoadReport, diff, to_iso2
from dueprocess.screening.dates import parse_dates


def _e(entry_id: str, *names: str, list_id: str = "x") -> ListEntry:
    return ListEntry(list_id, entry_id, "Person", names)


def test_diff_by_entry_id() -> None:
    old = [_e("1", "A"), _e("2", "B"), _e("3", "C")]
    new = [_e("1", "A"), _e("2", "B", "B alias"), _e("4", "D")]
    d = diff(old, new)
    assert [e.entry_id for e in d.added] == ["4"]
    assert [e.entry_id for e in d.removed] == ["3"]
    assert [(a.names, b.names) for a, b in d.changed] == [(("B",), ("B", "B alias"))]
    assert diff(old, old).is_empty


def test_diff_keeps_lists_apart() -> None:
    d = diff([_e("1", "A", list_id="un_sc")], [_e("1", "A", list_id="us_ofac_sdn")])
    assert len(d.added) == 1 and len(d.removed) == 1 and not d.changed


def test_load_report_caps_details_but_counts_all() -> None:
    report = LoadReport("x", "f", "ofac_csv")
    for i in range(5000):
        report.skip(i, "empty name")
    assert report.skipped_count == 5000 and len(report.skipped) == 1000


def test_countries() -> None:
    assert to_iso2("Hong Kong") == "HK"
    assert to_iso2("Korea, North") == "KP"
    assert to_iso2("Iran (Islamic Republic of)") == "IR"
    assert to_iso2("Democratic Republic of the Congo") == "CD"
    assert to_iso2("hk") == "HK"
    assert to_iso2("Atlantis") is None and to_iso2("") is None


def test_dates() -> None:
    assert parse_dates("04 Jul 1965") == ("1965-07-04",)
    assert parse_dates("00/00/1955") == ("1955",)
    assert parse_dates("13/05/1957") == ("1957-05-13",)
    assert parse_dates("1965-07") == ("1965-07",)
    assert parse_dates("circa 1960") == ("1960",)
    assert parse_dates("1950 to 1990") == ("1950", "1990")
    assert parse_dates("31 Feb 1970") == ("1970-02",)
    assert parse_dates("unknown") == ()
