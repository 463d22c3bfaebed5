"""A Python client generated from the served OpenAPI document works against a running
server: the generator accepts every part of the document, and the typed client creates a
demand and reads it back."""

from __future__ import annotations

import importlib
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from dueprocess.accounts.models import ApiToken
from dueprocess.demands.models import Authority
from tests.conftest import us_warrant

CONFIG = Path(__file__).resolve().parents[2] / "openapi-client.yaml"


@pytest.fixture
def generated(live_server: Any, tmp_path: Path) -> Iterator[Any]:
    document = tmp_path / "openapi.json"
    with urllib.request.urlopen(f"{live_server.url}/api/v1/openapi.json", timeout=30) as answer:
        document.write_bytes(answer.read())
    run = subprocess.run(
        [sys.executable, "-m", "openapi_python_client", "generate", "--path", str(document),
         "--config", str(CONFIG), "--meta", "none", "--output-path",
         str(tmp_path / "dueprocess_client")],
        capture_output=True, text=True, timeout=300, check=False)
    said = run.stdout + run.stderr
    assert run.returncode == 0, said
    assert "warning" not in said.lower(), said  # an unsupported part of the document
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module("dueprocess_client")
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m.split(".")[0] == "dueprocess_client"]:
            del sys.modules[name]


def test_a_generated_client_creates_a_demand_and_reads_it_back(
        generated: Any, live_server: Any, fbi: Authority, reviewer: Any) -> None:
    from dueprocess_client.api.demands import create_demand, get_demand
    from dueprocess_client.models import AskKind, DemandIn, DemandOut, Status, TargetType

    _, token = ApiToken.issue(reviewer)
    with generated.AuthenticatedClient(base_url=live_server.url, token=token) as client:
        created = create_demand.sync_detailed(client=client,
                                              body=DemandIn.from_dict(us_warrant()))
        assert created.status_code == 201, created.content
        assert isinstance(created.parsed, DemandOut)
        demand = get_demand.sync(demand_id=created.parsed.id, client=client)

    assert isinstance(demand, DemandOut)
    assert demand.reference == "2:20-mj-00417"
    assert demand.authority == "fbi"
    assert isinstance(demand.status, Status)
    assert isinstance(demand.received_at, datetime)
    assert demand.asks[0].kind is AskKind.DISCLOSE
    assert demand.targets[0].type_ is TargetType.ACCOUNT
    assert demand.targets[0].identifier == "cs_suspect_42"

    with generated.AuthenticatedClient(base_url=live_server.url, token="nope") as stranger:
        refused = get_demand.sync_detailed(demand_id=demand.id, client=stranger)
    assert refused.status_code == 401
    assert refused.parsed.error.code.value == "unauthenticated"
