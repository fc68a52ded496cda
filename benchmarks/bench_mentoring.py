"""Mentoring planner figures (skills.ingest.sample.generate, 36 skills, 8 teams, seed 11).

End to end as the CLI runs it: read the organisation from DuckDB, plan (greedy, the exact model
in the deadline runner's child, the checker) with the time limit counted from before the read.
Printed per case: people, settings, status, pairs, objective, bound, gap, greedy, seconds for
reading and in total, and the method.

- the flow path (one mentor per mentee, mentors at level >= 3) at 5,000 and 20,000 people, with
  the default limit and with a limit of 1 s (issue 13: the limit bounds the whole call);
- the general path (two mentors per mentee, mentors from level 2) at 300 and 700 people with
  limits of 10 and 30 s (issue 9: it ran 365 s against a 60 s limit before).

    uv run python -m benchmarks mentoring               # every case
    uv run python -m benchmarks.bench_mentoring 5000 [teams]
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from pathlib import Path

FLOW = ((5000, 60.0), (5000, 1.0), (20000, 60.0), (20000, 1.0))
GENERAL = ((300, 10.0), (300, 30.0), (700, 10.0), (700, 30.0))


def one(people: int, teams: int | None = None, time_limit: float = 60.0,
        general: bool = False) -> dict[str, object]:
    from skills.ingest.sample import generate
    from skills.plans import mentoring
    from skills.services.mentoring import plan_from_store
    from skills.store import Store

    options = mentoring.MentoringOptions(time_limit=time_limit)
    if general:
        options = mentoring.MentoringOptions(max_mentors=2, min_mentor_level=2,
                                             time_limit=time_limit)
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "bench.duckdb")
        store.replace_dataset(generate(people=people, teams=teams, seed=11))
        started = time.monotonic()
        store.dataset()
        read = time.monotonic() - started
        started = time.monotonic()
        plan, _ = plan_from_store(store, options, started=started)
        total = time.monotonic() - started
        store.close()
    return {"people": people, "teams": teams or 8,
            "path": "general (2 mentors, level >= 2)" if general else "flow",
            "time_limit": time_limit, "status": plan.status, "pairs": len(plan.pairs),
            "objective": round(plan.objective, 2),
            "bound": None if plan.bound is None else round(plan.bound, 2),
            "gap": None if plan.gap is None else round(plan.gap, 5),
            "greedy": None if plan.greedy_objective is None else round(plan.greedy_objective, 2),
            "read_s": round(read, 2), "total_s": round(total, 2),
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
            "method": plan.method}


def main() -> None:
    args = sys.argv[2:] if sys.argv[1:2] == ["mentoring"] else sys.argv[1:]
    if args:
        teams = int(args[1]) if len(args) > 1 else None
        print(json.dumps(one(int(args[0]), teams)), flush=True)
        return
    for people, limit in FLOW:
        print(json.dumps(one(people, time_limit=limit)), flush=True)
    for people, limit in GENERAL:
        print(json.dumps(one(people, time_limit=limit, general=True)), flush=True)
    whole_command()


def whole_command() -> None:
    """Issue 13: `python -m skills plan mentoring --time-limit 1` end to end, at 5,000 and
    20,000 people (the limit counts from the process's start; imports shown apart)."""
    from benchmarks import commands

    print("whole command, --time-limit 1 (benchmarks.commands):", flush=True)
    commands.main(("mentoring",))


if __name__ == "__main__":
    main()
