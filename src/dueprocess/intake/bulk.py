"""Bulk targets: up to 1,000,000 URLs or handles per upload, streamed, all or nothing.

An upload is first saved under ``DUEPROCESS_HOME/uploads`` (size-limited while it is
written), then read line by line: each good line is normalised and checked against the
platform in batches through the connector, and staged in :class:`StagedTarget`; each bad
line is counted and, for the first thousand, kept with its number and the reason. Progress
counters on the :class:`BulkTargetJob` row are committed as the reading goes, so the web
page and the API can show them. Only when the whole file has been read are the staged rows
merged into the demand, deduplicated by the database, in one transaction that also writes
the audit event and vets the demand again: a refused or interrupted upload leaves the
demand exactly as it was.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import tempfile
from collections.abc import Callable, Iterable
from datetime import timedelta
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dueprocess import blobstore
from dueprocess.audit.actors import User, actor_label
from dueprocess.audit.chain import record
from dueprocess.connectors import get_connector
from dueprocess.connectors.base import TargetInfo, lookup_many
from dueprocess.demands.actions import revet_demand
from dueprocess.demands.models import Demand, Target
from dueprocess.errors import Conflict, InvalidInput
from dueprocess.intake.documents import TooLarge, UnsupportedMedia
from dueprocess.intake.models import BulkTargetJob, JobStatus, StagedTarget
from dueprocess.intake.normalise import BadLine, CountingReader, Entry, NotText, Reader
from dueprocess.locking import for_update

log = logging.getLogger("dueprocess.intake")

MAX_TARGETS = 1_000_000
MAX_ERRORS_KEPT = 1000
BATCH = 5000
DEFAULT_MAX_BYTES = 512 * 1024 * 1024
DEFAULT_SYNC_BYTES = 16 * 1024 * 1024
STALE_AFTER = timedelta(minutes=10)
OPEN_FOR_TARGETS = ("received", "in_review", "awaiting_authority", "on_hold")

Progress = Callable[[BulkTargetJob], None]


def max_upload_bytes() -> int:
    return int(getattr(settings, "DUEPROCESS_TARGETS_MAX_BYTES", DEFAULT_MAX_BYTES))


def sync_limit_bytes() -> int:
    """Uploads up to this size are processed within the request; larger ones by a worker."""
    return int(getattr(settings, "DUEPROCESS_TARGETS_SYNC_BYTES", DEFAULT_SYNC_BYTES))


FOLDER = "uploads"


def _open_upload(stored: str) -> IO[bytes]:
    """The saved upload; jobs saved before the shared storage name a local file."""
    if Path(stored).is_absolute():
        return Path(stored).open("rb")
    return blobstore.open_read(stored)


def _drop_upload(stored: str) -> None:
    if Path(stored).is_absolute():
        Path(stored).unlink(missing_ok=True)
    else:
        with contextlib.suppress(blobstore.BlobError):
            blobstore.delete(stored)


class JobFailed(InvalidInput):
    """The upload as a whole was refused; the job row says why."""

    def __init__(self, job: BulkTargetJob, message: str, *, status: int = 422,
                 code: str = "invalid") -> None:
        super().__init__(message, field="file")
        self.job = job
        self.status = status
        self.code = code


def create_job(demand: Demand, *, chunks: Iterable[bytes], filename: str = "",
               default_type: str = "auto", user: User | None) -> BulkTargetJob:
    """Save the upload and make its job; the demand must be open for targets."""
    if demand.status not in OPEN_FOR_TARGETS:
        raise Conflict(_("targets cannot be added to a %(status)s demand")
                       % {"status": demand.status})
    if default_type not in ("auto", "account", "content"):
        raise InvalidInput(_("type is auto, account or content"), field="type")
    limit = max_upload_bytes()
    fd, name = tempfile.mkstemp(dir=blobstore.scratch_dir(), prefix="targets-",
                                suffix=".txt")
    path = Path(name)
    # In the shared storage, so that a worker on any host can read it.
    stored = blobstore.name(FOLDER, f"targets-{secrets.token_hex(12)}.txt")
    size = 0
    saved = False
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise TooLarge(_("the target list is larger than the limit of %(mib)s MiB")
                                   % {"mib": f"{limit // (1024 * 1024):,}"}, field="file")
                out.write(chunk)
        blobstore.save(stored, path)
        saved = True
        return BulkTargetJob.objects.create(
            demand=demand, filename=(filename or "")[:255], default_type=default_type,
            path=stored, bytes_total=size,
            created_by_id=user.pk if user is not None and user.is_authenticated else None)
    except BaseException:
        if saved:
            _drop_upload(stored)
        raise
    finally:
        path.unlink(missing_ok=True)


def _save_progress(job: BulkTargetJob, *fields: str) -> None:
    job.heartbeat_at = timezone.now()
    BulkTargetJob.objects.filter(pk=job.pk).update(
        heartbeat_at=job.heartbeat_at, **{f: getattr(job, f) for f in fields})


_PROGRESS_FIELDS = ("stage", "bytes_read", "lines", "blank", "accepted", "rejected", "errors")


def _stage_batch(job: BulkTargetJob, batch: dict[tuple[str, str], int]) -> None:
    """Look the batch up on the platform (one call per target type) and stage it in order.

    Rows go in as plain tuples (COPY on PostgreSQL, executemany on SQLite) rather than
    through model instances: staging is on the path of every line of a million-line upload.
    """
    connector = get_connector()
    infos: dict[tuple[str, str], TargetInfo] = {}
    for target_type in ("account", "content"):
        idents = [ident for (t, ident) in batch if t == target_type]
        if idents:
            found = lookup_many(connector, target_type, idents)
            infos.update(zip(((target_type, i) for i in idents), found, strict=True))
    meta = StagedTarget._meta
    q = connection.ops.quote_name
    names = ["job", "type", "identifier", "exists", "country", "data_location", "flags"]
    columns = ", ".join(q(str(getattr(meta.get_field(n), "column", n))) for n in names)
    row_sql = "(" + ", ".join(["%s"] * len(names)) + ")"
    rows = [(job.pk, t, ident, info.exists, info.country, info.data_location,
             json.dumps(list(info.flags)) if info.flags else "[]")
            for (t, ident), info in ((key, infos[key]) for key in batch)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: no SQL text to build or parse per row, the fastest path PostgreSQL has.
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f"COPY {q(meta.db_table)} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(" ".join(["INSERT INTO", q(meta.db_table), f"({columns})",
                                         "VALUES", row_sql]), rows)


def _fail(job: BulkTargetJob, message: str) -> None:
    job.status = JobStatus.FAILED
    job.message = message
    job.finished_at = timezone.now()
    BulkTargetJob.objects.filter(pk=job.pk).update(
        status=job.status, message=message, finished_at=job.finished_at, stage=job.stage,
        bytes_read=job.bytes_read, lines=job.lines, blank=job.blank, accepted=job.accepted,
        rejected=job.rejected, errors=job.errors)
    StagedTarget.objects.filter(job_id=job.pk).delete()


def _read(job: BulkTargetJob, stream: IO[bytes], progress: Progress | None) -> None:
    counting = CountingReader(stream)
    reader = Reader(default_type=job.default_type or "auto")
    batch: dict[tuple[str, str], int] = {}
    job.stage = "reading"
    _save_progress(job, *_PROGRESS_FIELDS)
    for item in reader.read(counting):  # type: ignore[arg-type]
        if isinstance(item, Entry):
            job.accepted += 1
            if job.accepted > MAX_TARGETS:
                raise InvalidInput(_("the upload has more than %(max_targets)s targets; split "
                                     "it into several demands or uploads")
                                   % {"max_targets": f"{MAX_TARGETS:,}"})
            batch.setdefault((item.type, item.identifier), item.line)
        elif isinstance(item, BadLine):
            job.rejected += 1
            if len(job.errors) < MAX_ERRORS_KEPT:
                job.errors.append({"line": item.line, "message": item.message,
                                   "text": item.text})
        if len(batch) >= BATCH:
            _stage_batch(job, batch)
            batch = {}
            job.bytes_read, job.lines, job.blank = counting.count, reader.lines, reader.blank
            _save_progress(job, *_PROGRESS_FIELDS)
            if progress is not None:
                progress(job)
    if batch:
        _stage_batch(job, batch)
    job.bytes_read, job.lines, job.blank = counting.count, reader.lines, reader.blank
    _save_progress(job, *_PROGRESS_FIELDS)
    if progress is not None:
        progress(job)


def _merge(job: BulkTargetJob, user: User | None) -> int:
    """Copy the staged rows into the demand; the database drops duplicates."""
    target = Target._meta
    staged = StagedTarget._meta
    q = connection.ops.quote_name

    def column(meta: Any, name: str) -> str:
        return q(str(meta.get_field(name).column))

    cols = ["type", "identifier", "exists", "country", "data_location", "flags"]
    insert_cols = ", ".join(column(target, c) for c in ["demand", *cols])
    select_cols = ", ".join(column(staged, c) for c in cols)
    where = f"WHERE {column(staged, 'job')} = %s ORDER BY {q('id')}"
    # Only table and column names from the models are interpolated; values are parameters.
    head = "INSERT INTO" if connection.vendor == "postgresql" else "INSERT OR IGNORE INTO"
    tail = " ON CONFLICT DO NOTHING" if connection.vendor == "postgresql" else ""
    sql = " ".join([head, q(target.db_table), f"({insert_cols})", "SELECT %s,", select_cols,
                    "FROM", q(staged.db_table), where + tail])
    with connection.cursor() as cursor:
        cursor.execute(sql, [job.demand_id, job.pk])
        return max(cursor.rowcount, 0)


def run_job(job: BulkTargetJob, *, user: User | None = None,
            progress: Progress | None = None) -> BulkTargetJob:
    """Read, stage, merge and re-vet; raises :class:`JobFailed` when refused as a whole."""
    if job.finished:
        return job
    claimed = BulkTargetJob.objects.filter(pk=job.pk, status=JobStatus.PENDING).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now())
    if not claimed:
        raise Conflict(_("job %(job)s is already being processed") % {"job": job.pk})
    job.refresh_from_db()
    try:
        try:
            with _open_upload(job.path) as fh:
                _read(job, fh, progress)
        except NotText as exc:
            _fail(job, str(exc))
            raise JobFailed(job, str(exc), status=UnsupportedMedia.status,
                            code=UnsupportedMedia.code) from exc
        except InvalidInput as exc:
            _fail(job, exc.message)
            raise JobFailed(job, exc.message) from exc
        if job.accepted == 0:
            message = (f"no targets in the upload: {job.lines:,} line(s), {job.blank:,} blank, "
                       f"{job.rejected:,} unreadable")
            _fail(job, message)
            raise JobFailed(job, message)
        job.stage = "storing"
        _save_progress(job, "stage")
        if progress is not None:
            progress(job)
        try:
            _commit(job, user)
        except (Conflict, InvalidInput) as exc:
            _fail(job, exc.message)
            raise JobFailed(job, exc.message, status=exc.status, code=exc.code) from exc
        StagedTarget.objects.filter(job_id=job.pk).delete()
        if progress is not None:
            progress(job)
        return job
    except BaseException:
        if not BulkTargetJob.objects.filter(pk=job.pk, status=JobStatus.FAILED).exists():
            _fail(job, "the upload could not be processed; nothing was added")
        raise
    finally:
        _drop_upload(job.path)


def _commit(job: BulkTargetJob, user: User | None) -> None:
    actor = actor_label(user)
    with transaction.atomic():
        demand = for_update(Demand.objects).get(pk=job.demand_id)
        if demand.status not in OPEN_FOR_TARGETS:
            raise Conflict(_("targets cannot be added to a %(status)s demand")
                           % {"status": demand.status})
        before = Target.objects.filter(demand=demand).count()
        _merge(job, user)
        after = Target.objects.filter(demand=demand).count()
        if after > MAX_TARGETS:
            raise InvalidInput(_("the demand would have %(after)s targets; at most "
                                 "%(max_targets)s are accepted")
                               % {"after": f"{after:,}", "max_targets": f"{MAX_TARGETS:,}"})
        job.added = after - before
        job.duplicates = job.accepted - job.added
        demand.target_count = after
        demand.updated_at = timezone.now()
        demand.save(update_fields=["target_count", "updated_at"])
        record("demand.targets_added", actor=actor, demand_id=demand.pk, payload={
            "job": job.pk, "filename": job.filename, "lines": job.lines,
            "added": job.added, "duplicates": job.duplicates, "rejected": job.rejected,
            "blank": job.blank, "target_count": after})
        job.stage = "vetting"
        revet_demand(demand, user=user)
        job.status = JobStatus.DONE
        job.stage = ""
        job.finished_at = timezone.now()
        job.message = (f"{job.added:,} target(s) added, {job.duplicates:,} duplicate(s), "
                       f"{job.rejected:,} unreadable line(s)")
        job.save()


def sweep_stale_jobs() -> int:
    """Jobs whose worker died: fail them and drop what they staged."""
    cutoff = timezone.now() - STALE_AFTER
    count = 0
    for job in BulkTargetJob.objects.filter(status=JobStatus.RUNNING,
                                            heartbeat_at__lt=cutoff):
        _fail(job, "the upload was interrupted; nothing was added — upload it again")
        _drop_upload(job.path)
        count += 1
    return count


def job_summary(job: BulkTargetJob) -> dict[str, Any]:
    return {
        "job": job.pk, "demand": job.demand_id, "status": job.status, "stage": job.stage,
        "percent": job.percent, "filename": job.filename, "bytes_total": job.bytes_total,
        "bytes_read": job.bytes_read, "lines": job.lines, "blank": job.blank,
        "accepted": job.accepted, "added": job.added, "duplicates": job.duplicates,
        "rejected": job.rejected, "errors": list(job.errors), "message": job.message,
        "target_count": job.demand.target_count if job.status == JobStatus.DONE else None,
    }
