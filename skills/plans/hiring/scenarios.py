"""What-if scenarios for the hiring plan: change the organisation or the rules, re-solve, compare.

A scenario removes people ("what if Ana leaves?"), changes or adds targets, freezes teams (no
moves out), and sets costs, horizon and which actions are allowed. Scenarios are saved by name
in DuckDB; so are plans, for HR to export.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import pandas as pd

from skills.dataset import Dataset
from skills.organisation import PRACTITIONER_LEVEL
from skills.plans.hiring import (
    GROW,
    HIRE,
    MOVE,
    Costs,
    HiringInputError,
    HiringOptions,
    HiringPlan,
    bus_factor_after,
    coverage_after,
    level_word,
    plan_hiring,
)
from skills.taxonomy import MAX_LEVEL

MAX_NAME = 80
BASELINE = "Today"


class ScenarioError(HiringInputError):
    """A scenario that cannot be applied: unknown person, team or skill, or a bad value."""


@dataclass(frozen=True)
class TargetChange:
    """Set (team, skill) to min_people at >= min_level; min_people 0 drops the target."""

    team: str
    skill_id: str
    min_level: int
    min_people: int


@dataclass(frozen=True)
class Scenario:
    name: str = BASELINE
    removed_people: tuple[str, ...] = ()
    target_changes: tuple[TargetChange, ...] = ()
    frozen_teams: tuple[str, ...] = ()
    costs: Costs = field(default_factory=Costs)
    horizon: int = HiringOptions.horizon
    skills_per_hire: int = HiringOptions.skills_per_hire
    allow_hire: bool = True
    allow_grow: bool = True
    allow_move: bool = True

    def options(self, time_limit: float = 10.0, solver: str = "highs",
                learners: frozenset[str] = frozenset()) -> HiringOptions:
        return HiringOptions(horizon=self.horizon, skills_per_hire=self.skills_per_hire,
                             costs=self.costs, allow_hire=self.allow_hire,
                             allow_grow=self.allow_grow, allow_move=self.allow_move,
                             frozen_teams=tuple(self.frozen_teams), time_limit=time_limit,
                             solver=solver, learners=learners)

    def apply(self, dataset: Dataset) -> Dataset:
        """The organisation as the scenario has it; raises ScenarioError naming what is wrong."""
        problems = []
        name = self.name.strip() if isinstance(self.name, str) else ""
        if not name or len(name) > MAX_NAME:
            problems.append(f"a scenario needs a name of 1 to {MAX_NAME} characters")
        known = set(map(str, dataset.people["person_id"]))
        unknown = sorted(set(self.removed_people) - known)
        if unknown:
            problems.append(f"unknown people to remove: {', '.join(unknown)}")
        teams = set(map(str, dataset.people["team"])) | set(map(str, dataset.targets["team"]))
        skills = set(map(str, dataset.skills["skill_id"]))
        for change in self.target_changes:
            if change.team not in teams:
                problems.append(f"target change names unknown team {change.team!r}")
            if change.skill_id not in skills:
                problems.append(f"target change names unknown skill {change.skill_id!r}")
            if not isinstance(change.min_level, int) or not 1 <= change.min_level <= MAX_LEVEL:
                problems.append(f"target level for {change.team}/{change.skill_id} must be "
                                f"1 to {MAX_LEVEL}, not {change.min_level!r}")
            if not isinstance(change.min_people, int) or change.min_people < 0:
                problems.append(f"people needed for {change.team}/{change.skill_id} must be a "
                                f"whole number >= 0, not {change.min_people!r}")
        problems += self.options().problems()
        if problems:
            raise ScenarioError("; ".join(problems))

        removed = set(self.removed_people)
        people = dataset.people[~dataset.people["person_id"].astype(str).isin(removed)]
        ratings = dataset.ratings[~dataset.ratings["person_id"].astype(str).isin(removed)]
        requests = dataset.requests[~dataset.requests["person_id"].astype(str).isin(removed)]
        targets = dataset.targets.copy()
        for change in self.target_changes:
            keep = ~((targets["team"] == change.team) & (targets["skill_id"] == change.skill_id))
            targets = targets[keep]
            if change.min_people > 0:
                row = pd.DataFrame([{"team": change.team, "skill_id": change.skill_id,
                                     "min_level": change.min_level,
                                     "min_people": change.min_people, "origin": "scenario"}])
                targets = pd.concat([targets, row.astype(targets.dtypes.to_dict())],
                                    ignore_index=True)
        return Dataset(people=people.reset_index(drop=True), skills=dataset.skills,
                       ratings=ratings.reset_index(drop=True),
                       targets=targets.reset_index(drop=True),
                       requests=requests.reset_index(drop=True), source=dataset.source,
                       warnings=list(dataset.warnings))

    def describe(self, dataset: Dataset) -> list[str]:
        """The scenario's changes in words, for the page and the comparison."""
        names = dict(zip(dataset.people["person_id"].astype(str),
                         dataset.people["name"].astype(str), strict=True))
        skill_names = dict(zip(dataset.skills["skill_id"].astype(str),
                               dataset.skills["name"].astype(str), strict=True))
        words = [f"{names.get(p, p)} leaves" for p in self.removed_people]
        for change in self.target_changes:
            skill = skill_names.get(change.skill_id, change.skill_id)
            words.append(f"{change.team} drops its {skill} target" if change.min_people == 0
                         else f"{change.team} needs {change.min_people} at "
                              f"{level_word(change.min_level)} or above in {skill}")
        words += [f"nobody moves out of {team}" for team in self.frozen_teams]
        default = Scenario()
        for action in (HIRE, GROW, MOVE):
            if self.costs.of(action) != default.costs.of(action):
                words.append(f"a {action} costs {self.costs.of(action):g}")
            if not getattr(self, f"allow_{action}"):
                words.append(f"no {action}s")
        if self.horizon != default.horizon:
            words.append(f"horizon {self.horizon} quarters")
        if self.skills_per_hire != default.skills_per_hire:
            words.append(f"{self.skills_per_hire} skills per hire")
        return words or ["no changes"]

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Scenario:
        data: dict[str, Any] = json.loads(text)
        known = {f.name for f in fields(cls)}
        data = {k: v for k, v in data.items() if k in known}
        data["costs"] = Costs(**data.get("costs", {}))
        data["target_changes"] = tuple(TargetChange(**c) for c in data.get("target_changes", ()))
        for key in ("removed_people", "frozen_teams"):
            data[key] = tuple(data.get(key, ()))
        return cls(**data)


@dataclass
class ScenarioResult:
    scenario: Scenario
    plan: HiringPlan
    coverage: pd.DataFrame       # every target, members now and after the plan
    bus_factor: pd.DataFrame     # per critical skill, practitioners now and after the plan
    changes: list[str]

    @property
    def targets_met_before(self) -> int:
        return int(self.coverage["met_before"].sum())

    @property
    def targets_met_after(self) -> int:
        return int(self.coverage["met_after"].sum()) if self.plan.has_plan \
            else self.targets_met_before


def run_scenario(dataset: Dataset, scenario: Scenario, time_limit: float = 10.0,
                 solver: str = "highs", learners: frozenset[str] = frozenset(),
                 started: float | None = None) -> ScenarioResult:
    """Apply the scenario and plan it; infeasible and timed-out plans come back explained.

    `dataset` may already include planned learning (skills.growth.with_learning);
    `learners` are then the people doing it, whom the plan grows in nothing else. The time
    limit runs from `started` (time.monotonic: when the caller began), else from this call.
    """
    changed = scenario.apply(dataset)
    plan = plan_hiring(changed, scenario.options(time_limit=time_limit, solver=solver,
                                                 learners=learners), started=started)
    return ScenarioResult(scenario, plan, coverage_after(changed, plan.actions),
                          bus_factor_after(changed, plan.actions), scenario.describe(dataset))


@dataclass
class Comparison:
    summary: pd.DataFrame      # measure, then one column per scenario (text)
    bus_factor: pd.DataFrame   # per critical skill: now and after the plan, per scenario


def compare(first: ScenarioResult, second: ScenarioResult) -> Comparison:
    """Two scenarios side by side: hires, cost, targets met, bus factor per critical skill."""
    labels = _labels(first.scenario.name, second.scenario.name)
    columns = {label: _measures(result) for label, result in zip(labels, (first, second),
                                                                  strict=True)}
    measures = list(next(iter(columns.values())))
    summary = pd.DataFrame({"measure": measures,
                            **{label: [values[m] for m in measures]
                               for label, values in columns.items()}})
    bus = first.bus_factor[["skill_id", "name"]].copy()
    for label, result in zip(labels, (first, second), strict=True):
        indexed = result.bus_factor.set_index("skill_id")
        bus[f"{label}: now"] = bus["skill_id"].map(indexed["before"]).astype("int64")
        bus[f"{label}: after plan"] = bus["skill_id"].map(indexed["after"]).astype("int64")
    return Comparison(summary, bus)


def _labels(first: str, second: str) -> tuple[str, str]:
    return (first, second) if first != second else (f"{first} (A)", f"{second} (B)")


def _measures(result: ScenarioResult) -> dict[str, str]:
    plan = result.plan
    counts = {kind: sum(1 for a in plan.actions if a.action == kind) for kind in (HIRE, GROW,
                                                                                  MOVE)}
    total = len(result.coverage)
    fragile = int((result.bus_factor["after"] <= 1).sum()) if plan.has_plan else \
        int((result.bus_factor["before"] <= 1).sum())
    return {
        "Changes": "; ".join(result.changes),
        "Plan status": plan.status,
        "Plan cost": _number(plan.objective),
        "Hires": str(counts[HIRE]) if plan.has_plan else "–",
        "Grows": str(counts[GROW]) if plan.has_plan else "–",
        "Moves": str(counts[MOVE]) if plan.has_plan else "–",
        "Greedy baseline cost": _number(plan.greedy_cost),
        "Proven bound": _number(plan.bound),
        "Hiring only would cost": _number(plan.pure_hiring_cost),
        "Targets met now": f"{result.targets_met_before} of {total}",
        "Targets met after the plan": f"{result.targets_met_after} of {total}",
        f"Critical skills with ≤ 1 person at level ≥ {PRACTITIONER_LEVEL} after": str(fragile),
    }


def _number(value: float | None) -> str:
    return "–" if value is None else f"{value:,.1f}"


# --------------------------------------------------------------------------- storage














