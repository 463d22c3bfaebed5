"""Letters to authorities go out by e-mail from the worker, never from a web request: a slow
or unreachable mail server must not hold up an intake or a decision."""

from __future__ import annotations

from django_tasks import task

from dueprocess.notices.delivery import send_letter_email


@task()
def email_letter(notice_id: int) -> str:
    """E-mail one committed letter; the outcome is an audit event on the demand."""
    return send_letter_email(notice_id)
