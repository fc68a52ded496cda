"""`python -m skills load | coverage | sample | template`: the data commands."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from skills.cli import EXIT_OK, open_loaded_store, open_store
from skills.services import data


def _load(args: argparse.Namespace) -> int:
    # Checked before the database is opened: bad input never touches it, and a good load
    # holds the file only for the write (a page waiting for it waits less).
    incoming = data.check_path(args.path, args.mapping)
    store = open_store(args)
    snapshot = data.store_incoming(store, incoming, loaded_by=_command_line_user())
    dataset = incoming.dataset
    for warning in dataset.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(json.dumps({"loaded": str(args.path), "db": str(store.path),
                      "snapshot": snapshot, "sha256": incoming.sha256,
                      **dataset.summary()}))
    return EXIT_OK


def _command_line_user() -> str:
    import getpass

    try:
        return f"command line ({getpass.getuser()})"
    except (KeyError, OSError):  # no user name in a bare container
        return "command line"


# --table's choices and the service function that answers each (by name: a load, which
# shares this module, does not import coverage and its pandas).
COVERAGE_TABLES = {
    "skills": "skill_coverage",
    "target_gaps": "target_gaps",
    "key_people": "key_people",
    "team_discipline": "team_discipline_coverage",
}


def _coverage(args: argparse.Namespace) -> int:
    from skills.exports import to_csv
    from skills.services import coverage

    store = open_loaded_store(args)
    if args.format == "json":
        print(json.dumps(coverage.coverage_report(store), default=str, ensure_ascii=False))
    else:
        sys.stdout.write(to_csv(getattr(coverage, COVERAGE_TABLES[args.table])(store)))
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


def add_commands(commands: Any, db: argparse.ArgumentParser) -> None:
    load = commands.add_parser("load", parents=[db],
                               help="validate a dataset and store it as the next snapshot")
    load.add_argument("path", type=Path, help="folder of CSV files, a CSV file or an .xlsx")
    load.add_argument("--mapping", type=Path, default=None,
                      help="a mapping TOML for another tool's export (see `inspect`)")
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
