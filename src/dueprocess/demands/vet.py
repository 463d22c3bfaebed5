"""Bridge between stored demands and the pure vetting core.

Capabilities that know more about a demand (intake knows the sender, screening knows list
hits) register a *fact provider* from their AppConfig.ready(); each returns keyword
arguments for :class:`DemandFacts`, so this module never imports them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from dueprocess.demands.models import Demand, Policy
from dueprocess.law import default_library
from dueprocess.vetting import (
    AskFacts,
    DemandFacts,
    PolicyFacts,
    TargetFacts,
    VettingResult,
    vet,
)

FactProvider = Callable[[Demand], dict[str, Any]]
_PROVIDERS: list[FactProvider] = []


def register_fact_provider(provider: FactProvider) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def policy_facts(policies: Sequence[Policy]) -> tuple[PolicyFacts, ...]:
    return tuple(
        PolicyFacts(
            id=p.pk,
            name=p.name,
            effect=p.effect,
            jurisdiction=p.jurisdiction or None,
            ask_kinds=tuple(p.ask_kinds or ()),
            instruments=tuple(p.instruments or ()),
            valid_from=p.valid_from,
            valid_to=p.valid_to,
            condition=p.condition or None,
            params=dict(p.params or {}),
        )
        for p in policies
    )


def demand_facts(demand: Demand) -> DemandFacts:
    issued_by = demand.issued_by or {}
    extra: dict[str, Any] = {}
    for provider in _PROVIDERS:
        extra.update(provider(demand))
    return DemandFacts(
        reference=demand.reference,
        instrument_id=demand.instrument,
        jurisdiction=demand.jurisdiction,
        authority_kind=demand.authority.kind,
        issuer_role=issued_by.get("role") or None,
        received_at=demand.received_at,
        emergency=demand.emergency,
        emergency_justification=demand.emergency_justification,
        legal_basis=demand.legal_basis,
        statement_of_reasons=demand.statement_of_reasons,
        redress=demand.redress,
        offences=tuple(demand.offences or ()),
        asks=tuple(
            AskFacts(
                kind=a.kind,
                data_categories=tuple(a.data_categories or ()),
                date_from=a.date_from,
                date_to=a.date_to,
                days=a.days,
                measure=a.measure or None,
                territorial_scope=tuple(a.territorial_scope or ()),
            )
            for a in demand.asks.all()
        ),
        targets=tuple(
            TargetFacts(
                type=t.type,
                identifier=t.identifier,
                exists=t.exists,
                country=t.country or None,
                data_location=t.data_location or None,
                flags=tuple(t.flags or ()),
            )
            for t in demand.targets.all()
        ),
        non_disclosure=demand.non_disclosure,
        non_disclosure_until=demand.non_disclosure_until,
        officials=tuple((o.name, o.title, o.role) for o in demand.officials.all()),
        **extra,
    )


def run_vetting(demand: Demand) -> VettingResult:
    policies = Policy.objects.filter(active=True)
    return vet(demand_facts(demand), default_library(), policy_facts(list(policies)))
