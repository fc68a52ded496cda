"""The plain-Python checker of a hiring plan, and what the organisation looks like after it.

Everything here is recomputed from the dataset and the actions alone, through the one
organisation model: a plan the checker finds a violation in is never shown as a plan.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np
import pandas as pd

from skills.dataset import Dataset
from skills.organisation import (
    KEEN_INTEREST,
    Organisation,
    grown_levels,
    mentor_level_for,
)
from skills.plans.contract import Violation
from skills.plans.hiring.model import (
    ACTIONS,
    GROW,
    HIRE,
    MOVE,
    HiringOptions,
    HiringPlan,
    PlannedAction,
)
from skills.taxonomy import MAX_LEVEL


def after_plan(dataset: Dataset, actions: Sequence[PlannedAction]) -> Organisation:
    """The organisation once every action is done: movers in their new teams, hires in theirs
    (as people rated at the levels they bring) and grown people one level up."""
    people = dataset.people.copy()
    moved = {a.person_id: a.team for a in actions if a.action == MOVE and a.person_id}
    if moved:
        ids = people["person_id"].astype(str)
        people["team"] = [moved.get(p, t) for p, t in zip(ids, people["team"], strict=True)]
    hires = [a for a in actions if a.action == HIRE]
    ratings = dataset.ratings
    if hires:
        # A hire is nobody yet: an id no person can have, numbered by position in the plan.
        new_people = [{"person_id": f"(hire {n})", "name": f"hire {n}", "team": a.team,
                       "discipline": a.discipline} for n, a in enumerate(hires, 1)]
        new_ratings = [{"person_id": f"(hire {n})", "skill_id": skill_id, "level": level,
                        "interest": 0} for n, a in enumerate(hires, 1)
                       for skill_id, level in dict(a.skills).items()]
        people = pd.concat([people, pd.DataFrame(new_people)], ignore_index=True)
        ratings = pd.concat([ratings, pd.DataFrame(new_ratings, columns=["person_id",
                                                                        "skill_id", "level",
                                                                        "interest"])],
                            ignore_index=True)
    org = Organisation.of(Dataset(people=people, skills=dataset.skills, ratings=ratings,
                                  targets=dataset.targets, requests=dataset.requests))
    grows = [(a.person_id, skill_id, level) for a in actions
             if a.action == GROW and a.person_id for skill_id, level in a.skills]
    return org.with_levels(grown_levels(org, grows)) if grows else org


def check_actions(dataset: Dataset, options: HiringOptions,
                  actions: Sequence[PlannedAction]) -> list[Violation]:
    """Every rule a plan breaks, recomputed from the dataset alone (empty when it is sound)."""
    found: list[Violation] = []

    def broken(rule: str, message: str) -> None:
        found.append(Violation(rule, message))

    org = Organisation.of(dataset)
    costs = options.costs
    acting: dict[str, str] = {}
    grown: dict[str, tuple[str, int]] = {}
    mentor_of: dict[str, str | None] = {}
    moved: dict[str, str] = {}
    hires: list[PlannedAction] = []
    hire_numbers: set[int] = set()
    team_of = dict(zip(map(str, org.person_ids), org.teams, strict=True))
    t = org.targets
    own_targets: dict[str, set[tuple[str, int]]] = defaultdict(set)
    for n in range(len(t)):
        own_targets[org.team_names[t.team[n]]].add((str(org.skill_ids[t.skill[n]]),
                                                    int(t.min_level[n])))

    for action in actions:
        if action.action not in ACTIONS:
            broken("action", f"unknown action {action.action!r}")
            continue
        if abs(action.cost - costs.of(action.action)) > 1e-9:
            broken("cost", f"{action.action} costs {action.cost}, not "
                           f"{costs.of(action.action)}")
        if action.action == HIRE:
            hires.append(action)
            if action.hire_no in hire_numbers:
                broken("hire", f"hire number {action.hire_no} is used twice")
            hire_numbers.add(action.hire_no if action.hire_no is not None else -1)
            continue
        person_id = action.person_id or ""
        if person_id not in team_of:
            broken("person", f"{action.action} names unknown person {person_id!r}")
            continue
        if person_id in acting:
            broken("one action", f"{person_id} has two actions ({acting[person_id]} and "
                                 f"{action.action})")
            continue
        acting[person_id] = action.action
        if action.action == GROW:
            if len(action.skills) != 1:
                broken("grow", f"grow of {person_id} names {len(action.skills)} skills, not 1")
                continue
            skill_id, level = action.skills[0]
            current = org.level_of(person_id, skill_id)
            interest = org.interest_of(person_id, skill_id)
            if not options.allow_grow:
                broken("grow", f"grow of {person_id} although growing is switched off")
            if person_id in options.learners:
                broken("grow", f"grow of {person_id}, who is already learning another skill")
            if level != current + 1:
                broken("grow", f"grow of {person_id} in {skill_id} goes from {current} to "
                               f"{level}, not one level")
            if interest < KEEN_INTEREST:
                broken("grow", f"grow of {person_id} in {skill_id} with interest {interest}")
            if action.team != team_of[person_id]:
                broken("grow", f"grow of {person_id} is placed in {action.team}, not their "
                               "team")
            if (skill_id, level) not in own_targets[team_of[person_id]]:
                broken("grow", f"grow of {person_id} to {level} in {skill_id} meets no target "
                               "of their own team")
            grown[person_id] = (skill_id, level)
            mentor_of[person_id] = action.mentor_id
        else:
            if not options.allow_move:
                broken("move", f"move of {person_id} although moves are switched off")
            if action.team == team_of[person_id]:
                broken("move", f"move of {person_id} into their own team {action.team}")
            if team_of[person_id] in options.frozen_teams:
                broken("move", f"move of {person_id} out of frozen team "
                               f"{team_of[person_id]}")
            moved[person_id] = action.team

    if grown and options.grow_slots_per_mentor() == 0:
        broken("mentor", f"nobody can grow a level within {options.horizon} quarter(s)")
    found += _mentor_violations(org, options, grown, mentor_of)

    for hire in hires:
        if not options.allow_hire:
            broken("hire", "a hire although hiring is switched off")
        if len(hire.skills) > options.skills_per_hire:
            broken("hire", f"hire {hire.hire_no} brings {len(hire.skills)} skills, more than "
                           f"{options.skills_per_hire}")
        if len({s for s, _ in hire.skills}) != len(hire.skills):
            broken("hire", f"hire {hire.hire_no} lists a skill twice")
        for skill_id, level in hire.skills:
            s = org.skill_index.get(skill_id)
            discipline = None if s is None else str(org.skill_disciplines[s])
            if discipline != hire.discipline:
                broken("hire", f"hire {hire.hire_no} ({hire.discipline}) brings {skill_id}, "
                               f"a {discipline} skill")
            if not 1 <= level <= MAX_LEVEL:
                broken("hire", f"hire {hire.hire_no} brings {skill_id} at level {level}")

    # Moves: the team left must meet its targets with the people who stay, as they are now.
    if moved:
        stay = org.without(moved)
        have = stay.target_have()
        sources = {team_of[p] for p in moved}
        for n in np.flatnonzero(have < t.min_people).tolist():
            team = org.team_names[t.team[n]]
            if team in sources:
                broken("move", f"moving people out of {team} breaks its target "
                               f"{org.skill_ids[t.skill[n]]} (needs {t.min_people[n]} at "
                               f">= {t.min_level[n]}, {have[n]} stay)")

    after = after_plan(dataset, actions)
    have_after = after.target_have()
    for n in np.flatnonzero(have_after < after.targets.min_people).tolist():
        a = after.targets
        broken("target", f"target unmet after the plan: {after.team_names[a.team[n]]} needs "
                         f"{a.min_people[n]} at >= {a.min_level[n]} in "
                         f"{after.skill_ids[a.skill[n]]}, has {have_after[n]}")
    return found


def _mentor_violations(org: Organisation, options: HiringOptions,
                       grown: dict[str, tuple[str, int]],
                       mentor_of: dict[str, str | None]) -> list[Violation]:
    """Each grow names a mentor: someone else, at the mentor level in the skill now, and a
    mentor is one person, coaching at most `grow_slots_per_mentor` people over the horizon
    whatever the skills."""
    found = []
    slots = options.grow_slots_per_mentor()
    coached: dict[str, list[str]] = defaultdict(list)
    for person_id, (skill_id, level) in sorted(grown.items()):
        mentor_id = mentor_of.get(person_id)
        wanted = mentor_level_for(level)
        if not mentor_id:
            found.append(Violation("mentor", f"grow of {person_id} in {skill_id} names no "
                                             "mentor"))
        elif mentor_id == person_id:
            found.append(Violation("mentor", f"{person_id} cannot mentor themselves"))
        elif mentor_id not in org.person_index:
            found.append(Violation("mentor", f"grow of {person_id} names unknown mentor "
                                             f"{mentor_id!r}"))
        elif org.level_of(mentor_id, skill_id) < wanted:
            found.append(Violation("mentor", (
                f"{mentor_id} mentors {person_id} in {skill_id} at level "
                f"{org.level_of(mentor_id, skill_id)}, below the {wanted} it needs")))
        else:
            coached[mentor_id].append(person_id)
    for mentor_id, people in sorted(coached.items()):
        if len(people) > slots:
            found.append(Violation("mentor", (
                f"{mentor_id} mentors {len(people)} people ({', '.join(people)}), but one "
                f"mentor grows at most {slots} in {options.horizon} quarters")))
    return found


def check_plan(dataset: Dataset, options: HiringOptions, plan: HiringPlan) -> list[Violation]:
    """Every rule the plan breaks, its figures included (empty when it is sound)."""
    found = check_actions(dataset, options, plan.actions)
    total = sum(a.cost for a in plan.actions)
    if plan.objective is not None and abs(total - plan.objective) > 1e-6:
        found.append(Violation("cost", f"the plan claims to cost {plan.objective} but its "
                                       f"actions cost {total}"))
    if plan.hires != sum(1 for a in plan.actions if a.action == HIRE):
        found.append(Violation("hire", "the plan's hire count does not match its hires"))
    return found


# --------------------------------------------------------------------------- after the plan


def coverage_after(dataset: Dataset, actions: Sequence[PlannedAction]) -> pd.DataFrame:
    """Every target with members at the level now and after the plan."""
    org = Organisation.of(dataset)
    after = after_plan(dataset, actions)
    t = org.targets
    before, later = org.target_have(), after.target_have()
    return pd.DataFrame({
        "team": np.asarray(org.team_names, dtype=object)[t.team],
        "skill_id": org.skill_ids[t.skill], "min_level": t.min_level,
        "min_people": t.min_people, "have_before": before, "have_after": later,
        "met_before": org.target_met(), "met_after": after.target_met()},
        columns=["team", "skill_id", "min_level", "min_people", "have_before", "have_after",
                 "met_before", "met_after"])


def bus_factor_after(dataset: Dataset, actions: Sequence[PlannedAction]) -> pd.DataFrame:
    """Per critical skill: practitioners organisation-wide now and after the plan."""
    org = Organisation.of(dataset)
    after = after_plan(dataset, actions)
    critical = np.flatnonzero(org.critical)
    return pd.DataFrame({"skill_id": org.skill_ids[critical].astype(str),
                         "name": org.skill_names[critical].astype(str),
                         "before": org.bus_factor()[critical].astype(int),
                         "after": after.bus_factor()[critical].astype(int)},
                        columns=["skill_id", "name", "before", "after"])
