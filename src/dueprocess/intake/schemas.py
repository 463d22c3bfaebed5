"""Response shapes of the API (request shapes live in dueprocess.demands.inputs)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from dueprocess.demands.inputs import Country
from dueprocess.demands.models import (
    AskKind,
    AuthorityKind,
    DataCategory,
    Measure,
    Outcome,
    Recommendation,
    Severity,
    Status,
    TargetType,
)
from dueprocess.web.schemas import (  # noqa: F401  (part of this API's shapes)
    ErrorBody,
    ErrorOut,
    OneOf,
)


class FindingOut(BaseModel):
    code: str
    severity: Annotated[str, OneOf(Severity)]
    message: str
    rule: str
    rule_version: int
    data_version: str
    evidence: dict[str, Any]
    ask: int | None = None


class AskOut(BaseModel):
    kind: Annotated[str, OneOf(AskKind)]
    data_categories: list[Annotated[str, OneOf(DataCategory)]]
    date_from: date | None
    date_to: date | None
    days: int | None
    measure: Annotated[str, OneOf(Measure)] | None
    territorial_scope: list[str]
    equivalent_content: bool = False


class TargetOut(BaseModel):
    type: Annotated[str, OneOf(TargetType)]
    identifier: str
    exists: bool | None = None
    country: str | None = None
    data_location: str | None = None


class PersonOut(BaseModel):
    name: str
    title: str = ""
    role: str | None = None


class DecisionOut(BaseModel):
    ask: int
    target: str | None
    outcome: Annotated[str, OneOf(Outcome)]
    reason_codes: list[str]
    rationale: str | None
    narrowed: dict[str, Any]
    decided_at: datetime


class DemandOut(BaseModel):
    id: int
    reference: str
    authority: str
    jurisdiction: str
    instrument: str
    status: Annotated[str, OneOf(Status)]
    recommendation: Annotated[str, OneOf(Recommendation)] | None
    explanation: str | None
    emergency: bool
    received_at: datetime
    deadline: datetime | None
    issued_by: dict[str, Any]
    validated_by: dict[str, Any] = Field(default_factory=dict, description=(
        "The authority that validated the order (role, name, title); empty if none"))
    officials: list[PersonOut]
    asks: list[AskOut]
    targets: list[TargetOut]
    target_count: int
    findings: list[FindingOut]
    decisions: list[DecisionOut]
    awaiting_approval: bool
    duplicate_of: int | None = Field(
        None, description="An earlier demand of the authority with the same reference")


class DemandSummary(BaseModel):
    id: int
    reference: str
    authority: str
    jurisdiction: str
    instrument: str
    status: Annotated[str, OneOf(Status)]
    recommendation: Annotated[str, OneOf(Recommendation)] | None
    received_at: datetime
    target_count: int


class DemandPage(BaseModel):
    items: list[DemandSummary]
    next_after: int | None = Field(description="Pass as ?after= for the next page")


Slug = Annotated[str, StringConstraints(strip_whitespace=True,
                                        pattern=r"^[a-z0-9][a-z0-9-]{1,79}$")]
Domain = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, max_length=253,
                                          pattern=r"^[a-z0-9.-]+\.[a-z]{2,}$")]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9 ()-]{5,30}$")]


class AuthorityIn(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=True, json_schema_extra={
        "examples": [{"slug": "us-fbi", "name": "Federal Bureau of Investigation",
                      "jurisdiction": "US", "kind": "police", "domains": ["fbi.gov"],
                      "phones": ["+1 202 324 3000"]}]})
    slug: Slug
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    jurisdiction: Country
    kind: AuthorityKind
    domains: list[Domain] = Field(default_factory=list, max_length=50)
    phones: list[Phone] = Field(default_factory=list, max_length=20)


class AuthorityOut(BaseModel):
    id: int
    slug: str
    name: str
    jurisdiction: str
    kind: Annotated[str, OneOf(AuthorityKind)]
    domains: list[str]
    phones: list[str]


class InstrumentOut(BaseModel):
    """An instrument of the law library as a client needs it to build a valid demand;
    fields mean what they mean in the library (docs/law-library.md)."""

    id: str
    jurisdiction: str
    name: str
    citation: str
    kind: str
    legal_process: str
    voluntary: bool
    compels: dict[str, list[str]]
    issuers: list[str]
    category_issuers: dict[str, list[str]]
    urgent_issuers: dict[str, list[str]]
    required_elements: list[str]
    ask_required_elements: dict[str, list[str]]
    deadlines: dict[str, Any]
    notice: dict[str, Any]
    risk_flags: list[str]
    offences: list[str]
    stored_data_only: bool
    enforcing_state_notification: list[str]
    in_force_from: date | None
    in_force_to: date | None
    sources: list[str]
    notes: str
    version: int


class InstrumentList(BaseModel):
    version: str
    items: list[InstrumentOut]
