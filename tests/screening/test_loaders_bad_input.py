"""Hostile and broken list files: refused with a clear message, or skipped and counted."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import pytest

from dueprocess.screening import (
    ListFormatError,
    detect_format,
    load_eu_xml,
    load_ftm_json,
    load_list,
    load_ofac_csv,
    load_ofac_xml,
    load_uk_csv,
    load_un_xml,
)
from dueprocess.screening.model import LoadReport

Loader = Callable[[BinaryIO], LoadReport]

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>&lol4;</FIRST_NAME>
<REFERENCE_NUMBER>X.1</REFERENCE_NUMBER></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>
"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<export><sanctionEntity euReferenceNumber="EU.1"><nameAlias wholeName="&xxe;"/></sanctionEntity>
</export>
"""


@pytest.mark.parametrize(
    "loader", [load_un_xml, load_eu_xml, load_ofac_xml], ids=["un", "eu", "ofac"]
)
@pytest.mark.parametrize("payload", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["bomb", "xxe"])
def test_entity_declarations_are_refused(loader: Loader, payload: bytes) -> None:
    with pytest.raises(ListFormatError, match=r"line \d+: refused unsafe XML"):
        loader(io.BytesIO(payload))


def test_truncated_un_xml(un_path: Path, tmp_path: Path) -> None:
    data = un_path.read_bytes()
    cut = tmp_path / "truncated.xml"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(ListFormatError, match=r"truncated XML at line \d+"):
        load_un_xml(cut)
    with pytest.raises(ListFormatError):
        load_list(cut)


@pytest.mark.parametrize(
    ("loader", "payload"),
    [
        (load_un_xml, b"<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL>"),
        (load_un_xml, b"not xml at all"),
        (load_un_xml, b"<export></export>"),
        (load_eu_xml, b"<CONSOLIDATED_LIST/>"),
        (load_ofac_xml, b"<Sanctions><DistinctParties>"),
        (load_un_xml, b""),
    ],
)
def test_malformed_or_wrong_xml(loader: Loader, payload: bytes) -> None:
    with pytest.raises(ListFormatError):
        loader(io.BytesIO(payload))


def test_ofac_csv_bad_rows_are_skipped_and_counted(tmp_path: Path) -> None:
    long_name = "A" * 10_000
    rows = [
        '36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ',
        '37,"TOO FEW COLUMNS",-0- ,"CUBA"',
        f'38,"{long_name}",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ',
        '39,"",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ',
        '40,-0- ,-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ',
        'x41,"BAD ID",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ',
        '42,"TANG, Chris 鄧炳強 Тан",individual,"HK-EO13936"' + ",-0- " * 8,
        "",
        "",
        '43,"...",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ',
        "\x1a",
    ]
    (tmp_path / "sdn.csv").write_text("\r\n".join(rows), encoding="utf-8")
    (tmp_path / "alt.csv").write_text('36,1,"aka",-0- ,-0- \r\n36,2\r\n', encoding="utf-8")
    report = load_ofac_csv(tmp_path)
    assert [e.entry_id for e in report.entries] == ["36", "42"]
    assert report.entries[1].names == ("TANG, Chris 鄧炳強 Тан",)  # mixed scripts are kept
    assert report.reasons == {
        "wrong column count": 2,
        "name too long": 1,
        "empty name": 3,
        "bad entry number": 1,
        "name has no letters": 1,
    }
    lines = {s.line: s.reason for s in report.skipped}
    assert lines[2] == "wrong column count" and lines[3] == "name too long"
    assert "skipped" in report.summary()


def test_cp1252_and_bom_are_decoded(tmp_path: Path) -> None:
    row = '50,"NU\xd1EZ, Jos\xe9",individual,"SDNT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- '
    (tmp_path / "sdn.csv").write_bytes(row.encode("cp1252"))
    assert load_ofac_csv(tmp_path / "sdn.csv").entries[0].names == ("NU\xd1EZ, Jos\xe9",)
    (tmp_path / "sdn.csv").write_bytes(b"\xef\xbb\xbf" + row.encode("utf-8"))
    assert load_ofac_csv(tmp_path / "sdn.csv").entries[0].entry_id == "50"


def test_million_blank_lines_are_cheap() -> None:
    data = b"\r\n" * 1_000_000 + b'1,"A NAME",-0- ,"X",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'
    report = load_ofac_csv(io.BytesIO(data))
    assert len(report.entries) == 1 and report.skipped_count == 0


def test_missing_files_and_unknown_formats(tmp_path: Path) -> None:
    with pytest.raises(ListFormatError, match="no such file"):
        load_ofac_csv(tmp_path / "nope.csv")
    with pytest.raises(ListFormatError, match=r"without sdn\.csv"):
        detect_format(tmp_path)
    odd = tmp_path / "odd.txt"
    odd.write_bytes(b"\x00\x01\x02 binary")
    with pytest.raises(ListFormatError, match="cannot tell"):
        detect_format(odd)
    xml = tmp_path / "other.xml"
    xml.write_bytes(b"<?xml version='1.0'?><html/>")
    with pytest.raises(ListFormatError, match="root <html>"):
        detect_format(xml)
    with pytest.raises(ListFormatError, match="unknown list format"):
        load_list(xml, format="nope")


def test_uk_csv_without_header() -> None:
    with pytest.raises(ListFormatError, match="Name 6"):
        load_uk_csv(io.BytesIO(b"a,b,c\n1,2,3\n"))


def test_ftm_garbage_lines_are_skipped() -> None:
    data = (
        b'{"id": "a", "schema": "Person", "properties": {"name": ["' + b"B" * 10_000 + b'"]}}\n'
        b"\xff\xfe not utf-8\n"
        b'{"id": "b", "schema": "Person", "properties": {"name": "Single String"}}\n'
        b'{"id": "c", "schema": "Person", "properties": []}\n'
    )
    report = load_ftm_json(io.BytesIO(data))
    assert [e.entry_id for e in report.entries] == ["b"]
    assert report.reasons == {"name too long": 1, "invalid JSON": 1, "not an entity object": 1}
