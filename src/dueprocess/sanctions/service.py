"""The index of the lists in force, and the screening of the names on a demand.

Vetting calls :func:`screening_facts` for every demand it vets, inside the transaction
that stores the findings, so it has to be quick: the index is built once per process and
kept until the set of active list versions changes (one query per call checks that). A
pickle of it is kept under ``DUEPROCESS_HOME/screening/``, keyed by the versions and by
the matcher's code, so web and worker processes start without rebuilding it; it is signed
with the secret key, so a file someone else put there is rebuilt from the database rather
than unpickled.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from dueprocess.audit.chain import record
from dueprocess.demands import hooks, invariants
from dueprocess.demands.models import Demand
from dueprocess.sanctions import stored_index
from dueprocess.sanctions.models import (
    FalsePositive,
    HitSignoff,
    HitStatus,
    ListVersion,
    ScreeningResult,
    StoredEntry,
    Subject,
)
from dueprocess.sanctions.store import entry_from_json, name_key
from dueprocess.screening import DEFAULT_THRESHOLD, Hit, ListEntry, Query, ScreeningIndex
from dueprocess.vetting.facts import ScreeningHitFacts

log = logging.getLogger(__name__)

_MEMO_SIZE = 20_000
_lock = threading.Lock()
_cached: LoadedIndex | None = None


@dataclass(frozen=True)
class LoadedIndex:
    """The index of the active versions, with what callers need to know about them."""

    key: str
    index: ScreeningIndex
    versions: tuple[tuple[int, str], ...]  # (version pk, list id)
    entry_keys: frozenset[tuple[str, str]]
    memo: dict[Query, tuple[Hit, ...]] = field(default_factory=dict, compare=False)

    def version_of(self, list_id: str) -> int | None:
        return next((pk for pk, lid in self.versions if lid == list_id), None)

    def alerts(self, query: Query) -> tuple[Hit, ...]:
        """Hits at or above the threshold, remembered per query for this index.

        The same authority and officials appear on demand after demand; their answer
        cannot change until the lists do, and then this object is replaced.
        """
        hits = self.memo.get(query)
        if hits is None:
            if len(self.memo) >= _MEMO_SIZE:
                self.memo.clear()
            hits = tuple(self.index.screen(query, threshold=DEFAULT_THRESHOLD))
            self.memo[query] = hits
        return hits


def active_versions() -> list[ListVersion]:
    return list(ListVersion.objects.filter(active=True).order_by("list_id", "pk")
                .only("pk", "list_id", "sha256", "entry_count", "loaded_at", "source",
                      "published"))


def _key(versions: Sequence[ListVersion]) -> str:
    return stored_index.index_key([stored_index.VersionInfo.of(v) for v in versions])


def cache_dir() -> Path:
    return Path(settings.DUEPROCESS.home) / "screening"


def _read_pickle(key: str) -> ScreeningIndex | None:
    return stored_index.read_index(cache_dir(), key, settings.SECRET_KEY)


def _write_pickle(key: str, index: ScreeningIndex) -> None:
    stored_index.write_index(cache_dir(), key, settings.SECRET_KEY, index)


def _entries(versions: Iterable[ListVersion],
             known: Mapping[int, Sequence[ListEntry]]) -> Iterable[ListEntry]:
    stored = []
    for v in versions:
        if v.pk in known:
            yield from known[v.pk]
        else:
            stored.append(v.pk)
    rows = (StoredEntry.objects.filter(version__in=stored)
            .order_by("pk").values_list("data", flat=True))
    for data in rows.iterator(chunk_size=5000):
        yield entry_from_json(data)


def current_index(known: Mapping[int, Sequence[ListEntry]] | None = None) -> LoadedIndex | None:
    """The index of the active list versions, or None when no list is loaded.

    ``known`` maps version ids to their entries when the caller has them in memory (the
    import that just stored them), which saves reading them back.
    """
    global _cached
    versions = active_versions()
    if not versions:
        return None
    key = _key(versions)
    cached = _cached
    if cached is not None and cached.key == key:
        return cached
    with _lock:
        if _cached is not None and _cached.key == key:
            return _cached
        index = _read_pickle(key)
        if index is None:
            index = ScreeningIndex.build(_entries(versions, known or {}))
            _write_pickle(key, index)
        _cached = LoadedIndex(key=key, index=index,
                              versions=tuple((v.pk, v.list_id) for v in versions),
                              entry_keys=frozenset(e.key for e in index.entries))
        return _cached


def search(query: Query, *, limit: int = 10, threshold: float = 0.0) -> list[Hit]:
    loaded = current_index()
    if loaded is None:
        return []
    return loaded.index.search(query, limit=limit, threshold=threshold)


# ----------------------------------------------------------------------------- demands


@dataclass(frozen=True)
class Named:
    """A name on a demand that is screened."""

    subject: str
    name: str
    schema: str = "Person"
    position: str = ""
    official_id: int | None = None

    def query(self) -> Query:
        return Query(self.name, schema=self.schema, position=self.position or None)


def person_name(user: Any) -> str:
    """A requester's own name; an e-mail address or login is not a name to screen."""
    full = getattr(user, "get_full_name", lambda: "")()
    return " ".join(str(full).split())


def names_on(demand: Demand) -> list[Named]:
    """Officials (issuer, signatories, approvers), the requester and the authority."""
    out = [Named(Subject.OFFICIAL, o.name, "Person", o.title, o.pk)
           for o in demand.officials.all() if o.name.strip()]
    requester = demand.requester
    if requester is not None:
        name = person_name(requester.user)
        if name:
            out.append(Named(Subject.REQUESTER, name, "Person", requester.title))
    if demand.authority.name.strip():
        out.append(Named(Subject.AUTHORITY, demand.authority.name, "Organization"))
    return out


ResultKey = tuple[str, str, str, str]  # subject, name key, list id, entry id


def _facts(row: ScreeningResult) -> ScreeningHitFacts:
    return ScreeningHitFacts(
        subject=row.subject, name=row.name, list_id=row.list_id, entry_id=row.entry_id,
        entry_name=row.entry_name, score=row.score, programmes=tuple(row.programmes),
        explanation=row.explanation, confirmed=row.status == HitStatus.CONFIRMED)


def _hit_fields(hit: Hit, loaded: LoadedIndex) -> dict[str, Any]:
    entry = hit.entry
    return {
        "entry_name": entry.primary_name[:500],
        "matched_name": hit.matched_name[:500],
        "programmes": list(entry.programmes),
        "score": round(float(hit.score), 4),
        "explanation": hit.explanation,
        "list_version_id": loaded.version_of(entry.list_id),
    }


def screen_demand(demand: Demand) -> list[ScreeningResult] | None:
    """Screen every name on the demand and bring its result rows up to date.

    New hits become ``open`` rows (or ``false_positive`` when a reviewer already said so
    for this name and entry); known hits keep what reviewers said and get the new score;
    hits no longer found are cleared, except confirmed ones whose entry is still listed.
    Returns the current rows, or None when no list is loaded.
    """
    loaded = current_index()
    if loaded is None:
        return None
    found: dict[ResultKey, tuple[Named, Hit]] = {}
    for named in names_on(demand):
        nkey = name_key(named.name)
        for hit in loaded.alerts(named.query()):
            key = (named.subject, nkey, hit.entry.list_id, hit.entry.entry_id)
            if key not in found or hit.score > found[key][1].score:
                found[key] = (named, hit)
    existing = {(r.subject, r.name_key, r.list_id, r.entry_id): r
                for r in ScreeningResult.objects.filter(demand_id=demand.pk)}
    if not found and not any(r.cleared_at is None for r in existing.values()):
        return []
    remembered = _remembered({k[1] for k in found})
    now = timezone.now()
    changes: dict[str, list[dict[str, Any]]] = {"new": [], "cleared": [], "remembered": []}
    with transaction.atomic():
        for key, (named, hit) in found.items():
            fields = _hit_fields(hit, loaded)
            row = existing.get(key)
            fp = remembered.get(key[1:])
            if row is None:
                row = ScreeningResult(
                    demand_id=demand.pk, subject=named.subject, official_id=named.official_id,
                    name=named.name[:300], name_key=key[1], list_id=key[2], entry_id=key[3],
                    screened_at=now, **fields)
                if fp is not None:
                    _mark_remembered(row, fp, now)
                    changes["remembered"].append(_brief(row))
                row.save()
                existing[key] = row
                changes["new"].append(_brief(row))
                continue
            dirty = [f for f, v in fields.items() if getattr(row, f) != v]
            for f in dirty:
                setattr(row, f, fields[f])
            if row.cleared_at is not None:
                row.cleared_at = None
                dirty.append("cleared_at")
                changes["new"].append(_brief(row))
            if fp is not None and row.status == HitStatus.OPEN:
                _mark_remembered(row, fp, now)
                dirty += ["status", "reviewed_by", "reviewed_at", "review_note"]
                changes["remembered"].append(_brief(row))
            if dirty:
                row.screened_at = now
                row.save(update_fields=[*dirty, "screened_at"])
        for key, row in existing.items():
            if key in found or row.cleared_at is not None:
                continue
            if (row.status == HitStatus.CONFIRMED
                    and (row.list_id, row.entry_id) in loaded.entry_keys):
                continue  # a person confirmed it; it stands while the entry is listed
            row.cleared_at = now
            row.save(update_fields=["cleared_at"])
            changes["cleared"].append(_brief(row))
        if any(changes.values()):
            record("sanctions.screened", actor="system", demand_id=demand.pk,
                   payload={k: v for k, v in changes.items() if v})
    return [r for r in existing.values() if r.cleared_at is None]


def _remembered(keys: set[str]) -> dict[tuple[str, str, str], FalsePositive]:
    if not keys:
        return {}
    return {(fp.name_key, fp.list_id, fp.entry_id): fp
            for fp in FalsePositive.objects.filter(name_key__in=keys)}


def _mark_remembered(row: ScreeningResult, fp: FalsePositive, now: Any) -> None:
    row.status = HitStatus.FALSE_POSITIVE
    row.reviewed_by_id = fp.created_by_id
    row.reviewed_at = now
    row.review_note = (f"remembered: marked false for this name and entry on "
                       f"{fp.created_at:%Y-%m-%d}" + (f" ({fp.note})" if fp.note else ""))


def _brief(row: ScreeningResult) -> dict[str, Any]:
    return {"subject": row.subject, "name": row.name, "list": row.list_id,
            "entry_id": row.entry_id, "entry_name": row.entry_name, "score": row.score,
            "status": row.status}


def screening_facts(demand: Demand) -> dict[str, Any]:
    """The vetting fact provider: ``{"screening_hits": (...)}`` without false hits."""
    rows = screen_demand(demand)
    if rows is None:
        return {}
    hits = tuple(_facts(r) for r in sorted(rows, key=lambda r: (-r.score, r.pk))
                 if r.status != HitStatus.FALSE_POSITIVE)
    return {"screening_hits": hits}


def case_facts(demand: Demand) -> hooks.CaseFacts:
    """Subscribed to the case file's ``case_facts``: hits not cleared as false positives,
    each with whether counsel signed off a confirmed one since its last review."""
    hits = []
    for r in (ScreeningResult.objects.filter(demand=demand, cleared_at__isnull=True)
              .exclude(status=HitStatus.FALSE_POSITIVE).order_by("pk")):
        signed = r.status == HitStatus.CONFIRMED and HitSignoff.objects.filter(
            result=r, signed_at__gte=r.reviewed_at or r.created_at).exists()
        hits.append(invariants.Hit(status=r.status, signed_off=signed,
                                   label=f"{r.name} ({r.list_id} {r.entry_id})"))
    return hooks.CaseFacts(hits=tuple(hits))
