"""Row locks, taken one way everywhere so that no two transactions can wait on each other.

The lock order of every transaction (docs/architecture.md, "Locks"):

1. the demand row, once, first (a state change concerns one demand);
2. that demand's own rows (actions, notices, waits, productions), in primary-key order;
3. rows of other tables that the change owns (a token, a fraud signal, a list version),
   never a reference row such as the authority: those are read, not locked;
4. the audit chain head, last, written at the commit (:mod:`dueprocess.audit.chain`).

``FOR NO KEY UPDATE OF <table>``: only the selected table's rows, and a lock that lets other
transactions insert rows referring to them (a foreign-key check takes ``KEY SHARE``, which
a plain ``FOR UPDATE`` would block until this transaction ends). SQLite locks the whole
database per write transaction and ignores this.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import OperationalError
from django.db.models import Manager, Model, QuerySet

M = TypeVar("M", bound=Model)
T = TypeVar("T")


def for_update(rows: QuerySet[M] | Manager[M], *, skip_locked: bool = False) -> QuerySet[M]:
    """The rows' own table, locked for update of their non-key columns."""
    return rows.select_for_update(no_key=True, of=("self",), skip_locked=skip_locked)


log = logging.getLogger("dueprocess.locking")

#: SQLSTATEs of a transaction PostgreSQL aborted to break a lock cycle or a conflict.
_RETRYABLE = frozenset({"40P01", "40001"})

_retries = 0
_retries_lock = threading.Lock()


def is_lock_conflict(exc: BaseException) -> bool:
    """A deadlock or serialization failure (PostgreSQL) or a busy database (SQLite)."""
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    if getattr(cause, "sqlstate", None) in _RETRYABLE:
        return True
    return "database is locked" in str(exc)


def conflict_retries() -> int:
    """How many times this process retried a transaction after a lock conflict."""
    return _retries


def retrying(func: Callable[[], T], *, attempts: int = 3, what: str = "") -> T:
    """Run a whole transaction again if the database aborted it for a lock conflict.

    A safety net, not the design: the lock order above keeps conflicts away. Each retry is
    counted (:func:`conflict_retries`, exported as a metric) and logged.
    """
    global _retries
    for attempt in range(1, attempts + 1):
        try:
            return func()
        except OperationalError as exc:
            if attempt == attempts or not is_lock_conflict(exc):
                raise
            with _retries_lock:
                _retries += 1
            log.warning("retrying %s after a lock conflict (attempt %s): %s",
                        what or getattr(func, "__name__", "a transaction"), attempt, exc)
            time.sleep(0.05 * attempt)
    raise AssertionError("unreachable")
