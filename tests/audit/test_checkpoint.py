"""Signed checkpoints make a truncated or rewritten log detectable from outside."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import transaction

from dueprocess.audit import checkpoint as cp
from dueprocess.audit.chain import record, verify
from dueprocess.audit.models import AuditEvent, ChainHead
from dueprocess.cli import main
from tests.audit.test_chain import _as_database_owner

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def audit_key() -> None:
    """The key exists first; its creation is event 1 of every chain below."""
    cp.signing_key()
    assert AuditEvent.objects.get(seq=1).verb == "signing_key.created"


def _append(n: int, tag: str = "a") -> None:
    for i in range(n):
        with transaction.atomic():
            record("test.event", actor="tester", demand_id=None, payload={"i": i, "t": tag})


def _truncate_to(seq: int) -> None:
    """What an insider with database rights would do: drop the tail, rewind the head."""
    with _as_database_owner():
        AuditEvent.objects.filter(seq__gt=seq).delete()
    last = AuditEvent.objects.get(seq=seq)
    ChainHead.objects.filter(pk=1).update(seq=seq, hash=last.hash)


def test_a_checkpoint_is_signed_and_verifies() -> None:
    _append(4)
    body = cp.create()
    assert (body["seq"], body["format"]) == (5, cp.FORMAT)
    point = cp.parse(cp.dumps(body))
    assert point.seq == 5
    assert cp.verify_against(point).ok


def test_truncation_passes_the_plain_check_but_not_the_checkpoint() -> None:
    _append(5)
    point = cp.parse(cp.dumps(cp.create()))
    _truncate_to(3)
    assert verify().ok  # the shortened chain is internally consistent
    result = cp.verify_against(point)
    assert not result.ok
    assert "truncated" in result.reason and "attests 6 events but only 3" in result.reason


def test_a_rewritten_history_is_detected() -> None:
    _append(3)
    point = cp.parse(cp.dumps(cp.create()))
    with _as_database_owner():
        AuditEvent.objects.all().delete()
    ChainHead.objects.all().delete()
    _append(4, tag="forged")
    assert verify().ok
    result = cp.verify_against(point)
    assert not result.ok and result.broken_seq == 4
    assert "rewritten" in result.reason


def test_an_altered_checkpoint_is_refused() -> None:
    _append(2)
    body = cp.create()
    body["seq"] = 1
    with pytest.raises(cp.CheckpointError, match="altered after signing"):
        cp.parse(json.dumps(body))
    with pytest.raises(cp.CheckpointError, match="not a"):
        cp.parse(b"{}")
    with pytest.raises(cp.CheckpointError):
        cp.parse(b"not json")


def test_a_checkpoint_forged_with_another_key_is_refused() -> None:
    _append(1)
    body = cp.create()
    other = Ed25519PrivateKey.generate()
    import base64

    body["public_key"] = base64.b64encode(other.public_key().public_bytes_raw()).decode()
    unsigned = {k: v for k, v in body.items() if k != "signature"}
    body["signature"] = base64.b64encode(other.sign(json.dumps(
        unsigned, sort_keys=True, separators=(",", ":")).encode())).decode()
    with pytest.raises(cp.CheckpointError, match="another key"):
        cp.parse(json.dumps(body))
    # An auditor who pinned the forger's key would accept it: the pin is what they trust.
    assert cp.parse(json.dumps(body), trusted=other.public_key()).seq == 2


def test_verify_reports_progress() -> None:
    _append(11)
    seen: list[tuple[int, int]] = []
    assert verify(lambda done, total: seen.append((done, total)), chunk=5).ok
    assert seen == [(5, 12), (10, 12), (12, 12)]


def test_cli_checkpoint_and_verify(tmp_path: Path, capsys: Any) -> None:
    _append(3)
    out, pub = tmp_path / "cp.json", tmp_path / "audit.pub.pem"
    assert main(["audit", "checkpoint", "--output", str(out),
                 "--public-key-out", str(pub)]) == 0
    assert json.loads(out.read_text())["seq"] == 4
    assert AuditEvent.objects.filter(verb="audit.checkpoint_exported").count() == 1
    capsys.readouterr()
    assert main(["audit", "verify", "--checkpoint", str(out), "--public-key", str(pub)]) == 0
    assert "checkpoint" in capsys.readouterr().out
    _truncate_to(3)
    assert main(["audit", "verify", "--checkpoint", str(out)]) == 1
    assert "truncated" in capsys.readouterr().err
    out.write_text(out.read_text().replace('"seq": 4', '"seq": 3'))
    assert main(["audit", "verify", "--checkpoint", str(out)]) == 2
    assert "refused" in capsys.readouterr().err
