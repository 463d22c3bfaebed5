"""What the console shows of accounts: API tokens, each person's own or, with the
permission, everyone's."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from dueprocess.accounts.models import ApiToken

#: Seeing every token (the administrator's and the auditor's view of access).
VIEW_ALL_PERM = "accounts.view_apitoken"
#: Revoking someone else's token (the administrator); one's own needs nothing.
REVOKE_ANY_PERM = "accounts.change_apitoken"


def sees_all_tokens(user: Any) -> bool:
    return bool(user.has_perm(VIEW_ALL_PERM))


def tokens_visible_to(user: Any) -> QuerySet[ApiToken]:
    """Newest first, with the owner and, for an authority's officer, the authority."""
    rows = ApiToken.objects.select_related("user", "user__requester__authority")
    if not sees_all_tokens(user):
        rows = rows.filter(user_id=user.pk)
    return rows.order_by("-created_at", "-pk")


def may_revoke(user: Any, token: ApiToken) -> bool:
    return token.user_id == user.pk or bool(user.has_perm(REVOKE_ANY_PERM))


def token_state(token: ApiToken) -> str:
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= timezone.now():
        return "expired"
    return "active"
