"""Rotation planner at 200, 1,000 and 5,000 people, 40 skills, 4 quarters, both solvers.

End to end as the CLI runs it: read the organisation from DuckDB, build (candidates, greedy,
model), solve, complete and check. Each case runs in its own process so peak memory
(resource.getrusage: the planner's process plus its solver child) belongs to that case alone.

    uv run python -m benchmarks rotations            # all sizes, both solvers
    uv run python -m benchmarks.bench_rotations 1000 highs
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SIZES = (200, 1000, 5000)
SOLVERS = ("highs", "cbc")
TIME_LIMIT = 60.0


def teams_for(people: int) -> int:
    # 8-10 teams at 1,000 people, scaled with size.
    return max(4, round(people / 110))


def one(people: int, solver: str) -> dict[str, object]:
    from skills.ingest.sample import generate
    from skills.plans import rotations
    from skills.store import Store

    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "bench.duckdb")
        store.replace_dataset(generate(people=people, teams=teams_for(people), skills=40,
                                       seed=11, requests=people // 20))
        started = time.perf_counter()
        dataset = store.dataset()
        read = time.perf_counter() - started
        policy = rotations.Policy(solver=solver, time_limit=TIME_LIMIT)
        result = rotations.plan(dataset, policy)
        total = time.perf_counter() - started
        org = rotations.prepare(dataset)
        assert rotations.check_plan(org, policy, result.rotations) == []
        store.close()
    mine = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"people": people, "teams": teams_for(people), "solver": solver,
            "status": result.status, "read_s": round(read, 3),
            "build_s": round(result.build_seconds, 3), "solve_s": round(result.solve_seconds, 3),
            "total_s": round(total, 3), "objective": round(result.objective or 0, 3),
            "bound": None if result.bound is None else round(result.bound, 3),
            "gap": None if result.gap is None else round(result.gap, 5),
            "greedy": round(result.greedy_objective, 3),
            "greedy_below_pct": round(100 * (1 - result.greedy_objective
                                             / max(1e-9, result.objective or 0)), 2),
            "variables": result.variables, "rows": result.constraints,
            "rotations": len(result.rotations),
            "peak_mb": round(max(mine, children) / 1024, 1)}


def main() -> None:
    header = ("people", "teams", "solver", "status", "read_s", "build_s", "solve_s", "total_s",
              "objective", "bound", "gap", "greedy", "greedy_below_pct", "variables", "rows",
              "rotations", "peak_mb")
    print("\t".join(header), flush=True)
    for people in SIZES:
        for solver in SOLVERS:
            out = subprocess.run([sys.executable, "-m", "benchmarks.bench_rotations",
                                  str(people), solver], capture_output=True, text=True,
                                 check=False)
            if out.returncode != 0:
                print(f"{people}\t{solver}\tfailed: {out.stderr.strip()[-400:]}", flush=True)
                continue
            row = json.loads(out.stdout.strip().splitlines()[-1])
            print("\t".join(str(row[k]) for k in header), flush=True)


if __name__ == "__main__":
    if len(sys.argv) == 3:
        print(json.dumps(one(int(sys.argv[1]), sys.argv[2])))
    else:
        main()
