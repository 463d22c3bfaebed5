"""The `dueprocess` command: thin verbs over Django management and the actions."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dueprocess.commandline import active_user, fail, setup


def _setup(mode: str | None = None, *, preflight: bool = False) -> None:
    """Configure Django; with ``preflight``, also make sure storage, database and cache
    answer (see :func:`dueprocess.commandline.setup`)."""
    if not preflight:
        setup(mode)
        return
    # here, not at the top: Django is set up by now (setup() above)
    from dueprocess.ops.checks import CheckFailed  # start-up: ops reads Django settings
    from dueprocess.ops.checks import preflight as check

    setup(mode, preflight=check, preflight_error=CheckFailed)


def _manage(*args: str) -> None:
    from django.core.management import call_command

    call_command(*args)


def cmd_migrate(args: argparse.Namespace) -> int:
    _setup(preflight=True)
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=args.verbosity)
    return 0





def cmd_manage(args: argparse.Namespace) -> int:
    _setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["dueprocess manage", *args.rest])
    return 0


def cmd_token_create(args: argparse.Namespace) -> int:
    _setup()
    # here, not at the top: Django is set up by now (setup() above)
    from dueprocess.accounts.actions import issue_token  # start-up: models need Django
    from dueprocess.errors import DomainError

    user = active_user(args.user)
    if user is None:
        return fail(f"no single active user with e-mail {args.user}")
    try:
        _, raw = issue_token(user, name=args.name, scopes=args.scope or (),
                             expires_in_days=args.expires_days, actor="cli")
    except DomainError as exc:
        return fail(str(exc))
    print(raw)
    return 0


def cmd_token_list(args: argparse.Namespace) -> int:
    _setup()
    from dueprocess.accounts.models import ApiToken  # start-up: models need Django

    rows = ApiToken.objects.select_related("user").order_by("created_at")
    if args.user:
        rows = rows.filter(user__email__iexact=args.user)
    print("prefix\tuser\tname\tscopes\tcreated\texpires\tlast used\trevoked")
    for t in rows:
        print("\t".join([t.prefix, t.user.get_username(), t.name, ",".join(t.scopes) or "all",
                         _day(t.created_at), _day(t.expires_at) or "never",
                         _day(t.last_used_at) or "never", _day(t.revoked_at) or "-"]))
    return 0


def _day(moment: Any) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment is not None else ""


def cmd_token_revoke(args: argparse.Namespace) -> int:
    _setup()
    # here, not at the top: Django is set up by now (setup() above)
    from dueprocess.accounts.actions import revoke_token  # start-up: models need Django
    from dueprocess.accounts.models import ApiToken

    token = ApiToken.objects.filter(prefix=args.prefix).first()
    if token is None:
        return fail(f"no token with prefix {args.prefix}")
    revoke_token(token, user=None, actor="cli")
    print(f"revoked {token.prefix}")
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    _setup()
    # here, not at the top: Django is set up by now (setup() above)
    from dueprocess.audit.commands import run_verify

    return run_verify(args)


def cmd_audit_checkpoint(args: argparse.Namespace) -> int:
    _setup()
    # here, not at the top: Django is set up by now (setup() above)
    from dueprocess.audit.commands import run_checkpoint

    return run_checkpoint(args)


def cmd_backup(args: argparse.Namespace) -> int:
    """Database (with the signing keys) and every stored file, into a new folder."""
    from pathlib import Path

    _setup()
    # here, not at the top: Django is set up by now (setup() above)
    from dueprocess.backup import BackupError, backup

    try:
        result = backup(Path(args.output))
    except BackupError as exc:
        return fail(str(exc))
    print(f"backup written to {result.folder}: the database and {result.files:,} stored "
          f"file(s), {result.bytes:,} bytes")
    if result.missing:
        for name in result.missing[:20]:
            print(f"missing from the storage: {name}", file=sys.stderr)
        return fail(f"{len(result.missing):,} file(s) the database names are not in the "
                    "storage; the backup lacks them", 1)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    _setup()
    # here, not at the top: Django is set up by now (setup() above)
    from dueprocess.transparency.commands import run

    return run(args)


def cmd_lumen_export(args: argparse.Namespace) -> int:
    _setup()
    from dueprocess.transparency.commands import run_lumen

    return run_lumen(args)


def cmd_law_check(args: argparse.Namespace) -> int:
    """Validate law library and policy files; one ``file:line: reason`` per problem."""
    from pathlib import Path

    # here, not at the top: Django is set up by now (setup() above)
    from dueprocess.vetting.policy_file import check_files

    report = check_files([Path(f) for f in args.files])
    for problem in report.problems:
        print(problem, file=sys.stderr)
    if not report.ok or report.library is None:
        return 1
    lib = report.library
    policies = f"; {report.policies} policies" if report.policies else ""
    print(f"law library {lib.version}: {len(lib.instruments)} instruments, "
          f"{len(lib.offences)} offences{policies}: OK")
    return 0


def cmd_vet(args: argparse.Namespace) -> int:
    """Vet open demands again (all, or those vetted under an older library or rule set)."""
    _setup()
    # here, not at the top: Django is set up by now (setup() above)
    from dueprocess.demands.actions import revet_open

    step = max(1, args.every)

    def progress(done: int, total: int) -> None:
        if done == total or done % step == 0:
            print(f"vetted {done}/{total}", file=sys.stderr)

    summary = revet_open(only_stale=not args.all, progress=progress)
    print(summary.describe())
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    _setup(preflight=True)
    # here, not at the top: Django is set up by now (setup() above)
    from dueprocess.execution.tasks import resume_stale, schedule_maintenance

    resumed = resume_stale()
    schedule_maintenance()
    # here, not at the top: Django is set up by now (setup() above)
    from dueprocess.demands.actions import revet_open

    revetted = revet_open(only_stale=True)  # a new law library or rule set was deployed
    if revetted.vetted:
        print(revetted.describe(), file=sys.stderr)
    if resumed:
        print(f"resumed {resumed} interrupted action(s)", file=sys.stderr)
    from dueprocess.execution.worker import run as run_worker  # heartbeat, dead-peer recovery

    run_worker(batch=args.batch, interval=args.interval, heartbeat=args.heartbeat)
    return 0


def _metrics_dir(home: Path) -> str:
    """A fresh folder where the web processes pool their request metrics."""
    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    folder = Path(given) if given else home / "run" / "metrics"
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):  # counts of a previous run
        stale.unlink()
    return str(folder)


def _serve(port: int, host: str, workers: int) -> int:
    """Become gunicorn (``exec``), so a supervisor's SIGTERM reaches it and this command
    ends when it does; the demo also runs a worker, and stops it when gunicorn stops."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    call_command("collectstatic", interactive=False, verbosity=0)
    conf = settings.DUEPROCESS
    if workers > 1 and conf.mode == "production" and not conf.cache_url:
        print(f"warning: {workers} web processes count rate limits separately; set "
              "DUEPROCESS_CACHE_URL to a Redis server to share them", file=sys.stderr)
    cmd = [sys.executable, "-m", "gunicorn", "dueprocess.wsgi:application",
           "--bind", f"{host}:{port}", "--workers", str(workers),
           "--config", "python:dueprocess.ops.gunicorn_conf"]
    os.environ["DUEPROCESS_HOME"] = str(conf.home)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = _metrics_dir(conf.home)
    connections.close_all()
    sys.stdout.flush()
    sys.stderr.flush()
    if conf.mode != "demo":
        os.execv(sys.executable, cmd)  # noqa: S606
    procs = [subprocess.Popen(cmd),  # noqa: S603
             subprocess.Popen([sys.executable, "-m", "dueprocess", "worker"])]
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda sig, _frame: procs[0].send_signal(sig))
    try:
        return procs[0].wait()
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                p.wait(timeout=10)


def cmd_serve(args: argparse.Namespace) -> int:
    _setup(preflight=True)
    return _serve(args.port, args.host, args.workers)


def cmd_demo(args: argparse.Namespace) -> int:
    if args.home:
        # here, not at the top: Django is set up by now (setup() above)
        os.environ["DUEPROCESS_HOME"] = args.home
    from dueprocess.config import DEMO_MARKER, load

    home = load(dict(os.environ, DUEPROCESS_MODE="demo")).home
    home.mkdir(parents=True, exist_ok=True)
    (home / DEMO_MARKER).write_text("This home was created by `dueprocess demo`.\n")
    _setup("demo")
    # here, not at the top: Django is set up by now (setup() above)
    from dueprocess.demo.scenario import load_scenario

    _manage("migrate", "--verbosity", "0")
    summary = load_scenario(progress=lambda msg: print(f"  {msg}", file=sys.stderr))
    print(summary.describe(host=args.host, port=args.port))
    if args.no_serve:
        return 0
    return _serve(args.port, args.host, 2)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="dueprocess", description=__doc__)
    p.add_argument("--version", action="version", version=f"dueprocess {_version()}")
    sub = p.add_subparsers(dest="command", required=True)

    d = sub.add_parser("demo", help="load the demo scenario into a local SQLite home and serve it")
    d.add_argument("--no-serve", action="store_true", help="load and exit")
    d.add_argument("--port", type=int, default=8000)
    d.add_argument("--host", default="127.0.0.1")
    d.add_argument("--home", help="data folder (default: $DUEPROCESS_HOME or ~/.dueprocess)")
    d.set_defaults(func=cmd_demo)

    s = sub.add_parser("serve", help="serve the web console and API (gunicorn)")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--workers", type=int, default=2)
    s.set_defaults(func=cmd_serve)

    w = sub.add_parser("worker", help="run background tasks (execution, notices)")
    w.add_argument("--batch", action="store_true", help="run what is queued, then exit")
    w.add_argument("--interval", type=float, default=1.0, help="seconds between polls")
    w.add_argument("--heartbeat", type=float, default=5.0,
                   help="seconds between heartbeats; silence for 4 beats marks a worker dead")
    w.set_defaults(func=cmd_worker)

    m = sub.add_parser("migrate", help="create or upgrade the database schema")
    m.add_argument("--verbosity", type=int, default=1)
    m.set_defaults(func=cmd_migrate)

    g = sub.add_parser("manage", help="run any Django management command",
                       add_help=False)
    g.add_argument("rest", nargs=argparse.REMAINDER)
    g.set_defaults(func=cmd_manage)

    t = sub.add_parser("token", help="API tokens")
    tsub = t.add_subparsers(dest="token_command", required=True)
    tc = tsub.add_parser("create", help="print a new API token for a user, alone on stdout")
    tc.add_argument("--user", required=True, help="the user's e-mail address")
    tc.add_argument("--name", default="", help="a label for the token")
    tc.add_argument("--scope", action="append", choices=["read", "submit", "upload"],
                    help="what the token may do; repeat for several (default: all the "
                         "user's role allows)")
    tc.add_argument("--expires-days", type=int, default=90,
                    help="days until it expires, 1 to 366 (default 90)")
    tc.set_defaults(func=cmd_token_create)
    tl = tsub.add_parser("list", help="tokens with their scopes, expiry and last use")
    tl.add_argument("--user", default="", help="only this user's tokens (e-mail)")
    tl.set_defaults(func=cmd_token_list)
    tr = tsub.add_parser("revoke", help="revoke a token by the prefix `token list` shows")
    tr.add_argument("prefix")
    tr.set_defaults(func=cmd_token_revoke)

    r = sub.add_parser("report", help="transparency report for a period")
    r.add_argument("--period", help="e.g. 2020-H2, 2020-Q3, 2020 or 2020-07-01/2020-12-31 "
                   "(default: the last complete half-year)")
    r.add_argument("--format", choices=["csv", "json", "xlsx"], default="csv")
    r.add_argument("--output", help="write to this file instead of stdout")
    # here, not at the top: Django is set up by now (setup() above)
    from dueprocess.transparency.commands import add_arguments as add_report_arguments

    add_report_arguments(r)
    r.set_defaults(func=cmd_report)

    lu = sub.add_parser("lumen", help="published demands in Lumen's notice format")
    lusub = lu.add_subparsers(dest="lumen_command", required=True)
    le = lusub.add_parser("export", help="one Lumen notice (JSON) per line")
    le.add_argument("--since", help="published on or after this day (YYYY-MM-DD)")
    le.add_argument("--output", help="write to this file instead of stdout")
    le.set_defaults(func=cmd_lumen_export)

    a = sub.add_parser("audit", help="the hash-chained audit log")
    asub = a.add_subparsers(dest="audit_command", required=True)
    av = asub.add_parser("verify", help="recompute the chain; non-zero exit on a broken link")
    # here, not at the top: Django is set up by now (setup() above)
    from dueprocess.audit.commands import add_checkpoint_arguments, add_verify_arguments

    add_verify_arguments(av)
    av.set_defaults(func=cmd_audit_verify)
    ac = asub.add_parser("checkpoint", help="print a signed checkpoint of the chain head")
    add_checkpoint_arguments(ac)
    ac.set_defaults(func=cmd_audit_checkpoint)

    b = sub.add_parser("backup", help="copy the database (with the signing keys) and every "
                       "stored file into a new folder")
    b.add_argument("--output", required=True, help="a new or empty folder")
    b.set_defaults(func=cmd_backup)

    law = sub.add_parser("law", help="the law library")
    lsub = law.add_subparsers(dest="law_command", required=True)
    lc = lsub.add_parser("check", help="validate library and policy files (file:line: reason)")
    lc.add_argument("files", nargs="*", help="YAML files or folders; none: the bundled library")
    lc.set_defaults(func=cmd_law_check)

    v = sub.add_parser("vet", help="vet open demands again")
    vm = v.add_mutually_exclusive_group()
    vm.add_argument("--all", action="store_true", help="every open demand")
    vm.add_argument("--stale", action="store_true",
                    help="only those vetted under another law library or rule set (default)")
    v.add_argument("--every", type=int, default=100, help="report progress every N demands")
    v.set_defaults(func=cmd_vet)
    # here, not at the top: Django is set up by now (setup() above)
    from dueprocess.intake.cli import register as register_intake

    register_intake(sub)
    # here, not at the top: Django is set up by now (setup() above)
    from dueprocess.accounts.cli import register as register_staff

    register_staff(sub)  # roles, user create, reminders send
    # here, not at the top: Django is set up by now (setup() above)
    from dueprocess.execution.cli import add_commands as add_execution_commands

    add_execution_commands(sub)  # connector, production, dsa, preservation
    # here, not at the top: Django is set up by now (setup() above)
    from dueprocess.sanctions.cli import register as register_sanctions

    register_sanctions(sub)  # lists import, lists show, screen
    # here, not at the top: Django is set up by now (setup() above)
    from dueprocess.review.cli import register as register_review

    register_review(sub)  # demand decide, approve, send-back, note

    # here, not at the top: Django is set up by now (setup() above)
    from dueprocess.notices.cli import register as register_letters

    register_letters(sub)  # letters list, approve, send
    return p


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("dueprocess")
    except PackageNotFoundError:
        from dueprocess import __version__

        return __version__


def main(argv: Sequence[str] | None = None) -> int:
    # numpy (the screening index) starts a BLAS thread per core at import, for linear
    # algebra nothing here does: on a busy machine those threads cost `screen` a tenth of a
    # second of CPU. A value set in the environment still wins.
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    args = build_parser().parse_args(argv)
    try:
        result: int = args.func(args)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`dueprocess dsa sor export | head`): not an error of ours.
        # Point stdout at nothing so the interpreter's final flush does not fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    return result


if __name__ == "__main__":
    sys.exit(main())
