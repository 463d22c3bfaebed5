"""A library file with bad input fails to load and says where (file, line) and why."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from dueprocess.law import LawLibraryError, load_library

GOOD = """\
jurisdictions:
  - code: XX
    name: Test land
    sources: [https://example.org/test-land]
instruments:
  - id: xx.test.order
    jurisdiction: XX
    name: Test order
    citation: Test Act s. 1
    kind: order
    legal_process: Court Order
    in_force_from: 2000-01-01
    compels: {disclose: [subscriber]}
    issuers: [judge]
    sources: [https://example.org/test-act]
    reviewed_on: 2026-12-01
    version: 1
offences:
  - id: xx.test.offence
    jurisdiction: XX
    name: Test offence
    citation: Test Act s. 2
    sources: [https://example.org/test-act]
"""


def error_for(tmp_path: Path, text: str, name: str = "xx.yaml") -> LawLibraryError:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    with pytest.raises(LawLibraryError) as info:
        load_library([path])
    return info.value


def test_the_good_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "xx.yaml"
    path.write_text(GOOD, encoding="utf-8")
    library = load_library([path])
    assert library.jurisdiction("XX") is not None
    assert library.instruments["xx.test.order"].reviewed_on is not None


def test_duplicate_id_names_both_places(tmp_path: Path) -> None:
    block = GOOD.split("instruments:\n")[1].split("offences:")[0]
    text = GOOD.replace("offences:", block.rstrip("\n") + "\noffences:", 1)
    error = error_for(tmp_path, text)
    message = str(error)
    assert "duplicate instrument id 'xx.test.order'" in message
    assert "xx.yaml:6" in message  # the first definition
    assert error.line == 18 and error.source is not None and error.source.endswith("xx.yaml")


def test_unknown_issuer_role(tmp_path: Path) -> None:
    error = error_for(tmp_path, GOOD.replace("issuers: [judge]", "issuers: [judge, sheriff]"))
    assert error.line == 14
    assert error.field == "instruments[0].issuers[1]"
    assert "'sheriff'" in str(error) and "police_senior" in str(error)


@pytest.mark.parametrize("code", ["UK", "USA", "Germany", "de", "US-ZZ", "QQ-1", "OO"])
def test_bad_iso_code(tmp_path: Path, code: str) -> None:
    error = error_for(tmp_path, GOOD.replace("jurisdiction: XX\n    name: Test order",
                                             f"jurisdiction: {code}\n    name: Test order"))
    assert error.line == 7
    assert error.field == "instruments[0].jurisdiction"
    assert "ISO 3166" in str(error) or "pattern" in str(error)


def test_uk_is_told_to_use_gb(tmp_path: Path) -> None:
    error = error_for(tmp_path, GOOD.replace("code: XX", "code: UK"))
    assert "GB" in str(error) and error.line == 2


@pytest.mark.parametrize("code", ["US-TX", "US-DC", "GB", "EU", "XK", "DE-BY"])
def test_good_codes_and_subdivisions(tmp_path: Path, code: str) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text(GOOD.replace("jurisdiction: XX\n    name: Test order",
                                 f"jurisdiction: {code}\n    name: Test order"), encoding="utf-8")
    assert load_library([path]).instruments["xx.test.order"].jurisdiction == code


def test_missing_source_on_an_instrument(tmp_path: Path) -> None:
    error = error_for(tmp_path, GOOD.replace("    sources: [https://example.org/test-act]\n    "
                                             "reviewed_on", "    reviewed_on"))
    assert error.field == "instruments[0].sources" and "Field required" in str(error)
    assert error.line == 6


def test_missing_source_on_an_offence(tmp_path: Path) -> None:
    text = GOOD.rsplit("    sources: [https://example.org/test-act]\n", 1)[0]
    error = error_for(tmp_path, text)
    assert error.field == "offences[0].sources"
    assert error.line == 19


def test_political_offence_needs_its_assessment(tmp_path: Path) -> None:
    text = GOOD.replace("citation: Test Act s. 2", "citation: Test Act s. 2\n"
                        "    flags: [political_expression]")
    error = error_for(tmp_path, text)
    assert "assessment" in str(error) and error.field == "offences[0].assessment"


def test_duplicate_jurisdiction_profile(tmp_path: Path) -> None:
    profile = GOOD.split("instruments:")[0].split("jurisdictions:\n")[1]
    error = error_for(tmp_path, "jurisdictions:\n" + profile + profile)
    assert "duplicate jurisdiction 'XX'" in str(error) and error.line == 5


def test_every_bundled_entry_is_reviewed_and_sourced() -> None:
    from dueprocess.law import default_library

    library = default_library()
    for instrument in library.instruments.values():
        assert instrument.sources, instrument.id
    new = [i for i in library.instruments.values() if i.jurisdiction not in
           ("US", "EU", "HK", "BR", "ZZ") or i.id.startswith(("us.admin", "us.fisa", "us.pen",
                                                               "us.wire", "eu.tco", "eu.eio"))]
    assert new and all(i.reviewed_on is not None for i in new)
    for offence in library.offences.values():
        assert offence.sources, offence.id
        if "political_expression" in offence.flags:
            assert offence.assessment, offence.id
