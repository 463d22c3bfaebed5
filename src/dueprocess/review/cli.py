"""Reviewers' verbs of the `dueprocess` command: ``demand decide|approve|send-back|note``,
``reminders send`` and ``deadlines refresh``.

Each is a thin call into the same actions as the console and the API, so a refused step
prints the rule it breaks (with its stable code) and changes nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from dueprocess.commandline import acting_user, fail, setup


def _demand(pk: int) -> Any:
    # here, not at the top: Django is set up by now (setup() above)
    from dueprocess.demands.models import Demand

    return Demand.objects.select_related("authority").filter(pk=pk).first()


def _run(args: argparse.Namespace, step: Any) -> int:
    """Run one step as ``--user``; a domain error becomes its message and exit code 1."""
    # here, not at the top: Django is set up by now (setup() above)
    from dueprocess.errors import DomainError

    setup()
    demand = _demand(args.demand)
    if demand is None:
        return fail(f"no demand {args.demand}")
    user = acting_user(args.user)
    if user is None:
        return fail("name the person acting with --user EMAIL")
    try:
        message = step(demand, user)
    except DomainError as exc:
        return fail(f"refused ({exc.code}): {exc.message}", 1)
    print(message)
    return 0


def cmd_decide(args: argparse.Namespace) -> int:
    import pydantic

    # here, not at the top: Django is set up by now (setup() above)
    from dueprocess.demands.inputs import DecisionsIn

    raw = sys.stdin.read() if args.file == "-" else None
    if raw is None:
        path = Path(args.file)
        if not path.is_file():
            return fail(f"no file {path}")
        raw = path.read_text(encoding="utf-8")
    try:
        data = DecisionsIn.model_validate(json.loads(raw))
    except (ValueError, pydantic.ValidationError) as exc:
        return fail(f"the decisions are not valid: {exc}")

    def step(demand: Any, user: Any) -> str:
        # here, not at the top: Django is set up by now (setup() above)
        from dueprocess.demands.actions import record_decisions

        done = record_decisions(demand, data, user=user)
        waiting = " (waiting for a second person's approval)" if done.awaiting_approval else ""
        return f"demand {done.pk}: decisions recorded; now {done.status}{waiting}"

    return _run(args, step)


def cmd_approve(args: argparse.Namespace) -> int:
    def step(demand: Any, user: Any) -> str:
        # here, not at the top: Django is set up by now (setup() above)
        from dueprocess.demands.actions import approve_demand

        return f"demand {demand.pk}: approved; now {approve_demand(demand, user=user).status}"

    return _run(args, step)


def cmd_send_back(args: argparse.Namespace) -> int:
    def step(demand: Any, user: Any) -> str:
        # here, not at the top: Django is set up by now (setup() above)
        from dueprocess.review.actions import send_back

        send_back(demand, args.comment, user=user)
        return f"demand {demand.pk}: sent back; the decisions must be made again"

    return _run(args, step)


def cmd_note(args: argparse.Namespace) -> int:
    def step(demand: Any, user: Any) -> str:
        # here, not at the top: Django is set up by now (setup() above)
        from dueprocess.review.actions import add_note

        note = add_note(demand, args.body, user=user)
        return f"demand {demand.pk}: note {note.pk} added (staff only)"

    return _run(args, step)


def cmd_reminders_send(args: argparse.Namespace) -> int:
    setup()
    from dueprocess.review.reminders import send_reminders  # start-up: models need Django

    result = send_reminders()
    for line in result.lines:
        print(line)
    print(f"{result.sent} reminder(s) sent, {result.skipped} without a recipient")
    return 0


def cmd_deadlines_refresh(args: argparse.Namespace) -> int:
    setup()
    # start-up: models need Django
    from dueprocess.demands.models import FINAL_STATUSES, Demand, refresh_due

    rows = (Demand.objects.all() if args.all
            else Demand.objects.exclude(status__in=FINAL_STATUSES))
    changed = refresh_due(rows)
    print(f"{changed} stored due date(s) changed")
    return 0


def register(sub: Any) -> None:
    r = sub.add_parser("deadlines", help="the response due dates the queue sorts by")
    rsub = r.add_subparsers(dest="deadlines_command", required=True)
    rr = rsub.add_parser("refresh", help="recompute stored due dates after a change of "
                         "DUEPROCESS_EMERGENCY_RESPONSE_HOURS or of the law library")
    rr.add_argument("--all", action="store_true",
                    help="closed demands too (open ones by default)")
    rr.set_defaults(func=cmd_deadlines_refresh)

    m = sub.add_parser("reminders", help="deadline reminders by e-mail")
    msub = m.add_subparsers(dest="reminders_command", required=True)
    ms = msub.add_parser("send", help="send the reminders that are due (run daily)")
    ms.set_defaults(func=cmd_reminders_send)

    d = sub.add_parser("demand", help="decide, approve, send back and annotate a demand")
    dsub = d.add_subparsers(dest="demand_command", required=True)
    dd = dsub.add_parser("decide", help="record decisions from a JSON file (as the API's "
                         "POST /demands/ID/decisions takes them)")
    dd.add_argument("demand", type=int)
    dd.add_argument("file", help="the JSON file, or - for standard input")
    dd.set_defaults(func=cmd_decide)
    da = dsub.add_parser("approve", help="approve decisions another person recorded")
    da.add_argument("demand", type=int)
    da.set_defaults(func=cmd_approve)
    ds = dsub.add_parser("send-back", help="return decisions waiting for approval")
    ds.add_argument("demand", type=int)
    ds.add_argument("--comment", required=True, help="why the decision goes back")
    ds.set_defaults(func=cmd_send_back)
    dn = dsub.add_parser("note", help="add an internal note (never shown to the authority)")
    dn.add_argument("demand", type=int)
    dn.add_argument("--body", required=True)
    dn.set_defaults(func=cmd_note)
    for parser in (dd, da, ds, dn):
        parser.add_argument("--user", help="e-mail of the person acting (required)")
