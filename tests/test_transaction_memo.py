"""Per-transaction memos last exactly as long as the writes that justified them."""

from __future__ import annotations

import pytest
from django.db import transaction

from dueprocess.transaction_memo import is_remembered, recall, remember

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_memo_lives_until_the_transaction_ends() -> None:
    assert recall("k") is None  # outside a transaction nothing is remembered
    with transaction.atomic():
        remember("k", 1)
        assert recall("k") == 1
        remember("k", 2)
        assert recall("k") == 2
    assert recall("k") is None
    with transaction.atomic():
        assert not is_remembered("k")  # a new transaction starts empty


def test_a_rolled_back_savepoint_takes_its_memos_with_it() -> None:
    with transaction.atomic():
        remember("outer")
        try:
            with transaction.atomic():
                remember("inner")
                assert is_remembered("inner")
                raise RuntimeError("roll back the savepoint")
        except RuntimeError:
            pass
        assert is_remembered("outer") and not is_remembered("inner")
        with transaction.atomic():
            remember("kept")
        assert is_remembered("kept")  # a released savepoint keeps them
