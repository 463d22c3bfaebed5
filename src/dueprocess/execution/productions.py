"""Production packages: what an authority receives when data is disclosed.

A package is a ZIP of the exported data files (JSON and CSV) plus ``manifest.json`` (which
demand, authority, data categories and date range, which files with their sizes and
SHA-256, when) and ``manifest.sig``, a detached Ed25519 signature of the manifest's exact
bytes. The authority checks the signature with the platform's public key and each file
against the manifest (``dueprocess production verify``), so it can prove in court what it
received and that nothing was altered.

At rest the ZIP is encrypted with AES-256-GCM in chunks of 1 MiB, written and read as a
stream so that no package has to fit in memory. The chunk layout follows the STREAM
construction: each chunk's nonce carries its index and a "last chunk" flag, so reordered,
dropped or truncated chunks fail authentication. The key is derived with HKDF-SHA256 from
the installation secret and a per-file salt; the file header names the key by an id, so
after a rotation the old secret (``DUEPROCESS_OLD_SECRET_KEYS``) still opens old packages
and ``dueprocess production rekey`` re-seals them under the new one. The demand and action
ids are bound in as associated data, so a package copied onto another production's record
fails to decrypt instead of being served to the wrong party.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import secrets
import shutil
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from dueprocess import blobstore
from dueprocess.audit import signing_keys
from dueprocess.audit.actors import User, actor_label
from dueprocess.audit.chain import record
from dueprocess.connectors.base import CHUNK, Export
from dueprocess.demands.models import Action
from dueprocess.execution.models import RETENTION, Production
from dueprocess.execution.verify import (  # noqa: F401 - the verification API lives here too
    MANIFEST,
    SIGNATURE,
    Verification,
    load_public_key,
    verify_package,
    verify_zip,
)
from dueprocess.locking import for_update

FORMAT = "dueprocess-production/1"

_MAGIC = b"DPPKG\x00\x02\n"
_KEY_ID = 8
_SALT = 16
_PREFIX = 7
_HEADER = len(_MAGIC) + _KEY_ID + _SALT + _PREFIX
_TAG = 16
_MAX_RECORD = 64 * 1024 * 1024
_HKDF_INFO = b"dueprocess production package v2"
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")


class ProductionError(Exception):
    """A package cannot be built or read (missing, tampered with, or purged)."""


class ProductionPurged(ProductionError):
    """The retention period ended and the package was deleted."""


# --------------------------------------------------------------------------- signing key


def signing_key() -> Ed25519PrivateKey:
    """The installation's production signing key, shared by every host, created once."""
    return signing_keys.load_or_create(signing_keys.PRODUCTION, ProductionError)


def public_key() -> Ed25519PublicKey:
    return signing_keys.public_key(signing_keys.PRODUCTION, ProductionError)


def public_key_pem() -> bytes:
    """The public key to hand to authorities so they can verify packages themselves."""
    return signing_keys.public_pem(public_key())


key_fingerprint = signing_keys.fingerprint


# --------------------------------------------------------------------------- encryption


def key_id(secret: str) -> bytes:
    """A short public name for a secret, stored in each package header."""
    return hashlib.sha256(b"dueprocess production key id\x00" + secret.encode()).digest()[
        :_KEY_ID]


def _secrets() -> list[str]:
    conf = settings.DUEPROCESS
    return [conf.secret_key, *getattr(conf, "old_secret_keys", ())]


def current_key_id() -> str:
    return key_id(settings.DUEPROCESS.secret_key).hex()


def _derive(secret: str, salt: bytes) -> AESGCM:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=_HKDF_INFO)
    return AESGCM(hkdf.derive(secret.encode()))


def _binding(demand_id: int, action_id: int) -> bytes:
    return f"demand={demand_id};action={action_id}".encode()


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    return prefix + struct.pack(">I?", index, last)


class _Sealer(io.RawIOBase):
    """A write-only stream that encrypts what is written to it, chunk by chunk."""

    def __init__(self, out: IO[bytes], demand_id: int, action_id: int,
                 chunk: int = CHUNK) -> None:
        super().__init__()
        secret = settings.DUEPROCESS.secret_key
        salt, self._prefix = os.urandom(_SALT), os.urandom(_PREFIX)
        header = _MAGIC + key_id(secret) + salt + self._prefix
        self._aead = _derive(secret, salt)
        self._aad = header + _binding(demand_id, action_id)
        self._out = out
        self._chunk = chunk
        self._buffer = bytearray()
        self._index = 0
        self._position = 0
        self.sealed_bytes = len(header)
        out.write(header)

    def writable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def write(self, data: Any) -> int:
        size = memoryview(data).nbytes
        self._buffer += data
        self._position += size
        while len(self._buffer) > self._chunk:
            with memoryview(self._buffer) as view:
                plain = bytes(view[:self._chunk])
            del self._buffer[:self._chunk]
            self._seal(plain, last=False)
        return size

    def _seal(self, plain: bytes, *, last: bool) -> None:
        sealed = self._aead.encrypt(_nonce(self._prefix, self._index, last), plain, self._aad)
        self._out.write(struct.pack(">I", len(sealed)) + sealed)
        self.sealed_bytes += 4 + len(sealed)
        self._index += 1

    def finish(self) -> None:
        """Seal the remainder as the last chunk (possibly empty, so the end is marked)."""
        self._seal(bytes(self._buffer), last=True)
        self._buffer.clear()


def _open_chunks(fh: IO[bytes], demand_id: int, action_id: int) -> Iterator[bytes]:
    """Decrypt a sealed stream chunk by chunk; raise on any alteration or truncation."""
    header = fh.read(_HEADER)
    if len(header) < _HEADER or not header.startswith(_MAGIC):
        raise ProductionError("not a dueprocess production package")
    kid = header[len(_MAGIC):len(_MAGIC) + _KEY_ID]
    salt = header[len(_MAGIC) + _KEY_ID:len(_MAGIC) + _KEY_ID + _SALT]
    prefix = header[-_PREFIX:]
    secret = next((s for s in _secrets() if key_id(s) == kid), None)
    if secret is None:
        raise ProductionError(f"the package was sealed with key {kid.hex()}, which is neither "
                              "the current secret key nor one in DUEPROCESS_OLD_SECRET_KEYS")
    aead = _derive(secret, salt)
    aad = header + _binding(demand_id, action_id)

    def read_record() -> bytes | None:
        size = fh.read(4)
        if not size:
            return None
        if len(size) < 4:
            raise ProductionError("the package is truncated")
        (length,) = struct.unpack(">I", size)
        if length < _TAG or length > _MAX_RECORD:
            raise ProductionError("the package is corrupt (impossible chunk length)")
        data = fh.read(length)
        if len(data) < length:
            raise ProductionError("the package is truncated")
        return data

    index = 0
    current = read_record()
    if current is None:
        raise ProductionError("the package is truncated")
    while current is not None:
        following = read_record()
        last = following is None
        try:
            yield aead.decrypt(_nonce(prefix, index, last), current, aad)
        except InvalidTag as exc:
            raise ProductionError("the package fails authentication (altered, truncated, or "
                                  "another production's file)") from exc
        index += 1
        current = following


# --------------------------------------------------------------------------- packages


def _utc(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_manifest(action: Action, listing: list[dict[str, Any]], created: datetime,
                   key: Ed25519PublicKey, source: dict[str, Any] | None = None) -> bytes:
    demand = action.demand
    authority = demand.authority
    params = action.params or {}
    body: dict[str, Any] = {
        "format": FORMAT,
        "demand_reference": demand.reference,
        "demand_id": demand.pk,
        "action_id": action.pk,
        "instrument": demand.instrument,
        "authority": {"slug": authority.slug, "name": authority.name,
                      "jurisdiction": authority.jurisdiction},
        "target": action.target.identifier if action.target else None,
        "data_categories": list(params.get("categories") or ()),
        "date_from": params.get("date_from"),
        "date_to": params.get("date_to"),
        "preserved_holds": list((source or {}).get("holds") or ()),
        "files": listing,
        "created": _utc(created),
        "signature": {"algorithm": "Ed25519", "file": SIGNATURE,
                      "public_key_sha256": key_fingerprint(key)},
    }
    return (json.dumps(body, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def _zip_info(name: str, created: datetime, *, compress: bool = True) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=created.astimezone(UTC).timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    info.external_attr = 0o600 << 16
    return info


def _compressible(export: Export, name: str) -> bool:
    """Deflate text (JSON, CSV: a few per cent of their size); store media and other
    already-compressed bytes as they are, where deflate would only cost time."""
    with export.open(name) as fh:
        sample = fh.read(256 * 1024)
    return not sample or len(zlib.compress(sample, 1)) < 0.9 * len(sample)


def write_zip(out: IO[bytes] | io.RawIOBase, export: Export, names: list[str], manifest: bytes,
              signature: bytes, created: datetime) -> None:
    """The package's ZIP, written as a stream (``out`` need not be seekable)."""
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in names:
            info = _zip_info(name, created, compress=_compressible(export, name))
            with export.open(name) as src, zf.open(info, "w", force_zip64=True) as dst:
                shutil.copyfileobj(src, dst, CHUNK)
        zf.writestr(_zip_info(MANIFEST, created), manifest)
        zf.writestr(_zip_info(SIGNATURE, created), signature)


def _stored(relative: str) -> str:
    return blobstore.name("productions", relative)


def _seal_package(relative: str, export: Export, names: list[str], manifest: bytes,
                  signature: bytes, created: datetime, demand_id: int,
                  action_id: int) -> int:
    """Write the ZIP straight into the encrypting stream, then store the sealed file:
    plaintext never touches a disk or the store."""
    with _sealed_work_file() as (path, out):
        sealer = _Sealer(out, demand_id, action_id)
        write_zip(sealer, export, names, manifest, signature, created)
        sealer.finish()
        out.close()
        blobstore.save(_stored(relative), path)
        return sealer.sealed_bytes


@contextlib.contextmanager
def _sealed_work_file() -> Iterator[tuple[Path, IO[bytes]]]:
    """A local work file for ciphertext only, removed afterwards whatever happens."""
    fd, name = tempfile.mkstemp(dir=blobstore.scratch_dir(), suffix=".dpp")
    path = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            yield path, out
    finally:
        path.unlink(missing_ok=True)


def build_production(action: Action, export: Export) -> Production:
    """Sign, encrypt and store the export of one action; a repeat returns the first one."""
    existing = Production.objects.filter(action_id=action.pk).first()
    if existing is not None:
        return existing
    action = Action.objects.select_related("demand__authority", "target").get(pk=action.pk)
    names = export.names()
    for name in names:
        if not _SAFE_NAME.match(name) or name in (MANIFEST, SIGNATURE):
            raise ProductionError(f"unsafe or reserved file name in export: {name!r}")
    listing = []
    for name in names:
        size, digest = export.digest(name)
        listing.append({"name": name, "size": size, "sha256": digest})
    key = signing_key()
    created = timezone.now()
    manifest = build_manifest(action, listing, created, key.public_key(), export.source)
    relative = f"demand-{action.demand_id}/action-{action.pk}-{secrets.token_hex(8)}.dpp"
    size = _seal_package(relative, export, names, manifest, key.sign(manifest), created,
                         action.demand_id, action.pk)
    try:
        with transaction.atomic():
            production = Production.objects.create(
                demand_id=action.demand_id, action=action, path=relative,
                manifest_sha256=hashlib.sha256(manifest).hexdigest(), size=size,
                files=listing, key_id=current_key_id(), created_at=created,
                expires_at=created + RETENTION)
            record("production.created", actor="system", demand_id=action.demand_id,
                   payload={"production": production.pk, "action": action.pk,
                            "manifest_sha256": production.manifest_sha256,
                            "files": listing, "expires_at": production.expires_at})
    except IntegrityError:
        # Another worker built it first; keep theirs and drop this copy.
        blobstore.delete(_stored(relative))
        return Production.objects.get(action_id=action.pk)
    return production


def _package_name(production: Production) -> str:
    try:
        return _stored(production.path)
    except blobstore.BlobError as exc:
        raise ProductionError("production path escapes the productions folder") from exc


def iter_package(production: Production) -> Iterator[bytes]:
    """The decrypted ZIP as a stream of chunks (callers log the download).

    Opening checks availability at once; authentication errors surface chunk by chunk,
    and the last chunk only authenticates if nothing was cut off.
    """
    if production.purged_at is not None:
        raise ProductionPurged(f"production {production.pk} was purged on "
                               f"{production.purged_at:%Y-%m-%d}")
    stored = _package_name(production)
    if not blobstore.exists(stored):
        raise ProductionError(f"the file of production {production.pk} is missing")

    def stream() -> Iterator[bytes]:
        # Opened on first read, so a stream that is never read leaves no file open.
        try:
            fh = blobstore.open_read(stored)
        except blobstore.BlobError as exc:
            raise ProductionError(f"the file of production {production.pk} is missing") \
                from exc
        with fh:
            yield from _open_chunks(fh, production.demand_id, production.action_id)

    return stream()


def read_package(production: Production) -> bytes:
    """The whole decrypted ZIP in memory; for small packages and tests."""
    return b"".join(iter_package(production))


def read_production(production: Production) -> dict[str, bytes]:
    """Every file of the package by name, manifest and signature included."""
    with zipfile.ZipFile(io.BytesIO(read_package(production))) as zf:
        files = {name: zf.read(name) for name in zf.namelist()}
    if hashlib.sha256(files.get(MANIFEST, b"")).hexdigest() != production.manifest_sha256:
        raise ProductionError("the package's manifest is not the one recorded")
    return files


# --------------------------------------------------------------------------- lifecycle


def rekey(production: Production) -> bool:
    """Re-seal one package under the current secret key; False if it already is."""
    if production.purged_at is not None:
        return False
    with blobstore.open_read(_package_name(production)) as fh:
        header = fh.read(_HEADER)
    current = key_id(settings.DUEPROCESS.secret_key)
    if header[len(_MAGIC):len(_MAGIC) + _KEY_ID] == current:
        return False
    relative = f"demand-{production.demand_id}/action-{production.action_id}-" \
               f"{secrets.token_hex(8)}.dpp"
    with _sealed_work_file() as (path, out):
        sealer = _Sealer(out, production.demand_id, production.action_id)
        for chunk in iter_package(production):
            sealer.write(chunk)
        sealer.finish()
        out.close()
        size = sealer.sealed_bytes
        blobstore.save(_stored(relative), path)
    with transaction.atomic():
        locked = for_update(Production.objects).get(pk=production.pk)
        old_path = locked.path
        locked.path, locked.size, locked.key_id = relative, size, current.hex()
        locked.save(update_fields=["path", "size", "key_id"])
        record("production.rekeyed", actor="system", demand_id=locked.demand_id,
               payload={"production": locked.pk, "key_id": current.hex()})
    with contextlib.suppress(blobstore.BlobError):
        blobstore.delete(_stored(old_path))
    return True


def rekey_all() -> int:
    """Re-seal every stored package under the current key (the last step of a rotation)."""
    count = 0
    for production in Production.objects.filter(purged_at__isnull=True).iterator():
        count += rekey(production)
    return count


def purge_expired(now: datetime | None = None) -> int:
    """Delete packages past their retention period; the record (and its hash) remains."""
    now = now or timezone.now()
    count = 0
    due = Production.objects.filter(expires_at__lte=now, purged_at__isnull=True)
    for production in due.iterator(chunk_size=200):
        with contextlib.suppress(ProductionError):
            blobstore.delete(_package_name(production))
        with transaction.atomic():
            updated = Production.objects.filter(pk=production.pk,
                                                purged_at__isnull=True).update(purged_at=now)
            if updated:
                record("production.purged", actor="system", demand_id=production.demand_id,
                       payload={"production": production.pk,
                                "manifest_sha256": production.manifest_sha256})
                count += 1
    return count


def record_download(production: Production, *, user: User, authority: str, ip: str) -> None:
    """Every download of a production is audited: who, for which authority, from where."""
    with transaction.atomic():
        record("production.downloaded", actor=actor_label(user),
               demand_id=production.demand_id,
               payload={"production": production.pk, "authority": authority,
                        "manifest_sha256": production.manifest_sha256, "ip": ip})
