"""The installation's Ed25519 keys: one for production packages, one for audit checkpoints.

Each key is created once per installation and kept in the database (``SigningKey``), so
every host signs with the same key. The private half is sealed with AES-256-GCM under a
key derived (HKDF-SHA256) from ``DUEPROCESS_KEY_SECRET``, or the secret key when that is
unset; the database alone therefore cannot sign. The row is unique per key name and made
inside a transaction: processes that start at once all end up with the first key stored.

Installations that kept their keys as files under ``DUEPROCESS_HOME/keys`` have them
imported on first use, so packages and checkpoints signed before stay verifiable.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

from cryptography.exceptions import InvalidTag
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
from dueprocess.audit.models import SigningKey
from dueprocess.locking import for_update

PRODUCTION = "production"
CHECKPOINT = "audit-checkpoint"
# Where installations before the shared keys kept them (imported once, then unused).
LEGACY_FILES = {PRODUCTION: "production-signing-ed25519.pem",
                CHECKPOINT: "audit-checkpoint-ed25519.pem"}

_SALT = 16
_NONCE = 12
_INFO = b"dueprocess signing key v1"


def keys_dir() -> Path:
    """The folder older installations kept key files in."""
    return Path(settings.DUEPROCESS.home) / "keys"


def public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM,
                            serialization.PublicFormat.SubjectPublicKeyInfo)


def raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def fingerprint(key: Ed25519PublicKey) -> str:
    """SHA-256 of the raw public key, as printed beside signatures."""
    return hashlib.sha256(raw(key)).hexdigest()


# --------------------------------------------------------------------------- sealing


def secret_id(secret: str) -> str:
    return hashlib.sha256(b"dueprocess key secret id\x00" + secret.encode()).hexdigest()[:16]


def _current_secret() -> str:
    conf = settings.DUEPROCESS
    return getattr(conf, "signing_key_secret", "") or conf.secret_key


def _candidate_secrets() -> Iterator[str]:
    """The current key secret first, then the secrets it may have replaced."""
    conf = settings.DUEPROCESS
    seen: set[str] = set()
    for secret in (_current_secret(), conf.secret_key, *getattr(conf, "old_secret_keys", ())):
        if secret and secret not in seen:
            seen.add(secret)
            yield secret


def _aead(secret: str, salt: bytes) -> AESGCM:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=_INFO)
    return AESGCM(hkdf.derive(secret.encode()))


def _aad(name: str, public: Ed25519PublicKey) -> bytes:
    return b"dueprocess signing key\x00" + name.encode() + b"\x00" + raw(public)


def _seal(name: str, key: Ed25519PrivateKey, secret: str) -> bytes:
    salt, nonce = os.urandom(_SALT), os.urandom(_NONCE)
    private = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                serialization.NoEncryption())
    return salt + nonce + _aead(secret, salt).encrypt(nonce, private,
                                                      _aad(name, key.public_key()))


def _unseal(row: SigningKey, error: type[Exception]) -> tuple[Ed25519PrivateKey, str]:
    """The private key and the secret that opened it."""
    blob = bytes(row.sealed_private)
    salt, nonce, sealed = blob[:_SALT], blob[_SALT:_SALT + _NONCE], blob[_SALT + _NONCE:]
    public = _public(row, error)
    for secret in _candidate_secrets():
        try:
            private = _aead(secret, salt).decrypt(nonce, sealed, _aad(row.name, public))
        except InvalidTag:
            continue
        key = Ed25519PrivateKey.from_private_bytes(private)
        if raw(key.public_key()) != raw(public):
            raise error(f"the {row.name} signing key does not match its public key")
        return key, secret
    raise error(f"the {row.name} signing key was sealed with secret {row.secret_id}, which "
                "is neither DUEPROCESS_KEY_SECRET (or the secret key) nor one in "
                "DUEPROCESS_OLD_SECRET_KEYS: every host needs the same secrets")


def _public(row: SigningKey, error: type[Exception]) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(row.public_pem.encode())
    if not isinstance(key, Ed25519PublicKey):
        raise error(f"the {row.name} key in the database is not an Ed25519 key")
    return key


# --------------------------------------------------------------------------- keys


def _legacy_key(name: str, error: type[Exception]) -> tuple[Ed25519PrivateKey, str] | None:
    filename = LEGACY_FILES.get(name)
    path = keys_dir() / filename if filename else None
    if path is None or not path.is_file():
        return None
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise error(f"{path.name} does not hold an Ed25519 private key")
    return key, f"imported from keys/{path.name}"


def _create(name: str, error: type[Exception]) -> SigningKey:
    """Store a new key, or the imported file key; if another process stored one first,
    that one is kept and returned."""
    key, origin = _legacy_key(name, error) or (Ed25519PrivateKey.generate(), "generated")
    secret = _current_secret()
    public = key.public_key()
    try:
        with transaction.atomic():
            row = SigningKey.objects.create(
                name=name, public_pem=public_pem(public).decode(),
                fingerprint=fingerprint(public), sealed_private=_seal(name, key, secret),
                secret_id=secret_id(secret), origin=origin, created_at=timezone.now())
            record("signing_key.created", actor="system", payload={
                "key": name, "fingerprint": row.fingerprint, "origin": origin})
    except IntegrityError:
        row = SigningKey.objects.get(name=name)
    return row


def _row(name: str, error: type[Exception]) -> SigningKey:
    row = SigningKey.objects.filter(name=name).first()
    return row if row is not None else _create(name, error)


def load_or_create(name: str, error: type[Exception]) -> Ed25519PrivateKey:
    """The installation's private key ``name`` (created on first use); ``error`` is raised
    when it cannot be opened with the configured secrets."""
    key, _ = _unseal(_row(name, error), error)
    return key


def public_key(name: str, error: type[Exception]) -> Ed25519PublicKey:
    """The public half only: verifying needs no secret."""
    return _public(_row(name, error), error)


def reseal_all() -> int:
    """Seal every key under the current key secret (after a rotation); the number resealed."""
    count = 0
    current = _current_secret()
    for row in SigningKey.objects.exclude(secret_id=secret_id(current)):
        key, _ = _unseal(row, ValueError)
        with transaction.atomic():
            locked = for_update(SigningKey.objects).get(pk=row.pk)
            locked.sealed_private = _seal(locked.name, key, current)
            locked.secret_id = secret_id(current)
            locked.save(update_fields=["sealed_private", "secret_id"])
            record("signing_key.resealed", actor="system", payload={
                "key": locked.name, "fingerprint": locked.fingerprint,
                "secret_id": locked.secret_id})
        count += 1
    return count
