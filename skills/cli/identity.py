"""`python -m skills audit` and `python -m skills roles …`: the audit trail and the roles
mapping, headless. The command line acts as the system: whoever can run it has the file."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from skills.cli import EXIT_INVALID, EXIT_OK, open_loaded_store, open_store
from skills.exports import to_csv
from skills.services import audit, identity


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-01-31") from None


def _audit(args: argparse.Namespace) -> int:
    store = open_store(args)
    data = audit.export(store, args.since, args.format)
    if args.out:
        args.out.write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return EXIT_OK


def _roles_load(args: argparse.Namespace) -> int:
    store = open_loaded_store(args)
    entries = identity.read_roles(args.path)
    count = identity.replace_roles(store, entries)
    print(f"stored {count} role{'s' if count != 1 else ''} from {args.path}", file=sys.stderr)
    return EXIT_OK


def _roles_demo(args: argparse.Namespace) -> int:
    store = open_loaded_store(args)
    entries = identity.demo_entries(store)
    if not entries:
        print("error: the stored matrix has none of the demo people", file=sys.stderr)
        return EXIT_INVALID
    identity.replace_roles(store, entries)
    for entry in entries:
        print(f"{entry.email}\t{entry.role.value}\t{entry.person_id or ''}\t"
              f"{'; '.join(entry.teams)}")
    return EXIT_OK


def _roles_list(args: argparse.Namespace) -> int:
    store = open_store(args)
    frame = identity.roles(store)
    frame = frame.assign(teams=["; ".join(t) for t in frame["teams"]])
    sys.stdout.write(to_csv(frame))
    return EXIT_OK


def add_commands(commands: Any, db: argparse.ArgumentParser) -> None:
    trail = commands.add_parser("audit", parents=[db],
                                help="the audit trail: who did what and when")
    trail.add_argument("--since", type=_date, default=None,
                       help="from this day on (YYYY-MM-DD); default: all of it")
    trail.add_argument("--format", choices=("csv", "json"), default="csv")
    trail.add_argument("--out", type=Path, default=None, help="write here, not to stdout")
    trail.set_defaults(handler=_audit)

    roles = commands.add_parser("roles", help="the roles mapping: email -> role, person, teams")
    which = roles.add_subparsers(dest="roles_command", required=True)
    load = which.add_parser("load", parents=[db],
                            help="replace the mapping with a CSV/XLSX (or a workbook's "
                                 "`roles` sheet)")
    load.add_argument("path", help="roles.csv, roles.xlsx, a workbook, or a folder")
    load.set_defaults(handler=_roles_load)
    demo = which.add_parser("demo", parents=[db],
                            help="replace the mapping with the sample's demo identities")
    demo.set_defaults(handler=_roles_demo)
    listing = which.add_parser("list", parents=[db], help="print the mapping as CSV")
    listing.set_defaults(handler=_roles_list)
