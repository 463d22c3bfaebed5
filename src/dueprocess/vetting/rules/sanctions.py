"""Sanctions-list matches among the people and bodies behind a demand.

Screening (``dueprocess.screening``) supplies candidate hits as
:class:`~dueprocess.vetting.facts.ScreeningHitFacts`; hits a reviewer marked false are not
passed in. Each remaining hit is a block: acting on a demand signed, approved or sent by a
listed person (e.g. an official under OFAC programme HK-EO13936), or issued by a listed
body, needs a lawyer's decision first.

- ``sanctions.persons``: ``sanctions.listed_person`` for officials and requesters;
- ``sanctions.authority``: ``sanctions.listed_authority`` for the authority itself.

One finding per (person, list entry), strongest match first; evidence carries the list,
programmes, entry id and name, score, explanation and whether a reviewer confirmed it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dueprocess.vetting.context import VetContext
from dueprocess.vetting.facts import ScreeningHitFacts
from dueprocess.vetting.findings import Finding
from dueprocess.vetting.rules.base import Rule

__all__ = ["AUTHORITY", "PERSONS"]

_PERSON_SUBJECTS = frozenset({"official", "requester"})


def _hits(ctx: VetContext, subjects: frozenset[str]) -> list[ScreeningHitFacts]:
    seen: set[tuple[str, str, str, str]] = set()
    out: list[ScreeningHitFacts] = []
    ordered = sorted(
        (h for h in ctx.demand.screening_hits if h.subject in subjects),
        key=lambda h: (-h.score, h.subject, h.name, h.list_id, h.entry_id),
    )
    for hit in ordered:
        key = (hit.subject, hit.name, hit.list_id, hit.entry_id)
        if key not in seen:
            seen.add(key)
            out.append(hit)
    return out


def _evidence(hit: ScreeningHitFacts) -> dict[str, Any]:
    return {
        "subject": hit.subject,
        "name": hit.name,
        "list": hit.list_id,
        "entry_id": hit.entry_id,
        "entry_name": hit.entry_name,
        "programmes": list(hit.programmes),
        "score": round(float(hit.score), 4),
        "explanation": hit.explanation,
        "confirmed": hit.confirmed,
    }


def _describe(hit: ScreeningHitFacts) -> str:
    programmes = f" ({', '.join(hit.programmes)})" if hit.programmes else ""
    status = "confirmed" if hit.confirmed else f"score {hit.score:.2f}"
    why = f": {hit.explanation}" if hit.explanation else ""
    return (
        f"{hit.name!r} matches {hit.list_id} entry {hit.entry_id} {hit.entry_name!r}"
        f"{programmes}, {status}{why}"
    )


def check_persons(ctx: VetContext) -> Iterator[Finding]:
    for hit in _hits(ctx, _PERSON_SUBJECTS):
        role = "Requester" if hit.subject == "requester" else "Official"
        yield PERSONS.finding(
            "sanctions.listed_person",
            "block",
            f"{role} {_describe(hit)}.",
            _evidence(hit),
        )


def check_authority(ctx: VetContext) -> Iterator[Finding]:
    for hit in _hits(ctx, frozenset({"authority"})):
        yield AUTHORITY.finding(
            "sanctions.listed_authority",
            "block",
            f"The authority {_describe(hit)}.",
            _evidence(hit),
        )


PERSONS = Rule("sanctions.persons", 1, check_persons)
AUTHORITY = Rule("sanctions.authority", 1, check_authority)
