"""The connector interface: everything dueprocess asks of the platform it serves.

Every mutating call carries an idempotency key; a connector must make a repeated call with
the same key a no-op that returns the first result, so a task that crashed half-way can be
re-run without acting twice. docs/connectors.md describes the same contract over HTTP.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any, Protocol

from dueprocess.law.regions import WORLDWIDE

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class TargetInfo:
    exists: bool
    country: str = ""          # residence of the account holder (ISO alpha-2)
    data_location: str = ""    # where the data is stored (ISO alpha-2)
    flags: tuple[str, ...] = ()  # e.g. journalist, human_rights_defender, politician, ngo
    account: str = ""          # owning account id (canonical), also for content
    language: str = ""         # the account holder's language, for notices (e.g. de)
    created: str = ""          # ISO date the account or content was created


@dataclass(frozen=True)
class Export:
    """Files produced for one account.

    Small files may be held as bytes (``files``); large ones are spooled to disk
    (``paths``) so that no export has to fit in memory. Names are unique across both.
    """

    files: dict[str, bytes] = field(default_factory=dict)
    paths: dict[str, Path] = field(default_factory=dict)
    source: dict[str, Any] = field(default_factory=dict)  # e.g. the holds drawn upon

    def names(self) -> list[str]:
        return sorted({*self.files, *self.paths})

    @contextmanager
    def open(self, name: str) -> Iterator[IO[bytes]]:
        if name in self.paths:
            with self.paths[name].open("rb") as fh:
                yield fh
            return
        import io

        yield io.BytesIO(self.files[name])

    def digest(self, name: str) -> tuple[int, str]:
        """Size and SHA-256 of one file, read in chunks."""
        sha, size = hashlib.sha256(), 0
        with self.open(name) as fh:
            while chunk := fh.read(CHUNK):
                sha.update(chunk)
                size += len(chunk)
        return size, sha.hexdigest()

    def read(self, name: str) -> bytes:
        with self.open(name) as fh:
            return fh.read()

    def cleanup(self) -> None:
        for path in self.paths.values():
            path.unlink(missing_ok=True)


class ConnectorError(Exception):
    """The platform refused or failed; the action is retried later with backoff."""


class PermanentConnectorError(ConnectorError):
    """Retrying cannot help (the request is malformed, or the key was used for something
    else); the action goes straight to the dead-letter list for a person to look at."""


class Connector(Protocol):
    name: str

    def lookup(self, target_type: str, identifier: str) -> TargetInfo: ...

    def lookup_many(self, target_type: str, identifiers: list[str]) -> list[TargetInfo]:
        """Many lookups in one call, answers in the order asked (bulk target uploads).

        Connectors that can answer a batch in one round trip should; this default loops.
        """
        return [self.lookup(target_type, identifier) for identifier in identifiers]

    def export(self, account: str, categories: tuple[str, ...], date_from: date | None,
               date_to: date | None, *, key: str, holds: tuple[str, ...] = ()) -> Export:
        """Export the account's data; ``holds`` names preservation holds whose preserved
        data must be included (preserved data is what a later disclosure exports)."""
        ...

    def preserve(self, account: str, days: int, *, key: str) -> dict[str, Any]:
        """Start a hold. The result carries ``hold`` (the platform's reference),
        ``account`` (canonical) and ``until`` (ISO date)."""
        ...

    def extend_preservation(self, hold: str, until: date, *, key: str) -> dict[str, Any]: ...

    def release_preservation(self, hold: str, *, key: str) -> dict[str, Any]: ...

    def restrict_account(self, account: str, measure: str, *, key: str,
                         territories: tuple[str, ...] = ()) -> dict[str, Any]:
        """Suspend or terminate the account, or (``withhold``) hide it in ``territories``
        only. Any measure with territories that do not name the whole world takes effect
        in those territories only: it is a withholding there, never a global measure."""
        ...

    def restrict_content(self, content: str, measure: str, territories: tuple[str, ...], *,
                         key: str) -> dict[str, Any]:
        """Remove, disable or (``withhold``) hide the content in ``territories``. As for
        accounts, a removal limited to territories is a withholding there, never a global
        removal; the result's ``measure`` says what was done."""
        ...

    def notify_user(self, account: str, subject: str, body: str, *, key: str,
                    language: str = "en") -> dict[str, Any]: ...


def territorial(measure: str, territories: tuple[str, ...] | list[str]) -> tuple[str, list[str]]:
    """What a restriction with these territories really is: ``("withhold", [...])`` when
    the territories limit it, else the measure as asked with no territories. Connectors use
    it so that none does more than it was told."""
    scope = sorted({str(t).strip().upper() for t in territories if str(t).strip()})
    if not scope or any(t in WORLDWIDE for t in scope):
        return measure, []
    return "withhold", scope


def lookup_many(connector: Connector, target_type: str,
                identifiers: list[str]) -> list[TargetInfo]:
    """Batch lookup through any connector, falling back to one lookup per identifier."""
    batch = getattr(connector, "lookup_many", None)
    if batch is None:
        return [connector.lookup(target_type, identifier) for identifier in identifiers]
    found: list[TargetInfo] = list(batch(target_type, identifiers))
    return found
