"""What every command-line verb shares: starting Django, saying why it stopped, and who acts.

The entry point (:mod:`dueprocess.cli`) builds the parser from each package's ``register``;
the packages' verbs import this module, never the entry point, so imports run one way.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

from dueprocess.config import ConfigError


def fail(message: str, code: int = 2) -> int:
    """Say on stderr why a verb stopped, as every verb does; the exit code to return."""
    print(f"dueprocess: {message}", file=sys.stderr)
    return code


def setup(mode: str | None = None, *, preflight: Callable[[], None] | None = None,
          preflight_error: type[Exception] = RuntimeError) -> None:
    """Configure Django; with ``preflight``, run that check too (storage, database and cache
    answer). Either failure is one line on stderr and exit code 2, never a traceback."""
    if mode:
        os.environ.setdefault("DUEPROCESS_MODE", mode)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dueprocess.settings")
    import django  # start-up: settings are read here, once, at the verb's start

    try:
        django.setup()
    except ConfigError as exc:
        sys.exit(fail(str(exc)))
    if preflight is not None:
        try:
            preflight()
        except preflight_error as exc:
            sys.exit(fail(str(exc)))


def active_user(email: str) -> Any | None:
    """The one active user with this e-mail address (any case), else ``None``."""
    from django.contrib.auth import get_user_model  # start-up: needs the app registry

    users = list(get_user_model().objects.filter(email__iexact=email, is_active=True)[:2])
    return users[0] if len(users) == 1 else None


def acting_user(email: str | None) -> Any:
    """The user a verb acts as (``--user EMAIL``): none without an address, and a stop with
    a message when the address names no single active user."""
    if not email:
        return None
    user = active_user(email)
    if user is None:
        sys.exit(f"dueprocess: no single active user with e-mail {email}")
    return user
