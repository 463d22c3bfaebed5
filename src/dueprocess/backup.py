"""``dueprocess backup``: everything needed to rebuild the installation, in one folder.

A backup holds the database (which includes the signing keys, sealed) and a copy of every
stored file (documents, production packages, e-mail originals), with ``manifest.json``
listing each file's SHA-256 and the fingerprints of the keys. It deliberately does not hold
the secrets (``DUEPROCESS_SECRET_KEY``, ``DUEPROCESS_KEY_SECRET``): without them the
packages and the private keys in a stolen backup stay sealed, so keep them separately.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.db import connection

from dueprocess import blobstore
from dueprocess.audit.models import SigningKey
from dueprocess.demands.models import Document
from dueprocess.execution.models import Production
from dueprocess.intake.models import InboundEmail

# The folders of the shared storage that hold records; uploads are transient work files.
FOLDERS = ("documents", "productions", "email")
FORMAT = "dueprocess-backup/1"


class BackupError(RuntimeError):
    """The backup cannot be written (target not empty, database dump failed)."""


@dataclass
class BackupResult:
    folder: Path
    files: int = 0
    bytes: int = 0
    missing: list[str] = field(default_factory=list)


def _dump_database(target: Path) -> str:
    """Copy the database into ``target``; the file name used."""
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        out = target / "database.sqlite3"
        connection.ensure_connection()
        source = connection.connection
        dest = sqlite3.connect(out)
        try:
            source.backup(dest)  # a consistent copy, even while other processes write
        finally:
            dest.close()
        return out.name
    if connection.vendor == "postgresql":
        out = target / "database.pgdump"
        env = dict(os.environ)
        for var, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"),
                         ("PGPASSWORD", "PASSWORD"), ("PGDATABASE", "NAME")):
            if settings_dict.get(key):
                env[var] = str(settings_dict[key])
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            raise BackupError("pg_dump is not installed on this host; install the PostgreSQL "
                              "client tools or back up the database with your own pg_dump")
        done = subprocess.run([pg_dump, "--format=custom", "--no-owner", f"--file={out}"],  # noqa: S603
                              env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise BackupError(f"pg_dump failed: {done.stderr.strip()[:500]}")
        return out.name
    raise BackupError(f"backups of a {connection.vendor} database are not supported")


def _expected() -> list[str]:
    """Stored names the database refers to: each must be in the backup."""

    names: list[str] = []
    for path in Document.objects.values_list("path", flat=True).iterator():
        names.append(f"documents/{path}")
    for path in Production.objects.filter(purged_at__isnull=True).values_list(
            "path", flat=True).iterator():
        names.append(f"productions/{path}")
    for path in InboundEmail.objects.values_list("path", flat=True).iterator():
        names.append(f"email/{path}")
    return names


def _keys() -> list[dict[str, Any]]:
    return [{"name": k.name, "fingerprint": k.fingerprint, "sealed_with": k.secret_id,
             "origin": k.origin} for k in SigningKey.objects.order_by("name")]


def _copy(stored: str, target: Path) -> tuple[int, str]:
    out = target / "storage" / stored
    out.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with blobstore.open_read(stored) as src, out.open("wb") as dst:
        while chunk := src.read(1024 * 1024):
            digest.update(chunk)
            size += len(chunk)
            dst.write(chunk)
    out.chmod(0o600)
    return size, digest.hexdigest()


def backup(target: Path) -> BackupResult:
    """Write a backup into ``target`` (a new or empty folder)."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(f"{target} is not an empty folder; give a new one")
    target.mkdir(mode=0o700, parents=True, exist_ok=True)
    started = datetime.now(UTC)
    # The database first: every file it names was stored before its row was written, so
    # the copy below finds them all (later files are extra, never missing).
    database = _dump_database(target)
    expected = _expected()
    result = BackupResult(folder=target)
    files: list[dict[str, Any]] = []
    for folder in FOLDERS:
        for stored in sorted(blobstore.walk(folder)):
            if os.path.basename(stored).startswith("."):
                continue  # a file still being written by another process
            size, digest = _copy(stored, target)
            files.append({"name": stored, "size": size, "sha256": digest})
            result.files += 1
            result.bytes += size
    copied = {f["name"] for f in files}
    result.missing = [name for name in expected if name not in copied]
    manifest = {
        "format": FORMAT, "created": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "database": {"file": database, "vendor": connection.vendor},
        "signing_keys": _keys(), "files": files, "missing": result.missing,
        "secrets": "not included: restore with the same DUEPROCESS_SECRET_KEY and "
                   "DUEPROCESS_KEY_SECRET",
    }
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n",
                                          encoding="utf-8")
    return result
