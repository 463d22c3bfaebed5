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
from typing import Annotated, Any, Literal

from django.db import IntegrityError, transaction
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from dueprocess.audit.chain import record
from dueprocess.demands.dsa_vocabulary import (
    CATEGORIES,
    KEYWORDS,
    NOT_SPECIFIED,
    Category,
    Keyword,
)
from dueprocess.demands.models import Action, ActionKind, ActionStatus, Demand
from dueprocess.execution.models import StatementOfReasons
from dueprocess.law import default_library
from dueprocess.redaction import redact, strip_placeholders

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


_PLACEHOLDER_CITATION = "the national law cited in the order"


def _citation(demand: Demand) -> str:
    """The instrument's citation, without the library's placeholder text."""

    instrument = default_library().get(demand.instrument)
    citation = strip_placeholders(instrument.citation) if instrument else ""
    return citation or _PLACEHOLDER_CITATION


def _private_names(demand: Demand, action: Action) -> list[str]:
    """Who must not be named: the affected accounts and every person on the order."""
    names = [t.lstrip("@") for t in demand.targets.filter(type="account").values_list(
        "identifier", flat=True)[:1000]]
    names += [str((action.result or {}).get("account") or "")]
    names += list(demand.officials.values_list("name", flat=True)[:100])
    names.append(str((demand.issued_by or {}).get("name") or ""))
    return [n for n in names if n]


def _public(text: str, names: list[str]) -> str:
    return redact(strip_placeholders(text), names, urls="all").text.strip()


def _decided(action: Action) -> tuple[str, list[str]]:
    """The DSA category and keywords: the reviewer's decision's, else the demand's."""
    decision = action.decision
    demand = action.demand
    if decision is not None and decision.dsa_category in CATEGORIES:
        category = decision.dsa_category
        keywords = decision.dsa_keywords or demand.category_keywords or []
    else:
        category = demand.content_category if demand.content_category in CATEGORIES \
            else NOT_SPECIFIED
        keywords = (decision.dsa_keywords if decision is not None else None) \
            or demand.category_keywords or []
    return category, [k for k in dict.fromkeys(keywords) if k in KEYWORDS]


def _language(result: dict[str, Any]) -> str | None:
    lang = str(result.get("language") or "").split("-")[0].upper()
    return lang if re.fullmatch(r"[A-Z]{2}", lang) else None


_BUSINESS_FLAGS = {"business", "company", "organisation", "organization", "ngo", "media",
                   "brand", "trader"}


def _account_type(action: Action, result: dict[str, Any]) -> str | None:
    kind = str(result.get("account_type") or "").lower()
    if kind in ("business", "private"):
        return f"ACCOUNT_TYPE_{kind.upper()}"
    flags = {str(f).lower() for f in (action.target.flags if action.target else None) or ()}
    if flags & _BUSINESS_FLAGS:
        return "ACCOUNT_TYPE_BUSINESS"
    return None


def _end_date(action: Action, result: dict[str, Any]) -> date | None:
    raw = result.get("until") or (action.params or {}).get("until")
    try:
        return date.fromisoformat(str(raw)[:10]) if raw else None
    except ValueError:
        return None


def build_statement(action: Action) -> StatementOfReasonsIn:
    """The statement for one finished restriction action; raises if it would be invalid.

    Every free text passes through the publication redactor with URLs removed whole: the
    database is public and must not lead to the account, the content or a person."""
    demand = action.demand
    citation = _citation(demand)
    names = _private_names(demand, action)
    scope = _scope(action)
    result = action.result or {}
    try:
        content_date = date.fromisoformat(str(result.get("created"))[:10])
    except ValueError:
        content_date = demand.received_at.date()
    applied = (action.finished_at or demand.updated_at).date()
    facts = (f"Order {_public(demand.reference, names)} of {demand.authority.name} "
             f"({demand.jurisdiction}) under {citation}, received "
             f"{demand.received_at:%Y-%m-%d}. After legal review the provider "
             f"{what_was_done(action)}.")
    category, keywords = _decided(action)
    ground = _public(demand.legal_basis, names) or citation
    explanation = _public(demand.statement_of_reasons, names) or \
        f"Order of {demand.authority.name} under {citation}"
    is_content = action.kind in _VISIBILITY and action.kind != ActionKind.WITHHOLD_ACCOUNT
    data: dict[str, Any] = {
        "decision_ground": "DECISION_GROUND_ILLEGAL_CONTENT",
        "illegal_content_legal_ground": ground[:500],
        "illegal_content_explanation": explanation[:2000],
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
    language = _language(result)
    if language and is_content:
        data["content_language"] = language
    account_type = _account_type(action, result)
    if account_type:
        data["account_type"] = account_type
    end = _end_date(action, result)
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
    if end is not None:
        field = "end_date_account_restriction" if action.kind in _ACCOUNT \
            else "end_date_visibility_restriction"
        data[field] = end
    return StatementOfReasonsIn.model_validate(data)


def ensure_for_action(action: Action) -> StatementOfReasons | None:
    """Create the statement of a succeeded restriction action unless it exists."""
    if action.kind not in RESTRICTIONS or action.status != ActionStatus.SUCCEEDED:
        return None
    existing = StatementOfReasons.objects.filter(action=action).first()
    if existing is not None:
        return existing
    action = Action.objects.select_related("demand__authority", "decision", "target").get(
        pk=action.pk)
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
