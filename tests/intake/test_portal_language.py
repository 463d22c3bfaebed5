"""An officer who chose German or Traditional Chinese reads the portal in that language:
the pages, the demand form's labels and the errors the form puts beside its fields."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from dueprocess.accounts.actions import set_language
from dueprocess.demands.models import Demand
from tests.intake.conftest import sign_in_officer

pytestmark = pytest.mark.django_db

NEW = "/portal/demands/new/?instrument=us.ecpa.warrant"
#: A warrant that asks to disclose data but names no data category and a period that ends
#: before it starts: two mistakes the form itself reports, beside their fields.
MISTAKES = {
    "reference": "2:20-mj-00999", "issued_by_name": "Hon. Jane Doe",
    "issued_by_role": "judge", "legal_basis": "18 U.S.C. 2703",
    "statement_of_reasons": "Probable cause", "ask_kind": "disclose",
    "date_from": "2020-03-01", "date_to": "2020-01-01", "target_type": "auto",
    "targets": "@suspect\n", "language": "en",
}

EXPECTED = {
    "de": {
        "home": ["Unsere Ersuchen", "Neues Ersuchen einreichen", "Noch keine Ersuchen.",
                 "Abmelden"],
        "form": ["Ihr Aktenzeichen", "Worum ersuchen Sie?", "Datenkategorien",
                 "Von us.ecpa.warrant verlangt: wer es erlassen hat, mit Funktion.",
                 "Eine pro Zeile, bis zu 1.000;", "Ersuchen einreichen"],
        "still_needed": "Fehlt noch",
        "errors": ["Wählen Sie mindestens eine Datenkategorie.",
                   "Das Enddatum liegt vor dem Anfangsdatum.",
                   "Das Ersuchen wurde nicht gesendet"],
    },
    "zh-hant": {
        "home": ["我們的要求", "提交新要求", "尚未有要求。", "登出"],
        "form": ["你的參考編號", "你要求甚麼？", "資料類別",  # noqa: RUF001 (full-width)
                 "us.ecpa.warrant 規定須提供：簽發者及其職能。",  # noqa: RUF001
                 "每行一項，最多 1000 項", "提交要求"],  # noqa: RUF001
        "still_needed": "尚欠",
        "errors": ["請至少選擇一個資料類別。", "結束日期早於開始日期。", "要求未有傳送"],
    },
}


def _signed_in(officer: Any, language: str) -> Client:
    """The officer's choice is kept with the account and taken into the session at sign-in."""
    set_language(officer, language)
    return sign_in_officer(officer)


@pytest.mark.parametrize("language", sorted(EXPECTED))
def test_the_portal_speaks_the_officers_language(officer: Any, language: str) -> None:
    client = _signed_in(officer, language)
    expected = EXPECTED[language]

    home = client.get("/portal/")
    assert home.status_code == 200 and home["Content-Language"] == language
    for text in expected["home"]:
        assert text in home.content.decode(), text
    assert "Submit a new demand" not in home.content.decode()

    form = client.get(NEW).content.decode()
    for text in expected["form"]:
        assert text in form, re.findall(r"helptext\">([^<]*)", form)
    assert "Your reference" not in form and "Required by" not in form
    # The checklist's script ticks items off with the page's own words.
    assert 'data-todo="{}"'.format(expected["still_needed"]) in form

    refused = client.post(NEW, MISTAKES)
    assert refused.status_code == 400
    page = refused.content.decode()
    for text in expected["errors"]:
        assert text in page, text
    assert "Choose at least one data category." not in page
    assert not Demand.objects.exists()


def test_an_officer_without_a_choice_still_reads_english(officer: Any) -> None:
    client = _signed_in(officer, "")
    page = client.post(NEW, MISTAKES).content.decode()
    assert "Your reference" in page and "Choose at least one data category." in page


@pytest.mark.parametrize(("language", "words"), [
    ("de", ["Vertrauen:", ">mittel<", "noch keine Ersuchen", "zweiter Faktor eingerichtet"]),
    ("zh-hant", [">中<", "尚未提出任何要求", "已設定第二重驗證"]),
])
def test_the_officers_standing_reads_in_their_language(officer: Any, language: str,
                                                        words: list[str]) -> None:
    page = _signed_in(officer, language).get("/portal/account/").content.decode()
    for word in words:
        assert word in page, word
    assert "verified requester" not in page and ">medium<" not in page
