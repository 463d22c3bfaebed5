"""TOTP devices of staff members (django-otp), and the session's verification state."""

from __future__ import annotations

import base64
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from dueprocess.audit.actors import actor_label
from dueprocess.audit.chain import record


def has_device(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False) or user.pk is None:
        return False
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()


def is_verified(request: HttpRequest) -> bool:
    check = getattr(request.user, "is_verified", None)
    return bool(check()) if callable(check) else False


def pending_device(user: Any) -> TOTPDevice:
    """The unconfirmed device being enrolled; one per user, its key kept until confirmed."""
    device = TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def enrol_confirmed(user: Any) -> TOTPDevice:
    """A device confirmed at once, for an account made on the command line (whose owner
    scans the printed URI); audited like an enrolment in the browser."""
    with transaction.atomic():
        device = pending_device(user)
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        record("staff.two_factor_enrolled", actor="cli",
               payload={"user": device.user_id, "device": device.pk})
    return device


def qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth URI as an SVG QR code in a data URI (no script, so CSP stays strict)."""
    import segno

    svg = segno.make(device.config_url, error="m").svg_inline(scale=4)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def secret_base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def verify_code(request: HttpRequest, code: str) -> bool:
    """Check a code against the user's confirmed devices; mark the session verified."""
    code = "".join(code.split())
    if not code.isdigit():
        return False
    for device in TOTPDevice.objects.filter(user_id=request.user.pk, confirmed=True):
        if device.verify_token(code):
            otp_login(request, device)
            return True
    return False


def confirm_device(request: HttpRequest, device: TOTPDevice, code: str) -> bool:
    """Finish enrolment: the first correct code confirms the device and verifies the session."""
    code = "".join(code.split())
    if not code.isdigit() or not device.verify_token(code):
        return False
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user_id=device.user_id, confirmed=False).delete()
        record("staff.two_factor_enrolled", actor=actor_label(request.user),
               payload={"user": device.user_id, "device": device.pk})
    otp_login(request, device)
    return True
