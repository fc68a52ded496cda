"""Hiring's optimiser against a brute force over every combination of actions (issues 9, 15).

The oracle knows nothing of the planner's shortcuts: it gives every person every action the
README allows — nothing, grow one level in *any* skill they are keen on (not only the targets
they are one level short of), or move to *any* other team (one by one, not in classes) — tries
every combination, checks the rules (one action each, a mentor is one person with
horizon // 2 slots across all skills, a team someone leaves meets its targets with those who
stay, no moves out of frozen teams) and hires the rest. Hires are the one place it trusts a
formula; `test_the_hire_formula_is_the_fewest_hires` checks that formula against every way of
dealing skills out to individual hires.

So each restriction of the planner (move classes, grow options only one level short of a
target, hires counted per (team, discipline)) is tested lossless: the planner's optimum and
its bound must equal / never exceed the unrestricted optimum.
"""

from __future__ import annotations

import itertools
import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skills.dataset import Dataset, empty_table
from skills.organisation import (
    KEEN_INTEREST,
    Organisation,
    levels_grown,
    mentees_per_mentor,
    mentor_level_for,
)
from skills.plans.hiring import Costs, HiringOptions, check_plan, hires_needed, plan_hiring


def brute_force_hires(needs: list[int], per_hire: int) -> int:
    """Fewest hires, each bringing at most `per_hire` distinct skills, covering every need."""
    needs = [n for n in needs if n > 0]
    if not needs:
        return 0
    skills = range(len(needs))
    profiles = [c for size in range(1, per_hire + 1) for c in itertools.combinations(skills, size)]
    for count in itertools.count(1):
        for chosen in itertools.combinations_with_replacement(profiles, count):
            brought = [0] * len(needs)
            for profile in chosen:
                for s in profile:
                    brought[s] += 1
            if all(b >= n for b, n in zip(brought, needs, strict=True)):
                return count
    raise AssertionError("unreachable")


@settings(max_examples=60, deadline=None)
@given(needs=st.lists(st.integers(0, 3), min_size=1, max_size=4), per_hire=st.integers(1, 3))
def test_the_hire_formula_is_the_fewest_hires(needs, per_hire):
    assert hires_needed(needs, per_hire) == brute_force_hires(needs, per_hire)


def _matchable(grows: list[tuple[int, int, int]], level: list[list[int]], slots: int) -> bool:
    """Can every grow (person, skill, mentor level) get a mentor, each with `slots` places?"""
    if not grows:
        return True
    if slots == 0:
        return False
    people = range(len(level))
    places = [(m, n) for m in people for n in range(slots)]
    taken: dict[tuple[int, int], int] = {}

    def place(g: int, seen: set[tuple[int, int]]) -> bool:
        person, skill, needed = grows[g]
        for slot in places:
            mentor = slot[0]
            if mentor == person or level[mentor][skill] < needed or slot in seen:
                continue
            seen.add(slot)
            if slot not in taken or place(taken[slot], seen):
                taken[slot] = g
                return True
        return False

    return all(place(g, set()) for g in range(len(grows)))


def oracle(dataset: Dataset, options: HiringOptions) -> tuple[float, int] | None:
    """(cost, hires) of the cheapest plan over every combination of actions, None if none."""
    org = Organisation.of(dataset)
    level = org.level.astype(int).tolist()
    interest = org.interest.astype(int).tolist()
    team = org.team_code.tolist()
    t = org.targets
    targets = list(zip(t.team.tolist(), t.skill.tolist(), t.min_level.tolist(),
                       t.min_people.tolist(), strict=True))
    discipline = [str(d) for d in org.skill_disciplines]
    frozen = {org.team_index[name] for name in options.frozen_teams}
    slots = mentees_per_mentor(options.horizon)
    step = levels_grown(options.horizon)
    people = range(org.n_people)

    def have(team_of: list[int], lv: list[list[int]], n: int, present: set[int] | None = None
             ) -> int:
        target_team, skill, min_level, _ = targets[n]
        return sum(1 for p in people if team_of[p] == target_team and lv[p][skill] >= min_level
                   and (present is None or p in present))

    met_now = [have(team, level, n) >= targets[n][3] for n in range(len(targets))]
    choices: list[list[tuple[str, int]]] = []
    for p in people:
        mine: list[tuple[str, int]] = [("none", 0)]
        if options.allow_grow and step and org.person_ids[p] not in options.learners:
            mine += [("grow", s) for s in range(org.n_skills)
                     if interest[p][s] >= KEEN_INTEREST and level[p][s] + step <= 4]
        if options.allow_move and team[p] not in frozen:
            mine += [("move", b) for b in range(org.n_teams) if b != team[p]]
        choices.append(mine)

    best: tuple[float, int] | None = None
    costs = options.costs
    for combination in itertools.product(*choices):
        moved = {p for p in people if combination[p][0] == "move"}
        sources = {team[p] for p in moved}
        stay = set(people) - moved
        if any(targets[n][0] in sources
               and (not met_now[n] or have(team, level, n, stay) < targets[n][3])
               for n in range(len(targets))):
            continue
        grows = [(p, combination[p][1], mentor_level_for(level[p][combination[p][1]] + step))
                 for p in people if combination[p][0] == "grow"]
        if not _matchable(grows, level, slots):
            continue
        after = [row[:] for row in level]
        for p, s, _ in grows:
            after[p][s] += step
        team_after = [combination[p][1] if p in moved else team[p] for p in people]
        needs: dict[tuple[int, str], list[int]] = {}
        for n, (target_team, skill, _, min_people) in enumerate(targets):
            short = max(0, min_people - have(team_after, after, n))
            needs.setdefault((target_team, discipline[skill]), []).append(short)
        hires = sum(hires_needed(group, options.skills_per_hire) for group in needs.values())
        if hires and not options.allow_hire:
            continue
        cost = (costs.hire * hires + costs.grow * len(grows) + costs.move * len(moved), hires)
        if best is None or cost < best:
            best = cost
    return best


def organisation(people: list[tuple[str, str]], levels: list[list[tuple[int, int]]],
                 targets: list[tuple[str, int, int, int]], disciplines: list[str]) -> Dataset:
    skills = [f"s{n}" for n in range(len(disciplines))]
    return Dataset(
        people=pd.DataFrame([{"person_id": f"P{n}", "name": f"Person {n}", "team": team,
                              "discipline": d, "role": None, "manager_id": None,
                              "email": None} for n, (team, d) in enumerate(people)]),
        skills=pd.DataFrame([{"skill_id": s, "name": s.upper(), "discipline": d,
                              "critical": True, "description": None}
                             for s, d in zip(skills, disciplines, strict=True)]),
        ratings=pd.DataFrame([{"person_id": f"P{p}", "skill_id": skills[s], "level": lv,
                               "interest": i, "assessed_on": None}
                              for p, row in enumerate(levels)
                              for s, (lv, i) in enumerate(row)],
                             columns=["person_id", "skill_id", "level", "interest",
                                      "assessed_on"]),
        targets=pd.DataFrame([{"team": team, "skill_id": skills[s], "min_level": lv,
                               "min_people": n, "origin": "file"} for team, s, lv, n in targets],
                             columns=["team", "skill_id", "min_level", "min_people", "origin"]),
        requests=empty_table("requests"))


@st.composite
def small_organisations(draw: st.DrawFn) -> Dataset:
    n_teams = draw(st.integers(2, 3))
    teams = [f"T{n}" for n in range(n_teams)]
    disciplines = draw(st.lists(st.sampled_from(["sre", "ml"]), min_size=2, max_size=3))
    people = draw(st.lists(st.tuples(st.sampled_from(teams), st.sampled_from(["sre", "ml"])),
                           min_size=3, max_size=5))
    # Keen people a level or two below practitioner: the ones who can grow into targets.
    cell = st.tuples(st.sampled_from([0, 1, 2, 2, 3, 3, 4]), st.sampled_from([0, 2, 3, 3]))
    levels = [draw(st.lists(cell, min_size=len(disciplines), max_size=len(disciplines)))
              for _ in people]
    pairs = draw(st.lists(st.tuples(st.sampled_from(teams),
                                    st.integers(0, len(disciplines) - 1)),
                          min_size=1, max_size=3, unique=True))
    targets = [(team, s, draw(st.sampled_from([2, 3, 3, 4])), draw(st.integers(1, 3)))
               for team, s in pairs]
    return organisation(people, levels, targets, disciplines)


@st.composite
def hiring_options(draw: st.DrawFn) -> HiringOptions:
    return HiringOptions(
        horizon=draw(st.sampled_from([1, 2, 4, 4, 6])),
        skills_per_hire=draw(st.integers(1, 3)),
        # Hires dearer than grows and moves most of the time, so that plans grow and move.
        costs=Costs(hire=float(draw(st.integers(20, 100))), grow=float(draw(st.integers(0, 30))),
                    move=float(draw(st.integers(0, 40)))),
        allow_hire=draw(st.sampled_from([True, True, True, False])), allow_grow=True,
        allow_move=draw(st.booleans()), gap_rel=0.0, time_limit=20)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dataset=small_organisations(), options=hiring_options(),
       frozen=st.sets(st.sampled_from(["T0", "T1"]), max_size=1))
def test_the_optimiser_matches_the_brute_force(dataset, options, frozen):
    teams = set(dataset.people["team"]) | set(dataset.targets["team"])
    options = HiringOptions(**{**options.__dict__, "frozen_teams": tuple(frozen & teams)})
    best = oracle(dataset, options)
    plan = plan_hiring(dataset, options)
    if best is None:
        assert plan.status == "infeasible", plan.message
        return
    assert plan.status == "optimal", plan.message
    assert check_plan(dataset, options, plan) == []
    assert plan.objective == pytest.approx(best[0])
    assert plan.hires == best[1]
    # The bound holds for the unrestricted model: never above its optimum.
    assert plan.bound is not None and plan.bound <= best[0] + 1e-6
    # With the default tolerance the solver may stop early: then the plan says "feasible",
    # and "optimal" only when it is.
    loose = plan_hiring(dataset, HiringOptions(**{**options.__dict__, "gap_rel": 0.2}))
    assert loose.status in ("optimal", "feasible")
    assert loose.bound is None or loose.bound <= best[0] + 1e-6
    if loose.status == "optimal":
        assert loose.objective == pytest.approx(best[0])
    else:
        assert loose.objective > best[0] - 1e-6 and "of the best possible plan" in loose.message


def test_the_oracle_sees_the_mentor_limit():
    """The hand-made case of issue 9: one expert in two skills, four growers, horizon 4."""
    dataset = organisation(
        people=[("A", "sre"), ("B", "sre"), ("B", "sre"), ("B", "sre"), ("B", "sre")],
        levels=[[(4, 0), (4, 0)], [(2, 3), (0, 0)], [(2, 3), (0, 0)], [(0, 0), (2, 3)],
                [(0, 0), (2, 3)]],
        targets=[("B", 0, 3, 2), ("B", 1, 3, 2)], disciplines=["sre", "sre"])
    options = HiringOptions(horizon=4, allow_move=False, gap_rel=0.0, time_limit=20)
    assert oracle(dataset, options) == (140.0, 1)
    assert oracle(dataset, HiringOptions(horizon=8, allow_move=False)) == (80.0, 0)
    plan = plan_hiring(dataset, options)
    assert (plan.objective, plan.hires) == (140.0, 1)
    assert math.isclose(plan.bound or 0.0, 140.0)
