"""Login lockout (django-axes) for web sign-ins only."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class LockoutBackend(AxesStandaloneBackend):
    """Axes' check, skipped when there is no request to lock on.

    Axes refuses an ``authenticate()`` call without a request; command-line tools and test
    clients authenticate that way, and have no address or login form to lock out, so such a
    call simply falls through to the next backend.
    """

    def authenticate(self, request: HttpRequest | None, username: str | None = None,
                     password: str | None = None, **kwargs: Any) -> Any:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
