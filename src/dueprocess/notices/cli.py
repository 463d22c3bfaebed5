"""`dueprocess letters`: list a demand's letters, approve and send drafts from a terminal."""

from __future__ import annotations

import argparse
from typing import Any

from dueprocess.commandline import acting_user, fail
from dueprocess.commandline import setup as _setup


def _letter(args: argparse.Namespace) -> Any:
    # here, not at the top: Django is set up by now (setup() above)
    from dueprocess.demands.models import Demand
    from dueprocess.notices.actions import letter_of

    demand = Demand.objects.select_related("authority").filter(pk=args.demand).first()
    if demand is None:
        return None
    return letter_of(demand, args.letter)


def cmd_letters_list(args: argparse.Namespace) -> int:
    _setup()
    # here, not at the top: Django is set up by now (setup() above)
    from dueprocess.demands.models import Demand, NoticeKind

    demand = Demand.objects.filter(pk=args.demand).first()
    if demand is None:
        return fail(f"no demand {args.demand}")
    for n in demand.notices.exclude(kind=NoticeKind.USER).order_by("pk"):
        approval = ""
        if n.needs_second_person and n.status == "draft":
            approval = " approved" if n.approved_by_id else " awaiting approval"
        print(f"{n.pk}\t{n.kind}\t{n.status}{approval}\t{n.subject}")
    return 0


def _act(args: argparse.Namespace, who: str, act: Any) -> Any:
    """Run ``act(notice, user)`` on the letter the arguments name, as the person ``--user``
    names; the notice it returns, or the exit code of a refusal. Django is set up."""
    from dueprocess.errors import DomainError  # here, not at the top: after setup()

    user = acting_user(args.user)
    if user is None:
        return fail(f"name the person {who} with --user EMAIL")
    try:
        notice = _letter(args)
        if notice is None:
            return fail(f"no demand {args.demand}")
        return act(notice, user)
    except DomainError as exc:
        return fail(f"{exc.message} [{exc.code}]")


def cmd_letters_approve(args: argparse.Namespace) -> int:
    _setup()
    from dueprocess.notices.actions import approve_letter  # here: after setup()

    done = _act(args, "approving", lambda notice, user: approve_letter(notice, user=user))
    if isinstance(done, int):
        return done
    print(f"letter {args.letter} approved")
    return 0


def cmd_letters_send(args: argparse.Namespace) -> int:
    _setup()
    from dueprocess.notices.actions import send_letter  # here: after setup()

    sent = _act(args, "sending",
                lambda notice, user: send_letter(notice, user=user, to=args.to or None))
    if isinstance(sent, int):
        return sent
    where = ", ".join(sent.addresses) or "no e-mail address (portal only)"
    print(f"letter {sent.pk} sent: {where}")
    return 0


def register(sub: Any) -> None:
    """Add the letter verbs to the `dueprocess` argument parser."""
    lp = sub.add_parser("letters", help="letters to the authority: list, approve, send")
    lsub = lp.add_subparsers(dest="letters_command", required=True)
    ll = lsub.add_parser("list", help="a demand's letters, drafts included")
    ll.add_argument("demand", type=int)
    ll.set_defaults(func=cmd_letters_list)
    la = lsub.add_parser("approve", help="approve a refusal, referral or partial letter")
    la.add_argument("demand", type=int)
    la.add_argument("letter", type=int)
    la.add_argument("--user", required=True, help="e-mail of the approver")
    la.set_defaults(func=cmd_letters_approve)
    ls = lsub.add_parser("send", help="send a draft letter")
    ls.add_argument("demand", type=int)
    ls.add_argument("letter", type=int)
    ls.add_argument("--to", action="append", default=[], metavar="EMAIL",
                    help="address in the authority registry (repeatable); default: the "
                         "demand's addresses on a verified domain")
    ls.add_argument("--user", required=True, help="e-mail of the person sending")
    ls.set_defaults(func=cmd_letters_send)
