"""Signing in: password (with lockout after repeated failures), then the TOTP code."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from dueprocess.accounts.actions import set_language
from dueprocess.accounts.forms import CodeForm
from dueprocess.accounts.middleware import LANGUAGE_SESSION_KEY, needs_second_factor
from dueprocess.accounts.twofactor import (
    confirm_device,
    has_device,
    is_verified,
    pending_device,
    qr_data_uri,
    secret_base32,
    verify_code,
)
from dueprocess.errors import InvalidInput


def _next(request: HttpRequest, default: str = "/review/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return default


def attempts_left(request: HttpRequest, username: str) -> int | None:
    """How many more failed sign-ins for ``username`` from this address lock the pair, or
    ``None`` before the first failure. Counted by django-axes, as its lockout is."""
    from axes.handlers.proxy import AxesProxyHandler

    if not username:
        return None
    failures = AxesProxyHandler.get_failures(request, {"username": username})
    if failures <= 0:
        return None
    return max(settings.AXES_FAILURE_LIMIT - failures, 0)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = False

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        hours = settings.AXES_COOLOFF_TIME
        context.update(failure_limit=settings.AXES_FAILURE_LIMIT, lockout_hours=hours,
                       lockout_period=ngettext("%(hours)s hour", "%(hours)s hours", hours)
                       % {"hours": hours})
        return context

    def form_invalid(self, form: Any) -> HttpResponse:
        username = str(form.data.get("username", "")).strip()
        return self.render_to_response(self.get_context_data(
            form=form, attempts_left=attempts_left(self.request, username)))

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        if needs_second_factor(self.request):
            step = "verify" if has_device(self.request.user) else "setup"
            return redirect(f"/account/two-factor/{step}/?"
                            + urlencode({"next": self.get_success_url()}))
        return response


def _staff_only(request: HttpRequest) -> None:
    if not getattr(request.user, "is_staff", False):
        raise PermissionDenied("two-factor sign-in here is for platform staff")


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    if not has_device(request.user):
        return redirect("/account/two-factor/setup/?" + urlencode({"next": _next(request)}))
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if verify_code(request, form.cleaned_data["code"]):
            return HttpResponseRedirect(_next(request))
        form.add_error("code", _("That code is not valid (or came too soon after a wrong "
                                 "one). Wait for the next code and try again."))
        status = 400
    return render(request, "accounts/two_factor_verify.html",
                  {"form": form, "next": _next(request)}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Enrol a TOTP device; with one already confirmed, only a verified session may see this."""
    _staff_only(request)
    if has_device(request.user) and not is_verified(request):
        return redirect("/account/two-factor/verify/?" + urlencode({"next": _next(request)}))
    device = pending_device(request.user)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if confirm_device(request, device, form.cleaned_data["code"]):
            messages.success(request, _("Two-factor sign-in is on for your account."))
            return HttpResponseRedirect(_next(request))
        form.add_error("code", _("That code does not match. Check the time on your phone "
                                 "and enter the current code."))
        status = 400
    return render(request, "accounts/two_factor_setup.html", {
        "form": form, "next": _next(request), "qr": qr_data_uri(device),
        "secret": secret_base32(device), "has_device": has_device(request.user),
    }, status=status)


@require_http_methods(["POST"])
def language(request: HttpRequest) -> HttpResponse:
    """Choose the interface language: kept with the account when signed in, and in a cookie
    for this browser either way (the public pages have no account)."""
    chosen = request.POST.get("language", "")
    back = _next(request, default="/")
    try:
        if request.user.is_authenticated:
            chosen = set_language(request.user, chosen)
            request.session[LANGUAGE_SESSION_KEY] = chosen
        elif chosen not in {code for code, _name in settings.LANGUAGES}:
            raise InvalidInput(_("unknown language %(language)r") % {"language": chosen},
                               field="language")
    except InvalidInput as exc:
        return render(request, "accounts/language_refused.html", {"error": exc.message,
                                                                  "back": back}, status=400)
    response = HttpResponseRedirect(back)
    if chosen:
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, chosen, max_age=365 * 86400,
                            samesite="Lax", secure=request.is_secure(), httponly=True)
    else:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
    return response
