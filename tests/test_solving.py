"""The shared solver runner: true statuses, a hard deadline, no stray processes, same plan."""

from __future__ import annotations

import itertools
import os
import pathlib
import random
import subprocess
import sys
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


def _sleeps_with_a_grandchild(seconds: float, report: str) -> str:
    grandchild = subprocess.Popen(["sleep", str(seconds)])
    with open(report, "w") as handle:
        handle.write(f"{os.getpgrp()} {grandchild.pid}")
    time.sleep(seconds)
    return "finished"


def group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes in process group `pgid`."""
    out = subprocess.run(["ps", "-eo", "pid,pgid,stat"], capture_output=True, text=True).stdout
    rows = [line.split() for line in out.splitlines()[1:]]
    return [int(pid) for pid, group, stat in rows if int(group) == pgid and "Z" not in stat]


def alive(pid: int) -> bool:
    """Running or sleeping; a zombie waiting for a reaper is dead enough."""
    try:
        state = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def test_deadline_kills_the_child_and_what_it_started(tmp_path) -> None:
    # Only the child's own process group is inspected: any other `sleep 60` on the machine
    # (another test run, a user's shell) is none of this test's business.
    report = tmp_path / "group"
    started = time.perf_counter()
    kind, _ = solving.run_with_deadline(_sleeps_with_a_grandchild, (60, str(report)), 1.0)
    assert kind == "deadline"
    assert time.perf_counter() - started < 5
    pgid, grandchild = map(int, report.read_text().split())
    assert pgid != os.getpgrp()
    assert group_members(pgid) == []
    assert not alive(grandchild)


def test_an_unrelated_sleep_does_not_fail_the_deadline_test(tmp_path) -> None:
    bystander = subprocess.Popen(["sleep", "60"])
    try:
        test_deadline_kills_the_child_and_what_it_started(tmp_path)
        assert bystander.poll() is None
    finally:
        bystander.kill()
        bystander.wait()


_ORPHAN_SCRIPT = """
import sys, pulp
sys.path.insert(0, {root!r})
from skills.plans.solving import solve
from tests.test_solving import market_split
print("solving", flush=True)
solve(market_split(m=7, n=70), solver={solver!r}, time_limit=120)
"""


@pytest.mark.parametrize("solver", SOLVERS)
def test_solver_dies_with_its_parent(solver: str) -> None:
    root = str(pathlib.Path(__file__).resolve().parent.parent)
    parent = subprocess.Popen([sys.executable, "-c", _ORPHAN_SCRIPT.format(root=root,
                                                                         solver=solver)],
                              stdout=subprocess.PIPE, text=True, cwd=root)
    try:
        assert parent.stdout is not None and parent.stdout.readline().strip() == "solving"
        child = _wait_for(lambda: _children(parent.pid), 10)
        assert child, "the solver child never started"
        pgid = child[0]
        if solver == "cbc":
            assert _wait_for(lambda: [p for p in group_members(pgid) if p != pgid], 10)
        parent.kill()
        parent.wait()
        assert _wait_for(lambda: group_members(pgid) == [], 5), group_members(pgid)
    finally:
        parent.kill()
        parent.wait()


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-eo", "pid,ppid"], capture_output=True, text=True).stdout
    rows = [line.split() for line in out.splitlines()[1:]]
    return [int(p) for p, pp in rows if int(pp) == pid]


def _wait_for(check, seconds: float):  # noqa: ANN202
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.1)


def test_cbc_runs_without_the_virtualenv_on_path() -> None:
    root = str(pathlib.Path(__file__).resolve().parent.parent)
    script = (f"import sys; sys.path.insert(0, {root!r})\n"
              "from skills.plans.solving import solve\n"
              "from tests.test_solving import knapsack\n"
              "print(solve(knapsack()[0], solver='cbc', time_limit=20).status)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "HOME": os.environ.get("HOME", "/")},
                          cwd=root, timeout=60)
    assert done.stdout.strip() == "optimal", done.stderr


def test_a_missing_solver_is_an_error_not_a_timeout(monkeypatch) -> None:
    monkeypatch.setenv("CROSSTRAIN_CBC", "/nonexistent/cbc")
    outcome = solve(knapsack()[0], solver="cbc", time_limit=10)
    assert outcome.status == "error"
    assert "/nonexistent/cbc" in outcome.message


def _dies_hard() -> None:
    os._exit(7)


def test_a_crash_in_the_child_is_an_error_with_its_message() -> None:
    kind, text = solving.run_with_deadline(_dies_hard, (), 10)
    assert kind == "error" and "7" in text


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
    # A refused option is a fault in the call, not a slow solve: it must not read as "timeout".
    assert broken.status == "error" and "no_such_option" in broken.message


def test_a_cancelled_solve_stops_at_once_and_kills_the_solver() -> None:
    import threading

    event = threading.Event()
    threading.Timer(0.5, event.set).start()
    started = time.perf_counter()
    with solving.cancelled_by(event):
        outcome = solve(market_split(), solver="cbc", time_limit=60)
    assert time.perf_counter() - started < 5
    assert outcome.status == "timeout" and "cancelled" in outcome.message
