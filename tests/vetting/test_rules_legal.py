"""Rules in the ``legal.*`` area, each firing and not firing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from types import MappingProxyType
from typing import Any

from dueprocess.law import Instrument, Library
from dueprocess.vetting import AskFacts, TargetFacts, vet
from tests.vetting.factories import (
    LIB,
    account,
    at,
    codes,
    demand,
    disclose,
    hk,
    post,
    run,
)


def only(result: Any, code: str) -> Any:
    found = result.by_code(code)
    assert len(found) == 1, result.findings
    return found[0]


# legal.unknown_instrument


def test_unknown_instrument_blocks_and_asks_for_clarification() -> None:
    result = run(demand(instrument_id="br.marco_civil.art22"))
    finding = only(result, "legal.unknown_instrument")
    assert finding.severity == "block"
    assert finding.evidence["instrument"] == "br.marco_civil.art22"
    assert result.recommendation == "request_clarification"


def test_known_instrument_is_not_unknown() -> None:
    assert "legal.unknown_instrument" not in codes(run(demand()))


# legal.instrument_not_in_force


def test_epoc_before_it_applies_is_rejected() -> None:
    epoc = demand(
        instrument_id="eu.evidence.epoc",
        jurisdiction="FR",
        issuer_role="judge",
        received_at=at(2025, 6, 1),
        offences=(),
    )
    result = run(epoc)
    finding = only(result, "legal.instrument_not_in_force")
    assert finding.severity == "block"
    assert finding.evidence["in_force_from"] == "2026-08-18"
    assert finding.evidence["received_on"] == "2025-06-01"
    assert result.recommendation == "reject"


def test_epoc_after_it_applies_is_in_force() -> None:
    epoc = demand(
        instrument_id="eu.evidence.epoc", jurisdiction="FR", received_at=at(2026, 8, 18, 0)
    )
    assert "legal.instrument_not_in_force" not in codes(run(epoc))


def _library_with(**fields: Any) -> Library:
    data: dict[str, Any] = {
        "id": "xx.old.order",
        "jurisdiction": "US",
        "name": "Repealed order",
        "citation": "Old Act s. 1",
        "kind": "order",
        "legal_process": "Court Order",
        "in_force_from": date(2000, 1, 1),
        "compels": {"disclose": ["subscriber", "traffic", "content"]},
        "issuers": ["judge"],
        "sources": ["https://example.org/old"],
        "version": 1,
    }
    data.update(fields)
    instrument = Instrument.model_validate(data)
    return Library(
        instruments=MappingProxyType({instrument.id: instrument}),
        offences=LIB.offences,
        version="test",
    )


def test_repealed_instrument_is_not_in_force_after_its_last_day() -> None:
    library = _library_with(in_force_to=date(2019, 12, 31))
    late = vet(demand(instrument_id="xx.old.order", received_at=at(2020, 1, 1)), library)
    assert "ceased to apply" in only(late, "legal.instrument_not_in_force").message
    last_day = vet(demand(instrument_id="xx.old.order", received_at=at(2019, 12, 31)), library)
    assert "legal.instrument_not_in_force" not in codes(last_day)


# legal.insufficient_process


def test_subpoena_for_content_is_insufficient() -> None:
    result = run(demand(instrument_id="us.ecpa.subpoena", issuer_role="prosecutor"))
    finding = only(result, "legal.insufficient_process")
    assert finding.severity == "block"
    assert finding.ask_index == 0
    assert finding.evidence["not_compellable"] == ["content"]
    assert finding.evidence["instrument_compels"] == {"disclose": ["subscriber"]}
    assert finding.evidence["partial"] is False
    assert result.recommendation == "reject"


def test_subpoena_for_content_and_subscriber_is_partly_sufficient() -> None:
    d = demand(
        instrument_id="us.ecpa.subpoena",
        issuer_role="prosecutor",
        asks=(disclose("subscriber", "content"),),
    )
    result = run(d)
    assert only(result, "legal.insufficient_process").evidence["partial"] is True
    assert result.recommendation == "comply_partially"


def test_one_unenforceable_ask_of_two_is_partial_compliance() -> None:
    d = demand(
        instrument_id="us.ecpa.subpoena",
        issuer_role="prosecutor",
        asks=(disclose("subscriber"), disclose("content")),
    )
    result = run(d)
    assert only(result, "legal.insufficient_process").ask_index == 1
    assert result.recommendation == "comply_partially"


def test_ask_kind_the_instrument_cannot_compel() -> None:
    d = demand(asks=(AskFacts("restrict_account", measure="suspend"),))
    finding = only(run(d), "legal.insufficient_process")
    assert finding.evidence["not_compellable"] == ["restrict_account"]


def test_measure_the_instrument_does_not_allow() -> None:
    d = demand(
        instrument_id="generic.police_request",
        jurisdiction="BR",
        issuer_role="police",
        asks=(AskFacts("restrict_account", measure="terminate"),),
        targets=(account(country="BR", data_location="BR"),),
        offences=(),
    )
    finding = only(run(d), "legal.insufficient_process")
    assert finding.evidence["not_compellable"] == ["terminate"]


def test_warrant_for_everything_is_sufficient() -> None:
    d = demand(asks=(disclose("subscriber", "traffic", "content"),))
    assert "legal.insufficient_process" not in codes(run(d))


def test_voluntary_instrument_is_noted() -> None:
    d = demand(
        instrument_id="us.ecpa.emergency",
        issuer_role="police",
        emergency=True,
        emergency_justification="Credible threat of suicide posted an hour ago.",
        callback_confirmed=True,  # the emergency confirmed through a registry number
    )
    result = run(d)
    assert only(result, "legal.voluntary_disclosure").severity == "info"
    assert result.recommendation == "comply"
    assert "legal.voluntary_disclosure" not in codes(run(demand()))


# legal.issuer_not_competent


def _epoc(role: str, *categories: str) -> Any:
    return demand(
        instrument_id="eu.evidence.epoc",
        jurisdiction="FR",
        authority_kind="prosecutor",
        issuer_role=role,
        received_at=at(2026, 9, 1),
        offences=("fr.code_penal.art222-33-2-2",),
        asks=(disclose(*categories),),
        targets=(account(country="FR", data_location="IE"),),
    )


def test_epoc_for_traffic_by_a_prosecutor() -> None:
    result = run(_epoc("prosecutor", "traffic"))
    finding = only(result, "legal.issuer_not_competent")
    assert finding.severity == "block"
    assert finding.evidence["categories"] == ["traffic"]
    assert finding.evidence["allowed_roles"] == {"traffic": ["judge", "court"]}
    assert result.recommendation == "reject"


def test_epoc_for_subscriber_data_by_a_prosecutor() -> None:
    assert "legal.issuer_not_competent" not in codes(run(_epoc("prosecutor", "subscriber")))


def test_epoc_for_traffic_by_a_judge() -> None:
    assert "legal.issuer_not_competent" not in codes(run(_epoc("judge", "traffic", "content")))


def test_prosecutor_competent_for_part_of_an_ask() -> None:
    result = run(_epoc("prosecutor", "subscriber", "traffic"))
    assert only(result, "legal.issuer_not_competent").evidence["partial"] is True
    assert result.recommendation == "comply_partially"


def test_warrant_issued_by_police() -> None:
    result = run(demand(issuer_role="police"))
    assert only(result, "legal.issuer_not_competent").ask_index == 0
    assert result.recommendation == "reject"


def test_issuer_checked_for_non_disclosure_asks() -> None:
    d = hk(
        issuer_role="police",
        asks=(AskFacts("restrict_content", measure="withhold", territorial_scope=("HK",)),),
        targets=(post("https://example.social/p/9", country="HK"),),
    )
    finding = only(run(d), "legal.issuer_not_competent")
    assert finding.evidence["allowed_roles"] == {"restrict_content": ["police_senior", "executive"]}


def test_unknown_issuer_role_is_not_judged() -> None:
    assert "legal.issuer_not_competent" not in codes(run(demand(issuer_role=None)))


# legal.missing_element


def _dsa_art9(**overrides: Any) -> Any:
    values: dict[str, Any] = {
        "instrument_id": "eu.dsa.art9",
        "jurisdiction": "DE",
        "authority_kind": "regulator",
        "issuer_role": "regulator",
        "received_at": at(2024, 6, 3),
        "legal_basis": "§ 130 StGB; DSA Art. 9",
        "statement_of_reasons": "Incitement to hatred (§ 130 StGB).",
        "redress": "Objection to the Landgericht Berlin within one month.",
        "offences": (),
        "asks": (AskFacts("restrict_content", measure="withhold", territorial_scope=("DE",)),),
        "targets": (post("https://example.social/p/42", country="DE", data_location="IE"),),
    }
    values.update(overrides)
    return demand(**values)


def test_complete_dsa_article_9_order_has_no_missing_elements() -> None:
    result = run(_dsa_art9())
    assert "legal.missing_element" not in codes(result)
    assert result.recommendation == "comply"


def test_dsa_article_9_with_an_account_instead_of_urls() -> None:
    result = run(_dsa_art9(targets=(account("@someone", country="DE"),)))
    finding = only(result, "legal.missing_element")
    assert finding.severity == "warning"
    assert finding.evidence["missing"] == ["exact_urls"]
    assert finding.evidence["details"]["exact_urls"]["examples"] == ["@someone"]
    assert result.recommendation == "request_clarification"


def test_content_target_that_is_not_a_url() -> None:
    result = run(_dsa_art9(targets=(TargetFacts("content", "post 42 by @someone"),)))
    assert only(result, "legal.missing_element").evidence["missing"] == ["exact_urls"]


def test_dsa_article_9_missing_reasons_redress_and_scope() -> None:
    d = _dsa_art9(
        statement_of_reasons=" ",
        redress="",
        asks=(AskFacts("restrict_content", measure="remove"),),
    )
    finding = only(run(d), "legal.missing_element")
    assert finding.evidence["missing"] == ["statement_of_reasons", "redress", "territorial_scope"]
    assert finding.evidence["details"]["territorial_scope"] == {"asks": [0]}


def test_dsa_article_10_missing_statement_of_reasons() -> None:
    d = _dsa_art9(
        instrument_id="eu.dsa.art10",
        statement_of_reasons="",
        asks=(AskFacts("disclose", ("subscriber",)),),
        targets=(account("@x", country="DE"),),
    )
    assert only(run(d), "legal.missing_element").evidence["missing"] == ["statement_of_reasons"]


def test_issuing_authority_can_be_a_named_official() -> None:
    d = demand(issuer_role=None, officials=(("Jane Roe", "Magistrate Judge", "signatory"),))
    assert "legal.missing_element" not in codes(run(d))
    missing = only(run(demand(issuer_role=None)), "legal.missing_element")
    assert missing.evidence["missing"] == ["issuing_authority"]


def test_hk_removal_needs_approval_and_urls() -> None:
    removal = AskFacts("restrict_content", measure="remove")
    without = hk(asks=(removal,), officials=(), targets=(account("@x", country="HK"),))
    missing = only(run(without), "legal.missing_element").evidence["missing"]
    assert missing == ["approval", "exact_urls"]
    complete = hk(asks=(removal,), targets=(post(country="HK"),))
    assert "legal.missing_element" not in codes(run(complete))


def test_removal_and_identification_together_accept_account_targets() -> None:
    d = hk(
        asks=(
            AskFacts("restrict_content", measure="remove"),
            AskFacts("disclose", ("subscriber",)),
        ),
        targets=(post(country="HK"), account("@author", country="HK")),
    )
    assert "legal.missing_element" not in codes(run(d))


def test_epoc_traffic_needs_a_date_range() -> None:
    d = replace(_epoc("judge"), asks=(AskFacts("disclose", ("traffic",)),))
    assert only(run(d), "legal.missing_element").evidence["missing"] == ["date_range"]
    subscriber_only = replace(d, asks=(AskFacts("disclose", ("subscriber",)),))
    assert "legal.missing_element" not in codes(run(subscriber_only))


def test_emergency_needs_a_justification_under_any_instrument() -> None:
    missing = only(run(demand(emergency=True)), "legal.missing_element")
    assert missing.evidence["missing"] == ["emergency_justification"]
    assert missing.evidence["required_by_instrument"] == []


def test_demand_without_asks_or_targets() -> None:
    finding = only(run(demand(asks=(), targets=())), "legal.missing_element")
    assert finding.evidence["missing"] == ["asks", "targets"]


def test_blank_target_identifier() -> None:
    finding = only(run(demand(targets=(account("  "),))), "legal.missing_element")
    assert finding.evidence["missing"] == ["recipient_identifiers"]


def test_incomplete_asks_are_reported_per_ask() -> None:
    d = demand(
        instrument_id="generic.court_order",
        jurisdiction="BR",
        offences=(),
        asks=(
            AskFacts("disclose"),
            AskFacts("restrict_account"),
            disclose("subscriber", date_from=date(2024, 2, 1), date_to=date(2024, 1, 1)),
        ),
        targets=(account(country="BR", data_location="BR"),),
    )
    found = run(d).by_code("legal.missing_element")
    assert [(f.ask_index, f.evidence["missing"]) for f in found] == [
        (0, ["data_categories"]),
        (1, ["measure"]),
        (2, ["date_range"]),
    ]
    assert "after" in found[2].message


# legal.statute_mismatch / legal.unknown_offence


def test_authority_citing_foreign_law() -> None:
    result = run(demand(jurisdiction="HK", targets=(account(country="HK", data_location="HK"),)))
    finding = only(result, "legal.statute_mismatch")
    assert [m["id"] for m in finding.evidence["mismatches"]] == ["us.ecpa.warrant", "us.18usc2252"]
    assert result.recommendation == "escalate"


def test_member_state_citing_eu_law_and_generic_law_match() -> None:
    assert "legal.statute_mismatch" not in codes(run(_dsa_art9()))
    d = demand(
        instrument_id="generic.court_order",
        jurisdiction="BR",
        offences=(),
        targets=(account(country="BR", data_location="BR"),),
    )
    assert "legal.statute_mismatch" not in codes(run(d))


def test_unknown_offence_is_informational() -> None:
    result = run(demand(offences=("us.18usc2252", "us.made_up")))
    assert only(result, "legal.unknown_offence").evidence["offences"] == ["us.made_up"]
    assert result.recommendation == "comply"
