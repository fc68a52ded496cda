"""Import at scale: 20,000 people x 50 skills by default, against plain DuckDB.

    uv run python -m benchmarks import            # or: python -m benchmarks.bench_import 5000

Prints, for the same generated files in the same run:
- `python -m skills load` end to end (a fresh process and a fresh database, median of three),
  with the peak memory of that process;
- a plain DuckDB load-and-check of the same files (a fresh process too: read_csv, the type,
  range, reference and duplicate checks in SQL, insert into the same schema), and the ratio;
- the same two without storing (read and validate only), and that ratio: the importer's own
  share, apart from what the store does with a load (snapshots, history);
- in-process read and validate vs store, and the coverage queries over the result.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

# The baseline: what DuckDB alone does with the three files, as a script in its own process.
PLAIN_DUCKDB = r"""
import sys, duckdb
folder, db = sys.argv[1], sys.argv[2]
con = duckdb.connect(db)
con.execute(open(sys.argv[3]).read())
for t in ("people", "skills", "ratings"):
    con.execute(f"CREATE TEMP TABLE raw_{t} AS SELECT * FROM read_csv('{folder}/{t}.csv', "
                "header = true, all_varchar = true)")
bad = con.execute('''
SELECT
 (SELECT count(*) FROM raw_ratings WHERE TRY_CAST(level AS TINYINT) IS NULL
     OR TRY_CAST(level AS TINYINT) NOT BETWEEN 0 AND 4
     OR (interest IS NOT NULL AND TRY_CAST(interest AS TINYINT) NOT BETWEEN 0 AND 3)
     OR (assessed_on IS NOT NULL AND TRY_CAST(assessed_on AS DATE) IS NULL))
 + (SELECT count(*) FROM raw_ratings r ANTI JOIN raw_people p USING (person_id))
 + (SELECT count(*) FROM raw_ratings r ANTI JOIN raw_skills s USING (skill_id))
 + (SELECT count(*) - count(DISTINCT (person_id, skill_id)) FROM raw_ratings)
 + (SELECT count(*) - count(DISTINCT person_id) FROM raw_people)
 + (SELECT count(*) - count(DISTINCT skill_id) FROM raw_skills)
 + (SELECT count(*) FROM raw_people WHERE discipline NOT IN ('data', 'ml', 'sre', 'product'))
''').fetchall()[0][0]
assert bad == 0, bad
if len(sys.argv) > 4:  # check only: no insert
    sys.exit(0)
con.execute("BEGIN")
con.execute("INSERT INTO people SELECT person_id, name, team, discipline, role, manager_id, "
            "email FROM raw_people")
con.execute("INSERT INTO skills SELECT skill_id, name, discipline, CAST(critical AS BOOLEAN), "
            "description FROM raw_skills")
# The table that holds the ratings (`ratings` is a view of the newest snapshot's rows).
con.execute("INSERT INTO ratings_history SELECT 1, person_id, skill_id, CAST(level AS TINYINT), "
            "coalesce(CAST(interest AS TINYINT), 0), CAST(assessed_on AS DATE) FROM raw_ratings")
con.execute("COMMIT")
"""


def _timed(function: Callable[..., Any], *args: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def _run(command: list[str]) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak MB) of one fresh process."""
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"{command[:4]} failed with {child.returncode}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def _report(label: str, runs: list[tuple[float, float, float]]) -> tuple[float, float]:
    wall = statistics.median(r[0] for r in runs)
    cpu = statistics.median(r[1] for r in runs)
    peak = max(r[2] for r in runs)
    print(f"{label}: median {wall:.2f} s wall ({', '.join(f'{r[0]:.2f}' for r in runs)}), "
          f"{cpu:.2f} s CPU, peak {peak:.0f} MB")
    return wall, cpu


def main(people: int = 20_000, skills: int = 50) -> None:

    teams = max(8, people // 120)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        # Generated in a child: a forked child inherits its parent's peak memory figure, so
        # this process stays small until every measured process has run.
        _run([sys.executable, "-c", "import sys; from skills.ingest.sample import generate, "
              "write_csv; write_csv(generate(people=int(sys.argv[1]), teams=int(sys.argv[2]), "
              "skills=int(sys.argv[3]), seed=11), sys.argv[4])", str(people), str(teams),
              str(skills), str(root / "org")])
        size = sum(p.stat().st_size for p in (root / "org").iterdir()) / 1e6
        ratings = (root / "org" / "ratings.csv").read_bytes().count(b"\n") - 1
        print(f"dataset: {people} people, {teams} teams, {skills} skills, "
              f"{ratings} ratings, {size:.1f} MB of CSV")

        # The baseline reads only the three tables it checks; so does the CLI run.
        three = root / "three"
        three.mkdir()
        for name in ("people", "skills", "ratings"):
            (three / f"{name}.csv").write_bytes((root / "org" / f"{name}.csv").read_bytes())
        schema = root / "schema.sql"
        schema.write_text((ROOT / "sql" / "schema.sql").read_text())
        validate_only = ("import sys; from skills.ingest.loading import parse_path; "
                         "parse_path(sys.argv[1])")
        runs: dict[str, list[tuple[float, float, float]]] = {k: [] for k in "ABCD"}
        for attempt in range(3):
            runs["A"].append(_run([sys.executable, "-m", "skills", "load", str(three),
                                   "--db", str(root / f"cli{attempt}.duckdb")]))
            runs["B"].append(_run([sys.executable, "-c", PLAIN_DUCKDB, str(three),
                                   str(root / f"plain{attempt}.duckdb"), str(schema)]))
            runs["C"].append(_run([sys.executable, "-c", validate_only, str(three)]))
            runs["D"].append(_run([sys.executable, "-c", PLAIN_DUCKDB, str(three),
                                   str(root / f"check{attempt}.duckdb"), str(schema),
                                   "check-only"]))
        a = _report("A  python -m skills load, end to end (fresh process and database)",
                    runs["A"])
        b = _report("B  plain DuckDB load-and-check into the same schema, end to end", runs["B"])
        c = _report("C  crosstrain read and validate only (fresh process)", runs["C"])
        d = _report("D  plain DuckDB read and check only (fresh process)", runs["D"])
        print(f"ratio A/B (end to end): {a[0] / b[0]:.2f}x wall, {a[1] / b[1]:.2f}x CPU")
        print(f"ratio C/D (read and validate): {c[0] / d[0]:.2f}x wall, {c[1] / d[1]:.2f}x CPU")

        from skills.ingest.loading import parse_path
        from skills.services import coverage
        from skills.store import Store

        parsed, parse_seconds = _timed(parse_path, root / "org")
        store = Store(root / "bench.duckdb")
        _, store_seconds = _timed(store.replace_dataset, parsed)
        print(f"in process, all five tables: read+validate {parse_seconds:.2f} s, store "
              f"{store_seconds:.2f} s, total {parse_seconds + store_seconds:.2f} s")
        queries = {
            "skill_coverage": coverage.skill_coverage,
            "target_gaps": coverage.target_gaps,
            "key_people": coverage.key_people,
            "team_discipline_coverage": coverage.team_discipline_coverage,
        }
        def uncached(query: Callable[..., Any]) -> float:
            store.read_cache.clear()  # the query itself, as after a load, not a kept result
            return _timed(query, store)[1]

        for name, query in queries.items():
            query(store)  # first run warms DuckDB's caches; users see the second
            timings = [uncached(query) for _ in range(3)]
            print(f"query {name}: median {sorted(timings)[1] * 1000:.0f} ms")
        store.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process: {peak:.0f} MB")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
