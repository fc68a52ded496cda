"""Page rerun times through Streamlit's AppTest, at the sample, 1,000 and 5,000 people.

    uv run python -m benchmarks pages            # or: python -m benchmarks.bench_pages 1000

Issue 14's targets: the coverage explorer reruns in <= 1 s at 1,000 people and <= 2 s at
5,000. Each page is run once to warm its caches, then rerun five times; the median is shown.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from skills.ingest.sample import generate
from skills.store import ROOT, Store

PAGES = ("1_overview.py", "2_coverage.py")
RERUNS = 5


def _median_rerun(page: str, role: str = "manager") -> tuple[float, float]:
    app = AppTest.from_file(str(ROOT / "pages" / page), default_timeout=300)
    app.session_state["role"] = role
    started = time.perf_counter()
    app.run()
    first = time.perf_counter() - started
    if app.exception:
        raise RuntimeError(f"{page} failed: {app.exception[0].message}")
    times = []
    for _ in range(RERUNS):
        started = time.perf_counter()
        app.run()
        times.append(time.perf_counter() - started)
    return first, statistics.median(times)


def main(sizes: tuple[int, ...] = (120, 1000, 5000)) -> None:
    print(f"{'people':>7} {'page':<16} {'first run s':>11} {'median rerun s':>14}")
    for people in sizes:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "pages.duckdb"
            store = Store(path)
            store.replace_dataset(generate(people=people, teams=max(8, people // 25), seed=11))
            store.close()
            os.environ["CROSSTRAIN_DB"] = str(path)
            for page in PAGES:
                first, rerun = _median_rerun(page)
                print(f"{people:>7,} {page:<16} {first:>11.2f} {rerun:>14.2f}", flush=True)


if __name__ == "__main__":
    main(tuple(int(a) for a in sys.argv[1:]) or (120, 1000, 5000))
