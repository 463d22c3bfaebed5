"""Checking a production package in the portal with the code of ``production verify``."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import Client

from dueprocess.execution import productions

pytestmark = pytest.mark.django_db


def signed_package(files: dict[str, bytes], key: Ed25519PrivateKey | None = None) -> bytes:
    """A package as the platform writes it: files, a manifest of them, its signature."""
    manifest = json.dumps({
        "demand_reference": "2:20-mj-00417", "data_categories": ["subscriber"],
        "created": "2026-12-01T10:00:00Z",
        "files": [{"name": n, "size": len(b), "sha256": hashlib.sha256(b).hexdigest()}
                  for n, b in files.items()]}).encode()
    signer = key or productions.signing_key()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
        zf.writestr(productions.MANIFEST, manifest)
        zf.writestr(productions.SIGNATURE, signer.sign(manifest))
    return out.getvalue()


def _post(portal: Client, data: bytes, **extra: Any) -> str:
    upload = io.BytesIO(data)
    upload.name = "package.zip"
    r = portal.post("/portal/verify/", {"package": upload, **extra})
    assert r.status_code == 200, r.status_code
    return r.content.decode()


def test_a_genuine_package_is_verified_and_nothing_is_kept(portal: Client,
                                                          own_home: Path) -> None:
    page = portal.get("/portal/verify/").content.decode()
    assert productions.public_key_pem().decode().strip() in page
    before = sorted(p for p in own_home.rglob("*") if p.is_file())
    html = _post(portal, signed_package({"subscriber.json": b'{"name": "x"}'}))
    assert "<h2>Verified</h2>" in html and "2:20-mj-00417" in html
    assert sorted(p for p in own_home.rglob("*") if p.is_file()) == before


@pytest.mark.parametrize("tamper,reason", [
    (lambda z: z + b"<script>evil()</script>", "bytes follow the ZIP end record"),
    (lambda z: z.replace(b'{"name": "x"}', b'{"name": "y"}'),
     "subscriber.json: damaged"),
    (lambda z: b"not a zip at all", "no ZIP end record"),
])
def test_a_tampered_package_is_not_verified_with_the_reason(portal: Client, tamper: Any,
                                                            reason: str) -> None:
    html = _post(portal, tamper(signed_package({"subscriber.json": b'{"name": "x"}'})))
    assert "<h2>Not verified</h2>" in html
    assert reason in html


def test_another_key_can_be_given_and_a_wrong_one_fails(portal: Client) -> None:
    other = Ed25519PrivateKey.generate()
    pem = other.public_key().public_bytes(serialization.Encoding.PEM,
                                          serialization.PublicFormat.SubjectPublicKeyInfo)
    package = signed_package({"a.txt": b"a"}, key=other)
    assert "<h2>Verified</h2>" in _post(portal, package, public_key=pem.decode())
    html = _post(portal, package)  # against the platform's own key
    assert "<h2>Not verified</h2>" in html and "signature does not match" in html
    assert "unusable public key" in _post(portal, package, public_key="not a key")


def test_a_package_over_the_limit_is_refused_unread(portal: Client, settings: Any) -> None:
    settings.DUEPROCESS_VERIFY_MAX_BYTES = 1024
    upload = io.BytesIO(signed_package({"big.bin": bytes(range(256)) * 1024}))
    upload.name = "package.zip"
    r = portal.post("/portal/verify/", {"package": upload})
    assert r.status_code == 413 and b"Nothing was stored" in r.content
    small = io.BytesIO(signed_package({"big.bin": bytes(range(256)) * 16}))
    small.name = "package.zip"
    r = portal.post("/portal/verify/", {"package": small})
    assert r.status_code == 413
    assert b"larger than 0.000976562 MiB" not in r.content
    assert b"is larger than" in r.content and b"<h2>Verified</h2>" not in r.content
    missing = portal.post("/portal/verify/", {})
    assert missing.status_code == 400 and b"Choose the ZIP file to check." in missing.content
