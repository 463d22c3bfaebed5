"""Sanctions verbs of the `dueprocess` command: ``lists import``, ``lists show``, ``screen``.

Registered by :func:`register`; each verb is a thin call into the actions or the service.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from dueprocess.commandline import acting_user, fail, setup


def _print_entries(title: str, entries: list[Any], limit: int) -> None:
    if not entries:
        return
    print(f"  {title} ({len(entries)}):")
    for e in entries[:limit]:
        programmes = f" [{', '.join(e.programmes)}]" if e.programmes else ""
        print(f"    {e.entry_id:>10}  {e.primary_name}{programmes}")
    if len(entries) > limit:
        print(f"    ... and {len(entries) - limit} more")


def cmd_lists_import(args: argparse.Namespace) -> int:
    setup()
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    # here, not at the top: Django is set up by now (setup() above)
    from dueprocess.errors import DomainError
    from dueprocess.sanctions.actions import import_list

    path = Path(args.file)
    if not path.exists():
        return fail(f"no file or folder {path}")
    console = Console(stderr=True)
    labels = {"store": "storing entries", "rescreen": "re-screening open demands"}
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  console=console, transient=True) as bar:
        reading = bar.add_task(f"reading {path.name}", total=None)
        tasks: dict[str, Any] = {}

        def progress(stage: str, done: int, total: int) -> None:
            bar.update(reading, visible=False)
            if stage not in tasks:
                tasks[stage] = bar.add_task(labels.get(stage, stage), total=total)
            bar.update(tasks[stage], completed=done, total=total)

        try:
            outcome = import_list(path, format=args.format, user=acting_user(args.user),
                                  force=args.force, rescreen=not args.no_rescreen,
                                  allow_partial=args.allow_partial, progress=progress)
        except DomainError as exc:
            return fail(exc.message)
    print(outcome.describe())
    report = outcome.report
    for why in report.incomplete:
        console.print(f"[bold red]warning:[/] the list in force is not whole: {why}")
    if report.reasons and not outcome.unchanged:
        print("skipped rows (first ones):")
        for row in report.skipped[: args.show]:
            print(f"  line {row.line}: {row.reason}" + (f" ({row.detail})" if row.detail else ""))
    if outcome.diff is not None and outcome.previous is not None:
        d = outcome.diff
        _print_entries("added", list(d.added), args.show)
        _print_entries("removed", list(d.removed), args.show)
        _print_entries("changed", [new for _old, new in d.changed], args.show)
    return 0


def cmd_lists_show(args: argparse.Namespace) -> int:
    setup()
    # here, not at the top: Django is set up by now (setup() above)
    from dueprocess.sanctions.models import ListVersion, list_max_age_days

    versions = ListVersion.objects.order_by("list_id", "-loaded_at", "-pk")
    if args.list:
        versions = versions.filter(list_id=args.list)
    if not args.all:
        versions = versions.filter(active=True)
    rows = list(versions[:500])
    if args.list and not ListVersion.objects.filter(list_id=args.list).exists():
        known = sorted(set(ListVersion.objects.values_list("list_id", flat=True)))
        print(f"dueprocess: no list {args.list!r} was ever loaded"
              + (f" (loaded: {', '.join(known)})" if known else ""), file=sys.stderr)
        return 2
    if not rows:
        print("no list loaded" + ("" if args.all else " (see `dueprocess lists import`)"))
        return 1 if args.list else 0
    print(f"{'list':<20} {'version':>7}  {'state':<9} {'published':<10} {'loaded (UTC)':<16} "
          f"{'entries':>8} {'skipped':>7}  {'changes':<22} source / sha256")
    stale = []
    for v in rows:
        d = v.diff or {}
        changes = (f"+{d.get('added', 0)} -{d.get('removed', 0)} ~{d.get('changed', 0)}"
                   if d.get("against") else "first")
        state = "in force" if v.active else ("pruned" if v.entries_pruned else "previous")
        published = f"{v.published:%Y-%m-%d}" if v.published else "unknown"
        print(f"{v.list_id:<20} {v.pk:>7}  {state:<9} {published:<10} "
              f"{v.loaded_at:%Y-%m-%d %H:%M} {v.entry_count:>8} {v.skipped_count:>7}  "
              f"{changes:<22} {v.source} / {v.sha256[:12]}")
        if v.active and v.stale:
            stale.append(v)
    for v in stale:
        print(f"warning: {v.list_id} in force was published {v.age_days} days ago "
              f"(limit {list_max_age_days()} days, DUEPROCESS_LIST_MAX_AGE_DAYS): "
              "load the current list", file=sys.stderr)
    return 0


def cmd_screen(args: argparse.Namespace) -> int:
    """Answer from the stored index of the versions in force when there is one (no Django
    start-up: see :mod:`dueprocess.sanctions.stored_index`), else build it the usual way."""
    from datetime import UTC, datetime

    from dueprocess.sanctions import stored_index
    from dueprocess.screening import DEFAULT_THRESHOLD, Query
    from dueprocess.screening.dates import parse_dates

    name = " ".join(args.name.split())
    if not name or len(name) > 500:
        return fail("give a name of 1 to 500 characters")
    if args.dob and not parse_dates(args.dob):
        return fail(f"cannot read the birth date {args.dob!r} (use YYYY, YYYY-MM or "
                     "YYYY-MM-DD)")
    stored = stored_index.load()
    if stored is None:
        setup()
        # here, not at the top: Django is set up by now (setup() above)
        from dueprocess.sanctions import service
        from dueprocess.sanctions.models import list_max_age_days

        loaded = service.current_index()
        if loaded is None:
            return fail("no sanctions list is loaded (see `dueprocess lists import`)", 1)
        index = loaded.index
        versions = [stored_index.VersionInfo.of(v) for v in service.active_versions()]
        max_age = list_max_age_days()
    else:
        index, versions, max_age = stored.index, list(stored.versions), stored.max_age_days
    query = Query(name, schema=args.schema, birth_date=args.dob or None,
                  nationality=args.country or None, position=args.position or None)
    hits = index.search(query, limit=args.limit, threshold=args.threshold)
    alerts = [h for h in hits if h.score >= DEFAULT_THRESHOLD]
    if args.json:
        print(json.dumps({"query": name, "threshold": DEFAULT_THRESHOLD, "hits": [
            {"list_id": h.entry.list_id, "entry_id": h.entry.entry_id,
             "name": h.entry.primary_name, "matched_name": h.matched_name, "score": h.score,
             "alert": h.score >= DEFAULT_THRESHOLD, "programmes": list(h.entry.programmes),
             "explanation": h.explanation} for h in hits]}, ensure_ascii=False, indent=2))
        return 0
    lists = ", ".join(
        f"{v.list_id} #{v.pk} ({v.entry_count}, published "
        f"{v.published:%Y-%m-%d})" if v.published else f"{v.list_id} #{v.pk} ({v.entry_count})"
        for v in versions)
    print(f"{name}: {len(alerts)} alert(s) at {DEFAULT_THRESHOLD:.2f} against {lists}")
    today = datetime.now(UTC).date()
    for v in versions:
        age = v.age_days(today)
        if age is not None and age > max_age:
            print(f"warning: {v.list_id} in force was published {age} days ago: "
                  "load the current list", file=sys.stderr)
    for rank, h in enumerate(hits, start=1):
        mark = "ALERT" if h.score >= DEFAULT_THRESHOLD else "     "
        programmes = f" [{', '.join(h.entry.programmes)}]" if h.entry.programmes else ""
        print(f"{rank:>3}. {h.score:.2f} {mark} {h.entry.list_id} {h.entry.entry_id} "
              f"{h.entry.primary_name}{programmes}")
        print(f"       {h.explanation}")
    return 0


def register(sub: Any) -> None:
    # here, not at the top: Django is set up by now (setup() above)
    from dueprocess.screening import FORMATS

    lists = sub.add_parser("lists", help="sanctions lists: import versions, show them")
    lsub = lists.add_subparsers(dest="lists_command", required=True)
    li = lsub.add_parser("import", help="load a list file and put it in force whole, or not "
                         "at all")
    li.add_argument("file", help="the file, or the folder of the OFAC CSV set (sdn.csv ...)")
    li.add_argument("--format", choices=FORMATS, help="default: detected from the file")
    li.add_argument("--force", action="store_true",
                    help="load even if it has fewer than half the entries of the version in "
                    "force")
    li.add_argument("--allow-partial", action="store_true",
                    help="load a set that misses one of its files (OFAC without alt.csv or "
                    "add.csv); a warning is printed and logged")
    li.add_argument("--no-rescreen", action="store_true",
                    help="do not re-screen open demands now")
    li.add_argument("--user", help="e-mail of the person loading it (audit log)")
    li.add_argument("--show", type=int, default=20,
                    help="entries to list per added/removed/changed group")
    li.set_defaults(func=cmd_lists_import)
    ls = lsub.add_parser("show", help="the list versions in force (--all: every version)")
    ls.add_argument("--list", help="only this list id, e.g. us_ofac_sdn")
    ls.add_argument("--all", action="store_true", help="include superseded versions")
    ls.set_defaults(func=cmd_lists_show)

    s = sub.add_parser("screen", help="screen a name against the lists in force")
    s.add_argument("name")
    s.add_argument("--dob", help="birth date: YYYY, YYYY-MM or YYYY-MM-DD")
    s.add_argument("--country", help="nationality: ISO code or country name")
    s.add_argument("--position", help="office or title, e.g. 'Commissioner of Police'")
    s.add_argument("--schema", default="Person",
                   choices=["Person", "Organization", "LegalEntity", "Vessel", "Aircraft"])
    s.add_argument("--limit", type=int, default=10)
    s.add_argument("--threshold", type=float, default=0.0,
                   help="leave out hits below this score (default: show the best ranked)")
    s.add_argument("--json", action="store_true", help="machine-readable output")
    s.set_defaults(func=cmd_screen)
