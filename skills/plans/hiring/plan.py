"""`plan_hiring`: prepare, greedy, solve, explain and check, within one wall-clock limit."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import cast

from skills.dataset import Dataset
from skills.plans.contract import Deadline, Status, Violation
from skills.plans.hiring.check import check_actions
from skills.plans.hiring.explain import build_actions, explain_infeasible, shortfalls
from skills.plans.hiring.greedy import greedy
from skills.plans.hiring.model import (
    Choice,
    HiringOptions,
    HiringPlan,
    build_model,
    choice_cost,
    cost_bound,
    decode,
    prepare,
    pure_hiring,
    warm_start,
)
from skills.plans.solving import SolveOutcome, SolverName, solve

# The solver always gets a moment, even when preparation used up the limit: a plan slightly
# late beats none, and the greedy plan is there either way.
_SOLVER_FLOOR = 0.05
# With less than this left and a greedy plan in hand, the solver is not started at all.
_MIN_SOLVE = 0.1
_NOT_STARTED = "The time ran out before the solver could start."
# A gap this small is rounding, not a cheaper plan: costs are rounded to cents in the bound.
_CLOSED = 1e-6


def plan_hiring(dataset: Dataset, options: HiringOptions | None = None,
                started: float | None = None) -> HiringPlan:
    """The cheapest plan that meets every target, with the greedy baseline and proven bound.

    The time limit is wall clock from this call (or from `started`, a `time.monotonic()` the
    caller took before its own preparation): preparation, greedy, solve and check.
    `plan.phases` says where the seconds went.
    """
    started = time.monotonic() if started is None else started
    options = options or HiringOptions()
    phases: dict[str, float] = {}
    mark = time.monotonic()

    def lap(name: str) -> None:
        nonlocal mark
        now = time.monotonic()
        phases[name] = phases.get(name, 0.0) + now - mark
        mark = now

    inp = prepare(dataset, options)  # raises on a bad time limit, before the clock needs it
    deadline = Deadline(options.time_limit, started=started)
    lap("prepare")
    unmet = inp.unmet
    pure = pure_hiring(inp) if options.allow_hire else (None, None)
    # What every outcome reports, plan or not.
    base = HiringPlan(status="timeout", targets=len(inp.targets),
                      targets_unmet_before=len(unmet), pure_hiring_cost=pure[0],
                      pure_hiring_hires=pure[1], phases=phases)
    if not unmet:
        return replace(base, status="optimal", objective=0.0, bound=0.0, gap=0.0,
                       seconds=deadline.elapsed(), greedy_cost=0.0, greedy_hires=0,
                       source="nothing to do", message="Every target is already met.")

    baseline = greedy(inp)
    baseline_cost = choice_cost(inp, baseline) if baseline is not None else None
    lap("greedy")
    model = None
    if baseline is not None and deadline.remaining() < _MIN_SOLVE:
        # Reading and preparing used the time: the greedy plan, checked, is the answer, and
        # the model (0.2 s at 20,000 people) is not even built.
        outcome = SolveOutcome("timeout", None, None, None, 0.0, {}, options.solver,
                               _NOT_STARTED)
    else:
        model = build_model(inp)
        warm = warm_start(inp, model, baseline) if baseline is not None else None
        lap("model")
        if model.problem.variables():
            left = deadline.remaining(_SOLVER_FLOOR)
            # HiGHS stops itself a little early so that its plan comes back; the child is
            # killed at the limit itself, never later.
            outcome = solve(model.problem, solver=cast(SolverName, options.solver),
                            time_limit=max(_SOLVER_FLOOR, 0.9 * left),
                            gap_rel=options.gap_rel, warm_start=warm, seed=1, kill_after=left)
        else:
            # Targets are unmet and no action is allowed that could close any of them.
            outcome = SolveOutcome("infeasible", None, None, None, 0.0, {}, options.solver,
                                   "No action can close any gap.")

    lap("solve")
    candidates: list[tuple[tuple[float, int], str, Choice]] = []
    if outcome.values and model is not None:
        found = decode(inp, model, outcome.values)
        found_cost = choice_cost(inp, found)
        if found_cost is not None:
            candidates.append((found_cost, "optimiser", found))
    if baseline is not None and baseline_cost is not None:
        candidates.append((baseline_cost, "greedy", baseline))
    base = replace(base, greedy_cost=baseline_cost[0] if baseline_cost else None,
                   greedy_hires=baseline_cost[1] if baseline_cost else None)
    if not candidates:
        if outcome.status == "infeasible":
            reasons = explain_infeasible(inp, shortfalls(inp, min(5.0, deadline.remaining(1.0))))
            return replace(base, status="infeasible", seconds=deadline.elapsed(),
                           message="No plan can meet every target with the actions allowed.",
                           reasons=reasons)
        failed: Status = "error" if outcome.status == "error" else "timeout"
        words = (f"The planner could not finish: {outcome.message}" if failed == "error"
                 else f"No plan found within {options.time_limit:g} s. {outcome.message}")
        return replace(base, status=failed, bound=outcome.bound, seconds=deadline.elapsed(),
                       message=words.strip())

    # Cheapest first, the solver's plan on a tie; a plan the checker rejects is never shown
    # (the next candidate is), and if every candidate fails the status says so.
    rejected: list[Violation] = []
    for candidate in sorted(candidates, key=lambda c: (c[0], c[1] != "optimiser")):
        (cost, hires), source, choice = candidate
        actions = build_actions(inp, choice)
        violations = check_actions(dataset, options, actions)
        if not violations:
            break
        rejected.extend(violations)
    else:
        lap("explain and check")
        return replace(base, status="error", seconds=deadline.elapsed(), violations=rejected,
                       message="The planner produced no plan that passes its own check; "
                               "this is a fault in the planner, please report it.",
                       reasons=[v.message for v in rejected])
    lap("explain and check")
    bound = None
    if outcome.bound is not None:
        bound = min(cost, cost_bound(options.costs, outcome.bound, pure[1] or 0))
    gap = None if bound is None else (cost - bound) / max(1e-9, abs(cost))
    # "Optimal" only when the gap is closed: the solver stops at `gap_rel`, and a plan within
    # 0.3 % of the bound is reported as exactly that. The model is the README's model (every
    # restriction in model.py is lossless), so the bound holds for every plan there is.
    proven = gap is not None and gap <= _CLOSED
    status: Status = "optimal" if proven else "feasible"
    return replace(base, status=status, actions=actions, objective=cost, bound=bound, gap=gap,
                   seconds=deadline.elapsed(), hires=hires, source=source,
                   message=_message(status, source, outcome, gap, options))


def _message(status: str, source: str, outcome: SolveOutcome, gap: float | None,
             options: HiringOptions) -> str:
    if outcome.message == _NOT_STARTED and status != "optimal":
        return (f"The time limit of {options.time_limit:g} s ran out before the solver could "
                "start (reading and preparing the data used it), so this is the greedy plan, "
                "checked; allow more time for a cheaper one.")
    if status == "optimal":
        text = "Proven cheapest plan."
    elif gap is not None and outcome.status == "optimal":
        text = (f"Within {gap:.2%} of the best possible plan (the solver stops once within "
                f"{options.gap_rel:.1%}).")
    elif gap is not None:
        text = (f"Best plan found in {options.time_limit:g} s, within {gap:.2%} of the best "
                "possible plan; a longer time limit may find a cheaper one.")
    else:
        text = "Best plan found; the solver proved no bound in time."
    if source == "greedy":
        text += " The greedy baseline was already as good as anything the solver found."
    return text
