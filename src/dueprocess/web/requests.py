"""Typed requests: what the web shell adds to Django's request on the way in.

Middleware and decorators set these attributes; handlers read them through the classes
below (``PortalRequest.of(request).requester``) instead of reaching for untyped attributes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.http import HttpRequest

if TYPE_CHECKING:
    from dueprocess.accounts.models import ApiToken
    from dueprocess.demands.models import Requester


class TracedRequest(HttpRequest):
    """Every request: the id that finds it in the logs (``ops.middleware``)."""

    request_id: str

    @staticmethod
    def of(request: HttpRequest) -> TracedRequest:
        return cast(TracedRequest, request)


class ApiRequest(TracedRequest):
    """An API request authenticated by a bearer token (``web.auth.TokenAuth``)."""

    api_token: ApiToken

    @staticmethod
    def of(request: HttpRequest) -> ApiRequest:
        return cast(ApiRequest, request)


class PortalRequest(TracedRequest):
    """A portal request by an authority's officer (``web.access.portal_required``)."""

    requester: Requester

    @staticmethod
    def of(request: HttpRequest) -> PortalRequest:
        return cast(PortalRequest, request)
