"""Typed schema of the law library.

The library is data reviewed by lawyers, so the schema is strict: unknown keys, unknown
vocabulary and inconsistent combinations are load errors rather than silent defaults.
Vocabularies are ``Literal`` types so that rules and the API share one spelling.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal, cast, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from dueprocess.law.regions import check_jurisdiction

AskKind = Literal["disclose", "preserve", "restrict_account", "restrict_content"]
DataCategory = Literal["subscriber", "traffic", "content"]
AccountMeasure = Literal["suspend", "terminate"]
ContentMeasure = Literal["remove", "disable", "withhold"]
InstrumentKind = Literal[
    "order",
    "warrant",
    "subpoena",
    "request",
    "emergency",
    "preservation",
    "national_security",
    "interception",
    "assistance",
]
#: Kinds a platform's legal-process team does not execute through this system: real-time
#: interception (wiretap, pen register, FISA) and technical-assistance or decryption
#: notices go to the specialised channel the platform keeps for them.
OUT_OF_SCOPE_KINDS: frozenset[str] = frozenset({"interception", "assistance"})
Role = Literal["judge", "court", "prosecutor", "police_senior", "police", "regulator", "executive"]
Element = Literal[
    "legal_basis",
    "statement_of_reasons",
    "issuing_authority",
    "exact_urls",
    "redress",
    "territorial_scope",
    "recipient_identifiers",
    "emergency_justification",
    "offences",
    "approval",
    "date_range",
]
RiskFlag = Literal[
    "political_expression", "no_judicial_oversight", "extraterritorial", "vague_offence"
]

ASK_KINDS: frozenset[str] = frozenset(get_args(AskKind))
DATA_CATEGORIES: frozenset[str] = frozenset(get_args(DataCategory))
ACCOUNT_MEASURES: frozenset[str] = frozenset(get_args(AccountMeasure))
CONTENT_MEASURES: frozenset[str] = frozenset(get_args(ContentMeasure))
ROLES: frozenset[str] = frozenset(get_args(Role))
ELEMENTS: frozenset[str] = frozenset(get_args(Element))
RISK_FLAGS: frozenset[str] = frozenset(get_args(RiskFlag))

#: Values each ask kind may carry in ``Instrument.compels``.
COMPEL_VALUES: dict[str, frozenset[str]] = {
    "disclose": DATA_CATEGORIES,
    "preserve": frozenset(),
    "restrict_account": ACCOUNT_MEASURES,
    "restrict_content": CONTENT_MEASURES,
}

#: "ZZ" is the ISO 3166 user-assigned code used for the generic, any-jurisdiction instruments.
ANY_JURISDICTION = "ZZ"

_ID = r"^[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+$"
_JURISDICTION = r"^(?:[A-Z]{2}|EU)(?:-[A-Z0-9]{1,3})?$"
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$")


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


DayCount = Literal["elapsed", "eu_1182_71"]


class Deadlines(_Frozen):
    """Statutory time limits; ``None`` where the law sets none (the order itself may).

    ``counting`` says how a period runs from receipt:

    - ``elapsed``: N x 24 hours (or N hours) from the moment of receipt;
    - ``eu_1182_71``: Regulation (EEC, Euratom) No 1182/71 Art. 3, which governs periods in
      Union acts: the day (hour) of receipt is not counted, a period in days ends at the end
      of its last day, and one ending on a Saturday or Sunday runs to the end of the next
      working day. Days are those of the issuing State's time zone. Public holidays are not
      modelled (they only ever lengthen the period).
    """

    counting: DayCount = "elapsed"
    response_days: int | None = Field(default=None, ge=1)
    #: A response period in hours (TCO Regulation Art. 3(3): one hour); wins over days.
    response_hours: int | None = Field(default=None, ge=1)
    emergency_hours: int | None = Field(default=None, ge=1)
    preservation_days: int | None = Field(default=None, ge=1)
    preservation_extension_days: int | None = Field(default=None, ge=1)
    #: How many extensions the law provides for; ``None`` means no stated limit.
    preservation_max_renewals: int | None = Field(default=None, ge=0)


class Notice(_Frozen):
    """May the platform tell the user by default, and how long may a gag delay it.

    ``delayed_notice_max_days`` is a hard statutory cap on a gag. ``delay_period_days`` is
    the length of one renewable period of delayed notice (18 U.S.C. 2705(a): 90 days, each
    extension 90 more): a longer gag is lawful but rests on extensions or a court's order.
    """

    user_notice_allowed: bool = True
    delayed_notice_max_days: int | None = Field(default=None, ge=1)
    delay_period_days: int | None = Field(default=None, ge=1)


def _check_jurisdiction(code: str, generic: bool) -> str:
    problem = check_jurisdiction(code, generic=generic)
    if problem is not None:
        raise ValueError(problem)
    return code


def _check_urls(urls: tuple[str, ...]) -> tuple[str, ...]:
    for url in urls:
        if not _URL.match(url):
            raise ValueError(f"not an http(s) URL: {url!r}")
    if len(set(urls)) != len(urls):
        raise ValueError("duplicate source URL")
    return urls


class Offence(_Frozen):
    """An offence a demand may cite; its flags feed the human-rights rules.

    ``in_force_from`` / ``in_force_to`` (inclusive) are optional: most offences predate
    anything a demand could concern, but a demand citing an offence that did not yet exist
    is a strong sign of a wrong or forged citation.
    """

    id: str = Field(pattern=_ID)
    jurisdiction: str = Field(pattern=_JURISDICTION)
    name: str = Field(min_length=1)
    citation: str = Field(min_length=1)
    flags: tuple[RiskFlag, ...] = ()
    #: Other ways demands cite it ("art. 207.3 UK RF", or the same in Cyrillic); matched by
    #: :meth:`dueprocess.law.Library.match_offence` together with ``citation``.
    aliases: tuple[str, ...] = ()
    #: Conduct unlawful in practically every legal system (child sexual abuse material):
    #: removal is called for everywhere, so withholding in one country is not proposed.
    universal: bool = False
    #: The international assessment behind a ``political_expression`` flag (UN Human Rights
    #: Committee General Comment 34, special rapporteurs' reports), with its sources.
    assessment: str = ""
    in_force_from: date | None = None
    in_force_to: date | None = None
    sources: tuple[str, ...] = Field(min_length=1)
    reviewed_on: date | None = None
    notes: str = ""

    @field_validator("sources")
    @classmethod
    def check_sources(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _check_urls(value)

    @field_validator("jurisdiction")
    @classmethod
    def check_code(cls, value: str) -> str:
        return _check_jurisdiction(value, generic=False)

    @model_validator(mode="after")
    def check_dates(self) -> Offence:
        if "political_expression" in self.flags and not self.assessment.strip():
            raise ValueError(
                "assessment: an offence flagged political_expression must say which "
                "international assessment supports the flag"
            )
        if (
            self.in_force_from is not None
            and self.in_force_to is not None
            and self.in_force_to < self.in_force_from
        ):
            raise ValueError("in_force_to: before in_force_from")
        return self

    def in_force(self, on: date) -> bool:
        return (self.in_force_from is None or self.in_force_from <= on) and (
            self.in_force_to is None or on <= self.in_force_to
        )


class Instrument(_Frozen):
    """One kind of legal process.

    ``compels`` maps each ask kind the instrument can compel to the values it allows
    (data categories for ``disclose``, measures for the restrictions, an empty list for
    ``preserve``); an absent ask kind cannot be compelled.

    ``issuers`` are the roles that may issue the instrument. ``category_issuers`` narrows
    or replaces that list for one data category or one ask kind (the more specific key
    wins: category, then ask kind, then ``issuers``).

    ``urgent_issuers`` (same keys) lists roles that may issue only in urgency: when the
    demand is marked as an emergency and states why (HK NSL Schedule 4: identification
    records on a magistrate's warrant, or by an Assistant Commissioner when a warrant
    would come too late).

    ``required_elements`` must be present in every demand; ``ask_required_elements`` only
    when the demand contains an ask of that kind.

    ``offences`` restricts the offences the instrument can serve (ids in the library; a
    dangling id fails the load); empty means any offence of its jurisdiction.
    ``stored_data_only``: it reaches only data held at receipt, not future data (DSA
    Art. 10(2)(b); the Stored Communications Act as against wiretap and pen-register law).
    ``enforcing_state_notification``: data categories for which the enforcing State must
    be notified when the person does not reside in the issuing State (e-Evidence Art. 8).

    ``in_force_to`` is the last day the instrument was in force (inclusive); ``None`` means
    still in force. ``in_force_from`` must be stated; ``null`` means not in force yet on a
    date the law does not fix (a treaty awaiting its last ratifications): a demand citing
    it gets ``legal.instrument_not_in_force``.

    ``union_wide``: an order of any Member State's authority reaches the whole Union by law
    (TCO Regulation Art. 3), so its scope is not limited to the issuing State.
    """

    id: str = Field(pattern=_ID)
    jurisdiction: str = Field(pattern=_JURISDICTION)
    name: str = Field(min_length=1)
    citation: str = Field(min_length=1)
    kind: InstrumentKind
    legal_process: str = Field(min_length=1)
    in_force_from: date | None
    in_force_to: date | None = None
    voluntary: bool = False
    compels: dict[AskKind, tuple[str, ...]]
    issuers: tuple[Role, ...] = Field(min_length=1)
    category_issuers: dict[str, tuple[Role, ...]] = Field(default_factory=dict)
    urgent_issuers: dict[str, tuple[Role, ...]] = Field(default_factory=dict)
    required_elements: tuple[Element, ...] = ()
    ask_required_elements: dict[AskKind, tuple[Element, ...]] = Field(default_factory=dict)
    deadlines: Deadlines = Deadlines()
    notice: Notice = Notice()
    risk_flags: tuple[RiskFlag, ...] = ()
    offences: tuple[str, ...] = ()
    stored_data_only: bool = False
    enforcing_state_notification: tuple[DataCategory, ...] = ()
    reporting_band: int | None = Field(default=None, ge=1)
    #: Other ways demands cite it (``"2703(d)"``, ``"§ 100j StPO"``); an unknown instrument
    #: id is looked up by these and ``citation`` in the demand's legal basis.
    aliases: tuple[str, ...] = ()
    #: The law calls for removal or disabling across the instrument's whole territory
    #: (TCO Regulation Art. 3: in all Member States): no narrower withholding is proposed.
    removal_required: bool = False
    #: An order of any Member State's authority applies across the Union by law (TCO
    #: Regulation 2021/784 Art. 3): the DSA Art. 9(2)(b) limit to the issuing State does
    #: not apply (a cross-border order goes through Art. 4 scrutiny instead).
    union_wide: bool = False
    #: Made to reach data or providers abroad (MLAT, Budapest Art. 29, the UK-US agreement):
    #: a target outside the issuing State is expected, not a finding to escalate.
    cross_border: bool = False
    #: An order by another competent authority counts as issued by the authority that
    #: validated it (e-Evidence Art. 4(1)(b), (2)(b); EIO Directive Art. 2(c)(ii)): the
    #: validator's role must then be one the instrument allows for what is asked.
    accepts_validation: bool = False
    #: Countries whose residents the instrument may not target (UK-US and AUS-US CLOUD Act
    #: agreements: no US person and no person in the United States).
    excluded_residence: tuple[str, ...] = ()
    sources: tuple[str, ...] = Field(min_length=1)
    reviewed_on: date | None = None
    notes: str = ""
    version: int = Field(ge=1)

    @field_validator("sources")
    @classmethod
    def check_sources(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _check_urls(value)

    @field_validator("jurisdiction")
    @classmethod
    def check_code(cls, value: str) -> str:
        return _check_jurisdiction(value, generic=True)

    @property
    def out_of_scope(self) -> bool:
        """Interception and technical-assistance process (see ``OUT_OF_SCOPE_KINDS``)."""
        return self.kind in OUT_OF_SCOPE_KINDS

    @model_validator(mode="after")
    def check_consistency(self) -> Instrument:
        if not self.compels:
            raise ValueError("compels: an instrument must compel at least one ask kind")
        for kind, values in self.compels.items():
            allowed = COMPEL_VALUES[kind]
            bad = sorted(set(values) - allowed)
            if bad:
                expected = ", ".join(sorted(allowed)) or "an empty list"
                raise ValueError(f"compels.{kind}: {bad} not allowed (expected {expected})")
            if kind != "preserve" and not values:
                raise ValueError(f"compels.{kind}: list the allowed values")
            if len(set(values)) != len(values):
                raise ValueError(f"compels.{kind}: duplicate value")
        for name, table in (
            ("category_issuers", self.category_issuers),
            ("urgent_issuers", self.urgent_issuers),
        ):
            for key, roles in table.items():
                if key in DATA_CATEGORIES:
                    if key not in self.compels.get("disclose", ()):
                        raise ValueError(f"{name}.{key}: the instrument does not compel {key}")
                elif key in ASK_KINDS:
                    if key not in self.compels:
                        raise ValueError(f"{name}.{key}: the instrument does not compel {key}")
                else:
                    raise ValueError(f"{name}.{key}: not a data category or ask kind")
                if not roles:
                    raise ValueError(f"{name}.{key}: list at least one role")
        for category in self.enforcing_state_notification:
            if category not in self.compels.get("disclose", ()):
                raise ValueError(
                    f"enforcing_state_notification: the instrument does not compel {category}"
                )
        if len(set(self.offences)) != len(self.offences):
            raise ValueError("offences: duplicate offence id")
        for kind in self.ask_required_elements:
            if kind not in self.compels:
                raise ValueError(
                    f"ask_required_elements.{kind}: the instrument does not compel {kind}"
                )
        if self.in_force_to is not None and (
            self.in_force_from is None or self.in_force_to < self.in_force_from
        ):
            raise ValueError("in_force_to: in_force_to is before in_force_from (or without it)")
        if self.union_wide and self.jurisdiction != "EU":
            raise ValueError("union_wide: only an EU instrument reaches the whole Union")
        if self.kind == "preservation" and "preserve" not in self.compels:
            raise ValueError("compels: a preservation instrument must compel preserve")
        if "preserve" in self.compels and self.deadlines.preservation_days is None:
            raise ValueError("deadlines.preservation_days: required when preserve is compelled")
        return self

    def in_force(self, on: date) -> bool:
        return (
            self.in_force_from is not None
            and self.in_force_from <= on
            and (self.in_force_to is None or on <= self.in_force_to)
        )

    def allowed(self, ask_kind: str) -> frozenset[str] | None:
        """Values the instrument allows for an ask kind, or ``None`` if it cannot compel it."""
        values = cast("dict[str, tuple[str, ...]]", self.compels).get(ask_kind)
        return None if values is None else frozenset(values)

    def issuers_for(self, ask_kind: str, category: str | None = None) -> tuple[str, ...]:
        if category is not None and category in self.category_issuers:
            return self.category_issuers[category]
        if ask_kind in self.category_issuers:
            return self.category_issuers[ask_kind]
        return self.issuers

    def urgent_issuers_for(self, ask_kind: str, category: str | None = None) -> tuple[str, ...]:
        if category is not None and category in self.urgent_issuers:
            return self.urgent_issuers[category]
        return self.urgent_issuers.get(ask_kind, ())

    def elements_for(self, ask_kinds: frozenset[str]) -> tuple[str, ...]:
        """Required elements for a demand with these ask kinds, in a stable order."""
        out: list[str] = list(self.required_elements)
        for kind, elements in self.ask_required_elements.items():
            if kind in ask_kinds:
                out.extend(e for e in elements if e not in out)
        return tuple(out)


class Jurisdiction(_Frozen):
    """What counsel knows about a legal system as a whole.

    Its ``risk_flags`` apply when a demand from it rests on a generic instrument or on law
    the library does not model (a minister's blocking order under a "false statements"
    law is not harmless because its statute is missing), for the ask kinds in ``asks``
    (all when empty).
    """

    code: str = Field(pattern=_JURISDICTION)
    name: str = Field(min_length=1)
    risk_flags: tuple[RiskFlag, ...] = ()
    asks: tuple[AskKind, ...] = ()
    notes: str = ""
    sources: tuple[str, ...] = Field(min_length=1)
    reviewed_on: date | None = None

    @field_validator("sources")
    @classmethod
    def check_sources(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _check_urls(value)

    @field_validator("code")
    @classmethod
    def check_code(cls, value: str) -> str:
        return _check_jurisdiction(value, generic=False)


class LawFile(_Frozen):
    """One YAML file of the library."""

    jurisdictions: tuple[Jurisdiction, ...] = ()
    instruments: tuple[Instrument, ...] = ()
    offences: tuple[Offence, ...] = ()
