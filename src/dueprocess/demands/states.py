"""The demand's state machine: which status may follow which.

Only :func:`dueprocess.demands.actions._transition` moves a demand along it.
"""

from __future__ import annotations

from dueprocess.demands.models import Status

TRANSITIONS: dict[str, frozenset[str]] = {
    Status.RECEIVED: frozenset({Status.IN_REVIEW, Status.ON_HOLD, Status.REJECTED,
                                Status.WITHDRAWN}),
    Status.IN_REVIEW: frozenset({Status.AWAITING_AUTHORITY, Status.ON_HOLD, Status.APPROVED,
                                 Status.REJECTED, Status.WITHDRAWN}),
    Status.AWAITING_AUTHORITY: frozenset({Status.IN_REVIEW, Status.REJECTED, Status.WITHDRAWN}),
    Status.ON_HOLD: frozenset({Status.IN_REVIEW, Status.APPROVED, Status.REJECTED,
                               Status.WITHDRAWN}),
    Status.APPROVED: frozenset({Status.EXECUTING}),
    Status.EXECUTING: frozenset({Status.COMPLETED}),
    Status.COMPLETED: frozenset(),
    Status.REJECTED: frozenset(),
    Status.WITHDRAWN: frozenset(),
}

DECIDABLE = (Status.IN_REVIEW, Status.ON_HOLD, Status.AWAITING_AUTHORITY, Status.RECEIVED)
