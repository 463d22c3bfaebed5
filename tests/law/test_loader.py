"""Loading and validating library files: every defect is a clear error naming file and field."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from dueprocess.law import LawLibraryError, load_library

VALID = """\
instruments:
  - id: xx.test.order
    jurisdiction: XX
    name: Test order
    citation: Test Act s. 1
    kind: order
    legal_process: Court Order
    in_force_from: 2020-01-01
    compels:
      disclose: [subscriber, traffic]
    issuers: [judge]
    sources: [https://example.org/test-act]
    version: 1
offences:
  - id: xx.test.offence
    jurisdiction: XX
    name: Test offence
    citation: Test Act s. 2
    sources: [https://example.org/test-act]
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def load_error(tmp_path: Path, text: str) -> LawLibraryError:
    path = write(tmp_path, "bad.yaml", text)
    with pytest.raises(LawLibraryError) as info:
        load_library([path])
    return info.value


def test_valid_file_loads(tmp_path: Path) -> None:
    library = load_library([write(tmp_path, "xx.yaml", VALID)])
    assert set(library.instruments) == {"xx.test.order"}
    assert set(library.offences) == {"xx.test.offence"}


def test_directory_loads_all_yaml_files(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", VALID)
    write(tmp_path, "b.yaml", VALID.replace("xx.test", "yy.test"))
    write(tmp_path, "notes.txt", "not law")
    library = load_library([tmp_path])
    assert set(library.instruments) == {"xx.test.order", "yy.test.order"}


def test_invalid_field_names_file_field_and_id(tmp_path: Path) -> None:
    error = load_error(tmp_path, VALID.replace("[subscriber, traffic]", "[subscriber, dna]"))
    message = str(error)
    assert "bad.yaml" in message
    assert "compels" in message and "dna" in message
    assert "xx.test.order" in message
    assert error.source is not None and error.source.endswith("bad.yaml")
    assert error.field is not None and error.field.startswith("instruments[0]")


def test_invalid_vocabulary_value(tmp_path: Path) -> None:
    error = load_error(tmp_path, VALID.replace("kind: order", "kind: decree"))
    assert error.field == "instruments[0].kind"
    assert "decree" in str(error)


def test_unknown_key_is_rejected(tmp_path: Path) -> None:
    error = load_error(tmp_path, VALID.replace("version: 1", "version: 1\n    colour: red"))
    assert error.field == "instruments[0].colour"


def test_missing_required_field(tmp_path: Path) -> None:
    error = load_error(tmp_path, VALID.replace("    citation: Test Act s. 1\n", ""))
    assert error.field == "instruments[0].citation"


def test_duplicate_id_across_files(tmp_path: Path) -> None:
    first = write(tmp_path, "one.yaml", VALID)
    second = write(
        tmp_path, "two.yaml", VALID.replace("offences:", "ignored:").split("ignored:")[0]
    )
    with pytest.raises(LawLibraryError) as info:
        load_library([first, second])
    message = str(info.value)
    assert "duplicate instrument id 'xx.test.order'" in message
    assert "two.yaml" in message and "one.yaml" in message
    assert info.value.field == "instruments[0].id"


def test_duplicate_id_within_a_file(tmp_path: Path) -> None:
    instrument = VALID.split("offences:")[0].split("instruments:\n")[1]
    error = load_error(tmp_path, "instruments:\n" + instrument + instrument)
    assert "duplicate instrument id" in str(error)
    assert error.field == "instruments[1].id"


def test_duplicate_offence_id(tmp_path: Path) -> None:
    offence = VALID.split("offences:\n")[1]
    error = load_error(tmp_path, VALID + offence)
    assert "duplicate offence id 'xx.test.offence'" in str(error)


def test_duplicate_yaml_key_is_rejected(tmp_path: Path) -> None:
    error = load_error(tmp_path, VALID.replace("kind: order", "kind: order\n    kind: warrant"))
    assert "duplicate key 'kind'" in str(error)


def test_yaml_syntax_error(tmp_path: Path) -> None:
    error = load_error(tmp_path, "instruments: [unclosed\n")
    assert "invalid YAML" in str(error) and "bad.yaml" in str(error)


@pytest.mark.parametrize("text", ["", "- just\n- a list\n", "plain text\n"])
def test_top_level_must_be_a_mapping(tmp_path: Path, text: str) -> None:
    assert "top level" in str(load_error(tmp_path, text))


def test_unreadable_path(tmp_path: Path) -> None:
    with pytest.raises(LawLibraryError, match="cannot read"):
        load_library([tmp_path / "missing.yaml"])


def test_no_files(tmp_path: Path) -> None:
    with pytest.raises(LawLibraryError, match="no law library files"):
        load_library([tmp_path])


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("[subscriber, traffic]", "[]", "list the allowed values"),
        ("disclose: [subscriber, traffic]", "preserve: [subscriber]", "compels.preserve"),
        ("disclose: [subscriber, traffic]", "preserve: []", "preservation_days"),
        (
            "in_force_from: 2020-01-01",
            "in_force_from: 2020-01-01\n    in_force_to: 2019-01-01",
            "in_force_to is before",
        ),
        (
            "issuers: [judge]",
            "issuers: [judge]\n    category_issuers: {content: [judge]}",
            "does not compel content",
        ),
        (
            "issuers: [judge]",
            "issuers: [judge]\n    category_issuers: {dna: [judge]}",
            "not a data category",
        ),
        (
            "issuers: [judge]",
            "issuers: [judge]\n    ask_required_elements: {preserve: [approval]}",
            "does not compel preserve",
        ),
        ("issuers: [judge]", "issuers: []", "issuers"),
        ("issuers: [judge]", "issuers: [sheriff]", "sheriff"),
        ("[https://example.org/test-act]", "[ftp://example.org/x]", "not an http(s) URL"),
        ("[https://example.org/test-act]", "[]", "sources"),
        (
            "jurisdiction: XX\n    name: Test order",
            "jurisdiction: xx\n    name: Test order",
            "jurisdiction",
        ),
        ("id: xx.test.order", "id: NoDots", "id"),
        ("version: 1", "version: 0", "version"),
    ],
)
def test_inconsistent_instruments_are_rejected(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    assert old in VALID
    assert expected in str(load_error(tmp_path, VALID.replace(old, new, 1)))


def test_version_depends_on_content_not_on_order_or_path(tmp_path: Path) -> None:
    a = write(tmp_path, "a.yaml", VALID)
    b = write(tmp_path, "b.yaml", VALID.replace("xx.test", "yy.test"))
    assert load_library([a, b]).version == load_library([b, a]).version
    moved = tmp_path / "sub"
    moved.mkdir()
    write(moved, "renamed.yaml", VALID)
    assert load_library([a]).version == load_library([moved / "renamed.yaml"]).version
    write(tmp_path, "a.yaml", VALID.replace("Test order", "Test order (amended)"))
    assert load_library([a, b]).version != load_library([b]).version
    assert load_library([a]).version != load_library([moved / "renamed.yaml"]).version


def test_bundled_data_loads_with_no_arguments() -> None:
    library = load_library()
    assert "us.ecpa.warrant" in library.instruments


# Line numbers: every problem points at the line to fix.


@pytest.mark.parametrize(
    ("old", "new", "line", "field"),
    [
        ("kind: order", "kind: decree", 6, "instruments[0].kind"),
        ("version: 1", "version: 1\n    colour: red", 14, "instruments[0].colour"),
        ("in_force_from: 2020-01-01", "in_force_from: soon", 8, "instruments[0].in_force_from"),
        ("issuers: [judge]", "issuers: [judge, sheriff]", 11, "instruments[0].issuers[1]"),
        ("[subscriber, traffic]", "[subscriber, dna]", 10, "instruments[0].compels.disclose"),
        ("    citation: Test Act s. 1\n", "", 2, "instruments[0].citation"),
        (
            "in_force_from: 2020-01-01",
            "in_force_from: 2020-01-01\n    in_force_to: 2019-01-01",
            9,
            "instruments[0].in_force_to",
        ),
        ("    citation: Test Act s. 2\n", "    citation: Test Act s. 2\n    flags: [heresy]\n",
         19, "offences[0].flags[0]"),
    ],
)
def test_errors_name_the_line(
    tmp_path: Path, old: str, new: str, line: int, field: str
) -> None:
    assert old in VALID
    error = load_error(tmp_path, VALID.replace(old, new, 1))
    assert error.line == line, str(error)
    assert error.field == field
    assert str(error).startswith(f"{error.source}:{line}: {field}")


def test_yaml_syntax_error_names_its_line(tmp_path: Path) -> None:
    error = load_error(tmp_path, VALID.replace("kind: order", "kind: [order"))
    assert error.line is not None and error.line >= 6
    assert f"bad.yaml:{error.line}: invalid YAML" in str(error)


def test_duplicate_key_names_its_line(tmp_path: Path) -> None:
    error = load_error(tmp_path, VALID.replace("kind: order", "kind: order\n    kind: warrant"))
    assert error.line == 7


def test_several_problems_in_one_file_are_all_listed(tmp_path: Path) -> None:
    text = VALID.replace("kind: order", "kind: decree").replace("version: 1", "version: 0")
    lines = str(load_error(tmp_path, text)).splitlines()
    assert [entry.split(":")[1] for entry in lines] == ["6", "13"]


# References between entries must resolve.


def test_dangling_offence_reference_fails_with_its_line(tmp_path: Path) -> None:
    text = VALID.replace("issuers: [judge]", "issuers: [judge]\n    offences: [xx.test.nothing]")
    error = load_error(tmp_path, text)
    assert error.line == 12
    assert "unknown offence 'xx.test.nothing'" in str(error)
    assert error.field == "instruments[0].offences[0]"


def test_offence_reference_across_files(tmp_path: Path) -> None:
    law = VALID.split("offences:")[0].replace(
        "issuers: [judge]", "issuers: [judge]\n    offences: [yy.test.offence]")
    offences = "offences:\n" + VALID.split("offences:\n")[1].replace("xx.", "yy.").replace(
        "jurisdiction: XX", "jurisdiction: XY")
    first = write(tmp_path, "a.yaml", law)
    second = write(tmp_path, "b.yaml", offences)
    with pytest.raises(LawLibraryError, match="belongs to XY, not XX"):
        load_library([first, second])
    same = write(tmp_path, "b.yaml", offences.replace("jurisdiction: XY", "jurisdiction: XX"))
    library = load_library([first, same])
    assert library.instruments["xx.test.order"].offences == ("yy.test.offence",)


def test_eu_instrument_may_serve_member_state_offences(tmp_path: Path) -> None:
    text = VALID.replace("jurisdiction: XX\n    name: Test order",
                         "jurisdiction: EU\n    name: Test order").replace(
        "issuers: [judge]", "issuers: [judge]\n    offences: [xx.test.offence]").replace(
        "jurisdiction: XX\n    name: Test offence", "jurisdiction: FR\n    name: Test offence")
    library = load_library([write(tmp_path, "eu.yaml", text)])
    assert library.instruments["xx.test.order"].offences == ("xx.test.offence",)


def test_with_bundled_adds_new_files_to_the_shipped_library(tmp_path: Path) -> None:
    library = load_library([write(tmp_path, "xx.yaml", VALID)], with_bundled=True)
    assert {"xx.test.order", "us.ecpa.warrant"} <= set(library.instruments)
    assert library.version != load_library().version
