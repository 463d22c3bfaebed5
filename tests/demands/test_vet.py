"""Vetting inside the product: stored facts in, findings with history out, re-vetting when
policy, the law library or the demand changes."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dueprocess.audit.chain import verify
from dueprocess.audit.models import AuditEvent
from dueprocess.demands import actions, vet
from dueprocess.demands.admin import PolicyForm
from dueprocess.demands.inputs import DecisionsIn, DemandIn
from dueprocess.demands.models import Demand, Finding, Policy
from dueprocess.law import default_library
from dueprocess.vetting import RULES_VERSION, ScreeningHitFacts, SenderFacts
from tests.conftest import sch4_disclose, us_warrant

pytestmark = pytest.mark.django_db


def receive(authority: Any, body: dict[str, Any]) -> Demand:
    data = DemandIn.model_validate(body)
    return actions.receive_demand(data, authority=authority, requester=None, user=None,
                                  received_at=data.received_at)


def current_codes(demand: Demand) -> set[str]:
    return set(demand.findings.current().values_list("code", flat=True))


def test_findings_record_the_rule_set_and_the_library_version(fbi: Any) -> None:
    demand = receive(fbi, us_warrant(non_disclosure={"until": None}))
    assert demand.rules_version == RULES_VERSION
    assert demand.data_version == default_library().version
    finding = demand.findings.current().get(code="rights.indefinite_gag")
    assert (finding.rule, finding.rule_version) == ("rights.gag", 2)
    assert finding.data_version == default_library().version


def test_a_demand_under_an_unknown_instrument_is_kept(fbi: Any) -> None:
    # A legal basis the library cannot place either (one it can is applied instead).
    demand = receive(fbi, us_warrant(instrument="us.cfaa.order",
                                     legal_basis="Computer Fraud and Abuse Act order"))
    assert Demand.objects.filter(pk=demand.pk).exists()
    assert "legal.unknown_instrument" in current_codes(demand)
    assert demand.recommendation == "request_clarification"
    assert demand.status == "in_review"


def test_fact_providers_feed_the_sender_and_list_hits(monkeypatch: pytest.MonkeyPatch,
                                                      hk_police: Any) -> None:
    def provider(demand: Demand) -> dict[str, Any]:
        return {
            "sender": SenderFacts(email="nsd@police-gov.hk", domain="police-gov.hk",
                                  channel="email", lookalike_of="police.gov.hk",
                                  lookalike_reason="hyphen for a dot"),
            "screening_hits": (ScreeningHitFacts(
                subject="official", name="LI Kwai-wah", list_id="ofac.sdn", entry_id="27825",
                entry_name="LI, Kwai-wah", score=0.99, programmes=("HK-EO13936",)),),
        }

    monkeypatch.setattr(vet, "_PROVIDERS", [*vet._PROVIDERS, provider])
    demand = receive(hk_police, sch4_disclose("2020-09-01T10:00:00+08:00"))
    assert {"auth.lookalike_domain", "sanctions.listed_person"} <= current_codes(demand)
    assert demand.recommendation == "hold"  # a look-alike sender is verified before all else
    assert demand.status == "on_hold"
    hit = demand.findings.current().get(code="sanctions.listed_person")
    assert hit.evidence["programmes"] == ["HK-EO13936"] and hit.severity == "block"
    assert demand.risk == 6  # the forgery block ranks above the sanctions one


def test_the_demands_stated_deadline_reaches_vetting(fbi: Any) -> None:
    demand = receive(fbi, us_warrant(deadline="2020-10-19T17:00:00-04:00"))
    finding = demand.findings.current().get(code="deadline.requested")
    assert finding.evidence["due_utc"] == "2020-10-19T21:00:00+00:00"


def test_a_new_library_or_rule_set_re_vets_stale_open_demands_and_keeps_history(
        fbi: Any) -> None:
    current = receive(fbi, us_warrant())
    stale = receive(fbi, us_warrant(reference="2:20-mj-00418",
                                    non_disclosure={"until": None}))
    closed = receive(fbi, us_warrant(reference="2:20-mj-00419"))
    actions.withdraw_demand(closed, user=None)
    Demand.objects.filter(pk__in=[stale.pk, closed.pk]).update(data_version="0ld11brary0")
    Finding.objects.filter(demand=stale).update(data_version="0ld11brary0")
    assert vet.open_demands(only_stale=True) == [stale.pk]
    assert vet.open_demands() == [current.pk, stale.pk]

    seen: list[tuple[int, int]] = []
    summary = actions.revet_open(only_stale=True, progress=lambda done, total: seen.append(
        (done, total)))
    assert (summary.vetted, summary.changed, summary.skipped) == (1, 0, 0)
    assert seen == [(1, 1)]
    stale.refresh_from_db()
    assert stale.data_version == default_library().version
    history = stale.findings.filter(code="rights.indefinite_gag").order_by("pk")
    assert [f.data_version for f in history] == ["0ld11brary0", default_library().version]
    assert history[0].superseded_at is not None and history[1].superseded_at is None
    assert vet.open_demands(only_stale=True) == []
    assert AuditEvent.objects.filter(demand_id=current.pk, verb="demand.vetted").count() == 1
    assert verify().ok


def test_pausing_holds_open_demands_and_lifting_releases_them(hk_police: Any,
                                                                reviewer: Any) -> None:
    demand = receive(hk_police, sch4_disclose("2020-07-20T09:00:00+08:00"))
    held_by_person = receive(hk_police, sch4_disclose("2020-07-21T09:00:00+08:00",
                                                      reference="NSD-2"))
    assert demand.status == held_by_person.status == "in_review"
    actions.record_decisions(held_by_person, DecisionsIn.model_validate(
        {"decisions": [{"ask": 0, "outcome": "hold", "reason_codes": ["policy"]}]}),
        user=reviewer)

    pause = Policy.objects.create(name="Pause HK data", effect="pause", jurisdiction="HK",
                                  ask_kinds=["disclose"], valid_from="2020-07-06")
    assert actions.revet_open_demands() == 2
    demand.refresh_from_db()
    assert (demand.status, demand.recommendation) == ("on_hold", "hold")

    pause.active = False
    pause.save()
    actions.revet_open_demands()
    demand.refresh_from_db()
    held_by_person.refresh_from_db()
    assert demand.status == "in_review" and demand.recommendation != "hold"
    assert held_by_person.status == "on_hold"  # a person's hold stays
    reasons = list(AuditEvent.objects.filter(demand_id=demand.pk,
                                             verb="demand.status_changed")
                   .values_list("payload__reason", flat=True))
    assert reasons[-2:] == ["re-vetted: held by policy", "re-vetted: no policy holds it"]
    # Earlier findings stay visible as history.
    assert demand.findings.filter(code="policy.jurisdiction_paused",
                                  superseded_at__isnull=False).exists()
    assert "policy.jurisdiction_paused" not in current_codes(demand)


def test_scope_limits_per_instrument_and_flagged_review_from_stored_policies(
        fbi: Any, hk_police: Any) -> None:
    Policy.objects.create(name="No content on warrants", effect="scope_limit",
                          params={"categories": {"us.ecpa.warrant": ["subscriber"]},
                                  "max_days": 90},
                          valid_from="2020-01-01")
    Policy.objects.create(name="Review speech laws", effect="human_rights_review",
                          params={"flags": ["political_expression"]}, valid_from="2020-07-06")
    warrant = receive(fbi, us_warrant())
    overbroad = warrant.findings.current().get(code="scope.overbroad")
    assert overbroad.evidence["proposal"] == {
        "data_categories": ["subscriber"], "date_from": "2020-07-03", "date_to": "2020-09-30"}
    assert warrant.recommendation == "comply_partially"
    assert "policy.human_rights_review" not in current_codes(warrant)
    hk = receive(hk_police, sch4_disclose("2021-01-05T09:00:00+08:00"))
    assert "policy.human_rights_review" in current_codes(hk)


def test_policy_set_is_rebuilt_only_when_policies_change() -> None:
    first = vet.current_policies()
    assert vet.current_policies() is first
    policy = Policy.objects.create(name="Four eyes", effect="four_eyes", valid_from="2020-01-01")
    second = vet.current_policies()
    assert second is not first and len(second) == 1
    policy.params = {"flags": ["no_judicial_oversight"]}
    policy.save()
    assert vet.current_policies() is not second


POLICY = {"name": "Limit", "effect": "scope_limit", "jurisdiction": "", "ask_kinds": "[]",
          "instruments": "[]", "condition": "", "params": '{"max_days": 90}',
          "valid_from": "2020-07-06", "valid_to": "", "active": "on"}


def test_admin_accepts_valid_scope_limits() -> None:
    assert PolicyForm(data=POLICY).is_valid()
    per_instrument = {**POLICY,
                      "params": '{"categories": {"us.ecpa.subpoena": ["subscriber"]}}'}
    assert PolicyForm(data=per_instrument).is_valid()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"params": '{"max_days": "ninety"}'}, "params", "max_days must be a positive integer"),
        ({"params": "{}"}, "params", "at least one of"),
        ({"params": '{"categories": {"us.ecpa.wiretap": ["content"]}}'}, "params",
         "unknown instrument"),
        ({"effect": "pause", "params": '{"max_days": 3}'}, "params", "unknown parameter"),
        ({"effect": "human_rights_review", "params": '{"flags": ["heresy"]}'}, "params",
         "unknown risk flag"),
        ({"instruments": '["hk.nsl43.sch9"]'}, "instruments", "not in the law library"),
        ({"condition": "flags.exists(f, f == 'extraterritorial') &&"}, "condition",
         "Invalid CEL condition"),
    ],
)
def test_admin_refuses_what_vetting_could_not_use(changes: dict[str, str], field: str,
                                                   message: str) -> None:
    form = PolicyForm(data={**POLICY, **changes})
    assert not form.is_valid()
    assert message in str(form.errors[field])


def test_admin_shows_current_findings_and_their_history(hk_police: Any,
                                                        admin_user: Any) -> None:
    demand = receive(hk_police, sch4_disclose("2020-07-20T09:00:00+08:00"))
    pause = Policy.objects.create(name="Pause HK data", effect="pause", jurisdiction="HK",
                                  ask_kinds=["disclose"], valid_from="2020-07-06")
    actions.revet_open_demands()
    pause.delete()
    actions.revet_open_demands()
    client = Client()
    client.force_login(admin_user)
    page = client.get(reverse("admin:demands_demand_change", args=[demand.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "policy.jurisdiction_paused" in html  # superseded, still shown
    assert html.index("rights.high_risk_instrument") < html.index("policy.jurisdiction_paused")


def _dsa_order(scope: list[str]) -> dict[str, Any]:
    return {"reference": "BNetzA-2025-1", "instrument": "eu.dsa.art9",
            "issued_by": {"name": "Dr. K. Berg", "role": "regulator"},
            "legal_basis": "Art. 9 DSA", "statement_of_reasons": "Incitement to hatred",
            "redress": "Verwaltungsgericht Köln", "received_at": "2025-06-02T09:00:00Z",
            "asks": [{"kind": "restrict_content", "measure": "withhold",
                      "territorial_scope": scope}],
            "targets": [{"type": "content", "url": "https://example.social/p/9"}]}


def test_the_configured_establishment_limits_another_member_states_order(
        db: Any, settings: Any) -> None:
    from dueprocess.config import Establishment
    from dueprocess.demands.models import Authority

    regulator = Authority.objects.create(slug="bnetza", name="Bundesnetzagentur",
                                         jurisdiction="DE", kind="regulator")
    settings.DUEPROCESS_ESTABLISHMENT = Establishment(main="IE")
    demand = receive(regulator, _dsa_order(["EU"]))
    finding = demand.findings.current().get(code="scope.beyond_issuing_state")
    assert finding.evidence["proposal"]["territorial_scope"] == ["DE"]
    assert demand.recommendation == "comply_partially"
    settings.DUEPROCESS_ESTABLISHMENT = Establishment(main="DE")
    demand = actions.revet_demand(demand)
    assert "scope.beyond_issuing_state" not in current_codes(demand)
