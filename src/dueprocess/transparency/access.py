"""Who may read reports and the audit log, and who may publish redacted demands.

Auditors read everything and change nothing: membership of the ``auditor`` group grants
reading here and is checked *against* every write in this package, even if an auditor
account was also given write permissions by mistake.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from dueprocess.accounts import roles
from dueprocess.demands.models import Requester
from dueprocess.errors import Forbidden

AUDITOR_GROUP = "auditor"
PUBLISH_PERM = roles.PUBLISH_PERM


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def is_auditor(user: Any) -> bool:
    return _active(user) and user.groups.filter(name=AUDITOR_GROUP).exists()


def is_outside_party(user: Any) -> bool:
    """Authority officers have a requester profile and never see platform-wide data."""

    return Requester.objects.filter(user_id=user.pk).exists()


def can_read_reports(user: Any) -> bool:
    if not _active(user) or is_outside_party(user):
        return False
    return bool(getattr(user, "is_staff", False)) or is_auditor(user)


def require_reader(user: Any) -> None:
    if not can_read_reports(user):
        raise Forbidden(_("reports and the audit log are for the platform's staff and auditors"))


def can_publish(user: Any) -> bool:
    return (_active(user) and bool(getattr(user, "is_staff", False))
            and not is_outside_party(user) and not is_auditor(user)
            and bool(user.has_perm(PUBLISH_PERM)))


def require_publisher(user: Any) -> None:
    if is_auditor(user):
        raise Forbidden(_("auditors read; they do not change anything"))
    if not can_publish(user):
        raise Forbidden(_("missing permission %(publish_perm)s") % {"publish_perm": PUBLISH_PERM})
