"""Soak: the load mix for a long time against a 5,000-person organisation.

    uv run python -m benchmarks.soak [--minutes 60] [--sessions 10] [--people 5000] [--think 2]

The same sessions as benchmarks/load.py (engineers browsing and filing requests, managers
planning and approving, one session re-running the planner, a cron import every few minutes),
over Streamlit's websocket protocol (benchmarks/protocol.py; `--browser` for Chromium), run as
one stage for the whole duration (tests/test_soak.py runs it for two minutes). Reports server
RSS after warm-up and at the end (must stay within 20 %), open file descriptors and child
processes of the server (must not grow), the database file's size (must stay bounded: every
load ends with a CHECKPOINT), and the load's own pass criteria except the p95 limits, which
belong to the sample organisation.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.load import (
    CHROMIUM,
    Results,
    Server,
    cron_imports,
    drive,
    prepare_data,
    report,
    sample_server,
    start_server,
)

RSS_GROWTH = 0.20


@dataclass
class Verdict:
    failures: list[str]
    warm_rss: float
    end_rss: float
    fds: tuple[int, int]
    children: tuple[int, int]
    db_mb: tuple[float, float]


def judge(results: Results, warm_up: float, imports: int) -> Verdict:
    """The soak's own criteria, from the server samples.

    RSS swings by tens of MB within seconds (a plan in memory, a page's frames, the
    allocator), so one sample against another says little: "flat" compares the median of the
    first quarter of the samples after warm-up with the median of the last quarter."""
    samples = results.samples
    if len(samples) < 2:
        return Verdict(["too few server samples"], 0, 0, (0, 0), (0, 0), (0, 0))
    after = [s for s in samples if s["t"] >= warm_up] or samples[len(samples) // 2:]
    quarter = max(1, len(after) // 4)
    warm_rss = _median([s["rss_mb"] for s in after[:quarter]])
    end_rss = _median([s["rss_mb"] for s in after[-quarter:]])
    warm, end = after[0], samples[-1]
    failures = []
    if end_rss > warm_rss * (1 + RSS_GROWTH):
        failures.append(f"server RSS grew from {warm_rss} MB after warm-up to {end_rss} MB "
                        f"(medians of the first and last quarter; limit +{RSS_GROWTH:.0%})")
    # A solve in progress holds a child and a pipe or two; more than that is a leak.
    if end["children"] > 2:
        failures.append(f"{end['children']} child processes left at the end")
    if end["fds"] > warm["fds"] + 10:
        failures.append(f"open file descriptors grew from {warm['fds']} to {end['fds']}")
    first_db = samples[0]["db_mb"]
    # Each load keeps its snapshot (the *_history tables), so the file grows by about one
    # organisation per load; more than three per load means the WAL or free blocks pile up.
    per_load = (end["db_mb"] - first_db) / max(1, imports)
    if imports and per_load > 3 * max(first_db, 1.0):
        failures.append(f"database grew {per_load:.1f} MB per load from {first_db} MB")
    return Verdict(failures, warm_rss, end_rss, (warm["fds"], end["fds"]),
                   (warm["children"], end["children"]), (first_db, end["db_mb"]))


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return round(ordered[middle] if len(ordered) % 2 else
                 (ordered[middle - 1] + ordered[middle]) / 2, 1)


def soak(minutes: float, sessions: int, people: int, import_every: float,
         warm_up: float | None = None, think: float = 2.0, browser: bool = False,
         hard_limit: float | None = None, probe: Path | None = None,
         options: tuple[str, ...] = (),
         open_requests: int | None = None) -> tuple[Results, Verdict, list[str]]:
    """Run the mix; the results, the soak verdict and the load's own failures. The sessions
    are cancelled after `hard_limit` seconds (default: the duration plus five minutes), which
    is then a failure."""
    if browser and not CHROMIUM.exists():
        raise SystemExit(f"{CHROMIUM} is missing: apt-get install chromium")
    seconds = minutes * 60
    hard_limit = seconds + 300 if hard_limit is None else hard_limit
    warm_up = min(300.0, seconds / 4) if warm_up is None else warm_up
    results = Results()
    with tempfile.TemporaryDirectory(prefix="crosstrain-soak-") as folder:
        data = prepare_data(Path(folder), people)
        server = start_server(Path(folder), data, options, probe=probe)
        stop = threading.Event()
        threads = [threading.Thread(target=cron_imports, daemon=True,
                                    args=(data, server.db, import_every, stop, results)),
                   threading.Thread(target=_sample, daemon=True,
                                    args=(server, stop, results))]
        started = time.monotonic()  # the sampler's clock
        try:
            for thread in threads:
                thread.start()
            try:
                asyncio.run(asyncio.wait_for(
                    drive(server, [sessions], seconds, results, think=think, browser=browser,
                          open_requests=open_requests),
                    timeout=hard_limit))
            except TimeoutError:
                results.errors.append(f"the sessions were still running after {hard_limit:.0f}"
                                      " s and were cancelled")
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=600)
            # The sessions have closed: what the server holds now is what it keeps.
            with contextlib.suppress(OSError, ValueError):
                results.samples.append({"t": round(time.monotonic() - started, 1),
                                        **server.stats(), "load1": os.getloadavg()[0],
                                        "db_mb": round(server.db.stat().st_size / 2**20, 2)})
            load_failures = report(results, server, [sessions])
            server.stop()
    verdict = judge(results, warm_up, len(results.imports))
    print(f"soak: {minutes} min, {sessions} sessions, {people or 'sample'} people; RSS "
          f"{verdict.warm_rss} MB after {warm_up:.0f} s warm-up, {verdict.end_rss} MB at the "
          f"end (medians of the first and last quarter after it);\n  fds {verdict.fds[0]} → "
          f"{verdict.fds[1]}; children {verdict.children[0]} → "
          f"{verdict.children[1]}; DB {verdict.db_mb[0]} → {verdict.db_mb[1]} MB after "
          f"{len(results.imports)} loads", flush=True)
    every = max(1, len(results.samples) // 24)
    print("server RSS MB over time (s): " + ", ".join(
        f"{s['t']:.0f}:{s['rss_mb']:.0f}" for s in results.samples[::every]), flush=True)
    # The p95 limits are for the sample organisation; here only correctness counts.
    load_failures = [f for f in load_failures if not f.startswith("p95")]
    return results, verdict, load_failures


def _sample(server: Server, stop: threading.Event, results: Results) -> None:
    sample_server(server, stop, 5.0, results)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.soak")
    parser.add_argument("--minutes", type=float, default=60)
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--import-every", type=float, default=300)
    parser.add_argument("--think", type=float, default=2.0,
                        help="mean seconds a session waits between steps (0: none)")
    parser.add_argument("--browser", action="store_true",
                        help="drive Chromium through Playwright instead of the protocol")
    parser.add_argument("--probe", type=Path, metavar="FILE",
                        help="the server writes what its memory is made of to FILE (JSON lines)")
    parser.add_argument("--streamlit-option", action="append", default=[], metavar="NAME=VALUE",
                        help="serve with another Streamlit option, e.g. runner.postScriptGC=false")
    parser.add_argument("--open-requests", type=int, metavar="N",
                        help="an engineer session withdraws its oldest request before filing "
                             "one more than N (default: never)")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    options = tuple(part for option in args.streamlit_option
                    for part in (f"--{option.split('=', 1)[0]}", option.split("=", 1)[1]))
    _, verdict, load_failures = soak(args.minutes, args.sessions, args.people,
                                     args.import_every, think=args.think,
                                     browser=args.browser, probe=args.probe, options=options,
                                     open_requests=args.open_requests)
    failures = verdict.failures + load_failures
    print("PASS" if not failures else "FAIL:\n  " + "\n  ".join(failures), flush=True)
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
