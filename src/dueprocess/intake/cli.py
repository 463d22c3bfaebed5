"""Intake verbs of the `dueprocess` command: e-mail import, bulk targets, fraud signals,
invitations. Registered by :func:`register`; each verb is a thin call into the actions."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from dueprocess.commandline import acting_user, fail, setup


def cmd_intake_eml(args: argparse.Namespace) -> int:
    setup()
    # here, not at the top: Django is set up by now (setup() above)
    from dueprocess.errors import DomainError
    from dueprocess.intake.email_intake import import_eml

    path = Path(args.file)
    if not path.is_file():
        return fail(f"no file {path}")
    try:
        inbound = import_eml(path.read_bytes(), user=acting_user(args.user),
                             authority=args.authority)
    except DomainError as exc:
        return fail(exc.message)
    demand = inbound.demand
    assert demand is not None
    print(f"demand #{demand.pk} {demand.reference} from {inbound.from_address} "
          f"({demand.authority.slug}): {demand.status}, recommends {demand.recommendation}")
    for problem in inbound.header_problems:
        print(f"  header: {problem}")
    for f in demand.findings.current().filter(code__startswith="auth."):
        print(f"  {f.severity:7} {f.code}: {f.message}")
    for att in inbound.attachments:
        state = "stored" if att.get("stored") else f"refused: {att.get('reason')}"
        print(f"  attachment {att['filename']}: {state}")
    for note in inbound.notes:
        print(f"  note: {note}")
    return 0


def cmd_targets_add(args: argparse.Namespace) -> int:
    setup()
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    # here, not at the top: Django is set up by now (setup() above)
    from dueprocess.demands.models import Demand
    from dueprocess.errors import DomainError
    from dueprocess.intake import bulk

    demand = Demand.objects.filter(pk=args.demand).first() if str(args.demand).isdigit() \
        else Demand.objects.filter(reference=args.demand).order_by("-pk").first()
    if demand is None:
        return fail(f"no demand {args.demand}")
    path = Path(args.file)
    if not path.is_file():
        return fail(f"no file {path}")
    user = acting_user(args.user)
    try:
        with path.open("rb") as fh:
            job = bulk.create_job(demand, chunks=iter(lambda: fh.read(1 << 20), b""),
                                  filename=path.name, default_type=args.type, user=user)
        columns = (TextColumn("[bold]{task.description}"), BarColumn(), DownloadColumn(),
                   TextColumn("{task.fields[counts]}"), TimeRemainingColumn())
        with Progress(*columns, transient=False) as bar:
            task = bar.add_task("reading", total=job.bytes_total or 1, counts="")

            def show(j: Any) -> None:
                bar.update(task, completed=j.bytes_read, description=j.stage or "done",
                           counts=f"{j.accepted:,} ok · {j.rejected:,} bad · {j.blank:,} blank")

            job = bulk.run_job(job, user=user, progress=show)
            bar.update(task, completed=job.bytes_total or 1, description="done")
    except bulk.JobFailed as exc:
        _print_errors(exc.job.errors, limit=args.show_errors)
        return fail(exc.message)
    except DomainError as exc:
        return fail(exc.message)
    print(f"demand #{demand.pk}: {job.added:,} target(s) added, {job.duplicates:,} "
          f"duplicate(s), {job.rejected:,} unreadable line(s), {job.blank:,} blank; "
          f"{demand.targets.count():,} target(s) in all")
    _print_errors(job.errors, limit=args.show_errors)
    return 0 if not job.rejected else 1


def _print_errors(errors: list[dict[str, Any]], *, limit: int) -> None:
    for e in errors[:limit]:
        print(f"  line {e['line']}: {e['message']}", file=sys.stderr)
    if len(errors) > limit:
        print(f"  … {len(errors) - limit} more (use --show-errors N)", file=sys.stderr)


def cmd_fraud_import(args: argparse.Namespace) -> int:
    """Check the whole file first: one refused line and nothing is imported (each refused
    line is printed as ``file:line: reason``). ``--dry-run`` says what would change."""
    setup()
    # here, not at the top: Django is set up by now (setup() above)
    from dueprocess.errors import DomainError
    from dueprocess.intake.actions import import_signals

    path = Path(args.file)
    if not path.is_file():
        return fail(f"no file {path}")
    try:
        result = import_signals(path.read_bytes(), user=acting_user(args.user),
                                source=args.source or path.name, strict=True,
                                dry_run=args.dry_run)
    except DomainError as exc:
        return fail(f"{path}: {exc.message}; nothing was imported")
    if result.rejected:
        for e in result.errors[:args.show_errors]:
            print(f"{path}:{e['line']}: {e['message']}", file=sys.stderr)
        if result.rejected > args.show_errors:
            print(f"… {result.rejected - args.show_errors} more (use --show-errors N)",
                  file=sys.stderr)
        return fail(f"{path}: {result.rejected} line(s) refused; nothing was imported")
    if result.dry_run:
        for what, row in result.plan:
            print(f"  {what:<10} {row.kind:<6} {row.value}"
                  + (f"  ({row.reason[:60]})" if row.reason else ""))
        print(f"dry run: would add {result.added}, reactivate {result.updated}, leave "
              f"{result.unchanged} unchanged; {result.demands} open demand(s) would be "
              "vetted again; nothing was changed")
        return 0
    print(f"{result.added} added, {result.updated} reactivated, {result.unchanged} unchanged; "
          f"{result.demands} open demand(s) vetted again")
    return 0


def cmd_fraud_export(args: argparse.Namespace) -> int:
    setup()
    # here, not at the top: Django is set up by now (setup() above)
    from dueprocess.intake.actions import export_signals

    text = export_signals()
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def cmd_fraud_mark(args: argparse.Namespace) -> int:
    setup()
    # here, not at the top: Django is set up by now (setup() above)
    from dueprocess.errors import DomainError
    from dueprocess.intake.actions import mark_fraudulent

    try:
        signal = mark_fraudulent(args.kind, args.value, reason=args.reason,
                                 user=acting_user(args.user))
    except DomainError as exc:
        return fail(exc.message)
    print(f"marked {signal.kind} {signal.value} fraudulent")
    return 0


def cmd_invite(args: argparse.Namespace) -> int:
    setup()
    # here, not at the top: Django is set up by now (setup() above)
    from dueprocess.demands.models import Authority
    from dueprocess.errors import DomainError
    from dueprocess.intake.actions import invite_requester

    authority = Authority.objects.filter(slug=args.authority).first()
    if authority is None:
        return fail(f"no authority {args.authority}")
    user = acting_user(args.by)
    if user is None:
        return fail("name the staff member sending the invitation with --by EMAIL")
    try:
        _, raw = invite_requester(authority, args.email, title=args.title, user=user)
    except DomainError as exc:
        return fail(exc.message)
    print(f"{args.base_url.rstrip('/')}/portal/invitations/{raw}/")
    return 0


def register(sub: Any) -> None:
    """Add the intake verbs to the `dueprocess` argument parser."""
    i = sub.add_parser("intake", help="receive demands from other channels")
    isub = i.add_subparsers(dest="intake_command", required=True)
    ie = isub.add_parser("eml", help="import an e-mailed demand (.eml) as a draft demand")
    ie.add_argument("file")
    ie.add_argument("--authority", help="authority slug, when the sender's domain is unknown")
    ie.add_argument("--user", help="e-mail of the staff member importing it")
    ie.set_defaults(func=cmd_intake_eml)

    t = sub.add_parser("targets", help="bulk targets of a demand")
    tsub = t.add_subparsers(dest="targets_command", required=True)
    ta = tsub.add_parser("add", help="add targets from a CSV or text file (up to 1,000,000)")
    ta.add_argument("demand", help="demand id or reference")
    ta.add_argument("file")
    ta.add_argument("--type", choices=["auto", "account", "content"], default="auto",
                    help="what plain lines are (auto: URLs are content, the rest accounts)")
    ta.add_argument("--user", help="e-mail of the person adding them")
    ta.add_argument("--show-errors", type=int, default=20, metavar="N")
    ta.set_defaults(func=cmd_targets_add)

    f = sub.add_parser("fraud", help="known-bad senders and domains")
    fsub = f.add_subparsers(dest="fraud_command", required=True)
    fi = fsub.add_parser("import", help="import a CSV of known-bad senders or domains")
    fi.add_argument("file")
    fi.add_argument("--source", default="", help="where the list came from")
    fi.add_argument("--user")
    fi.add_argument("--dry-run", action="store_true",
                    help="check the file and say what would be imported; change nothing")
    fi.add_argument("--show-errors", type=int, default=20, metavar="N",
                    help="refused lines to print")
    fi.set_defaults(func=cmd_fraud_import)
    fe = fsub.add_parser("export", help="export the active signals as CSV")
    fe.add_argument("--output")
    fe.set_defaults(func=cmd_fraud_export)
    fm = fsub.add_parser("mark", help="mark one sender or domain fraudulent")
    fm.add_argument("value")
    fm.add_argument("--kind", choices=["auto", "sender", "domain"], default="auto")
    fm.add_argument("--reason", default="")
    fm.add_argument("--user")
    fm.set_defaults(func=cmd_fraud_mark)

    v = sub.add_parser("invite", help="invite an officer of an authority to the portal")
    v.add_argument("--email", required=True)
    v.add_argument("--authority", required=True, help="authority slug")
    v.add_argument("--title", default="")
    v.add_argument("--by", required=True, help="e-mail of the staff member inviting")
    v.add_argument("--base-url", default="http://127.0.0.1:8000")
    v.set_defaults(func=cmd_invite)
