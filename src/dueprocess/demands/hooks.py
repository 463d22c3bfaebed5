"""Where the case file hands work to the packages above it, without knowing them.

The case file (:mod:`dueprocess.demands`) decides what happened to a demand; review,
sanctions, notices and execution know what follows from it. Each of those subscribes to the
hooks below in its ``AppConfig.ready``, so imports run one way: they import the case file,
never the reverse. A hook without a subscriber is a deployment error, reported by the
system check ``demands.E001`` and by :func:`unsubscribed` (called at start-up by ``serve``,
``worker`` and ``migrate``).

A hook runs inside the caller's transaction: what a subscriber writes commits or rolls back
with the state change that announced it, as the audit event does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, ParamSpec, TypeVar

from dueprocess.demands import invariants

if TYPE_CHECKING:
    from dueprocess.audit.actors import User
    from dueprocess.demands.inputs import OverrideIn
    from dueprocess.demands.models import Action, Demand, Notice

P = ParamSpec("P")
R = TypeVar("R")


class Unsubscribed(RuntimeError):
    """A hook was called with no subscriber: a package that must be installed is not."""


class Hook(Generic[P, R]):
    """A named point of the case file with one subscriber (``single``) or several."""

    def __init__(self, name: str, *, single: bool = True) -> None:
        self.name = name
        self.single = single
        self._subscribers: list[Callable[P, R]] = []
        HOOKS.append(self)

    def subscribe(self, fn: Callable[P, R]) -> Callable[P, R]:
        """Add a subscriber (idempotent: ``ready`` may run twice in tests)."""
        if fn in self._subscribers:
            return fn
        if self.single and self._subscribers:
            raise RuntimeError(f"hook {self.name} takes one subscriber; it has "
                               f"{self._subscribers[0].__module__}")
        self._subscribers.append(fn)
        return fn

    def unsubscribe(self, fn: Callable[P, R]) -> None:
        if fn in self._subscribers:
            self._subscribers.remove(fn)

    @property
    def subscribers(self) -> tuple[Callable[P, R], ...]:
        return tuple(self._subscribers)

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        if not self._subscribers:
            raise Unsubscribed(f"no package subscribes to the hook {self.name}")
        if not self.single:
            raise TypeError(f"hook {self.name} has several subscribers: use each()")
        return self._subscribers[0](*args, **kwargs)

    def each(self, *args: P.args, **kwargs: P.kwargs) -> Iterator[R]:
        if not self._subscribers:
            raise Unsubscribed(f"no package subscribes to the hook {self.name}")
        for fn in self._subscribers:
            yield fn(*args, **kwargs)


HOOKS: list[Hook[Any, Any]] = []


def unsubscribed() -> list[str]:
    """Names of hooks nobody subscribes to; empty when the installation is whole."""
    return [h.name for h in HOOKS if not h.subscribers]


@dataclass(frozen=True)
class CaseFacts:
    """What a package above the case file knows that binds a decision (a human-rights
    review, an override, a sanctions hit); merged into :class:`invariants.Case`."""

    hr_required: bool = False
    hr_conclusion: str | None = None
    hr_alternatives: frozenset[str] = frozenset()
    hits: tuple[invariants.Hit, ...] = ()
    overrides: tuple[invariants.Override, ...] = field(default=())


def merged(parts: Iterator[CaseFacts]) -> CaseFacts:
    out = CaseFacts()
    for p in parts:
        out = CaseFacts(
            hr_required=out.hr_required or p.hr_required,
            hr_conclusion=out.hr_conclusion if out.hr_conclusion is not None
            else p.hr_conclusion,
            hr_alternatives=out.hr_alternatives | p.hr_alternatives,
            hits=out.hits + p.hits,
            overrides=out.overrides + p.overrides,
        )
    return out


# --------------------------------------------------------------------------- the hooks

#: Facts that bind a decision, from every package that holds some (review, sanctions).
case_facts: Hook[[Demand], CaseFacts] = Hook("case_facts", single=False)

#: Store a reviewer's override of block findings or a review (review).
record_override: Hook[[Demand, OverrideIn, User], None] = Hook("record_override")

#: Render a letter of a kind to the demand's authority: ``(subject, body)`` (notices).
render_letter: Hook[[Demand, str, str], tuple[str, str]] = Hook("render_letter")

#: Send the acknowledgement at once, by e-mail too unless the sender is unverified (notices).
send_acknowledgement: Hook[[Demand, str, tuple[str, str], bool], Notice] = Hook(
    "send_acknowledgement")

#: Draft a letter from the decision for a reviewer to preview, edit and send (notices).
draft_letter: Hook[[Demand, str, str, User | None, str], Notice] = Hook("draft_letter")

#: Actions were planned for an approved demand: tell users first where the law asks it, and
#: queue the work (execution).
execution_planned: Hook[[Demand, list[Action], str], None] = Hook("execution_planned")

#: Every action of the demand is done: decide each affected user's notice (execution);
#: returns how many notices were made.
execution_finished: Hook[[Demand, str], int] = Hook("execution_finished")
