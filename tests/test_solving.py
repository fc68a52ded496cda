"""The shared solver runner: true statuses, a hard deadline, no stray processes, same plan."""

from __future__ import annotations

import itertools
import os
import random
import subprocess
import time

import pulp
import pytest

from skills.plans import solving
from skills.plans.solving import solve

SOLVERS = ("highs", "cbc")


def knapsack(n: int = 14, seed: int = 3, maximize: bool = True) -> tuple[pulp.LpProblem, list]:
    rng = random.Random(seed)
    weights = [rng.randint(10, 100) for _ in range(n)]
    values = [w + rng.randint(0, 30) for w in weights]
    problem = pulp.LpProblem("knapsack", pulp.LpMaximize if maximize else pulp.LpMinimize)
    xs = [problem.add_variable(f"x{i:03d}", cat="Binary") for i in range(n)]
    sign = 1 if maximize else -1
    problem += pulp.LpAffineExpression([(x, sign * v) for x, v in zip(xs, values, strict=True)])
    problem += pulp.LpAffineExpression(list(zip(xs, weights, strict=True))) <= sum(weights) // 2
    return problem, [weights, values, sum(weights) // 2]


def brute_force_best(weights: list[int], values: list[int], capacity: int) -> int:
    best = 0
    for choice in itertools.product((0, 1), repeat=len(weights)):
        if sum(c * w for c, w in zip(choice, weights, strict=True)) <= capacity:
            best = max(best, sum(c * v for c, v in zip(choice, values, strict=True)))
    return best


def market_split(m: int = 6, n: int = 60, seed: int = 1) -> pulp.LpProblem:
    """Equality knapsacks that no MIP solver settles in seconds: no solution comes in time."""
    rng = random.Random(seed)
    problem = pulp.LpProblem("market_split", pulp.LpMaximize)
    xs = [problem.add_variable(f"x{i:03d}", cat="Binary") for i in range(n)]
    problem += pulp.LpAffineExpression([(x, 1) for x in xs])
    for _ in range(m):
        a = [rng.randint(0, 99) for _ in range(n)]
        problem += pulp.LpAffineExpression(list(zip(xs, a, strict=True))) == sum(a) // 2
    return problem


def multi_knapsack(m: int = 30, n: int = 400, seed: int = 5) -> pulp.LpProblem:
    """Many-constraint knapsack: a plan comes at once, proving it best takes far longer."""
    rng = random.Random(seed)
    problem = pulp.LpProblem("multi_knapsack", pulp.LpMaximize)
    xs = [problem.add_variable(f"x{i:03d}", cat="Binary") for i in range(n)]
    problem += pulp.LpAffineExpression([(x, rng.randint(1, 1000)) for x in xs])
    for _ in range(m):
        a = [rng.randint(1, 1000) for _ in range(n)]
        problem += pulp.LpAffineExpression(list(zip(xs, a, strict=True))) <= sum(a) // 4
    return problem


def infeasible() -> pulp.LpProblem:
    problem = pulp.LpProblem("infeasible", pulp.LpMaximize)
    y, z = problem.add_variable("y", cat="Binary"), problem.add_variable("z", cat="Binary")
    problem += y + z
    problem += pulp.LpAffineExpression([(y, 1), (z, 1)]) >= 3
    return problem


def solver_processes() -> set[int]:
    out = subprocess.run(["ps", "-eo", "pid,ppid,comm"], capture_output=True, text=True).stdout
    mine = os.getpid()
    rows = [line.split() for line in out.splitlines()[1:]]
    return {int(pid) for pid, ppid, comm in rows
            if comm != "ps" and ("cbc" in comm.lower() or int(ppid) == mine)}


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("maximize", [True, False])
def test_optimum_matches_brute_force(solver: str, maximize: bool) -> None:
    problem, (weights, values, capacity) = knapsack(maximize=maximize)
    best = brute_force_best(weights, values, capacity)
    outcome = solve(problem, solver=solver, time_limit=20, gap_rel=0.0)
    assert outcome.status == "optimal"
    assert outcome.solver == solver
    assert abs(abs(outcome.objective) - best) < 1e-6
    assert outcome.gap is not None and outcome.gap < 1e-6
    chosen = [int(round(outcome.values[f"x{i:03d}"])) for i in range(len(weights))]
    assert sum(c * w for c, w in zip(chosen, weights, strict=True)) <= capacity
    assert sum(c * v for c, v in zip(chosen, values, strict=True)) == best


@pytest.mark.parametrize("solver", SOLVERS)
def test_gap_tolerance_reports_bound_on_the_right_side(solver: str) -> None:
    problem, (weights, values, capacity) = knapsack(n=40)
    outcome = solve(problem, solver=solver, time_limit=20, gap_rel=0.01)
    assert outcome.status == "optimal"
    # Maximising: the bound can only be above the plan, and within the tolerance.
    assert outcome.bound >= outcome.objective - 1e-6
    assert outcome.gap <= 0.01 + 1e-9


@pytest.mark.parametrize("solver", SOLVERS)
def test_infeasible_is_reported_as_such(solver: str) -> None:
    outcome = solve(infeasible(), solver=solver, time_limit=10)
    assert outcome.status == "infeasible"
    assert outcome.values == {} and outcome.objective is None


@pytest.mark.parametrize("solver", SOLVERS)
def test_no_solution_in_time_is_a_timeout_not_optimal(solver: str) -> None:
    before = solver_processes()
    outcome = solve(market_split(), solver=solver, time_limit=1.0)
    assert outcome.status == "timeout"
    assert outcome.values == {}
    assert outcome.seconds < solving.deadline_for(1.0) + 1
    assert solver_processes() <= before


@pytest.mark.parametrize("solver", SOLVERS)
def test_stopped_with_a_plan_is_feasible_with_a_gap(solver: str) -> None:
    outcome = solve(multi_knapsack(), solver=solver, time_limit=1.0, gap_rel=0.0)
    assert outcome.status == "feasible"
    assert outcome.gap is not None and outcome.gap > 0
    assert outcome.bound > outcome.objective
    assert outcome.values


def _sleeps_with_a_grandchild(seconds: float) -> str:
    subprocess.Popen(["sleep", str(seconds)])
    time.sleep(seconds)
    return "finished"


def test_deadline_kills_the_child_and_what_it_started() -> None:
    started = time.perf_counter()
    kind, _ = solving.run_with_deadline(_sleeps_with_a_grandchild, (60,), 1.0)
    assert kind == "deadline"
    assert time.perf_counter() - started < 5
    out = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    assert "sleep 60" not in out.splitlines()


def test_errors_in_the_child_come_back_as_text() -> None:
    kind, text = solving.run_with_deadline(int, ("not a number",), 10)
    assert kind == "error" and "ValueError" in text


@pytest.mark.parametrize("solver", SOLVERS)
def test_same_input_same_plan_and_warm_start_accepted(solver: str) -> None:
    first = solve(knapsack(n=40)[0], solver=solver, time_limit=20)
    second = solve(knapsack(n=40)[0], solver=solver, time_limit=20, warm_start=first.values)
    third = solve(knapsack(n=40)[0], solver=solver, time_limit=20)
    assert first.values == third.values
    assert second.objective >= first.objective - 1e-6


def test_solver_output_does_not_reach_our_stdout(capfd: pytest.CaptureFixture[str]) -> None:
    solve(knapsack()[0], solver="highs", time_limit=10)
    solve(knapsack()[0], solver="cbc", time_limit=10)
    captured = capfd.readouterr()
    assert captured.out == "" and captured.err == ""


def test_bad_arguments_are_named() -> None:
    with pytest.raises(ValueError, match="unknown solver"):
        solve(knapsack()[0], solver="gurobi")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="time_limit"):
        solve(knapsack()[0], time_limit=0)


def test_highs_options_are_passed_and_bad_ones_reported() -> None:
    plain = solve(knapsack(n=40)[0], solver="highs", time_limit=20, gap_rel=0.0)
    without_presolve = solve(knapsack(n=40)[0], solver="highs", time_limit=20, gap_rel=0.0,
                             highs_options={"presolve": "off"})
    assert without_presolve.status == "optimal"
    assert without_presolve.objective == pytest.approx(plain.objective)
    broken = solve(knapsack()[0], solver="highs", time_limit=20,
                   highs_options={"no_such_option": 1})
    assert broken.status == "timeout" and "no_such_option" in broken.message
