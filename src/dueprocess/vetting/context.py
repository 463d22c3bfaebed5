"""Per-demand working state shared by the rules.

Work several rules need (the instrument lookup, which policies are in force, a single pass
over up to a million targets, policy conditions per ask) is done once here, lazily.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from dueprocess.law.loader import Library
from dueprocess.law.regions import covered, home_of
from dueprocess.law.schema import Instrument
from dueprocess.vetting.cel_policy import ConditionError, ConditionInput, evaluate_condition
from dueprocess.vetting.facts import AskFacts, DemandFacts, PolicyFacts

__all__ = [
    "APPROVER_ROLES",
    "AT_RISK_FLAGS",
    "EXAMPLES",
    "PolicyMatch",
    "TargetSummary",
    "VetContext",
    "is_url",
]

#: Connector flags that make a target a human-rights concern.
AT_RISK_FLAGS: frozenset[str] = frozenset(
    {"journalist", "human_rights_defender", "politician", "ngo", "activist", "lawyer"}
)
#: Roles of an official that record an approval (``approval`` element).
APPROVER_ROLES: frozenset[str] = frozenset({"approver", "approval", "approving_authority"})
#: How many example identifiers evidence carries; demands can have a million targets.
EXAMPLES = 10

_URL = re.compile(r"^https?://[^\s/?#]+", re.IGNORECASE)


def is_url(identifier: str) -> bool:
    return _URL.match(identifier.strip()) is not None


@dataclass(frozen=True)
class TargetSummary:
    total: int
    accounts: int
    contents: int
    blank_identifiers: int
    non_url_contents: int
    non_url_examples: tuple[str, ...]
    at_risk: Mapping[str, int]
    at_risk_examples: tuple[str, ...]
    countries: Mapping[str, int]
    data_locations: Mapping[str, int]


class PolicyMatch(NamedTuple):
    """Policies that apply to one ask, and those whose condition failed to evaluate."""

    applies: tuple[PolicyFacts, ...]
    errors: tuple[tuple[PolicyFacts, str], ...]


def _summarise(demand: DemandFacts) -> TargetSummary:
    accounts = contents = blank = non_url = 0
    non_url_examples: list[str] = []
    at_risk: Counter[str] = Counter()
    at_risk_examples: list[str] = []
    countries: Counter[str] = Counter()
    locations: Counter[str] = Counter()
    for target in demand.targets:
        identifier = target.identifier
        if not identifier.strip():
            blank += 1
        if target.type == "content":
            contents += 1
            if not is_url(identifier):
                non_url += 1
                if len(non_url_examples) < EXAMPLES:
                    non_url_examples.append(identifier)
        else:
            accounts += 1
        if target.flags:
            risky = AT_RISK_FLAGS.intersection(target.flags)
            if risky:
                at_risk.update(risky)
                if len(at_risk_examples) < EXAMPLES:
                    at_risk_examples.append(identifier)
        if target.country:
            countries[target.country.strip().upper()] += 1
        if target.data_location:
            locations[target.data_location.strip().upper()] += 1
    return TargetSummary(
        total=len(demand.targets),
        accounts=accounts,
        contents=contents,
        blank_identifiers=blank,
        non_url_contents=non_url,
        non_url_examples=tuple(non_url_examples),
        at_risk=dict(sorted(at_risk.items())),
        at_risk_examples=tuple(at_risk_examples),
        countries=dict(sorted(countries.items())),
        data_locations=dict(sorted(locations.items())),
    )


def _statically_applies(policy: PolicyFacts, demand: DemandFacts, ask: AskFacts) -> bool:
    if policy.jurisdiction is not None and (
        demand.jurisdiction.strip().upper() not in covered(policy.jurisdiction)
    ):
        return False
    if policy.instruments and demand.instrument_id not in policy.instruments:
        return False
    if policy.ask_kinds and ask.kind not in policy.ask_kinds:
        return False
    # MLAT routing is about data: preservation pending a treaty request, and restrictions,
    # stay with the other policies.
    return not (policy.effect == "route_mlat" and ask.kind != "disclose")


class VetContext:
    """Everything a rule may read about one vetting run."""

    def __init__(self, demand: DemandFacts, library: Library, policies: Sequence[PolicyFacts]):
        self.demand = demand
        self.library = library
        self.on: date = demand.received_at.date()
        self.instrument: Instrument | None = library.get(demand.instrument_id)
        self.policies: tuple[PolicyFacts, ...] = tuple(
            sorted((p for p in policies if p.in_force(self.on)), key=lambda p: p.id)
        )
        self.home: frozenset[str] = home_of(
            demand.jurisdiction, self.instrument.jurisdiction if self.instrument else None
        )
        self._targets: TargetSummary | None = None
        self._matches: dict[int, PolicyMatch] = {}

    @property
    def targets(self) -> TargetSummary:
        if self._targets is None:
            self._targets = _summarise(self.demand)
        return self._targets

    def policies_for(self, ask_index: int) -> PolicyMatch:
        """In-force policies that apply to one ask, conditions included."""
        cached = self._matches.get(ask_index)
        if cached is not None:
            return cached
        demand = self.demand
        ask = demand.asks[ask_index]
        applies: list[PolicyFacts] = []
        errors: list[tuple[PolicyFacts, str]] = []
        data: ConditionInput | None = None
        for policy in self.policies:
            if not _statically_applies(policy, demand, ask):
                continue
            if policy.condition is not None and policy.condition.strip():
                if data is None:
                    data = ConditionInput(
                        jurisdiction=demand.jurisdiction,
                        instrument=demand.instrument_id,
                        ask=ask.kind,
                        categories=tuple(ask.data_categories),
                        emergency=bool(demand.emergency),
                        targets=len(demand.targets),
                        authority_kind=demand.authority_kind,
                    )
                try:
                    if not evaluate_condition(policy.condition, data):
                        continue
                except ConditionError as exc:
                    errors.append((policy, str(exc)))
                    continue
            applies.append(policy)
        match = PolicyMatch(tuple(applies), tuple(errors))
        self._matches[ask_index] = match
        return match
