"""Callbacks that run just before the outermost transaction commits.

A hook lives in the connection's list of commit callbacks, like
:mod:`dueprocess.transaction_memo`, so a savepoint that rolls back drops the hooks registered
inside it. It runs once: at the commit, or, under a test case's never-committed
transaction, when the outermost block of the application's own ends.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import DatabaseError, transaction


class BeforeCommit:
    """A commit callback that does its work before the commit, and nothing after."""

    __slots__ = ("done", "func", "key")

    def __init__(self, key: str, func: Callable[[], None]) -> None:
        self.key = key
        self.func = func
        self.done = False

    def __call__(self) -> None:  # after the commit there is nothing left to do
        return None


def before_commit(key: str, func: Callable[[], None]) -> None:
    """Run ``func`` once just before this transaction commits; ``key`` makes it once per
    transaction however often it is asked for."""
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        raise RuntimeError("before_commit needs a transaction")
    for _sids, func_, _robust in conn.run_on_commit:
        if isinstance(func_, BeforeCommit) and func_.key == key and not func_.done:
            return
    transaction.on_commit(BeforeCommit(key, func))


def run_before_commit(conn: Any) -> None:
    """Run the hooks not yet run, including any a hook registers while running."""
    while True:
        todo = [f for _s, f, _r in conn.run_on_commit
                if isinstance(f, BeforeCommit) and not f.done]
        if not todo:
            return
        for hook in todo:
            hook.done = True
            hook.func()


class BeforeCommitMixin:
    """Mixed into a ``DatabaseWrapper``: runs the hooks at the commit.

    A test case holds the whole test in a transaction that it rolls back, so nothing ever
    commits; there the hooks run when the outermost block inside it ends, which is the
    moment the application would have committed.
    """

    run_on_commit: list[Any]
    atomic_blocks: list[Any]

    def commit(self) -> None:
        if self.run_on_commit:
            try:
                run_before_commit(self)
            except DatabaseError:
                raise  # the atomic block rolls back
            except BaseException:
                self.rollback()  # type: ignore[attr-defined]
                raise
        super().commit()  # type: ignore[misc]

    def savepoint_commit(self, sid: str) -> None:
        blocks = self.atomic_blocks
        if blocks and all(getattr(b, "_from_testcase", False) for b in blocks):
            run_before_commit(self)
        super().savepoint_commit(sid)  # type: ignore[misc]
