"""`dueprocess fraud import`: the whole file is checked first, and `--dry-run` changes
nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dueprocess.audit.models import AuditEvent
from dueprocess.cli import main
from dueprocess.intake.actions import clear_signal, mark_fraudulent
from dueprocess.intake.models import FraudSignal

pytestmark = pytest.mark.django_db

GOOD = ("kind,value,reason,first_seen,source\n"
        "domain,fbi-gov.us,forged emergency requests,2024-03-01,partner\n"
        "sender,m.hill@fbi-gov.us,'=forged EDR,,partner\n"
        "domain,xn--fb-ioc.gov,cyrillic i,,\n")


def _csv(tmp_path: Path, text: str, name: str = "partner.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _signals() -> set[tuple[str, str, bool]]:
    return {(s.kind, s.value, s.active) for s in FraudSignal.objects.all()}


def test_a_checked_file_is_imported(tmp_path: Path, capsys: Any) -> None:
    assert main(["fraud", "import", str(_csv(tmp_path, GOOD))]) == 0
    assert "3 added, 0 reactivated, 0 unchanged" in capsys.readouterr().out
    assert _signals() == {("domain", "fbi-gov.us", True), ("domain", "fb\u0456.gov", True),
                          ("sender", "m.hill@fbi-gov.us", True)}
    assert FraudSignal.objects.get(kind="sender").reason == "=forged EDR"  # restored


@pytest.mark.parametrize(("header", "reason"), [
    ("kind,vaule,reason", "line 1: unknown column 'vaule' in the header"),
    ("kind,reason", "line 1: the header has no 'value' column"),
    ("kind,value,value", "line 1: the column 'value' is named twice"),
    ("fbi-gov.us,forged", "line 1: the first line is not a header"),
])
def test_a_bad_header_imports_nothing(tmp_path: Path, capsys: Any, header: str,
                                      reason: str) -> None:
    path = _csv(tmp_path, header + "\ndomain,evil.example,x\n")
    assert main(["fraud", "import", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}: {reason}" in err and "nothing was imported" in err
    assert _signals() == set()


def test_one_bad_value_imports_nothing_and_every_bad_line_is_named(
        tmp_path: Path, capsys: Any) -> None:
    text = GOOD + ("domain,not a domain!,x\n"
                   "\n"
                   "sender,nobody,x\n"
                   "domain,evil.example,x,2024-13-01\n"
                   "domain,evil2.example,x,2999-01-01\n"
                   "robot,evil3.example,x\n"
                   "domain,,x\n"
                   "domain,evil4.example,x,,src,extra\n")
    path = _csv(tmp_path, text)
    assert main(["fraud", "import", str(path)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[:8] == [
        f"{path}:5: 'not a domain!' is not a valid domain name",
        f"{path}:7: 'nobody' is not an e-mail address",
        f"{path}:8: first_seen '2024-13-01' is not a date (YYYY-MM-DD)",
        f"{path}:9: first_seen 2999-01-01 is in the future",
        f"{path}:10: the kind 'robot' is neither sender nor domain",
        f"{path}:11: the value is empty",
        f"{path}:12: 6 cells where the header names 5",
        f"dueprocess: {path}: 7 line(s) refused; nothing was imported",
    ]
    assert _signals() == set()


def test_a_file_that_is_not_utf8_text_imports_nothing(tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("kind,value,reason\ndomain,evil.example,Fälschung\n".encode("latin-1"))
    assert main(["fraud", "import", str(path)]) == 2
    assert f"{path}: the CSV is not UTF-8; nothing was imported" in capsys.readouterr().err
    assert _signals() == set()


def test_dry_run_says_what_would_change_and_changes_nothing(
        tmp_path: Path, capsys: Any) -> None:
    mark_fraudulent("domain", "fbi-gov.us", user=None)
    clear_signal(mark_fraudulent("sender", "m.hill@fbi-gov.us", user=None), user=None)
    before, events = _signals(), AuditEvent.objects.count()

    assert main(["fraud", "import", str(_csv(tmp_path, GOOD)), "--dry-run"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split()[:3] for line in out[:3]] == [
        ["unchanged", "domain", "fbi-gov.us"], ["reactivate", "sender", "m.hill@fbi-gov.us"],
        ["add", "domain", "fb\u0456.gov"]]
    assert out[3].startswith("dry run: would add 1, reactivate 1, leave 1 unchanged;")
    assert out[3].endswith("nothing was changed")
    assert _signals() == before and AuditEvent.objects.count() == events

    bad = _csv(tmp_path, GOOD + "sender,nobody,x\n", "bad.csv")
    assert main(["fraud", "import", str(bad), "--dry-run"]) == 2
    assert f"{bad}:5: 'nobody' is not an e-mail address" in capsys.readouterr().err
