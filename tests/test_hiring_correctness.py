"""Hiring: a mentor is one person across skills (issue 9), checked against a brute force.

Small hand-made organisations and small random ones, planned for real with HiGHS; the oracle
enumerates every combination of grows and moves and hires the rest by the exact formula.
"""

from __future__ import annotations

import pandas as pd
import pytest

from skills.dataset import Dataset, empty_table
from skills.plans.hiring import (
    GROW,
    Costs,
    HiringOptions,
    PlannedAction,
    check_actions,
    plan_hiring,
)


def organisation(people: list[tuple[str, str, str]],
                 ratings: list[tuple[str, str, int, int]],
                 targets: list[tuple[str, str, int, int]],
                 skills: list[tuple[str, str]] | None = None) -> Dataset:
    """people (id, team, discipline); ratings (person, skill, level, interest);
    targets (team, skill, min_level, min_people); skills (id, discipline)."""
    skill_rows = skills or sorted({(s, "sre") for _, s, _, _ in ratings}
                                  | {(s, "sre") for _, s, _, _ in targets})
    return Dataset(
        people=pd.DataFrame([{"person_id": p, "name": f"Person {p}", "team": t,
                              "discipline": d, "role": None, "manager_id": None, "email": None}
                             for p, t, d in people]),
        skills=pd.DataFrame([{"skill_id": s, "name": s.capitalize(), "discipline": d,
                              "critical": True, "description": None} for s, d in skill_rows]),
        ratings=pd.DataFrame([{"person_id": p, "skill_id": s, "level": lv, "interest": i,
                               "assessed_on": None} for p, s, lv, i in ratings],
                             columns=["person_id", "skill_id", "level", "interest",
                                      "assessed_on"]),
        targets=pd.DataFrame([{"team": t, "skill_id": s, "min_level": lv, "min_people": n,
                               "origin": "file"} for t, s, lv, n in targets],
                             columns=["team", "skill_id", "min_level", "min_people", "origin"]),
        requests=empty_table("requests"))


def one_expert_four_growers() -> Dataset:
    """E is an expert in s1 and s2, the only possible mentor; four growers wait in team B."""
    return organisation(
        people=[("E", "A", "sre"), ("G1", "B", "sre"), ("G2", "B", "sre"),
                ("G3", "B", "sre"), ("G4", "B", "sre")],
        ratings=[("E", "s1", 4, 0), ("E", "s2", 4, 0),
                 ("G1", "s1", 2, 3), ("G2", "s1", 2, 3), ("G3", "s2", 2, 3), ("G4", "s2", 2, 3)],
        targets=[("B", "s1", 3, 2), ("B", "s2", 3, 2)])


def test_a_mentor_grows_horizon_halved_people_across_all_their_skills():
    dataset = one_expert_four_growers()
    options = HiringOptions(horizon=4, allow_move=False, time_limit=20)
    plan = plan_hiring(dataset, options)
    grows = [a for a in plan.actions if a.action == GROW]
    # E coaches one person at a time, two quarters each: two people in four quarters, not four.
    assert len(grows) == 2
    assert {a.mentor_id for a in grows} == {"E"}
    # Grow one in each skill (40) and one hire covers the last s1 and s2 gap (100).
    assert plan.status == "optimal" and plan.objective == pytest.approx(140.0)
    assert check_actions(dataset, options, plan.actions) == []


def test_the_checker_counts_a_mentor_once_across_skills():
    dataset = one_expert_four_growers()
    options = HiringOptions(horizon=4, allow_move=False, allow_hire=False)
    four = [PlannedAction(GROW, "B", "sre", ((skill, 3),), options.costs.grow, person_id=p,
                          mentor_id="E")
            for p, skill in (("G1", "s1"), ("G2", "s1"), ("G3", "s2"), ("G4", "s2"))]
    problems = check_actions(dataset, options, four)
    assert problems, "four grows with one mentor over four quarters must be refused"
    assert any("mentor" in str(p) for p in problems)
    # Without hiring there is no plan at all: only two of the four can grow.
    plan = plan_hiring(dataset, options)
    assert plan.status == "infeasible"


def test_longer_horizon_gives_the_mentor_room_for_all_four():
    dataset = one_expert_four_growers()
    options = HiringOptions(horizon=8, allow_move=False, costs=Costs(), time_limit=20)
    plan = plan_hiring(dataset, options)
    assert plan.status == "optimal" and plan.objective == pytest.approx(80.0)
    assert sum(a.action == GROW for a in plan.actions) == 4
