"""People in every role, for the console's tests."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from dueprocess.accounts.roles import ROLES, grant_role

PASSWORD = "correct horse battery staple"
STAFF_ROLES = tuple(ROLES)


def staff_member(role: str, email: str | None = None) -> Any:
    user = get_user_model().objects.create_user(
        username=email or f"{role}@platform.example", email=email or f"{role}@platform.example",
        password=PASSWORD)
    grant_role(user, role)
    return user


def verified_client(user: Any) -> Client:
    """A session that passed the TOTP step, as after a real sign-in with a code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or \
        TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
