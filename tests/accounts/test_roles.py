"""The publisher and the auditor: each can do its job and nothing beside it."""

from __future__ import annotations

import pytest

from dueprocess.accounts.roles import APPROVE_PERM, AUDIT_PERM, DECIDE_PERM, PUBLISH_PERM
from dueprocess.transparency.access import can_publish
from dueprocess.transparency.models import Publication
from tests.review.roles import staff_member, verified_client
from tests.transparency.factories import demand

pytestmark = pytest.mark.django_db


def test_the_publisher_publishes_but_decides_nothing() -> None:
    user = staff_member("publisher")
    assert can_publish(user) and user.has_perm(PUBLISH_PERM)
    assert not user.has_perm(DECIDE_PERM) and not user.has_perm(APPROVE_PERM)
    assert not user.has_perm(AUDIT_PERM) and not user.has_perm("demands.change_demand")


def test_a_publisher_publishes_what_another_prepared_never_their_own() -> None:
    order = demand("BR", "generic.court_order", "2024-10-01T15:00:00+00:00",
                   asks=("restrict_content",), accounts=0, content=1, territories=["BR"])
    first = verified_client(staff_member("publisher", "one@platform.example"))
    second = verified_client(staff_member("publisher", "two@platform.example"))
    first.post("/review/publications/prepare/", {"demand": str(order.pk)})
    pub = Publication.objects.get(demand=order)
    first.post(f"/review/publications/{pub.pk}/publish/")
    assert Publication.objects.get(pk=pub.pk).status == "draft"
    second.post(f"/review/publications/{pub.pk}/publish/")
    assert Publication.objects.get(pk=pub.pk).status == "published"
    # a decision is refused to the publisher
    refused = second.post(f"/review/demands/{order.pk}/decide/", {})
    assert refused.status_code == 403


def test_the_auditor_reads_the_audit_chain_and_cannot_publish() -> None:
    user = staff_member("auditor")
    assert user.has_perm(AUDIT_PERM) and not can_publish(user)
    assert not user.has_perm(DECIDE_PERM)
