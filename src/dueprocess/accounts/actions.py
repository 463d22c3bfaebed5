"""Changes to staff accounts and API tokens, each with its audit event in one transaction."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dueprocess.accounts.models import ApiToken, Preference
from dueprocess.accounts.roles import ROLES, grant_role
from dueprocess.audit.actors import User, actor_label
from dueprocess.audit.chain import record
from dueprocess.errors import Conflict, InvalidInput
from dueprocess.locking import for_update

#: What an authority's token may do: read its demands, submit demands, upload documents.
TOKEN_SCOPES = ("read", "submit", "upload")


def issue_token(user: User, *, name: str = "", scopes: Sequence[str] = (),
                expires_in_days: int | None = 90, by: User | None = None,
                actor: str = "") -> tuple[ApiToken, str]:
    """A new API token; the raw secret is returned once and only its hash is kept.

    No scope means every scope the user's role allows; a token expires within a year.
    """
    unknown = sorted(set(scopes) - set(TOKEN_SCOPES))
    if unknown:
        raise InvalidInput(_("unknown scope(s): %(unknown)s; scopes: %(token_scopes)s")
                           % {"unknown": ', '.join(unknown),
                              "token_scopes": ', '.join(TOKEN_SCOPES)}, field="scopes")
    if expires_in_days is not None and not 1 <= expires_in_days <= 366:
        raise InvalidInput(_("a token expires within 1 to 366 days"), field="expires_in_days")
    with transaction.atomic():
        token, raw = ApiToken.issue(user, name=name.strip()[:100])  # type: ignore[arg-type]
        token.scopes = sorted(set(scopes))
        if expires_in_days is not None:
            token.expires_at = timezone.now() + timedelta(days=expires_in_days)
        token.save(update_fields=["scopes", "expires_at"])
        record("token.created", actor=actor or actor_label(by or user), payload={
            "user": user.pk, "token": token.prefix, "scopes": token.scopes,
            "expires_at": token.expires_at.isoformat() if token.expires_at else None})
    return token, raw


def revoke_token(token: ApiToken, *, user: User | None, actor: str = "") -> ApiToken:
    """Revoke once (again is a no-op); audited, since it may cut an authority off mid-case."""
    with transaction.atomic():
        token = for_update(ApiToken.objects).get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            record("token.revoked", actor=actor or actor_label(user),
                   payload={"user": token.user_id, "token": token.prefix})
    return token


def create_staff_user(email: str, roles: Sequence[str], *, password: str = "",
                      actor: str = "cli") -> tuple[Any, str]:
    """A staff member with roles; returns the user and the password (random when none is
    given, so it can be shown once)."""
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise InvalidInput(_("unknown role(s) %(unknown)s; roles: %(roles)s")
                           % {"unknown": ', '.join(unknown), "roles": ', '.join(ROLES)},
                           field="role")
    model = get_user_model()
    email = email.strip()
    if model.objects.filter(username__iexact=email).exists():
        raise Conflict(_("a user %(email)s exists already") % {"email": email}, field="email")
    password = password or secrets.token_urlsafe(15)
    try:
        validate_password(password)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), field="password") from exc
    with transaction.atomic():
        user: Any = model.objects.create_user(username=email, email=email, password=password,
                                              is_staff=True)
        for role in roles:
            grant_role(user, role)
        record("staff.user_created", actor=actor,
               payload={"user": user.pk, "email": email, "roles": list(roles)})
    return user, password


def set_language(user: User, language: str) -> str:
    """Keep the interface language a person chose; an empty choice hands it back to the
    browser's own preference. Audited like any other change to an account."""
    language = (language or "").strip().lower()
    offered = {code for code, _name in settings.LANGUAGES}
    if language and language not in offered:
        raise InvalidInput(_("unknown language %(language)r; choose one of %(offered)s")
                           % {"language": language,
                              "offered": ', '.join(sorted(offered))}, field="language")
    with transaction.atomic():
        preference, _created = Preference.objects.get_or_create(user=user)
        if preference.language != language:
            preference.language = language
            preference.save(update_fields=["language", "updated_at"])
            record("account.language_set", actor=actor_label(user),
                   payload={"user": user.pk, "language": language})
    return language
