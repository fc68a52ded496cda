"""Issue 13, time limits: the limit a user sets bounds the whole command and the whole button
press, preparation included, and planners return the best checked plan they have when it runs
out (the greedy one when the solver had no time).

No test here times a planner against a bound (that is for `benchmarks/`): each one makes the
time run out before some phase and checks that the phase looked at the clock, and that what
came back is a plan the independent checker accepts, with a status and message saying so.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from skills.ingest.sample import generate
from skills.organisation import Organisation
from skills.plans import mentoring as mt
from skills.plans import rotations as R
from skills.plans.contract import Deadline, process_started
from skills.plans.hiring import HiringOptions, plan_hiring
from skills.plans.hiring.check import check_actions
from skills.plans.mentoring import model as MM
from skills.services import jobs
from skills.services import rotations as rotation_service
from skills.store import Store

ROOT = Path(__file__).resolve().parent.parent


def run_out() -> float:
    """A start so long ago that any limit below a minute has run out."""
    return time.monotonic() - 60.0


@pytest.fixture(scope="module")
def org_300() -> object:
    return generate(people=300, seed=11)


@pytest.fixture(scope="module")
def db_300(tmp_path_factory: pytest.TempPathFactory, org_300: object) -> Path:
    path = tmp_path_factory.mktemp("limits") / "org.duckdb"
    store = Store(path)
    store.replace_dataset(org_300)
    store.close()
    return path


# --- the clock starts with the process ----------------------------------------------------------

def test_process_started_is_when_the_process_started_not_when_asked() -> None:
    # A command's limit counts the interpreter's start and the imports: the clock is the
    # process's own start, so half a second slept before asking is inside it.
    code = ("import time; time.sleep(0.5)\n"
            "from skills.plans.contract import process_started\n"
            "print(time.monotonic() - process_started())")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, check=True)
    assert float(done.stdout) >= 0.5


def test_process_started_is_in_the_past() -> None:
    started = process_started()
    assert started is not None and started <= time.monotonic()


def command_after_a_pause(db: Path, out: Path, planner: str, pause: float,
                          limit: float) -> tuple[int, dict[str, object], str]:
    """`python -m skills plan PLANNER` (or `export succession`) in a process that first sleeps
    `pause` seconds, as slow imports would: the JSON line, the exit code and standard error."""
    command = ["export", "succession"] if planner == "succession" else ["plan", planner]
    argv = ["skills", *command, "--db", str(db), "--time-limit", str(limit), "--out", str(out)]
    code = (f"import runpy, sys, time; time.sleep({pause}); sys.argv = {argv!r}; "
            "runpy.run_module('skills', run_name='__main__')")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    return done.returncode, summary, done.stderr


def test_rotations_command_counts_from_its_start(db_300: Path, tmp_path: Path) -> None:
    # Before: the clock started inside the planner, after the imports and the read, so a
    # command whose start used up the limit still solved for the whole limit.
    out = tmp_path / "plan.csv"
    code, summary, _ = command_after_a_pause(db_300, out, "rotations", 1.5, 1)
    assert code == 0
    assert summary["status"] == "feasible"
    assert "ran out before the solver could start" in str(summary["message"])
    assert float(str(summary["seconds"])) >= 1.5
    assert out.exists()


def test_mentoring_command_counts_from_its_start(db_300: Path, tmp_path: Path,
                                                 org_300: object) -> None:
    out = tmp_path / "pairs.csv"
    code, summary, stderr = command_after_a_pause(db_300, out, "mentoring", 1.5, 1)
    assert code == 0
    assert summary["status"] == "feasible" and int(str(summary["pairs"])) > 0
    assert float(str(summary["seconds"])) >= 1.5
    assert "before the exact solver could start" in stderr
    # The pairs written are a plan the independent checker accepts.
    pairs = pd.read_csv(out, dtype=str)
    assert len(pairs) == summary["pairs"]
    assert mt.check_pairs(org_300, mt.MentoringOptions(), pairs, require_maximal=False) == []


def test_hiring_command_counts_from_its_start(db_300: Path, tmp_path: Path) -> None:
    out = tmp_path / "hiring.csv"
    code, summary, stderr = command_after_a_pause(db_300, out, "hiring", 1.5, 1)
    assert code == 0
    assert summary["status"] == "feasible"
    assert float(str(summary["seconds"])) >= 1.5
    assert summary["bound"] is None
    assert out.exists() and len(pd.read_csv(out)) > 0


def test_succession_export_counts_from_its_start(db_300: Path, tmp_path: Path) -> None:
    # Before: the limit ran from the analysis, and a limit used up gave no plan at all.
    out = tmp_path / "succession.csv"
    code, summary, _ = command_after_a_pause(db_300, out, "succession", 1.5, 1)
    assert code == 0
    assert summary["status"] == "feasible" and str(summary["method"]).startswith("greedy")
    assert float(str(summary["seconds"])) >= 1.5
    assert out.exists()


# --- planners given a deadline that has already run out ------------------------------------------

def test_rotation_planner_out_of_time_returns_the_checked_greedy_plan(org_300: object) -> None:
    policy = R.Policy(time_limit=5)
    org = R.prepare(org_300)
    result = R.plan(org, policy, deadline=Deadline(policy.time_limit, started=run_out()))
    assert result.status == "feasible" and result.found
    assert result.source == "greedy" and result.rounds == 0
    assert result.bound is None and result.rotations
    assert "ran out before the solver could start" in result.message
    assert R.check_plan(org, policy, result.rotations) == []
    # With the time, the same call solves (so the above was the clock, not the data).
    solved = R.plan(org, policy)
    assert solved.status == "optimal" and solved.objective >= result.objective - 1e-9


def test_rotation_service_takes_the_callers_deadline(tmp_path: Path, org_300: object) -> None:
    store = Store(tmp_path / "org.duckdb")
    store.replace_dataset(org_300)
    policy = R.Policy(time_limit=5)
    _, result = rotation_service.run(store, policy, Deadline(5, started=run_out()))
    store.close()
    assert result.found and result.source == "greedy"
    assert "ran out before the solver could start" in result.message


def test_a_rotation_plan_waiting_for_a_worker_waits_on_its_own_time(
        tmp_path: Path, org_300: object) -> None:
    # The limit runs from the press of the button, not from when a worker is free: with both
    # workers busy for longer than the limit, the plan that finally starts has no time left.
    store = Store(tmp_path / "org.duckdb")
    store.replace_dataset(org_300)
    release = threading.Event()
    busy = [jobs.submit("busy", 10, release.wait, 10)
            for _ in range(jobs.MAX_PARALLEL_SOLVES)]
    try:
        job = rotation_service.start_plan(store, R.Policy(time_limit=1))
        waited = time.monotonic()
        while time.monotonic() - waited < 1.2:   # the limit passes while the job is queued
            release.wait(0.05)
    finally:
        release.set()
    for blocker in busy:
        blocker.result()
    _, result = job.result()
    store.close()
    assert result.found and result.source == "greedy"
    assert "ran out before the solver could start" in result.message
    assert result.seconds >= 1.2


def test_mentoring_planner_out_of_time_returns_the_checked_greedy_plan(
        org_300: object) -> None:
    options = mt.MentoringOptions(time_limit=5)
    plan = mt.plan_mentoring(org_300, options, started=run_out())
    assert plan.status == "feasible" and plan.found and len(plan.pairs) > 0
    assert plan.method.startswith("greedy")
    assert "before the exact solver could start" in plan.reasons[0]
    assert plan.bound is not None and plan.bound >= plan.objective
    assert mt.check_pairs(org_300, options, plan.pairs, require_maximal=False) == []


def test_the_greedy_stopped_by_the_clock_keeps_the_pairs_it_found(org_300: object) -> None:
    # Stopped at once, the greedy still does a first stretch of work and returns those pairs:
    # the start of the full greedy plan, each pair kept by every rule.
    prep = MM.prepare(Organisation.of(generate(people=3000, seed=11)), mt.MentoringOptions())
    full = mt.greedy_pairs(prep)
    stopped = mt.greedy_pairs(prep, stop_at=time.monotonic() - 1)
    assert 0 < len(stopped) < len(full)
    assert stopped == full[:len(stopped)]
    ids, skills = prep.org.person_ids, prep.org.skill_ids
    named = [(ids[m], ids[e], skills[s]) for m, e, s in stopped]
    assert mt.check_pairs(prep.org, mt.MentoringOptions(), named, require_maximal=False) == []


def test_hiring_planner_out_of_time_returns_the_checked_greedy_plan(org_300: object) -> None:
    options = HiringOptions(time_limit=5)
    plan = plan_hiring(org_300, options, started=run_out())
    assert plan.status == "feasible" and plan.found and plan.source == "greedy"
    assert plan.bound is None and plan.actions
    assert "ran out before the solver could start" in plan.message
    assert "model" not in plan.phases and "solve" in plan.phases   # not even built
    assert check_actions(org_300, options, plan.actions) == []
    solved = plan_hiring(org_300, options)
    assert solved.status in ("optimal", "feasible") and solved.objective <= plan.objective


def test_the_planners_read_of_the_ratings_is_the_frame_read_gives(db_300: Path) -> None:
    # Store.dataset reads the ratings through Arrow (a planner's limit counts the read); the
    # frame is the same as `read` gives, dtypes and dates included.
    store = Store(db_300)
    try:
        pd.testing.assert_frame_equal(store.dataset().ratings, store.read("ratings"))
    finally:
        store.close()


def test_a_what_if_scenario_counts_its_callers_start(org_300: object) -> None:
    # The hiring page's scenarios: the limit counts what the service read before planning.
    from skills.plans.hiring import scenarios

    result = scenarios.run_scenario(org_300, scenarios.Scenario(), time_limit=5,
                                    started=run_out())
    assert result.plan.found and result.plan.source == "greedy"
    assert "ran out before the solver could start" in result.plan.message
