"""Staff who chose German or Traditional Chinese read the intake pages in that language."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from dueprocess.accounts.actions import set_language

pytestmark = pytest.mark.django_db

EXPECTED = {
    "de": ("Betrugshinweise", "Als betrügerisch markieren",
           "Geben Sie eine Adresse oder eine Domain an."),
    "zh-hant": ("欺詐訊號", "標記為欺詐", "請提供地址或網域。"),
}


@pytest.mark.parametrize("language", sorted(EXPECTED))
def test_the_intake_pages_follow_the_staff_members_language(admin_user: Any,
                                                            language: str) -> None:
    set_language(admin_user, language)
    client = Client()
    client.force_login(admin_user)
    heading, button, refusal = EXPECTED[language]
    page = client.get("/intake/fraud/").content.decode()
    assert heading in page and button in page and "Mark fraudulent" not in page
    refused = client.post("/intake/fraud/", {"value": "", "kind": "auto"})
    assert refused.status_code == 400
    assert refusal in refused.content.decode()
