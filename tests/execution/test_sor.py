"""DSA statements of reasons: one per restriction, valid against the Transparency
Database's rules, exported in batches of at most 100."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from dueprocess.demands import actions
from dueprocess.demands.inputs import DecisionsIn
from dueprocess.demands.models import Action, Authority, Demand
from dueprocess.demo import platform
from dueprocess.execution import sor
from dueprocess.execution.models import StatementOfReasons
from tests.execution.support import called_back, court_order_body, receive, reviewed, run_worker

pytestmark = pytest.mark.django_db(transaction=True)

Approve = Callable[..., Demand]
REFERENCE = (Path(__file__).resolve().parents[1] / "data" / "reference" / "dsa"
             / "statement-of-reasons.md")


def _dsa_order(**extra: Any) -> dict[str, Any]:
    body = {"reference": "ZMI-2025-03-0042", "instrument": "eu.dsa.art9",
            "issued_by": {"name": "KOK Dr. Anna Berg", "role": "police"},
            "legal_basis": "Art. 9 Regulation (EU) 2022/2065; § 130 StGB",
            "statement_of_reasons": "Incitement to hatred (Volksverhetzung)",
            "redress": "Objection to the Amtsgericht Wiesbaden within one month",
            "asks": [{"kind": "restrict_content", "measure": "withhold",
                      "territorial_scope": ["DE"]}],
            "targets": [{"type": "content", "url": platform.DE_HATE_POST}],
            "received_at": "2025-03-11T08:30:00+01:00"}
    body.update(extra)
    return body


def test_a_withholding_in_germany_gets_a_valid_statement(approved: Approve,
                                                         de_bka: Authority) -> None:
    demand = approved(_dsa_order(), authority=de_bka)
    run_worker()
    row = StatementOfReasons.objects.get(demand=demand)
    s = row.statement
    assert row.in_eea
    assert s["decision_visibility"] == ["DECISION_VISIBILITY_CONTENT_DISABLED"]
    assert s["territorial_scope"] == ["DE"]
    assert s["decision_ground"] == "DECISION_GROUND_ILLEGAL_CONTENT"
    assert s["illegal_content_legal_ground"].startswith("Art. 9 Regulation")
    assert s["source_type"] == "SOURCE_TYPE_OTHER_NOTIFICATION"
    assert s["source_identity"] == "Bundeskriminalamt"
    assert s["content_date"] == "2020-11-09"
    assert s["automated_detection"] == "No"
    assert s["automated_decision"] == "AUTOMATED_DECISION_NOT_AUTOMATED"
    assert s["puid"].startswith("dueprocess-demand-")
    # No personal data in a public database: neither the URL nor the handle.
    text = json.dumps(s)
    assert platform.DE_HATE_ACCOUNT not in text and "demo.social" not in text
    sor.StatementOfReasonsIn.model_validate(s)


def test_removal_and_account_measures_apply_everywhere_in_the_eea(approved: Approve) -> None:
    demand = approved(court_order_body(
        targets=[{"type": "account", "id": platform.US_SUSPECT},
                 {"type": "content", "url": platform.US_SUSPECT_POSTS[0]}],
        asks=[{"kind": "restrict_account", "measure": "terminate"},
              {"kind": "restrict_content", "measure": "remove"}]))
    run_worker()
    by_kind = {r.action.kind: r.statement
               for r in StatementOfReasons.objects.filter(demand=demand).select_related(
                   "action")}
    assert by_kind["terminate"]["decision_account"] == "DECISION_ACCOUNT_TERMINATED"
    assert by_kind["terminate"]["content_type"] == ["CONTENT_TYPE_OTHER"]
    assert by_kind["remove"]["decision_visibility"] == ["DECISION_VISIBILITY_CONTENT_REMOVED"]
    assert len(by_kind["remove"]["territorial_scope"]) == 30  # EU 27 + IS, LI, NO


def test_a_withholding_outside_the_eea_is_kept_but_not_exported(
        approved: Approve, hk_police: Authority) -> None:
    body = {"reference": "NSD-1", "instrument": "hk.nsl43.sch4",
            "issued_by": {"name": "LI Kwai-wah", "role": "police_senior"},
            "asks": [{"kind": "restrict_content", "measure": "withhold",
                      "territorial_scope": ["HK"]}],
            "targets": [{"type": "content", "url": platform.HK_SLOGAN_POST}],
            "received_at": "2020-07-15T02:00:00+00:00"}
    demand = approved(body, authority=hk_police)
    run_worker()
    row = StatementOfReasons.objects.get(demand=demand)
    assert not row.in_eea and "territorial_scope" not in row.statement
    assert list(sor.batches(date(2000, 1, 1))) == []
    assert len(list(sor.batches(date(2000, 1, 1), include_outside_eea=True))) == 1


def test_the_schema_refuses_what_the_database_refuses() -> None:
    good = {"decision_visibility": ["DECISION_VISIBILITY_CONTENT_REMOVED"],
            "decision_ground": "DECISION_GROUND_ILLEGAL_CONTENT",
            "illegal_content_legal_ground": "§ 130 StGB",
            "illegal_content_explanation": "Incitement to hatred",
            "content_type": ["CONTENT_TYPE_TEXT"], "category":
            "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH", "content_date": "2020-11-09",
            "application_date": "2025-03-12", "decision_facts": "Order of the BKA",
            "source_type": "SOURCE_TYPE_OTHER_NOTIFICATION", "automated_detection": "No",
            "automated_decision": "AUTOMATED_DECISION_NOT_AUTOMATED", "puid": "abc-123_X"}
    sor.StatementOfReasonsIn.model_validate(good)
    bad = [
        {"decision_visibility": None},  # no decision at all
        {"decision_visibility": ["DECISION_VISIBILITY_OTHER"]},  # other, unspecified
        {"decision_ground": "DECISION_GROUND_INCOMPATIBLE_CONTENT"},  # its fields missing
        {"illegal_content_explanation": None},
        {"content_type": []},
        {"content_type": ["CONTENT_TYPE_OTHER"]},
        {"content_type": ["CONTENT_TYPE_HOLOGRAM"]},
        {"category": "STATEMENT_CATEGORY_GOSSIP"},
        {"category_specification": ["KEYWORD_NOT_A_KEYWORD"]},
        {"territorial_scope": ["US"]},
        {"content_language": "de"},
        {"content_date": "1999-12-31"},
        {"application_date": "2019-12-31"},
        {"decision_facts": "x" * 5001},
        {"illegal_content_legal_ground": "x" * 501},
        {"source_type": "SOURCE_VOLUNTARY", "source_identity": "BKA"},
        {"automated_detection": "Maybe"},
        {"automated_decision": "AUTOMATED_DECISION_SOMETIMES"},
        {"puid": "has spaces"},
        {"puid": "x" * 501},
        {"incompatible_content_illegal": "Yes"},
        {"unknown_field": 1},
    ]
    for change in bad:
        with pytest.raises(ValidationError):
            sor.StatementOfReasonsIn.model_validate({**good, **change})
    with pytest.raises(ValidationError):
        sor.StatementBatch.model_validate({"statements": []})
    with pytest.raises(ValidationError):
        sor.StatementBatch.model_validate({"statements": [good] * 2})  # repeated puid
    with pytest.raises(ValidationError):
        sor.StatementBatch.model_validate({"statements": [
            {**good, "puid": f"p-{i}"} for i in range(101)]})


def test_every_enumeration_of_the_reference_is_accepted() -> None:
    text = REFERENCE.read_text()
    fields = {
        "decision_visibilities": sor.DecisionVisibility, "decision_monetaries":
        sor.DecisionMonetary, "decision_provisions": sor.DecisionProvision,
        "decision_accounts": sor.DecisionAccount, "account_types": sor.AccountType,
        "decision_grounds": sor.DecisionGround, "content_types": sor.ContentType,
        "source_types": sor.SourceType, "automated_decisions": sor.AutomatedDecision,
        "statement_categories": sor.Category, "keywords": sor.Keyword}
    import re

    for name, literal in fields.items():
        line = next(li for li in text.splitlines() if li.startswith(f"- **{name}**"))
        values = re.findall(r"`([A-Z0-9_]+)`", line)
        assert values and set(values) == set(literal.__args__), name


def _many_statements(demand: Demand, count: int) -> None:
    """Restriction actions of a finished demand, as a large order would leave."""
    from django.utils import timezone

    target = demand.targets.first()
    now = timezone.now()
    Action.objects.bulk_create(
        Action(demand=demand, target=target, kind="remove", status="succeeded",
               idempotency_key=f"bulk-{i}", finished_at=now, result={"created": "2020-01-02"})
        for i in range(count))


def test_statements_are_exported_in_batches_of_at_most_100(
        approved: Approve, de_bka: Authority, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    from dueprocess.cli import main

    demand = approved(_dsa_order(), authority=de_bka)
    run_worker()
    _many_statements(demand, 249)
    batches = list(sor.batches(date(2000, 1, 1)))
    assert [len(b["statements"]) for b in batches] == [100, 100, 50]
    puids = [s["puid"] for b in batches for s in b["statements"]]
    assert len(set(puids)) == 250
    for batch in batches:
        sor.StatementBatch.model_validate(batch)
    assert list(sor.batches(date(2099, 1, 1))) == []

    assert main(["dsa", "sor", "export", "--since", "2000-01-01"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [len(json.loads(li)["statements"]) for li in lines] == [100, 100, 50]
    out = tmp_path / "batches"
    assert main(["dsa", "sor", "export", "--since", "2000-01-01", "--output", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "sor-batch-0001.json", "sor-batch-0002.json", "sor-batch-0003.json"]
    assert main(["dsa", "sor", "export", "--since", "yesterday"]) == 2


def test_the_api_pages_statements_for_staff_only(
        approved: Approve, de_bka: Authority, api_as: Callable[[Any], Any], admin_user: Any,
        officer_of: Callable[[Authority], Any]) -> None:
    demand = approved(_dsa_order(), authority=de_bka)
    run_worker()
    _many_statements(demand, 120)
    api = api_as(admin_user)
    first = api.get("/dsa/statements", since="2000-01-01")
    assert first.status_code == 200, first.content
    page = first.json()
    assert len(page["statements"]) == 100 and page["next"]
    second = api.get("/dsa/statements", since="2000-01-01", after=page["next"]).json()
    assert len(second["statements"]) == 21 and second["next"] is None
    assert api.get("/dsa/statements", since="not-a-date").status_code == 422
    assert api_as(officer_of(de_bka)).get("/dsa/statements",
                                          since="2000-01-01").status_code == 403
    assert api_as(None).get("/dsa/statements", since="2000-01-01").status_code == 401


def test_statements_carry_no_personal_data_and_the_reviewers_category(
        seeded: None, de_bka: Authority, reviewer: Any) -> None:
    text = ("Der Nutzer @hetzer_berlin (aylin.koch@example.com, +49 151 2345 6789) beleidigt "
            f"in dem Beitrag {platform.DE_HATE_POST} Frau Dr. Sabine Wolf; der Nutzer "
            "Max Weber teilt ihn. Az. 3 Js 1234/25.")
    demand = receive(de_bka, _dsa_order(
        statement_of_reasons=text,
        legal_basis="§ 185 StGB; Anordnung von KOK Dr. Anna Berg (anna.berg@bka.bund.de)"))
    called_back(demand, reviewer)
    reviewed(demand, reviewer)
    actions.record_decisions(demand, DecisionsIn.model_validate({"decisions": [
        {"ask": 0, "outcome": "comply", "reason_codes": ["lawful"],
         "dsa_category": "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
         "dsa_keywords": ["KEYWORD_DEFAMATION"]}]}), user=reviewer)
    run_worker()
    s = StatementOfReasons.objects.get(demand=demand).statement
    public = json.dumps(s, ensure_ascii=False)
    for private in ("hetzer_berlin", "aylin.koch", "2345 6789", "Sabine Wolf", "Max Weber",
                    "Anna Berg", "bka.bund.de", "demo.social", "/posts/"):
        assert private not in public, private
    assert "beleidigt" in s["illegal_content_explanation"]
    assert "3 Js 1234/25" in s["illegal_content_explanation"]
    assert s["illegal_content_legal_ground"].startswith("§ 185 StGB")
    assert s["category"] == "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH"
    assert s["category_specification"] == ["KEYWORD_DEFAMATION"]
    assert s["content_language"] == "DE"
    assert s["account_type"] == "ACCOUNT_TYPE_PRIVATE"
    # The demand carries it too, so the Annex I template counts it in its category row.
    demand.refresh_from_db()
    assert demand.content_category == "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH"
    assert demand.category_keywords == ["KEYWORD_DEFAMATION"]


def test_no_library_placeholder_reaches_a_statement(approved: Approve) -> None:
    demand = approved(court_order_body(
        legal_basis="", statement_of_reasons="",
        targets=[{"type": "content", "url": platform.US_SUSPECT_POSTS[0]}],
        asks=[{"kind": "restrict_content", "measure": "remove"}]))
    run_worker()
    s = StatementOfReasons.objects.get(demand=demand).statement
    assert "cite the provision" not in json.dumps(s)
    assert s["illegal_content_legal_ground"] == "National law of the issuing court"
