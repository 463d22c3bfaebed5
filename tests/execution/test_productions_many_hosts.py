"""Several hosts, one installation: the signing keys live in the database (one per
installation, whatever races), and files in a storage every host reaches. The S3 tests run
against a real S3 HTTP server (moto) on 127.0.0.1; other hosts are real processes."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import secrets
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from moto.server import ThreadedMotoServer

from dueprocess import blobstore
from dueprocess.audit import checkpoint, signing_keys
from dueprocess.audit.models import AuditEvent, SigningKey
from dueprocess.backup import backup
from dueprocess.demands.models import Action, Authority, Demand
from dueprocess.demo.connector import DemoConnector
from dueprocess.execution import productions
from dueprocess.execution.productions import ProductionError, build_production
from dueprocess.intake.documents import open_document, store_document
from tests.execution.processes import REPO, worker_env, worker_home
from tests.intake.conftest import make_pdf

PREFIX = "installation-a"


def _export(action: Action) -> Any:
    return DemoConnector().export(action.target.identifier if action.target else "",
                                  ("subscriber", "content"), None, None,
                                  key=action.idempotency_key)


def _run(env: dict[str, str], code: str, *args: str) -> subprocess.Popen[str]:
    """Another host: a separate Python process with its own environment."""
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args], env=env, cwd=REPO,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(proc: subprocess.Popen[str]) -> str:
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    return out


# --------------------------------------------------------------------------- keys


@pytest.mark.django_db
def test_the_keys_are_kept_in_the_database_sealed_and_created_once(settings: Any) -> None:
    key = productions.signing_key()
    again = productions.signing_key()
    assert signing_keys.raw(key.public_key()) == signing_keys.raw(again.public_key())
    row = SigningKey.objects.get(name=signing_keys.PRODUCTION)
    private = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                serialization.NoEncryption())
    assert private not in bytes(row.sealed_private)
    assert row.public_pem.encode() == productions.public_key_pem()
    assert row.origin == "generated"
    assert not (settings.DUEPROCESS.home / "keys").exists()  # nothing on this host's disk
    created = AuditEvent.objects.get(verb="signing_key.created")
    assert created.payload == {"key": "production", "fingerprint": row.fingerprint,
                               "origin": "generated"}
    # The audit key is a different key.
    assert checkpoint.fingerprint(checkpoint.public_key()) != row.fingerprint


@pytest.mark.django_db
def test_key_files_of_an_older_installation_are_imported_once(settings: Any) -> None:
    old = Ed25519PrivateKey.generate()
    folder = settings.DUEPROCESS.home / "keys"
    folder.mkdir(parents=True)
    (folder / "production-signing-ed25519.pem").write_bytes(old.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    signed_before = old.sign(b"a manifest signed before the upgrade")
    productions.public_key().verify(signed_before, b"a manifest signed before the upgrade")
    row = SigningKey.objects.get(name=signing_keys.PRODUCTION)
    assert row.origin == "imported from keys/production-signing-ed25519.pem"
    assert row.fingerprint == signing_keys.fingerprint(old.public_key())
    # A later change to the file changes nothing: the database is the key's home now.
    (folder / "production-signing-ed25519.pem").write_bytes(b"garbage")
    assert productions.key_fingerprint(productions.signing_key().public_key()) == \
        row.fingerprint


@pytest.mark.django_db
def test_the_key_opens_only_with_the_installation_secret(settings: Any) -> None:
    first = productions.key_fingerprint(productions.signing_key().public_key())
    old_secret = settings.DUEPROCESS.secret_key
    settings.DUEPROCESS = dataclasses.replace(settings.DUEPROCESS, secret_key="another host")
    with pytest.raises(ProductionError, match="every host needs the same secrets"):
        productions.signing_key()
    # A rotation: the old secret still opens it, and rekey seals it under the new one.
    settings.DUEPROCESS = dataclasses.replace(settings.DUEPROCESS,
                                              old_secret_keys=(old_secret,))
    assert productions.key_fingerprint(productions.signing_key().public_key()) == first
    assert signing_keys.reseal_all() == 1
    assert signing_keys.reseal_all() == 0
    assert AuditEvent.objects.filter(verb="signing_key.resealed").count() == 1
    settings.DUEPROCESS = dataclasses.replace(settings.DUEPROCESS, old_secret_keys=())
    assert productions.key_fingerprint(productions.signing_key().public_key()) == first


@pytest.mark.django_db
def test_a_dedicated_key_secret_seals_the_keys(settings: Any) -> None:
    settings.DUEPROCESS = dataclasses.replace(settings.DUEPROCESS, key_secret="keys only")
    fingerprint = productions.key_fingerprint(productions.signing_key().public_key())
    row = SigningKey.objects.get(name=signing_keys.PRODUCTION)
    assert row.secret_id == signing_keys.secret_id("keys only")
    # The secret key may change without touching the signing keys.
    settings.DUEPROCESS = dataclasses.replace(settings.DUEPROCESS, secret_key="rotated")
    assert productions.key_fingerprint(productions.signing_key().public_key()) == fingerprint


CREATE_KEY = """
    import os, sys, time
    import django
    django.setup()
    from dueprocess.execution import productions
    start = float(sys.argv[1])
    time.sleep(max(0.0, start - time.time()))
    print(productions.key_fingerprint(productions.signing_key().public_key()))
"""


@pytest.mark.django_db(transaction=True)
def test_two_processes_creating_the_key_at_once_end_with_one(settings: Any,
                                                             tmp_path: Path) -> None:
    home = worker_home(tmp_path)
    env = worker_env(settings, home)
    start = time.time() + 4  # both have set Django up by then, and start together
    procs = [_run(env, CREATE_KEY, str(start)) for _ in range(2)]
    printed = {_finish(p).strip() for p in procs}
    assert SigningKey.objects.filter(name=signing_keys.PRODUCTION).count() == 1
    assert printed == {SigningKey.objects.get(name=signing_keys.PRODUCTION).fingerprint}
    assert AuditEvent.objects.filter(verb="signing_key.created").count() == 1


# --------------------------------------------------------------------------- S3 storage


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """A real S3 HTTP server on 127.0.0.1 with an empty bucket."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    credentials = {"AWS_ACCESS_KEY_ID": "test-key", "AWS_SECRET_ACCESS_KEY": "test-secret",
                   "AWS_DEFAULT_REGION": "eu-central-1"}
    for name, value in credentials.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=endpoint, region_name="eu-central-1")
    bucket = f"evidence-{secrets.token_hex(6)}"  # the server's state outlives one test
    client.create_bucket(Bucket=bucket,
                         CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    try:
        yield {"endpoint": endpoint, "client": client, "env": credentials, "bucket": bucket,
               "url": f"s3://{bucket}/{PREFIX}?endpoint_url={endpoint}&region=eu-central-1"}
    finally:
        server.stop()


@pytest.fixture
def s3_storage(s3: dict[str, Any], settings: Any) -> dict[str, Any]:
    """This process as host A: its files go to the bucket, as DUEPROCESS_STORAGE_URL says."""
    from dueprocess import config
    from dueprocess import settings as project_settings

    parsed = config.parse_storage_url(s3["url"])
    settings.DUEPROCESS = dataclasses.replace(settings.DUEPROCESS, storage=parsed)
    original = project_settings.CONFIG
    project_settings.CONFIG = settings.DUEPROCESS
    try:
        evidence = project_settings._evidence_storage()
    finally:
        project_settings.CONFIG = original
    settings.STORAGES = {**settings.STORAGES, "evidence": evidence}
    return s3


def _objects(s3: dict[str, Any]) -> dict[str, bytes]:
    client, bucket = s3["client"], s3["bucket"]
    listing = client.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {o["Key"]: client.get_object(Bucket=bucket, Key=o["Key"])["Body"].read()
            for o in listing}


HOST_B = """
    import hashlib, json, sys
    import django
    django.setup()
    from dueprocess.demands.models import Document
    from dueprocess.execution import productions
    from dueprocess.execution.models import Production
    from dueprocess.intake.documents import open_document
    production = Production.objects.get(pk=int(sys.argv[1]))
    with open(sys.argv[3], "wb") as out:
        for chunk in productions.iter_package(production):
            out.write(chunk)
    result = productions.verify_zip(sys.argv[3], productions.public_key())
    with open_document(Document.objects.get(pk=int(sys.argv[2]))) as fh:
        document = hashlib.sha256(fh.read()).hexdigest()
    print(json.dumps({"ok": result.ok, "problems": result.problems, "document": document}))
"""


@pytest.mark.django_db(transaction=True)
def test_a_production_built_on_one_host_is_read_and_verified_on_another(
        s3_storage: dict[str, Any], export_action: Action, fbi: Authority, settings: Any,
        tmp_path: Path) -> None:
    production = build_production(export_action, _export(export_action))
    demand = Demand.objects.create(authority=fbi, reference="DOC-1", instrument="us.ecpa.warrant",
                                   jurisdiction="US", status="received")
    pdf = make_pdf(pages=2)
    document = store_document(demand, filename="warrant.pdf", chunks=[pdf], user=None)

    stored = _objects(s3_storage)
    package_key = f"{PREFIX}/productions/{production.path}"
    assert set(stored) == {package_key, f"{PREFIX}/documents/{demand.pk}/{document.sha256}.pdf"}
    for plain in (b"cs_suspect_42", b"manifest.json", b"PK\x03\x04"):
        assert plain not in stored[package_key]  # sealed before it reaches the store
    grants = s3_storage["client"].get_object_acl(Bucket=s3_storage["bucket"],
                                                     Key=package_key)["Grants"]
    assert all("URI" not in g["Grantee"] for g in grants)  # no AllUsers / AuthenticatedUsers
    home = settings.DUEPROCESS.home
    assert not (home / "productions").exists() and not (home / "documents").exists()
    with open_document(document) as fh:  # type: ignore[union-attr]
        assert fh.read() == pdf

    # Host B: another process, another home, the same database, secret and bucket.
    other_home = worker_home(tmp_path / "host-b")
    env = worker_env(settings, other_home, DUEPROCESS_STORAGE_URL=s3_storage["url"],
               **s3_storage["env"])
    download = tmp_path / "download.zip"
    out = _finish(_run(env, HOST_B, str(production.pk), str(document.pk), str(download)))
    answer = json.loads(out)
    assert answer == {"ok": True, "problems": [], "document": hashlib.sha256(pdf).hexdigest()}
    assert productions.read_package(production) == download.read_bytes()

    # A backup taken on any host copies the bucket's files.
    result = backup(tmp_path / "backup")
    assert result.files == 2 and result.missing == []
    assert (tmp_path / "backup" / "storage" / "productions" / production.path).read_bytes() \
        == stored[package_key]


@pytest.mark.django_db
def test_a_missing_object_is_reported_not_raised(s3_storage: dict[str, Any],
                                                 export_action: Action) -> None:
    production = build_production(export_action, _export(export_action))
    s3_storage["client"].delete_object(Bucket=s3_storage["bucket"],
                                       Key=f"{PREFIX}/productions/{production.path}")
    with pytest.raises(ProductionError, match="is missing"):
        productions.read_package(production)


def test_the_home_remains_the_default_storage_on_one_host(settings: Any) -> None:
    assert settings.STORAGES["evidence"]["BACKEND"] == "dueprocess.blobstore.HomeStorage"


@pytest.mark.parametrize("relative", ["../secret_key", "/etc/passwd", "7/../../secret_key",
                                      "7\\..\\x.pdf", ""])
def test_a_stored_name_never_leaves_its_folder(relative: str) -> None:
    with pytest.raises(blobstore.BlobError):
        blobstore.name("documents", relative)
    assert blobstore.name("documents", "7/abc.pdf") == "documents/7/abc.pdf"
