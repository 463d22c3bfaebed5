"""Remember a fact for as long as the current transaction keeps what established it.

Some writes need doing once per transaction, not once per call: marking a demand's report
tally stale, locking and reading the audit chain's head. The memo lives in the connection's
list of commit callbacks as a no-op callback, because Django keeps that list exactly in step
with what the transaction still holds: a rolled-back savepoint drops the callbacks registered
inside it (together with the rows and locks it took), and a commit or rollback of the whole
transaction clears the list. So a memo is found only while the write that justified it stands.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction


class _Memo:
    __slots__ = ("key", "value")

    def __init__(self, key: Any, value: Any) -> None:
        self.key = key
        self.value = value

    def __call__(self) -> None:  # runs at commit; the memo has nothing to do then
        return None


_MISSING = object()


def recall(key: Any, default: Any = None) -> Any:
    """The latest value remembered under ``key`` in this transaction, else ``default``."""
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        return default
    for _sids, func, _robust in reversed(conn.run_on_commit):
        if isinstance(func, _Memo) and func.key == key:
            return func.value
    return default


def remember(key: Any, value: Any = True) -> None:
    """Remember ``value`` under ``key`` until this transaction (or savepoint) ends."""
    conn = transaction.get_connection()
    if conn.in_atomic_block:
        transaction.on_commit(_Memo(key, value))


def is_remembered(key: Any) -> bool:
    return recall(key, _MISSING) is not _MISSING
