"""Territorial scope on a restriction: countries, the EU, or the whole world as ``WW``."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from dueprocess.demands.inputs import AskIn


@pytest.mark.parametrize(
    ("given", "stored"),
    [(["de", " fr "], ["DE", "FR"]), (["EU"], ["EU"]), (["WW"], ["WW"]),
     (["worldwide"], ["WW"]), (["Global"], ["WW"]), (["*"], ["WW"])],
)
def test_accepted_territories(given: list[str], stored: list[str]) -> None:
    ask = AskIn(kind="restrict_content", measure="remove", territorial_scope=given)
    assert ask.territorial_scope == stored


@pytest.mark.parametrize("bad", ["UK", "XX", "Germany", "USA", "US-TX"])
def test_a_bad_territory_names_the_accepted_values(bad: str) -> None:
    with pytest.raises(ValidationError) as info:
        AskIn(kind="restrict_content", measure="remove", territorial_scope=[bad])
    message = str(info.value)
    assert repr(bad) in message
    assert "ISO 3166-1" in message and "EU" in message and "WW for worldwide" in message


def test_an_account_may_be_withheld_in_named_countries_only() -> None:
    ask = AskIn(kind="restrict_account", measure="withhold", territorial_scope=["tr"])
    assert (ask.measure, ask.territorial_scope) == ("withhold", ["TR"])
    with pytest.raises(ValidationError, match="withholding needs a territorial_scope"):
        AskIn(kind="restrict_account", measure="withhold")
    with pytest.raises(ValidationError, match="suspend, terminate or withhold"):
        AskIn(kind="restrict_account", measure="remove")
