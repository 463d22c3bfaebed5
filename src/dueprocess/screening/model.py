"""Typed records shared by the loaders, the index and the matcher.

Every list format is turned into the same small `ListEntry` so the matcher never needs to
know where a name came from, and so two downloads of the same list can be diffed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

SCHEMAS = ("Person", "Organization", "Vessel", "Aircraft", "LegalEntity")
MAX_SKIP_DETAILS = 1000


class ListFormatError(ValueError):
    """A list file that cannot be read as a whole (truncated, not XML, an entity bomb, ...).

    Raised instead of returning a partial list: a half-read sanctions list would silently
    clear people who are on it.
    """


@dataclass(frozen=True, slots=True)
class ListEntry:
    """One designated party on one list, reduced to what screening compares.

    `names` holds the primary name first, then aliases (order preserved, duplicates removed).
    Dates are ISO strings, possibly partial (`1965`, `1965-07`); nationalities are ISO
    3166 alpha-2 codes where the country could be recognised, else the original text.
    """

    list_id: str
    entry_id: str
    schema: str
    names: tuple[str, ...]
    programmes: tuple[str, ...] = ()
    birth_dates: tuple[str, ...] = ()
    nationalities: tuple[str, ...] = ()
    positions: tuple[str, ...] = ()
    remarks: str = ""
    addresses: tuple[str, ...] = ()
    gender: str = ""

    @property
    def primary_name(self) -> str:
        return self.names[0] if self.names else ""

    @property
    def key(self) -> tuple[str, str]:
        """Identity across list versions: the list plus the list's own id."""
        return (self.list_id, self.entry_id)


@dataclass(frozen=True, slots=True)
class SkippedRow:
    """A row or element a loader refused, with where it was and why.

    `line` is the physical line for CSV and JSON lines, the record's ordinal for XML.
    """

    line: int
    reason: str
    detail: str = ""


@dataclass(slots=True)
class LoadReport:
    """What a loader produced: the entries plus an account of everything it dropped.

    Operators must be able to see that 3 rows of 9,000 were refused and why, rather than
    have a loader either crash on them or drop them silently.
    """

    list_id: str
    source: str
    format: str
    entries: list[ListEntry] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)  # the first MAX_SKIP_DETAILS
    reasons: Counter[str] = field(default_factory=Counter)  # every skip, by reason
    ignored: int = 0  # well-formed records that are not screenable parties (e.g. FtM Address)
    # why the list is not whole (a file of the set missing): importing it needs a flag
    incomplete: list[str] = field(default_factory=list)
    published: str = ""  # the publication date the file states (ISO), if it states one

    def skip(self, line: int, reason: str, detail: str = "") -> None:
        """Record a refused row; details are kept for the first rows only, counts for all."""
        self.reasons[reason] += 1
        if len(self.skipped) < MAX_SKIP_DETAILS:
            self.skipped.append(SkippedRow(line, reason, detail[:200]))

    @property
    def skipped_count(self) -> int:
        return sum(self.reasons.values())

    def summary(self) -> str:
        parts = [f"{len(self.entries)} entries from {self.source} ({self.format})"]
        if self.reasons:
            why = ", ".join(f"{n} {r}" for r, n in self.reasons.most_common())
            parts.append(f"{self.skipped_count} skipped: {why}")
        if self.ignored:
            parts.append(f"{self.ignored} non-party records ignored")
        if self.incomplete:
            parts.append("incomplete: " + "; ".join(self.incomplete))
        return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class ListDiff:
    """Entries added, removed and changed between two versions of a list, by entry id."""

    added: tuple[ListEntry, ...]
    removed: tuple[ListEntry, ...]
    changed: tuple[tuple[ListEntry, ListEntry], ...]

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def diff(old_entries: Iterable[ListEntry], new_entries: Iterable[ListEntry]) -> ListDiff:
    """Compare two list versions by `(list_id, entry_id)`.

    A re-screening job only needs to look at what moved: new designations may hit past
    demands, delistings may lift holds.
    """
    old = {e.key: e for e in old_entries}
    new = {e.key: e for e in new_entries}
    added = tuple(new[k] for k in sorted(new.keys() - old.keys()))
    removed = tuple(old[k] for k in sorted(old.keys() - new.keys()))
    changed = tuple((old[k], new[k]) for k in sorted(old.keys() & new.keys()) if old[k] != new[k])
    return ListDiff(added, removed, changed)


def dedupe(values: Iterable[str]) -> tuple[str, ...]:
    """Strip, drop empties and duplicates, keep first-seen order."""
    seen: dict[str, None] = {}
    for v in values:
        v = " ".join(v.split())
        if v and v not in seen:
            seen[v] = None
    return tuple(seen)
