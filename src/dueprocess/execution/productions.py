"""Production packages: what an authority receives when data is disclosed.

A package is the exported data files plus ``manifest.json`` (which demand, which action,
which files with their sizes and SHA-256) and ``manifest.sig``, a detached Ed25519
signature of the manifest's exact bytes. The authority checks the signature with the
platform's public key and each file against the manifest, so it can prove in court what it
received and that nothing was altered.

At rest the package is a ZIP encrypted with AES-256-GCM. Each package file gets its own
random salt and nonce; the key is derived from the installation secret with HKDF-SHA256,
and the demand and action ids are bound in as associated data, so a package copied onto
another production's record fails to decrypt instead of being served to the wrong party.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import secrets
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from dueprocess.audit.chain import record
from dueprocess.demands.models import Action
from dueprocess.execution.connectors.base import Export
from dueprocess.execution.models import RETENTION, Production

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
FORMAT = "dueprocess-production/1"
PRIVATE_KEY_FILE = "production-signing-ed25519.pem"
PUBLIC_KEY_FILE = "production-signing-ed25519.pub.pem"

_MAGIC = b"DPPKG\x00\x01\n"
_SALT = 16
_NONCE = 12
_HKDF_INFO = b"dueprocess production package v1"
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")


class ProductionError(Exception):
    """A package cannot be built or read (missing, tampered with, or purged)."""


class ProductionPurged(ProductionError):
    """The retention period ended and the package was deleted."""


# --------------------------------------------------------------------------- signing key


def keys_dir() -> Path:
    return Path(settings.DUEPROCESS.home) / "keys"


def _write_new(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` only if it does not exist yet; True if this call wrote it.

    The file is complete before it appears (written aside, then hard-linked), so two
    workers starting at once can never sign with keys that differ from the one kept.
    """
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        return True
    finally:
        tmp.unlink(missing_ok=True)


def signing_key() -> Ed25519PrivateKey:
    """The installation's production signing key, created (mode 0600) on first use."""
    directory = keys_dir()
    path = directory / PRIVATE_KEY_FILE
    if not path.exists():
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        fresh = Ed25519PrivateKey.generate()
        _write_new(path, fresh.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ProductionError(f"{path} does not hold an Ed25519 private key")
    public = directory / PUBLIC_KEY_FILE
    if not public.exists():
        _write_new(public, _public_pem(key.public_key()))
        public.chmod(0o644)
    return key


def _public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM,
                            serialization.PublicFormat.SubjectPublicKeyInfo)


def public_key() -> Ed25519PublicKey:
    return signing_key().public_key()


def public_key_pem() -> bytes:
    """The public key to hand to authorities so they can verify packages themselves."""
    return _public_pem(public_key())


def key_fingerprint(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


# --------------------------------------------------------------------------- encryption


def _aad(demand_id: int, action_id: int) -> bytes:
    return _MAGIC + f"demand={demand_id};action={action_id}".encode()


def _derive(salt: bytes) -> bytes:
    secret = settings.DUEPROCESS.secret_key.encode()
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=_HKDF_INFO)
    return hkdf.derive(secret)


def _encrypt(plain: bytes, demand_id: int, action_id: int) -> bytes:
    salt, nonce = os.urandom(_SALT), os.urandom(_NONCE)
    sealed = AESGCM(_derive(salt)).encrypt(nonce, plain, _aad(demand_id, action_id))
    return _MAGIC + salt + nonce + sealed


def _decrypt(blob: bytes, demand_id: int, action_id: int) -> bytes:
    head = len(_MAGIC)
    if not blob.startswith(_MAGIC) or len(blob) < head + _SALT + _NONCE + 16:
        raise ProductionError("not a dueprocess production package")
    salt = blob[head:head + _SALT]
    nonce = blob[head + _SALT:head + _SALT + _NONCE]
    try:
        return AESGCM(_derive(salt)).decrypt(nonce, blob[head + _SALT + _NONCE:],
                                             _aad(demand_id, action_id))
    except InvalidTag as exc:
        raise ProductionError("the package fails authentication (altered, or another "
                              "production's file, or a different secret key)") from exc


# --------------------------------------------------------------------------- packages


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _utc(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_manifest(action: Action, files: dict[str, bytes], created: datetime,
                   key: Ed25519PublicKey) -> bytes:
    demand = action.demand
    authority = demand.authority
    params = action.params or {}
    body: dict[str, Any] = {
        "format": FORMAT,
        "demand_reference": demand.reference,
        "demand_id": demand.pk,
        "action_id": action.pk,
        "authority": {"slug": authority.slug, "name": authority.name,
                      "jurisdiction": authority.jurisdiction},
        "target": action.target.identifier if action.target else None,
        "data_categories": list(params.get("categories") or ()),
        "date_from": params.get("date_from"),
        "date_to": params.get("date_to"),
        "files": [{"name": name, "size": len(data), "sha256": _sha256(data)}
                  for name, data in sorted(files.items())],
        "created": _utc(created),
        "signature": {"algorithm": "Ed25519", "file": SIGNATURE,
                      "public_key_sha256": key_fingerprint(key)},
    }
    return (json.dumps(body, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def _zip(files: dict[str, bytes], created: datetime) -> bytes:
    stamp = created.astimezone(UTC).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            zf.writestr(info, data)
    return out.getvalue()


def _store(relative: str, blob: bytes) -> None:
    base = Path(settings.DUEPROCESS.productions_dir)
    target = base / relative
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    base.chmod(0o700)
    tmp = target.with_name(f".{target.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(blob)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, target)


def build_production(action: Action, export: Export) -> Production:
    """Sign, encrypt and store the export of one action; a repeat returns the first one."""
    existing = Production.objects.filter(action_id=action.pk).first()
    if existing is not None:
        return existing
    action = Action.objects.select_related("demand__authority", "target").get(pk=action.pk)
    for name in export.files:
        if not _SAFE_NAME.match(name) or name in (MANIFEST, SIGNATURE):
            raise ProductionError(f"unsafe or reserved file name in export: {name!r}")
    key = signing_key()
    created = timezone.now()
    manifest = build_manifest(action, export.files, created, key.public_key())
    files = {**dict(sorted(export.files.items())), MANIFEST: manifest,
             SIGNATURE: key.sign(manifest)}
    blob = _encrypt(_zip(files, created), action.demand_id, action.pk)
    relative = f"demand-{action.demand_id}/action-{action.pk}-{secrets.token_hex(8)}.dpp"
    _store(relative, blob)
    listing = json.loads(manifest)["files"]
    try:
        with transaction.atomic():
            production = Production.objects.create(
                demand_id=action.demand_id, action=action, path=relative,
                manifest_sha256=_sha256(manifest), size=len(blob), files=listing,
                created_at=created, expires_at=created + RETENTION)
            record("production.created", actor="system", demand_id=action.demand_id,
                   payload={"production": production.pk, "action": action.pk,
                            "manifest_sha256": production.manifest_sha256,
                            "files": listing, "expires_at": production.expires_at})
    except IntegrityError:
        # Another worker built it first; keep theirs and drop this copy.
        (Path(settings.DUEPROCESS.productions_dir) / relative).unlink(missing_ok=True)
        return Production.objects.get(action_id=action.pk)
    return production


def _package_file(production: Production) -> Path:
    base = Path(settings.DUEPROCESS.productions_dir).resolve()
    path = (base / production.path).resolve()
    if base not in path.parents:
        raise ProductionError("production path escapes the productions directory")
    return path


def read_package(production: Production) -> bytes:
    """The decrypted ZIP, as an authority downloads it (callers log the download)."""
    if production.purged_at is not None:
        raise ProductionPurged(f"production {production.pk} was purged on "
                               f"{production.purged_at:%Y-%m-%d}")
    try:
        blob = _package_file(production).read_bytes()
    except FileNotFoundError as exc:
        raise ProductionError(f"the file of production {production.pk} is missing") from exc
    return _decrypt(blob, production.demand_id, production.action_id)


def read_production(production: Production) -> dict[str, bytes]:
    """Every file of the package by name, manifest and signature included."""
    with zipfile.ZipFile(io.BytesIO(read_package(production))) as zf:
        files = {name: zf.read(name) for name in zf.namelist()}
    if _sha256(files.get(MANIFEST, b"")) != production.manifest_sha256:
        raise ProductionError("the package's manifest is not the one recorded")
    return files


def _load_public(key: Ed25519PublicKey | bytes | str) -> Ed25519PublicKey:
    if isinstance(key, Ed25519PublicKey):
        return key
    raw = key.encode() if isinstance(key, str) else key
    if len(raw) == 32:
        return Ed25519PublicKey.from_public_bytes(raw)
    loaded = serialization.load_pem_public_key(raw)
    if not isinstance(loaded, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return loaded


def verify_package(files: dict[str, bytes], public_key: Ed25519PublicKey | bytes | str) -> bool:
    """True only if the signature holds and the files are exactly those in the manifest."""
    manifest, signature = files.get(MANIFEST), files.get(SIGNATURE)
    if manifest is None or signature is None:
        return False
    try:
        _load_public(public_key).verify(signature, manifest)
        listed = json.loads(manifest)["files"]
        expected = {entry["name"]: entry for entry in listed}
    except (InvalidSignature, ValueError, KeyError, TypeError):
        return False
    data = {n: b for n, b in files.items() if n not in (MANIFEST, SIGNATURE)}
    if set(data) != set(expected) or len(expected) != len(listed):
        return False
    return all(
        len(data[name]) == entry.get("size") and _sha256(data[name]) == entry.get("sha256")
        for name, entry in expected.items()
    )


def purge_expired(now: datetime | None = None) -> int:
    """Delete packages past their retention period; the record (and its hash) remains."""
    now = now or timezone.now()
    count = 0
    due = Production.objects.filter(expires_at__lte=now, purged_at__isnull=True)
    for production in due.iterator(chunk_size=200):
        with contextlib.suppress(ProductionError):
            _package_file(production).unlink(missing_ok=True)
        with transaction.atomic():
            updated = Production.objects.filter(pk=production.pk,
                                                purged_at__isnull=True).update(purged_at=now)
            if updated:
                record("production.purged", actor="system", demand_id=production.demand_id,
                       payload={"production": production.pk,
                                "manifest_sha256": production.manifest_sha256})
                count += 1
    return count
