"""Which staff may do which intake step (any one of the listed permissions suffices).

The staff roles (``dueprocess.accounts.roles``) give the intake role every ``intake.*``
permission; legal reviewers may also record callbacks and read sender checks, since they
meet forged demands first.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from dueprocess.errors import Forbidden

READ = ("demands.view_demand", "demands.add_decision")
CALLBACK = ("intake.add_callbackrecord", "demands.add_decision")
EMAIL = ("intake.add_inboundemail", "demands.add_demand")
SIGNALS = ("intake.add_fraudsignal",)
INVITE = ("intake.add_invitation", "demands.add_requester")
DOCUMENT = ("demands.add_document", "intake.add_inboundemail")
TARGETS = ("demands.add_target", "intake.add_bulktargetjob")


def allowed(user: Any, perms: tuple[str, ...]) -> bool:
    return bool(getattr(user, "is_staff", False)) and any(user.has_perm(p) for p in perms)


def require(user: Any, perms: tuple[str, ...]) -> None:
    if not getattr(user, "is_staff", False):
        raise Forbidden(_("only the platform's staff may do this"))
    if not any(user.has_perm(p) for p in perms):
        raise Forbidden(_("missing permission %(perm)s") % {"perm": perms[0]})
