"""Who did something, as the audit log names them."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

User = AbstractBaseUser | AnonymousUser


def actor_label(user: User | None) -> str:
    """``user:<pk>:<username>`` for a person, ``system`` for the system itself."""
    if user is None or not user.is_authenticated:
        return "system"
    return f"user:{user.pk}:{user.get_username()}"
