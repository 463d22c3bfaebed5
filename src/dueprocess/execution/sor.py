"""DSA statements of reasons (Art. 17 and 24(5)) in the Transparency Database schema.

Every content or account restriction dueprocess carries out gets one statement, built from
the demand and the action's result and validated against the database's rules (the field
rules and enumerations of the Commission's API v1 schema of 1 July 2025). Statements are
exported in batches of at most 100, the size the database's batch endpoint accepts.

A statement must not carry personal data (the database is public): it names the measure,
the order and its legal ground, never the account or URL.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Annotated, Any, Literal, get_args

from django.db import IntegrityError, transaction
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from dueprocess.audit.chain import record
from dueprocess.demands.models import Action, ActionKind, ActionStatus
from dueprocess.execution.models import StatementOfReasons
from dueprocess.law import default_library

BATCH_SIZE = 100

DecisionVisibility = Literal[
    "DECISION_VISIBILITY_CONTENT_REMOVED", "DECISION_VISIBILITY_CONTENT_DISABLED",
    "DECISION_VISIBILITY_CONTENT_DEMOTED", "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED",
    "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED",
    "DECISION_VISIBILITY_CONTENT_LABELLED", "DECISION_VISIBILITY_OTHER"]
DecisionMonetary = Literal["DECISION_MONETARY_SUSPENSION", "DECISION_MONETARY_TERMINATION",
                           "DECISION_MONETARY_OTHER"]
DecisionProvision = Literal[
    "DECISION_PROVISION_PARTIAL_SUSPENSION", "DECISION_PROVISION_TOTAL_SUSPENSION",
    "DECISION_PROVISION_PARTIAL_TERMINATION", "DECISION_PROVISION_TOTAL_TERMINATION"]
DecisionAccount = Literal["DECISION_ACCOUNT_SUSPENDED", "DECISION_ACCOUNT_TERMINATED"]
AccountType = Literal["ACCOUNT_TYPE_BUSINESS", "ACCOUNT_TYPE_PRIVATE"]
DecisionGround = Literal["DECISION_GROUND_ILLEGAL_CONTENT",
                         "DECISION_GROUND_INCOMPATIBLE_CONTENT"]
ContentType = Literal[
    "CONTENT_TYPE_APP", "CONTENT_TYPE_AUDIO", "CONTENT_TYPE_IMAGE", "CONTENT_TYPE_PRODUCT",
    "CONTENT_TYPE_SYNTHETIC_MEDIA", "CONTENT_TYPE_TEXT", "CONTENT_TYPE_VIDEO",
    "CONTENT_TYPE_OTHER"]
SourceType = Literal["SOURCE_ARTICLE_16", "SOURCE_TRUSTED_FLAGGER",
                     "SOURCE_TYPE_OTHER_NOTIFICATION", "SOURCE_VOLUNTARY"]
AutomatedDecision = Literal["AUTOMATED_DECISION_FULLY", "AUTOMATED_DECISION_PARTIALLY",
                            "AUTOMATED_DECISION_NOT_AUTOMATED"]
Category = Literal[
    "STATEMENT_CATEGORY_ANIMAL_WELFARE", "STATEMENT_CATEGORY_CONSUMER_INFORMATION",
    "STATEMENT_CATEGORY_CYBER_VIOLENCE", "STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN",
    "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
    "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
    "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
    "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
    "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE", "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
    "STATEMENT_CATEGORY_PROTECTION_OF_MINORS", "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
    "STATEMENT_CATEGORY_SCAMS_AND_FRAUD", "STATEMENT_CATEGORY_SELF_HARM",
    "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS", "STATEMENT_CATEGORY_VIOLENCE"]
Keyword = Literal[
    "KEYWORD_ADULT_SEXUAL_MATERIAL", "KEYWORD_AGE_SPECIFIC_RESTRICTIONS",
    "KEYWORD_AGE_SPECIFIC_RESTRICTIONS_MINORS", "KEYWORD_ANIMAL_HARM",
    "KEYWORD_BIOMETRIC_DATA_BREACH", "KEYWORD_BULLYING_AGAINST_GIRLS",
    "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL", "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE",
    "KEYWORD_CONTENT_PROMOTING_EATING_DISORDERS", "KEYWORD_COORDINATED_HARM",
    "KEYWORD_COPYRIGHT_INFRINGEMENT", "KEYWORD_CYBER_BULLYING_INTIMIDATION",
    "KEYWORD_CYBER_HARASSMENT", "KEYWORD_CYBER_HARASSMENT_AGAINST_WOMEN",
    "KEYWORD_CYBER_INCITEMENT", "KEYWORD_CYBER_STALKING", "KEYWORD_CYBER_STALKING_AGAINST_WOMEN",
    "KEYWORD_DATA_FALSIFICATION", "KEYWORD_DEFAMATION", "KEYWORD_DESIGN_INFRINGEMENT",
    "KEYWORD_DISCRIMINATION", "KEYWORD_FEMALE_GENDERED_DISINFORMATION",
    "KEYWORD_GEOGRAPHIC_INDICATIONS_INFRINGEMENT", "KEYWORD_GEOGRAPHICAL_REQUIREMENTS",
    "KEYWORD_GOODS_SERVICES_NOT_PERMITTED", "KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS",
    "KEYWORD_HATE_SPEECH", "KEYWORD_HIDDEN_ADVERTISEMENT", "KEYWORD_HUMAN_EXPLOITATION",
    "KEYWORD_HUMAN_TRAFFICKING", "KEYWORD_ILLEGAL_ORGANIZATIONS",
    "KEYWORD_IMPERSONATION_ACCOUNT_HIJACKING", "KEYWORD_INAUTHENTIC_ACCOUNTS",
    "KEYWORD_INAUTHENTIC_LISTINGS", "KEYWORD_INAUTHENTIC_USER_REVIEWS",
    "KEYWORD_INCITEMENT_AGAINST_WOMEN", "KEYWORD_INCITEMENT_VIOLENCE_HATRED",
    "KEYWORD_INSUFFICIENT_INFORMATION_ON_TRADERS", "KEYWORD_LANGUAGE_REQUIREMENTS",
    "KEYWORD_MISINFORMATION_DISINFORMATION", "KEYWORD_MISLEADING_INFO_CONSUMER_RIGHTS",
    "KEYWORD_MISLEADING_INFO_GOODS_SERVICES", "KEYWORD_MISSING_PROCESSING_GROUND",
    "KEYWORD_NON_CONSENSUAL_IMAGE_SHARING", "KEYWORD_NON_CONSENSUAL_IMAGE_SHARING_AGAINST_WOMEN",
    "KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE",
    "KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE_AGAINST_WOMEN", "KEYWORD_NONCOMPLIANCE_PRICING",
    "KEYWORD_NUDITY", "KEYWORD_PATENT_INFRINGEMENT", "KEYWORD_PHISHING",
    "KEYWORD_PROHIBITED_PRODUCTS", "KEYWORD_PYRAMID_SCHEMES", "KEYWORD_RIGHT_TO_BE_FORGOTTEN",
    "KEYWORD_RISK_ENVIRONMENTAL_DAMAGE", "KEYWORD_RISK_PUBLIC_HEALTH",
    "KEYWORD_SELF_MUTILATION", "KEYWORD_STALKING", "KEYWORD_SUICIDE",
    "KEYWORD_TERRORIST_CONTENT", "KEYWORD_TRADE_SECRET_INFRINGEMENT",
    "KEYWORD_TRADEMARK_INFRINGEMENT", "KEYWORD_TRAFFICKING_WOMEN_GIRLS",
    "KEYWORD_UNLAWFUL_SALE_ANIMALS", "KEYWORD_UNSAFE_CHALLENGES", "KEYWORD_UNSAFE_PRODUCTS",
    "KEYWORD_VIOLATION_EU_LAW", "KEYWORD_VIOLATION_NATIONAL_LAW", "KEYWORD_OTHER"]

EU = ("AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
      "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK")
EEA = (*EU, "IS", "LI", "NO")
EeaCountry = Literal[
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE",
    "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "IS", "LI", "NO"]
YesNo = Literal["Yes", "No"]

Short = Annotated[str, StringConstraints(min_length=1, max_length=500)]
Long = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
Puid = Annotated[str, StringConstraints(min_length=1, max_length=500,
                                        pattern=r"^[a-zA-Z0-9\-_]+$")]
Language = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
Url = Annotated[str, StringConstraints(max_length=500, pattern=r"^https?://\S+$")]


class StatementOfReasonsIn(BaseModel):
    """One statement, validated the way the Transparency Database's API validates it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    decision_visibility: list[DecisionVisibility] | None = None
    decision_visibility_other: Short | None = None
    decision_monetary: DecisionMonetary | None = None
    decision_monetary_other: Short | None = None
    decision_provision: DecisionProvision | None = None
    decision_account: DecisionAccount | None = None
    account_type: AccountType | None = None
    decision_ground: DecisionGround
    decision_ground_reference_url: Url | None = None
    illegal_content_legal_ground: Short | None = None
    illegal_content_explanation: Long | None = None
    incompatible_content_ground: Short | None = None
    incompatible_content_explanation: Long | None = None
    incompatible_content_illegal: YesNo | None = None
    content_type: list[ContentType] = Field(min_length=1)
    content_type_other: Short | None = None
    category: Category
    category_addition: list[Category] | None = None
    category_specification: list[Keyword] | None = None
    category_specification_other: Short | None = None
    territorial_scope: list[EeaCountry] | None = None
    content_language: Language | None = None
    content_date: date = Field(ge=date(2000, 1, 1), le=date(2038, 1, 1))
    application_date: date = Field(ge=date(2020, 1, 1), le=date(2038, 1, 1))
    end_date_account_restriction: date | None = None
    end_date_monetary_restriction: date | None = None
    end_date_service_restriction: date | None = None
    end_date_visibility_restriction: date | None = None
    decision_facts: Annotated[str, StringConstraints(min_length=1, max_length=5000)]
    source_type: SourceType
    source_identity: Short | None = None
    automated_detection: YesNo
    automated_decision: AutomatedDecision
    puid: Puid

    @model_validator(mode="after")
    def _rules(self) -> StatementOfReasonsIn:
        if not (self.decision_visibility or self.decision_monetary or self.decision_provision
                or self.decision_account):
            raise ValueError("at least one of decision_visibility, decision_monetary, "
                             "decision_provision, decision_account is required")
        if (self.decision_visibility and "DECISION_VISIBILITY_OTHER" in self.decision_visibility
                and not self.decision_visibility_other):
            raise ValueError("decision_visibility_other is required with "
                             "DECISION_VISIBILITY_OTHER")
        if self.decision_monetary == "DECISION_MONETARY_OTHER" and \
                not self.decision_monetary_other:
            raise ValueError("decision_monetary_other is required with DECISION_MONETARY_OTHER")
        if self.decision_ground == "DECISION_GROUND_ILLEGAL_CONTENT":
            if not (self.illegal_content_legal_ground and self.illegal_content_explanation):
                raise ValueError("illegal content needs illegal_content_legal_ground and "
                                 "illegal_content_explanation")
        else:
            if not (self.incompatible_content_ground and self.incompatible_content_explanation):
                raise ValueError("incompatible content needs incompatible_content_ground and "
                                 "incompatible_content_explanation")
        if self.incompatible_content_illegal is not None and \
                self.decision_ground != "DECISION_GROUND_INCOMPATIBLE_CONTENT":
            raise ValueError("incompatible_content_illegal belongs to the incompatible ground")
        if "CONTENT_TYPE_OTHER" in self.content_type and not self.content_type_other:
            raise ValueError("content_type_other is required with CONTENT_TYPE_OTHER")
        if self.source_type == "SOURCE_VOLUNTARY" and self.source_identity:
            raise ValueError("source_identity is excluded for SOURCE_VOLUNTARY")
        return self


class StatementBatch(BaseModel):
    """The body of the batch endpoint: 1 to 100 statements, puids unique."""

    model_config = ConfigDict(extra="forbid")

    statements: list[StatementOfReasonsIn] = Field(min_length=1, max_length=BATCH_SIZE)

    @model_validator(mode="after")
    def _unique(self) -> StatementBatch:
        puids = [s.puid for s in self.statements]
        if len(puids) != len(set(puids)):
            raise ValueError("a batch repeats a puid")
        return self


# --------------------------------------------------------------------------- from actions

RESTRICTIONS = (ActionKind.REMOVE, ActionKind.DISABLE, ActionKind.WITHHOLD,
                ActionKind.SUSPEND, ActionKind.TERMINATE, ActionKind.WITHHOLD_ACCOUNT)
_WITHHOLDINGS = (ActionKind.WITHHOLD, ActionKind.WITHHOLD_ACCOUNT)
_VISIBILITY: dict[str, str] = {ActionKind.REMOVE: "DECISION_VISIBILITY_CONTENT_REMOVED",
               ActionKind.DISABLE: "DECISION_VISIBILITY_CONTENT_DISABLED",
               ActionKind.WITHHOLD: "DECISION_VISIBILITY_CONTENT_DISABLED",
               ActionKind.WITHHOLD_ACCOUNT: "DECISION_VISIBILITY_OTHER"}
_ACCOUNT: dict[str, str] = {ActionKind.SUSPEND: "DECISION_ACCOUNT_SUSPENDED",
            ActionKind.TERMINATE: "DECISION_ACCOUNT_TERMINATED"}
_MEASURE_WORDS: dict[str, str] = {ActionKind.REMOVE: "removed the content item",
                  ActionKind.DISABLE: "disabled access to the content item",
                  ActionKind.WITHHOLD: "withheld the content item",
                  ActionKind.SUSPEND: "suspended the account",
                  ActionKind.TERMINATE: "terminated the account",
                  ActionKind.WITHHOLD_ACCOUNT: "withheld the account"}
_ASKED_WORDS: dict[str, str] = {"remove": "removal", "disable": "disabling of access",
                                "suspend": "suspension", "terminate": "termination",
                                "withhold": "withholding"}


def _territories(action: Action) -> list[str]:
    return [str(t).strip().upper() for t in (action.params or {}).get("territories") or ()
            if str(t).strip()]


def _scope(action: Action) -> list[str]:
    """EEA countries where the restriction takes effect: all of them unless withheld."""
    if action.kind not in _WITHHOLDINGS:
        return list(EEA)
    wanted = set(_territories(action))
    if "EEA" in wanted:
        wanted |= set(EEA)
    if "EU" in wanted:
        wanted |= set(EU)
    return [c for c in EEA if c in wanted]


def what_was_done(action: Action) -> str:
    """Exactly what the provider did and where, and what was asked when that was more:
    the words of the statement of reasons (and of nothing that claims more)."""
    if action.kind not in _WITHHOLDINGS:
        return f"{_MEASURE_WORDS[action.kind]} worldwide"
    where = ", ".join(_territories(action)) or "the named territories"
    text = f"{_MEASURE_WORDS[action.kind]} in {where} only; it remains available elsewhere"
    asked = (action.params or {}).get("instead_of")
    if asked:
        text += (f" (the order asked for {_ASKED_WORDS.get(asked, asked)}; the provider "
                 f"withheld instead, the least restrictive way to comply)")
    return text


def _clamp(day: date, low: date, high: date) -> date:
    return min(max(day, low), high)


def puid_for(action: Action) -> str:
    return "dueprocess-" + re.sub(r"[^a-zA-Z0-9\-_]", "-", action.idempotency_key)[:480]


def build_statement(action: Action) -> StatementOfReasonsIn:
    """The statement for one finished restriction action; raises if it would be invalid."""

    demand = action.demand
    instrument = default_library().get(demand.instrument)
    citation = instrument.citation if instrument else demand.instrument
    scope = _scope(action)
    result = action.result or {}
    try:
        content_date = date.fromisoformat(str(result.get("created"))[:10])
    except ValueError:
        content_date = demand.received_at.date()
    applied = (action.finished_at or demand.updated_at).date()
    facts = (f"Order {demand.reference} of {demand.authority.name} "
             f"({demand.jurisdiction}) under {citation}, received "
             f"{demand.received_at:%Y-%m-%d}. After legal review the provider "
             f"{what_was_done(action)}.")
    category = demand.content_category if demand.content_category in get_args(Category) \
        else "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE"
    keywords = [k for k in demand.category_keywords or () if k in get_args(Keyword)]
    is_content = action.kind in _VISIBILITY and action.kind != ActionKind.WITHHOLD_ACCOUNT
    data: dict[str, Any] = {
        "decision_ground": "DECISION_GROUND_ILLEGAL_CONTENT",
        "illegal_content_legal_ground": (demand.legal_basis or citation)[:500],
        "illegal_content_explanation": (demand.statement_of_reasons
                                        or f"Order of {demand.authority.name}")[:2000],
        "content_type": ["CONTENT_TYPE_TEXT"] if is_content else ["CONTENT_TYPE_OTHER"],
        "category": category,
        "content_date": _clamp(content_date, date(2000, 1, 1), date(2038, 1, 1)),
        "application_date": _clamp(applied, date(2020, 1, 1), date(2038, 1, 1)),
        "decision_facts": facts[:5000],
        "source_type": "SOURCE_TYPE_OTHER_NOTIFICATION",
        "source_identity": demand.authority.name[:500],
        "automated_detection": "No",
        "automated_decision": "AUTOMATED_DECISION_NOT_AUTOMATED",
        "puid": puid_for(action),
    }
    if scope:
        data["territorial_scope"] = scope
    if keywords:
        data["category_specification"] = keywords
    if action.kind == ActionKind.WITHHOLD_ACCOUNT:
        data["decision_visibility"] = [_VISIBILITY[action.kind]]
        data["decision_visibility_other"] = (
            "Account withheld in " + ", ".join(_territories(action)))[:500]
        data["content_type_other"] = "User account"
    elif is_content:
        data["decision_visibility"] = [_VISIBILITY[action.kind]]
    else:
        data["decision_account"] = _ACCOUNT[action.kind]
        data["content_type_other"] = "User account"
    return StatementOfReasonsIn.model_validate(data)


def ensure_for_action(action: Action) -> StatementOfReasons | None:
    """Create the statement of a succeeded restriction action unless it exists."""
    if action.kind not in RESTRICTIONS or action.status != ActionStatus.SUCCEEDED:
        return None
    existing = StatementOfReasons.objects.filter(action=action).first()
    if existing is not None:
        return existing
    action = Action.objects.select_related("demand__authority").get(pk=action.pk)
    statement = build_statement(action)
    try:
        with transaction.atomic():
            row = StatementOfReasons.objects.create(
                demand=action.demand, action=action, puid=statement.puid,
                statement=statement.model_dump(mode="json", exclude_none=True),
                in_eea=bool(statement.territorial_scope))
            record("dsa.statement_created", actor="system", demand_id=action.demand_id,
                   payload={"action": action.pk, "puid": row.puid, "in_eea": row.in_eea})
    except IntegrityError:
        return StatementOfReasons.objects.filter(action=action).first()
    return row


def ensure_all() -> int:
    """Statements for every finished restriction that lacks one (after a crash, say)."""
    missing = Action.objects.filter(kind__in=RESTRICTIONS, status=ActionStatus.SUCCEEDED
                                    ).exclude(pk__in=StatementOfReasons.objects.values("action"))
    count = 0
    for action in missing.order_by("pk").iterator():
        count += ensure_for_action(action) is not None
    return count


def statements_since(since: date, *, include_outside_eea: bool = False, after: int = 0,
                     limit: int | None = None) -> list[StatementOfReasons]:
    qs = StatementOfReasons.objects.filter(created_at__date__gte=since, pk__gt=after)
    if not include_outside_eea:
        qs = qs.filter(in_eea=True)
    qs = qs.order_by("pk")
    return list(qs[:limit] if limit else qs)


def batches(since: date, *, include_outside_eea: bool = False) -> Iterator[dict[str, Any]]:
    """``{"statements": [...]}`` bodies of at most 100 statements, each validated again."""
    ensure_all()
    after = 0
    while True:
        rows = statements_since(since, include_outside_eea=include_outside_eea, after=after,
                                limit=BATCH_SIZE)
        if not rows:
            return
        after = rows[-1].pk
        batch = StatementBatch.model_validate({"statements": [r.statement for r in rows]})
        yield batch.model_dump(mode="json", exclude_none=True)
