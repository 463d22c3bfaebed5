"""Short forms of given names: a table read both ways, never a guess."""

from __future__ import annotations

from dueprocess.screening import DEFAULT_THRESHOLD, compare, compare_names
from dueprocess.screening.nicknames import short_form_of


def test_a_short_form_meets_its_full_name_both_ways() -> None:
    assert short_form_of("bill", "william") and short_form_of("william", "bill")
    assert short_form_of("sasha", "alexander") and short_form_of("nacho", "ignacio")


def test_names_that_only_look_alike_are_not_short_forms() -> None:
    assert not short_form_of("bill", "gates")
    assert not short_form_of("sasha", "sergei")
    assert not short_form_of("william", "william")  # equal words are matched as such


def test_the_scorer_names_the_short_form_and_alerts_with_the_surname() -> None:
    explained = compare_names("Bill Clinton", "William Clinton").explain()
    assert "bill~william (short form 0.85)" in explained
    assert compare("Bill Clinton", "William Clinton") >= DEFAULT_THRESHOLD
    assert compare("Sasha Ivanov", "Aleksandr Ivanov") >= DEFAULT_THRESHOLD
    # a short form alone, with another surname, is another person
    assert compare("Bob Smith", "Robert Jones") < DEFAULT_THRESHOLD
