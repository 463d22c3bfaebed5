"""Policy conditions in the Common Expression Language (CEL).

Admins write conditions without a deploy, e.g. ``jurisdiction == 'HK' && ask == 'disclose'``.
CEL is side-effect free and always terminates, so a condition cannot harm the process.
Variables, evaluated once per ask of a demand:

===============  ============  ==================================================
name             type          value
===============  ============  ==================================================
jurisdiction     string        requesting authority's jurisdiction ("HK", "EU")
instrument       string        instrument id cited ("hk.nsl43.sch4")
ask              string        the ask kind ("disclose", "preserve", ...)
categories       list(string)  data categories of that ask (may be empty)
emergency        bool          demand marked as an emergency
targets          int           number of targets on the demand
authority_kind   string        police, prosecutor, court, regulator, agency, ...
issuer_role      string        role of the issuer (judge, police_senior, ...; "")
flags            list(string)  risk flags of the instrument and cited offences
===============  ============  ==================================================

Compiled programs and results are cached (by expression, and by expression plus inputs),
so re-vetting many demands against the same policies costs a dictionary lookup.
"""

from __future__ import annotations

import functools
import re
from typing import Any, NamedTuple

import cel

__all__ = [
    "MAX_CONDITION_LENGTH",
    "VARIABLES",
    "ConditionError",
    "ConditionInput",
    "evaluate_condition",
    "validate_condition",
]

MAX_CONDITION_LENGTH = 2000
VARIABLES: tuple[str, ...] = (
    "jurisdiction",
    "instrument",
    "ask",
    "categories",
    "emergency",
    "targets",
    "authority_kind",
    "issuer_role",
    "flags",
)
_ALLOWED = frozenset(VARIABLES)
# Names bound by comprehension macros, e.g. the ``c`` in ``categories.exists(c, c == 'x')``.
_BOUND = re.compile(r"\.\s*(?:all|exists|exists_one|map|filter)\s*\(\s*([A-Za-z_]\w*)\s*,")


class ConditionError(Exception):
    """A condition could not be compiled or evaluated to a boolean."""


class ConditionInput(NamedTuple):
    """The variables for one evaluation; a tuple so results can be cached."""

    jurisdiction: str
    instrument: str
    ask: str
    categories: tuple[str, ...]
    emergency: bool
    targets: int
    authority_kind: str
    issuer_role: str = ""
    flags: tuple[str, ...] = ()

    def as_variables(self) -> dict[str, Any]:
        variables = self._asdict()
        variables["categories"] = list(self.categories)
        variables["flags"] = list(self.flags)
        return variables


_SAMPLES = (
    ConditionInput(
        "HK", "hk.nsl43.sch4", "disclose", ("subscriber",), False, 1, "police",
        "police_senior", ("extraterritorial", "political_expression"),
    ),
    ConditionInput("US", "us.ecpa.warrant", "restrict_content", (), True, 0, "court", "judge"),
    ConditionInput(
        "DE", "eu.dsa.art9", "preserve", ("traffic", "content"), False, 1000, "regulator"
    ),
)  # fmt: skip


@functools.lru_cache(maxsize=1024)
def _compile(expression: str) -> cel.Program:
    if len(expression) > MAX_CONDITION_LENGTH:
        raise ConditionError(f"condition is longer than {MAX_CONDITION_LENGTH} characters")
    try:
        return cel.compile(expression)
    except Exception as exc:  # the extension raises ValueError, but be safe at the boundary
        raise ConditionError(f"syntax error: {exc}") from exc


def _run(program: cel.Program, data: ConditionInput) -> bool:
    try:
        result = program.execute(data.as_variables())
    except Exception as exc:  # CEL raises RuntimeError, TypeError, ZeroDivisionError, ...
        raise ConditionError(f"evaluation error: {exc}") from exc
    if not isinstance(result, bool):
        raise ConditionError(
            f"condition must evaluate to true or false, not {type(result).__name__} {result!r}"
        )
    return result


@functools.lru_cache(maxsize=16384)
def _evaluate_cached(expression: str, data: ConditionInput) -> bool | str:
    try:
        return _run(_compile(expression), data)
    except ConditionError as exc:
        return str(exc)


def evaluate_condition(expression: str, data: ConditionInput) -> bool:
    """True if the condition holds for these inputs; raises :class:`ConditionError`."""
    outcome = _evaluate_cached(expression, data)
    if isinstance(outcome, str):
        raise ConditionError(outcome)
    return outcome


def validate_condition(expression: str) -> str | None:
    """Check a condition before an admin saves it: an error message, or ``None`` if valid.

    Beyond syntax it rejects unknown variables (typos would otherwise make the policy
    silently never apply) and conditions that do not yield a boolean for sample inputs.
    """
    if not isinstance(expression, str) or not expression.strip():
        return "condition is empty"
    try:
        program = _compile(expression)
    except ConditionError as exc:
        return str(exc)
    bound = set(_BOUND.findall(expression))
    unknown = sorted(set(program.variables()) - _ALLOWED - bound)
    if unknown:
        return f"unknown variable {unknown[0]!r}; available: {', '.join(VARIABLES)}"
    for sample in _SAMPLES:
        try:
            _run(program, sample)
        except ConditionError as exc:
            return str(exc)
    return None
