"""The installation's Ed25519 keys under ``DUEPROCESS_HOME/keys``: one for production
packages, one for audit checkpoints, each created once on first use.

A key file is complete before it appears (written aside, then hard-linked into place), so
two processes starting at once never sign with keys that differ from the one kept. Private
keys are readable by the owner only (0600, in a 0700 folder); public keys are 0644.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings


def keys_dir() -> Path:
    return Path(settings.DUEPROCESS.home) / "keys"


def _write_once(path: Path, data: bytes, mode: int) -> None:
    """Create ``path`` atomically; if another process won the race, keep its file."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(FileExistsError):  # another process won the race
            os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM,
                            serialization.PublicFormat.SubjectPublicKeyInfo)


def raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def fingerprint(key: Ed25519PublicKey) -> str:
    """SHA-256 of the raw public key, as printed beside signatures."""
    return hashlib.sha256(raw(key)).hexdigest()


def load_or_create(private_name: str, public_name: str,
                   error: type[Exception]) -> Ed25519PrivateKey:
    """The key kept in ``private_name`` (created on first use), with its public half
    written beside it; ``error`` is raised when the file holds something else."""
    directory = keys_dir()
    path = directory / private_name
    if not path.exists():
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        _write_once(path, Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()), 0o600)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise error(f"{path.name} does not hold an Ed25519 private key")
    public = directory / public_name
    if not public.exists():
        _write_once(public, public_pem(key.public_key()), 0o644)
    return key
