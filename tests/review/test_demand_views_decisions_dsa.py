"""The console's decision form carries the DSA category and keywords into the statement
of reasons the platform sends to the Transparency Database."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dueprocess.demands.dsa_vocabulary import CATEGORIES, KEYWORDS
from dueprocess.demands.models import Authority, Decision
from dueprocess.demo import platform
from dueprocess.execution.models import StatementOfReasons
from tests.execution.support import receive, reviewed, run_worker

pytestmark = pytest.mark.django_db(transaction=True)

ORDER = {"reference": "ZMI-2025-03-0042", "instrument": "eu.dsa.art9",
         "issued_by": {"name": "KOK Dr. Anna Berg", "role": "police"},
         "legal_basis": "Art. 9 Regulation (EU) 2022/2065; § 130 StGB",
         "statement_of_reasons": "Incitement to hatred (Volksverhetzung)",
         "redress": "Objection to the Amtsgericht Wiesbaden within one month",
         "asks": [{"kind": "restrict_content", "measure": "withhold",
                   "territorial_scope": ["DE"]}],
         "targets": [{"type": "content", "url": platform.DE_HATE_POST}],
         "received_at": "2025-03-11T08:30:00+01:00"}


@pytest.fixture
def de_bka(db: Any, settings: Any, tmp_path: Path) -> Authority:
    settings.DUEPROCESS = dataclasses.replace(settings.DUEPROCESS, home=tmp_path / "home")
    platform.seed_platform()
    return Authority.objects.create(slug="de-bka", name="Bundeskriminalamt",
                                    jurisdiction="DE", kind="police", domains=["bka.bund.de"])


def test_the_form_offers_exactly_the_databases_enumerations(
        de_bka: Authority, reviewer_client: Client) -> None:
    demand = receive(de_bka, dict(ORDER))
    page = reviewer_client.get(reverse("review:demand", args=[demand.pk])).content.decode()
    offered = set(re.findall(r'<option value="((?:STATEMENT_CATEGORY|KEYWORD)_'
                                           r'[A-Z_]+)"', page))
    assert offered == set(CATEGORIES) | set(KEYWORDS)


def test_a_console_decision_reports_its_category_and_keywords(
        de_bka: Authority, reviewer: Any, reviewer_client: Client) -> None:
    demand = receive(de_bka, dict(ORDER))
    reviewed(demand, reviewer)
    response = reviewer_client.post(reverse("review:decide", args=[demand.pk]), {
        "ask-0-outcome": "comply", "ask-0-reason_codes": ["valid_legal_process"],
        "ask-0-rationale": "A valid Article 9 order.",
        "ask-0-dsa_category": "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
        "ask-0-dsa_keywords": ["KEYWORD_HATE_SPEECH", "KEYWORD_INCITEMENT_VIOLENCE_HATRED"]})
    assert response.status_code == 302, response.content.decode()[:2000]
    decision = Decision.objects.get(demand=demand)
    assert decision.dsa_category == "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH"
    run_worker()
    statement = StatementOfReasons.objects.get(demand=demand).statement
    assert statement["category"] == "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH"
    assert statement["category_specification"] == [
        "KEYWORD_HATE_SPEECH", "KEYWORD_INCITEMENT_VIOLENCE_HATRED"]


def test_a_value_outside_the_enumeration_is_refused_and_nothing_recorded(
        de_bka: Authority, reviewer: Any, reviewer_client: Client) -> None:
    demand = receive(de_bka, dict(ORDER))
    response = reviewer_client.post(reverse("review:decide", args=[demand.pk]), {
        "ask-0-outcome": "comply", "ask-0-reason_codes": ["valid_legal_process"],
        "ask-0-dsa_category": "STATEMENT_CATEGORY_MADE_UP"})
    assert response.status_code == 400
    assert not Decision.objects.filter(demand=demand).exists()
