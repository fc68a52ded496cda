"""Hiring use cases: learning under way, scenarios and saved plans in the store."""

from __future__ import annotations

import json
from dataclasses import asdict

import pandas as pd

from skills.access import Permission
from skills.dataset import Dataset
from skills.growth import PlannedLearning, _strongest
from skills.organisation import PRACTITIONER_LEVEL
from skills.plans import rotations
from skills.plans.hiring import HiringOptions, HiringPlan
from skills.plans.hiring.scenarios import MAX_NAME, Scenario, ScenarioError
from skills.services import mentoring as mentoring_service
from skills.services import rotations as rotation_service
from skills.store import Store
from skills.taxonomy import MAX_LEVEL


def save_scenario(store: Store, scenario: Scenario) -> None:
    """Save (or replace) a scenario by name; managers only."""
    name = scenario.name.strip()
    if not name or len(name) > MAX_NAME:
        raise ScenarioError(f"a scenario needs a name of 1 to {MAX_NAME} characters")
    with store.transaction(Permission.PLAN) as cursor:
        store.execute(cursor, "save_hiring_scenario", scenario_name=name,
                      definition=Scenario.from_json(scenario.to_json()).to_json(),
                      saved_by=store.caller.role.value)


def delete_scenario(store: Store, name: str) -> None:
    with store.transaction(Permission.PLAN) as cursor:
        store.execute(cursor, "delete_hiring_scenario", scenario_name=name)


def saved_scenarios(store: Store) -> list[Scenario]:
    return [Scenario.from_json(text) for text in store.read("hiring_scenarios")["definition"]]


def load_scenario(store: Store, name: str) -> Scenario:
    rows = store.read("hiring_scenario", scenario_name=name)
    if rows.empty:
        known = ", ".join(s.name for s in saved_scenarios(store)) or "none saved yet"
        raise ScenarioError(f"no saved scenario named {name!r} (saved: {known})")
    return Scenario.from_json(rows.at[0, "definition"])


def save_plan(store: Store, scenario_name: str, plan: HiringPlan,
              options: HiringOptions) -> int:
    """Store a plan and its actions for HR to budget and export; returns its plan_id."""
    if not plan.has_plan:
        raise ScenarioError(f"a {plan.status} plan has no actions to save")
    frame = plan.frame(explained=True)
    frame.insert(0, "row_no", range(1, len(frame) + 1))
    with store.transaction(Permission.PLAN) as cursor:
        store.execute(cursor, "insert_hiring_plan", scenario=scenario_name,
                      saved_by=store.caller.role.value, status=plan.status,
                      cost=plan.objective, bound=plan.bound, gap=plan.gap, hires=plan.hires,
                      greedy_cost=plan.greedy_cost, seconds=plan.seconds,
                      options=json.dumps(asdict(options), sort_keys=True, default=sorted))
        plan_id = int(cursor.fetchone()[0])
        cursor.register("incoming_hiring_actions", frame)
        try:
            store.execute(cursor, "insert_hiring_plan_actions", plan_id=plan_id)
        finally:
            cursor.unregister("incoming_hiring_actions")
    return plan_id


def saved_plans(store: Store) -> pd.DataFrame:
    return store.read("hiring_plans")


def saved_plan_actions(store: Store, plan_id: int) -> pd.DataFrame:
    return store.read("hiring_plan_actions", plan_id=int(plan_id))



def planned_learning(store: Store, dataset: Dataset | None = None) -> list[PlannedLearning]:
    """What accepted mentoring pairs and approved rotations are expected to teach.

    A mentee grows one level in the pair's skill, as the hiring planner's own grow action
    does. A rotator one level below practitioner becomes a practitioner in the skills the
    rotation teaches (those the host team holds and the rotator wants), as the rotation
    planner expects; lower levels are not counted, one quarter being too short for them.
    """
    dataset = dataset if dataset is not None else store.dataset()
    names = dict(zip(dataset.people["person_id"], dataset.people["name"], strict=True))
    levels = {(r.person_id, r.skill_id): int(r.level)
              for r in dataset.ratings.itertuples(index=False)}
    found: list[PlannedLearning] = []
    decided = mentoring_service.decisions(store)
    for pair in decided[decided["decision"] == "accepted"].itertuples(index=False):
        if pair.mentee_id not in names or pair.mentor_id not in names:
            continue  # someone who left since the pair was accepted
        level = levels.get((pair.mentee_id, pair.skill_id), 0)
        if level < MAX_LEVEL:
            found.append(PlannedLearning(pair.mentee_id, pair.skill_id, level, level + 1,
                                         f"accepted mentoring pair with {names[pair.mentor_id]}"))
    approved = rotation_service.committed_rotations(store)
    if approved:
        org = rotations.prepare(dataset)
        for rotation in approved:
            if rotation.person_id not in names:
                continue
            for skill in rotations.learnable(org, rotation.person_id, rotation.host_team):
                level = levels.get((rotation.person_id, skill), 0)
                if level == PRACTITIONER_LEVEL - 1:
                    found.append(PlannedLearning(
                        rotation.person_id, skill, level, PRACTITIONER_LEVEL,
                        f"approved rotation to {rotation.host_team} in Q{rotation.quarter}"))
    return _strongest(found)

