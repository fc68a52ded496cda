"""`python -m skills plan mentoring`: mentoring pairs across specialties, headless.

Writes mentor_id, mentee_id, skill_id and score per pair (`--out`, formula-safe through
`skills.exports.to_csv`) and prints one JSON line: status, objective, bound, gap, seconds,
message, pairs, greedy. `--time-limit` bounds the whole command from the moment it starts,
the imports and reading the database included. Exit codes: 0 a plan (possibly empty, the
reason on stderr), 1 an error in the planner, 2 invalid input, 4 no plan in time.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from skills import cli
from skills.exports import to_csv
from skills.plans.mentoring import (
    PAIR_COLUMNS,
    MentoringInputError,
    MentoringOptions,
    Weights,
)
from skills.services.mentoring import plan_from_store

DEFAULTS = MentoringOptions()
EXIT_ERROR = 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--min-mentor-level", type=int, default=DEFAULTS.min_mentor_level,
                        help="least level a mentor holds in the skill (default 3)")
    parser.add_argument("--mentor-capacity", type=int, default=DEFAULTS.mentor_capacity,
                        help="most mentees per mentor (default 2)")
    parser.add_argument("--max-mentors", type=int, default=DEFAULTS.max_mentors,
                        help="most mentors per mentee (default 1)")
    parser.add_argument("--cross-weight", type=float, default=DEFAULTS.weights.cross,
                        help="worth of a pair across teams and disciplines (default 1; "
                             "negative prefers pairs within a team)")
    parser.add_argument("--exclude", action="append", default=[], metavar="PERSON_ID",
                        help="leave this person out, e.g. on leave (repeatable)")
    parser.add_argument("--ignore-accepted", action="store_true",
                        help="do not keep the pairs accepted on the page fixed")
    parser.add_argument("--time-limit", type=float, default=DEFAULTS.time_limit,
                        help="seconds for the whole command from its start, reading the data "
                             "included (default 60)")
    parser.add_argument("--out", type=Path, default=Path("pairs.csv"),
                        help="CSV file for the pairs (default pairs.csv)")


def handle(args: argparse.Namespace) -> int:
    # The limit is the whole command's, from its start: imports and reading the store count.
    started = getattr(args, "started", None) or time.monotonic()
    store = cli.open_loaded_store(args)
    options = MentoringOptions(
        min_mentor_level=args.min_mentor_level, mentor_capacity=args.mentor_capacity,
        max_mentors=args.max_mentors, weights=Weights(cross=args.cross_weight),
        exclude=frozenset(args.exclude), time_limit=args.time_limit)
    try:
        plan, _ = plan_from_store(store, options, keep_accepted=not args.ignore_accepted,
                                  started=started)
    except MentoringInputError as error:
        print(f"error: {error}", file=sys.stderr)
        return cli.EXIT_INVALID
    print(json.dumps(plan.summary()))
    for dropped in plan.dropped_fixed:
        print(f"warning: accepted pair not kept: {dropped}", file=sys.stderr)
    if plan.status == "timeout":
        print(plan.message, file=sys.stderr)
        return cli.EXIT_TIMEOUT
    if plan.status == "error":
        print(f"error: {plan.message}", file=sys.stderr)
        for reason in plan.reasons:
            print(f"  {reason}", file=sys.stderr)
        return EXIT_ERROR
    if plan.pairs.empty or plan.status != "optimal":
        print(plan.message, file=sys.stderr)
        for reason in plan.reasons:
            print(f"  {reason}", file=sys.stderr)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(to_csv(plan.pairs.loc[:, list(PAIR_COLUMNS)]), encoding="utf-8")
    return cli.EXIT_OK


cli.register_plan("mentoring", "mentoring pairs that close the gaps that matter most",
                  add_arguments, handle)
