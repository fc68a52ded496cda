"""A second process on the database file: a cron import or a second app while the app serves.

Real processes on a real DuckDB file. The "app" here is a process that opens the organisation
exactly as pages/_shared.py does (open_organisation: sample if empty, locked down) and serves
the overview's queries from several threads, as Streamlit serves sessions, without pause.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from skills.cli import EXIT_BUSY
from skills.ingest.sample import generate, write_csv
from skills.store import ROOT, Store
from tests.conftest import held_in_a_write

SERVE = textwrap.dedent("""
    import json, sys, threading, time, traceback
    from pathlib import Path
    from skills.services import coverage, rotations
    from skills.services.session import open_organisation, seen_by
    from skills.access import Caller, Role

    db, stop, seconds = sys.argv[1], Path(sys.argv[2]), float(sys.argv[3])
    organisation = open_organisation(db)
    served, errors = [0], []

    def serve():
        while not stop.exists() and time.monotonic() < deadline:
            try:
                coverage.overview(organisation)
                coverage.teams(organisation)
                served[0] += 1
            except Exception:
                errors.append(traceback.format_exc())

    deadline = time.monotonic() + seconds
    threads = [threading.Thread(target=serve) for _ in range(3)]
    for thread in threads:
        thread.start()
    print("serving", flush=True)
    for thread in threads:
        thread.join()
    print(json.dumps({"served": served[0], "errors": errors}), flush=True)
""")


def _serve(db: Path, stop: Path, seconds: float = 60) -> subprocess.Popen[str]:
    process = subprocess.Popen([sys.executable, "-c", SERVE, str(db), str(stop), str(seconds)],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "serving", process.stderr
    return process


def _finish(process: subprocess.Popen[str], stop: Path) -> dict[str, object]:
    stop.touch()
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "Traceback" not in err
    result = json.loads(out.strip().splitlines()[-1])
    assert result["errors"] == [], result["errors"][:1]
    assert result["served"] > 0
    return result


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "skills", *args], cwd=ROOT, text=True,
                          capture_output=True, timeout=180,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})


def _snapshots(db: Path) -> list[int]:
    store = Store(db)
    try:
        return [int(n) for n in store.read("snapshots")["snapshot"]]
    finally:
        store.close()


def test_cron_load_and_coverage_run_while_the_app_serves(tmp_path: Path) -> None:
    db, stop = tmp_path / "crosstrain.duckdb", tmp_path / "stop"
    folder = tmp_path / "next"
    write_csv(generate(people=400, teams=8, skills=30, seed=11), folder)
    app = _serve(db, stop)
    try:
        loaded = _cli("load", str(folder), "--db", str(db))
        report = _cli("coverage", "--db", str(db))
        listed = _cli("requests", "list", "--db", str(db))
    finally:
        served = _finish(app, stop)
    for result in (loaded, report, listed):
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
    assert json.loads(loaded.stdout)["snapshot"] == 2
    assert json.loads(report.stdout)
    assert sorted(set(_snapshots(db))) == [1, 2]
    assert served["served"] > 0


def test_two_app_processes_serve_one_file(tmp_path: Path) -> None:
    db = tmp_path / "crosstrain.duckdb"
    first = _serve(db, tmp_path / "stop-first")
    second = _serve(db, tmp_path / "stop-second")
    try:
        filed = _cli("requests", "add", "--db", str(db), "--person-id", "P001",
                     "--host-team", "Serving", "--earliest", "1", "--latest", "2",
                     "--priority", "2")
    finally:
        _finish(first, tmp_path / "stop-first")
        _finish(second, tmp_path / "stop-second")
    assert filed.returncode == 0, filed.stderr
    request_id = json.loads(filed.stdout)["request_id"]
    store = Store(db)
    try:
        assert list(store.read("requests")["request_id"]).count(request_id) == 1
    finally:
        store.close()


def test_a_file_held_too_long_is_reported_as_busy_not_a_traceback(tmp_path: Path) -> None:
    db = tmp_path / "busy.duckdb"
    # An import in another process that takes longer than this command may wait.
    with held_in_a_write(db):
        started = time.monotonic()
        result = _cli("coverage", "--db", str(db), env={"CROSSTRAIN_BUSY_WAIT": "1"})
    assert result.returncode == EXIT_BUSY
    assert "busy with another import" in result.stderr and "Try again" in result.stderr
    assert "Traceback" not in result.stderr
    assert time.monotonic() - started < 30
