"""Shared fixtures: the real list samples beside the repository, and an index over them."""

from __future__ import annotations

from pathlib import Path

import pytest

from dueprocess.screening import ListEntry, ScreeningIndex, load_ofac_csv, load_un_xml

OFAC = Path(__file__).resolve().parents[2] / "src" / "dueprocess" / "sanctions" / "data" / "ofac"
UN = (Path(__file__).resolve().parents[1] / "data" / "reference" / "sanctions"
      / "un_consolidated.xml")
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def ofac_dir() -> Path:
    return OFAC


@pytest.fixture(scope="session")
def un_path() -> Path:
    return UN


@pytest.fixture(scope="session")
def ofac_entries(ofac_dir: Path) -> dict[str, ListEntry]:
    return {e.entry_id: e for e in load_ofac_csv(ofac_dir).entries}


@pytest.fixture(scope="session")
def un_entries(un_path: Path) -> dict[str, ListEntry]:
    return {e.entry_id: e for e in load_un_xml(un_path).entries}


@pytest.fixture(scope="session")
def index(ofac_entries: dict[str, ListEntry], un_entries: dict[str, ListEntry]) -> ScreeningIndex:
    return ScreeningIndex.build([*ofac_entries.values(), *un_entries.values()])
