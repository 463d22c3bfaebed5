"""Validated input for creating a demand, shared by the API, the portal and imports.

Pydantic checks shape and bounds at the boundary so that the actions only see sane data.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)
from pydantic.config import JsonDict

from dueprocess.demands.dsa_vocabulary import Category, Keyword
from dueprocess.demands.identifiers import BadTarget, normalise_identifier
from dueprocess.demands.models import AskKind, DataCategory, Measure, Outcome, TargetType
from dueprocess.law.regions import ISO_3166_1, WORLDWIDE

Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]
Text = Annotated[str, StringConstraints(max_length=20_000)]
Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


def _upper(value: object) -> object:
    return value.strip().upper() if isinstance(value, str) else value


Country = Annotated[str, BeforeValidator(_upper), StringConstraints(pattern=r"^([A-Z]{2}|EU)$")]


def _territory(value: object) -> object:
    """A territory a restriction applies in: a country, the EU, or ``WW`` for the world."""
    if not isinstance(value, str):
        return value
    code = value.strip().upper()
    if code in WORLDWIDE:
        return "WW"
    if code == "EU" or code in ISO_3166_1:
        return code
    raise ValueError(
        f"{value!r} is not a territory: use an ISO 3166-1 alpha-2 country code (such as DE, "
        "GB, US), EU for the whole Union, or WW for worldwide"
    )


Territory = Annotated[str, BeforeValidator(_territory)]

RoleName = Literal["judge", "court", "prosecutor", "police_senior", "police", "regulator",
                   "executive", "approver", "signatory"]


class Strict(BaseModel):
    """Closed vocabularies are the models' choices: the OpenAPI document names them as
    enums, and a validated value is the plain string the rows store."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True)


class PersonIn(Strict):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    title: Short = ""
    role: RoleName | None = None
    email: Annotated[str, StringConstraints(strip_whitespace=True, max_length=254)] = ""


class AskIn(Strict):
    kind: AskKind
    data_categories: list[DataCategory] = Field(
        default_factory=list, max_length=3)
    date_from: date | None = None
    date_to: date | None = None
    days: Annotated[int, Field(ge=1, le=3650)] | None = None
    measure: Measure | None = None
    territorial_scope: list[Territory] = Field(default_factory=list, max_length=60)
    equivalent_content: bool = Field(default=False, description=(
        "restrict_content only: the order also reaches content identical or equivalent to "
        "the items named (stay-down)"))

    @model_validator(mode="after")
    def _coherent(self) -> AskIn:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError("date_from is after date_to")
        if self.kind == "disclose" and not self.data_categories:
            raise ValueError("a disclose ask names at least one data category")
        if self.kind == "restrict_account" and self.measure not in (
                None, "suspend", "terminate", "withhold"):
            raise ValueError("restrict_account measures are suspend, terminate or withhold")
        if self.kind == "restrict_content" and self.measure not in (
                None, "remove", "disable", "withhold"):
            raise ValueError("restrict_content measures are remove, disable or withhold")
        if self.equivalent_content and self.kind != "restrict_content":
            raise ValueError("equivalent_content goes with a restrict_content ask")
        if self.measure == "withhold" and not self.territorial_scope:
            raise ValueError("withholding needs a territorial_scope")
        return self


class TargetIn(Strict):
    type: TargetType
    id: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2048)] | None = None
    url: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2048)] | None = None

    @model_validator(mode="after")
    def _one_identifier(self) -> TargetIn:
        if not (self.id or self.url):
            raise ValueError("a target needs an id or a url")
        # The one spelling every channel stores; a bad one is refused with the reason.
        try:
            if self.url:
                self.url = normalise_identifier(self.type, self.url)
            if self.id:
                self.id = normalise_identifier(self.type, self.id)
        except BadTarget as exc:
            raise ValueError(str(exc)) from exc
        return self

    @property
    def identifier(self) -> str:
        return (self.url or self.id or "").strip()


class ValidatorIn(Strict):
    """The authority that validated an order issued by another (e-Evidence Art. 4)."""

    role: Literal["judge", "court", "prosecutor"]
    name: Short = ""
    title: Short = ""


class NonDisclosureIn(Strict):
    until: date | None = None


DEMAND_EXAMPLE: JsonDict = {
    "instrument": "us.ecpa.warrant", "reference": "2:21-mj-00777", "authority": "us-fbi",
    "issued_by": {"name": "Hon. Jane Doe", "role": "judge"},
    "legal_basis": "18 U.S.C. 2703(a)", "statement_of_reasons": "Probable cause: wire fraud",
    "asks": [{"kind": "disclose", "data_categories": ["subscriber"],
              "date_from": "2020-01-01", "date_to": "2020-06-30"}],
    "targets": [{"type": "account", "id": "cs_suspect_42"}],
    "deadline": "2020-11-05T17:00:00Z",
}


class DemandIn(Strict):
    model_config = ConfigDict(json_schema_extra={"examples": [DEMAND_EXAMPLE]})

    reference: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                                max_length=200)]
    instrument: Code
    authority: Code | None = None
    issued_by: PersonIn | None = None
    validated_by: ValidatorIn | None = Field(default=None, description=(
        "The judge, court or prosecutor who validated an order issued by another authority "
        "(e-Evidence Regulation 2023/1543 Art. 4; EIO Directive Art. 2(c)(ii))"))
    officials: list[PersonIn] = Field(default_factory=list, max_length=50)
    emergency: bool = False
    emergency_justification: Text = ""
    legal_basis: Text = ""
    statement_of_reasons: Text = ""
    offences: list[Code] = Field(default_factory=list, max_length=50)
    redress: Text = ""
    asks: list[AskIn] = Field(min_length=1, max_length=20)
    targets: list[TargetIn] = Field(default_factory=list, max_length=10_000)
    non_disclosure: NonDisclosureIn | None = None
    deadline: datetime | None = None
    language: Annotated[str, StringConstraints(max_length=10)] = ""
    received_at: datetime | None = None
    acknowledged_at: datetime | None = Field(
        default=None, description="Staff imports only, with received_at: when the platform "
        "acknowledged receipt; left out, the acknowledgement time is recorded as unknown")

    @model_validator(mode="after")
    def _aware(self) -> DemandIn:
        for name in ("deadline", "received_at", "acknowledged_at"):
            value = getattr(self, name)
            if value is not None and value.tzinfo is None:
                raise ValueError(f"{name} needs a time zone (e.g. 2020-07-20T09:00:00Z)")
        if self.acknowledged_at is not None:
            if self.received_at is None:
                raise ValueError("acknowledged_at goes with received_at (an import)")
            if self.acknowledged_at < self.received_at:
                raise ValueError("acknowledged_at is before received_at")
        return self


class DecisionIn(Strict):
    ask: Annotated[int, Field(ge=0)] = Field(description="Position of the ask in the demand")
    target: Annotated[str, StringConstraints(max_length=2048)] | None = Field(
        default=None, description="Target identifier; empty for every target of the ask")
    outcome: Outcome
    reason_codes: list[Code] = Field(default_factory=list, max_length=20)
    rationale: Text = ""
    data_categories: list[DataCategory] | None = None
    date_from: date | None = None
    date_to: date | None = None
    withhold_in: list[Country] | None = Field(
        default=None, min_length=1, max_length=60,
        description="comply_partially on a content or account restriction: withhold the "
                    "content or account in these territories only, instead of removing, "
                    "disabling, suspending or terminating it everywhere")
    dsa_category: Category | None = Field(
        default=None, description="DSA Transparency Database category of the content "
                                  "(STATEMENT_CATEGORY_*), for statements of reasons")
    dsa_keywords: list[Keyword] = Field(default_factory=list, max_length=20,
                                        description="DSA keywords (KEYWORD_*)")


class OverrideIn(Strict):
    """Complying against block findings or the human-rights conclusion, on the record."""

    findings: list[Code] = Field(default_factory=list, max_length=50, description=(
        "Codes of the current block findings this decision goes against"))
    human_rights: bool = Field(default=False, description=(
        "The decision goes beyond what the human-rights review concluded"))
    reason_codes: list[Code] = Field(default_factory=list, max_length=20)
    rationale: Text = ""


DECISIONS_EXAMPLE: JsonDict = {"decisions": [{
    "ask": 0, "outcome": "comply_partially", "reason_codes": ["overbroad"],
    "rationale": "Subscriber data for the named account only; the period is narrowed to the "
                 "months the statement of reasons covers.",
    "data_categories": ["subscriber"], "date_from": "2020-03-01", "date_to": "2020-04-30",
}]}


class DecisionsIn(Strict):
    model_config = ConfigDict(json_schema_extra={"examples": [DECISIONS_EXAMPLE]})

    decisions: list[DecisionIn] = Field(min_length=1, max_length=1000)
    override: OverrideIn | None = Field(default=None, description=(
        "Needed (with the override permission) to comply against a block finding or the "
        "human-rights conclusion; always approved by a second person"))
