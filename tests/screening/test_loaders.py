"""Loaders on the real OFAC and UN samples and on hand-written fixtures of other formats."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from dueprocess.screening import (
    ListEntry,
    detect_format,
    load_list,
    load_ofac_csv,
    load_un_xml,
)
from dueprocess.screening.loaders.ofac_csv import parse_remarks

from .conftest import FIXTURES

# -- OFAC legacy CSV (real sample) --------------------------------------------------------


def test_ofac_tang_chris(ofac_entries: dict[str, ListEntry]) -> None:
    tang = ofac_entries["29242"]
    assert tang.list_id == "us_ofac_sdn"
    assert tang.schema == "Person"
    assert tang.names[0] == "TANG, Chris"
    assert "TANG, Ping-keung" in tang.names
    assert tang.programmes == ("HK-EO13936",)
    assert tang.birth_dates == ("1965-07-04",)
    assert tang.nationalities == ("HK",)
    assert "Commissioner of Police" in tang.positions
    assert tang.gender == "Male"
    assert tang.addresses == ("1 Arsenal Street, Hong Kong",)


def test_ofac_aliases_from_remarks_and_alt(ofac_entries: dict[str, ListEntry]) -> None:
    lee = ofac_entries["29250"]
    assert lee.names[0] == "LEE, John Ka-chiu"
    assert {"LEE, John", "LEE, Ka Chiu", "LI, Jiachao"} <= set(lee.names)  # alt.csv + a.k.a.
    assert lee.positions == ("Secretary for Security",)
    assert lee.birth_dates == ("1957-12-07",)


def test_ofac_comments_continue_remarks(ofac_entries: dict[str, ListEntry]) -> None:
    li = ofac_entries["28264"]
    assert li.programmes == ("DPRK3", "CYBER2")
    assert "khaleesi" in li.names  # a.k.a. only present in sdn_comments.csv
    assert li.remarks.endswith("Linked To: LAZARUS GROUP.")


def test_ofac_types_and_counts(ofac_dir: Path) -> None:
    report = load_ofac_csv(ofac_dir)
    assert len(report.entries) > 8000
    assert report.skipped_count == 0
    schemas = {e.schema for e in report.entries}
    assert schemas == {"Person", "Organization", "Vessel", "Aircraft"}
    cuba = next(e for e in report.entries if e.entry_id == "306")
    assert cuba.schema == "Organization" and "BNC" in cuba.names


def test_ofac_path_folder_and_stream_agree(ofac_dir: Path) -> None:
    by_file = load_ofac_csv(ofac_dir / "sdn.csv").entries
    by_dir = load_ofac_csv(ofac_dir).entries
    with (
        (ofac_dir / "sdn.csv").open("rb") as sdn,
        (ofac_dir / "alt.csv").open("rb") as alt,
        (ofac_dir / "add.csv").open("rb") as add,
        (ofac_dir / "sdn_comments.csv").open("rb") as comments,
    ):
        by_stream = load_ofac_csv(sdn, alt=alt, add=add, comments=comments).entries
    assert by_file == by_dir == by_stream


@pytest.mark.parametrize(
    ("remarks", "field", "expected"),
    [
        ("DOB 04 Jul 1965; nationality Hong Kong.", "dates", ["1965-07-04"]),
        ("DOB circa 1960.", "dates", ["1960"]),
        ("DOB 1960 to 1962.", "dates", ["1960", "1961", "1962"]),
        ("DOB 01 Jan 1960 to 31 Dec 1960.", "dates", ["1960"]),
        ("DOB Feb 1970; alt. DOB 1971.", "dates", ["1970-02", "1971"]),
        ("citizen Iran; alt. nationality Korea, North.", "nationalities", ["IR", "KP"]),
        ("Nationality of Registration Panama.", "nationalities", []),
        (
            "Position: Commissioner of Police; Title: General.",
            "positions",
            ["Commissioner of Police", "General"],
        ),
        ("a.k.a. 'LI, Jiachao'; f.k.a. 'OLD NAME'.", "aliases", ["LI, Jiachao", "OLD NAME"]),
    ],
)
def test_parse_remarks(remarks: str, field: str, expected: list[str]) -> None:
    assert getattr(parse_remarks(remarks), field) == expected


# -- UN consolidated XML (real sample) ----------------------------------------------------


def test_un_individuals_and_entities(un_path: Path) -> None:
    report = load_un_xml(un_path)
    people = [e for e in report.entries if e.schema == "Person"]
    orgs = [e for e in report.entries if e.schema == "Organization"]
    assert len(people) > 500 and len(orgs) > 100
    assert report.skipped_count == 0
    assert all(e.list_id == "un_sc" for e in report.entries)


def test_un_known_entry(un_entries: dict[str, ListEntry]) -> None:
    saddam = un_entries["IQi.001"]
    assert saddam.names[0] == "SADDAM HUSSEIN AL-TIKRITI"
    assert "صدام حسين التكريتي" in saddam.names  # NAME_ORIGINAL_SCRIPT
    assert saddam.birth_dates == ("1937-04-28",)
    assert saddam.nationalities == ("IQ",)
    assert saddam.programmes == ("Iraq",)
    badege = un_entries["CDi.001"]
    assert badege.names == ("ERIC BADEGE",) and badege.birth_dates == ("1971",)
    assert badege.nationalities == ("CD",)


def test_un_alias_holding_several_spellings_gives_each(un_entries: dict[str, ListEntry]) -> None:
    # <ALIAS_NAME>Qasim Soleimani; Qasem Sulaimani; ...</ALIAS_NAME>
    names = un_entries["IRi.039"].names
    assert "Qasim Soleimani" in names and "Kasim Sulaymani" in names
    assert not any(";" in n for n in names)


def test_un_original_script_in_an_alias_is_a_name_of_its_own(
    un_entries: dict[str, ListEntry],
) -> None:
    abu = "\u0410\u0431\u0443"  # Abu in Cyrillic
    # <ALIAS_NAME>Abu Muhammad (original script: Abu Muhammad in Cyrillic)</ALIAS_NAME>
    aselderov = un_entries["QDi.398"].names
    assert "Abu Muhammad" in aselderov
    assert f"{abu} \u041c\u0443\u0445\u0430\u043c\u043c\u0430\u0434" in aselderov
    assert not any("original script" in n for n in aselderov)
    # <ALIAS_NAME>Abu Banat</ALIAS_NAME><NOTE>original script: ...</NOTE>
    assert f"{abu} \u0411\u0430\u043d\u0430\u0442" in un_entries["QDi.363"].names


def test_un_designation_is_position(un_entries: dict[str, ListEntry]) -> None:
    assert un_entries["CDi.002"].positions == ("FARDC General",)


# -- formats without a real sample (hand-written fixtures) ---------------------------------


def test_ofac_advanced_xml() -> None:
    report = load_list(FIXTURES / "sdn_advanced.xml")
    assert report.format == "ofac_advanced_xml"
    tang, cuba, vessel = report.entries
    assert tang.entry_id == "29242" and tang.schema == "Person"
    assert tang.names == ("TANG, Chris", "TANG, Ping-keung", "鄧炳強")
    assert tang.programmes == ("HK-EO13936",)
    assert tang.birth_dates == ("1965-07-04",)
    assert tang.nationalities == ("HK",)
    assert tang.positions == ("Commissioner of Police",)
    assert tang.gender == "Male"
    assert cuba.schema == "Organization" and cuba.programmes == ("CUBA",)
    assert vessel.schema == "Vessel" and vessel.birth_dates == ("1960", "1961", "1962")
    assert report.reasons == {"empty name": 1}


def test_eu_fsf_xml() -> None:
    report = load_list(FIXTURES / "eu_fsf.xml")
    person, org, kim = report.entries
    assert person.entry_id == "EU.9001.01" and person.list_id == "eu_fsf"
    assert person.names == ("Ivan Petrovich SIDOROV", "Иван Петрович Сидоров", "Vanya")
    assert person.birth_dates == ("1970-02-03",)
    assert person.nationalities == ("RU",)
    assert person.positions == ("Deputy Minister of Defence",)
    assert person.programmes == ("UKR",)
    assert org.schema == "Organization"
    assert (
        kim.names == ("Chol Kim",) and kim.nationalities == ("KP",) and kim.birth_dates == ("1960",)
    )
    assert report.reasons == {"empty name": 1}


def test_uk_sanctions_list_csv() -> None:
    report = load_list(FIXTURES / "uk_sanctions_list.csv")
    tang = report.entries[0]
    assert tang.entry_id == "CHN0001"
    assert tang.names == ("TANG, Ping Keung", "鄧炳強", "TANG, Chris")
    assert tang.nationalities == ("CN", "HK")
    assert tang.birth_dates == ("1965-07-04",)
    assert tang.positions == ("Commissioner of Police",)
    ivanov = report.entries[2]
    assert ivanov.birth_dates == ("1955",)  # 00/00/1955
    assert report.reasons == {"empty name": 1, "wrong column count": 1}
    assert [s.line for s in report.skipped] == [7, 8]


def test_ftm_json_lines() -> None:
    report = load_list(FIXTURES / "opensanctions.ftm.json")
    tang, lee, company, vessel = report.entries
    assert tang.names == ("TANG Ping-keung", "Chris Tang", "鄧炳強")
    assert tang.nationalities == ("HK",) and tang.birth_dates == ("1965-07-04",)
    assert tang.positions == ("Commissioner of Police",) and tang.list_id == "us_ofac_sdn"
    assert lee.names == ("LEE, John Ka-chiu", "LI Jiachao")
    # the Sanction record names Lee: its programme is joined to him, the dataset is kept
    assert lee.programmes == ("HK-EO13936",) and lee.list_id == "us_ofac_sdn"
    assert tang.programmes == ("US-HK",) and company.programmes == ()
    assert report.list_id == "opensanctions"  # the file holds more than one dataset
    assert company.schema == "Organization" and vessel.schema == "Vessel"
    assert report.ignored == 1  # the Sanction record
    assert report.reasons == {"invalid JSON": 1, "empty name": 1, "not an entity object": 1}
    assert "3 skipped" in report.summary()


def test_detect_format(ofac_dir: Path, un_path: Path) -> None:
    assert detect_format(ofac_dir) == "ofac_csv"
    assert detect_format(ofac_dir / "sdn.csv") == "ofac_csv"
    assert detect_format(un_path) == "un_xml"
    assert detect_format(FIXTURES / "sdn_advanced.xml") == "ofac_advanced_xml"
    assert detect_format(FIXTURES / "eu_fsf.xml") == "eu_fsf_xml"
    assert detect_format(FIXTURES / "uk_sanctions_list.csv") == "uk_csv"
    assert detect_format(FIXTURES / "opensanctions.ftm.json") == "ftm_json"
    stream = io.BytesIO((FIXTURES / "eu_fsf.xml").read_bytes())
    assert detect_format(stream) == "eu_fsf_xml" and stream.tell() == 0
    assert len(load_list(stream).entries) == 3


def test_ftm_export_of_one_dataset_keeps_its_name_as_list_id() -> None:
    lines = [
        '{"id": "p1", "schema": "Person", "properties": {"name": ["Ivan Petrov"]},'
        ' "datasets": ["eu_fsf"]}',
        '{"id": "s1", "schema": "Sanction", "properties": {"entity": ["p1"],'
        ' "authority": ["Council of the European Union"]}, "datasets": ["eu_fsf"]}',
    ]
    report = load_list(io.BytesIO("\n".join(lines).encode()), "ftm_json")
    assert report.list_id == "eu_fsf"
    (petrov,) = report.entries
    assert petrov.list_id == "eu_fsf" and petrov.programmes == ("Council of the European Union",)
