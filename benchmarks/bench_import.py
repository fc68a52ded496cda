"""Import and coverage at scale: 20,000 people x 50 skills by default.

    uv run python -m benchmarks import            # or: python -m benchmarks.bench_import 5000
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

from skills.ingest.loading import parse_path
from skills.ingest.sample import generate, write_csv
from skills.services import coverage
from skills.store import Store

QUERIES = {
    "skill_coverage": coverage.skill_coverage,
    "target_gaps": coverage.target_gaps,
    "key_people": coverage.key_people,
    "team_discipline_coverage": coverage.team_discipline_coverage,
    "ratings_matrix (400 people)": coverage.ratings_matrix,
    "overview": coverage.overview,
}


def _timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def main(people: int = 20_000, skills: int = 50) -> None:
    teams = max(8, people // 120)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        dataset = generate(people=people, teams=teams, skills=skills, seed=11)
        write_csv(dataset, root / "org")
        size = sum(p.stat().st_size for p in (root / "org").iterdir()) / 1e6
        print(f"dataset: {people} people, {teams} teams, {skills} skills, "
              f"{len(dataset.ratings)} ratings, {size:.1f} MB of CSV")
        parsed, parse_seconds = _timed(parse_path, root / "org")
        store = Store(root / "bench.duckdb")
        _, store_seconds = _timed(store.replace_dataset, parsed)
        print(f"import: read+validate {parse_seconds:.2f} s, store {store_seconds:.2f} s, "
              f"total {parse_seconds + store_seconds:.2f} s")
        _, replace_seconds = _timed(store.replace_dataset, parsed)
        print(f"re-import over a stored dataset (store only): {replace_seconds:.2f} s")
        for name, query in QUERIES.items():
            query(store)  # first run warms DuckDB's caches; users see the second
            timings = [_timed(query, store)[1] for _ in range(3)]
            print(f"query {name}: median {sorted(timings)[1] * 1000:.0f} ms")
        store.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak:.0f} MB")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
