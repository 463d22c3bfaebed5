"""Documents attached to a demand: PDF only, judged by content, never executed.

An upload is streamed to a local work file (so a 2 GB body is cut off at the limit, not
held in memory), hashed while it is written, and must both start with the PDF signature
and open in a real PDF parser (pypdf). Only then is it stored as
``documents/<demand>/<sha256>.pdf`` in the installation's storage (the home folder, or the
bucket every host shares; see :mod:`dueprocess.blobstore`) and recorded, with its audit
event, in one transaction. Nothing from the file is ever rendered or run on
the server; the console serves it back as a download.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import tempfile
import unicodedata
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from dueprocess import blobstore
from dueprocess.audit.actors import User, actor_label
from dueprocess.audit.chain import record
from dueprocess.demands.models import Demand, Document
from dueprocess.errors import Conflict, DomainError
from dueprocess.intake.normalise import sniff_binary
from dueprocess.locking import for_update

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
OPEN_FOR_DOCUMENTS = ("received", "in_review", "awaiting_authority", "on_hold")


class UnsupportedMedia(DomainError):
    status = 415
    code = "unsupported_media_type"


class TooLarge(DomainError):
    status = 413
    code = "too_large"


def max_document_bytes() -> int:
    return int(getattr(settings, "DUEPROCESS_DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


FOLDER = "documents"


def documents_root() -> Path:
    """Where the documents are on a single host (the default storage, the home folder)."""
    root: Path = settings.DUEPROCESS.documents_dir
    return root


def safe_filename(name: str) -> str:
    """A display name only: the stored file is named by its hash."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(c for c in unicodedata.normalize("NFC", base)
                   if unicodedata.category(c)[0] != "C").strip(" .")
    base = base[:200] or "document.pdf"
    return base if base.lower().endswith(".pdf") else base + ".pdf"


def _human(n: int) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:,} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n = n / 1024  # type: ignore[assignment]
    return str(n)


def check_pdf(path: Path, *, name: str = "the file") -> int:
    """Number of pages, or :class:`UnsupportedMedia` if the content is not a readable PDF."""
    with path.open("rb") as fh:
        head = fh.read(1024)
    if not head.startswith(b"%PDF-"):
        kind = sniff_binary(head) or (gettext("an HTML page") if b"<html" in head.lower()
                                      else gettext("text or an unknown format"))
        raise UnsupportedMedia(gettext(
            "%(name)s is not a PDF: its content is %(kind)s (only PDF documents are accepted, "
            "whatever the file name)") % {"name": name, "kind": kind}, field="file")
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    pdf_log = logging.getLogger("pypdf")
    level = pdf_log.level
    pdf_log.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(str(path), strict=False)
            if reader.is_encrypted:
                with contextlib.suppress(Exception):
                    reader.decrypt("")
                return 0
            pages = len(reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            OSError, RecursionError, MemoryError) as exc:
        raise UnsupportedMedia(gettext(
            "%(name)s starts like a PDF but cannot be read as one (%(error)s); export it "
            "again as PDF") % {"name": name, "error": type(exc).__name__},
            field="file") from exc
    finally:
        pdf_log.setLevel(level)
    if pages < 1:
        raise UnsupportedMedia(gettext("%(name)s is a PDF without pages") % {"name": name},
                               field="file")
    return pages


def spool(chunks: Iterable[bytes], *, limit: int, name: str) -> tuple[Path, str, int]:
    """Write chunks to a local work file, hashing as it goes."""
    fd, tmp_name = tempfile.mkstemp(dir=blobstore.scratch_dir(), suffix=".part")
    tmp = Path(tmp_name)
    digest = hashlib.sha256()
    size = 0
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise TooLarge(gettext("%(name)s is larger than the limit of %(limit)s")
                                   % {"name": name, "limit": _human(limit)}, field="file")
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp, digest.hexdigest(), size


def check_document(filename: str, chunks: Iterable[bytes]) -> str:
    """Judge a file as :func:`store_document` would, keeping nothing; its SHA-256.

    For a form that creates a demand and its documents together: every file is checked
    first, so a bad one stops the submission before anything is stored.
    """
    name = safe_filename(filename)
    tmp, sha, size = spool(chunks, limit=max_document_bytes(), name=name)
    try:
        if size == 0:
            raise UnsupportedMedia(gettext("%(name)s is empty") % {"name": name},
                                   field="file")
        check_pdf(tmp, name=name)
    finally:
        tmp.unlink(missing_ok=True)
    return sha


def store_document(demand: Demand, *, filename: str, chunks: Iterable[bytes],
                   user: User | None) -> Document:
    """Validate, store and attach one PDF; all or nothing."""
    name = safe_filename(filename)
    if demand.status not in OPEN_FOR_DOCUMENTS:
        raise Conflict(gettext("documents cannot be added to a %(status)s demand")
                       % {"status": demand.status})
    tmp, sha, size = spool(chunks, limit=max_document_bytes(), name=name)
    try:
        if size == 0:
            raise UnsupportedMedia(gettext("%(name)s is empty") % {"name": name},
                                   field="file")
        pages = check_pdf(tmp, name=name)
        relative = f"{demand.pk}/{sha}.pdf"
        stored = blobstore.name(FOLDER, relative)
        with transaction.atomic():
            locked = for_update(Demand.objects).get(pk=demand.pk)
            if locked.status not in OPEN_FOR_DOCUMENTS:
                raise Conflict(gettext("documents cannot be added to a %(status)s demand")
                               % {"status": locked.status})
            existing = Document.objects.filter(demand=locked, sha256=sha).first()
            if existing is not None:
                raise Conflict(gettext("this document is already attached as %(filename)s")
                               % {"filename": repr(existing.filename)}, field="file")
            created = not blobstore.exists(stored)
            blobstore.save(stored, tmp)
            try:
                doc = Document.objects.create(
                    demand=locked, filename=name, sha256=sha, size=size,
                    path=relative, uploaded_at=timezone.now())
                record("document.added", actor=actor_label(user), demand_id=locked.pk,
                       payload={"document": doc.pk, "filename": name, "sha256": sha,
                                "size": size, "pages": pages})
            except BaseException:
                if created:
                    blobstore.delete(stored)
                raise
        return doc
    finally:
        tmp.unlink(missing_ok=True)


def stored_name(doc: Document) -> str:
    try:
        return blobstore.name(FOLDER, doc.path)
    except blobstore.BlobError as exc:
        raise Conflict(gettext("the document's stored path is outside the documents "
                               "folder")) from exc


def open_document(doc: Document) -> IO[bytes] | None:
    """The stored PDF for reading, or None when its file is not in the store."""
    return blobstore.open_if_present(stored_name(doc))
