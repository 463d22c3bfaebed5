"""The HTTP API under /api/v1: one instance, errors mapped to responses in one place.

Each package owns its router (``intake.api``, ``review.api``, ``notices.api``, …);
:mod:`dueprocess.urls` mounts them here. Domain errors carry their HTTP status
(:class:`dueprocess.errors.DomainError`); everything else that can go wrong with a request
is shaped below into ``{"error": {"code", "message", "field"}}``.
"""

from __future__ import annotations

import logging
from typing import Any

import pydantic
from django.core.exceptions import RequestDataTooBig
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.operation import Operation

from dueprocess.errors import DomainError, declare_codes
from dueprocess.locking import is_lock_conflict
from dueprocess.web.auth import TokenAuth
from dueprocess.web.limits import RateLimited
from dueprocess.web.schemas import ErrorOut

#: Codes this module answers with itself (the rest are the domain errors' own).
declare_codes("unauthenticated", "malformed_json", "method_not_allowed", "error", "busy",
              "internal_error", "too_large")

#: Error answers, with what each means, that an operation may give besides its own list.
ERROR_MEANINGS = {
    400: "The body is not valid JSON",
    401: "No valid bearer token",
    403: "The token or its user may not do this",
    404: "No such resource, or not one this token may see",
    409: "The resource is not in a state that allows this step",
    413: "The request body is too large",
    422: "The input is not valid; `field` names the first bad one",
    429: "The token's rate limit is spent; see Retry-After",
    503: "The change met a conflicting one and nothing was recorded; send it again",
}
WRITES = ("post", "put", "patch", "delete")
CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def declare_errors(schema: dict[str, Any]) -> None:
    """Declare on every operation the errors the shared machinery can answer with, in the
    ``ErrorOut`` shape: authentication, scopes and rate limits for every route (401, 403,
    429), input checks where there is input (422, 400, 413), lookups where the path names a
    resource (404), and state and lock conflicts for writes (409, 503). A handler's own
    ``response`` adds its specific ones."""
    ref = {"$ref": "#/components/schemas/ErrorOut"}
    for operations in schema.get("paths", {}).values():
        for method, op in operations.items():
            params = op.get("parameters", [])
            statuses = {403, 429}
            if op.get("security"):
                statuses.add(401)
            if params or "requestBody" in op:
                statuses.add(422)
            if any(p.get("in") == "path" for p in params):
                statuses.add(404)
            if "requestBody" in op:
                statuses |= {400, 413}
            if method in WRITES:
                statuses |= {409, 503}
            responses = op.setdefault("responses", {})
            for status in sorted(statuses):
                if status not in responses and str(status) not in responses:
                    responses[status] = {"description": ERROR_MEANINGS[status],
                                         "content": {"application/json": {"schema": ref}}}


def download(*media_types: str, description: str = "The file") -> dict[str, Any]:
    """``openapi_extra`` for a 200 answered with a file in one of ``media_types``."""
    content = {m: {"schema": {"type": "string", "format": "binary"}} for m in media_types}
    return {"responses": {200: {"description": description, "content": content}}}


class Api(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        declare_errors(schema)
        return schema

    def get_openapi_operation_id(self, operation: Operation) -> str:
        """``createDemand`` for ``create_demand``: names a client generator can use,
        independent of the module a handler lives in."""
        head, *rest = operation.view_func.__name__.strip("_").split("_")
        return head + "".join(w[:1].upper() + w[1:] for w in rest)


api = Api(
    title="dueprocess",
    version="1",
    description="Government demands: intake, vetting, decisions, transparency.",
    auth=TokenAuth(),
    urls_namespace="api-v1",
    docs_url="/docs",
)

ERRORS: dict[int | str, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                                409: ErrorOut, 413: ErrorOut, 422: ErrorOut}


def error_response(request: HttpRequest, status: int, code: str, message: str,
                   field: str | None = None) -> HttpResponse:
    return api.create_response(
        request, {"error": {"code": code, "message": message, "field": field}}, status=status)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return error_response(request, exc.status, exc.code, exc.message, exc.field)


def _field_of(loc: Any) -> str | None:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "data", "payload")]
    return ".".join(parts) or None


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    first = exc.errors[0] if exc.errors else {}
    field = _field_of(first.get("loc", ()))
    message = str(first.get("msg", "invalid input"))
    return error_response(request, 422, "invalid", f"{field}: {message}" if field else message,
                          field)


@api.exception_handler(pydantic.ValidationError)
def _pydantic_error(request: HttpRequest, exc: pydantic.ValidationError) -> HttpResponse:
    first = exc.errors()[0]
    field = _field_of(first.get("loc", ()))
    return error_response(request, 422, "invalid", f"{field}: {first['msg']}", field)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(request, 401, "unauthenticated",
                          "a valid bearer token is required (Authorization: Bearer …)")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    codes = {400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
             405: "method_not_allowed"}
    message = str(exc.message)
    if message.startswith("Cannot parse request body"):
        message = "the body is not valid JSON (UTF-8)"
        codes[400] = "malformed_json"
    return error_response(request, exc.status_code, codes.get(exc.status_code, "error"), message)


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return error_response(request, 413, "too_large", "the request body is too large")


@api.exception_handler(RateLimited)
def _rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    response = error_response(request, exc.status, exc.code, exc.message)
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, "not_found", "no such resource")


log = logging.getLogger("dueprocess.api")


def internal_error(request: HttpRequest) -> HttpResponse:
    """The answer to a fault of ours: no detail, but the id that finds it in the log."""
    rid = getattr(request, "request_id", "")
    return error_response(request, 500, "internal_error",
                          f"an internal error occurred; quote request id {rid} when reporting it"
                          if rid else "an internal error occurred")


@api.exception_handler(OperationalError)
def _database_error(request: HttpRequest, exc: OperationalError) -> HttpResponse:
    """A lock conflict the database broke by aborting this transaction: nothing was
    recorded, and the same request may simply be sent again (the lock order makes this
    rare; each one is logged)."""
    if not is_lock_conflict(exc):
        return _unexpected(request, exc)
    log.warning("lock conflict in %s %s: %s", request.method, request.path, exc)
    response = error_response(request, 503, "busy",
                              "the change met a conflicting one and nothing was recorded; "
                              "send the same request again")
    response["Retry-After"] = "1"
    return response


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    log.error("unhandled error in %s %s", request.method, request.path, exc_info=exc)
    return internal_error(request)


FALLBACK_CODES = {400: ("bad_request", "the request is not valid"),
                  403: ("forbidden", "not allowed"),
                  413: ("too_large", "the request body is too large")}


def shape_fallback(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """4xx answered outside the handlers (no such path, wrong method, Django's own refusals)
    in the API's error shape, keeping ``Allow``."""
    status = response.status_code
    if not 400 <= status < 500 or \
            response.get("Content-Type", "").startswith("application/json"):
        return response
    if status == 404:
        return error_response(request, 404, "not_found", f"no such endpoint: {request.path}")
    if status != 405:
        code, message = FALLBACK_CODES.get(status, ("error", "the request was refused"))
        return error_response(request, status, code, message)
    shaped = error_response(request, 405, "method_not_allowed",
                            f"{request.method} is not allowed here; allowed: "
                            f"{response.get('Allow', '')}")
    shaped["Allow"] = response.get("Allow", "")
    return shaped
