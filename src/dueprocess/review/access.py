"""Who may use the reviewer console.

Only platform staff with the reading permission of the case file. Authority officers also
log in (to the portal), so a logged-in user is not enough: a requester profile marks an
outside party, and such a user is refused even if ``is_staff`` was set on it by mistake,
because the console shows every authority's demands. Each step that changes something
checks its own permission on top (see :mod:`dueprocess.accounts.roles`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from dueprocess.accounts.roles import READ_PERM

P = ParamSpec("P")


def is_console_user(user: object) -> bool:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    if not getattr(user, "is_staff", False):
        return False
    if hasattr(user, "requester"):
        return False
    has_perm = getattr(user, "has_perm", None)
    return bool(has_perm and has_perm(READ_PERM))


def staff_required(
    view: Callable[Concatenate[HttpRequest, P], HttpResponseBase],
) -> Callable[Concatenate[HttpRequest, P], HttpResponseBase]:
    """Anonymous users go to the login page; any other non-console user gets 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_console_user(request.user):
            raise PermissionDenied("the reviewer console is for platform staff with a role")
        return view(request, *args, **kwargs)

    return wrapper
