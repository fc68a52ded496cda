"""Whole-command wall time of `python -m skills plan PLANNER --time-limit L` (issue 13).

The time limit is the whole command's, from the process's start: the interpreter, the
imports, opening and reading DuckDB, preparing, the greedy plan, the solver, the checker and
writing the CSV all count. This runs the command as a user would, in its own process, on an
organisation made like `benchmarks.load.prepare_data` (the demo identities exist; 36 skills,
a team per 27 people), and prints per planner and size:

- `wall_s`: the command's wall clock, measured from outside;
- `seconds`: what the plan reports (from the process's start, so wall_s less the exit);
- `imports_s`: a bare `python -c "import skills.cli.PLANNER"`, the part no planner can cut;
- the status, the objective, the bound and the exit code.

    uv run python -m benchmarks.commands [rotations mentoring hiring] [--people 5000,20000]
        [--limit 1]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLANNERS = ("rotations", "mentoring", "hiring")
SIZES = (5000, 20000)


def database(folder: Path, people: int) -> Path:
    """A DuckDB file holding a generated organisation of `people`, loaded by the CLI."""
    from benchmarks.load import prepare_data

    db = folder / f"org-{people}.duckdb"
    if not db.exists():
        data = prepare_data(folder, people)
        subprocess.run([sys.executable, "-m", "skills", "load", str(data), "--db", str(db)],
                       cwd=ROOT, check=True, capture_output=True, timeout=900)
    return db


def import_seconds(planner: str) -> float:
    """A fresh interpreter importing the command's modules, best of three."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", f"import skills.cli, skills.cli.{planner}"],
                       cwd=ROOT, check=True, timeout=120)
        best = min(best, time.perf_counter() - started)
    return best


def one(db: Path, planner: str, limit: float, out: Path) -> dict[str, object]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "skills", "plan", planner, "--db", str(db),
                           "--time-limit", f"{limit:g}", "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    wall = time.perf_counter() - started
    lines = done.stdout.strip().splitlines()
    summary = json.loads(lines[-1]) if lines else {}
    return {"planner": planner, "limit": limit, "wall_s": round(wall, 2),
            "seconds": summary.get("seconds"), "status": summary.get("status"),
            "objective": summary.get("objective"), "bound": summary.get("bound"),
            "exit": done.returncode}


def main(planners: tuple[str, ...] = PLANNERS, sizes: tuple[int, ...] = SIZES,
         limit: float = 1.0) -> None:
    with tempfile.TemporaryDirectory() as folder:
        where = Path(folder)
        for people in sizes:
            db = database(where, people)
            for planner in planners:
                row = {"people": people, **one(db, planner, limit, where / "out.csv"),
                       "imports_s": round(import_seconds(planner), 2)}
                print(json.dumps(row), flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("planners", nargs="*", help=", ".join(PLANNERS) + " (default: all)")
    parser.add_argument("--people", default=",".join(map(str, SIZES)))
    parser.add_argument("--limit", type=float, default=1.0)
    args = parser.parse_args()
    unknown = set(args.planners) - set(PLANNERS)
    if unknown:
        parser.error(f"unknown planner(s): {', '.join(sorted(unknown))}")
    main(tuple(args.planners or PLANNERS), tuple(int(p) for p in args.people.split(",")),
         args.limit)
