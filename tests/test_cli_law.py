"""`dueprocess law check` and `dueprocess vet` as an operator uses them."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from dueprocess.cli import main
from dueprocess.demands import actions
from dueprocess.demands.inputs import DemandIn
from dueprocess.demands.models import Demand
from dueprocess.law import default_library
from tests.conftest import us_warrant

NEW_LAW = """\
instruments:
  - id: gb.ipa.notice
    jurisdiction: GB
    name: Test notice
    citation: Test Act s. 1
    kind: order
    legal_process: Court Order
    in_force_from: 2017-01-01
    compels: {disclose: [subscriber]}
    issuers: [judge]
    sources: [https://example.org/test-act]
    version: 1
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_law_check_of_the_bundled_library(capsys: Any) -> None:
    assert main(["law", "check"]) == 0
    out = capsys.readouterr().out
    library = default_library()
    assert out.startswith(f"law library {library.version}: {len(library.instruments)} "
                          "instruments")
    assert out.rstrip().endswith("OK")


def test_law_check_of_a_new_file_and_a_policy_file(tmp_path: Path, capsys: Any) -> None:
    law = write(tmp_path, "gb.yaml", NEW_LAW)
    policies = write(tmp_path, "policies.yaml", """\
        policies:
          - name: Limit UK notices
            effect: scope_limit
            instruments: [gb.ipa.notice]
            params: {max_targets: 10}
            valid_from: 2024-01-01
        """)
    assert main(["law", "check", str(law), str(policies)]) == 0
    out = capsys.readouterr().out
    assert f"{len(default_library().instruments) + 1} instruments" in out
    assert "1 policies" in out


def test_law_check_names_file_line_and_reason_and_fails(tmp_path: Path, capsys: Any) -> None:
    law = write(tmp_path, "gb.yaml", NEW_LAW.replace("[judge]", "[judge, bailiff]"))
    assert main(["law", "check", str(law)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"{law}:10: instruments[0].issuers[1] (id gb.ipa.notice): ")
    assert "bailiff" in captured.err


def test_law_check_finds_dangling_references_in_policy_files(tmp_path: Path,
                                                             capsys: Any) -> None:
    policies = write(tmp_path, "policies.yaml", """\
        policies:
          - name: Limit UK notices
            effect: scope_limit
            instruments: [gb.ipa.notice]
            params: {max_targets: 10}
            valid_from: 2024-01-01
        """)
    assert main(["law", "check", str(policies)]) == 1
    err = capsys.readouterr().err
    assert err.strip() == (f"{policies}:4: policies[0].instruments[0]: unknown instrument "
                           "'gb.ipa.notice': not in the law library")


def receive(authority: Any, **changes: Any) -> Demand:
    data = DemandIn.model_validate(us_warrant(**changes))
    return actions.receive_demand(data, authority=authority, requester=None, user=None,
                                  received_at=data.received_at)


@pytest.mark.django_db
def test_vet_all_re_vets_open_demands_with_progress(fbi: Any, capsys: Any) -> None:
    for n in range(3):
        receive(fbi, reference=f"R-{n}")
    actions.withdraw_demand(receive(fbi, reference="R-closed"), user=None)
    assert main(["vet", "--all", "--every", "2"]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == "vetted 3 open demand(s); 0 changed recommendation"
    assert captured.err.splitlines() == ["vetted 2/3", "vetted 3/3"]


@pytest.mark.django_db
def test_vet_by_default_re_vets_only_stale_demands(fbi: Any, capsys: Any) -> None:
    fresh = receive(fbi, reference="R-fresh")
    stale = receive(fbi, reference="R-stale")
    Demand.objects.filter(pk=stale.pk).update(rules_version="older-rules")
    assert main(["vet"]) == 0
    assert capsys.readouterr().out.strip() == "vetted 1 open demand(s); 0 changed recommendation"
    stale.refresh_from_db()
    assert stale.rules_version == fresh.rules_version
    assert main(["vet", "--stale"]) == 0
    assert capsys.readouterr().out.startswith("vetted 0 open demand(s)")
