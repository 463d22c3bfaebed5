"""Shared fixtures: the real list samples beside the repository, and an index over them."""

from __future__ import annotations

from pathlib import Path

import pytest

from dueprocess.screening import ListEntry, ScreeningIndex, load_ofac_csv, load_un_xml

SANCTIONS = Path(__file__).resolve().parents[3] / "shared" / "reference" / "sanctions"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"reference sample {path} is absent (expected ../shared beside the repo)")
    return path


@pytest.fixture(scope="session")
def ofac_dir() -> Path:
    return _need(SANCTIONS / "ofac")


@pytest.fixture(scope="session")
def un_path() -> Path:
    return _need(SANCTIONS / "un_consolidated.xml")


@pytest.fixture(scope="session")
def ofac_entries(ofac_dir: Path) -> dict[str, ListEntry]:
    return {e.entry_id: e for e in load_ofac_csv(ofac_dir).entries}


@pytest.fixture(scope="session")
def un_entries(un_path: Path) -> dict[str, ListEntry]:
    return {e.entry_id: e for e in load_un_xml(un_path).entries}


@pytest.fixture(scope="session")
def index(ofac_entries: dict[str, ListEntry], un_entries: dict[str, ListEntry]) -> ScreeningIndex:
    return ScreeningIndex.build([*ofac_entries.values(), *un_entries.values()])
