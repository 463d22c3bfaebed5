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
        Path(args.output).write_bytes(data)
    elif fmt == "xlsx":
        return fail("XLSX is binary; name a file with --output")
    else:
        sys.stdout.write(data.decode("utf-8"))
    return 0
