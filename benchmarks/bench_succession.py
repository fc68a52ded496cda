"""Succession analysis at 1,000 and 5,000 people, 60 skills (skills.ingest.sample.generate).

End to end as the export runs it: read the organisation from DuckDB, index it, then the whole
analysis — N-1 for everyone, the hidden pairs, readiness of every candidate, the exact slates,
the greedy baseline, the words and the plain-Python checker — and the export file. "tight"
sets every target's min_people to what the team has today, so every member who counts
towards a target is a key person: the hard case for the slates. Target: the analysis <= 3 s
at 5,000 people.

    uv run python -m benchmarks succession
    uv run python -m benchmarks.bench_succession 5000 [tight]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

CASES = ((1000, 9, False), (5000, 45, False), (1000, 9, True), (5000, 45, True))
TARGET_SECONDS = 3.0


def tightened(dataset):  # noqa: ANN001, ANN201
    """Every target asks for exactly the members who meet it today (at least one)."""
    from skills.organisation import Organisation

    have = Organisation.of(dataset).target_have()
    targets = dataset.targets.copy()
    targets["min_people"] = [max(1, int(h)) for h in have]
    dataset.targets = targets
    return dataset


def one(people: int, teams: int, tight: bool) -> dict[str, object]:
    from skills.ingest.sample import generate
    from skills.organisation import Organisation
    from skills.plans import succession
    from skills.services import succession as service
    from skills.store import Store

    dataset = generate(people=people, teams=teams, skills=60, seed=11)
    if tight:
        dataset = tightened(dataset)
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "bench.duckdb")
        store.replace_dataset(dataset)
        started = time.perf_counter()
        stored = store.dataset()
        read = time.perf_counter() - started
        mark = time.perf_counter()
        org = Organisation.of(stored)
        index = time.perf_counter() - mark
        mark = time.perf_counter()
        plan = succession.plan_succession(org)
        analysis = time.perf_counter() - mark
        mark = time.perf_counter()
        content = service.export(store, plan=plan)
        export = time.perf_counter() - mark
        total = time.perf_counter() - started
        store.close()
    return {"people": people, "teams": teams, "targets": len(org.targets),
            "variant": "tight" if tight else "sample", "key_people": len(plan.key_people),
            "candidates": plan.candidates, "successors": len(plan.slates),
            "hidden_pairs": len(plan.hidden), "status": plan.status,
            "objective": plan.objective, "greedy": plan.greedy_objective, "gap": plan.gap,
            "violations": len(plan.violations), "read_s": round(read, 2),
            "index_s": round(index, 2), "analysis_s": round(analysis, 2),
            "export_s": round(export, 2), "total_s": round(total, 2),
            "export_kb": round(len(content) / 1024), "ok": analysis <= TARGET_SECONDS}


def main() -> None:
    args = sys.argv[1:]
    if args and args[0].isdigit():
        people = int(args[0])
        cases = [(people, max(4, round(people / 110)), "tight" in args)]
    else:
        cases = list(CASES)
    print("| people | teams | targets | variant | key people | candidates | successors | "
          "status | gap | objective | greedy | read s | index s | analysis s | export s | "
          "total s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for people, teams, tight in cases:
        r = one(people, teams, tight)
        print(f"| {r['people']:,} | {r['teams']} | {r['targets']} | {r['variant']} | "
              f"{r['key_people']} | {r['candidates']:,} | {r['successors']} | {r['status']} | "
              f"{0 if not r['gap'] else r['gap']:.2%} | "
              f"{r['objective']:.2f} | {r['greedy']:.2f} | {r['read_s']} | {r['index_s']} | "
              f"{r['analysis_s']} | {r['export_s']} | {r['total_s']} |"
              + ("" if r["ok"] and not r["violations"] else "  <- over target or violations"),
              flush=True)


if __name__ == "__main__":
    main()
