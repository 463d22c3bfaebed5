"""Bridge between stored demands and the pure vetting core.

Capabilities that know more about a demand (intake knows the sender, screening knows list
hits) register a *fact provider* from their AppConfig.ready(); each returns keyword
arguments for :class:`DemandFacts`, so this module never imports them.

Re-vetting: a policy saved in the admin re-vets every open demand; a new law library or
rule set (a deploy) is picked up by ``actions.revet_open`` with ``only_stale=True``, which
the worker runs at start and ``dueprocess vet --stale`` runs on demand. A demand's findings
record the library version (``data_version``) and the rule set (``rules_version``) that
produced them, which is how stale demands are found. Anything that changes a demand's
facts (targets added, a callback recorded, a list hit cleared) calls
:func:`dueprocess.demands.actions.revet_demand`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db.models import Q

from dueprocess.demands.models import Demand, Policy
from dueprocess.demands.states import DECIDABLE
from dueprocess.law import default_library
from dueprocess.vetting import (
    RULES_VERSION,
    AskFacts,
    DemandFacts,
    EstablishmentFacts,
    PolicyFacts,
    TargetFacts,
    VettingResult,
    vet,
)
from dueprocess.vetting.context import PolicySet

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


def target_facts(demand: Demand) -> tuple[TargetFacts, ...]:
    """The demand's targets as facts, read in chunks with their repeated values shared.

    A demand can carry 1,000,000 targets: plain tuples rather than model instances, no
    queryset cache beside the result, and one object for each distinct type, country,
    location and set of flags keep that to the identifiers and one slotted object each.
    """
    shared: dict[Any, Any] = {}

    def one(value: Any) -> Any:
        return shared.setdefault(value, value)

    fetched: Iterable[tuple[Any, ...]]
    if "targets" in getattr(demand, "_prefetched_objects_cache", {}):
        # just written by intake and held, in order: no query
        fetched = [(t.type, t.identifier, t.exists, t.country, t.data_location, t.flags)
                   for t in demand.targets.all()]
    else:
        rows = demand.targets.order_by("pk").values_list(
            "type", "identifier", "exists", "country", "data_location", "flags")
        # A server-side cursor costs round trips that only a long list repays.
        fetched = rows.iterator(chunk_size=10_000) if demand.target_count > 10_000 else rows
    return tuple(
        TargetFacts(
            type=one(t_type),
            identifier=identifier,
            exists=exists,
            country=one(country or None),
            data_location=one(data_location or None),
            flags=one(tuple(flags or ())),
        )
        for t_type, identifier, exists, country, data_location, flags in fetched
    )


def establishment_facts() -> EstablishmentFacts | None:
    """The platform's establishment in the Union, from ``DUEPROCESS_ESTABLISHMENT`` and
    ``DUEPROCESS_LEGAL_REPRESENTATIVE``; ``None`` when neither is set."""
    configured = getattr(settings, "DUEPROCESS_ESTABLISHMENT", None)
    if configured is None or not configured.member_state:
        return None
    return EstablishmentFacts(main=configured.main,
                              legal_representative=configured.legal_representative,
                              others=tuple(configured.others))


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
        validated_by=(demand.validated_by or {}).get("role") or None,
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
                equivalent_content=a.equivalent_content,
            )
            for a in demand.asks.all()
        ),
        targets=target_facts(demand),
        non_disclosure=demand.non_disclosure,
        non_disclosure_until=demand.non_disclosure_until,
        officials=tuple((o.name, o.title, o.role) for o in demand.officials.all()),
        deadline=demand.deadline,
        duplicate_of=demand.duplicate_of_id,
        establishment=establishment_facts(),
        **extra,
    )


@functools.lru_cache(maxsize=4)
def _policy_set(facts: tuple[PolicyFacts, ...]) -> PolicySet:
    return PolicySet(facts)


def current_policies() -> PolicySet:
    """The active policies, indexed; rebuilt only when a policy's content changed."""
    return _policy_set(policy_facts(list(Policy.objects.filter(active=True).order_by("pk"))))


def run_vetting(demand: Demand) -> VettingResult:
    return vet(demand_facts(demand), default_library(), current_policies())


def open_demands(*, only_stale: bool = False) -> list[int]:
    """Ids of demands still open to a decision, optionally only those vetted under another
    law library or rule set than the current one."""
    query = Demand.objects.filter(status__in=DECIDABLE)
    if only_stale:
        query = query.filter(
            ~Q(data_version=default_library().version) | ~Q(rules_version=RULES_VERSION)
        )
    return list(query.order_by("pk").values_list("pk", flat=True))
