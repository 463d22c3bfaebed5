"""CLI verbs for staff accounts and reminders: `roles`, `user create`, `reminders send`.

Registered into the `dueprocess` parser by :func:`register`; each verb sets Django up
itself, like the other verbs.
"""

from __future__ import annotations

import argparse
import secrets
import sys
from typing import Any


def _setup() -> None:
    from dueprocess.cli import _setup as setup

    setup()


def cmd_roles(args: argparse.Namespace) -> int:
    _setup()
    from dueprocess.accounts.roles import ROLES, sync_roles

    counts = sync_roles()
    for name, role in ROLES.items():
        print(f"{name:<22} {counts[name]:>4} permissions  {role.description}")
    return 0


def cmd_user_create(args: argparse.Namespace) -> int:
    _setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from dueprocess.accounts.roles import ROLES, grant_role
    from dueprocess.audit.chain import record

    unknown = [r for r in args.role if r not in ROLES]
    if unknown:
        print(f"dueprocess: unknown role(s) {', '.join(unknown)}; roles: {', '.join(ROLES)}",
              file=sys.stderr)
        return 2
    User = get_user_model()
    email = args.email.strip()
    if User.objects.filter(username__iexact=email).exists():
        print(f"dueprocess: a user {email} exists already", file=sys.stderr)
        return 2
    password = args.password or secrets.token_urlsafe(15)
    try:
        validate_password(password)
    except ValidationError as exc:
        print("dueprocess: " + " ".join(exc.messages), file=sys.stderr)
        return 2
    with transaction.atomic():
        user: Any = User.objects.create_user(username=email, email=email, password=password,
                                             is_staff=True)
        for role in args.role:
            grant_role(user, role)
        record("staff.user_created", actor="cli",
               payload={"user": user.pk, "email": email, "roles": list(args.role)})
    print(f"created {email} with role(s) {', '.join(args.role)}")
    if not args.password:
        print(f"password: {password}")
    if args.totp:
        from dueprocess.accounts.twofactor import pending_device

        device = pending_device(user)
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        print(f"totp: {device.config_url}")
    return 0


def cmd_reminders_send(args: argparse.Namespace) -> int:
    _setup()
    from dueprocess.review.reminders import send_reminders

    result = send_reminders()
    for line in result.lines:
        print(line)
    print(f"{result.sent} reminder(s) sent, {result.skipped} without a recipient")
    return 0


def register(sub: Any) -> None:
    r = sub.add_parser("roles", help="create or update the staff roles (groups) and list them")
    r.set_defaults(func=cmd_roles)

    u = sub.add_parser("user", help="staff accounts")
    usub = u.add_subparsers(dest="user_command", required=True)
    uc = usub.add_parser("create", help="create a staff member with one or more roles")
    uc.add_argument("--email", required=True)
    uc.add_argument("--role", action="append", required=True,
                    help="intake, legal_reviewer, human_rights_reviewer, approver, executor, "
                         "auditor or admin; repeat for several")
    uc.add_argument("--password", default="", help="default: a random one, printed once")
    uc.add_argument("--totp", action="store_true",
                    help="enrol a TOTP device now and print its otpauth:// URI")
    uc.set_defaults(func=cmd_user_create)

    m = sub.add_parser("reminders", help="deadline reminders by e-mail")
    msub = m.add_subparsers(dest="reminders_command", required=True)
    ms = msub.add_parser("send", help="send the reminders that are due (run daily)")
    ms.set_defaults(func=cmd_reminders_send)
