"""Background processing of large target uploads (django-tasks, run by `dueprocess worker`)."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django_tasks import task

from dueprocess.intake import bulk
from dueprocess.intake.models import BulkTargetJob, JobStatus

log = logging.getLogger("dueprocess.intake")


@task()
def process_target_job(job_id: int) -> dict[str, Any]:
    """Run one upload job; a job already finished or claimed is left alone."""
    job = BulkTargetJob.objects.select_related("demand").filter(pk=job_id).first()
    if job is None or job.status != JobStatus.PENDING:
        return {"job": job_id, "outcome": "skipped"}
    user = job.created_by
    try:
        bulk.run_job(job, user=user)
    except bulk.JobFailed as exc:
        return {"job": job_id, "outcome": "failed", "message": exc.message}
    return {"job": job_id, "outcome": "done", "added": job.added}


def enqueue_target_job(job: BulkTargetJob) -> None:
    pk = job.pk
    transaction.on_commit(lambda: process_target_job.enqueue(pk))
