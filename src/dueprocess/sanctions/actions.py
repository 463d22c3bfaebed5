"""State changes of the sanctions app, each in one transaction with its audit event.

* :func:`import_list` stores a new list version whole and switches to it atomically;
  a file that cannot be read whole changes nothing and the previous version stays in force.
* :func:`mark_hit` records a reviewer's word on a hit (true or false), remembers a false
  hit for that name and entry, and re-vets the demand.
* :func:`rescreen_demand` screens and vets one demand again; :func:`rescreen_after_update`
  does so for the open demands a list change can affect.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dueprocess.accounts.roles import SIGNOFF_PERM
from dueprocess.audit.actors import User, actor_label
from dueprocess.audit.chain import record
from dueprocess.demands.actions import DECIDABLE, revet_demand
from dueprocess.demands.models import Demand, Official
from dueprocess.errors import Conflict, Forbidden, InvalidInput, NotFound, declare_codes
from dueprocess.locking import for_update
from dueprocess.sanctions import service
from dueprocess.sanctions.models import (
    FalsePositive,
    HitSignoff,
    HitStatus,
    ListVersion,
    ScreeningResult,
    StoredEntry,
    Subject,
)
from dueprocess.sanctions.store import entry_from_json, entry_to_json, fingerprint, list_files
from dueprocess.screening import (
    DEFAULT_THRESHOLD,
    FORMATS,
    ListDiff,
    ListEntry,
    ListFormatError,
    LoadReport,
    ScreeningIndex,
    detect_format,
    diff,
    load_list,
)

declare_codes("sanctions_signoff_forbidden")

Progress = Callable[[str, int, int], None]
"""``(stage, done, total)``; stages: ``store``, ``rescreen``."""

BATCH = 2000
SHRINK_LIMIT = 0.5
"""A new version with fewer than half the entries of the one in force is refused unless
forced: that is what a truncated download looks like, and loading it would clear people."""
KEEP_PREVIOUS = 1
"""Superseded versions whose entries are kept (for diffs); older ones keep only their row."""
BUNDLED_OFAC = Path(__file__).resolve().parent / "data" / "ofac"
"""The OFAC SDN legacy CSV set shipped with the package, loaded by the demo."""


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


@dataclass
class ImportOutcome:
    report: LoadReport
    version: ListVersion
    previous: ListVersion | None
    diff: ListDiff | None
    unchanged: bool = False
    rescreen: RescreenSummary | None = None

    def describe(self) -> str:
        v = self.version
        if self.unchanged:
            return (f"{v.list_id}: this file is version #{v.pk} already in force "
                    f"({v.entry_count} entries, loaded {v.loaded_at:%Y-%m-%d %H:%M} UTC); "
                    "nothing changed")
        lines = [f"{v.list_id}: version #{v.pk} in force: {self.report.summary()}"]
        if self.previous is not None and self.diff is not None:
            d = self.diff
            lines.append(f"against version #{self.previous.pk}: {len(d.added)} added, "
                         f"{len(d.removed)} removed, {len(d.changed)} changed")
        else:
            lines.append("first version of this list")
        if self.rescreen is not None:
            lines.append(self.rescreen.describe())
        return "\n".join(lines)


@dataclass
class RescreenSummary:
    checked: int = 0
    rescreened: list[int] = field(default_factory=list)
    flagged: list[int] = field(default_factory=list)
    skipped: int = 0

    def describe(self) -> str:
        text = (f"re-screened {len(self.rescreened)} of {self.checked} open demand(s) "
                f"whose names the change touches; {len(self.flagged)} now flagged")
        if self.skipped:
            text += f"; {self.skipped} closed meanwhile"
        return text


# ----------------------------------------------------------------------------- lists


def _read(path: Path, fmt: str | None) -> tuple[str, LoadReport]:
    if not path.exists():
        raise InvalidInput(_("no file or folder %(name)s") % {"name": path.name}, field="file")
    if fmt is not None and fmt not in FORMATS:
        raise InvalidInput(_("unknown list format %(fmt)r; known: %(formats)s")
                           % {"fmt": fmt, "formats": ', '.join(FORMATS)},
                           field="format")
    try:
        fmt = fmt or detect_format(path)
        return fmt, load_list(path, fmt)
    except ListFormatError as exc:
        raise InvalidInput(_("%(error)s; the version in force stays")
                           % {"error": exc}, field="file") from exc
    except (OSError, UnicodeError) as exc:
        raise InvalidInput(_("cannot read %(name)s: %(error)s; the version in force stays")
                           % {"name": path.name, "error": exc},
                           field="file") from exc


def stored_entries(version: ListVersion) -> Iterator[ListEntry]:
    rows = version.entries.order_by("pk").values_list("data", flat=True)
    for data in rows.iterator(chunk_size=5000):
        yield entry_from_json(data)


def _skipped(report: LoadReport) -> dict[str, Any]:
    return {"reasons": dict(report.reasons.most_common()),
            "rows": [{"line": s.line, "reason": s.reason, "detail": s.detail}
                     for s in report.skipped[:100]],
            "ignored": report.ignored}


def _published(report: LoadReport, files: list[Path]) -> date | None:
    """The date the list states, else the newest file's modification date."""
    if report.published:
        try:
            return date.fromisoformat(report.published[:10])
        except ValueError:
            pass
    stamps = [f.stat().st_mtime for f in files if f.exists()]
    if not stamps:
        return None
    return datetime.fromtimestamp(max(stamps), tz=UTC).date()


def import_list(source: str | Path, *, format: str | None = None, user: User | None = None,
                force: bool = False, rescreen: bool = True, allow_partial: bool = False,
                progress: Progress = _no_progress) -> ImportOutcome:
    """Load a list file and make it the version in force, or change nothing.

    Refused (``InvalidInput``, the version in force stays): an unreadable, truncated or
    unsafe file, a file with no usable entry, unless ``allow_partial`` a set missing one of
    its files (OFAC without alt.csv or add.csv), and, unless ``force``, one with fewer than
    half the entries of the version in force. The same file again is a no-op.
    """
    path = Path(source)
    fmt, report = _read(path, format)
    if not report.entries:
        raise InvalidInput(_("%(name)s: no entry could be read (%(summary)s); the version in "
                             "force stays")
                           % {"name": path.name, "summary": report.summary()}, field="file")
    if report.incomplete and not allow_partial:
        raise InvalidInput(_("%(name)s: the list is not whole (%(incomplete)s), so it was not "
                             "loaded; the version in force stays (pass --allow-partial to load "
                             "it anyway)")
                           % {"name": path.name,
                              "incomplete": '; '.join(report.incomplete)}, field="file")
    sha = fingerprint(list_files(path, fmt))
    previous = ListVersion.objects.filter(list_id=report.list_id, active=True).first()
    if previous is not None and previous.sha256 == sha:
        return ImportOutcome(report, previous, previous, None, unchanged=True)
    if (previous is not None and not force
            and len(report.entries) < previous.entry_count * SHRINK_LIMIT):
        raise InvalidInput(
            _("%(name)s has %(entries)s entries where the version in force (#%(previous)s) has "
              "%(entry_count)s: it looks truncated, so it was not loaded; pass --force if the "
              "list really shrank")
            % {"name": path.name,
               "entries": len(report.entries),
               "previous": previous.pk,
               "entry_count": previous.entry_count}, field="file")
    changes = diff(stored_entries(previous) if previous is not None else (), report.entries)
    total = len(report.entries)
    with transaction.atomic():
        version = ListVersion.objects.create(
            list_id=report.list_id, source=", ".join(p.name for p in list_files(path, fmt)),
            format=fmt, sha256=sha, loaded_by_id=_user_id(user), entry_count=total,
            published=_published(report, list_files(path, fmt)),
            skipped_count=report.skipped_count, skipped=_skipped(report),
            diff={"added": len(changes.added), "removed": len(changes.removed),
                  "changed": len(changes.changed),
                  "against": previous.pk if previous is not None else None},
            active=False)
        for start in range(0, total, BATCH):
            StoredEntry.objects.bulk_create(
                StoredEntry(version=version, entry_id=e.entry_id[:100], schema=e.schema[:20],
                            name=e.primary_name[:500], data=entry_to_json(e))
                for e in report.entries[start:start + BATCH])
            progress("store", min(start + BATCH, total), total)
        in_force = list(for_update(ListVersion.objects)
                        .filter(list_id=report.list_id, active=True))
        ListVersion.objects.filter(pk__in=[v.pk for v in in_force]).update(active=False)
        version.active = True
        version.save(update_fields=["active"])
        record("sanctions.list_imported", actor=actor_label(user), payload={
            "list": version.list_id, "version": version.pk, "format": fmt,
            "source": version.source, "sha256": sha, "entries": total,
            "skipped": report.skipped_count, "previous": [v.pk for v in in_force],
            "incomplete": list(report.incomplete),
            "added": len(changes.added), "removed": len(changes.removed),
            "changed": len(changes.changed)})
        _prune(version.list_id)
    outcome = ImportOutcome(report, version, previous, changes)
    # Build and keep the index (and its pickle) now, not on the next intake.
    service.current_index(known={version.pk: report.entries})
    if rescreen and not changes.is_empty:
        outcome.rescreen = rescreen_after_update(version, changes, user=user, progress=progress)
    return outcome


def _prune(list_id: str) -> None:
    """Delete entries of versions older than the KEEP_PREVIOUS last superseded ones."""
    old = list(ListVersion.objects.filter(list_id=list_id, active=False, entries_pruned=False)
               .order_by("-loaded_at", "-pk").values_list("pk", flat=True))[KEEP_PREVIOUS:]
    if old:
        StoredEntry.objects.filter(version_id__in=old).delete()
        ListVersion.objects.filter(pk__in=old).update(entries_pruned=True)


def _user_id(user: User | None) -> int | None:
    if user is None or not user.is_authenticated:
        return None
    return int(user.pk)


# ----------------------------------------------------------------------------- re-screening


def _current_hits(demand_id: int) -> set[tuple[str, str, str, str]]:
    return set(ScreeningResult.objects.filter(demand_id=demand_id, cleared_at__isnull=True)
               .exclude(status=HitStatus.FALSE_POSITIVE)
               .values_list("subject", "name", "list_id", "entry_id"))


def rescreen_demand(demand: Demand, *, user: User | None = None, reason: str = "") -> Demand:
    """Screen one open demand again and vet it with the result (``Conflict`` if closed)."""
    with transaction.atomic():
        locked = for_update(Demand.objects).get(pk=demand.pk)
        if not locked.is_open:
            raise Conflict(_("a closed demand is not screened again"))
        before = _current_hits(locked.pk)
        demand = revet_demand(locked, user=user)
        after = _current_hits(demand.pk)

        def brief(keys: set[tuple[str, str, str, str]]) -> list[dict[str, str]]:
            return [{"subject": s, "name": n, "list": lid, "entry_id": eid}
                    for s, n, lid, eid in sorted(keys)]

        record("sanctions.rescreened", actor=actor_label(user), demand_id=demand.pk,
               payload={"reason": reason[:500], "hits": brief(after),
                        "new": brief(after - before), "gone": brief(before - after)})
    return demand


def _open_names() -> Iterator[tuple[int, service.Named]]:
    """Every screened name on every open demand, as (demand id, name)."""
    officials = (Official.objects.filter(demand__status__in=DECIDABLE).order_by("pk")
                 .values_list("demand_id", "name", "title"))
    for demand_id, name, title in officials.iterator(chunk_size=5000):
        if name.strip():
            yield demand_id, service.Named(Subject.OFFICIAL, name, "Person", title)
    rows = (Demand.objects.filter(status__in=DECIDABLE).order_by("pk")
            .values_list("pk", "authority__name", "requester__user__first_name",
                         "requester__user__last_name", "requester__title"))
    for demand_id, authority, first, last, title in rows.iterator(chunk_size=5000):
        if authority and authority.strip():
            yield demand_id, service.Named(Subject.AUTHORITY, authority, "Organization")
        person = " ".join(f"{first or ''} {last or ''}".split())
        if person:
            yield demand_id, service.Named(Subject.REQUESTER, person, "Person", title or "")


def affected_demands(list_id: str, changes: ListDiff) -> set[int]:
    """Open demands a list change can affect: a name now matches an added or changed
    entry, or a current hit is on an entry that was removed or changed."""
    affected: set[int] = set()
    if not Demand.objects.filter(status__in=DECIDABLE).exists():
        return affected
    moved = [*changes.added, *(new for _old, new in changes.changed)]
    if moved:
        loaded = service.current_index()
        if loaded is not None and len(moved) * 2 > len(loaded.index):
            small = loaded.index  # most of the list moved (a first load): no second index
        else:
            small = ScreeningIndex.build(moved)
        seen: dict[tuple[str, str, str], bool] = {}
        for demand_id, named in _open_names():
            key = (named.name, named.schema, named.position)
            if key not in seen:
                seen[key] = any(h.entry.list_id == list_id for h in small.screen(
                    named.query(), threshold=DEFAULT_THRESHOLD))
            if seen[key]:
                affected.add(demand_id)
    gone = [old.entry_id for old in changes.removed] + [old.entry_id
                                                        for old, _new in changes.changed]
    for start in range(0, len(gone), 500):
        affected.update(ScreeningResult.objects.filter(
            demand__status__in=DECIDABLE, cleared_at__isnull=True, list_id=list_id,
            entry_id__in=gone[start:start + 500]).values_list("demand_id", flat=True))
    return affected


def rescreen_after_update(version: ListVersion, changes: ListDiff, *, user: User | None = None,
                          progress: Progress = _no_progress) -> RescreenSummary:
    """Re-screen and re-vet, one transaction each, the open demands the change touches."""
    ids = sorted(affected_demands(version.list_id, changes))
    summary = RescreenSummary(checked=Demand.objects.filter(status__in=DECIDABLE).count())
    reason = f"{version.list_id} version #{version.pk} loaded"
    for done, pk in enumerate(ids, start=1):
        try:
            rescreen_demand(Demand(pk=pk), user=user, reason=reason)
        except (Conflict, Demand.DoesNotExist):
            summary.skipped += 1
        else:
            summary.rescreened.append(pk)
            if Demand.objects.filter(pk=pk, findings__superseded_at__isnull=True,
                                     findings__code__startswith="sanctions.").exists():
                summary.flagged.append(pk)
        progress("rescreen", done, len(ids))
    return summary


# ----------------------------------------------------------------------------- review


def mark_hit(result: ScreeningResult | int, status: str, *, user: User,
             note: str = "") -> ScreeningResult:
    """A reviewer says a hit is the listed party (``confirmed``) or not (``false_positive``).

    A false hit is remembered for this name and entry, so it never alerts again, on this
    demand or any other; confirming a hit forgets such a memory. Open demands are vetted
    again so their findings follow at once.
    """
    if status not in (HitStatus.CONFIRMED, HitStatus.FALSE_POSITIVE):
        raise InvalidInput(_("a hit is marked confirmed or false_positive"), field="status")
    if user is None or not user.is_authenticated:
        raise Forbidden(_("a person must be logged in to review a hit"))
    pk = result.pk if isinstance(result, ScreeningResult) else int(result)
    note = note.strip()[:2000]
    demand_id = ScreeningResult.objects.filter(pk=pk).values_list("demand_id", flat=True).first()
    if demand_id is None:
        raise NotFound(_("no screening result %(id)s") % {"id": pk})
    with transaction.atomic():
        demand = for_update(Demand.objects).get(pk=demand_id)  # the demand first, then its row
        row = for_update(ScreeningResult.objects).get(pk=pk)
        before = row.status
        row.status = status
        row.reviewed_by_id = user.pk
        row.reviewed_at = timezone.now()
        row.review_note = note
        row.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
        memory = FalsePositive.objects.filter(name_key=row.name_key, list_id=row.list_id,
                                              entry_id=row.entry_id)
        if status == HitStatus.FALSE_POSITIVE:
            if not memory.exists():
                FalsePositive.objects.create(
                    name_key=row.name_key, name=row.name, list_id=row.list_id,
                    entry_id=row.entry_id, entry_name=row.entry_name, note=note,
                    created_by_id=user.pk, from_result=row)
        else:
            memory.delete()
        record("sanctions.hit_marked", actor=actor_label(user), demand_id=demand.pk, payload={
            "result": row.pk, "subject": row.subject, "name": row.name, "list": row.list_id,
            "entry_id": row.entry_id, "entry_name": row.entry_name, "score": row.score,
            "from": before, "to": status, "note": note})
        if demand.is_open:
            revet_demand(demand, user=user)
    if status == HitStatus.FALSE_POSITIVE:
        _apply_memory(row, user)
    return row


def _apply_memory(row: ScreeningResult, user: User) -> None:
    """Other open demands with the same open hit drop it now, not at their next vetting."""
    others = (ScreeningResult.objects.filter(
        name_key=row.name_key, list_id=row.list_id, entry_id=row.entry_id,
        status=HitStatus.OPEN, cleared_at__isnull=True, demand__status__in=DECIDABLE)
        .exclude(demand_id=row.demand_id).values_list("demand_id", flat=True).distinct())
    for demand_id in sorted(set(others)):
        try:
            rescreen_demand(Demand(pk=demand_id), user=user,
                            reason=f"{row.name} marked not {row.list_id} {row.entry_id}")
        except (Conflict, Demand.DoesNotExist):
            continue


def sign_off_hit(result: ScreeningResult | int, *, user: User, note: str) -> HitSignoff:
    """Sanctions counsel signs off a hit confirmed true, so complying may be approved.

    Only a confirmed hit can be signed off; the sign-off counts until the hit is reviewed
    again. It needs the sanctions counsel's permission, checked here for every door.
    """

    if user is None or not user.is_authenticated:
        raise Forbidden(_("a person must be logged in to sign off a hit"))
    if not bool(getattr(user, "has_perm", lambda _perm: False)(SIGNOFF_PERM)):
        raise Forbidden(_("signing off a sanctions hit needs the permission %(signoff_perm)s "
                          "(the sanctions_counsel role)")
                        % {"signoff_perm": SIGNOFF_PERM}, code="sanctions_signoff_forbidden")
    note = (note or "").strip()
    if len(note) < 10:
        raise InvalidInput(_("say on what basis you sign off (at least 10 characters)"),
                           field="note")
    pk = result.pk if isinstance(result, ScreeningResult) else int(result)
    demand_id = ScreeningResult.objects.filter(pk=pk).values_list("demand_id", flat=True).first()
    if demand_id is None:
        raise NotFound(_("no screening result %(id)s") % {"id": pk})
    with transaction.atomic():
        demand = for_update(Demand.objects).get(pk=demand_id)  # the demand first
        row = for_update(ScreeningResult.objects).get(pk=pk)
        if row.status != HitStatus.CONFIRMED or row.cleared_at is not None:
            message = (_("only a current hit confirmed true is signed off; this one is "
                         "%(status)s and cleared") if row.cleared_at else
                       _("only a current hit confirmed true is signed off; this one is "
                         "%(status)s"))
            raise Conflict(message % {"status": row.status})
        signoff = HitSignoff.objects.create(result=row, signed_by_id=user.pk,
                                            note=note[:5000])
        record("sanctions.hit_signed_off", actor=actor_label(user), demand_id=demand.pk,
               payload={"result": row.pk, "signoff": signoff.pk, "name": row.name,
                        "list": row.list_id, "entry_id": row.entry_id, "note": note[:2000]})
    return signoff
