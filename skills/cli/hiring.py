"""`python -m skills plan hiring`: the hiring plan, headless.

Writes one CSV row per action and skill (`--out`, formula-safe via `skills.exports.to_csv`) and
prints one JSON line: status, objective, bound, gap, hires, seconds.
Exit codes: 0 a plan, 1 an error in the planner, 2 invalid input, 3 infeasible (reasons on
stderr), 4 no plan in time.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from skills import cli
from skills.exports import to_csv
from skills.plans.hiring import Costs, HiringInputError, HiringOptions
from skills.plans.hiring.scenarios import ScenarioError
from skills.services.hiring import load_scenario, plan_with_learning

DEFAULTS = HiringOptions()
# A fault in the planner or the solver, not in the input: nothing the caller can fix.
EXIT_ERROR = 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--horizon", type=int, default=DEFAULTS.horizon,
                        help="quarters until every target must be met (default 4)")
    parser.add_argument("--skills-per-hire", type=int, default=DEFAULTS.skills_per_hire,
                        help="target skills one hire can bring (default 3)")
    parser.add_argument("--time-limit", type=float, default=DEFAULTS.time_limit,
                        help="seconds for the whole command from its start, reading the data "
                             "and preparation included (default 30)")
    parser.add_argument("--out", type=Path, default=Path("hiring.csv"),
                        help="CSV file for the plan (default hiring.csv)")
    parser.add_argument("--hire-cost", type=float, default=DEFAULTS.costs.hire)
    parser.add_argument("--grow-cost", type=float, default=DEFAULTS.costs.grow)
    parser.add_argument("--move-cost", type=float, default=DEFAULTS.costs.move)
    parser.add_argument("--no-hire", action="store_true", help="close gaps without hiring")
    parser.add_argument("--no-grow", action="store_true", help="do not grow anyone")
    parser.add_argument("--no-move", action="store_true", help="do not move anyone")
    parser.add_argument("--freeze", action="append", default=[], metavar="TEAM",
                        help="nobody moves out of TEAM (repeatable)")
    parser.add_argument("--scenario", default=None,
                        help="apply a what-if scenario saved in the database by name")
    parser.add_argument("--solver", choices=("highs", "cbc"), default=DEFAULTS.solver)
    parser.add_argument("--ignore-planned-learning", action="store_true",
                        help="do not count accepted mentoring pairs and approved rotations "
                             "as growth already under way")


def options_from(args: argparse.Namespace) -> HiringOptions:
    return HiringOptions(
        horizon=args.horizon, skills_per_hire=args.skills_per_hire,
        costs=Costs(hire=args.hire_cost, grow=args.grow_cost, move=args.move_cost),
        allow_hire=not args.no_hire, allow_grow=not args.no_grow, allow_move=not args.no_move,
        frozen_teams=tuple(args.freeze), time_limit=args.time_limit, solver=args.solver)


def handle(args: argparse.Namespace) -> int:
    options = options_from(args)
    problems = options.problems()
    if problems:
        for problem in problems:
            print(f"error: {problem}", file=sys.stderr)
        return cli.EXIT_INVALID
    store = cli.open_loaded_store(args)
    try:
        scenario = load_scenario(store, args.scenario) if args.scenario else None
        plan, learning = plan_with_learning(store, options,
                                            use_learning=not args.ignore_planned_learning,
                                            scenario=scenario,
                                            started=getattr(args, "started", None))
    except (HiringInputError, ScenarioError) as error:
        print(f"error: {error}", file=sys.stderr)
        return cli.EXIT_INVALID
    for line in learning:
        print(f"counted as planned: {line}", file=sys.stderr)
    print(json.dumps({**plan.summary(), "planned_learning": len(learning)}))
    if plan.status == "infeasible":
        print(plan.message, file=sys.stderr)
        for reason in plan.reasons:
            print(f"- {reason}", file=sys.stderr)
        return cli.EXIT_INFEASIBLE
    if plan.status == "timeout":
        print(plan.message, file=sys.stderr)
        return cli.EXIT_TIMEOUT
    if plan.status == "error":
        print(plan.message, file=sys.stderr)
        return EXIT_ERROR
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(to_csv(plan.frame()), encoding="utf-8")
    return cli.EXIT_OK


cli.register_plan("hiring", "hire, grow or move people until every team target is met",
                  add_arguments, handle)
