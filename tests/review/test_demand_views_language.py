"""The case page in the reviewer's chosen language: headings, timeline and messages."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dueprocess.accounts.actions import set_language
from dueprocess.demands.models import Demand, Policy, PolicyEffect
from tests.review.conftest import logged_in

pytestmark = pytest.mark.django_db

#: language → headings, a timeline sentence about the demand's receipt, the claim message
SHOWN = {
    "de": (["Das Ersuchen wie eingegangen", "Zeitverlauf", "Entscheidungen", "Fristen",
            "Schriftverkehr mit der Behörde"],
           "Das System hat das Ersuchen 2:20-mj-00417 von fbi entgegengenommen",
           "Dieses Ersuchen ist jetzt Ihnen zugewiesen."),
    "zh-hant": (["收到時的要求", "時間線", "決定", "限期", "與當局的往來信函"],
                "系統 收到來自 fbi 的要求 2:20-mj-00417",
                "此要求現已指派給您。"),
}
ENGLISH = ["The demand as received", "Correspondence with the authority",
           "received the demand 2:20-mj-00417", "Timeline</h2>"]


def _in(language: str, reviewer: Any) -> Client:
    set_language(reviewer, language)
    return logged_in(reviewer)


@pytest.mark.parametrize("language", sorted(SHOWN))
def test_the_case_page_speaks_the_reviewers_language(language: str, demand: Demand,
                                                     reviewer: Any) -> None:
    headings, sentence, _claimed = SHOWN[language]
    page = _in(language, reviewer).get(reverse("review:demand", args=[demand.pk]))
    assert page.status_code == 200 and page["Content-Language"] == language
    body = page.content.decode()
    for text in [*headings, sentence]:
        assert text in body, text
    for text in ENGLISH:
        assert text not in body, text
    # codes and the people's data stay as they are
    assert "demand.received" in body and "2:20-mj-00417" in body


@pytest.mark.parametrize("language", sorted(SHOWN))
def test_a_step_reports_back_in_the_reviewers_language(language: str, demand: Demand,
                                                       reviewer: Any) -> None:
    page = _in(language, reviewer).post(reverse("review:claim", args=[demand.pk]),
                                        follow=True)
    assert page.status_code == 200
    assert SHOWN[language][2] in page.content.decode()


def test_english_stays_the_default(demand: Demand, reviewer_client: Client) -> None:
    body = reviewer_client.get(reverse("review:demand", args=[demand.pk])).content.decode()
    for text in ENGLISH:
        assert text in body, text


#: language → the four-eyes rule as the console states it when a reviewer approves their own
#: decision (the English: "four-eyes: the approver must not be the author ...")
FOUR_EYES = {
    "de": "Vier-Augen-Prinzip: Die freigebende Person darf keine aktuelle Entscheidung",
    "zh-hant": "四眼原則：批准人不得是此要求現行決定或推翻的作者",  # noqa: RUF001
}


@pytest.mark.parametrize("language", sorted(FOUR_EYES))
def test_a_refused_approval_is_explained_in_the_reviewers_language(
        language: str, demand: Demand, reviewer: Any) -> None:
    Policy.objects.create(name="Four-eyes on every disclosure", effect=PolicyEffect.FOUR_EYES,
                          ask_kinds=["disclose"], valid_from=date(2000, 1, 1))
    client = _in(language, reviewer)
    decided = client.post(reverse("review:decide", args=[demand.pk]), {
        "ask-0-outcome": "comply", "ask-0-reason_codes": ["valid_legal_process"],
        "ask-0-rationale": "Warrant signed by a magistrate judge."})
    assert decided.status_code == 302
    demand.refresh_from_db()
    assert demand.awaiting_approval

    refused = client.post(reverse("review:approve", args=[demand.pk]))
    assert refused.status_code == 403
    body = refused.content.decode()
    assert FOUR_EYES[language] in body
    assert "the approver must not be the author" not in body
    demand.refresh_from_db()
    assert demand.awaiting_approval and demand.approved_by_id is None
