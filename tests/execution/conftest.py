"""Fixtures for execution: a private home per test, the seeded demo platform, approved
demands and a plainly created export action."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from dueprocess.demands.models import Action, Authority, Demand, Target
from dueprocess.demo import platform
from tests.execution.dsa_standin import TOKEN, StandIn
from tests.execution.support import comply, receive, warrant_body


@pytest.fixture(autouse=True)
def private_home(settings: Any, tmp_path: Path) -> None:
    """Keys and packages of each test live in its own directory."""
    settings.DUEPROCESS = dataclasses.replace(settings.DUEPROCESS, home=tmp_path / "home")


@pytest.fixture
def seeded(db: Any) -> None:
    platform.seed_platform()


@pytest.fixture
def approved(seeded: None, fbi: Authority, reviewer: Any) -> Callable[..., Demand]:
    """Receive a demand (a US warrant unless told otherwise) and decide to comply."""

    def make(body: dict[str, Any] | None = None, authority: Authority | None = None) -> Demand:
        demand = receive(authority or fbi, body or warrant_body())
        return comply(demand, reviewer)

    return make


@pytest.fixture
def export_action(db: Any, fbi: Authority) -> Action:
    """An export action on a plainly created demand, for package tests without a worker."""
    platform.seed_platform()
    demand = Demand.objects.create(authority=fbi, reference="2:20-mj-00417",
                                   instrument="us.ecpa.warrant", jurisdiction="US",
                                   status="executing")
    target = Target.objects.create(demand=demand, type="account",
                                   identifier=platform.US_SUSPECT, exists=True, country="US")
    return Action.objects.create(
        demand=demand, target=target, kind="export", idempotency_key=f"test-export-{demand.pk}",
        params={"categories": ["subscriber", "content"], "date_from": "2020-01-01",
                "date_to": "2020-09-30"})


@pytest.fixture
def notice_period(settings: Any) -> Callable[[int], None]:
    """Set how many days a disclosure waits after the user notice."""

    def set_days(days: int) -> None:
        settings.DUEPROCESS = dataclasses.replace(settings.DUEPROCESS, notice_period_days=days)

    return set_days


@pytest.fixture
def fr_parquet(db: Any) -> Authority:
    return Authority.objects.create(slug="fr-parquet-paris", name="Parquet de Paris",
                                    jurisdiction="FR", kind="prosecutor",
                                    domains=["justice.fr"])


@pytest.fixture
def de_bka(db: Any) -> Authority:
    return Authority.objects.create(slug="de-bka", name="Bundeskriminalamt",
                                    jurisdiction="DE", kind="police", domains=["bka.bund.de"])


@pytest.fixture
def standin() -> Iterator[StandIn]:
    """A local Transparency Database stand-in that enforces the documented limits."""
    with StandIn(TOKEN) as server:
        yield server
