"""`python -m skills history`: one entry per load (snapshot), with each critical skill's bus
factor, so a script can follow coverage between snapshots."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import pandas as pd

from skills.cli import EXIT_OK, open_store
from skills.exports import to_csv
from skills.services import data


def _history(args: argparse.Namespace) -> int:
    store = open_store(args)
    entries = data.history(store)
    if args.format == "json":
        print(json.dumps(entries, ensure_ascii=False))
        return EXIT_OK
    # CSV: one row per snapshot and critical skill.
    rows = [{**{k: v for k, v in entry.items() if k != "bus_factor"}, "skill_id": skill,
             "bus_factor": bus}
            for entry in entries for skill, bus in entry["bus_factor"].items()]
    sys.stdout.write(to_csv(pd.DataFrame(rows)))
    return EXIT_OK


def add_commands(commands: Any, db: argparse.ArgumentParser) -> None:
    history = commands.add_parser("history", parents=[db],
                                  help="every load with its counts and critical bus factors")
    history.add_argument("--format", choices=("json", "csv"), default="json")
    history.set_defaults(handler=_history)
