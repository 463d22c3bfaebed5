"""Sign-in security: TOTP for staff, lockout, CSP and cookies, deploy checks, roles."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from dueprocess.accounts.roles import ROLES, sync_roles
from dueprocess.audit.models import AuditEvent
from dueprocess.cli import main
from tests.review.roles import PASSWORD, staff_member


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _sign_in(client: Client, user: Any, next_url: str = "/review/") -> Any:
    return client.post("/login/", {"username": user.username, "password": PASSWORD,
                                   "next": next_url})


@pytest.mark.django_db
def test_staff_enrol_a_totp_device_before_reaching_the_console(settings: Any) -> None:
    settings.STAFF_REQUIRE_2FA = True
    user = staff_member("legal_reviewer")
    client = Client()
    response = _sign_in(client, user)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/two-factor/setup/")
    # The console itself refuses a password-only session.
    held = client.get("/review/")
    assert held.status_code == 302 and held["Location"].startswith("/account/two-factor/")
    page = client.get(response["Location"])
    assert b"data:image/svg+xml;base64," in page.content
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    wrong = client.post(response["Location"], {"code": "000000", "next": "/review/"})
    assert wrong.status_code == 400
    device.refresh_from_db()
    device.throttle_reset()  # a wrong code delays the next try (django-otp throttling)
    done = client.post(response["Location"], {"code": _code(device), "next": "/review/"})
    assert done.status_code == 302 and done["Location"] == "/review/"
    assert client.get("/review/").status_code == 200
    assert TOTPDevice.objects.get(user=user).confirmed
    assert AuditEvent.objects.filter(verb="staff.two_factor_enrolled").exists()


@pytest.mark.django_db
def test_staff_with_a_device_give_the_code_at_every_sign_in(settings: Any) -> None:
    settings.STAFF_REQUIRE_2FA = True
    user = staff_member("approver")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = Client()
    response = _sign_in(client, user, "/review/deadlines/")
    assert response["Location"].startswith("/account/two-factor/verify/")
    bad = client.post("/account/two-factor/verify/", {"code": "12", "next": "/review/"})
    assert bad.status_code == 400
    device.refresh_from_db()
    device.throttle_reset()
    ok = client.post("/account/two-factor/verify/",
                     {"code": _code(device), "next": "/review/deadlines/"})
    assert ok.status_code == 302 and ok["Location"] == "/review/deadlines/"
    assert client.get("/review/deadlines/").status_code == 200


@pytest.mark.django_db
def test_a_foreign_next_url_is_not_followed(settings: Any) -> None:
    settings.STAFF_REQUIRE_2FA = True
    user = staff_member("auditor")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = Client()
    _sign_in(client, user)
    ok = client.post("/account/two-factor/verify/",
                     {"code": _code(device), "next": "https://evil.example/"})
    assert ok["Location"] == "/review/"


@pytest.mark.django_db
def test_in_the_demo_two_factor_is_offered_not_forced(settings: Any) -> None:
    settings.STAFF_REQUIRE_2FA = False
    client = Client()
    assert _sign_in(client, staff_member("legal_reviewer"))["Location"] == "/review/"
    page = client.get("/review/").content.decode()
    assert "Set up 2FA" in page and "/account/two-factor/setup/" in page


@pytest.mark.django_db
def test_authority_officers_are_not_offered_staff_two_factor(fbi: Any, officer_of: Any
                                                             ) -> None:
    client = Client()
    client.force_login(officer_of(fbi))
    assert client.get("/account/two-factor/setup/").status_code == 403


@pytest.mark.django_db
def test_repeated_failed_sign_ins_lock_the_account(settings: Any) -> None:
    settings.STAFF_REQUIRE_2FA = False
    user = staff_member("legal_reviewer")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post("/login/", {"username": user.username, "password": "wrong"})
        assert response.status_code in (200, 429)
    locked = _sign_in(client, user)
    assert locked.status_code == 429
    assert b"Too many failed sign-ins" in locked.content
    assert AccessAttempt.objects.filter(username=user.username).exists()
    assert client.get("/review/").status_code != 200


@pytest.mark.django_db
def test_guessing_from_many_addresses_still_locks_the_account(settings: Any) -> None:
    settings.STAFF_REQUIRE_2FA = False
    user = staff_member("legal_reviewer")
    for i in range(settings.AXES_FAILURE_LIMIT):
        Client(REMOTE_ADDR=f"198.51.100.{i + 1}").post(
            "/login/", {"username": user.username, "password": "wrong"})
    locked = _sign_in(Client(REMOTE_ADDR="203.0.113.9"), user)
    assert locked.status_code == 429


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(demand: Any) -> None:
    from tests.review.roles import verified_client

    response = verified_client(staff_member("auditor")).get(f"/review/demands/{demand.pk}/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


PRODUCTION = {"DUEPROCESS_MODE": "production",
              "DUEPROCESS_SECRET_KEY": "k7#pV!2qZ9@xL4$wR8&nT1*eY6^uI3(oP0)aS5_dF7+gH2-jK9=lM4",
              "DUEPROCESS_ALLOWED_HOSTS": "dueprocess.example.org",
              "DUEPROCESS_CACHE_URL": "redis://127.0.0.1:6379/15",
              "DJANGO_SETTINGS_MODULE": "dueprocess.settings"}


def _production(tmp_path: Any, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    env.update(PRODUCTION, DUEPROCESS_HOME=str(tmp_path))
    return subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def test_deploy_checks_pass_with_production_settings(tmp_path: Any) -> None:
    result = _production(tmp_path, "-m", "dueprocess", "manage", "check", "--deploy",
                         "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_warns_when_rate_limits_are_counted_per_process(tmp_path: Any) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(PRODUCTION, DUEPROCESS_HOME=str(tmp_path))
    del env["DUEPROCESS_CACHE_URL"]
    result = subprocess.run([sys.executable, "-m", "dueprocess", "manage", "check", "--deploy",
                             "--fail-level", "WARNING"], env=env, capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode != 0
    assert "dueprocess.W001" in result.stderr and "DUEPROCESS_CACHE_URL" in result.stderr


def test_production_settings_require_two_factor_and_secure_cookies(tmp_path: Any) -> None:
    result = _production(tmp_path, "-c", (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.STAFF_REQUIRE_2FA, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SESSION_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS > 0)"))
    assert result.stdout.split() == ["True"] * 6, result.stderr


@pytest.mark.django_db
def test_roles_exist_after_migrate_and_the_auditor_only_reads() -> None:
    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLES)
    auditor = Group.objects.get(name="auditor")
    codenames = list(auditor.permissions.values_list("codename", flat=True))
    assert codenames and all(c.startswith("view_") for c in codenames)
    assert auditor.permissions.filter(content_type__app_label="audit").exists()
    reviewer = Group.objects.get(name="legal_reviewer")
    assert reviewer.permissions.filter(codename="add_decision").exists()
    assert not reviewer.permissions.filter(codename="change_decision").exists()
    counts = sync_roles()  # idempotent
    assert counts["auditor"] == len(codenames)


@pytest.mark.django_db
def test_user_create_from_the_command_line(capsys: Any) -> None:
    assert main(["user", "create", "--email", "hr@platform.example",
                 "--role", "human_rights_reviewer", "--role", "auditor", "--totp"]) == 0
    out = capsys.readouterr().out
    assert "password: " in out and "otpauth://totp/" in out
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="hr@platform.example")
    assert user.is_staff
    assert set(user.groups.values_list("name", flat=True)) == {"human_rights_reviewer",
                                                                "auditor"}
    assert main(["user", "create", "--email", "x@platform.example", "--role", "boss"]) == 2
    assert main(["roles"]) == 0
    assert "legal_reviewer" in capsys.readouterr().out
