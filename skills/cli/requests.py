"""`python -m skills requests add | list`: rotation requests, headless.

`add` prints the stored request as one JSON object; `list` prints every request with its
status and `needs_decision` (why it waits for a manager, or empty). Exit 2 on a bad request.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from skills.cli import EXIT_OK, open_loaded_store
from skills.exports import to_csv
from skills.services import rotations


def _add(args: argparse.Namespace) -> int:
    store = open_loaded_store(args)
    request_id = rotations.file_request(
        store, person_id=args.person_id, host_team=args.host_team, skill_id=args.skill_id,
        earliest_quarter=args.earliest, latest_quarter=args.latest, priority=args.priority,
        note=args.note)
    if request_id.notice:
        # A window beyond the next plan's horizon: said at filing time, off the JSON line.
        print(f"note: {request_id.notice}", file=sys.stderr)
    print(json.dumps(rotations.request(store, request_id), ensure_ascii=False))
    return EXIT_OK


def _list(args: argparse.Namespace) -> int:
    store = open_loaded_store(args)
    frame = rotations.all_requests(store)
    if args.format == "csv":
        sys.stdout.write(to_csv(frame))
    else:
        rows = json.loads(frame.to_json(orient="records"))
        print(json.dumps(rows, ensure_ascii=False))
    return EXIT_OK


def add_commands(commands: Any, db: argparse.ArgumentParser) -> None:
    group = commands.add_parser("requests", help="file and list rotation requests")
    actions = group.add_subparsers(dest="action", required=True)

    add = actions.add_parser("add", parents=[db], help="file a rotation request")
    add.add_argument("--person-id", required=True)
    where = add.add_mutually_exclusive_group(required=True)
    where.add_argument("--host-team", help="the team to join for a quarter")
    where.add_argument("--skill-id", help="a skill to grow: any team holding it may host")
    add.add_argument("--earliest", type=int, required=True, help="first quarter (1-based)")
    add.add_argument("--latest", type=int, required=True, help="last quarter")
    add.add_argument("--priority", type=int, required=True, choices=(1, 2, 3))
    add.add_argument("--note", default=None)
    add.set_defaults(handler=_add)

    listed = actions.add_parser("list", parents=[db], help="every request and its status")
    listed.add_argument("--format", choices=("json", "csv"), default="json")
    listed.set_defaults(handler=_list)
