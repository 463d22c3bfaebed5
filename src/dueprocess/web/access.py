"""Who may use the reviewer console, and who the authorities' portal.

Only platform staff with the reading permission of the case file. Authority officers also
log in (to the portal), so a logged-in user is not enough: a requester profile marks an
outside party, and such a user is refused even if ``is_staff`` was set on it by mistake,
because the console shows every authority's demands. Each step that changes something
checks its own permission on top (see :mod:`dueprocess.accounts.roles`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec

from django.conf import settings
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import user_has_device

from dueprocess.accounts.roles import READ_PERM
from dueprocess.web.auth import requester_of
from dueprocess.web.requests import PortalRequest

View = Callable[..., HttpResponseBase]

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


#: The portal's error page (an officer sees the portal's look, not the console's).
ERROR_TEMPLATE = "intake/portal_error.html"


def otp_required(user: Any) -> bool:
    """A second factor is required outside demo mode, and always once a device exists."""
    return settings.DUEPROCESS.mode != "demo" or user_has_device(user)


def portal_required(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not user.is_authenticated:
            return redirect(f"{reverse('portal:login')}?next={request.get_full_path()}")
        requester = requester_of(user)
        if requester is None:
            return render(request, ERROR_TEMPLATE, {
                "status": 403, "title": _("Not an authority account"),
                "message": _("The portal is for officers of registered authorities. "
                             "Platform staff use the review console.")}, status=403)
        if otp_required(user) and not getattr(user, "is_verified", lambda: False)():
            auth_logout(request)
            return redirect(f"{reverse('portal:login')}?next={request.get_full_path()}")
        PortalRequest.of(request).requester = requester
        return view(request, *args, **kwargs)

    return wrapper
