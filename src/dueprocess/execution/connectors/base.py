"""The connector interface: everything dueprocess asks of the platform it serves.

Every mutating call carries an idempotency key; a connector must make a repeated call with
the same key a no-op that returns the first result, so a task that crashed half-way can be
re-run without acting twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol


@dataclass(frozen=True)
class TargetInfo:
    exists: bool
    country: str = ""          # residence of the account holder (ISO alpha-2)
    data_location: str = ""    # where the data is stored (ISO alpha-2)
    flags: tuple[str, ...] = ()  # e.g. journalist, human_rights_defender, politician, ngo
    account: str = ""          # owning account id, for content


@dataclass(frozen=True)
class Export:
    """Files produced for one account: name → bytes."""

    files: dict[str, bytes] = field(default_factory=dict)


class ConnectorError(Exception):
    """The platform refused or failed; the action is retried later."""


class Connector(Protocol):
    name: str

    def lookup(self, target_type: str, identifier: str) -> TargetInfo: ...

    def export(self, account: str, categories: tuple[str, ...], date_from: date | None,
               date_to: date | None, *, key: str) -> Export: ...

    def preserve(self, account: str, days: int, *, key: str) -> dict[str, Any]: ...

    def restrict_account(self, account: str, measure: str, *, key: str) -> dict[str, Any]: ...

    def restrict_content(self, content: str, measure: str, territories: tuple[str, ...], *,
                         key: str) -> dict[str, Any]: ...

    def notify_user(self, account: str, subject: str, body: str, *,
                    key: str) -> dict[str, Any]: ...
