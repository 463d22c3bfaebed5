"""Two-factor authentication for platform staff.

A staff member who signed in with a password only is held at the two-factor pages until a
TOTP code is verified (django-otp marks the session). Where 2FA is mandatory
(``settings.STAFF_REQUIRE_2FA``, on outside the demo) a staff member without a device is
sent to set one up; elsewhere a staff member who has a device is still asked for it, so
enrolling is never a way to weaken a login.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from dueprocess.accounts.twofactor import has_device, is_verified

# Paths a half-signed-in staff member may still reach: the 2FA pages themselves, logging
# out, static files, and the token-authenticated API (sessions play no part there).
EXEMPT_PREFIXES = ("/account/two-factor/", "/logout/", "/login/", "/static/", "/api/")


def needs_second_factor(request: HttpRequest) -> bool:
    user = request.user
    if not user.is_authenticated or not getattr(user, "is_staff", False):
        return False
    if is_verified(request):
        return False
    return bool(getattr(settings, "STAFF_REQUIRE_2FA", True)) or has_device(user)


class StaffTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(EXEMPT_PREFIXES) and needs_second_factor(request):
            step = "verify" if has_device(request.user) else "setup"
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"/account/two-factor/{step}/?{query}")
        return self.get_response(request)
