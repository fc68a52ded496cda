"""`python -m skills …`: what the pages do, headless, for automation and tests.

This module is the parser and `main`; each command group lives in its own module (data,
requests, history, and the planners under `plan`). Exit codes: 0 success, 2 invalid input
(problem list on stderr), 6 the database stayed busy (another process held it; try again),
7 the disk is full (nothing was changed); planners add their own.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import duckdb

from skills.ingest.problems import DatasetError
from skills.store import (
    CLI_TURN,
    CLI_WAIT,
    Store,
    StoreBusy,
    StoredButNotCheckpointed,
    default_db_path,
    is_disk_full,
)

EXIT_OK = 0
EXIT_INVALID = 2
EXIT_INFEASIBLE = 3
EXIT_TIMEOUT = 4
EXIT_BUSY = 6
EXIT_DISK_FULL = 7
EXIT_BROKEN_PIPE = 141  # what a shell reports for a writer its reader stopped (128 + SIGPIPE)

Handler = Callable[[argparse.Namespace], int]
# Planner modules add their subcommands here (see `register_plan`), so this file stays small.
PLAN_COMMANDS: dict[str, tuple[Callable[[argparse.ArgumentParser], None], Handler, str]] = {}
# Command groups: each module has `add_commands(commands, db)` adding its subparsers. A command
# imports only its own module: a cron `load` should not pay for the planners' imports.
COMMAND_MODULES = {"load": "skills.cli.data", "coverage": "skills.cli.data",
                   "sample": "skills.cli.data", "template": "skills.cli.data",
                   "requests": "skills.cli.requests", "history": "skills.cli.history",
                   "export": "skills.cli.succession", "audit": "skills.cli.identity",
                   "roles": "skills.cli.identity", "inspect": "skills.cli.inspect"}
PLANNER_MODULES = ("skills.cli.rotations", "skills.cli.mentoring", "skills.cli.hiring")


def register_plan(name: str, help_text: str,
                  add_arguments: Callable[[argparse.ArgumentParser], None],
                  handler: Handler) -> None:
    PLAN_COMMANDS[name] = (add_arguments, handler, help_text)


class StoreUnavailable(Exception):
    pass


def open_store(args: argparse.Namespace) -> Store:
    path = args.db or default_db_path()
    # A cron job waits for the app (or another import) to let go of the file, within bounds.
    wait = float(os.environ.get("CROSSTRAIN_BUSY_WAIT") or CLI_WAIT)
    try:
        return Store(path, wait=wait, turn=CLI_TURN)
    except StoreBusy:
        raise
    except duckdb.IOException as error:
        if is_disk_full(error):
            raise
        raise StoreUnavailable(f"cannot open {path}: {error}") from None


def open_loaded_store(args: argparse.Namespace) -> Store:
    """The store, which must hold a dataset: every command but `load` reads one."""
    store = open_store(args)
    if not store.has_data():
        raise StoreUnavailable(f"{store.path} holds no dataset; load one with "
                               "`python -m skills load PATH`")
    return store


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; with `command`, only that command's module is imported (and `plan`)."""
    parser = argparse.ArgumentParser(prog="python -m skills",
                                     description="crosstrain: skills coverage and plans for "
                                                 "cross-functional MLOps organisations")
    db = argparse.ArgumentParser(add_help=False)
    db.add_argument("--db", type=Path, default=None,
                    help="DuckDB file (default: $CROSSTRAIN_DB or data/crosstrain.duckdb)")
    commands = parser.add_subparsers(dest="command", required=True)
    everything = list(dict.fromkeys(COMMAND_MODULES.values()))
    chosen = ([COMMAND_MODULES[command]] if command in COMMAND_MODULES
              else [] if command == "plan" else everything)
    for module in chosen:
        importlib.import_module(module).add_commands(commands, db)

    if PLAN_COMMANDS:
        plan = commands.add_parser("plan", help="rotation, mentoring and hiring plans")
        plans = plan.add_subparsers(dest="plan", required=True)
        for name, (add_arguments, handler, help_text) in PLAN_COMMANDS.items():
            sub = plans.add_parser(name, parents=[db], help=help_text)
            add_arguments(sub)
            sub.set_defaults(handler=handler)
    return parser


def main(argv: Sequence[str] | None = None, *, started: float | None = None) -> int:
    """Run one command; `started` (time.monotonic) is when the command started, for the
    planners' time limits: the process's start under `python -m skills`, else now."""
    started = time.monotonic() if started is None else started
    argv = list(sys.argv[1:] if argv is None else argv)
    # Only `plan` (and the help that lists it) needs the planners and their solvers: a load or
    # a request should neither wait for those imports nor depend on them.
    if not argv or argv[0] in ("plan", "-h", "--help"):
        _register_planners(argv[1] if len(argv) > 1 and argv[0] == "plan" else None)
    args = build_parser(argv[0] if argv else None).parse_args(argv)
    args.started = started
    try:
        return int(args.handler(args))
    except BrokenPipeError:
        # The reader went away (`… | head`): nothing more to say, and no traceback. Output
        # still buffered would fail again at exit, so it goes nowhere.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except DatasetError as error:
        print(str(error), file=sys.stderr)
        return EXIT_INVALID
    except _user_errors() as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_INVALID
    except StoreBusy as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BUSY
    except StoredButNotCheckpointed as error:
        # The load did happen: saying "nothing was changed" here would be untrue.
        print(f"error: the load was stored as snapshot {error.snapshot}, but the disk holding "
              f"{args.db or default_db_path()} filled up while the database was being tidied "
              "(its write-ahead log folded into the file). The new data is safe in the log "
              "and is folded in the next time the database is opened with room to spare. "
              f"Free some space. ({error})", file=sys.stderr)
        return EXIT_DISK_FULL
    except duckdb.Error as error:
        if not is_disk_full(error):
            raise
        # DuckDB rolled the transaction back; what was stored before is still there.
        print(f"error: the disk holding {args.db or default_db_path()} is full (or this "
              "process may not write a file that large), so the database could not be "
              "written. Nothing was changed: the data stored before is intact. Free some "
              f"space and run the command again. ({type(error).__name__}: "
              f"{str(error).splitlines()[0]})", file=sys.stderr)
        return EXIT_DISK_FULL


def _user_errors() -> tuple[type[Exception], ...]:
    # A refused request can only come from the requests service, and only once it is imported.
    module = sys.modules.get("skills.services.rotations")
    refused: tuple[type[Exception], ...] = (module.RequestError,) if module else ()
    return (StoreUnavailable, *refused)


def _register_planners(wanted: str | None = None) -> None:
    """Import the planner modules; each registers its `plan` subcommand. `plan rotations`
    imports only the rotation planner: the others' solvers cost seconds of a time limit."""
    chosen = f"skills.cli.{wanted}"
    for module in (chosen,) if chosen in PLANNER_MODULES else PLANNER_MODULES:
        importlib.import_module(module)
