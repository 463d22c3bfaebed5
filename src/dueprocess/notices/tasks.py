"""Letters to authorities go out by e-mail from the worker, never from a web request: a slow
or unreachable mail server must not hold up an intake or a decision."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from dueprocess.notices.delivery import send_letter_email

#: Attempts per letter, and the wait before each retry (a mail server down for a day is
#: still caught up; after that the timeline shows `letter.email_failed` five times).
ATTEMPTS = 5
BACKOFF = (timedelta(minutes=1), timedelta(minutes=10), timedelta(hours=1),
           timedelta(hours=6))


@task()
def email_letter(notice_id: int, attempt: int = 1) -> str:
    """E-mail one committed letter; the outcome is an audit event on the demand. A failure
    is tried again later, up to ``ATTEMPTS`` times."""
    verb = send_letter_email(notice_id, attempt=attempt)
    if verb == "letter.email_failed" and attempt < ATTEMPTS:
        email_letter.using(run_after=timezone.now() + BACKOFF[attempt - 1]).enqueue(
            notice_id, attempt + 1)
    return verb
