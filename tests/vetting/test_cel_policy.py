"""CEL policy conditions: validation when saved, evaluation when vetting."""

from __future__ import annotations

import pytest

from dueprocess.vetting import ConditionError, ConditionInput, evaluate_condition
from dueprocess.vetting.cel_policy import MAX_CONDITION_LENGTH, validate_condition

HK_DISCLOSE = ConditionInput("HK", "hk.nsl43.sch4", "disclose", ("subscriber",), False, 3, "police")


@pytest.mark.parametrize(
    "condition",
    [
        "jurisdiction == 'HK' && ask == 'disclose'",
        "'content' in categories || emergency",
        "targets > 100 && authority_kind != 'court'",
        "categories.exists(c, c == 'traffic')",
        "categories.all(c, c in ['subscriber'])",
        "instrument.startsWith('hk.') && size(categories) > 0",
        "true",
    ],
)
def test_valid_conditions(condition: str) -> None:
    assert validate_condition(condition) is None


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("jurisdiction ==", "syntax error"),
        ("jurisdiction == 'HK' &&", "syntax error"),
        ("juristiction == 'HK'", "unknown variable 'juristiction'"),
        ("ask == 'disclose' && kind == 'x'", "unknown variable 'kind'"),
        ("jurisdiction", "true or false"),
        ("targets + 1", "true or false"),
        ("targets > 'ten'", "evaluation error"),
        ("jurisdiction + 1 == 2", "evaluation error"),
        ("no_such_function(jurisdiction)", "evaluation error"),
        ("1 / 0 == 1", "evaluation error"),
        ("x" * (MAX_CONDITION_LENGTH + 1), "longer than"),
    ],
)
def test_invalid_conditions_have_a_message(condition: str, expected: str) -> None:
    error = validate_condition(condition)
    assert error is not None
    assert expected in error


def test_non_string_condition() -> None:
    assert validate_condition(None) == "condition is empty"  # type: ignore[arg-type]


def test_evaluation() -> None:
    assert evaluate_condition("jurisdiction == 'HK' && ask == 'disclose'", HK_DISCLOSE) is True
    assert evaluate_condition("emergency", HK_DISCLOSE) is False
    assert evaluate_condition("targets == 3 && 'subscriber' in categories", HK_DISCLOSE) is True


def test_evaluation_errors_raise_condition_error_every_time() -> None:
    for _ in range(2):  # the second call comes from the cache
        with pytest.raises(ConditionError, match="evaluation error"):
            evaluate_condition("targets > 'x'", HK_DISCLOSE)
    with pytest.raises(ConditionError, match="syntax error"):
        evaluate_condition("(", HK_DISCLOSE)
    with pytest.raises(ConditionError, match="true or false"):
        evaluate_condition("jurisdiction", HK_DISCLOSE)
