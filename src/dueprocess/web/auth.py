"""Bearer-token authentication and who-may-see-what for the API."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import PermissionsMixin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from dueprocess.accounts.models import ApiToken, hash_token
from dueprocess.audit.actors import User
from dueprocess.demands.models import Authority, Demand, Requester
from dueprocess.errors import Forbidden, NotFound
from dueprocess.web import limits
from dueprocess.web.requests import ApiRequest


def required_scope(request: HttpRequest) -> str:
    """``read`` for GET, ``upload`` for document and target uploads, else ``submit``."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return "read"
    if limits.upload_limit_for(request.path) is not None:
        return "upload"
    return "submit"


class TokenAuth(HttpBearer):
    """Look the token up by its SHA-256; the raw secret is never stored.

    Runs before the body is parsed, so this is also where the token's scopes, its rate
    limit and the upload size limit are enforced.
    """

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if not token or len(token) > 200:
            limits.hit("auth_failure", limits.client_address(request))
            return None
        row = (ApiToken.objects.active().select_related("user")
               .filter(key_hash=hash_token(token)).first())
        if row is None or not row.user.is_active:
            limits.hit("auth_failure", limits.client_address(request))
            return None
        scope = required_scope(request)
        if row.scopes and scope not in row.scopes:
            raise Forbidden(_("this token's scopes (%(scopes)s) do not include %(scope)r")
                            % {"scopes": ', '.join(row.scopes), "scope": scope})
        bucket = "upload" if scope == "upload" else (
            "read" if scope == "read" else "write")
        limits.hit(bucket, row.key_hash[:16])
        size_limit = limits.upload_limit_for(request.path)
        if size_limit is not None and request.method == "POST":
            limits.check_size(request, size_limit)
        now = timezone.now()
        if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        ApiRequest.of(request).api_token = row
        return row.user


def is_staff(user: User) -> bool:
    return bool(getattr(user, "is_staff", False))


def requester_of(user: User) -> Requester | None:
    if user.pk is None:
        return None
    try:
        return Requester.objects.select_related("authority").get(user_id=user.pk)
    except Requester.DoesNotExist:
        return None


#: Findings an authority sees on its own demands: those about the form of what it sent, which
#: it can cure. The rest is the platform's own assessment (policies, screening, sender checks,
#: where users live, who is at risk, signs of forgery): showing it would disclose user data
#: or tell a forger what gave them away.
AUTHORITY_FINDINGS = frozenset({
    "legal.unknown_instrument", "legal.insufficient_process", "legal.issuer_not_competent",
    "legal.missing_element", "legal.duplicate_demand", "rights.indefinite_gag",
    "deadline.statutory",
})


def visible_demands(user: User) -> QuerySet[Demand]:
    """Staff see every demand; an officer only their own authority's."""
    qs = Demand.objects.select_related("authority")
    if is_staff(user):
        return qs
    req = requester_of(user)
    if req is None:
        return qs.none()
    return qs.filter(authority_id=req.authority_id)


def get_visible_demand(user: User, demand_id: int) -> Demand:
    demand = visible_demands(user).filter(pk=demand_id).first()
    if demand is None:
        # Another authority's demand is indistinguishable from a missing one.
        raise NotFound(_("no demand %(demand_id)s") % {"demand_id": demand_id})
    return demand


def require_staff(user: User) -> None:
    if not is_staff(user):
        raise Forbidden(_("only the platform's staff may do this"))


def require_perm(user: User, perm: str) -> None:
    require_staff(user)
    if not (isinstance(user, PermissionsMixin) and user.has_perm(perm)):
        raise Forbidden(_("missing permission %(perm)s") % {"perm": perm})


def resolve_authority(ref: str | int) -> Authority:
    qs = Authority.objects.all()
    found = qs.filter(slug=str(ref)).first()
    if found is None and str(ref).isdigit():
        found = qs.filter(pk=int(ref)).first()
    if found is None:
        raise NotFound(_("no authority %(ref)r") % {"ref": ref}, field="authority")
    return found
