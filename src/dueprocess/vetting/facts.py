"""Plain, hashable facts that vetting reads.

The caller (intake, the review console, a re-vet task) builds these from its own storage;
vetting never sees a model or a request. Collections are tuples so facts can be hashed,
cached and compared. String fields are not narrowed to ``Literal`` types because they carry
untrusted input: an unknown ask kind or role is a finding, never an exception.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

AskKind = Literal["disclose", "preserve", "restrict_account", "restrict_content"]
PolicyEffect = Literal["pause", "route_mlat", "four_eyes", "human_rights_review", "scope_limit"]
POLICY_EFFECTS: frozenset[str] = frozenset(
    {"pause", "route_mlat", "four_eyes", "human_rights_review", "scope_limit"}
)

__all__ = [
    "POLICY_EFFECTS",
    "AskFacts",
    "AskKind",
    "DemandFacts",
    "EstablishmentFacts",
    "PolicyEffect",
    "PolicyFacts",
    "ScreeningHitFacts",
    "SenderFacts",
    "TargetFacts",
    "freeze_params",
]


@dataclass(frozen=True)
class AskFacts:
    """One thing the demand wants; ``days`` is the preservation length asked for."""

    kind: str
    data_categories: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    days: int | None = None
    measure: str | None = None
    territorial_scope: tuple[str, ...] = ()
    #: The restriction reaches content "identical or equivalent" to the items named, not
    #: only those items (a stay-down order).
    equivalent_content: bool = False


@dataclass(frozen=True, slots=True)
class TargetFacts:
    """An account or content item, with what the platform connector knows about it.

    Slotted: a demand can carry a million of these, and a ``__dict__`` each would double
    what vetting it costs in memory.
    """

    type: str
    identifier: str
    exists: bool | None = None
    country: str | None = None
    data_location: str | None = None
    flags: tuple[str, ...] = ()


def _frozen(value: Any) -> Any:
    if isinstance(value, Mapping):
        return tuple(sorted(((str(k), _frozen(v)) for k, v in value.items()), key=lambda kv: kv[0]))
    if isinstance(value, set | frozenset):
        return tuple(sorted((_frozen(v) for v in value), key=repr))
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    return value


def freeze_params(
    params: Mapping[str, Any] | Iterable[tuple[str, Any]],
) -> tuple[tuple[str, Any], ...]:
    """Turn a JSON-like mapping into the hashable ``PolicyFacts.params`` form.

    Lists become tuples and keys are sorted, so ``{"categories": ["subscriber"]}`` becomes
    ``(("categories", ("subscriber",)),)``.
    """
    pairs = params.items() if isinstance(params, Mapping) else params
    return tuple(sorted(((str(k), _frozen(v)) for k, v in pairs), key=lambda kv: kv[0]))


@dataclass(frozen=True, kw_only=True)
class PolicyFacts:
    """A dated platform policy.

    In force when ``valid_from <= received_at.date() < valid_to`` (``valid_to`` exclusive,
    ``None`` open). ``jurisdiction`` ``None`` matches any; ``"EU"`` matches the EU and every
    Member State. Empty ``ask_kinds`` / ``instruments`` match all. ``params`` may be given
    as a mapping or as ``(key, value)`` pairs; it is stored as sorted pairs with lists
    turned into tuples (see :func:`freeze_params`) so the policy stays hashable. ``scope_limit``
    reads ``max_days`` (longest disclosure date range, in days, both ends included),
    ``max_targets`` and ``categories`` (data categories that may be disclosed).
    """

    id: int
    name: str
    effect: str
    jurisdiction: str | None
    ask_kinds: tuple[str, ...] = ()
    instruments: tuple[str, ...] = ()
    valid_from: date
    valid_to: date | None = None
    condition: str | None = None
    params: tuple[tuple[str, Any], ...] | Mapping[str, Any] = ()

    def __post_init__(self) -> None:
        # Accept the JSON mapping a model stores, keep the hashable sorted-pairs form.
        object.__setattr__(self, "params", freeze_params(self.params))

    def param(self, key: str, default: Any = None) -> Any:
        pairs = self.params.items() if isinstance(self.params, Mapping) else self.params
        for name, value in pairs:
            if name == key:
                return value
        return default

    def in_force(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on < self.valid_to)


@dataclass(frozen=True)
class SenderFacts:
    """Who sent the demand and what intake verified about them.

    ``verified`` means the sender's e-mail domain is one of the authority's verified domains,
    or the demand came with the token or portal login of a verified requester.
    ``lookalike_of`` names the verified domain a sender domain imitates (homoglyphs,
    punycode, edit distance; ``lookalike_reason`` says which). ``callback_recorded`` is an
    out-of-band callback to a registry number, required before an emergency disclosure.
    """

    email: str = ""
    domain: str = ""
    channel: str = "api"
    verified: bool = False
    lookalike_of: str | None = None
    lookalike_reason: str = ""
    flagged_fraudulent: bool = False
    callback_recorded: bool = False


@dataclass(frozen=True)
class ScreeningHitFacts:
    """A sanctions-list candidate for a person or body named on the demand.

    ``subject`` is ``official``, ``requester`` or ``authority``; hits a reviewer marked false
    are not passed in.
    """

    subject: str
    name: str
    list_id: str
    entry_id: str
    entry_name: str
    score: float
    programmes: tuple[str, ...] = ()
    explanation: str = ""
    confirmed: bool = False


@dataclass(frozen=True)
class EstablishmentFacts:
    """Where the platform is established in the Union, as the operator configured it.

    ``main`` is the Member State of the main establishment; ``legal_representative`` the
    Member State of the legal representative of a provider without one (DSA Art. 13), which
    then stands in for it; ``others`` are further establishments, which widen no order.
    """

    main: str = ""
    legal_representative: str = ""
    others: tuple[str, ...] = ()

    @property
    def member_state(self) -> str:
        """The Member State whose authorities' orders may reach beyond their territory."""
        code = (self.main or self.legal_representative).strip().upper()
        return "GR" if code == "EL" else code


@dataclass(frozen=True)
class DemandFacts:
    """One received demand.

    ``jurisdiction`` is the requesting authority's (ISO 3166 alpha-2, or ``"EU"`` for an EU
    body). ``received_at`` should be timezone-aware; policies and instruments are compared
    with its calendar date in its own timezone, so pass it in the platform's reference
    timezone (UTC unless the legal team decides otherwise). ``officials`` are
    ``(name, title, role)``; an official with role ``approver`` records an approval such as
    the Secretary for Security's under HK NSL Schedule 4. ``deadline`` is the one the
    authority states, if any. ``sender`` is ``None`` when no one needed to be authenticated
    (staff entered or imported the demand); then only the emergency call-back rule of
    ``auth.*`` applies. ``callback_confirmed``: the latest call-back to a registry number
    of the authority confirmed the demand, whatever the channel it came by.
    ``duplicate_of``: the id of an earlier demand of the same authority with the same
    reference. ``establishment``: where the platform is established in the Union (the
    platform's configuration, the same for every demand); ``None`` when not configured.
    """

    reference: str
    instrument_id: str
    jurisdiction: str
    authority_kind: str
    issuer_role: str | None
    received_at: datetime
    emergency: bool = False
    emergency_justification: str = ""
    legal_basis: str = ""
    statement_of_reasons: str = ""
    redress: str = ""
    offences: tuple[str, ...] = ()
    asks: tuple[AskFacts, ...] = ()
    targets: tuple[TargetFacts, ...] = ()
    non_disclosure: bool = False
    non_disclosure_until: date | None = None
    officials: tuple[tuple[str, str, str], ...] = ()
    sender: SenderFacts | None = None
    screening_hits: tuple[ScreeningHitFacts, ...] = ()
    deadline: datetime | None = None
    callback_confirmed: bool = False
    duplicate_of: int | None = None  # an earlier demand of the authority, same reference
    #: Role of the authority that validated an order issued by another authority
    #: (e-Evidence Art. 4; EIO Art. 2(c)(ii)), or ``None``.
    validated_by: str | None = None
    establishment: EstablishmentFacts | None = None
