"""Production packages: signed manifest, encrypted at rest, verifiable, purged on time."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
import stat
import struct
import subprocess
import sys
import tracemalloc
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.utils import timezone

from dueprocess.audit import signing_keys
from dueprocess.audit.models import AuditEvent
from dueprocess.connectors.base import Export
from dueprocess.demands.models import Action
from dueprocess.demo.connector import DemoConnector
from dueprocess.execution import productions
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
    assert set(files) == {"subscriber.json", "subscriber.csv", "posts.json", "posts.csv",
                          "manifest.json", "manifest.sig"}
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
    assert stat.S_IMODE(path.parent.parent.stat().st_mode) == 0o700


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


def _big_export(tmp_path: Path, size: int) -> Export:
    """An export too large to want in memory: spooled to disk, incompressible."""
    path = tmp_path / "spooled.bin"
    with path.open("wb") as fh:
        for _ in range(size // (1024 * 1024)):
            fh.write(os.urandom(1024 * 1024))
    return Export(files={"subscriber.json": b'{"id": "1"}\n'}, paths={"logins.csv": path})


def test_a_package_larger_than_memory_is_built_and_read_as_a_stream(
        export_action: Action, tmp_path: Path) -> None:
    size = 40 * 1024 * 1024
    export = _big_export(tmp_path, size)
    tracemalloc.start()
    try:
        production = build_production(export_action, export)
        _, built_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        out = tmp_path / "download.zip"
        with out.open("wb") as fh:
            for chunk in productions.iter_package(production):
                fh.write(chunk)
        _, read_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert built_peak < size / 4 and read_peak < size / 4, (built_peak, read_peak)
    assert production.size > size
    listed = {f["name"]: f for f in production.files}
    assert listed["logins.csv"]["size"] == size
    result = productions.verify_zip(out, productions.public_key_pem())
    assert result.ok, result.problems


def _records(blob: bytes) -> list[tuple[int, int]]:
    """(offset, length) of each sealed chunk record after the header."""
    at, out = productions._HEADER, []
    while at < len(blob):
        (length,) = struct.unpack(">I", blob[at:at + 4])
        out.append((at, 4 + length))
        at += 4 + length
    return out


def test_a_truncated_or_reordered_package_is_refused(export_action: Action,
                                                      tmp_path: Path) -> None:
    production = build_production(export_action, _big_export(tmp_path, 3 * 1024 * 1024))
    path = _file(production)
    blob = path.read_bytes()
    records = _records(blob)
    assert len(records) >= 3

    last_at, _ = records[-1]
    path.write_bytes(blob[:last_at])  # cut at a chunk boundary
    with pytest.raises(ProductionError, match="authentication"):
        productions.read_package(production)

    (a_at, a_len), (b_at, b_len) = records[0], records[1]
    swapped = (blob[:a_at] + blob[b_at:b_at + b_len] + blob[a_at:a_at + a_len]
               + blob[b_at + b_len:])
    path.write_bytes(swapped)
    with pytest.raises(ProductionError):
        productions.read_package(production)

    path.write_bytes(blob[:productions._HEADER + 2])
    with pytest.raises(ProductionError, match="truncated"):
        productions.read_package(production)


def test_rotating_the_secret_keeps_old_packages_readable_and_rekey_moves_them(
        export_action: Action, settings: Any) -> None:
    production = build_production(export_action, _export(export_action))
    first = read_production(production)
    old_secret = settings.DUEPROCESS.secret_key
    old_id = production.key_id
    assert old_id == productions.key_id(old_secret).hex()

    settings.DUEPROCESS = dataclasses.replace(settings.DUEPROCESS,
                                              secret_key="a-new-secret-" + "x" * 40,
                                              old_secret_keys=(old_secret,))
    assert read_production(production) == first  # the old key still opens it
    settings.DUEPROCESS = dataclasses.replace(settings.DUEPROCESS, old_secret_keys=())
    with pytest.raises(ProductionError, match="DUEPROCESS_OLD_SECRET_KEYS"):
        read_production(production)

    settings.DUEPROCESS = dataclasses.replace(settings.DUEPROCESS,
                                              old_secret_keys=(old_secret,))
    old_file = _file(production)
    assert productions.rekey_all() == 1
    assert productions.rekey_all() == 0  # already under the new key
    production.refresh_from_db()
    assert production.key_id != old_id
    assert not old_file.exists()
    settings.DUEPROCESS = dataclasses.replace(settings.DUEPROCESS, old_secret_keys=())
    assert read_production(production) == first
    assert AuditEvent.objects.filter(verb="production.rekeyed").count() == 1


def test_production_verify_checks_a_downloaded_file(export_action: Action, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    from dueprocess.cli import main

    production = build_production(export_action, _export(export_action))
    package = tmp_path / "package.zip"
    package.write_bytes(productions.read_package(production))
    pem = tmp_path / "platform.pem"
    pem.write_bytes(productions.public_key_pem())

    assert main(["production", "verify", str(package), "--public-key", str(pem)]) == 0
    out = capsys.readouterr().out
    assert "OK" in out and "2:20-mj-00417" in out and "subscriber, content" in out
    assert main(["production", "verify", str(package)]) == 0  # the installation's own key

    files = read_production(production)
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(tampered, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data.replace(b"cs_suspect_42", b"someone_else") if
                        name == "subscriber.json" else data)
    assert main(["production", "verify", str(tampered), "--public-key", str(pem)]) == 1
    err = capsys.readouterr().err
    assert "NOT VERIFIED" in err and "subscriber.json: content differs" in err

    other = tmp_path / "other.pem"
    other.write_bytes(signing_keys.public_pem(Ed25519PrivateKey.generate().public_key()))
    assert main(["production", "verify", str(package), "--public-key", str(other)]) == 1
    assert "signature does not match" in capsys.readouterr().err
    # An authority checks it on a machine with no dueprocess installation or settings.
    clean = subprocess.run(
        [sys.executable, "-m", "dueprocess", "production", "verify", str(package),
         "--public-key", str(pem)], capture_output=True, text=True, timeout=120, check=False,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path)})
    assert clean.returncode == 0, clean.stderr
    assert "OK:" in clean.stdout
    (tmp_path / "junk.zip").write_bytes(b"not a zip")
    assert main(["production", "verify", str(tmp_path / "junk.zip"), "--public-key",
                 str(pem)]) == 1


def test_bytes_added_around_a_package_break_its_verification(
        export_action: Action, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from dueprocess.cli import main

    data = productions.read_package(build_production(export_action, _export(export_action)))
    pem = tmp_path / "platform.pem"
    pem.write_bytes(productions.public_key_pem())
    assert productions.verify_zip(io.BytesIO(data), productions.public_key_pem()).ok
    for name, altered in (("appended", data + b"<script>evil()</script>"),
                          ("prepended", b"MZ\x90\x00" * 64 + data),
                          ("comment", data[:-2] + b"\x05\x00" + b"hello")):
        path = tmp_path / f"{name}.zip"
        path.write_bytes(altered)
        result = productions.verify_zip(path, productions.public_key_pem())
        assert not result.ok, name
        assert main(["production", "verify", str(path), "--public-key", str(pem)]) == 1
        assert "NOT VERIFIED" in capsys.readouterr().err
    # A key that is not there is an error message, not a traceback.
    assert main(["production", "verify", str(tmp_path / "appended.zip"), "--public-key",
                 str(tmp_path / "nosuch.pem")]) == 2
    assert "cannot read the public key" in capsys.readouterr().err
    junk = tmp_path / "junk.pem"
    junk.write_bytes(b"not a key")
    package = tmp_path / "package.zip"
    package.write_bytes(data)
    assert main(["production", "verify", str(package), "--public-key", str(junk)]) == 1
    assert "unusable public key" in capsys.readouterr().err
    assert main(["production", "verify", str(tmp_path / "nosuch.zip"), "--public-key",
                 str(pem)]) == 1
