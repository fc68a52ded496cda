"""Rotation planner, three ways side by side: the plain full model, the old restricted model and
column generation, at the bundled sample (120 people), 300 people and 5,000 people / 187 teams.

- full: a plain PuLP model over every (person, other team with members, quarter), HiGHS through
  the shared runner, with a time limit (at 5,000 people: 3.7 million binaries; run under a
  memory cap so it cannot take the machine down).
- restricted: what the planner did before issue 15, the MIP over request triples and each
  person's three best hosts by learning, solved to its own optimum; its "bound" holds only for
  that restriction.
- columns: the planner now (`skills.plans.rotations.plan`), end to end from DuckDB: read,
  build, greedy, column generation, MIP, completion and check, under a wall-clock limit that
  starts before the read.

"gap" is measured against the best bound known for the full model (the column generation's
LP bound, or the full model's own when lower). Each case runs in its own process, so peak
memory (resource.getrusage of the process and its solver children) is that case's alone.

    uv run python -m benchmarks rotations
    uv run python -m benchmarks.bench_rotations one 5000 columns 5
"""

from __future__ import annotations

import json
import math
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

# 300 people in 11 teams: as many people per team as 5,000 in 187.
SIZES = {"sample": {}, "300": {"people": 300, "teams": 11, "requests": 42},
         "5000": {"people": 5000, "teams": 187, "requests": 714}}
FULL_LIMIT = {"sample": 60.0, "300": 60.0, "5000": 120.0}
COLUMN_LIMITS = {"sample": (30.0,), "300": (30.0,), "5000": (5.0, 15.0)}
FULL_MEMORY_GB = 8
# Building the plain model is Python objects per variable: at 5,000 people it is given this
# long before the case is reported as "no plan".
FULL_BUILD_SECONDS = 240
# The full model here has no cap on unrequested rotations (rule 6), so the three methods are
# compared without it; "default" runs the planner under the default policy, cap included, and
# its gap is to its own bound.
UNCAPPED = {"max_unrequested": 10 ** 6}


def dataset(size: str) -> Any:
    from skills.ingest.sample import generate

    return generate(**SIZES[size])


def full_problem(data: Any, policy: Any) -> Any:
    """The README's model over every triple, as plain PuLP (one rotation answers one request)."""
    import pulp

    from skills.plans import rotations as R

    org = R.prepare(data)
    home = org.home
    hosts = org.teams
    quarters = range(1, policy.quarters + 1)
    value = R.learning_matrix(org, policy)
    problem = pulp.LpProblem("full", pulp.LpMaximize)
    x = {}
    objective = []
    for p, team in home.items():
        i = org.person_codes[p]
        for h in hosts:
            if h == team:
                continue
            gain = float(value[i, org.team_codes[h]]) - policy.rotation_cost
            for q in quarters:
                var = problem.add_variable(f"x_{len(x)}", 0, 1, cat=pulp.LpBinary)
                x[(p, h, q)] = var
                objective.append((var, gain))
    answers = defaultdict(list)
    for request in org.requests:
        y = problem.add_variable(f"y_{request.request_id}", 0, 1, cat=pulp.LpBinary)
        objective.append((y, policy.request_weight * request.priority))
        zs = []
        for h in R.request_hosts(org, request):
            for q in R.request_quarters(request, policy):
                z = problem.add_variable(f"z_{request.request_id}_{len(zs)}", 0, 1,
                                         cat=pulp.LpBinary)
                zs.append(z)
                answers[(request.person_id, h, q)].append(z)
        problem += pulp.lpSum(zs) >= y
    for key, zs in answers.items():
        problem += pulp.lpSum(zs) <= x[key]
    problem += pulp.LpAffineExpression(objective)
    by_person, by_pq, by_host = defaultdict(list), defaultdict(list), defaultdict(list)
    for (p, h, q), var in x.items():
        by_person[p].append(var)
        by_pq[(p, q)].append(var)
        by_host[(h, q)].append(var)
    for variables in by_person.values():
        problem += pulp.lpSum(variables) <= policy.max_rotations
    for variables in by_host.values():
        problem += pulp.lpSum(variables) <= policy.host_capacity
    members = defaultdict(list)
    for p, team in home.items():
        members[team].append(p)
    if policy.max_rotations > 1:
        for variables in by_pq.values():
            problem += pulp.lpSum(variables) <= 1
    for people in members.values():
        cap = math.floor(policy.max_away_share * len(people) + 1e-9)
        for q in quarters:
            problem += pulp.lpSum(v for p in people for v in by_pq[(p, q)]) <= cap
    for target in org.targets:
        for q in quarters:
            problem += pulp.lpSum(v for p in target.qualified
                                  for v in by_pq[(p, q)]) <= target.slack
    return problem


def run_full(size: str) -> dict[str, Any]:
    from skills.plans import rotations as R
    from skills.plans import solving

    limit = FULL_LIMIT[size]
    data = dataset(size)
    started = time.perf_counter()
    policy = R.Policy(**UNCAPPED)
    signal.signal(signal.SIGALRM, _too_long)
    signal.alarm(FULL_BUILD_SECONDS)
    try:
        problem = full_problem(data, policy)
    except TimeoutError:
        return {"method": "full model", "status": f"no plan: still building the model after "
                f"{FULL_BUILD_SECONDS} s", "total_s": round(time.perf_counter() - started, 2)}
    finally:
        signal.alarm(0)
    built = time.perf_counter() - started
    outcome = solving.solve(problem, solver="highs", time_limit=limit, gap_rel=policy.gap_rel)
    return {"method": f"full model ({limit:g} s solve)", "status": outcome.status,
            "objective": outcome.objective, "bound": outcome.bound,
            "build_s": round(built, 2), "variables": len(problem.variables()),
            "total_s": round(time.perf_counter() - started, 2)}


def _too_long(signum: int, frame: Any) -> None:
    raise TimeoutError


def run_restricted(size: str) -> dict[str, Any]:
    import numpy as np

    from skills.plans import rotations as R
    from skills.plans.rotations import columns as C

    data = dataset(size)
    started = time.perf_counter()
    org = R.prepare(data)
    policy = R.Policy(candidate_hosts=3, **UNCAPPED)
    s = C.space(org, policy)
    keys = C.initial_keys(org, policy, s, [])
    out = C.solve_mip(s, keys, np.zeros(0, np.int64), None, time.monotonic() + 120, 0.0)
    return {"method": "restricted (3 hosts, old claim)", "status": out["status"],
            "objective": out.get("objective"), "bound": out.get("bound"),
            "total_s": round(time.perf_counter() - started, 2), "variables": len(keys)}


def run_columns(size: str, limit: float, capped: bool = False) -> dict[str, Any]:
    from skills.plans import rotations as R
    from skills.plans.contract import Deadline
    from skills.store import Store

    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "bench.duckdb")
        store.replace_dataset(dataset(size))
        started = time.monotonic()
        data = store.dataset()
        read = time.monotonic() - started
        policy = R.Policy(time_limit=limit, **({} if capped else UNCAPPED))
        result = R.plan(data, policy, deadline=Deadline(limit, started=started))
        total = time.monotonic() - started
        store.close()
    assert result.violations == []
    phases = {k: round(v, 2) for k, v in result.phases.items()}
    name = "default policy, capped" if capped else "column generation"
    return {"method": f"{name} ({limit:g} s)", "status": result.status,
            "objective": result.objective, "bound": result.bound, "read_s": round(read, 2),
            "total_s": round(total, 2), "phases": phases, "rounds": result.rounds,
            "variables": result.variables, "full_variables": result.full_variables,
            "greedy": round(result.greedy_objective, 2), "message": result.message}


def one(size: str, method: str, limit: float) -> dict[str, Any]:
    started = time.perf_counter()
    if method == "full":
        # A cap on the address space: at 5,000 people the plain model needs ~9 GB.
        cap = FULL_MEMORY_GB * 1024 ** 3
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        try:
            row = run_full(size)
        except MemoryError:
            row = {"method": "full model", "status": f"no plan: out of memory at "
                   f"{FULL_MEMORY_GB} GB while building"}
    elif method == "restricted":
        row = run_restricted(size)
    elif method == "default":
        row = run_columns(size, limit, capped=True)
    else:
        row = run_columns(size, limit)
    row["seconds"] = round(time.perf_counter() - started, 2)
    mine = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    row["peak_mb"] = round(max(mine, children) / 1024, 1)
    return row


def main() -> None:
    header = ("size", "method", "status", "objective", "bound", "gap_to_full_bound", "seconds",
              "peak_mb", "notes")
    # seconds: from the read (columns) or from the model's build (full, restricted) to the
    # answer; generating the organisation is not counted.
    print("\t".join(header), flush=True)
    for size in SIZES:
        rows = []
        cases = [("columns", limit) for limit in COLUMN_LIMITS[size]]
        cases += [("default", COLUMN_LIMITS[size][0]), ("restricted", 0.0),
                  ("full", FULL_LIMIT[size])]
        for method, limit in cases:
            timeout = FULL_BUILD_SECONDS + FULL_LIMIT[size] * 2 + 120
            try:
                out = subprocess.run([sys.executable, "-m", "benchmarks.bench_rotations", "one",
                                      size, method, str(limit)], capture_output=True, text=True,
                                     check=False, timeout=timeout)
            except subprocess.TimeoutExpired:
                rows.append({"method": method, "status": f"no answer in {timeout:g} s"})
                continue
            if out.returncode != 0:
                tail = out.stderr.strip().splitlines()[-1:] or [f"exit {out.returncode}"]
                rows.append({"method": method, "status": f"failed: {tail[0][:120]}"})
                continue
            rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        # The best bound known for the full model: the column generation's (it holds for the
        # full model) or the full model's own, whichever is lower.
        bounds = [r["bound"] for r in rows if r.get("bound") is not None
                  and not r["method"].startswith(("restricted", "default"))]
        full_bound = min(bounds) if bounds else None
        for row in rows:
            objective = row.get("objective")
            bound = row.get("bound") if row["method"].startswith("default") else full_bound
            gap = (None if objective is None or bound is None
                   else max(0.0, (bound - objective) / max(1e-9, abs(objective))))
            notes = {k: row[k] for k in ("phases", "rounds", "variables", "full_variables",
                                         "greedy", "read_s", "build_s")
                     if k in row}
            print("\t".join(str(v) for v in (
                size, row["method"], row["status"], _fmt(objective), _fmt(row.get("bound")),
                "" if gap is None else f"{gap:.3%}", row.get("total_s", ""),
                row.get("peak_mb", ""), json.dumps(notes))), flush=True)
    whole_command()


def whole_command() -> None:
    """Issue 13: `python -m skills plan rotations` end to end, with --time-limit 1 at 5,000
    and 20,000 people and with 15 s at 5,000 (the limit counts from the process's start;
    imports shown apart)."""
    from benchmarks import commands

    print("whole command (benchmarks.commands):", flush=True)
    commands.main(("rotations",))
    commands.main(("rotations",), (5000,), 15.0)


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "one":
        print(json.dumps(one(sys.argv[2], sys.argv[3], float(sys.argv[4])), default=str))
    else:
        main()
