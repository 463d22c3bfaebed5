"""`dueprocess screen` answers from the index stored by the import, without Django's path,
and never from the index of versions no longer in force."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dueprocess.cli import main
from dueprocess.sanctions import service, stored_index
from tests.sanctions.conftest import BASE, LI_KWAI_WAH, TANG

# The command reads the versions in force through the driver, outside the test's
# transaction: the imports have to be committed.
pytestmark = pytest.mark.django_db(transaction=True)


def _no_django_index(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("screen went through the Django index path")


def test_screen_answers_from_the_index_stored_by_the_import(
        ofac: Callable[..., Any], monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    version = ofac().version
    stored = stored_index.load()
    assert stored is not None
    assert [(v.pk, v.list_id, v.entry_count) for v in stored.versions] == [
        (version.pk, "us_ofac_sdn", len(BASE))]

    service._cached = None  # a new process
    monkeypatch.setattr(service, "current_index", _no_django_index)
    monkeypatch.setattr(stored_index.ScreeningIndex, "build", _no_django_index)
    assert main(["screen", "鄧炳強", "--limit", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"鄧炳強: 1 alert(s) at 0.85 against us_ofac_sdn #{version.pk} "
                               f"({len(BASE)}")
    assert f"ALERT us_ofac_sdn {TANG} TANG, Chris [HK-EO13936]" in lines[1]


def test_a_new_version_in_force_is_never_answered_from_the_old_index(
        ofac: Callable[..., Any], tmp_path: Path, capsys: Any) -> None:
    ofac()
    folder = service.cache_dir()
    kept = tmp_path / "kept"
    shutil.copytree(folder, kept)  # what a host that missed the next import still holds

    v2 = ofac([*BASE, LI_KWAI_WAH]).version
    shutil.rmtree(folder)
    shutil.copytree(kept, folder)
    assert stored_index.load() is None  # the stored index is of another version set

    service._cached = None
    capsys.readouterr()
    assert main(["screen", "LI Kwai-wah", "--threshold", "0.85"]) == 0
    out = capsys.readouterr().out
    assert f"us_ofac_sdn #{v2.pk} ({len(BASE) + 1}" in out
    assert f"ALERT us_ofac_sdn {LI_KWAI_WAH} LI, Kwai-wah" in out
    # the rebuilt index of the new versions is stored, and the old one is gone
    stored = stored_index.load()
    assert stored is not None and [v.pk for v in stored.versions] == [v2.pk]
    assert len(list(folder.glob("index-*.pickle"))) == 1


def test_an_index_signed_by_another_installation_is_not_used(
        ofac: Callable[..., Any], monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    ofac()
    path = next(service.cache_dir().glob("index-*.pickle"))
    blob = path.read_bytes()
    path.write_bytes(bytes(32) + blob[32:])
    assert stored_index.load() is None
    service._cached = None
    assert main(["screen", "TANG Ping-keung", "--limit", "1"]) == 0
    assert f"ALERT us_ofac_sdn {TANG}" in capsys.readouterr().out
    assert stored_index.load() is not None  # rebuilt and signed again


def test_versions_are_read_only_from_a_database_that_is_there(tmp_path: Path) -> None:
    sqlite = "django.db.backends.sqlite3"
    assert stored_index.active_versions({"ENGINE": sqlite,
                                         "NAME": str(tmp_path / "none.sqlite3")}) is None
    assert not (tmp_path / "none.sqlite3").exists()  # not created by looking
    empty = tmp_path / "empty.sqlite3"
    empty.write_bytes(b"")
    assert stored_index.active_versions({"ENGINE": sqlite, "NAME": str(empty)}) is None
    assert stored_index.active_versions({"ENGINE": "django.db.backends.oracle"}) is None


def test_a_new_han_reading_table_is_a_new_index(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The pickle holds names already read through the table: a regenerated table must not
    be paired with an index read through the old one."""
    package = Path(stored_index.screening_pkg.__file__).parent
    copy = tmp_path / "screening"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(stored_index.screening_pkg, "__file__", str(copy / "__init__.py"))
    stored_index.code_fingerprint.cache_clear()
    try:
        before = stored_index.code_fingerprint()
        table = copy / "data" / "han_readings.tsv"
        text = table.read_text(encoding="utf-8")
        table.write_text(text.replace("\tbing\tbing", "\tping\tbing", 1), encoding="utf-8")
        stored_index.code_fingerprint.cache_clear()
        assert stored_index.code_fingerprint() != before
    finally:
        stored_index.code_fingerprint.cache_clear()
