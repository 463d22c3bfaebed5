"""The `dueprocess` command as an operator uses it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from dueprocess.accounts.models import ApiToken, hash_token
from dueprocess.cli import main


@pytest.mark.django_db
def test_token_create_prints_only_the_token_and_stores_its_hash(reviewer: Any,
                                                                capsys: Any) -> None:
    assert main(["token", "create", "--user", "REVIEWER@platform.example"]) == 0
    out = capsys.readouterr().out
    raw = out.strip()
    assert out == raw + "\n" and raw.startswith("dp_") and len(raw) > 40
    row = ApiToken.objects.get(user=reviewer)
    assert row.key_hash == hash_token(raw)
    assert raw not in (row.key_hash, row.prefix)


@pytest.mark.django_db
def test_tokens_expire_by_default_carry_scopes_and_can_be_listed_and_revoked(
        reviewer: Any, capsys: Any) -> None:
    assert main(["token", "create", "--user", reviewer.email, "--scope", "read",
                 "--name", "nightly export"]) == 0
    raw = capsys.readouterr().out.strip()
    row = ApiToken.objects.get(key_hash=hash_token(raw))
    assert row.scopes == ["read"] and row.expires_at is not None
    assert 89 <= (row.expires_at - row.created_at).days <= 90
    assert main(["token", "create", "--user", reviewer.email, "--expires-days", "0"]) == 2
    assert "1 to 366 days" in capsys.readouterr().err
    assert main(["token", "list"]) == 0
    listed = capsys.readouterr().out
    assert row.prefix in listed and "nightly export" in listed and raw not in listed
    assert main(["token", "revoke", row.prefix]) == 0
    row.refresh_from_db()
    assert row.revoked_at is not None
    assert main(["token", "revoke", "dp_nosuch"]) == 2


@pytest.mark.django_db
def test_token_create_for_an_unknown_user_fails_cleanly(capsys: Any) -> None:
    assert main(["token", "create", "--user", "nobody@example.org"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "nobody@example.org" in captured.err


@pytest.mark.django_db
def test_report_rejects_a_bad_period(capsys: Any) -> None:
    assert main(["report", "--period", "2020-H3"]) == 2
    assert "2020-H3" in capsys.readouterr().err


def _run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DJANGO_SETTINGS_MODULE", "DUEPROCESS_MODE", "DATABASE_URL")}
    env["DUEPROCESS_HOME"] = str(home)
    return subprocess.run([sys.executable, "-m", "dueprocess", *args], env=env,
                          capture_output=True, text=True, timeout=300, check=False)


def test_production_mode_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = _run(tmp_path, "migrate")
    assert result.returncode != 0
    assert "DUEPROCESS_SECRET_KEY" in result.stderr


def test_demo_loads_twice_safely_and_serves_an_existing_home(tmp_path: Path) -> None:
    first = _run(tmp_path, "demo", "--no-serve")
    assert first.returncode == 0, first.stderr
    assert "reviewer@" in first.stdout and "http://127.0.0.1:8000/" in first.stdout
    assert (tmp_path / "dueprocess.sqlite3").exists()
    second = _run(tmp_path, "demo", "--no-serve")
    assert second.returncode == 0, second.stderr
    assert first.stdout.split("log in with:")[1] == second.stdout.split("log in with:")[1]
    assert "demands:   12" in second.stdout
    assert "completed" in second.stdout
    verified = _run(tmp_path, "audit", "verify")
    assert verified.returncode == 0, verified.stderr
    report = _run(tmp_path, "report", "--period", "2020-H2", "--format", "json")
    assert report.returncode == 0, report.stderr
    assert '"US"' in report.stdout
    checked = _run(tmp_path, "manage", "check")
    assert checked.returncode == 0, checked.stderr


def test_version(capsys: Any) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.startswith("dueprocess 0.")


@pytest.mark.django_db
def test_report_into_a_missing_folder_is_an_error_not_a_traceback(tmp_path: Path,
                                                                  capsys: Any) -> None:
    target = tmp_path / "no" / "such" / "folder" / "report.csv"
    assert main(["report", "--period", "2020-H2", "--output", str(target)]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not target.parent.exists()


@pytest.mark.django_db
def test_showing_a_list_that_was_never_loaded_fails(capsys: Any) -> None:
    assert main(["lists", "show", "--list", "nosuch"]) == 2
    assert "nosuch" in capsys.readouterr().err


def test_a_reader_that_goes_away_is_no_error(tmp_path: Path) -> None:
    """`dueprocess … | head`: the pipe closes before the command has written."""
    env = {**os.environ, "DUEPROCESS_HOME": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "dueprocess", "law", "check"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    with proc.stderr:
        err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0, err
    assert "Traceback" not in err and "BrokenPipe" not in err
