"""`dueprocess report`: tables, date ranges, the DSA sheet, and clear refusals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dueprocess.cli import main
from tests.transparency.factories import demand

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(db: Any) -> None:
    demand("US", "us.ecpa.warrant", "2020-07-01T00:00:00+00:00", produced=True)
    demand("DE", "eu.dsa.art9", "2025-03-11T08:30:00+00:00", asks=("restrict_content",),
           accounts=0, content=2, ack_hours=0.25)


def test_report_tables_and_ranges(data: None, capsys: Any) -> None:
    assert main(["report", "--period", "2020-H2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Period Ending,Country") and "United States" in out
    assert main(["report", "--start", "2020-07-01", "--end", "2020-07-31", "--format", "csv",
                 "--table", "national_security_requests"]) == 0
    assert "2020-07-31,United States,US,National Security Letter,0-499,0-499" in (
        capsys.readouterr().out)


def test_report_dsa_files(data: None, tmp_path: Path, capsys: Any) -> None:
    out = tmp_path / "dsa.csv"
    assert main(["report", "--dsa", "--period", "2025-H1", "--service", "Demo",
                 "--output", str(out)]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[1].startswith("All,Demo,2025-01-01/2025-06-30,TOTAL,,TOTAL,1,2,0,")
    assert main(["report", "--dsa", "--period", "2025-H1", "--format", "json"]) == 2
    assert "csv or xlsx" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [
    ["report", "--period", "2020-H3"],
    ["report", "--start", "2020-02-01"],
    ["report", "--period", "2020-H1", "--start", "2020-01-01", "--end", "2020-02-01"],
    ["report", "--period", "2020", "--format", "xlsx"],
    ["report", "--dsa", "--start", "2025-06-30", "--end", "2025-01-01"],
])
def test_bad_arguments_exit_2(db: Any, argv: list[str], capsys: Any) -> None:
    assert main(argv) == 2
    assert capsys.readouterr().err.startswith("dueprocess: ")
