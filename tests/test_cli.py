"""`python -m skills`: the headless twin of the pages, run as a real subprocess."""

from __future__ import annotations

import csv
import fcntl
import io
import json
import os
import subprocess
import sys

from skills.ingest.sample import SAMPLE_DIR
from skills.store import ROOT, Store
from tests.conftest import held_in_a_write, write_files


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "skills", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env=env)


def test_load_then_coverage_json(tmp_path):
    db = tmp_path / "cli.duckdb"
    loaded = run("load", str(SAMPLE_DIR), "--db", str(db))
    assert loaded.returncode == 0, loaded.stderr
    assert json.loads(loaded.stdout)["people"] == 120
    # Each load is a numbered snapshot with the SHA-256 of what was read.
    assert json.loads(loaded.stdout)["snapshot"] == 1
    assert len(json.loads(loaded.stdout)["sha256"]) == 64

    result = run("coverage", "--db", str(db))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    skill = report["skills"][0]
    assert {"skill_id", "name", "discipline", "critical", "holders"} <= skill.keys()
    gap = report["target_gaps"][0]
    assert {"team", "skill_id", "missing"} <= gap.keys()
    assert {"person_id", "skill_id"} <= report["key_people"][0].keys()
    assert report["overview"]["people"] == 120


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path):
    # `python -m skills coverage | head -c 100`: the reader closes the pipe after a few bytes.
    db = tmp_path / "cli.duckdb"
    assert run("load", str(SAMPLE_DIR), "--db", str(db)).returncode == 0
    # A 4 KB pipe: the report (tens of kilobytes) cannot all be written before the reader
    # has gone, whatever the timing.
    reading, writing = os.pipe()
    fcntl.fcntl(writing, fcntl.F_SETPIPE_SZ, 4096)
    child = subprocess.Popen([sys.executable, "-m", "skills", "coverage", "--db", str(db)],
                             cwd=ROOT, stdout=writing, stderr=subprocess.PIPE)
    os.close(writing)
    assert child.stderr is not None
    assert len(os.read(reading, 100)) > 0
    os.close(reading)
    errors = child.stderr.read().decode()
    assert child.wait(timeout=60) == 141
    assert "Traceback" not in errors and "BrokenPipe" not in errors, errors


def test_coverage_csv_tables(tmp_path):
    db = tmp_path / "cli.duckdb"
    assert run("load", str(SAMPLE_DIR), "--db", str(db)).returncode == 0
    result = run("coverage", "--db", str(db), "--format", "csv", "--table", "target_gaps")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert result.returncode == 0 and rows
    assert {"team", "skill_id", "missing"} <= rows[0].keys()


def test_invalid_input_exits_2_lists_problems_and_keeps_the_store(tmp_path):
    db = tmp_path / "cli.duckdb"
    assert run("load", str(SAMPLE_DIR), "--db", str(db)).returncode == 0
    bad = write_files(tmp_path / "bad", {
        "people.csv": "person_id,name,team,discipline\nP1,Ana,Serving,sre\n",
        "skills.csv": "skill_id,name,discipline\nir,Incident response,sre\n",
        "ratings.csv": "person_id,skill_id,level\nP1,ir,5\nP2,ir,3\n",
    })
    result = run("load", str(bad), "--db", str(db))
    assert result.returncode == 2
    assert 'ratings.csv, row 2, column "level"' in result.stderr
    assert 'ratings.csv, row 3, column "person_id"' in result.stderr
    store = Store(db)
    try:
        assert store.counts()["people"] == 120
    finally:
        store.close()


def test_db_from_environment(tmp_path):
    db = tmp_path / "env.duckdb"
    env = {"CROSSTRAIN_DB": str(db), "PATH": "/usr/bin:/bin"}
    assert run("load", str(SAMPLE_DIR), env=env).returncode == 0
    assert db.exists()


def test_coverage_on_an_empty_database_says_what_to_do(tmp_path):
    result = run("coverage", "--db", str(tmp_path / "none.duckdb"))
    assert result.returncode == 2
    assert "python -m skills load PATH" in result.stderr


def test_missing_path_is_invalid_input(tmp_path):
    result = run("load", str(tmp_path / "nowhere"), "--db", str(tmp_path / "x.duckdb"))
    assert result.returncode == 2 and "does not exist" in result.stderr


def test_a_database_held_by_another_process_is_reported_plainly(tmp_path):
    db = tmp_path / "busy.duckdb"
    with held_in_a_write(db):  # as a running app may hold it
        result = run("coverage", "--db", str(db),
                     env={**os.environ, "CROSSTRAIN_BUSY_WAIT": "1"})
    assert result.returncode == 6  # busy, try again (skills.cli.EXIT_BUSY)
    assert "busy with another import or another crosstrain process" in result.stderr
    assert "Traceback" not in result.stderr


def test_plan_rotations_imports_only_its_own_planner():
    # A 1 s time limit lost seconds to importing the other planners' solvers (issue 13).
    script = ("import sys; from skills.cli import _register_planners; "
              "_register_planners('rotations'); "
              "print(sorted(m for m in ('skills.cli.rotations', 'skills.cli.mentoring', "
              "'skills.cli.hiring') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['skills.cli.rotations']"


def test_a_cron_load_imports_no_planner(tmp_path):
    # A scheduled `load` paid for the planners' and the request service's imports (scipy,
    # the rotation model) before reading a byte; issue 12 measures the whole command.
    script = ("import sys; from skills.cli import main; "
              f"code = main(['load', {str(SAMPLE_DIR)!r}, '--db', {str(tmp_path / 'c.duckdb')!r}]);"
              "print(code, sorted(m for m in sys.modules if m.startswith(('skills.plans', "
              "'skills.services.rotations', 'scipy', 'pulp', 'ortools'))))")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "0 []"


def test_a_load_starts_openblas_with_one_thread_and_planners_keep_theirs(tmp_path):
    # numpy (under pyarrow) started OpenBLAS's thread pool on every load: a tenth of a second
    # of CPU for linear algebra a load never does. What the process saw of the variable at
    # exit, for a load, for a planner command, and for a load whose caller chose a value.
    def seen(args: list[str], env: dict[str, str]) -> str:
        script = ("import atexit, os, runpy, sys; atexit.register(lambda: print('blas', "
                  "os.environ.get('OPENBLAS_NUM_THREADS'))); "
                  f"sys.argv = ['skills', *{args!r}]; "
                  "runpy.run_module('skills', run_name='__main__')")
        done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                              text=True, timeout=120, env=env)
        return done.stdout.strip().splitlines()[-1]

    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    db = str(tmp_path / "blas.duckdb")
    assert seen(["load", str(SAMPLE_DIR), "--db", db], env) == "blas 1"
    assert seen(["coverage", "--db", db], env) == "blas None"
    assert seen(["load", str(SAMPLE_DIR), "--db", db], {**env, "OPENBLAS_NUM_THREADS": "2"}
                ) == "blas 2"
