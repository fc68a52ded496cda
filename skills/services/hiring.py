"""Hiring use cases: learning under way, scenarios and saved plans in the store."""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, replace

import pandas as pd

from skills import growth
from skills.access import Permission
from skills.dataset import Dataset
from skills.growth import PlannedLearning
from skills.organisation import Organisation
from skills.plans import rotations
from skills.plans.hiring import PLAN_COLUMNS as PLAN_COLUMNS
from skills.plans.hiring import Costs as Costs
from skills.plans.hiring import HiringInputError as HiringInputError
from skills.plans.hiring import HiringOptions, HiringPlan, plan_hiring
from skills.plans.hiring.scenarios import BASELINE as BASELINE
from skills.plans.hiring.scenarios import (
    MAX_NAME,
    Scenario,
    ScenarioError,
    ScenarioResult,
    run_scenario,
)
from skills.plans.hiring.scenarios import TargetChange as TargetChange
from skills.plans.hiring.scenarios import compare as compare
from skills.services import audit
from skills.services import mentoring as mentoring_service
from skills.services import rotations as rotation_service
from skills.store import Store


def save_scenario(store: Store, scenario: Scenario) -> None:
    """Save (or replace) a scenario by name; managers only."""
    name = scenario.name.strip()
    if not name or len(name) > MAX_NAME:
        raise ScenarioError(f"a scenario needs a name of 1 to {MAX_NAME} characters")
    with store.transaction(Permission.PLAN) as cursor:
        store.execute(cursor, "save_hiring_scenario", scenario_name=name,
                      definition=Scenario.from_json(scenario.to_json()).to_json(),
                      saved_by=store.caller.role.value)
        audit.append(store, cursor, "hiring scenario saved", f"hiring scenario {name}")


def delete_scenario(store: Store, name: str) -> None:
    with store.transaction(Permission.PLAN) as cursor:
        store.execute(cursor, "delete_hiring_scenario", scenario_name=name)
        audit.append(store, cursor, "hiring scenario deleted", f"hiring scenario {name}")


def saved_scenarios(store: Store) -> list[Scenario]:
    store.caller.require(Permission.PLAN)
    return [Scenario.from_json(text) for text in store.read("hiring_scenarios")["definition"]]


def load_scenario(store: Store, name: str) -> Scenario:
    store.caller.require(Permission.PLAN)
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
        row = cursor.fetchone()
        if row is None:
            raise RuntimeError("the store returned no plan number")
        plan_id = int(row[0])
        cursor.register("incoming_hiring_actions", frame)
        try:
            store.execute(cursor, "insert_hiring_plan_actions", plan_id=plan_id)
        finally:
            cursor.unregister("incoming_hiring_actions")
        audit.append(store, cursor, "hiring plan saved", f"hiring plan {plan_id}", len(frame))
    return plan_id


def _require_plans_or_export(store: Store) -> None:
    """Saved plans are for managers (who made them) and HR (who budgets and exports them)."""
    caller = store.caller
    if not (caller.can(Permission.PLAN) or caller.can(Permission.EXPORT_PERSONAL)):
        caller.require(Permission.PLAN)


def saved_plans(store: Store) -> pd.DataFrame:
    _require_plans_or_export(store)
    return store.read("hiring_plans")


def saved_plan_actions(store: Store, plan_id: int) -> pd.DataFrame:
    _require_plans_or_export(store)
    return store.read("hiring_plan_actions", plan_id=int(plan_id))


# --------------------------------------------------------------------------- learning under way


def planned_learning(store: Store, dataset: Dataset | None = None,
                     horizon: int = HiringOptions.horizon) -> list[PlannedLearning]:
    """What accepted mentoring pairs and approved rotations will teach within the horizon.

    The store holds the commitments; `skills.growth` applies the organisation's growth rules
    to them (a mentee one level if the horizon allows it, a rotator what a rotation teaches).
    It names people, so it is for those who may see people.
    """
    store.caller.require(Permission.READ_PEOPLE)
    dataset = dataset if dataset is not None else store.dataset()
    org = Organisation.of(dataset)
    decided = mentoring_service.decisions(store)
    pairs = [growth.AcceptedPair(str(r.mentor_id), str(r.mentee_id), str(r.skill_id))
             for r in decided[decided["decision"] == "accepted"].itertuples(index=False)]
    approved = rotation_service.committed_rotations(store)
    taught = []
    if approved:
        indexed = rotations.prepare(dataset)
        taught = [growth.ApprovedRotation(
            r.person_id, r.host_team, r.quarter,
            tuple(rotations.learnable(indexed, r.person_id, r.host_team))
            if r.person_id in org.person_index else ()) for r in approved]
    return growth.strongest(growth.from_pairs(org, pairs, horizon)
                            + growth.from_rotations(org, taught, horizon))


def _with_learning(store: Store, dataset: Dataset, horizon: int, use_learning: bool
                   ) -> tuple[Dataset, frozenset[str], list[str]]:
    learning = planned_learning(store, dataset, horizon) if use_learning else []
    return (growth.with_learning(dataset, learning), growth.learners(learning),
            growth.describe(learning, dataset))


def plan_with_learning(store: Store, options: HiringOptions, use_learning: bool = True,
                       scenario: Scenario | None = None,
                       started: float | None = None) -> tuple[HiringPlan, list[str]]:
    """The hiring plan from what the store holds, counting learning already under way.

    With a scenario, its costs, rules and horizon replace those of `options` (the time limit
    and the solver stay the caller's). Returns the plan and one line per item of learning it
    counted. Managers only; raises HiringInputError (or ScenarioError) on bad input. The time
    limit runs from `started` (time.monotonic: the command's start), else from this call.
    """
    # The time limit covers reading the store too.
    started = time.monotonic() if started is None else started
    store.caller.require(Permission.PLAN)
    dataset = store.dataset()
    if scenario is not None:
        options = scenario.options(time_limit=options.time_limit, solver=options.solver)
    dataset, learners, lines = _with_learning(store, dataset, options.horizon, use_learning)
    if scenario is not None:
        dataset = scenario.apply(dataset)
    return plan_hiring(dataset, replace(options, learners=learners), started=started), lines


def scenario_with_learning(store: Store, scenario: Scenario, time_limit: float = 10.0,
                           solver: str = "highs", use_learning: bool = True
                           ) -> tuple[ScenarioResult, list[str]]:
    """A what-if scenario planned from what the store holds, counting learning under way;
    its time limit counts reading the store."""
    started = time.monotonic()
    store.caller.require(Permission.PLAN)
    dataset, learners, lines = _with_learning(store, store.dataset(), scenario.horizon,
                                              use_learning)
    return run_scenario(dataset, scenario, time_limit=time_limit, solver=solver,
                        learners=learners, started=started), lines



# --------------------------------------------------------------------------- for the page


def learning_lines(store: Store, horizon: int = HiringOptions.horizon) -> list[str]:
    """One line per item of learning under way that a plan over `horizon` would count."""
    dataset = store.dataset()
    return growth.describe(planned_learning(store, dataset, horizon), dataset)


@dataclass(frozen=True)
class ScenarioChoices:
    """What a what-if scenario can name: people who could leave, teams, skills."""

    people: dict[str, str]   # person_id -> "Name (Team)", by name
    teams: list[str]
    skills: dict[str, str]   # skill_id -> name


def scenario_choices(store: Store) -> ScenarioChoices:
    store.caller.require(Permission.PLAN)
    dataset = store.dataset()
    people = dataset.people.sort_values(["name", "person_id"])
    return ScenarioChoices(
        people={str(p.person_id): f"{p.name} ({p.team})" for p in people.itertuples()},
        teams=sorted(set(dataset.people["team"]) | set(dataset.targets["team"])),
        skills=dict(zip(dataset.skills["skill_id"].astype(str),
                        dataset.skills["name"].astype(str), strict=True)))
