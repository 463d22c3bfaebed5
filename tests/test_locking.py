"""The lock order is kept by construction: one way to lock rows, and the retry net."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db import OperationalError

from dueprocess import locking

SRC = Path(locking.__file__).resolve().parent


def test_rows_are_locked_only_through_the_locking_helper() -> None:
    """`select_for_update()` without `of=` locks joined reference rows too (the authority
    of a demand), and a plain FOR UPDATE blocks other transactions' foreign-key checks."""
    offenders = [f"{path.relative_to(SRC)}:{n}"
                 for path in SRC.rglob("*.py") if path.name != "locking.py"
                 for n, line in enumerate(path.read_text().splitlines(), 1)
                 if re.search(r"\.select_for_update\(", line)]
    assert offenders == []


class _Deadlock(Exception):
    sqlstate = "40P01"


def _deadlock() -> OperationalError:
    exc = OperationalError("deadlock detected")
    exc.__cause__ = _Deadlock()
    return exc


def test_a_transaction_aborted_for_a_deadlock_is_run_again_and_counted() -> None:
    calls: list[int] = []
    before = locking.conflict_retries()

    def once_deadlocked() -> str:
        calls.append(1)
        if len(calls) == 1:
            raise _deadlock()
        return "done"

    assert locking.retrying(once_deadlocked, what="test") == "done"
    assert len(calls) == 2
    assert locking.conflict_retries() == before + 1


def test_other_database_errors_are_not_retried() -> None:
    calls: list[int] = []

    def broken() -> None:
        calls.append(1)
        raise OperationalError("no such table: nowhere")

    with pytest.raises(OperationalError):
        locking.retrying(broken)
    assert calls == [1]


def test_a_conflict_that_persists_is_raised_after_the_last_attempt() -> None:
    def always() -> None:
        raise _deadlock()

    with pytest.raises(OperationalError):
        locking.retrying(always, attempts=2)
