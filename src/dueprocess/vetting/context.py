"""Per-demand working state shared by the rules.

Work several rules need (the instrument lookup, which policies are in force, a single pass
over up to a million targets, policy conditions per ask) is done once here, lazily.

Two calendars: the *law* is judged on the day of receipt in the issuing State's time zone
(``local_on``: Hong Kong law applies on Hong Kong dates), the platform's *policies* on the
day of ``received_at`` as given (``on``: the platform's reference time zone, UTC unless
the caller decides otherwise).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, tzinfo
from typing import NamedTuple

from dueprocess.law.loader import Library
from dueprocess.law.regions import EU_MEMBER_STATES, country_of, home_of, zone_of
from dueprocess.law.schema import ANY_JURISDICTION, Instrument, Jurisdiction, Offence
from dueprocess.vetting.cel_policy import ConditionError, ConditionInput, evaluate_condition
from dueprocess.vetting.facts import AskFacts, DemandFacts, PolicyFacts
from dueprocess.vetting.policy_params import validate_params

__all__ = [
    "APPROVER_ROLES",
    "AT_RISK_FLAGS",
    "EXAMPLES",
    "PolicyMatch",
    "PolicySet",
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
#: Issuer roles that are themselves judicial oversight.
JUDICIAL_ROLES: frozenset[str] = frozenset({"judge", "court"})
#: Instrument risk flags about a law's use against speech, moot for offences unlawful
#: everywhere.
SPEECH_FLAGS: frozenset[str] = frozenset({"political_expression", "vague_offence"})
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


class PolicySet:
    """Policies indexed by jurisdiction and checked once, for vetting many demands.

    A platform may have thousands of policies while a demand concerns one jurisdiction;
    the index turns "which policies could apply" into two or three dictionary lookups.
    Build it once per policy change and pass it to :func:`~dueprocess.vetting.vet`.
    Malformed policies (unknown effect, unusable params) are kept apart: vetting reports
    them as ``policy.invalid`` for the demands they would have concerned, never applies them.
    """

    def __init__(self, policies: Iterable[PolicyFacts] = ()):
        self.policies: tuple[PolicyFacts, ...] = tuple(sorted(policies, key=lambda p: p.id))
        self.invalid: dict[int, str] = {}
        self._buckets: dict[str | None, list[PolicyFacts]] = {}
        for policy in self.policies:
            error = validate_params(policy.effect, policy.params)
            if error is not None:
                self.invalid[policy.id] = error
            key = None if policy.jurisdiction is None else policy.jurisdiction.strip().upper()
            self._buckets.setdefault(key, []).append(policy)
        self._cache: dict[tuple[str, date], tuple[PolicyFacts, ...]] = {}

    def __len__(self) -> int:
        return len(self.policies)

    def in_force(self, jurisdiction: str, on: date) -> tuple[PolicyFacts, ...]:
        """Policies for this jurisdiction in force on that day, ordered by id."""
        code = jurisdiction.strip().upper()
        key = (code, on)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        candidates = list(self._buckets.get(None, ()))
        candidates += self._buckets.get(code, ())
        country = country_of(code)
        if country != code:  # a State of a federation: the federal policies apply too
            candidates += self._buckets.get(country, ())
        if code != "EU" and country in EU_MEMBER_STATES:
            candidates += self._buckets.get("EU", ())
        found = tuple(sorted((p for p in candidates if p.in_force(on)), key=lambda p: p.id))
        if len(self._cache) > 4096:
            self._cache.clear()
        self._cache[key] = found
        return found


def statically_applies(
    policy: PolicyFacts, demand: DemandFacts, ask: AskFacts, flags: frozenset[str] | None
) -> bool:
    """Does the policy concern this ask, conditions aside? ``flags=None`` skips that test."""
    if policy.instruments and demand.instrument_id not in policy.instruments:
        return False
    if policy.ask_kinds and ask.kind not in policy.ask_kinds:
        return False
    wanted = policy.param("flags")
    if flags is not None and wanted and not flags.intersection(wanted):
        return False
    # MLAT routing is about data: preservation pending a treaty request, and restrictions,
    # stay with the other policies.
    return not (policy.effect == "route_mlat" and ask.kind != "disclose")


class VetContext:
    """Everything a rule may read about one vetting run."""

    def __init__(
        self,
        demand: DemandFacts,
        library: Library,
        policies: Sequence[PolicyFacts] | PolicySet,
    ):
        self.demand = demand
        self.library = library
        self.on: date = demand.received_at.date()
        self.instrument: Instrument | None = library.get(demand.instrument_id)
        #: The instrument was not cited by a library id but found from the cited law.
        self.inferred_instrument = False
        if self.instrument is None:
            cited = f"{demand.instrument_id} {demand.legal_basis}"
            found = library.match_instrument(cited, demand.jurisdiction)
            # An id naming another area ("br.marco_civil.x" on a US demand) contradicts
            # the match: leave it unknown for a person to sort out.
            given = demand.instrument_id.strip().lower()
            if found is not None and "." in given and (
                given.split(".", 1)[0] != found.id.split(".", 1)[0]
            ):
                found = None
            self.instrument = found
            self.inferred_instrument = found is not None
        #: What the library knows about the requesting legal system as a whole.
        self.profile: Jurisdiction | None = library.jurisdiction(demand.jurisdiction)
        #: Cited offences the library knows, by id or by citation, and those it does not.
        self.offences: tuple[Offence, ...]
        self.unknown_offences: tuple[str, ...]
        known: dict[str, Offence] = {}
        unknown: list[str] = []
        for cited_offence in dict.fromkeys(demand.offences):
            offence = library.resolve_offence(cited_offence, demand.jurisdiction)
            if offence is None:
                unknown.append(cited_offence)
            else:
                known.setdefault(offence.id, offence)
        self.offences = tuple(known.values())
        self.unknown_offences = tuple(unknown)
        self.zone: tzinfo | None = zone_of(demand.jurisdiction)
        received = demand.received_at
        if self.zone is not None and received.tzinfo is not None:
            received = received.astimezone(self.zone)
        self.local_on: date = received.date()
        policy_set = policies if isinstance(policies, PolicySet) else PolicySet(policies)
        in_force = policy_set.in_force(demand.jurisdiction, self.on)
        self._in_force = in_force
        self.invalid_policies: dict[int, str] = {
            p.id: policy_set.invalid[p.id] for p in in_force if p.id in policy_set.invalid
        }
        self.policies: tuple[PolicyFacts, ...] = (
            tuple(p for p in in_force if p.id not in policy_set.invalid)
            if self.invalid_policies
            else in_force
        )
        self.home: frozenset[str] = home_of(
            demand.jurisdiction, self.instrument.jurisdiction if self.instrument else None
        )
        self._targets: TargetSummary | None = None
        self._flags: frozenset[str] | None = None
        self._matches: dict[int, PolicyMatch] = {}

    def policies_in_force_including_invalid(self) -> tuple[PolicyFacts, ...]:
        return self._in_force

    @property
    def targets(self) -> TargetSummary:
        if self._targets is None:
            self._targets = _summarise(self.demand)
        return self._targets

    @property
    def generic(self) -> bool:
        """The demand rests on no instrument of its own legal system (unknown or generic)."""
        return self.instrument is None or self.instrument.jurisdiction == ANY_JURISDICTION

    def profile_flags(self) -> tuple[str, ...]:
        """The legal system's known risk, when the demand rests on generic or unknown law and
        asks for something the profile concerns."""
        profile = self.profile
        if profile is None or not profile.risk_flags or not self.generic:
            return ()
        if profile.asks and not any(a.kind in profile.asks for a in self.demand.asks):
            return ()
        return tuple(profile.risk_flags)

    def instrument_flags(self) -> tuple[str, ...]:
        """The instrument's risk flags that bear on this demand.

        A flag for missing judicial oversight is moot when a judge or court issued the
        demand; flags for use against speech are moot when every cited offence is known
        and unlawful everywhere (a court's order on child sexual abuse material under a
        law also used for lèse-majesté). The other flags stay.
        """
        if self.instrument is None:
            return ()
        flags = self.instrument.risk_flags
        if self.demand.issuer_role in JUDICIAL_ROLES:
            flags = tuple(f for f in flags if f != "no_judicial_oversight")
        if (
            self.offences
            and not self.unknown_offences
            and all(o.universal for o in self.offences)
        ):
            flags = tuple(f for f in flags if f not in SPEECH_FLAGS)
        return tuple(flags)

    @property
    def universal(self) -> bool:
        """A cited offence is unlawful everywhere (child sexual abuse material)."""
        return any(o.universal for o in self.offences)

    @property
    def flags(self) -> frozenset[str]:
        """Risk flags of the instrument, of every cited offence the library knows, and of
        the legal system where the demand rests on generic law."""
        if self._flags is None:
            flags: set[str] = set(self.instrument_flags())
            for offence in self.offences:
                flags.update(offence.flags)
            flags.update(self.profile_flags())
            self._flags = frozenset(flags)
        return self._flags

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
            if not statically_applies(policy, demand, ask, self.flags):
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
                        issuer_role=demand.issuer_role or "",
                        flags=tuple(sorted(self.flags)),
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
