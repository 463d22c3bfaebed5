"""The case file's hooks: every one has its subscriber, and a missing one stops start-up."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from dueprocess.demands import hooks
from dueprocess.ops.checks import CheckFailed, check_hooks


def test_an_installation_subscribes_to_every_hook() -> None:
    assert hooks.unsubscribed() == []
    call_command("check")  # raises SystemCheckError on demands.E001
    check_hooks()


@pytest.fixture
def without_letters() -> Iterator[None]:
    """The notices package as if it were not installed."""
    saved = hooks.draft_letter.subscribers
    for fn in saved:
        hooks.draft_letter.unsubscribe(fn)
    yield
    for fn in saved:
        hooks.draft_letter.subscribe(fn)


@pytest.mark.usefixtures("without_letters")
def test_a_hook_without_subscriber_fails_the_checks_and_the_call() -> None:
    assert hooks.unsubscribed() == ["draft_letter"]
    with pytest.raises(SystemCheckError, match=r"demands\.E001.*draft_letter"):
        call_command("check")
    with pytest.raises(CheckFailed, match="draft_letter"):
        check_hooks()
    with pytest.raises(hooks.Unsubscribed, match="draft_letter"):
        hooks.draft_letter(None, "refusal", "system", None, "")  # type: ignore[arg-type]


def test_a_single_hook_takes_one_subscriber() -> None:
    def other(*args: object) -> None:
        return None

    with pytest.raises(RuntimeError, match="takes one subscriber"):
        hooks.record_override.subscribe(other)  # type: ignore[arg-type]
    assert len(hooks.record_override.subscribers) == 1


def test_facts_from_several_packages_are_merged() -> None:
    from dueprocess.demands import invariants

    merged = hooks.merged(iter([
        hooks.CaseFacts(hr_required=True, hr_conclusion="comply",
                        hr_alternatives=frozenset({"narrow"})),
        hooks.CaseFacts(hits=(invariants.Hit(status="open"),)),
    ]))
    assert merged.hr_required and merged.hr_conclusion == "comply"
    assert merged.hr_alternatives == {"narrow"} and len(merged.hits) == 1
