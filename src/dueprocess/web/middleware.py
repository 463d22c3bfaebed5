"""Middleware of the web shell: errors outside the API's handlers in its JSON shape, and no
cached copy of any page or answer that may carry personal data."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.exceptions import (
    BadRequest,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_cache_control

from dueprocess.web.api import error_response, internal_error, shape_fallback

API_PREFIX = "/api/"
CLIENT_ERRORS = (Http404, PermissionDenied, BadRequest, SuspiciousOperation)


def _nul_in(request: HttpRequest) -> str | None:
    """The first query parameter (or the JSON body) carrying a NUL character, if any."""
    for key, values in request.GET.lists():
        if "\x00" in key or any("\x00" in v for v in values):
            return key.replace("\x00", "")
    if request.content_type != "application/json":
        return None
    try:
        body = request.body
    except RequestDataTooBig:  # the handler answers 413 in the API's shape
        return None
    return "body" if b"\\u0000" in body or b"\x00" in body else None


class ApiErrorShapeMiddleware:
    """An unknown ``/api/v1`` path (404), a wrong method (405), another refusal made outside
    the handlers and an exception that escaped them (500) are mapped by
    :mod:`dueprocess.web.api`, like every other error.

    The API answers in English whatever the browser asks for or the token's owner chose for
    the console: its codes are the contract, and its messages are read in integrators'
    logs. Runs after the language middlewares, so it has the last word.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        translation.activate("en")
        request.LANGUAGE_CODE = "en"
        if (field := _nul_in(request)) is not None:
            # No database stores a NUL character in text (PostgreSQL refuses it outright):
            # refused here, for every operation alike, before it reaches a query.
            return error_response(request, 422, "invalid",
                                  f"{field}: a NUL character (\\u0000) is not allowed",
                                  field)
        return shape_fallback(request, self.get_response(request))

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        # Django turns these into 4xx answers, which __call__ then shapes.
        if not request.path.startswith(API_PREFIX) or isinstance(exc, CLIENT_ERRORS):
            return None
        logging.getLogger("dueprocess.api").error(
            "unhandled error in %s %s", request.method, request.path, exc_info=exc)
        return internal_error(request)


#: Pages anyone may see, which a browser or a proxy may keep: the public transparency record
#: and static files. Everything else may show a user's data or a demand under a gag.
PUBLIC_PREFIXES = ("/transparency/", "/static/")


class NoStoreMiddleware:
    """``Cache-Control: no-store, private`` on every answer outside the public record, so no
    browser history, shared proxy or back button keeps a copy of a demand or a production."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(PUBLIC_PREFIXES):
            patch_cache_control(response, no_store=True, private=True)
            response["Pragma"] = "no-cache"
        return response
