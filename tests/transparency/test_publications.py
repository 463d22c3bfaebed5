"""Lumen-style publication: automatic redaction, review, audit events, public search."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from dueprocess.audit.models import AuditEvent
from dueprocess.demands.models import Demand
from dueprocess.errors import Conflict, Forbidden, InvalidInput
from dueprocess.transparency.models import Publication
from dueprocess.transparency.publications import (
    edit_publication,
    prepare_publication,
    publish,
    redact,
    withdraw,
)
from tests.transparency.factories import demand

pytestmark = pytest.mark.django_db


@pytest.fixture
def publisher(make_user: Callable[..., Any]) -> Any:
    return make_user("comms@platform.example", staff=True,
                     perms=("transparency.review_publication",))


@pytest.fixture
def reviewer(make_user: Callable[..., Any]) -> Any:
    """A second person with the permission: who prepares a draft does not publish it."""
    return make_user("press@platform.example", staff=True,
                     perms=("transparency.review_publication",))


@pytest.fixture
def order(db: Any) -> Demand:
    d = demand("BR", "generic.court_order", "2024-10-01T15:00:00+00:00",
               asks=("restrict_content",), accounts=1, content=1, territories=["BR"])
    d.statement_of_reasons = (
        "Posts by @acc0 (Maria Oliveira, maria.oliveira@example.com, +55 11 91234-5678) "
        "spread disinformation; contact Mr. João Pereira at 011 2171 6000.")
    d.legal_basis = "Marco Civil da Internet, art. 19; decision of 2024-09-30"
    d.issued_by = {"name": "Juíza Maria Souza", "title": "Judge", "role": "judge"}
    d.save()
    return d


def test_redaction_of_emails_phones_and_names() -> None:
    out = redact("Write to a.b+c@mail.example.org or call +1 (202) 324-3000 or 0049 611 550 "
                 "about Ms Jane Roe; case 2024-09-30, 18 U.S.C. 2703, ref 12/2024.",
                 names=["Jane Roe"])
    assert "mail.example" not in out.text
    assert "324-3000" not in out.text and "611 550" not in out.text
    assert "Jane Roe" not in out.text
    assert "2024-09-30" in out.text and "18 U.S.C. 2703" in out.text and "12/2024" in out.text
    assert out.count == 4


def test_prepare_review_publish(order: Demand, publisher: Any, reviewer: Any,
                                client: Client) -> None:
    pub = prepare_publication(order, user=publisher, private_names=["Maria Oliveira"])
    text = pub.redacted_text
    for private in ("maria.oliveira@", "91234-5678", "Maria Oliveira", "acc0",
                    "João Pereira", "2171 6000"):
        assert private not in text, private
    # Officials acting in public capacity and the legal basis stay.
    assert "Juíza Maria Souza" in text and "Marco Civil" in text and "2024-09-30" in text
    assert pub.targets == ["account [redacted]", "https://x/[redacted]"]
    # A draft is not public.
    assert client.get("/transparency/published/").content.decode().count("<li><h2>") == 0
    assert client.get(f"/transparency/published/{pub.pk}/").status_code == 404
    pub = edit_publication(pub, pub.redacted_text + "\nReviewer note: call 030 1234 5678.",
                           user=publisher)
    assert "1234 5678" not in pub.redacted_text
    publish(pub, user=reviewer)
    page = client.get(f"/transparency/published/{pub.pk}/").content.decode()
    assert "Marco Civil" in page and "maria.oliveira" not in page
    verbs = list(AuditEvent.objects.filter(demand_id=order.pk).values_list("verb", flat=True))
    assert verbs == ["publication.prepared", "publication.edited", "publication.published"]
    # The original demand is untouched and private.
    order.refresh_from_db()
    assert "maria.oliveira@example.com" in order.statement_of_reasons


def test_public_search(order: Demand, publisher: Any, reviewer: Any, client: Client) -> None:
    publish(prepare_publication(order, user=publisher), user=reviewer)
    other = demand("DE", "eu.dsa.art9", "2025-03-11T08:30:00+00:00",
                   asks=("restrict_content",), accounts=0, content=1)
    publish(prepare_publication(other, user=publisher), user=reviewer)

    def titles(q: str) -> int:
        return client.get("/transparency/published/", {"q": q}).content.decode().count(
            "<li><h2>")

    assert titles("") == 2
    assert titles("Marco Civil") == 1
    assert titles("br") == 1
    assert titles("maria.oliveira") == 0
    assert titles("nothing like this") == 0


def test_rules_of_the_flow(order: Demand, publisher: Any, reviewer: Any,
                           make_user: Any) -> None:
    info = demand("US", "us.ecpa.warrant", "2020-07-01T00:00:00+00:00")
    with pytest.raises(InvalidInput):
        prepare_publication(info, user=publisher)
    pub = prepare_publication(order, user=publisher)
    with pytest.raises(Conflict):
        prepare_publication(order, user=publisher)
    staff = make_user("staff@platform.example", staff=True)
    with pytest.raises(Forbidden):
        publish(pub, user=staff)
    auditor = make_user("auditor@platform.example", staff=True,
                        perms=("transparency.review_publication",))
    auditor.groups.add(Group.objects.get_or_create(name="auditor")[0])
    with pytest.raises(Forbidden, match="auditors"):
        publish(pub, user=auditor)
    with pytest.raises(Forbidden, match="prepared"):
        publish(pub, user=publisher)  # four eyes: not the one who prepared it
    publish(pub, user=reviewer)
    with pytest.raises(Conflict):
        publish(pub, user=reviewer)
    withdraw(pub, user=publisher, reason="court asked")
    assert Publication.objects.get().status == "withdrawn"


def test_api_flow(order: Demand, publisher: Any, reviewer: Any, api_as: Any) -> None:
    client = api_as(publisher)
    r = client.post("/publications", {"demand": order.pk, "private_names": ["Maria Oliveira"]})
    assert r.status_code == 201, r.content
    pub = r.json()
    assert pub["status"] == "draft" and "Maria Oliveira" not in pub["redacted_text"]
    assert client.post(f"/publications/{pub['id']}/publish").status_code == 403
    second = api_as(reviewer)
    assert second.post(f"/publications/{pub['id']}/publish").json()["status"] == "published"
    assert second.post(f"/publications/{pub['id']}/publish").status_code == 409
    assert client.post("/publications", {"demand": 10**9}).status_code == 404


def test_published_demands_export_as_lumen_notices(order: Demand, publisher: Any,
                                                   reviewer: Any, tmp_path: Any,
                                                   capsys: Any) -> None:
    import json

    import jsonschema

    from dueprocess.cli import main
    from dueprocess.transparency.lumen import notices, schema

    draft = prepare_publication(order, user=publisher, private_names=["Maria Oliveira"])
    other = demand("DE", "eu.dsa.art9", "2025-03-11T08:30:00+00:00",
                   asks=("restrict_content",), accounts=0, content=1)
    prepare_publication(other, user=publisher)  # a draft: never exported
    assert list(notices()) == []
    publish(draft, user=reviewer)
    [item] = list(notices())
    jsonschema.validate(item, schema())
    n = item["notice"]
    assert n["type"] == "CourtOrder" and n["jurisdiction_list"] == "BR"
    assert n["date_received"] == "2024-10-01"
    assert n["works_attributes"][0]["infringing_urls_attributes"] == [
        {"url": "https://x/[redacted]"}]
    roles = {r["name"]: r["entity_attributes"] for r in n["entity_notice_roles_attributes"]}
    assert roles["sender"]["country_code"] == "BR"
    text = json.dumps(item, ensure_ascii=False)
    for private in ("maria.oliveira", "91234-5678", "Maria Oliveira", "acc0", "João Pereira"):
        assert private not in text, private
    assert "Marco Civil" in n["body"]
    out = tmp_path / "lumen.jsonl"
    assert main(["lumen", "export", "--output", str(out)]) == 0
    assert [json.loads(li) for li in out.read_text().splitlines()] == [item]
    assert main(["lumen", "export", "--since", "2999-01-01"]) == 0
    assert capsys.readouterr().out == ""
    withdraw(draft, user=publisher)
    assert list(notices()) == []


@pytest.mark.django_db
def test_an_officer_learns_nothing_about_which_demands_or_publications_exist(
        api_as: Any, officer_of: Any, fbi: Any) -> None:
    api = api_as(officer_of(fbi))
    for demand_id in (1, 999_999):
        answer = api.post("/publications", {"demand": demand_id})
        assert answer.status_code == 403, answer.content
    for pub_id in (1, 999_999):
        assert api.put(f"/publications/{pub_id}", {"text": "x"}).status_code == 403
        assert api.post(f"/publications/{pub_id}/publish").status_code == 403
