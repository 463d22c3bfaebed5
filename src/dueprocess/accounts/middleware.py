"""Two-factor authentication for platform staff.

A staff member who signed in with a password only is held at the two-factor pages until a
TOTP code is verified (django-otp marks the session). Where 2FA is mandatory
(``settings.STAFF_REQUIRE_2FA``, on outside the demo) a staff member without a device is
sent to set one up; elsewhere a staff member who has a device is still asked for it, so
enrolling is never a way to weaken a login.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import translation

from dueprocess.accounts.models import Preference
from dueprocess.accounts.twofactor import has_device, is_verified

# Paths a half-signed-in staff member may still reach: the 2FA pages themselves, logging
# out, static files, and the token-authenticated API (sessions play no part there).
EXEMPT_PREFIXES = ("/account/two-factor/", "/account/language/", "/logout/", "/login/",
                   "/static/", "/api/")


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


#: Where a signed-in person's chosen language is kept for the session (read once).
LANGUAGE_SESSION_KEY = "dueprocess_language"


def chosen_language(user: Any) -> str:
    return (Preference.objects.filter(user=user).values_list("language", flat=True).first()
            or "")


def remember_language(sender: Any, request: HttpRequest | None, user: Any,
                      **_: Any) -> None:
    """At sign-in, put the person's choice in the session: pages then never ask again."""
    if request is not None and hasattr(request, "session"):
        request.session[LANGUAGE_SESSION_KEY] = chosen_language(user)


class UserLanguageMiddleware:
    """Shows the interface in the language a signed-in person chose, on every device.

    Runs after authentication; Django's LocaleMiddleware has already picked the cookie's or
    the browser's language, which stays in force for anonymous visitors and for people who
    chose none. The choice is put in the session at sign-in.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = request.session.get(LANGUAGE_SESSION_KEY)
            if language is None:  # a session from before the choice was kept at sign-in
                language = chosen_language(user)
                request.session[LANGUAGE_SESSION_KEY] = language
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)
