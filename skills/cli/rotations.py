"""`python -m skills plan rotations …`: the rotation planner, headless.

Prints one JSON line (status, objective, bound, gap, seconds, message, rotations) and writes the
plan as CSV. Exit codes: 0 plan found, 2 invalid input, 3 infeasible (why on stderr), 4 no plan
in time, 5 the solver failed (its words on stderr). Approved rotations that no longer fit the
data are listed on stderr; the plan is made around them.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from skills.cli import (
    EXIT_INFEASIBLE,
    EXIT_INVALID,
    EXIT_OK,
    EXIT_TIMEOUT,
    open_loaded_store,
    register_plan,
)
from skills.exports import to_csv
from skills.plans import rotations, solving
from skills.plans.contract import Deadline
from skills.services import rotations as rotation_service

# The solver crashed or is missing: neither "infeasible" nor "no plan in time".
EXIT_ERROR = 5
EXIT_CODES = {"optimal": EXIT_OK, "feasible": EXIT_OK, "infeasible": EXIT_INFEASIBLE,
              "timeout": EXIT_TIMEOUT, "error": EXIT_ERROR}
DEFAULTS = rotations.Policy()


def _cap(text: str) -> int | None:
    if text.strip().lower() == "requested":
        return None
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"give a whole number or 'requested', not {text!r}") from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quarters", type=int, default=DEFAULTS.quarters,
                        help="planning horizon in quarters (default 4)")
    parser.add_argument("--max-away-share", type=float, default=DEFAULTS.max_away_share,
                        help="most of a team away at once, as a share (default 0.25)")
    parser.add_argument("--host-capacity", type=int, default=DEFAULTS.host_capacity,
                        help="most rotators a team hosts per quarter (default 2)")
    parser.add_argument("--max-rotations", type=int, default=DEFAULTS.max_rotations,
                        help="most rotations per person in the horizon (default 1)")
    parser.add_argument("--time-limit", type=float, default=DEFAULTS.time_limit,
                        help="seconds for the whole command, from its start (default 30): when "
                             "they run out, the best checked plan so far")
    parser.add_argument("--solver", choices=solving.SOLVERS, default=DEFAULTS.solver)
    parser.add_argument("--no-unrequested", action="store_true",
                        help="only answer requests; propose no unrequested rotations")
    parser.add_argument("--max-unrequested", type=_cap, default=DEFAULTS.max_unrequested,
                        metavar="N|requested",
                        help="most unrequested rotations a plan proposes (default 'requested': "
                             "no more than the rotations that answer requests)")
    parser.add_argument("--out", type=Path, default=None,
                        help="write the plan here as CSV (default: standard output)")


def handle(args: argparse.Namespace) -> int:
    policy = rotations.Policy(quarters=args.quarters, max_away_share=args.max_away_share,
                              host_capacity=args.host_capacity, max_rotations=args.max_rotations,
                              time_limit=args.time_limit, solver=args.solver,
                              allow_unrequested=not args.no_unrequested,
                              max_unrequested=args.max_unrequested)
    try:
        policy.validate()
    except rotations.PolicyError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_INVALID
    # The limit is the whole command's, from its start: imports and reading the store count.
    deadline = Deadline(policy.time_limit, started=getattr(args, "started", None))
    store = open_loaded_store(args)
    org, result = rotation_service.run(store, policy, deadline)
    for finding in result.findings:
        print(f"note: {finding}", file=sys.stderr)
    if result.status == "infeasible":
        print("The plan is infeasible:", file=sys.stderr)
        for line in result.explanation:
            print(f"- {line}", file=sys.stderr)
    elif result.status in ("timeout", "error"):
        print(f"error: {result.message}", file=sys.stderr)
    else:
        print(result.message, file=sys.stderr)
        text = to_csv(rotations.plan_frame(org, policy, result.rotations))
        if args.out:
            args.out.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
    # The JSON line goes last, so a script can read the final line of standard output.
    print(json.dumps(result.summary()))
    return EXIT_CODES[result.status]


register_plan("rotations", "schedule rotations for a horizon of quarters", add_arguments,
              handle)
