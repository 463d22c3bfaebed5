"""What each policy effect reads from ``params``, and the check run before a policy is used.

One validator serves the admin form, policy files and the engine, so a policy the admin
accepted is never reported as malformed at vetting time, and a malformed one that slipped
in another way (a database edit, an old row) is reported instead of guessed at.

==================  ===========================================================  ==========
key                 meaning                                                      effects
==================  ===========================================================  ==========
``flags``           apply only when the instrument or a cited offence carries    all
                    one of these risk flags (``political_expression``, ...)
``max_days``        longest disclosure date range, both ends counted             scope_limit
``max_targets``     most targets per demand                                      scope_limit
``categories``      data categories that may be disclosed: a list, or a mapping  scope_limit
                    from instrument id to a list (instruments not named are not
                    limited by it)
==================  ===========================================================  ==========
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from dueprocess.law.schema import DATA_CATEGORIES, RISK_FLAGS

__all__ = ["PARAMS", "ScopeLimits", "scope_limits", "validate_params"]

_COMMON = frozenset({"flags"})
PARAMS: dict[str, frozenset[str]] = {
    "pause": _COMMON,
    "route_mlat": _COMMON,
    "four_eyes": _COMMON,
    "human_rights_review": _COMMON,
    "scope_limit": _COMMON | {"max_days", "max_targets", "categories"},
}


def _as_mapping(params: Any) -> Mapping[str, Any] | None:
    if isinstance(params, Mapping):
        return params
    if isinstance(params, tuple) and all(isinstance(p, tuple) and len(p) == 2 for p in params):
        return dict(params)
    return None


def _strings(value: Any) -> list[str] | None:
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def _check_categories(value: Any, known_instrument: Callable[[str], bool] | None) -> str | None:
    listed = _strings(value)
    if listed is not None:
        bad = sorted(set(listed) - DATA_CATEGORIES)
        if bad:
            return f"categories: unknown data category {bad[0]!r}"
        return None
    table = _as_mapping(value)
    if table is None:
        return "categories: a list of data categories, or a mapping of instrument id to one"
    for instrument_id, categories in table.items():
        if known_instrument is not None and not known_instrument(str(instrument_id)):
            return f"categories: unknown instrument {instrument_id!r}"
        listed = _strings(categories)
        if listed is None:
            return f"categories.{instrument_id}: a list of data categories"
        bad = sorted(set(listed) - DATA_CATEGORIES)
        if bad:
            return f"categories.{instrument_id}: unknown data category {bad[0]!r}"
    return None


def validate_params(
    effect: str,
    params: Any,
    known_instrument: Callable[[str], bool] | None = None,
) -> str | None:
    """An error message for params the effect cannot use, or ``None`` if they are fine.

    ``known_instrument`` checks instrument ids named in ``categories`` (a dangling id would
    make the limit silently never apply).
    """
    if effect not in PARAMS:
        return f"unknown effect {effect!r}; known: {', '.join(sorted(PARAMS))}"
    table = _as_mapping(params if params is not None else {})
    if table is None:
        return "params must be a JSON object"
    unknown = sorted(set(table) - PARAMS[effect])
    if unknown:
        allowed = ", ".join(sorted(PARAMS[effect]))
        return f"unknown parameter {unknown[0]!r} for {effect} (allowed: {allowed})"
    if "flags" in table:
        flags = _strings(table["flags"])
        if not flags:
            return "flags: a non-empty list of risk flags"
        bad = sorted(set(flags) - RISK_FLAGS)
        if bad:
            return f"flags: unknown risk flag {bad[0]!r} (known: {', '.join(sorted(RISK_FLAGS))})"
    for key in ("max_days", "max_targets"):
        value = table.get(key)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value < 1
        ):
            return f"{key} must be a positive integer, not {value!r}"
    if "categories" in table:
        error = _check_categories(table["categories"], known_instrument)
        if error:
            return error
    if effect == "scope_limit" and not {"max_days", "max_targets", "categories"} & set(table):
        return "a scope limit needs at least one of max_days, max_targets, categories"
    return None


class ScopeLimits:
    """The limits of one valid ``scope_limit`` policy for one instrument."""

    __slots__ = ("categories", "max_days", "max_targets")

    def __init__(
        self, max_days: int | None, max_targets: int | None, categories: tuple[str, ...] | None
    ):
        self.max_days = max_days
        self.max_targets = max_targets
        self.categories = categories


def scope_limits(params: Any, instrument_id: str) -> ScopeLimits:
    """Read validated params; category tables are resolved for the demand's instrument."""
    table = _as_mapping(params) or {}
    categories = table.get("categories")
    resolved: tuple[str, ...] | None
    if categories is None:
        resolved = None
    elif _strings(categories) is not None:
        resolved = tuple(categories)
    else:
        per_instrument = _as_mapping(categories) or {}
        chosen = per_instrument.get(instrument_id)
        resolved = None if chosen is None else tuple(chosen)
    return ScopeLimits(table.get("max_days"), table.get("max_targets"), resolved)
