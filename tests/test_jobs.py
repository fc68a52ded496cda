"""Plans run off the page's script thread: progress, result, errors and cancel."""

from __future__ import annotations

import time

import pytest

from skills.plans.solving import solve
from skills.services import jobs
from tests.test_solving import knapsack, market_split


def test_a_job_returns_its_result_and_reports_progress() -> None:
    job = jobs.submit("knapsack", 20, solve, knapsack()[0], solver="highs", time_limit=20)
    assert 0.0 <= job.progress() <= 1.0
    outcome = job.result()
    assert job.done and job.progress() == 1.0
    assert outcome.status == "optimal"


def test_a_job_that_fails_raises_its_error_to_the_caller() -> None:
    job = jobs.submit("bad", 5, int, "not a number")
    with pytest.raises(ValueError):
        job.result()


def test_cancel_stops_a_running_solve_within_a_second_or_two() -> None:
    job = jobs.submit("slow", 60, solve, market_split(), solver="highs", time_limit=60)
    time.sleep(0.5)
    started = time.perf_counter()
    job.cancel()
    outcome = job.result()
    assert time.perf_counter() - started < 3
    assert outcome.status == "timeout" and "cancelled" in outcome.message
    assert job.cancelled
