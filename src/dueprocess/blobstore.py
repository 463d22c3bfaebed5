"""Where the installation's files live: the ``evidence`` storage of Django's ``STORAGES``.

Demand documents (``documents/``), encrypted production packages (``productions/``),
e-mail originals (``email/``) and target lists waiting for a worker (``uploads/``) are
kept under these names in one storage that every host reaches. On a single host that is
the home folder (:class:`HomeStorage`, files 0600 in 0700 folders); with
``DUEPROCESS_STORAGE_URL`` it is an S3-compatible bucket through django-storages, with
private objects only. Nothing here hands out URLs: downloads stream through the app,
which checks access and records the view.

Work files that never leave the process (a PDF being checked, a package being sealed)
go to :func:`scratch_dir`, on local disk.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages

STORAGE = "evidence"


class BlobError(ValueError):
    """A stored name that would leave its folder, or a file that is not in the store."""


def store() -> Storage:
    return storages[STORAGE]


def name(folder: str, relative: str) -> str:
    """The storage name of ``relative`` inside ``folder``, refusing anything that climbs
    out (``..``, absolute paths, backslashes) whatever the backend."""
    parts = PurePosixPath(relative).parts
    if (not parts or relative.startswith("/") or "\\" in relative
            or any(p in ("", ".", "..") for p in parts)):
        raise BlobError(f"stored name {relative!r} is not a plain relative name")
    return f"{folder}/{relative}"


def scratch_dir() -> Path:
    """Local work space of this process (never shared, never backed up)."""
    path = Path(settings.DUEPROCESS.home) / "tmp"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


class LocalFile(File):
    """A finished work file; :class:`HomeStorage` moves it into place instead of copying."""

    def __init__(self, path: Path) -> None:
        super().__init__(path.open("rb"), name=path.name)
        self.local_path = path

    def temporary_file_path(self) -> str:
        return str(self.local_path)


def save(stored: str, content: File | Path) -> None:
    """Store ``content`` under ``stored`` (replacing any earlier file of that name)."""
    if isinstance(content, Path):
        with LocalFile(content) as fh:
            store().save(stored, fh)
    else:
        store().save(stored, content)


def save_bytes(stored: str, data: bytes) -> None:
    from django.core.files.base import ContentFile

    store().save(stored, ContentFile(data))


def exists(stored: str) -> bool:
    return bool(store().exists(stored))


def open_read(stored: str) -> IO[bytes]:
    """The stored file for reading; :class:`BlobError` if it is not there."""
    try:
        return store().open(stored, "rb")
    except FileNotFoundError as exc:
        raise BlobError(f"{stored} is not in the store") from exc
    except Exception as exc:
        if _missing_object(exc):
            raise BlobError(f"{stored} is not in the store") from exc
        raise


def open_if_present(stored: str) -> IO[bytes] | None:
    """The stored file for reading, or None when it is not (or no longer) in the store."""
    if not exists(stored):
        return None
    try:
        return open_read(stored)
    except BlobError:
        return None


def _missing_object(exc: Exception) -> bool:
    """An S3 client error that says the object is not there."""
    response = getattr(exc, "response", None)
    if not isinstance(response, dict):
        return False
    return str(response.get("Error", {}).get("Code")) in ("404", "NoSuchKey", "NotFound")


def delete(stored: str) -> None:
    store().delete(stored)


def walk(folder: str) -> Iterator[str]:
    """Every stored name under ``folder``, recursively."""
    def inner(path: str) -> Iterator[str]:
        try:
            dirs, files = store().listdir(path)
        except FileNotFoundError:
            return
        for f in files:
            yield f"{path}/{f}"
        for d in dirs:
            yield from inner(f"{path}/{d}")

    yield from inner(folder)


class HomeStorage(FileSystemStorage):
    """The home folder as storage: a file appears only complete (written aside, fsynced,
    renamed into place), so a reader on another process never sees half a package.

    Without a ``location`` it is the installation's home, read when used."""

    @property
    def base_location(self) -> str:
        return str(getattr(self, "_location", None) or settings.DUEPROCESS.home)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def _save(self, name: str, content: Any) -> str:
        full = Path(self.path(name))
        self._folders(full.parent)
        local = getattr(content, "local_path", None)
        if local is not None and _same_device(Path(local), full.parent):
            os.chmod(local, self.file_permissions_mode or 0o600)
            with open(local, "rb") as written:
                os.fsync(written.fileno())
            os.replace(local, full)
            return name.replace("\\", "/")
        fd, tmp = tempfile.mkstemp(dir=full.parent, prefix=f".{full.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                if hasattr(content, "seek"):
                    content.seek(0)
                for chunk in content.chunks():
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(tmp, self.file_permissions_mode or 0o600)
            os.replace(tmp, full)
        finally:
            Path(tmp).unlink(missing_ok=True)
        return name.replace("\\", "/")

    def _folders(self, folder: Path) -> None:
        """Create ``folder`` and the folders above it up to the root, owner-only."""
        root = Path(self.location)
        missing = []
        while folder != root and not folder.exists():
            missing.append(folder)
            folder = folder.parent
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        for path in reversed(missing):
            path.mkdir(mode=0o700, exist_ok=True)


def _same_device(a: Path, b: Path) -> bool:
    try:
        return a.stat().st_dev == b.stat().st_dev
    except OSError:
        return False
