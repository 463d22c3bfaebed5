"""Decisions per target, assignment, search, related demands and audited views."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

from dueprocess.audit.models import AuditEvent
from dueprocess.demands.models import Action, Decision, Demand, Document
from dueprocess.review.search import search
from tests.review.roles import staff_member, verified_client

TWO = [{"type": "account", "id": "alice_1"}, {"type": "account", "id": "bob_2"}]


@pytest.mark.django_db
def test_a_target_row_overrides_the_ask_for_that_target(make_demand: Callable[..., Demand],
                                                        django_capture_on_commit_callbacks: Any
                                                        ) -> None:
    demand = make_demand(targets=TWO)
    bob = demand.targets.get(identifier="bob_2")
    alice = demand.targets.get(identifier="alice_1")
    client = verified_client(staff_member("legal_reviewer"))
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("review:decide", args=[demand.pk]), {
            "ask-0-outcome": "comply", "ask-0-reason_codes": ["valid_legal_process"],
            f"row-{bob.pk}-0": "reject", f"row-{alice.pk}-0": "",
            "row_reasons": ["no_data"], "row_rationale": "Not the suspect."})
    assert response.status_code == 302
    override = Decision.objects.get(demand=demand, target__identifier="bob_2")
    assert override.outcome == "reject" and override.reason_codes == ["no_data"]
    assert override.rationale == "Not the suspect."
    # a row left as its ask decides records nothing for that target alone
    assert not Decision.objects.filter(demand=demand, target=alice).exists()
    exported = set(Action.objects.filter(demand=demand).values_list("target__identifier",
                                                                     flat=True))
    assert exported == {"alice_1"}


@pytest.mark.django_db
def test_a_target_row_for_an_unknown_target_is_refused(make_demand: Callable[..., Demand]
                                                       ) -> None:
    demand = make_demand(targets=TWO)
    other = make_demand(reference="OTHER-9", targets=[{"type": "account", "id": "mallory"}])
    mallory = other.targets.get()
    client = verified_client(staff_member("legal_reviewer"))
    response = client.post(reverse("review:decide", args=[demand.pk]), {
        "ask-0-outcome": "comply", "ask-0-reason_codes": ["valid_legal_process"],
        f"row-{mallory.pk}-0": "reject", "row_reasons": ["no_data"]})
    assert response.status_code == 422
    assert "does not have under that ask" in response.content.decode()
    assert not Decision.objects.filter(demand=demand).exists()


@pytest.mark.django_db
def test_a_changed_row_without_reasons_is_refused_beside_the_table(
        make_demand: Callable[..., Demand]) -> None:
    demand = make_demand(targets=TWO)
    bob = demand.targets.get(identifier="bob_2")
    client = verified_client(staff_member("legal_reviewer"))
    response = client.post(reverse("review:decide", args=[demand.pk]), {
        "ask-0-outcome": "comply", "ask-0-reason_codes": ["valid_legal_process"],
        f"row-{bob.pk}-0": "reject"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "give at least one reason for the targets decided differently" in body
    assert '<option value="reject" selected>' in body  # the row keeps what was chosen
    assert not Decision.objects.filter(demand=demand).exists()


@pytest.mark.django_db
def test_assigning_to_another_reviewer_is_audited(demand: Demand) -> None:
    boss = staff_member("legal_reviewer", "boss@platform.example")
    colleague = staff_member("legal_reviewer", "colleague@platform.example")
    client = verified_client(boss)
    page = client.get(reverse("review:demand", args=[demand.pk])).content.decode()
    assert "colleague@platform.example" in page  # offered in the assign list
    response = client.post(reverse("review:assign", args=[demand.pk]),
                           {"assignee": colleague.pk})
    assert response.status_code == 302
    demand.refresh_from_db()
    assert demand.assignee == colleague
    event = AuditEvent.objects.get(demand_id=demand.pk, verb="demand.assigned")
    assert event.payload == {"from": None, "to": colleague.pk}
    auditor = staff_member("auditor")
    assert verified_client(auditor).post(reverse("review:assign", args=[demand.pk]),
                                         {"assignee": ""}).status_code == 403
    mine = verified_client(colleague).get(reverse("review:queue"), {"mine": "1"})
    assert demand.reference in mine.content.decode()


@pytest.mark.django_db
def test_search_finds_demands_targets_officials_and_authorities(
        make_demand: Callable[..., Demand]) -> None:
    first = make_demand(reference="FBI-2020-0001", targets=TWO,
                        officials=[{"name": "TANG Ping-keung", "title": "Commissioner"}])
    make_demand(reference="OTHER-1", targets=[{"type": "content",
                                               "url": "https://example.com/p/1"}])
    assert [d.pk for d in search(f"#{first.pk}").demands] == [first.pk]
    assert [d.reference for d in search("fbi-2020").demands] == ["FBI-2020-0001"]
    assert {t["identifier"] for t in search("alice_1").targets} == {"alice_1"}
    assert {t["identifier"] for t in search("ali").targets} == {"alice_1"}
    assert [o["name"] for o in search("tang").officials] == ["TANG Ping-keung"]
    assert [a.slug for a in search("Federal").authorities] == ["fbi"]
    assert search("https://example.com/p").targets[0]["demand__reference"] == "OTHER-1"
    assert search("nothing-like-this").empty
    assert search("   ").query == ""


@pytest.mark.django_db
def test_search_page_is_an_audited_view(make_demand: Callable[..., Demand]) -> None:
    make_demand(reference="FBI-2020-0001", targets=TWO)
    client = verified_client(staff_member("auditor"))
    body = client.get(reverse("review:search"), {"q": "alice"}).content.decode()
    assert "alice_1" in body and "FBI-2020-0001" in body
    event = AuditEvent.objects.get(verb="console.searched")
    assert event.payload["q"] == "alice" and event.payload["targets"] == 1


@pytest.mark.django_db
def test_the_page_names_earlier_demands_on_the_same_target(
        make_demand: Callable[..., Demand]) -> None:
    earlier = make_demand(reference="EARLIER-1", targets=[{"type": "account", "id": "alice_1"}])
    later = make_demand(reference="LATER-2", targets=TWO)
    body = verified_client(staff_member("auditor")).get(
        reverse("review:demand", args=[later.pk])).content.decode()
    assert "EARLIER-1" in body
    assert reverse("review:demand", args=[earlier.pk]) in body


@pytest.mark.django_db
def test_targets_document_and_productions_views_are_audited(demand: Demand) -> None:
    folder = Path(settings.DUEPROCESS.documents_dir) / str(demand.pk)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "order.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    doc = Document.objects.create(demand=demand, filename="order.pdf", sha256="0" * 64,
                                  size=15, path=f"{demand.pk}/order.pdf")
    client = verified_client(staff_member("auditor"))
    targets = client.get(reverse("review:targets", args=[demand.pk]))
    assert "cs_suspect_42" in targets.content.decode()
    pdf = client.get(reverse("review:document", args=[demand.pk, doc.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert "sandbox" in pdf["Content-Security-Policy"]
    assert client.get(reverse("review:productions", args=[demand.pk])).status_code == 200
    seen = set(AuditEvent.objects.filter(demand_id=demand.pk, verb="demand.viewed")
               .values_list("payload__what", flat=True))
    assert {"targets", f"document:{doc.pk}", "productions"} <= seen


@pytest.mark.django_db
def test_a_document_outside_the_store_is_not_served(demand: Demand) -> None:
    doc = Document.objects.create(demand=demand, filename="x.pdf", sha256="0" * 64, size=1,
                                  path="../../etc/passwd")
    client = verified_client(staff_member("auditor"))
    assert client.get(reverse("review:document", args=[demand.pk, doc.pk])).status_code == 404
