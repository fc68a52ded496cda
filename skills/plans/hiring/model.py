"""Hiring targets: the options, the prepared input and the mixed-integer program.

The model (see the README section "Hiring targets"):

* a target (team, skill, min_level, min_people) is met when at least min_people members of the
  team are at level >= min_level (`Organisation.target_have`);
* **hire** into a team a person of one discipline who brings up to `skills_per_hire` skills of
  that discipline at the levels the team's targets need;
* **grow** a member who is exactly one level short of a target of their own team and keen
  (`KEEN_INTEREST`): one skill per person, and only while a mentor (someone else at
  `mentor_level_for(target level)` in that skill, in any team, so mentoring or a rotation to
  the mentor's team) has room. A mentor coaches one person at a time, `QUARTERS_PER_LEVEL`
  quarters per person, so over the horizon each mentor can grow `mentees_per_mentor(horizon)`
  people;
* **move** a person to another team, only out of a team that meets all its targets now and still
  meets them with the people who stay (a move never opens a gap that something else must close),
  and never out of a frozen team;
* one action per person; minimise the total cost, then the number of hires.

Hires are aggregated per (team, discipline): H hires can cover a multiset of skill needs r_s of
one discipline exactly when max(r_s) <= H and sum(r_s) <= skills_per_hire * H, so the optimiser
decides how many people to hire and `explain.split_hires` deals the skills out afterwards.
People in the same source team with the same skills (as far as any target can tell) are
interchangeable movers and share one integer variable per destination. Both keep the model
small and its bound tight without cutting off any plan.

Every candidate restriction below is lossless (so the solver's bound holds for the README's
model, issue 15), each for the reason given where it is made, and tests/test_hiring_oracle.py
checks optimum and bound against a brute force without any of them:
* grow options: only members one level short of an unmet target of their own team, keen, with
  a mentor somewhere (`prepare`);
* movers: only from source teams, with slack in every target they count for, to teams where
  they cover an unmet target, merged into classes (`_move_classes`), at most as many per
  destination as the largest gap they cover (`build_model`);
* hires: counted per (team, discipline) by `hires_needed`, at most what hiring alone needs;
* mentors: merged into classes of the same kinds of grow they could coach.

Mentors are people: each has `mentees_per_mentor(horizon)` slots across all their skills. The
model sends every grow of a kind (skill, mentor level) to a class of mentors who could coach
it; mentors who could coach exactly the same kinds are interchangeable and form one class
with their slots added up. That is a transportation problem: for whole numbers of grows a
fractional flow exists exactly when a whole one does (its matrix is totally unimodular), so
the flow variables are continuous and `explain.assign_mentors` names a mentor for every grow.
A grower is never their own mentor: they are one level below the target, mentors at or above.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pulp

from skills.dataset import Dataset
from skills.organisation import (
    KEEN_INTEREST,
    Organisation,
    mentees_per_mentor,
    mentor_level_for,
)
from skills.plans.contract import Plan, rounded
from skills.plans.solving import SOLVERS

HIRE, GROW, MOVE = "hire", "grow", "move"
ACTIONS = (HIRE, GROW, MOVE)
PLAN_COLUMNS = ("action", "team", "discipline", "skill_id", "level", "person_id", "hire_no",
                "cost")


class HiringInputError(ValueError):
    """The options or the dataset cannot be planned; the message says what is wrong."""


@dataclass(frozen=True)
class Costs:
    """What one action costs, in whatever unit the user budgets in (default: thousands)."""

    hire: float = 100.0
    grow: float = 20.0
    move: float = 30.0

    def of(self, action: str) -> float:
        return float(getattr(self, action))


@dataclass(frozen=True)
class HiringOptions:
    horizon: int = 4                    # quarters until the targets must be met
    skills_per_hire: int = 3
    costs: Costs = field(default_factory=Costs)
    allow_hire: bool = True
    allow_grow: bool = True
    allow_move: bool = True
    frozen_teams: tuple[str, ...] = ()  # nobody moves out of these teams
    time_limit: float = 30.0            # seconds from the call, preparation included
    # The solver stops within 0.01 % of its bound; with costs in whole units the bound then
    # rounds up to the plan's cost, so a plan is proven optimal, not merely close (3,000
    # people: 2-4 s, against plans 0.45 % dearer at 0.5 %; benchmarks/bench_hiring.py).
    gap_rel: float = 0.0001
    solver: str = "highs"
    # People already learning a skill through an accepted mentoring pair or an approved
    # rotation (skills.growth): one skill at a time, so the plan grows them in no other.
    learners: frozenset[str] = frozenset()

    def problems(self) -> list[str]:
        """Every reason these options cannot be planned with, in words."""
        found = []
        if not isinstance(self.horizon, int) or self.horizon < 1:
            found.append(f"horizon must be a whole number of quarters >= 1, not {self.horizon!r}")
        if not isinstance(self.skills_per_hire, int) or self.skills_per_hire < 1:
            found.append("skills per hire must be a whole number >= 1, "
                         f"not {self.skills_per_hire!r}")
        for action in ACTIONS:
            value = getattr(self.costs, action)
            if not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
                found.append(f"the cost of a {action} must be a number >= 0, not {value!r}")
        if not (isinstance(self.time_limit, int | float) and math.isfinite(self.time_limit)
                and self.time_limit > 0):
            found.append(f"time limit must be a number of seconds > 0, not {self.time_limit!r}")
        if not (isinstance(self.gap_rel, int | float) and 0 <= self.gap_rel < 1):
            found.append(f"gap must be a fraction between 0 and 1, not {self.gap_rel!r}")
        if self.solver not in SOLVERS:
            found.append(f"solver must be one of {', '.join(SOLVERS)}, not {self.solver!r}")
        return found

    def grow_slots_per_mentor(self) -> int:
        """People one mentor can grow one level each within the horizon."""
        if not isinstance(self.horizon, int):
            return 0
        return mentees_per_mentor(self.horizon)


# --------------------------------------------------------------------------- prepared input


@dataclass(frozen=True)
class Member:
    person_id: str
    name: str
    team: str
    discipline: str


@dataclass(frozen=True)
class Target:
    index: int
    team: str
    skill_id: str
    skill_name: str
    discipline: str
    critical: bool
    min_level: int
    min_people: int
    have: int

    @property
    def deficit(self) -> int:
        return max(0, self.min_people - self.have)


@dataclass(frozen=True)
class GrowOption:
    person_id: str
    target: int
    from_level: int
    interest: int


@dataclass(frozen=True)
class MoveClass:
    """Interchangeable movers: same source team, same effect on every target."""

    index: int
    source: str
    members: tuple[str, ...]
    counts_toward: tuple[int, ...]             # source-team targets they help meet now
    destinations: tuple[tuple[str, tuple[int, ...]], ...]  # (team, unmet targets covered)


GrowKind = tuple[str, int]   # (skill_id, mentor level the grow needs)


@dataclass(frozen=True)
class MentorClass:
    """Mentors who could coach exactly the same kinds of grow: interchangeable."""

    index: int
    kinds: tuple[GrowKind, ...]
    members: tuple[str, ...]


@dataclass
class HiringInput:
    options: HiringOptions
    org: Organisation
    people: dict[str, Member]
    targets: list[Target]
    team_targets: dict[str, list[int]]
    grow_options: list[GrowOption]
    mentor_classes: list[MentorClass]
    move_classes: list[MoveClass]
    source_teams: list[str]
    groups: dict[tuple[str, str], list[int]]        # (team, discipline) -> unmet targets

    @property
    def unmet(self) -> list[Target]:
        return [t for t in self.targets if t.deficit > 0]

    def level(self, person_id: str, skill_id: str) -> int:
        return self.org.level_of(person_id, skill_id)

    def kind(self, option: GrowOption) -> GrowKind:
        target = self.targets[option.target]
        return (target.skill_id, mentor_level_for(target.min_level))

    def mentor_slots(self, mentor_class: MentorClass) -> int:
        return self.options.grow_slots_per_mentor() * len(mentor_class.members)


def members_of(org: Organisation) -> dict[str, Member]:
    return {str(p): Member(str(p), str(n), str(t), "" if pd.isna(d) else str(d))
            for p, n, t, d in zip(org.person_ids, org.names, org.teams, org.disciplines,
                                  strict=True)}


def prepare(dataset: Dataset, options: HiringOptions | None = None) -> HiringInput:
    """Targets, deficits and every eligible grow and move, from a dataset and options."""
    options = options or HiringOptions()
    problems = options.problems()
    org = Organisation.of(dataset)
    teams = set(org.team_names)
    for team in options.frozen_teams:
        if team not in teams:
            problems.append(f"frozen team {team!r} is not a team of this organisation")
    unknown = sorted(set(map(str, dataset.targets["skill_id"])) - set(org.skill_index))
    if unknown:
        problems.append(f"targets name skills that are not in the skills list: {unknown}")
    if problems:
        raise HiringInputError("; ".join(problems))

    people = members_of(org)
    t = org.targets
    have = org.target_have()
    # Targets in (team, skill) order, so variable names and tie-breaks do not depend on the
    # order of the file.
    order = sorted(range(len(t)), key=lambda n: (org.team_names[t.team[n]],
                                                 str(org.skill_ids[t.skill[n]])))
    targets: list[Target] = []
    team_targets: dict[str, list[int]] = defaultdict(list)
    for n in order:
        s = int(t.skill[n])
        target = Target(len(targets), org.team_names[t.team[n]], str(org.skill_ids[s]),
                        str(org.skill_names[s]), str(org.skill_disciplines[s]),
                        bool(org.critical[s]), int(t.min_level[n]), int(t.min_people[n]),
                        int(have[n]))
        targets.append(target)
        team_targets[target.team].append(target.index)

    slots = options.grow_slots_per_mentor()
    unmet = [t for t in targets if t.deficit > 0]
    # Lossless: a grow is one level (`levels_grown`) and the grower stays in their team, so it
    # can only raise the count of their own team's targets in that skill, and only of the one
    # whose level they reach (they already count for lower ones); a met target gains nothing.
    # So every useful grow is one level short of an unmet target of the own team.
    grow_options: list[GrowOption] = []
    if options.allow_grow and slots > 0:
        for target in unmet:
            s = org.skill_index[target.skill_id]
            # Someone else must be able to mentor it: anyone at the mentor level, any team.
            if not (org.level[:, s] >= mentor_level_for(target.min_level)).any():
                continue
            for i in org.members(org.team_index[target.team]):
                person_id = str(org.person_ids[i])
                if person_id in options.learners:
                    continue
                level, interest = int(org.level[i, s]), int(org.interest[i, s])
                if level == target.min_level - 1 and interest >= KEEN_INTEREST:
                    grow_options.append(GrowOption(person_id, target.index, level, interest))
    kinds = sorted({(targets[o.target].skill_id, mentor_level_for(targets[o.target].min_level))
                    for o in grow_options})
    mentor_classes = _mentor_classes(org, kinds)

    source_teams = sorted(
        team for team in set(org.teams)
        if team not in options.frozen_teams
        and all(targets[i].deficit == 0 for i in team_targets.get(team, ())))
    move_classes = _move_classes(options, org, source_teams, targets, team_targets, unmet)
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for target in unmet:
        groups[(target.team, target.discipline)].append(target.index)
    return HiringInput(options, org, people, targets, dict(team_targets), grow_options,
                       mentor_classes, move_classes, source_teams, dict(groups))


def _mentor_classes(org: Organisation, kinds: Sequence[GrowKind]) -> list[MentorClass]:
    """People who could coach some grow the plan may need, grouped by what they could coach."""
    if not kinds:
        return []
    columns = np.array([org.skill_index[s] for s, _ in kinds], dtype=np.int64)
    needed = np.array([lv for _, lv in kinds], dtype=np.int64)
    can = org.level[:, columns] >= needed[None, :]
    classes: dict[tuple[GrowKind, ...], list[str]] = defaultdict(list)
    for i in np.flatnonzero(can.any(axis=1)).tolist():
        signature = tuple(kinds[k] for k in np.flatnonzero(can[i]).tolist())
        classes[signature].append(str(org.person_ids[i]))
    return [MentorClass(n, signature, tuple(sorted(classes[signature])))
            for n, signature in enumerate(sorted(classes))]


def _move_classes(options: HiringOptions, org: Organisation, source_teams: list[str],
                  targets: list[Target], team_targets: Mapping[str, list[int]],
                  unmet: list[Target]) -> list[MoveClass]:
    """Movers who could close some gap, in classes of interchangeable people.

    Lossless: a move is allowed only out of a source team (all targets met now and with those
    who stay); a member who counts for a target without slack can never leave (the stayers
    would miss it); a move to a team where the mover covers no unmet target only costs; and
    two members of one source team who count for the same source targets and cover the same
    unmet targets elsewhere are interchangeable for every constraint and the cost, so a count
    per class and destination loses no plan.
    """
    if not options.allow_move or not unmet:
        return []
    unmet_skill = np.array([org.skill_index[t.skill_id] for t in unmet], dtype=np.int64)
    unmet_level = np.array([t.min_level for t in unmet], dtype=np.int64)
    unmet_team = np.array([t.team for t in unmet], dtype=object)
    classes: dict[tuple[Any, ...], list[str]] = defaultdict(list)
    for source in source_teams:
        members = org.members(org.team_index[source])
        if not len(members):
            continue
        # People x unmet targets: where this member would count after moving there.
        helps = ((org.level[np.ix_(members, unmet_skill)] >= unmet_level[None, :])
                 & (unmet_team != source)[None, :])
        own = team_targets.get(source, [])
        own_skill = np.array([org.skill_index[targets[i].skill_id] for i in own],
                             dtype=np.int64)
        own_level = np.array([targets[i].min_level for i in own], dtype=np.int64)
        counts_now = org.level[np.ix_(members, own_skill)] >= own_level[None, :]
        # Each member's hits and own targets as lists, from one nonzero per team (row-major,
        # so by member and then target, as a per-member flatnonzero gives them: that took
        # 0.3 s at 20,000 people).
        hits: dict[int, list[int]] = defaultdict(list)
        for row, j in zip(*(x.tolist() for x in np.nonzero(helps)), strict=True):
            hits[row].append(j)
        counted: dict[int, list[int]] = defaultdict(list)
        for row, j in zip(*(x.tolist() for x in np.nonzero(counts_now)), strict=True):
            counted[row].append(int(own[j]))
        for row, hit in hits.items():
            i = members[row]
            counts = tuple(counted.get(row, ()))
            if any(targets[j].have <= targets[j].min_people for j in counts):
                continue  # their team would drop below a target: they can never move
            covered: dict[str, list[int]] = defaultdict(list)
            for j in hit:
                covered[unmet[j].team].append(unmet[j].index)
            shape = tuple(sorted((b, tuple(sorted(c))) for b, c in covered.items()))
            classes[(source, counts, shape)].append(str(org.person_ids[i]))
    result: list[MoveClass] = []
    for key in sorted(classes):
        source, counts, shape = key
        result.append(MoveClass(len(result), source, tuple(sorted(classes[key])), counts, shape))
    return result


# --------------------------------------------------------------------------- choices and costs


@dataclass
class Choice:
    """Which people grow and move; hires follow from what is left (see `hires_needed`)."""

    grows: list[tuple[str, int]] = field(default_factory=list)   # (person, target index)
    moves: list[tuple[str, str, int]] = field(default_factory=list)  # (person, to team, class)


def hires_needed(needs: Iterable[int], skills_per_hire: int) -> int:
    """Fewest hires of one discipline covering these per-skill needs in one team."""
    needs = [n for n in needs if n > 0]
    if not needs:
        return 0
    return max(max(needs), math.ceil(sum(needs) / skills_per_hire))


def coverage(inp: HiringInput, choice: Choice) -> list[int]:
    covered = [0] * len(inp.targets)
    for _, target in choice.grows:
        covered[target] += 1
    classes = inp.move_classes
    for _, team, class_index in choice.moves:
        for b, indices in classes[class_index].destinations:
            if b == team:
                for i in indices:
                    covered[i] += 1
    return covered


def residuals(inp: HiringInput, choice: Choice) -> list[int]:
    covered = coverage(inp, choice)
    return [max(0, t.deficit - c) for t, c in zip(inp.targets, covered, strict=True)]


def group_hires(inp: HiringInput, residual: Sequence[int]) -> dict[tuple[str, str], int]:
    k = inp.options.skills_per_hire
    return {g: hires_needed((residual[i] for i in indices), k)
            for g, indices in inp.groups.items()}


def choice_cost(inp: HiringInput, choice: Choice) -> tuple[float, int] | None:
    """(cost, hires), or None when the choice leaves a target that hiring may not close."""
    residual = residuals(inp, choice)
    hires = sum(group_hires(inp, residual).values())
    if hires and not inp.options.allow_hire:
        return None
    costs = inp.options.costs
    return (costs.hire * hires + costs.grow * len(choice.grows) + costs.move * len(choice.moves),
            hires)


def pure_hiring(inp: HiringInput) -> tuple[float, int]:
    """Cost and hires of closing every gap by hiring alone."""
    hires = sum(hires_needed((inp.targets[i].deficit for i in indices),
                             inp.options.skills_per_hire)
                for indices in inp.groups.values())
    return inp.options.costs.hire * hires, hires


# --------------------------------------------------------------------------- the optimiser


@dataclass
class Model:
    problem: pulp.LpProblem
    hire_vars: dict[tuple[str, str], pulp.LpVariable]
    need_vars: dict[int, pulp.LpVariable]
    grow_vars: dict[int, pulp.LpVariable]                 # grow option index -> var
    move_vars: dict[tuple[int, str], pulp.LpVariable]     # (class, destination) -> var
    short_vars: dict[int, pulp.LpVariable] = field(default_factory=dict)  # elastic only


def tie_break(costs: Costs) -> float:
    """Objective weight per hire on top of its cost: fewer hires only among equal costs."""
    positive = [c for c in (costs.hire, costs.grow, costs.move) if c > 0]
    return 1e-4 * (min(positive) if positive else 1.0)


def cost_bound(costs: Costs, solver_bound: float, max_hires: int) -> float:
    """A lower bound on the cost of any plan, from the solver's bound on cost + tie-break.

    The tie-break adds at most `tie_break * max_hires`. Every plan costs a whole combination of
    the three costs, so when they are in cents the bound rounds up to their common step.
    """
    bound = max(0.0, solver_bound - tie_break(costs) * max_hires)
    cents = [round(c * 100) for c in (costs.hire, costs.grow, costs.move)]
    if all(abs(c * 100 - n) < 1e-6 for c, n in zip((costs.hire, costs.grow, costs.move), cents,
                                                      strict=True)):
        step = math.gcd(*cents) / 100
        if step > 0:
            bound = step * math.ceil(bound / step - 1e-9)
    return bound


def _row(problem: pulp.LpProblem, terms: list[tuple[pulp.LpVariable, float]], sense: int,
         rhs: float) -> None:
    problem.addConstraint(pulp.LpConstraint(pulp.LpAffineExpression(terms), sense, rhs=rhs))


def build_model(inp: HiringInput, elastic: bool = False) -> Model:
    """The MIP, built sparsely: variables only for eligible grows, moves and hire groups.

    `elastic` lets every target fall short and minimises the total shortfall instead of the
    cost: what explains an infeasible plan.
    """
    options = inp.options
    costs = options.costs
    k = options.skills_per_hire
    problem = pulp.LpProblem("hiring", pulp.LpMinimize)
    objective: list[tuple[pulp.LpVariable, float]] = []
    cover: dict[int, list[tuple[pulp.LpVariable, float]]] = {t.index: [] for t in inp.unmet}
    short_vars: dict[int, pulp.LpVariable] = {}
    if elastic:
        costs = Costs(0.0, 0.0, 0.0)
        for target in inp.unmet:
            short = problem.add_variable(f"s_{target.index}", lowBound=0, upBound=target.deficit)
            short_vars[target.index] = short
            cover[target.index].append((short, 1.0))
            objective.append((short, 1.0))

    hire_vars: dict[tuple[str, str], pulp.LpVariable] = {}
    need_vars: dict[int, pulp.LpVariable] = {}
    if options.allow_hire:
        for n, (group, indices) in enumerate(sorted(inp.groups.items())):
            # Lossless: H hires of one discipline can bring per-skill needs r exactly when
            # max(r) <= H and sum(r) <= k H (deal the skills round-robin, biggest need first:
            # `explain.split_hires`), and hiring alone never needs more than this upper bound.
            upper = hires_needed((inp.targets[i].deficit for i in indices), k)
            hires = problem.add_variable(f"H_{n}", lowBound=0, upBound=upper, cat=pulp.LpInteger)
            hire_vars[group] = hires
            objective.append((hires, costs.hire + tie_break(costs)))
            slots = []
            for i in indices:
                need = problem.add_variable(f"y_{i}", lowBound=0, upBound=inp.targets[i].deficit)
                need_vars[i] = need
                cover[i].append((need, 1.0))
                slots.append((need, 1.0))
                _row(problem, [(need, 1.0), (hires, -1.0)], pulp.LpConstraintLE, 0)
            _row(problem, [*slots, (hires, -float(k))], pulp.LpConstraintLE, 0)

    grow_vars: dict[int, pulp.LpVariable] = {}
    per_person: dict[str, list[pulp.LpVariable]] = defaultdict(list)
    per_kind: dict[GrowKind, list[tuple[pulp.LpVariable, float]]] = defaultdict(list)
    for n, option in enumerate(inp.grow_options):
        grow = problem.add_variable(f"g_{n}", cat=pulp.LpBinary)
        grow_vars[n] = grow
        objective.append((grow, costs.grow))
        cover[option.target].append((grow, 1.0))
        per_person[option.person_id].append(grow)
        per_kind[inp.kind(option)].append((grow, 1.0))
    for grows in per_person.values():
        if len(grows) > 1:
            _row(problem, [(g, 1.0) for g in grows], pulp.LpConstraintLE, 1)
    # Grows of each kind flow to mentor classes that can coach them, within their slots.
    for mentor_class in inp.mentor_classes:
        room = inp.mentor_slots(mentor_class)
        demand = sum(len(per_kind[kind]) for kind in mentor_class.kinds)
        flows = []
        for j, kind in enumerate(mentor_class.kinds):
            flow = problem.add_variable(f"f_{mentor_class.index}_{j}", lowBound=0,
                                        upBound=min(room, len(per_kind[kind])))
            per_kind[kind].append((flow, -1.0))
            flows.append((flow, 1.0))
        if demand > room:
            _row(problem, flows, pulp.LpConstraintLE, room)
    for terms in per_kind.values():
        _row(problem, terms, pulp.LpConstraintLE, 0)

    move_vars: dict[tuple[int, str], pulp.LpVariable] = {}
    slack_rows: dict[int, list[tuple[pulp.LpVariable, float]]] = defaultdict(list)
    for move_class in inp.move_classes:
        size = len(move_class.members)
        own = []
        for team, helped in move_class.destinations:
            # Lossless: beyond the largest gap it covers, one more identical mover helps nothing.
            upper = min(size, max(inp.targets[i].deficit for i in helped))
            move = problem.add_variable(f"m_{move_class.index}_{len(move_vars)}", lowBound=0,
                                        upBound=upper,
                                        cat=pulp.LpBinary if upper == 1 else pulp.LpInteger)
            move_vars[(move_class.index, team)] = move
            objective.append((move, costs.move))
            own.append((move, 1.0))
            for i in helped:
                cover[i].append((move, 1.0))
        if len(own) > 1 and size < sum(v.upBound for v, _ in own):
            _row(problem, own, pulp.LpConstraintLE, size)
        for j in move_class.counts_toward:
            slack_rows[j].extend(own)
    for j, terms in slack_rows.items():
        slack = inp.targets[j].have - inp.targets[j].min_people
        if sum(v.upBound for v, _ in terms) > slack:
            _row(problem, terms, pulp.LpConstraintLE, slack)

    for i, terms in cover.items():
        _row(problem, terms, pulp.LpConstraintGE, inp.targets[i].deficit)
    problem.setObjective(pulp.LpAffineExpression(objective))
    return Model(problem, hire_vars, need_vars, grow_vars, move_vars, short_vars)


def warm_start(inp: HiringInput, model: Model, choice: Choice) -> dict[str, float]:
    """Variable values of a choice, for the solver to start from."""
    values: dict[str, float] = {v.name: 0.0 for v in model.problem.variables()}
    residual = residuals(inp, choice)
    for group, hires in group_hires(inp, residual).items():
        if group in model.hire_vars:
            values[model.hire_vars[group].name] = float(hires)
    for i, need in model.need_vars.items():
        values[need.name] = float(residual[i])
    index = {(o.person_id, o.target): n for n, o in enumerate(inp.grow_options)}
    for person_id, target in choice.grows:
        values[model.grow_vars[index[(person_id, target)]].name] = 1.0
    for _, team, class_index in choice.moves:
        values[model.move_vars[(class_index, team)].name] += 1.0
    return values


def decode(inp: HiringInput, model: Model, values: Mapping[str, float]) -> Choice:
    choice = Choice()
    for n, grow in model.grow_vars.items():
        if values.get(grow.name, 0.0) > 0.5:
            option = inp.grow_options[n]
            choice.grows.append((option.person_id, option.target))
    for move_class in inp.move_classes:
        members = list(move_class.members)
        for team, _ in move_class.destinations:
            var = model.move_vars[(move_class.index, team)]
            for _ in range(round(values.get(var.name, 0.0))):
                if members:
                    choice.moves.append((members.pop(0), team, move_class.index))
    return choice


# --------------------------------------------------------------------------- the plan


@dataclass(frozen=True)
class PlannedAction:
    """One hire, grow or move, with the target skills it closes."""

    action: str
    team: str                                 # the team the person is in after the plan
    discipline: str
    skills: tuple[tuple[str, int], ...]       # (skill_id, level) it brings to target skills
    cost: float
    person_id: str | None = None
    hire_no: int | None = None
    from_team: str | None = None
    mentor_id: str | None = None
    explanation: str = ""


@dataclass(kw_only=True)
class HiringPlan(Plan):
    """The plan contract plus the actions, the baselines and the targets they were met from."""

    actions: list[PlannedAction] = field(default_factory=list)
    hires: int = 0
    greedy_cost: float | None = None
    greedy_hires: int | None = None
    pure_hiring_cost: float | None = None
    pure_hiring_hires: int | None = None
    source: str = ""             # "optimiser", "greedy" or "nothing to do"
    targets: int = 0
    targets_unmet_before: int = 0
    phases: dict[str, float] = field(default_factory=dict)  # seconds per step of the planner

    @property
    def has_plan(self) -> bool:
        return self.found

    def frame(self, explained: bool = False) -> pd.DataFrame:
        """One row per action and skill, the columns of the CSV export; costs sum to the total.

        `explained` adds from_team, mentor_id and the explanation, for the page and the store.
        """
        rows = []
        extra = ("from_team", "mentor_id", "explanation") if explained else ()
        for action in self.actions:
            for n, (skill_id, level) in enumerate(action.skills):
                row = {"action": action.action, "team": action.team,
                       "discipline": action.discipline, "skill_id": skill_id,
                       "level": level, "person_id": action.person_id,
                       "hire_no": action.hire_no, "cost": action.cost if n == 0 else 0.0}
                rows.append(row | {key: getattr(action, key) for key in extra})
        frame = pd.DataFrame(rows, columns=[*PLAN_COLUMNS, *extra])
        frame["hire_no"] = frame["hire_no"].astype("Int64")
        frame["level"] = frame["level"].astype("int64")
        frame["cost"] = frame["cost"].astype("float64")
        return frame

    def explanations(self) -> list[str]:
        return [a.explanation for a in self.actions]

    def summary(self) -> dict[str, object]:
        """What the command line prints as one JSON line."""
        return {"status": self.status, "objective": rounded(self.objective),
                "bound": rounded(self.bound), "gap": rounded(self.gap, 6), "hires": self.hires,
                "seconds": round(self.seconds, 3)}
