"""`python -m skills export succession`: HR's succession plan, headless.

Writes one row per key person and successor (CSV to standard output, or CSV / XLSX to `--out`
by its extension) and prints one JSON line last: status, objective, bound, gap, seconds, key
people, rows. Exit codes: 0 exported, 2 invalid input or no dataset, 3 no plan to export
(why on stderr), 4 no plan in time.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Literal

from skills.cli import EXIT_INFEASIBLE, EXIT_INVALID, EXIT_OK, EXIT_TIMEOUT, open_loaded_store

FORMATS: dict[str, Literal["csv", "xlsx"]] = {".csv": "csv", ".xlsx": "xlsx"}


def _export_succession(args: argparse.Namespace) -> int:
    # The planner and its solvers load only for this command, not for every `load`.
    from skills.services import succession

    fmt = FORMATS.get(args.out.suffix.lower()) if args.out else "csv"
    if fmt is None:
        print(f"error: --out must end in .csv or .xlsx, got {args.out.name}", file=sys.stderr)
        return EXIT_INVALID
    options = succession.SuccessionOptions(
        max_successors=args.max_successors, max_slates=args.max_slates,
        solver=args.solver, time_limit=args.time_limit)
    try:
        options.validate()
    except succession.SuccessionInputError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_INVALID
    store = open_loaded_store(args)
    # The limit is the whole command's, from its start: imports and reading the store count.
    plan = succession.analyse(store, options, started=getattr(args, "started", None))
    try:
        content = succession.export(store, fmt, plan=plan)
    except succession.SuccessionUnavailable as error:
        print(f"error: {error}", file=sys.stderr)
        print(json.dumps(plan.summary()))
        return EXIT_TIMEOUT if plan.status == "timeout" else EXIT_INFEASIBLE
    if args.out:
        args.out.write_bytes(content)
    else:
        # Standard output is text: the CSV without the BOM that helps Excel with a file.
        sys.stdout.write(content.decode("utf-8-sig"))
    for reason in plan.reasons:
        print(reason, file=sys.stderr)
    rows = len(succession.export_table(plan))
    print(json.dumps({**plan.summary(), "key_people": len(plan.key_people), "rows": rows,
                      "method": plan.method}, ensure_ascii=False))
    return EXIT_OK


def add_commands(commands: Any, db: argparse.ArgumentParser) -> None:
    export = commands.add_parser("export", help="exports for HR: succession plans")
    exports = export.add_subparsers(dest="export", required=True)
    sub = exports.add_parser("succession", parents=[db],
                             help="key people, their ranked successors and what it takes")
    sub.add_argument("--out", type=Path, default=None,
                     help="succession.csv or succession.xlsx (default: CSV on standard output)")
    sub.add_argument("--max-successors", type=int, default=3,
                     help="successors per key person (default 3)")
    sub.add_argument("--max-slates", type=int, default=2,
                     help="most key people one person is named successor for (default 2)")
    sub.add_argument("--solver", choices=("flow", "highs"), default="flow",
                     help="exact min-cost flow (default) or the same model in HiGHS")
    sub.add_argument("--time-limit", type=float, default=30.0,
                     help="seconds for the whole command from its start, reading the "
                          "data included (default 30)")
    sub.set_defaults(handler=_export_succession)
