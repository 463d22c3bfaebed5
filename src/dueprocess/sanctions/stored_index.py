"""The stored screening index of the list versions in force, reachable without Django.

An import builds the index of the versions in force and writes it as a pickle under
``DUEPROCESS_HOME/screening/``, named by a key of those versions (id, list, SHA-256, entry
count) and of the matcher's code, and signed with an HMAC of the secret key
(:mod:`dueprocess.sanctions.service` does so in the import action). ``dueprocess screen``
then needs only to know which versions are in force to find that file: one SELECT, made
here through the database driver itself, so the command answers without starting Django.
The database stays the only authority on what is in force: a version activated by another
process or host changes the key, and the file of the old key is simply not the one looked
for. Whenever anything does not line up (no such file, another signature, an engine other
than SQLite or PostgreSQL, an error), :func:`load` returns None and the caller takes the
Django path, which rebuilds and stores the index.
"""

from __future__ import annotations

import hashlib
import hmac
import importlib
import logging
import os
import pickle
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import dueprocess.screening as screening_pkg
from dueprocess.screening import ScreeningIndex

log = logging.getLogger(__name__)

PICKLE_PREFIX = "index-"
TABLE = "sanctions_listversion"
_ACTIVE_SQL = (f"SELECT id, list_id, sha256, entry_count, published FROM {TABLE} "  # noqa: S608
               "WHERE active = {true} ORDER BY list_id, id")
DEFAULT_MAX_AGE_DAYS = 30
_DJANGO_ONLY_OPTIONS = frozenset({"isolation_level", "server_side_binding", "assume_role",
                                  "pool", "cursor_factory"})


@dataclass(frozen=True)
class VersionInfo:
    """What ``screen`` says about a version in force, and what keys the stored index."""

    pk: int
    list_id: str
    sha256: str
    entry_count: int
    published: date | None

    @classmethod
    def of(cls, version: Any) -> VersionInfo:
        """From a ``ListVersion`` row."""
        return cls(version.pk, version.list_id, version.sha256, version.entry_count,
                   version.published)

    def age_days(self, today: date) -> int | None:
        return None if self.published is None else (today - self.published).days


@cache
def code_fingerprint() -> str:
    """Changes whenever the matcher's code or data does, so an old pickle is never reused."""
    digest = hashlib.sha256()
    root = Path(screening_pkg.__file__).parent
    files = [*root.rglob("*.py"), *(root / "data").glob("*")]
    for path in sorted(files):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def index_key(versions: Sequence[VersionInfo]) -> str:
    text = code_fingerprint() + "|" + ";".join(
        f"{v.pk}:{v.list_id}:{v.sha256}:{v.entry_count}" for v in versions)
    return hashlib.sha256(text.encode()).hexdigest()


def pickle_path(folder: Path, key: str) -> Path:
    return folder / f"{PICKLE_PREFIX}{key[:40]}.pickle"


def _signature(secret: str, payload: bytes) -> bytes:
    return hmac.new(secret.encode(), payload, hashlib.sha256).digest()


def read_index(folder: Path, key: str, secret: str) -> ScreeningIndex | None:
    """The stored index of this key, if this installation signed it; else None."""
    path = pickle_path(folder, key)
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    mac, payload = blob[:32], blob[32:]
    if not hmac.compare_digest(mac, _signature(secret, payload)):
        log.warning("screening index cache %s is not signed by this installation; rebuilding",
                    path.name)
        return None
    try:
        index = pickle.loads(payload)  # noqa: S301 - signed by us, checked above
    except Exception:  # a truncated or foreign file: rebuild from the database
        log.warning("screening index cache %s is unreadable; rebuilding", path.name)
        return None
    return index if isinstance(index, ScreeningIndex) else None


def write_index(folder: Path, key: str, secret: str, index: ScreeningIndex) -> None:
    """Write beside, then rename: a reader never sees half a file. Older ones are removed."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        payload = pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".index-", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(_signature(secret, payload) + payload)
        target = pickle_path(folder, key)
        os.replace(tmp, target)
        for other in folder.glob(f"{PICKLE_PREFIX}*.pickle"):
            if other != target:
                other.unlink(missing_ok=True)
    except OSError as exc:  # a read-only home only costs start-up time
        log.warning("cannot keep the screening index cache: %s", exc)


def _published(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def active_versions(database: Mapping[str, Any]) -> list[VersionInfo] | None:
    """The versions in force, read with the driver alone (a Django ``DATABASES`` entry).

    None for an engine this does not know, a database that is not there, or any error.
    """
    engine = str(database.get("ENGINE", ""))
    try:
        if engine.endswith("sqlite3"):
            import sqlite3

            path = Path(str(database["NAME"]))
            if not path.is_file():
                return None
            con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
            try:
                rows = con.execute(_ACTIVE_SQL.format(true=1)).fetchall()
            finally:
                con.close()
        elif engine.endswith("postgresql"):
            import psycopg  # start-up: only PostgreSQL installations pay for this import

            params: dict[str, Any] = {
                k: v for k, v in dict(database.get("OPTIONS") or {}).items()
                if k not in _DJANGO_ONLY_OPTIONS and isinstance(v, str | int)}
            params.update({"dbname": database.get("NAME"), "user": database.get("USER"),
                           "password": database.get("PASSWORD"), "host": database.get("HOST"),
                           "port": database.get("PORT")})
            params.setdefault("connect_timeout", 5)
            with psycopg.connect(**{k: v for k, v in params.items() if v}) as pg:
                rows = pg.execute(_ACTIVE_SQL.format(true="true")).fetchall()
        else:
            return None
        return [VersionInfo(int(pk), str(lid), str(sha), int(n), _published(pub))
                for pk, lid, sha, n, pub in rows]
    except Exception as exc:  # any failure: the Django path says what is wrong
        log.debug("stored screening index not used: %s", exc)
        return None


@dataclass(frozen=True)
class StoredIndex:
    index: ScreeningIndex
    versions: tuple[VersionInfo, ...]
    max_age_days: int


def load(settings_module: str | None = None) -> StoredIndex | None:
    """The stored index of the versions in force, without setting Django up; else None.

    Reads the settings module as Django would (``DJANGO_SETTINGS_MODULE``) for the home,
    the secret key and the database, but starts no application.
    """
    try:
        settings = importlib.import_module(
            settings_module or os.environ.get("DJANGO_SETTINGS_MODULE", "dueprocess.settings"))
        database = settings.DATABASES["default"]
        home = Path(settings.DUEPROCESS.home)
        secret = str(settings.SECRET_KEY)
        max_age = int(getattr(settings, "DUEPROCESS_LIST_MAX_AGE_DAYS", DEFAULT_MAX_AGE_DAYS))
    except Exception as exc:  # e.g. a configuration error: the Django path reports it
        log.debug("stored screening index not used: %s", exc)
        return None
    versions = active_versions(database)
    if not versions:
        return None
    index = read_index(home / "screening", index_key(versions), secret)
    if index is None:
        return None
    return StoredIndex(index, tuple(versions), max_age)
