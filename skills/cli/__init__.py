"""`python -m skills …`: what the pages do, headless, for automation and tests.

Exit codes: 0 success, 2 invalid input (problem list on stderr); planners add their own.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import duckdb

from skills.exports import to_csv
from skills.ingest.problems import DatasetError
from skills.services import coverage
from skills.services.data import load_path
from skills.store import Store, default_db_path

EXIT_OK = 0
EXIT_INVALID = 2
EXIT_INFEASIBLE = 3
EXIT_TIMEOUT = 4

Handler = Callable[[argparse.Namespace], int]
# Planner modules add their subcommands here (see `register_plan`), so this file stays small.
PLAN_COMMANDS: dict[str, tuple[Callable[[argparse.ArgumentParser], None], Handler, str]] = {}


def register_plan(name: str, help_text: str,
                  add_arguments: Callable[[argparse.ArgumentParser], None],
                  handler: Handler) -> None:
    PLAN_COMMANDS[name] = (add_arguments, handler, help_text)


class StoreUnavailable(Exception):
    pass


def open_store(args: argparse.Namespace) -> Store:
    path = args.db or default_db_path()
    try:
        return Store(path)
    except duckdb.IOException as error:
        # DuckDB lets one process write a file; the usual culprit is a running app.
        raise StoreUnavailable(f"cannot open {path}: {error}. If the app is running on this "
                               "file, stop it or pass another --db.") from None


def open_loaded_store(args: argparse.Namespace) -> Store:
    """The store, which must hold a dataset: every command but `load` reads one."""
    store = open_store(args)
    if not store.has_data():
        raise StoreUnavailable(f"{store.path} holds no dataset; load one with "
                               "`python -m skills load PATH`")
    return store


def _load(args: argparse.Namespace) -> int:
    store = open_store(args)
    dataset = load_path(store, args.path)
    for warning in dataset.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(json.dumps({"loaded": str(args.path), "db": str(store.path), **dataset.summary()}))
    return EXIT_OK


COVERAGE_TABLES = {
    "skills": coverage.skill_coverage,
    "target_gaps": coverage.target_gaps,
    "key_people": coverage.key_people,
    "team_discipline": coverage.team_discipline_coverage,
}


def _coverage(args: argparse.Namespace) -> int:
    store = open_loaded_store(args)
    if args.format == "json":
        print(json.dumps(coverage.coverage_report(store), default=str, ensure_ascii=False))
    else:
        sys.stdout.write(to_csv(COVERAGE_TABLES[args.table](store)))
    return EXIT_OK


def _sample(args: argparse.Namespace) -> int:
    from skills.ingest.sample import SAMPLE_SEED, generate, write_csv

    dataset = generate(people=args.people, teams=args.teams, skills=args.skills,
                       seed=args.seed if args.seed is not None else SAMPLE_SEED)
    for path in write_csv(dataset, args.out):
        print(path)
    return EXIT_OK


def _template(args: argparse.Namespace) -> int:
    from skills.ingest.template import template_workbook

    Path(args.out).write_bytes(template_workbook())
    print(args.out)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m skills",
                                     description="crosstrain: skills coverage and plans for "
                                                 "cross-functional MLOps organisations")
    db = argparse.ArgumentParser(add_help=False)
    db.add_argument("--db", type=Path, default=None,
                    help="DuckDB file (default: $CROSSTRAIN_DB or data/crosstrain.duckdb)")
    commands = parser.add_subparsers(dest="command", required=True)

    load = commands.add_parser("load", parents=[db], help="validate a dataset and store it")
    load.add_argument("path", type=Path, help="folder of CSV files, a CSV file or an .xlsx")
    load.set_defaults(handler=_load)

    cov = commands.add_parser("coverage", parents=[db], help="coverage, gaps and key people")
    cov.add_argument("--format", choices=("json", "csv"), default="json")
    cov.add_argument("--table", choices=tuple(COVERAGE_TABLES), default="skills",
                     help="which table --format csv prints")
    cov.set_defaults(handler=_coverage)

    sample = commands.add_parser("sample", help="write a generated organisation as CSV files")
    sample.add_argument("--out", type=Path, required=True)
    sample.add_argument("--people", type=int, default=120)
    sample.add_argument("--teams", type=int, default=None)
    sample.add_argument("--skills", type=int, default=36)
    sample.add_argument("--seed", type=int, default=None)
    sample.set_defaults(handler=_sample)

    template = commands.add_parser("template", help="write the blank .xlsx template")
    template.add_argument("--out", type=Path, default=Path("crosstrain-template.xlsx"))
    template.set_defaults(handler=_template)

    if PLAN_COMMANDS:
        plan = commands.add_parser("plan", help="rotation, mentoring and hiring plans")
        plans = plan.add_subparsers(dest="plan", required=True)
        for name, (add_arguments, handler, help_text) in PLAN_COMMANDS.items():
            sub = plans.add_parser(name, parents=[db], help=help_text)
            add_arguments(sub)
            sub.set_defaults(handler=handler)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    _register_planners()
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except DatasetError as error:
        print(str(error), file=sys.stderr)
        return EXIT_INVALID
    except StoreUnavailable as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_INVALID


def _register_planners() -> None:
    """Import the planner modules that exist; each registers its `plan` subcommand."""
    import importlib

    for module in ("skills.cli.rotations", "skills.cli.mentoring", "skills.cli.hiring"):
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as error:
            if error.name != module:
                raise
