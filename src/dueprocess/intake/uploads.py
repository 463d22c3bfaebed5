"""Upload views that refuse an oversized body before Django reads it.

Django's CSRF check parses a POST body, and multipart parsing spools every file to disk;
a 2 GB upload would be written in full before a view could refuse it. These decorators
look at ``Content-Length`` first, install a streaming cap on the upload handlers, and only
then run the CSRF check and the view.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from dueprocess.web.limits import LimitedUploadHandler, content_length

View = Callable[..., HttpResponse]


def _too_large(request: HttpRequest, limit: int, template: str) -> HttpResponse:
    return render(request, template, {
        "status": 413, "title": "The upload is too large",
        "message": f"The request is {content_length(request):,} bytes; at most {limit:,} "
                   "bytes are accepted here. Nothing was stored."}, status=413)


def limited_upload(limit: Callable[[], int], *, error_template: str) -> Callable[[View], View]:
    """Wrap a POST view: size check, capped upload handlers, then CSRF and the view."""

    def decorate(view: View) -> View:
        protected = csrf_protect(view)

        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST":
                cap = limit()
                if content_length(request) > cap:
                    return _too_large(request, cap, error_template)
                request.upload_handlers = [LimitedUploadHandler(cap, request)]
            return protected(request, *args, **kwargs)

        return wrapper

    return decorate
