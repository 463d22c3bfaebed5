"""Small OFAC list versions cut from the bundled SDN files, and demands made by intake."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from dueprocess.demands.actions import receive_demand
from dueprocess.demands.inputs import DemandIn
from dueprocess.demands.models import Authority, Demand
from dueprocess.sanctions import service
from dueprocess.sanctions.actions import BUNDLED_OFAC, ImportOutcome, import_list

# OFAC SDN entries: HK-EO13936 officials, a listed public-security bureau, and bystanders.
TANG = "29242"  # TANG, Chris a.k.a. TANG, Ping-keung (Commissioner of Police)
LAM = "29249"  # LAM, Carrie
LEE = "29250"  # LEE, John Ka-chiu a.k.a. LI, Jiachao (Secretary for Security)
LI_KWAI_WAH = "30343"
XINJIANG_PSB = "29159"  # XINJIANG PUBLIC SECURITY BUREAU
BYSTANDERS = ("36", "173", "306")  # Cuban airline, trading company, national bank
BASE = (TANG, LAM, LEE, XINJIANG_PSB, *BYSTANDERS)


def _rows(name: str) -> list[list[str]]:
    text = (BUNDLED_OFAC / name).read_bytes().decode("utf-8").replace("\x1a", "")
    return list(csv.reader(io.StringIO(text)))


_CACHE: dict[str, list[list[str]]] = {}


def _file_rows(name: str) -> list[list[str]]:
    if name not in _CACHE:
        _CACHE[name] = _rows(name)
    return _CACHE[name]


def write_ofac(folder: Path, ids: Iterable[str], *,
               edit: Callable[[list[str]], list[str]] | None = None) -> Path:
    """An OFAC CSV set (sdn, alt, add) holding only the given entries, as OFAC writes it."""
    wanted = set(ids)
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("sdn.csv", "alt.csv", "add.csv"):
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        for row in _file_rows(name):
            if row and row[0] in wanted:
                writer.writerow(edit(row) if edit and name == "sdn.csv" else row)
        (folder / name).write_text(out.getvalue(), encoding="utf-8")
    return folder


@pytest.fixture(autouse=True)
def fresh_index_cache() -> Any:
    """Each test starts with no index in memory (the database is rolled back between)."""
    service._cached = None
    yield
    service._cached = None


@pytest.fixture
def ofac(tmp_path: Path) -> Callable[..., ImportOutcome]:
    """Import a version holding these entries (default: the HK officials and bystanders)."""
    counter = iter(range(1000))

    def load(ids: Iterable[str] = BASE, **kwargs: Any) -> ImportOutcome:
        folder = write_ofac(tmp_path / f"v{next(counter)}", ids, edit=kwargs.pop("edit", None))
        return import_list(folder, **kwargs)

    return load


def hk_body(**extra: Any) -> dict[str, Any]:
    """An NSL Schedule 4 account-closure demand (no pause policy applies to it)."""
    body: dict[str, Any] = {
        "reference": "NSD-2020-0820-003",
        "instrument": "hk.nsl43.sch4",
        "issued_by": {"name": "WONG Siu-ming", "title": "Chief Superintendent",
                      "role": "police_senior"},
        "legal_basis": "Implementation Rules for Article 43, Schedule 4",
        "statement_of_reasons": "Account used to organise unlawful assemblies",
        "offences": ["hk.nsl.art22"],
        "asks": [{"kind": "restrict_account", "measure": "terminate"}],
        "targets": [{"type": "account", "id": "hk_journalist"}],
    }
    body.update(extra)
    return body


@pytest.fixture
def receive(hk_police: Authority) -> Callable[..., Demand]:
    """Receive a demand through intake (vetting, and so screening, run inside)."""

    def make(authority: Authority | None = None, requester: Any = None,
             **extra: Any) -> Demand:
        data = DemandIn.model_validate(hk_body(**extra))
        demand = receive_demand(data, authority=authority or hk_police, requester=requester,
                                user=None)
        return Demand.objects.select_related("authority").get(pk=demand.pk)

    return make


def codes(demand: Demand) -> list[str]:
    return sorted(demand.findings.current().values_list("code", flat=True))


def sanction_findings(demand: Demand) -> list[Any]:
    return list(demand.findings.current().filter(code__startswith="sanctions.")
                .order_by("code", "pk"))
