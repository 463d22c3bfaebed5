"""`dueprocess audit verify` (with progress, optionally against a checkpoint) and
`dueprocess audit checkpoint`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_verify_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--checkpoint", help="a checkpoint file exported earlier: also detect "
                                        "truncation or rewriting since it was made")
    p.add_argument("--public-key", help="the audit public key (PEM) the checkpoint must be "
                                        "signed with (default: this installation's)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def add_checkpoint_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--output", help="write the checkpoint here instead of stdout")
    p.add_argument("--public-key-out", help="also write the audit public key (PEM) here")


def run_verify(args: argparse.Namespace) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    # here, not at the top: Django is set up by now (setup() above)
    from dueprocess.audit import checkpoint as cp

    point = None
    if getattr(args, "checkpoint", None):
        try:
            trusted = (cp.load_public_key(Path(args.public_key).read_bytes())
                       if args.public_key else None)
            point = cp.parse(Path(args.checkpoint).read_bytes(), trusted)
        except (OSError, cp.CheckpointError) as exc:
            print(f"dueprocess: checkpoint refused: {exc}", file=sys.stderr)
            return 2
    show = not getattr(args, "no_progress", False) and sys.stderr.isatty()
    with Progress("verifying audit chain", BarColumn(), MofNCompleteColumn(),
                  TimeRemainingColumn(), transient=True, disable=not show) as bar:
        task = bar.add_task("verify", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        result = cp.verify_against(point, progress) if point else cp.verify(progress)
    if result.ok:
        suffix = (f"; checkpoint of {point.created_at} (event {point.seq}) matches"
                  if point else "")
        print(f"audit chain intact: {result.checked} events verified{suffix}")
        return 0
    print(f"audit chain BROKEN at event {result.broken_seq}: {result.reason}", file=sys.stderr)
    return 1


def run_checkpoint(args: argparse.Namespace) -> int:
    # here, not at the top: Django is set up by now (setup() above)
    from dueprocess.audit import checkpoint as cp

    body = cp.create()
    text = cp.dumps(body)
    cp.record_export(body, actor="cli")
    if args.public_key_out:
        Path(args.public_key_out).write_bytes(cp.public_pem())
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"checkpoint of event {body['seq']} written to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
