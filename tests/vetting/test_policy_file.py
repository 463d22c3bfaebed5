"""Policy files: strict, and every problem names the file, the line and the reason."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from dueprocess.vetting import AskFacts, vet
from dueprocess.vetting.policy_file import PolicyFileError, check_files, load_policy_file
from tests.vetting.factories import LIB, hk

GOOD = """\
policies:
  - name: Pause HK data requests
    effect: pause
    jurisdiction: HK
    ask_kinds: [disclose]
    valid_from: 2020-07-06
  - name: Review speech laws
    effect: human_rights_review
    params: {flags: [political_expression]}
    valid_from: 2020-07-06
  - name: Warrants without content
    effect: scope_limit
    jurisdiction: US
    instruments: [us.ecpa.warrant]
    condition: "targets > 100"
    params:
      categories: {us.ecpa.warrant: [subscriber, traffic]}
    valid_from: 2021-01-01
    valid_to: 2022-01-01
"""


def write(tmp_path: Path, text: str, name: str = "policies.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problem(tmp_path: Path, text: str) -> PolicyFileError:
    with pytest.raises(PolicyFileError) as info:
        load_policy_file(write(tmp_path, text), LIB)
    return info.value


def test_good_file_loads_and_its_policies_vet(tmp_path: Path) -> None:
    specs = load_policy_file(write(tmp_path, GOOD), LIB)
    assert [s.name for s in specs] == ["Pause HK data requests", "Review speech laws",
                                       "Warrants without content"]
    facts = [spec.facts(i) for i, spec in enumerate(specs, start=1)]
    result = vet(hk(asks=(AskFacts("disclose", ("subscriber",)),)), LIB, facts)
    assert result.recommendation == "hold"
    assert "policy.human_rights_review" in result.codes


@pytest.mark.parametrize(
    ("old", "new", "line", "reason"),
    [
        ("    effect: pause\n", "    effect: pause\n    colour: red\n", 4,
         "colour: Extra inputs are not permitted"),
        ("effect: pause", "effect: suspend_everything", 3, "effect"),
        ("valid_from: 2020-07-06\n  - name: Review", "valid_from: someday\n  - name: Review", 6,
         "valid_from"),
        ("ask_kinds: [disclose]", "ask_kinds: [arrest]", 5, "ask_kinds[0]"),
        ("jurisdiction: HK", "jurisdiction: Hong Kong", 4, "jurisdiction"),
        ("instruments: [us.ecpa.warrant]", "instruments: [us.ecpa.wiretap]", 14,
         "unknown instrument 'us.ecpa.wiretap'"),
        ('condition: "targets > 100"', 'condition: "targets >"', 15, "invalid CEL"),
        ('condition: "targets > 100"', 'condition: "target > 100"', 15,
         "unknown variable 'target'"),
        ("params: {flags: [political_expression]}", "params: {flags: [heresy]}", 9,
         "unknown risk flag 'heresy'"),
        ("{us.ecpa.warrant: [subscriber, traffic]}", "{us.ecpa.wiretap: [subscriber]}", 17,
         "unknown instrument 'us.ecpa.wiretap'"),
        ("valid_to: 2022-01-01", "valid_to: 2020-01-01", 19, "must be after valid_from"),
        ("name: Review speech laws", "name: Pause HK data requests", 7,
         "duplicate policy name"),
        ("    valid_from: 2021-01-01\n", "", 11, "valid_from: Field required"),
    ],
)
def test_each_problem_names_file_line_and_reason(tmp_path: Path, old: str, new: str,
                                                 line: int, reason: str) -> None:
    assert old in GOOD
    error = problem(tmp_path, GOOD.replace(old, new, 1))
    message = str(error)
    assert f"policies.yaml:{line}: " in message, message
    assert reason in message, message
    assert error.line == line


def test_several_problems_are_all_listed(tmp_path: Path) -> None:
    text = GOOD.replace("effect: pause", "effect: stop").replace("jurisdiction: US",
                                                                   "jurisdiction: USA")
    lines = str(problem(tmp_path, text)).splitlines()
    assert len(lines) == 2
    assert all(entry.startswith(str(tmp_path / "policies.yaml") + ":") for entry in lines)


def test_not_a_policy_file(tmp_path: Path) -> None:
    assert "'policies'" in str(problem(tmp_path, "rules: []\n"))
    assert "invalid YAML" in str(problem(tmp_path, "policies: [\n"))
    with pytest.raises(PolicyFileError, match="cannot read"):
        load_policy_file(tmp_path / "missing.yaml", LIB)


LAW = """\
instruments:
  - id: xx.test.order
    jurisdiction: XX
    name: Test order
    citation: Test Act s. 1
    kind: order
    legal_process: Court Order
    in_force_from: 2020-01-01
    compels: {disclose: [subscriber]}
    issuers: [judge]
    sources: [https://example.org/test-act]
    version: 1
"""


def test_check_files_validates_new_law_with_the_bundled_library(tmp_path: Path) -> None:
    law = write(tmp_path, LAW, "xx.yaml")
    policies = write(tmp_path, GOOD.replace("[us.ecpa.warrant]", "[xx.test.order]"))
    report = check_files([law, policies])
    assert report.ok, report.problems
    assert report.library is not None
    assert {"xx.test.order", "hk.nsl43.sch4"} <= set(report.library.instruments)
    assert report.policies == 3


def test_check_files_reports_policy_references_to_missing_law(tmp_path: Path) -> None:
    policies = write(tmp_path, GOOD.replace("[us.ecpa.warrant]", "[xx.test.order]"))
    report = check_files([policies])
    assert not report.ok
    assert report.problems == (
        f"{policies}:14: policies[2].instruments[0]: unknown instrument 'xx.test.order': "
        "not in the law library",
    )


def test_check_files_stops_at_a_broken_library(tmp_path: Path) -> None:
    law = write(tmp_path, LAW.replace("kind: order", "kind: decree"), "xx.yaml")
    report = check_files([law, write(tmp_path, GOOD)])
    assert report.library is None
    assert report.problems[0].startswith(f"{law}:6: instruments[0].kind (id xx.test.order)")


def test_a_file_named_like_a_bundled_one_replaces_it(tmp_path: Path) -> None:
    # An edited copy of hk.yaml must not clash with the bundled hk.yaml.
    bundled = Path(__file__).resolve().parents[2] / "src/dueprocess/law/data/hk.yaml"
    edited = write(tmp_path, bundled.read_text(encoding="utf-8").replace(
        "in_force_from: 2020-07-07", "in_force_from: 2020-07-08", 1), "hk.yaml")
    report = check_files([edited])
    assert report.ok, report.problems
    assert report.library is not None
    sch4 = report.library.get("hk.nsl43.sch4")
    assert sch4 is not None and str(sch4.in_force_from) == "2020-07-08"
