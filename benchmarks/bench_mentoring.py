"""Mentoring planner at 5,000 and 20,000 people (skills.ingest.sample.generate, 36 skills, 8 teams).

End to end as the CLI runs it: read the organisation from DuckDB, build the network, solve
exactly, re-check with the plain checker. The figures: people, pairs, objective, status, and
seconds for reading, planning (build + solve + check) and in total. Targets: 5,000 people
optimal in <= 2 s, 20,000 in <= 15 s.

    uv run python -m benchmarks mentoring            # both sizes
    uv run python -m benchmarks.bench_mentoring 5000 [teams]
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

SIZES = (5000, 20000)
TARGETS = {5000: 2.0, 20000: 15.0}


def one(people: int, teams: int | None = None) -> dict[str, object]:
    from skills.ingest.sample import generate
    from skills.plans import mentoring
    from skills.store import Store

    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "bench.duckdb")
        store.replace_dataset(generate(people=people, teams=teams, seed=11))
        started = time.perf_counter()
        dataset = store.dataset()
        read = time.perf_counter() - started
        org = mentoring.organisation(dataset)
        plan = mentoring.plan_mentoring(org, mentoring.MentoringOptions())
        total = time.perf_counter() - started
        store.close()
    return {"people": people, "teams": teams or 8, "status": plan.status,
            "pairs": len(plan.pairs), "objective": round(plan.objective, 3),
            "read_s": round(read, 2), "plan_s": round(plan.seconds, 2),
            "total_s": round(total, 2), "target_s": TARGETS.get(people),
            "method": plan.method}


def main() -> None:
    args = sys.argv[2:] if sys.argv[1:2] == ["mentoring"] else sys.argv[1:]
    sizes = [int(args[0])] if args else list(SIZES)
    teams = int(args[1]) if len(args) > 1 else None
    for people in sizes:
        print(json.dumps(one(people, teams)), flush=True)


if __name__ == "__main__":
    main()
