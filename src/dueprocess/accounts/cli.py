"""CLI verbs for staff accounts and reminders: `roles`, `user create`, `reminders send`.

Registered into the `dueprocess` parser by :func:`register`; each verb sets Django up
itself, like the other verbs.
"""

from __future__ import annotations

import argparse
from typing import Any

from dueprocess.commandline import fail, setup


def cmd_roles(args: argparse.Namespace) -> int:
    setup()
    # here, not at the top: Django is set up by now (setup() above)
    from dueprocess.accounts.roles import ROLES, sync_roles

    counts = sync_roles()
    for name, role in ROLES.items():
        print(f"{name:<22} {counts[name]:>4} permissions  {role.description}")
    return 0


def cmd_user_create(args: argparse.Namespace) -> int:
    setup()
    # here, not at the top: Django is set up by now (setup() above)
    from dueprocess.accounts.actions import create_staff_user  # start-up: models need Django
    from dueprocess.errors import DomainError

    try:
        user, password = create_staff_user(args.email, args.role, password=args.password)
    except DomainError as exc:
        return fail(str(exc))
    print(f"created {user.email} with role(s) {', '.join(args.role)}")
    if not args.password:
        print(f"password: {password}")
    if args.totp:
        # here, not at the top: Django is set up by now (setup() above)
        from dueprocess.accounts.twofactor import enrol_confirmed

        print(f"totp: {enrol_confirmed(user).config_url}")
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
