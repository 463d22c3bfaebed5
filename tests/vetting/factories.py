"""Builders for vetting facts: a valid baseline demand that each test bends one way."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from typing import Any

from dueprocess.law import Library, default_library
from dueprocess.vetting import (
    AskFacts,
    DemandFacts,
    Finding,
    PolicyFacts,
    TargetFacts,
    VettingResult,
    vet,
)

LIB: Library = default_library()


def at(year: int, month: int, day: int, hour: int = 12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def account(identifier: str = "@alice", **kw: Any) -> TargetFacts:
    kw.setdefault("country", "US")
    kw.setdefault("data_location", "US")
    return TargetFacts("account", identifier, exists=True, **kw)


def post(url: str = "https://example.social/p/1", **kw: Any) -> TargetFacts:
    return TargetFacts("content", url, exists=True, **kw)


def disclose(*categories: str, **kw: Any) -> AskFacts:
    kw.setdefault("date_from", date(2024, 1, 1))
    kw.setdefault("date_to", date(2024, 1, 31))
    return AskFacts("disclose", tuple(categories), **kw)


def demand(**overrides: Any) -> DemandFacts:
    """A US search warrant for one account's content: complies cleanly unless changed."""
    base = DemandFacts(
        reference="REF-1",
        instrument_id="us.ecpa.warrant",
        jurisdiction="US",
        authority_kind="agency",
        issuer_role="judge",
        received_at=at(2024, 3, 1),
        legal_basis="18 U.S.C. 2703(a)",
        statement_of_reasons="Evidence of distribution of child sexual abuse material.",
        redress="Motion to quash before the issuing court.",
        offences=("us.18usc2252",),
        asks=(disclose("content"),),
        targets=(account(),),
    )
    return dataclasses.replace(base, **overrides)


def hk(**overrides: Any) -> DemandFacts:
    """An NSL Schedule 4 demand from the Hong Kong Police, complete on its face."""
    values: dict[str, Any] = {
        "instrument_id": "hk.nsl43.sch4",
        "jurisdiction": "HK",
        "authority_kind": "police",
        "issuer_role": "police_senior",
        "received_at": at(2020, 7, 20),
        "legal_basis": "NSL Art. 43 Implementation Rules, Schedule 4",
        "offences": ("hk.nsl.art21",),
        "asks": (AskFacts("disclose", ("subscriber",)),),
        "targets": (account("@standwithhk", country="HK", data_location="HK"),),
        "officials": (
            ("TANG Ping-keung", "Commissioner of Police", "signatory"),
            ("LEE Ka-chiu", "Secretary for Security", "approver"),
        ),
    }
    values.update(overrides)
    return demand(**values)


def policy(**overrides: Any) -> PolicyFacts:
    values: dict[str, Any] = {
        "id": 1,
        "name": "Pause HK data requests",
        "effect": "pause",
        "jurisdiction": "HK",
        "ask_kinds": ("disclose",),
        "valid_from": date(2020, 7, 6),
    }
    values.update(overrides)
    return PolicyFacts(**values)


PAUSE_HK = policy()
MLAT_HK = policy(
    id=2,
    name="Route HK data demands to MLAT",
    effect="route_mlat",
    ask_kinds=(),
    valid_from=date(2020, 8, 13),
)


def run(d: DemandFacts, *policies: PolicyFacts) -> VettingResult:
    return vet(d, LIB, policies)


def codes(result: VettingResult) -> set[str]:
    return set(result.codes)


def only(result: VettingResult, code: str) -> Finding:
    """The one finding with this code (fails if there are none or several)."""
    found = result.by_code(code)
    assert len(found) == 1, result.findings
    return found[0]
