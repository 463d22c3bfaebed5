"""Production packages: signed manifest, encrypted at rest, verifiable, purged on time."""

from __future__ import annotations

import hashlib
import json
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.utils import timezone

from dueprocess.audit.models import AuditEvent
from dueprocess.demands.models import Action
from dueprocess.demo.connector import DemoConnector
from dueprocess.execution import productions
from dueprocess.execution.connectors.base import Export
from dueprocess.execution.models import Production
from dueprocess.execution.productions import (
    ProductionError,
    ProductionPurged,
    build_production,
    purge_expired,
    read_production,
    verify_package,
)


def _export(action: Action) -> Export:
    return DemoConnector().export(action.target.identifier if action.target else "",
                                  ("subscriber", "content"), None, None,
                                  key=action.idempotency_key)


def _file(production: Production) -> Path:
    return Path(settings.DUEPROCESS.productions_dir) / production.path


def test_a_package_decrypts_and_its_manifest_lists_every_file(export_action: Action) -> None:
    export = _export(export_action)
    production = build_production(export_action, export)
    files = read_production(production)
    assert set(files) == {"subscriber.json", "posts.json", "manifest.json", "manifest.sig"}
    manifest = json.loads(files["manifest.json"])
    assert manifest["demand_reference"] == "2:20-mj-00417"
    assert manifest["demand_id"] == export_action.demand_id
    assert manifest["action_id"] == export_action.pk
    assert manifest["authority"]["slug"] == "fbi"
    assert manifest["created"].endswith("Z")
    assert {f["name"]: (f["size"], f["sha256"]) for f in manifest["files"]} == {
        name: (len(data), hashlib.sha256(data).hexdigest())
        for name, data in export.files.items()}
    assert production.manifest_sha256 == hashlib.sha256(files["manifest.json"]).hexdigest()
    assert production.expires_at - production.created_at == timedelta(days=90)
    assert AuditEvent.objects.filter(verb="production.created").count() == 1


def test_the_signature_verifies_and_tampering_is_caught(export_action: Action) -> None:
    files = read_production(build_production(export_action, _export(export_action)))
    pem = productions.public_key_pem()
    assert pem.startswith(b"-----BEGIN PUBLIC KEY-----")
    assert verify_package(files, pem)
    assert verify_package(files, productions.public_key())

    altered = dict(files, **{"posts.json": files["posts.json"].replace(b"dm", b"DM")})
    assert not verify_package(altered, pem)
    assert not verify_package(dict(files, **{"extra.txt": b"planted"}), pem)
    missing = {k: v for k, v in files.items() if k != "subscriber.json"}
    assert not verify_package(missing, pem)
    forged = json.loads(files["manifest.json"])
    forged["demand_reference"] = "something else"
    assert not verify_package(dict(files, **{
        "manifest.json": json.dumps(forged).encode()}), pem)
    other = Ed25519PrivateKey.generate().public_key()
    assert not verify_package(files, other)
    assert not verify_package({"manifest.json": b"{}"}, pem)


def test_the_file_at_rest_is_encrypted(export_action: Action) -> None:
    production = build_production(export_action, _export(export_action))
    path = _file(production)
    blob = path.read_bytes()
    assert production.size == len(blob)
    for plain in (b"cs.suspect.42@example.com", b"cs_suspect_42", b"manifest.json",
                  b"PK\x03\x04", b"subscriber"):
        assert plain not in blob
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    key = productions.keys_dir() / productions.PRIVATE_KEY_FILE
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert (productions.keys_dir() / productions.PUBLIC_KEY_FILE).read_bytes() == \
        productions.public_key_pem()


def test_an_altered_or_swapped_file_does_not_decrypt(export_action: Action,
                                                     fbi: object) -> None:
    production = build_production(export_action, _export(export_action))
    path = _file(production)
    blob = bytearray(path.read_bytes())
    blob[-20] ^= 0x01
    path.write_bytes(bytes(blob))
    with pytest.raises(ProductionError, match="authentication"):
        read_production(production)

    # A valid package of another action, copied onto this record, is refused too.
    other_action = Action.objects.create(
        demand=export_action.demand, target=export_action.target, kind="export",
        idempotency_key="other", params=export_action.params)
    other = build_production(other_action, _export(other_action))
    path.write_bytes(_file(other).read_bytes())
    with pytest.raises(ProductionError):
        read_production(production)


def test_building_twice_returns_the_first_package(export_action: Action) -> None:
    export = _export(export_action)
    first = build_production(export_action, export)
    again = build_production(export_action, export)
    assert again.pk == first.pk
    assert Production.objects.count() == 1
    assert list(_file(first).parent.iterdir()) == [_file(first)]


def test_unsafe_file_names_are_refused(export_action: Action) -> None:
    for name in ("../escape.json", "manifest.json", "", ".hidden", "a/b.csv"):
        with pytest.raises(ProductionError):
            build_production(export_action, Export(files={name: b"x"}))
    assert not Production.objects.exists()


def test_expired_packages_are_purged(export_action: Action) -> None:
    production = build_production(export_action, _export(export_action))
    path = _file(production)
    assert purge_expired(timezone.now()) == 0
    later = production.expires_at + timedelta(seconds=1)
    assert purge_expired(later) == 1
    assert purge_expired(later) == 0
    production.refresh_from_db()
    assert production.purged_at == later
    assert not path.exists()
    with pytest.raises(ProductionPurged):
        read_production(production)
    assert AuditEvent.objects.filter(verb="production.purged").count() == 1
