"""Tests mirror the package: ``tests/<package>/test_<module>[_<aspect>].py``.

Someone looking for the tests of ``review/selectors.py`` finds them in
``tests/review/test_selectors*.py``. Journeys that cross every package (a demand's whole
path) live in ``tests/journeys/``.
"""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).parent
SOURCE = TESTS.parent / "src" / "dueprocess"


def _modules(folder: Path) -> set[str]:
    return ({p.stem for p in folder.glob("*.py") if p.stem != "__init__"}
            | {p.name for p in folder.iterdir() if (p / "__init__.py").exists()})


def test_every_test_file_names_the_module_it_tests() -> None:
    astray = []
    for path in sorted(TESTS.rglob("test_*.py")):
        rel = path.relative_to(TESTS)
        if rel.parts[0] == "journeys" or path == Path(__file__):
            continue
        folder = SOURCE if len(rel.parts) == 1 else SOURCE / rel.parts[0]
        stem = path.stem.removeprefix("test_")
        modules = _modules(folder) if folder.is_dir() else set()
        if not any(stem == m or stem.startswith(m + "_") for m in modules):
            astray.append(str(rel))
    assert astray == []
