"""Letters and notices speak the reader's language, never our internal codes."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.utils import translation

from dueprocess.demands.models import (
    ActionKind,
    ActionStatus,
    AskKind,
    Authority,
    DataCategory,
    Demand,
    Measure,
    Notice,
    Outcome,
)
from dueprocess.demo import platform
from dueprocess.demo.models import UserMessage
from dueprocess.execution import wording
from tests.execution.support import run_worker

Approve = Callable[..., Demand]

#: Our codes as they would leak: snake_case words and bracketed country lists.
_CODES = re.compile(r"\b(?:restrict_content|restrict_account|comply_partially|route_mlat|"
                    r"withhold_account|succeeded|subscriber|disclose)\b"
                    r"|\[[A-Z]{2}(?:, [A-Z]{2})*\]")

_TABLES = [(wording.ask_kind, AskKind), (wording.measure, Measure), (wording.done, ActionKind),
           (wording.status, ActionStatus), (wording.outcome, Outcome),
           (lambda c: wording.data_categories([c]), DataCategory)]


@pytest.mark.parametrize("language", ["de", "zh-hant"])
def test_every_code_we_use_has_words_in_each_language(language: str) -> None:
    for say, choices in _TABLES:
        for code in choices.values:
            english = say(code)
            with translation.override(language):
                assert say(code) not in (english, code), \
                    f"{choices.__name__}.{code} has no words in {language}"


def test_scope_is_a_phrase_and_worldwide_is_a_word() -> None:
    assert wording.scope(["DE", "AT"]) == "in DE, AT"
    assert wording.scope(["WW"]) == "worldwide"
    assert wording.scope([]) == ""
    with translation.override("de"):
        assert wording.scope(["WW"]) == "weltweit"


@pytest.mark.django_db(transaction=True)
def test_a_german_order_gets_a_german_effect_report_and_notice_without_codes(
        approved: Approve, de_bka: Authority) -> None:
    body = {"reference": "ZMI-2025-03-0044", "instrument": "eu.dsa.art9",
            "issued_by": {"name": "KOK Dr. Anna Berg", "role": "police"},
            "legal_basis": "Art. 9 Regulation (EU) 2022/2065; § 130 StGB",
            "statement_of_reasons": "Volksverhetzung",
            "asks": [{"kind": "restrict_content", "measure": "remove",
                      "territorial_scope": ["DE"]}],
            "targets": [{"type": "content", "url": platform.DE_HATE_POST}],
            "language": "de", "received_at": "2025-03-11T08:30:00+01:00"}
    demand = approved(body, authority=de_bka)
    run_worker()

    letter = Notice.objects.get(demand=demand, kind="effect_report")
    assert "Inhalt nur in DE gesperrt" in letter.body
    assert not _CODES.search(letter.body), letter.body
    assert "content" not in letter.body and "removed" not in letter.body

    [message] = UserMessage.objects.filter(account__handle=platform.DE_HATE_ACCOUNT)
    assert "Beschränkung von Inhalten: Entfernung, in DE" in message.body
    assert not _CODES.search(message.body), message.body
