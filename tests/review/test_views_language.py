"""The queue in the reviewer's own language: navigation, column headings, countdowns and
badges follow the language kept with the account; English stays English."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from dueprocess.accounts.actions import set_language
from dueprocess.demands.models import Demand
from dueprocess.review.templatetags.review_extras import label

QUEUE = "/review/"
pytestmark = pytest.mark.django_db


def _queue_in(language: str, reviewer: Any, make_demand: Callable[..., Demand]) -> str:
    """The queue as ``reviewer`` reads it with one emergency three hours overdue."""
    demand = make_demand()
    Demand.objects.filter(pk=demand.pk).update(
        emergency=True, deadline=timezone.now() - timedelta(hours=3))
    set_language(reviewer, language)
    client = Client()
    client.force_login(reviewer)
    response = client.get(QUEUE)
    assert response.status_code == 200
    assert response["Content-Language"] == language
    return response.content.decode()


def _nav(body: str) -> str:
    return body[body.index('<nav class="nav">'):body.index("</nav>")]


def _headings(body: str) -> list[str]:
    head = body[body.index("<thead>"):body.index("</thead>")]
    return [re.sub(r"<[^>]+>|[▲▼]", "", cell).strip()
            for cell in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', head)]


def _countdown(body: str) -> str:
    match = re.search(r'data-countdown class="countdown">([^<]+)</time>', body)
    assert match is not None
    return match.group(1)


def _badges(body: str) -> list[str]:
    return re.findall(r'<span class="badge [^"]*"[^>]*>([^<]+)</span>', body)


def test_a_german_reviewer_reads_the_queue_in_german(
        reviewer: Any, make_demand: Callable[..., Demand]) -> None:
    body = _queue_in("de", reviewer, make_demand)
    nav = _nav(body)
    assert ">Eingang</a>" in nav and ">Fristen</a>" in nav and ">Abmelden</button>" in nav
    assert ">Queue</a>" not in nav
    assert _headings(body) == [
        "Risiko", "Aktenzeichen", "Behörde", "Rechtsr.", "Rechtsinstrument", "Status",
        "Empfehlung", "Zielkennungen", "Eingegangen", "Fällig", "Zuständig"]
    assert re.fullmatch(r"seit (2 Std\. 59 Min\.|3 Std\. 0 Min\.) überfällig", _countdown(body))
    assert "Notfall" in _badges(body)
    assert "<h1>Eingang der Ersuchen</h1>" in body
    # the script that redraws countdowns each minute gets the same German words
    script = re.search(r'<script id="countdown-words" type="application/json">(.*?)</script>',
                       body)
    assert script is not None
    words = json.loads(script.group(1))
    assert words["overdue"] == "seit %(span)s überfällig"


def test_a_hong_kong_reviewer_reads_the_queue_in_traditional_chinese(
        reviewer: Any, make_demand: Callable[..., Demand]) -> None:
    body = _queue_in("zh-hant", reviewer, make_demand)
    nav = _nav(body)
    assert ">待處理清單</a>" in nav and ">限期</a>" in nav and ">登出</button>" in nav
    assert _headings(body) == [
        "風險", "參考編號", "當局", "管轄區", "法律文書", "狀態", "建議", "目標", "收到日期",
        "限期", "負責人"]
    assert re.fullmatch(r"已逾期 (2 小時 59 分鐘|3 小時 0 分鐘)", _countdown(body))
    assert "緊急" in _badges(body)
    assert ">已收到 <span class=\"count\">" in body  # the status tab


def test_an_english_reviewer_keeps_the_english_queue(
        reviewer: Any, make_demand: Callable[..., Demand]) -> None:
    body = _queue_in("en", reviewer, make_demand)
    nav = _nav(body)
    assert ">Queue</a>" in nav and ">Deadlines</a>" in nav
    assert _headings(body) == [
        "Risk", "Reference", "Authority", "Jur.", "Instrument", "Status", "Recommendation",
        "Targets", "Received", "Due", "Assignee"]
    assert re.fullmatch(r"overdue by (2 h 59 min|3 h 0 min)", _countdown(body))
    assert "emergency" in _badges(body)
    assert "Eingang" not in body and "待處理" not in body


def test_the_deadline_calendar_says_what_falls_due_in_german(
        reviewer: Any, make_demand: Callable[..., Demand]) -> None:
    demand = make_demand()
    Demand.objects.filter(pk=demand.pk).update(deadline=timezone.now() + timedelta(days=2))
    set_language(reviewer, "de")
    client = Client()
    client.force_login(reviewer)
    body = client.get(reverse("review:calendar")).content.decode()
    assert "<h1>Fristen</h1>" in body
    assert ">Antwort fällig</span>" in body and "im Ersuchen angegeben" in body
    status = Demand.objects.get(pk=demand.pk).status
    with translation.override("de"):
        word = label(status)  # the demand's status, in German
    assert f">{word}</span>" in body and word != status.replace("_", " ")
    assert "Response due" not in body


def test_search_and_tokens_speak_traditional_chinese(reviewer: Any, demand: Demand) -> None:
    set_language(reviewer, "zh-hant")
    client = Client()
    client.force_login(reviewer)
    found = client.get(reverse("review:search"), {"q": demand.reference}).content.decode()
    assert "<h1>搜尋</h1>" in found and "<th>參考編號</th>" in found
    missing = client.get(reverse("review:search"), {"q": "no-such-reference"}).content.decode()
    assert "沒有符合「no-such-reference」的結果。" in missing
    tokens = client.get(reverse("review:tokens")).content.decode()
    assert "<h1>API 權杖</h1>" in tokens and "您的權杖。" in tokens
