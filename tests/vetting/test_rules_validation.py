"""An order issued by one authority and validated by another (e-Evidence Art. 4, EIO
Art. 2(c)(ii)) is judged by the validator's role."""

from __future__ import annotations

from datetime import UTC, date, datetime

from dueprocess.law import default_library
from dueprocess.vetting import AskFacts, DemandFacts, TargetFacts, vet

LIB = default_library()


def epoc(category: str, role: str, validated_by: str | None) -> DemandFacts:
    return DemandFacts(
        reference="EPOC-V", instrument_id="eu.evidence.epoc", jurisdiction="FR",
        authority_kind="police", issuer_role=role,
        received_at=datetime(2026, 9, 1, 9, tzinfo=UTC),
        legal_basis="Regulation (EU) 2023/1543", statement_of_reasons="Fraud",
        offences=("escroquerie",), validated_by=validated_by,
        asks=(AskFacts("disclose", (category,), date_from=date(2026, 6, 1),
                       date_to=date(2026, 8, 31)),),
        targets=(TargetFacts("account", "@fraud", exists=True, country="FR",
                             data_location="IE"),),
    )


def test_police_order_validated_by_a_prosecutor_reaches_subscriber_data() -> None:
    assert "legal.issuer_not_competent" in vet(epoc("subscriber", "police", None), LIB).codes
    result = vet(epoc("subscriber", "police", "prosecutor"), LIB)
    assert "legal.issuer_not_competent" not in result.codes
    assert result.recommendation == "comply"


def test_traffic_data_needs_a_judges_validation() -> None:
    refused = vet(epoc("traffic", "police", "prosecutor"), LIB)
    finding = refused.by_code("legal.issuer_not_competent")[0]
    assert finding.evidence["validated_by"] == "prosecutor"
    assert finding.evidence["allowed_roles"] == {"traffic": ["judge", "court"]}
    assert refused.recommendation == "reject"
    assert "legal.issuer_not_competent" not in vet(epoc("traffic", "police", "judge"), LIB).codes


def test_validation_means_nothing_where_the_law_does_not_provide_for_it() -> None:
    demand = DemandFacts(
        reference="US-V", instrument_id="us.ecpa.warrant", jurisdiction="US",
        authority_kind="police", issuer_role="police", received_at=datetime(2025, 3, 3, tzinfo=UTC),
        legal_basis="18 U.S.C. 2703(a)", validated_by="judge",
        asks=(AskFacts("disclose", ("content",), date_from=date(2025, 1, 1),
                       date_to=date(2025, 1, 31)),),
        targets=(TargetFacts("account", "@x", exists=True, country="US"),),
    )
    assert "legal.issuer_not_competent" in vet(demand, LIB).codes
