"""`dueprocess report`: the transparency tables or the DSA sheet, to stdout or a file."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from dueprocess.commandline import fail
from dueprocess.transparency.names import TABLES


def add_arguments(r: argparse.ArgumentParser) -> None:
    r.add_argument("--start", help="first day of a date range (YYYY-MM-DD), with --end")
    r.add_argument("--end", help="last day of a date range (YYYY-MM-DD), with --start")
    r.add_argument("--table", choices=[*TABLES, "all"],
                   help="one table (CSV always holds one; default user_data_requests)")
    r.add_argument("--dsa", action="store_true",
                   help="the DSA sheet 3_member_states_orders (csv) or the Annex I "
                        "workbook (xlsx) for --period or --start/--end")
    r.add_argument("--provider", help="DSA: name of the service provider")
    r.add_argument("--service", help="DSA: name of the service")
    r.add_argument("--previous-report", help="DSA: publication date of the previous report")
    r.add_argument("--rebuild", action="store_true",
                   help="recompute every demand's reporting tally first (after bulk loads)")


def run(args: argparse.Namespace) -> int:
    # here, not at the top: Django is set up by now (setup() above)
    from dueprocess.transparency import dsa, exporters, tally
    from dueprocess.transparency.periods import PeriodError, parse_date, resolve
    from dueprocess.transparency.reports import build_report

    fmt = args.format
    if args.output:
        folder = Path(args.output).parent
        if not folder.is_dir():
            return fail(f"the folder {folder} does not exist; create it or name another file")
    try:
        span = resolve(args.period, args.start, args.end)
        if args.rebuild:
            tally.rebuild()
        if args.dsa:
            if fmt not in ("csv", "xlsx"):
                return fail("the DSA sheet is csv or xlsx")
            previous: date | None = (parse_date(args.previous_report, "previous-report")
                                     if args.previous_report else None)
            sheet = dsa.member_state_orders(span, service=args.service)
            data = (dsa.to_xlsx(sheet, provider=args.provider, previous=previous)
                    if fmt == "xlsx" else dsa.to_csv(sheet))
        else:
            data = exporters.render(build_report(span, settle=True), fmt, args.table)
    except PeriodError as exc:
        return fail(str(exc))
    if args.output:
        try:
            Path(args.output).write_bytes(data)
        except OSError as exc:
            return fail(f"cannot write {args.output}: {exc.strerror or exc}")
    elif fmt == "xlsx":
        return fail("XLSX is binary; name a file with --output")
    else:
        sys.stdout.write(data.decode("utf-8"))
    return 0


def run_lumen(args: argparse.Namespace) -> int:
    """`dueprocess lumen export`: published demands as Lumen notices, one JSON per line."""
    import json

    from dueprocess.transparency.lumen import notices
    from dueprocess.transparency.periods import PeriodError, parse_date

    try:
        since = parse_date(args.since, "since") if args.since else None
    except PeriodError as exc:
        return fail(str(exc))
    if args.output and not Path(args.output).parent.is_dir():
        return fail(f"the folder {Path(args.output).parent} does not exist")
    lines = [json.dumps(n, ensure_ascii=False) for n in notices(since)]
    text = "".join(line + "\n" for line in lines)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    print(f"{len(lines)} notice(s)", file=sys.stderr)
    return 0
