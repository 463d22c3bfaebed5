"""A restriction is planned as no more than was asked and decided: a withholding stays one."""

from __future__ import annotations

from dueprocess.demands.models import Ask
from dueprocess.demands.scope import planned_measure


def test_an_account_withheld_in_one_country_is_planned_as_that() -> None:
    ask = Ask(kind="restrict_account", measure="withhold", territorial_scope=["TR"])
    assert planned_measure(ask, None) == ("withhold_account", {"territories": ["TR"]})


def test_a_suspension_narrowed_by_the_reviewer_says_what_it_replaced() -> None:
    ask = Ask(kind="restrict_account", measure="suspend", territorial_scope=[])
    narrowed = {"measure": "withhold", "territorial_scope": ["TR"]}
    assert planned_measure(ask, narrowed) == (
        "withhold_account", {"territories": ["TR"], "instead_of": "suspend"})
