"""Command verbs of execution, added to ``dueprocess`` by :func:`add_commands`.

``connector reference-receiver`` and ``production verify --public-key`` run without a
dueprocess installation (an integrator or an authority has none); the others work on the
installation named by the environment.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

from dueprocess.commandline import setup


def cmd_receiver(args: argparse.Namespace) -> int:
    # here, not at the top: Django is set up by now (setup() above)
    from dueprocess.execution.receiver import serve

    secret = args.secret or os.environ.get("DUEPROCESS_WEBHOOK_SECRET", "")
    if args.secret_file:
        secret = Path(args.secret_file).read_text().strip()
    if len(secret) < 32:
        print("dueprocess: give a shared secret of at least 32 characters (--secret, "
              "--secret-file or DUEPROCESS_WEBHOOK_SECRET)", file=sys.stderr)
        return 2
    serve(args.host, args.port, [secret], Path(args.store) if args.store else None)
    return 0


def cmd_production_verify(args: argparse.Namespace) -> int:
    # here, not at the top: Django is set up by now (setup() above)
    from dueprocess.execution.verify import verify_zip

    if args.public_key:
        try:
            key: Any = Path(args.public_key).read_bytes()
        except OSError as exc:
            print(f"dueprocess: cannot read the public key {args.public_key}: "
                  f"{exc.strerror or exc}", file=sys.stderr)
            return 2
    else:
        # here, not at the top: Django is set up by now (setup() above)
        setup()
        from dueprocess.execution.productions import public_key_pem

        key = public_key_pem()
    result = verify_zip(Path(args.file), key)
    if result.ok:
        m = result.manifest
        print(f"OK: {args.file} is signed by the key and matches its manifest\n"
              f"  demand:     {m.get('demand_reference')} "
              f"({(m.get('authority') or {}).get('name', '')})\n"
              f"  categories: {', '.join(m.get('data_categories') or []) or '-'}\n"
              f"  dates:      {m.get('date_from') or '-'} to {m.get('date_to') or '-'}\n"
              f"  created:    {m.get('created')}\n"
              f"  files:      {len(m.get('files') or [])}")
        return 0
    print(f"NOT VERIFIED: {args.file}", file=sys.stderr)
    for problem in result.problems:
        print(f"  - {problem}", file=sys.stderr)
    return 1


def cmd_production_rekey(args: argparse.Namespace) -> int:
    setup()
    # here, not at the top: Django is set up by now (setup() above)
    from dueprocess.audit import signing_keys
    from dueprocess.execution.productions import rekey_all

    keys = signing_keys.reseal_all()
    count = rekey_all()
    print(f"re-sealed {count} production package(s) and {keys} signing key(s) under the "
          "current key")
    return 0


def cmd_production_public_key(args: argparse.Namespace) -> int:
    setup()
    # here, not at the top: Django is set up by now (setup() above)
    from dueprocess.execution.productions import public_key_pem

    sys.stdout.write(public_key_pem().decode())
    return 0


def cmd_dsa_export(args: argparse.Namespace) -> int:
    try:
        since = date.fromisoformat(args.since)
    except ValueError:
        print(f"dueprocess: --since must be a date (YYYY-MM-DD), not {args.since!r}",
              file=sys.stderr)
        return 2
    setup()
    # here, not at the top: Django is set up by now (setup() above)
    from dueprocess.execution.sor import batches

    out = Path(args.output) if args.output else None
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    count = statements = 0
    for count, batch in enumerate(batches(since, include_outside_eea=args.all), start=1):
        statements += len(batch["statements"])
        text = json.dumps(batch, ensure_ascii=False)
        if out is None:
            print(text)
        else:
            (out / f"sor-batch-{count:04d}.json").write_text(text + "\n")
    print(f"{statements} statement(s) in {count} batch(es)", file=sys.stderr)
    return 0


def cmd_dsa_submit(args: argparse.Namespace) -> int:
    if args.limit is not None and args.limit < 1:
        print("dueprocess: --limit must be at least 1", file=sys.stderr)
        return 2
    setup()
    # here, not at the top: Django is set up by now (setup() above)
    from django.conf import settings as django_settings

    from dueprocess.execution.dsa_submit import (
        ApiSettings,
        Client,
        requeue_rejected,
        submit_pending,
    )

    settings = ApiSettings.from_config(django_settings.DUEPROCESS)
    if settings is None:
        print("dueprocess: set DUEPROCESS_DSA_API_TOKEN to the token the Transparency "
              "Database issued to the platform (and DUEPROCESS_DSA_API_URL for another "
              "endpoint)", file=sys.stderr)
        return 2

    if args.requeue_rejected:
        print(f"{requeue_rejected()} rejected statement(s) queued again")
    summary = submit_pending(Client(settings), limit=args.limit)
    print(f"{summary.accepted} accepted, {summary.already_there} already in the database, "
          f"{summary.rejected} rejected, {summary.failed} not delivered "
          f"({summary.batches} batch(es))")
    for error in summary.errors[:20]:
        print(f"  - {error}", file=sys.stderr)
    return 1 if summary.failed or summary.rejected else 0


def cmd_preservation_remind(args: argparse.Namespace) -> int:
    setup()
    # here, not at the top: Django is set up by now (setup() above)
    from dueprocess.execution.preservation import remind_expiring

    print(f"sent {remind_expiring()} expiry reminder(s)")
    return 0


def add_commands(sub: Any) -> None:
    """Register execution's verbs on the ``dueprocess`` parser."""
    c = sub.add_parser("connector", help="platform connectors")
    csub = c.add_subparsers(dest="connector_command", required=True)
    rr = csub.add_parser("reference-receiver",
                         help="run the reference webhook receiver (for integrators)")
    rr.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    rr.add_argument("--host", default="127.0.0.1")
    rr.add_argument("--secret", default="", help="shared secret (prefer --secret-file)")
    rr.add_argument("--secret-file", default="")
    rr.add_argument("--store", default="", help="JSON file for the receiver's data")
    rr.set_defaults(func=cmd_receiver)

    p = sub.add_parser("production", help="disclosure packages")
    psub = p.add_subparsers(dest="production_command", required=True)
    pv = psub.add_parser("verify", help="check a downloaded package's signature and files")
    pv.add_argument("file")
    pv.add_argument("--public-key", default="",
                    help="the platform's public key (PEM); default: this installation's")
    pv.set_defaults(func=cmd_production_verify)
    pr = psub.add_parser("rekey", help="re-encrypt stored packages under the current key")
    pr.set_defaults(func=cmd_production_rekey)
    pk = psub.add_parser("public-key", help="print the signing public key (PEM)")
    pk.set_defaults(func=cmd_production_public_key)

    d = sub.add_parser("dsa", help="DSA Transparency Database")
    dsub = d.add_subparsers(dest="dsa_command", required=True)
    sor = dsub.add_parser("sor", help="statements of reasons")
    ssub = sor.add_subparsers(dest="sor_command", required=True)
    se = ssub.add_parser("export", help="batches of at most 100 statements, JSON")
    se.add_argument("--since", required=True, help="YYYY-MM-DD")
    se.add_argument("--output", default="", help="folder for sor-batch-NNNN.json files; "
                                                 "default: one batch per line on stdout")
    se.add_argument("--all", action="store_true",
                    help="include restrictions with no effect in the EEA")
    se.set_defaults(func=cmd_dsa_export)
    sm = ssub.add_parser("submit", help="send statements the Transparency Database does not "
                         "have yet (DUEPROCESS_DSA_API_URL, DUEPROCESS_DSA_API_TOKEN)")
    sm.add_argument("--limit", type=int, default=None, help="send at most N statements")
    sm.add_argument("--requeue-rejected", action="store_true",
                    help="first put statements the database refused back in the queue")
    sm.set_defaults(func=cmd_dsa_submit)

    h = sub.add_parser("preservation", help="preservation holds")
    hsub = h.add_subparsers(dest="preservation_command", required=True)
    hr = hsub.add_parser("remind", help="send reminders for holds expiring within 7 days")
    hr.set_defaults(func=cmd_preservation_remind)
