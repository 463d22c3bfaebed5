"""The publication review in the console: prepared by one person, published by another."""

from __future__ import annotations

from typing import Any

import pytest

from dueprocess.transparency.models import Publication
from tests.review.roles import staff_member, verified_client
from tests.transparency.factories import demand

pytestmark = pytest.mark.django_db


@pytest.fixture
def order() -> Any:
    d = demand("BR", "generic.court_order", "2024-10-01T15:00:00+00:00",
               asks=("restrict_content",), accounts=0, content=1, territories=["BR"])
    d.statement_of_reasons = "Posts spread disinformation; write to maria@example.com."
    d.save()
    return d


def test_prepare_correct_and_publish_from_the_console(order: Any, client: Any) -> None:
    preparer = verified_client(staff_member("admin", "comms@platform.example"))
    prepared = preparer.post("/review/publications/prepare/", {"demand": str(order.pk)})
    pub = Publication.objects.get(demand=order)
    assert prepared.status_code == 302 and prepared["Location"].endswith(f"/{pub.pk}/")
    page = preparer.get(f"/review/publications/{pub.pk}/").content.decode()
    assert "maria@example.com" not in page and "[redacted]" in page
    assert "another person publishes it" in page and 'id="publish"' not in page
    refused = preparer.post(f"/review/publications/{pub.pk}/publish/", follow=True)
    assert "does not also publish" in refused.content.decode()
    assert Publication.objects.get(pk=pub.pk).status == "draft"

    second = verified_client(staff_member("admin", "press@platform.example"))
    second.post(f"/review/publications/{pub.pk}/edit/",
                {"text": "Court order about disinformation. Call 030 1234 5678."})
    assert "1234 5678" not in Publication.objects.get(pk=pub.pk).redacted_text
    assert 'id="publish"' in second.get(f"/review/publications/{pub.pk}/").content.decode()
    second.post(f"/review/publications/{pub.pk}/publish/")
    assert Publication.objects.get(pk=pub.pk).status == "published"
    assert "Court order about disinformation" in client.get(
        f"/transparency/published/{pub.pk}/").content.decode()
    listed = second.get("/review/publications/?status=published").content.decode()
    assert f"/review/publications/{pub.pk}/" in listed


def test_bad_input_and_missing_permission_change_nothing(order: Any) -> None:
    admin = verified_client(staff_member("admin"))
    for value in ("", "abc", "999999"):
        response = admin.post("/review/publications/prepare/", {"demand": value}, follow=True)
        assert response.status_code == 200 and "There is no demand" in response.content.decode()
    reviewer = verified_client(staff_member("legal_reviewer"))
    assert reviewer.post("/review/publications/prepare/",
                         {"demand": str(order.pk)}).status_code == 403
    assert not Publication.objects.exists()
    assert "Prepare a draft" not in reviewer.get("/review/publications/").content.decode()
