"""`dueprocess backup`: the database with its signing keys, and every stored file."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from dueprocess.cli import main
from dueprocess.demands.models import Action, Authority, Demand
from dueprocess.demo.connector import DemoConnector
from dueprocess.execution import productions
from dueprocess.execution.productions import build_production
from dueprocess.intake.documents import store_document
from tests.intake.conftest import make_pdf

pytestmark = pytest.mark.django_db(transaction=True)


def _signing_keys_in_dump(folder: Path, database: str) -> str:
    if connection.vendor == "sqlite":
        with sqlite3.connect(folder / database) as db:
            (fingerprint,) = db.execute(
                "SELECT fingerprint FROM audit_signingkey WHERE name = 'production'").fetchone()
        return str(fingerprint)
    listing = subprocess.run(["pg_restore", "--list", str(folder / database)],
                             capture_output=True, text=True, check=True).stdout
    assert "TABLE DATA public audit_signingkey" in listing
    return productions.key_fingerprint(productions.public_key())


def test_a_backup_holds_the_database_with_the_keys_and_every_file(
        export_action: Action, fbi: Authority, tmp_path: Path, capsys: Any) -> None:
    production = build_production(export_action, DemoConnector().export(
        export_action.target.identifier if export_action.target else "", ("subscriber",),
        None, None, key=export_action.idempotency_key))
    demand = Demand.objects.create(authority=fbi, reference="DOC-1", instrument="us.ecpa.warrant",
                                   jurisdiction="US", status="received")
    document = store_document(demand, filename="order.pdf", chunks=[make_pdf()], user=None)

    out = tmp_path / "backup"
    assert main(["backup", "--output", str(out)]) == 0
    assert "2 stored file(s)" in capsys.readouterr().out
    manifest = json.loads((out / "manifest.json").read_text())
    home = settings.DUEPROCESS.home
    names = {f["name"]: f for f in manifest["files"]}
    assert set(names) == {f"productions/{production.path}",
                          f"documents/{document.path}"}
    for name, entry in names.items():
        copied = (out / "storage" / name).read_bytes()
        assert copied == (home / name).read_bytes()
        assert entry["sha256"] == hashlib.sha256(copied).hexdigest()
    fingerprint = productions.key_fingerprint(productions.public_key())
    assert [k["fingerprint"] for k in manifest["signing_keys"]
            if k["name"] == "production"] == [fingerprint]
    assert _signing_keys_in_dump(out, manifest["database"]["file"]) == fingerprint
    assert manifest["missing"] == []

    # Never over an earlier backup.
    assert main(["backup", "--output", str(out)]) == 2
    assert "not an empty folder" in capsys.readouterr().err

    # A file the database names but the storage lost is reported, and the exit says so.
    (home / "documents" / document.path).unlink()
    assert main(["backup", "--output", str(tmp_path / "second")]) == 1
    err = capsys.readouterr().err
    assert f"missing from the storage: documents/{document.path}" in err
