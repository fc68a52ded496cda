"""Hiring targets: close every team target by growing, moving or hiring people, at least cost.

The model (see the README section "Hiring targets"):

* a target (team, skill, min_level, min_people) is met when at least min_people members of the
  team are at level >= min_level;
* **hire** into a team a person of one discipline who brings up to `skills_per_hire` skills of
  that discipline at the levels the team's targets need;
* **grow** a member who is exactly one level short of a target of their own team and interested
  (interest >= 2): one skill per person, and only while a mentor (someone else at level
  >= max(target level, 3) in that skill, in any team, so mentoring or a rotation to the mentor's
  team) has room. A mentor coaches one person at a time, `quarters_per_level` quarters per
  person, so over the horizon each mentor can grow `horizon // quarters_per_level` people;
* **move** a person to another team, only out of a team that meets all its targets now and still
  meets them with the people who stay (a move never opens a gap that something else must close),
  and never out of a frozen team;
* one action per person; minimise the total cost, then the number of hires.

Hires are aggregated per (team, discipline): H hires can cover a multiset of skill needs r_s of
one discipline exactly when max(r_s) <= H and sum(r_s) <= skills_per_hire * H, so the optimiser
decides how many people to hire and `_split_hires` deals the skills out round-robin afterwards.
People in the same source team with the same skills (as far as any target can tell) are
interchangeable movers and share one integer variable per destination. Both keep the model
small and its bound tight without cutting off any plan.
"""

from __future__ import annotations

import heapq
import math
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd
import pulp

from skills.dataset import Dataset
from skills.organisation import PRACTITIONER_LEVEL
from skills.plans.solving import SolveOutcome, solve
from skills.taxonomy import LEVELS, MAX_LEVEL

HIRE, GROW, MOVE = "hire", "grow", "move"
ACTIONS = (HIRE, GROW, MOVE)
PLAN_COLUMNS = ("action", "team", "discipline", "skill_id", "level", "person_id", "hire_no",
                "cost")
# Roles as a recruiter would write them in a job title.
ROLE_WORDS = {"data": "data engineering", "ml": "ML engineering", "sre": "SRE",
              "product": "product"}
MIN_GROW_INTEREST = 2
SOLVERS = ("highs", "cbc")


class HiringInputError(ValueError):
    """The options or the dataset cannot be planned; the message says what is wrong."""


class PlanCheckError(AssertionError):
    """A plan breaks a rule or leaves a target unmet: a bug, never shown as a plan."""


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
    quarters_per_level: int = 2         # how long one person takes to grow one level
    time_limit: float = 30.0            # seconds for the solver
    gap_rel: float = 0.005              # stop when within 0.5 % of the proven bound
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
        if not isinstance(self.quarters_per_level, int) or self.quarters_per_level < 1:
            found.append("quarters per level must be a whole number >= 1, "
                         f"not {self.quarters_per_level!r}")
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
        if not isinstance(self.horizon, int) or not isinstance(self.quarters_per_level, int):
            return 0
        return max(0, self.horizon // max(1, self.quarters_per_level))


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


@dataclass
class HiringInput:
    options: HiringOptions
    people: dict[str, Member]
    levels: dict[str, dict[str, tuple[int, int]]]   # person -> skill -> (level, interest)
    skills: dict[str, tuple[str, str, bool]]        # skill -> (name, discipline, critical)
    targets: list[Target]
    team_targets: dict[str, list[int]]
    grow_options: list[GrowOption]
    mentor_capacity: dict[tuple[str, int], int]     # (skill, mentor level 3|4) -> people
    move_classes: list[MoveClass]
    source_teams: list[str]
    groups: dict[tuple[str, str], list[int]]        # (team, discipline) -> unmet targets

    @property
    def unmet(self) -> list[Target]:
        return [t for t in self.targets if t.deficit > 0]

    def level(self, person_id: str, skill_id: str) -> int:
        return self.levels.get(person_id, {}).get(skill_id, (0, 0))[0]


def _mentor_level(target_level: int) -> int:
    return max(target_level, PRACTITIONER_LEVEL)


def prepare(dataset: Dataset, options: HiringOptions | None = None) -> HiringInput:
    """Targets, deficits and every eligible grow and move, from a dataset and options."""
    options = options or HiringOptions()
    problems = options.problems()
    people = _members(dataset.people)
    skills = {str(r.skill_id): (str(r.name), str(r.discipline), bool(r.critical))
              for r in dataset.skills.itertuples(index=False)}
    teams = {m.team for m in people.values()} | {str(t) for t in dataset.targets["team"]}
    for team in options.frozen_teams:
        if team not in teams:
            problems.append(f"frozen team {team!r} is not a team of this organisation")
    unknown = sorted(set(map(str, dataset.targets["skill_id"])) - skills.keys())
    if unknown:
        problems.append(f"targets name skills that are not in the skills list: {unknown}")
    if problems:
        raise HiringInputError("; ".join(problems))

    levels: dict[str, dict[str, tuple[int, int]]] = defaultdict(dict)
    for r in dataset.ratings.itertuples(index=False):
        if str(r.person_id) in people:
            levels[str(r.person_id)][str(r.skill_id)] = (int(r.level), int(r.interest))
    members: dict[str, list[str]] = defaultdict(list)
    for person in people.values():
        members[person.team].append(person.person_id)

    targets: list[Target] = []
    team_targets: dict[str, list[int]] = defaultdict(list)
    frame = dataset.targets.sort_values(["team", "skill_id"], kind="stable")
    for r in frame.itertuples(index=False):
        team, skill_id = str(r.team), str(r.skill_id)
        min_level = int(r.min_level)
        have = sum(1 for p in members.get(team, ())
                   if levels[p].get(skill_id, (0, 0))[0] >= min_level)
        name, discipline, critical = skills[skill_id]
        target = Target(len(targets), team, skill_id, name, discipline, critical, min_level,
                        int(r.min_people), have)
        targets.append(target)
        team_targets[team].append(target.index)

    # Mentors: anyone at level >= 3 (>= 4 for growth to Expert) in the skill, in any team.
    mentor_capacity: dict[tuple[str, int], int] = defaultdict(int)
    slots = options.grow_slots_per_mentor()
    for skill_levels in levels.values():
        for skill_id, (level, _) in skill_levels.items():
            for mentor_level in (PRACTITIONER_LEVEL, MAX_LEVEL):
                if level >= mentor_level:
                    mentor_capacity[(skill_id, mentor_level)] += slots

    unmet = [t for t in targets if t.deficit > 0]
    grow_options: list[GrowOption] = []
    if options.allow_grow and slots > 0:
        for target in unmet:
            if mentor_capacity.get((target.skill_id, _mentor_level(target.min_level)), 0) <= 0:
                continue
            for person_id in members.get(target.team, ()):
                if person_id in options.learners:
                    continue
                level, interest = levels[person_id].get(target.skill_id, (0, 0))
                if level == target.min_level - 1 and interest >= MIN_GROW_INTEREST:
                    grow_options.append(GrowOption(person_id, target.index, level, interest))

    source_teams = sorted(
        team for team in members
        if team not in options.frozen_teams
        and all(targets[i].deficit == 0 for i in team_targets.get(team, ())))
    move_classes = _move_classes(options, source_teams, members, levels, targets, team_targets,
                                 unmet)
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for target in unmet:
        groups[(target.team, target.discipline)].append(target.index)
    return HiringInput(options, people, dict(levels), skills, targets, dict(team_targets),
                       grow_options, dict(mentor_capacity), move_classes, source_teams,
                       dict(groups))


def _members(frame: pd.DataFrame) -> dict[str, Member]:
    return {str(r.person_id): Member(str(r.person_id), str(r.name), str(r.team),
                                     "" if pd.isna(r.discipline) else str(r.discipline))
            for r in frame.itertuples(index=False)}


def _move_classes(options: HiringOptions, source_teams: list[str],
                  members: Mapping[str, list[str]],
                  levels: Mapping[str, Mapping[str, tuple[int, int]]], targets: list[Target],
                  team_targets: Mapping[str, list[int]], unmet: list[Target]) -> list[MoveClass]:
    if not options.allow_move or not unmet:
        return []
    by_skill: dict[str, list[Target]] = defaultdict(list)
    for target in unmet:
        by_skill[target.skill_id].append(target)
    classes: dict[tuple[Any, ...], list[str]] = defaultdict(list)
    shapes: dict[tuple[Any, ...], tuple[tuple[int, ...], dict[str, list[int]]]] = {}
    for source in source_teams:
        for person_id in members[source]:
            skill_levels = levels.get(person_id, {})
            covered: dict[str, list[int]] = defaultdict(list)
            for skill_id, (level, _) in skill_levels.items():
                for target in by_skill.get(skill_id, ()):
                    if target.team != source and level >= target.min_level:
                        covered[target.team].append(target.index)
            if not covered:
                continue
            counts = tuple(i for i in team_targets.get(source, ())
                           if skill_levels.get(targets[i].skill_id, (0, 0))[0]
                           >= targets[i].min_level)
            if any(targets[i].have <= targets[i].min_people for i in counts):
                continue  # their team would drop below a target: they can never move
            key = (source, counts, tuple(sorted((b, tuple(sorted(c)))
                                                for b, c in covered.items())))
            classes[key].append(person_id)
            shapes[key] = (counts, covered)
    result = []
    for key in sorted(classes):
        counts, covered = shapes[key]
        result.append(MoveClass(len(result), key[0], tuple(sorted(classes[key])), counts,
                                tuple(sorted((b, tuple(sorted(c))) for b, c in covered.items()))))
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


def _coverage(inp: HiringInput, choice: Choice) -> list[int]:
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


def _residuals(inp: HiringInput, choice: Choice) -> list[int]:
    covered = _coverage(inp, choice)
    return [max(0, t.deficit - c) for t, c in zip(inp.targets, covered, strict=True)]


def _group_hires(inp: HiringInput, residual: Sequence[int]) -> dict[tuple[str, str], int]:
    k = inp.options.skills_per_hire
    return {g: hires_needed((residual[i] for i in indices), k)
            for g, indices in inp.groups.items()}


def _choice_cost(inp: HiringInput, choice: Choice) -> tuple[float, int] | None:
    """(cost, hires), or None when the choice leaves a target that hiring may not close."""
    residual = _residuals(inp, choice)
    hires = sum(_group_hires(inp, residual).values())
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


# --------------------------------------------------------------------------- greedy baseline


def greedy(inp: HiringInput) -> Choice | None:
    """Cheap actions first, then hires, then drop actions that save no hire; None if stuck."""
    options = inp.options
    costs = options.costs
    choice = Choice()
    remaining = [t.deficit for t in inp.targets]
    used: set[str] = set()
    mentors = dict(inp.mentor_capacity)

    if inp.grow_options and (not options.allow_hire or costs.grow < costs.hire):
        by_target: dict[int, list[GrowOption]] = defaultdict(list)
        flexibility: dict[str, int] = defaultdict(int)
        for option in inp.grow_options:
            by_target[option.target].append(option)
            flexibility[option.person_id] += 1
        order = sorted(by_target, key=lambda i: (-inp.targets[i].deficit, i))
        for i in order:
            target = inp.targets[i]
            for option in sorted(by_target[i], key=lambda o: (flexibility[o.person_id],
                                                             -o.interest, o.person_id)):
                if remaining[i] == 0:
                    break
                if option.person_id in used or not _take_mentor(mentors, target):
                    continue
                used.add(option.person_id)
                remaining[i] -= 1
                choice.grows.append((option.person_id, i))

    if inp.move_classes and (not options.allow_hire or costs.move < costs.hire):
        _greedy_moves(inp, choice, remaining)

    if _choice_cost(inp, choice) is None:
        return None
    _drop_useless(inp, choice)
    if options.allow_hire:
        pure_cost, pure_hires = pure_hiring(inp)
        cost, hires = _choice_cost(inp, choice)  # type: ignore[misc]
        if (pure_cost, pure_hires) < (cost, hires):
            return Choice()
    return choice


def _take_mentor(mentors: dict[tuple[str, int], int], target: Target) -> bool:
    """Book a mentor's slot; growth to Expert needs an expert, which also uses a >= 3 slot."""
    wanted = _mentor_level(target.min_level)
    keys = [(target.skill_id, PRACTITIONER_LEVEL)]
    if wanted > PRACTITIONER_LEVEL:
        keys.append((target.skill_id, wanted))
    if any(mentors.get(key, 0) <= 0 for key in keys):
        return False
    for key in keys:
        mentors[key] -= 1
    return True


def _greedy_moves(inp: HiringInput, choice: Choice, remaining: list[int]) -> None:
    """Lazy greedy: always take the move that closes the most remaining gaps."""
    slack = {i: inp.targets[i].have - inp.targets[i].min_people
             for team in inp.source_teams for i in inp.team_targets.get(team, ())}
    left = {c.index: list(c.members) for c in inp.move_classes}
    heap = []
    for c in inp.move_classes:
        for team, indices in c.destinations:
            heap.append((-len(indices), c.index, team, indices))
    heapq.heapify(heap)
    while heap:
        negative_gain, class_index, team, indices = heapq.heappop(heap)
        gain = sum(1 for i in indices if remaining[i] > 0)
        if gain == 0 or not left[class_index]:
            continue
        if gain != -negative_gain:
            heapq.heappush(heap, (-gain, class_index, team, indices))
            continue
        move_class = inp.move_classes[class_index]
        if any(slack[j] <= 0 for j in move_class.counts_toward):
            continue
        person_id = left[class_index].pop(0)
        for j in move_class.counts_toward:
            slack[j] -= 1
        for i in indices:
            if remaining[i] > 0:
                remaining[i] -= 1
        choice.moves.append((person_id, team, class_index))
        heapq.heappush(heap, (-gain, class_index, team, indices))


def _drop_useless(inp: HiringInput, choice: Choice) -> None:
    """Undo any grow or move whose cost exceeds the hires it saves."""
    changed = True
    while changed:
        changed = False
        current = _choice_cost(inp, choice)
        for kind in (MOVE, GROW):
            items = choice.moves if kind == MOVE else choice.grows
            for index in range(len(items) - 1, -1, -1):
                removed = items.pop(index)
                trial = _choice_cost(inp, choice)
                if trial is not None and current is not None and trial < current:
                    current = trial
                    changed = True
                else:
                    items.insert(index, removed)


# --------------------------------------------------------------------------- the optimiser


@dataclass
class _Model:
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


def build_model(inp: HiringInput, elastic: bool = False) -> _Model:
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
                problem.addConstraint(pulp.LpConstraint(
                    pulp.LpAffineExpression([(need, 1.0), (hires, -1.0)]),
                    pulp.LpConstraintLE, rhs=0))
            problem.addConstraint(pulp.LpConstraint(
                pulp.LpAffineExpression([*slots, (hires, -float(k))]),
                pulp.LpConstraintLE, rhs=0))

    grow_vars: dict[int, pulp.LpVariable] = {}
    per_person: dict[str, list[pulp.LpVariable]] = defaultdict(list)
    per_mentor: dict[tuple[str, int], list[pulp.LpVariable]] = defaultdict(list)
    for n, option in enumerate(inp.grow_options):
        grow = problem.add_variable(f"g_{n}", cat=pulp.LpBinary)
        grow_vars[n] = grow
        objective.append((grow, costs.grow))
        cover[option.target].append((grow, 1.0))
        per_person[option.person_id].append(grow)
        target = inp.targets[option.target]
        per_mentor[(target.skill_id, PRACTITIONER_LEVEL)].append(grow)
        if _mentor_level(target.min_level) > PRACTITIONER_LEVEL:
            per_mentor[(target.skill_id, MAX_LEVEL)].append(grow)
    for grows in per_person.values():
        if len(grows) > 1:
            problem.addConstraint(pulp.LpConstraint(
                pulp.LpAffineExpression([(g, 1.0) for g in grows]), pulp.LpConstraintLE, rhs=1))
    for key, grows in per_mentor.items():
        if len(grows) > inp.mentor_capacity.get(key, 0):
            problem.addConstraint(pulp.LpConstraint(
                pulp.LpAffineExpression([(g, 1.0) for g in grows]), pulp.LpConstraintLE,
                rhs=inp.mentor_capacity.get(key, 0)))

    move_vars: dict[tuple[int, str], pulp.LpVariable] = {}
    slack_rows: dict[int, list[tuple[pulp.LpVariable, float]]] = defaultdict(list)
    for move_class in inp.move_classes:
        size = len(move_class.members)
        own = []
        for team, indices in move_class.destinations:
            upper = min(size, max(inp.targets[i].deficit for i in indices))
            move = problem.add_variable(f"m_{move_class.index}_{len(move_vars)}", lowBound=0,
                                   upBound=upper,
                                   cat=pulp.LpBinary if upper == 1 else pulp.LpInteger)
            move_vars[(move_class.index, team)] = move
            objective.append((move, costs.move))
            own.append((move, 1.0))
            for i in indices:
                cover[i].append((move, 1.0))
        if len(own) > 1 and size < sum(v.upBound for v, _ in own):
            problem.addConstraint(pulp.LpConstraint(pulp.LpAffineExpression(own),
                                                    pulp.LpConstraintLE, rhs=size))
        for j in move_class.counts_toward:
            slack_rows[j].extend(own)
    for j, terms in slack_rows.items():
        slack = inp.targets[j].have - inp.targets[j].min_people
        if sum(v.upBound for v, _ in terms) > slack:
            problem.addConstraint(pulp.LpConstraint(pulp.LpAffineExpression(terms),
                                                    pulp.LpConstraintLE, rhs=slack))

    for i, terms in cover.items():
        problem.addConstraint(pulp.LpConstraint(pulp.LpAffineExpression(terms),
                                                pulp.LpConstraintGE,
                                                rhs=inp.targets[i].deficit))
    problem.setObjective(pulp.LpAffineExpression(objective))
    return _Model(problem, hire_vars, need_vars, grow_vars, move_vars, short_vars)


def warm_start(inp: HiringInput, model: _Model, choice: Choice) -> dict[str, float]:
    """Variable values of a choice, for the solver to start from."""
    values: dict[str, float] = {v.name: 0.0 for v in model.problem.variables()}
    residual = _residuals(inp, choice)
    for group, hires in _group_hires(inp, residual).items():
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


def _decode(inp: HiringInput, model: _Model, values: Mapping[str, float]) -> Choice:
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


@dataclass
class HiringPlan:
    status: str                  # optimal | feasible | infeasible | timeout
    actions: list[PlannedAction]
    objective: float | None      # total cost of the plan
    bound: float | None          # proven lower bound on the cost of any plan
    gap: float | None
    seconds: float
    hires: int
    greedy_cost: float | None
    greedy_hires: int | None
    pure_hiring_cost: float | None
    pure_hiring_hires: int | None
    source: str                  # "optimiser", "greedy" or "nothing to do"
    message: str
    reasons: list[str] = field(default_factory=list)  # why no plan exists, in words
    targets: int = 0
    targets_unmet_before: int = 0

    @property
    def has_plan(self) -> bool:
        return self.status in ("optimal", "feasible")

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

    def summary(self) -> dict[str, Any]:
        """What the command line prints as one JSON line."""
        return {"status": self.status, "objective": _round(self.objective),
                "bound": _round(self.bound), "gap": _round(self.gap, 6), "hires": self.hires,
                "seconds": round(self.seconds, 3)}


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(float(value), digits)


def plan_hiring(dataset: Dataset, options: HiringOptions | None = None) -> HiringPlan:
    """The cheapest plan that meets every target, with the greedy baseline and proven bound."""
    started = time.monotonic()
    options = options or HiringOptions()
    inp = prepare(dataset, options)
    unmet = inp.unmet
    pure = pure_hiring(inp) if options.allow_hire else (None, None)
    base = dict(targets=len(inp.targets), targets_unmet_before=len(unmet),
                pure_hiring_cost=pure[0], pure_hiring_hires=pure[1])
    if not unmet:
        return HiringPlan("optimal", [], 0.0, 0.0, 0.0, time.monotonic() - started, 0, 0.0, 0,
                          source="nothing to do", message="Every target is already met.",
                          **base)

    baseline = greedy(inp)
    baseline_cost = _choice_cost(inp, baseline) if baseline is not None else None
    model = build_model(inp)
    warm = warm_start(inp, model, baseline) if baseline is not None else None
    outcome = _optimise(model, options, started, warm)

    candidates: list[tuple[tuple[float, int], str, Choice]] = []
    if outcome.values:
        found = _decode(inp, model, outcome.values)
        found_cost = _choice_cost(inp, found)
        if found_cost is not None:
            candidates.append((found_cost, "optimiser", found))
    if baseline is not None and baseline_cost is not None:
        candidates.append((baseline_cost, "greedy", baseline))
    greedy_fields = dict(greedy_cost=baseline_cost[0] if baseline_cost else None,
                         greedy_hires=baseline_cost[1] if baseline_cost else None)
    seconds = time.monotonic() - started
    if not candidates:
        if outcome.status == "infeasible":
            return HiringPlan("infeasible", [], None, None, None, seconds, 0, source="",
                              message="No plan can meet every target with the actions allowed.",
                              reasons=explain_infeasible(inp, _shortfalls(inp)),
                              **greedy_fields, **base)
        return HiringPlan("timeout", [], None, outcome.bound, None, seconds, 0, source="",
                          message=f"No plan found within {options.time_limit:g} s. "
                                  f"{outcome.message}".strip(), **greedy_fields, **base)

    # Cheapest first, the solver's plan on a tie; a plan the checker rejects is never shown
    # (the next candidate is), and if every candidate fails that is a bug worth a loud error.
    failures: list[str] = []
    for candidate in sorted(candidates, key=lambda c: (c[0], c[1] != "optimiser")):
        (cost, hires), source, choice = candidate
        actions = build_actions(inp, choice)
        problems = check_actions(dataset, options, actions)
        if not problems:
            break
        failures.append(f"{source} plan: " + "; ".join(problems))
    else:
        raise PlanCheckError("no plan passes its check: " + " | ".join(failures))
    bound = None
    if outcome.bound is not None:
        bound = min(cost, cost_bound(options.costs, outcome.bound, pure[1] or 0))
    gap = None if bound is None else (cost - bound) / max(1e-9, abs(cost))
    # A solver proof covers cost plus the tiny tie-break, hence the small allowance.
    allowance = 1e-4 if outcome.status == "optimal" else 1e-9
    proven = gap is not None and gap <= options.gap_rel + allowance
    status = "optimal" if proven else "feasible"
    message = _message(status, source, outcome, gap, options)
    return HiringPlan(status, actions, cost, bound, gap, time.monotonic() - started, hires,
                      source=source, message=message, **greedy_fields, **base)


def _message(status: str, source: str, outcome: SolveOutcome, gap: float | None,
             options: HiringOptions) -> str:
    if status == "optimal" and (gap or 0) <= 1e-4:
        text = "Proven cheapest plan."
    elif status == "optimal":
        text = f"Within {gap:.2%} of the proven bound (the target is {options.gap_rel:.1%})."
    elif gap is not None:
        text = (f"Best plan found in {options.time_limit:g} s, {gap:.2%} above the proven "
                "bound; a longer time limit may find a cheaper one.")
    else:
        text = "Best plan found; the solver proved no bound in time."
    if source == "greedy":
        text += " The greedy baseline was already as good as anything the solver found."
    return text


# --------------------------------------------------------------------------- solver runner


def _optimise(model: _Model, options: HiringOptions, started: float,
              warm: dict[str, float] | None) -> SolveOutcome:
    """Solve from the warm start within what is left of the time limit."""
    budget = max(0.05, options.time_limit - (time.monotonic() - started))
    return _run_solver(model.problem, options, budget, warm)


def _run_solver(problem: pulp.LpProblem, options: HiringOptions, time_limit: float,
                warm: dict[str, float] | None) -> SolveOutcome:
    """The shared runner: a child process under a hard wall-clock limit, honest status."""
    return solve(problem, solver=options.solver, time_limit=time_limit, gap_rel=options.gap_rel,
                 warm_start=warm, seed=1)


# --------------------------------------------------------------------------- actions and words


def build_actions(inp: HiringInput, choice: Choice) -> list[PlannedAction]:
    """Grows, moves and individual hires with their explanations, in a stable order."""
    costs = inp.options.costs
    actions: list[PlannedAction] = []
    mentors = _assign_mentors(inp, choice.grows)
    for person_id, i in sorted(choice.grows, key=lambda g: (inp.targets[g[1]].team, g[0])):
        target = inp.targets[i]
        person = inp.people[person_id]
        mentor_id = mentors.get(person_id)
        actions.append(PlannedAction(
            GROW, person.team, person.discipline, ((target.skill_id, target.min_level),),
            costs.grow, person_id=person_id, mentor_id=mentor_id,
            explanation=_grow_words(inp, person, target, mentor_id)))
    for person_id, team, class_index in sorted(choice.moves, key=lambda m: (m[1], m[0])):
        person = inp.people[person_id]
        covered = dict(inp.move_classes[class_index].destinations)[team]
        skills = tuple((inp.targets[i].skill_id, inp.level(person_id, inp.targets[i].skill_id))
                       for i in covered)
        actions.append(PlannedAction(
            MOVE, team, person.discipline, skills, costs.move, person_id=person_id,
            from_team=person.team,
            explanation=_move_words(inp, person, team, [inp.targets[i] for i in covered])))
    residual = _residuals(inp, choice)
    hire_no = 0
    for (team, discipline), indices in sorted(inp.groups.items()):
        for needs in _split_hires([(i, residual[i]) for i in indices],
                                  inp.options.skills_per_hire):
            hire_no += 1
            covered = [inp.targets[i] for i in needs]
            actions.append(PlannedAction(
                HIRE, team, discipline, tuple((t.skill_id, t.min_level) for t in covered),
                costs.hire, hire_no=hire_no,
                explanation=_hire_words(team, discipline, covered,
                                        [residual[t.index] for t in covered])))
    return actions


def _split_hires(needs: list[tuple[int, int]], skills_per_hire: int) -> list[list[int]]:
    """Deal skill needs to the fewest hires: biggest need first, round-robin."""
    count = hires_needed((n for _, n in needs), skills_per_hire)
    hires: list[list[int]] = [[] for _ in range(count)]
    slot = 0
    for index, need in sorted(needs, key=lambda x: (-x[1], x[0])):
        for _ in range(need):
            hires[slot % count].append(index)
            slot += 1
    return hires


def _assign_mentors(inp: HiringInput, grows: list[tuple[str, int]]) -> dict[str, str]:
    """A named mentor per grow, same team first, within each mentor's slots."""
    slots = inp.options.grow_slots_per_mentor()
    wanted_skills = {inp.targets[i].skill_id for _, i in grows}
    experts: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for person_id, skill_levels in inp.levels.items():
        for skill_id in wanted_skills:
            level = skill_levels.get(skill_id, (0, 0))[0]
            if level >= PRACTITIONER_LEVEL:
                experts[skill_id].append((person_id, level))
    left: dict[tuple[str, str], int] = defaultdict(lambda: slots)
    result = {}
    # Growth to Expert first: only experts can mentor it, so they must not be used up.
    order = sorted(grows, key=lambda g: (-inp.targets[g[1]].min_level, g[0]))
    for person_id, i in order:
        target = inp.targets[i]
        wanted = _mentor_level(target.min_level)
        candidates = sorted(
            ((p, level) for p, level in experts[target.skill_id]
             if level >= wanted and p != person_id and left[(p, target.skill_id)] > 0),
            key=lambda c: (inp.people[c[0]].team != target.team, c[1], c[0]))
        if candidates:
            mentor = candidates[0][0]
            left[(mentor, target.skill_id)] -= 1
            result[person_id] = mentor
    return result


def _skill_words(name: str) -> str:
    # "Incident response" reads as "incident response"; "CI/CD" and "SQL analytics" stay.
    if len(name) > 1 and name[0].isupper() and name[1].islower():
        return name[0].lower() + name[1:]
    return name


def join_words(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _missing_words(targets: Sequence[Target], missing: Sequence[int]) -> str:
    names = [_skill_words(t.skill_name) for t in targets]
    if len(set(missing)) == 1:
        each = " each" if len(targets) > 1 else ""
        return f"{join_words(names)}, missing {missing[0]}{each}"
    return join_words([f"{n} (missing {m})" for n, m in zip(names, missing, strict=True)])


def level_word(level: int) -> str:
    return LEVELS.get(level, str(level))


def _hire_words(team: str, discipline: str, targets: Sequence[Target],
                missing: Sequence[int]) -> str:
    level = max(t.min_level for t in targets)
    role = ROLE_WORDS.get(discipline, discipline)
    title = (f"{role} {level_word(level).lower()}" if level >= PRACTITIONER_LEVEL
             else f"{role} engineer at {level_word(level)} level")
    return f"hire 1 {title} into {team}: covers {_missing_words(targets, missing)}"


def _grow_words(inp: HiringInput, person: Member, target: Target, mentor_id: str | None) -> str:
    level = inp.level(person.person_id, target.skill_id)
    mentor = ""
    if mentor_id:
        other = inp.people[mentor_id]
        where = "" if other.team == person.team else f" (a rotation to {other.team})"
        mentor = f", mentored by {other.name}{where}"
    return (f"grow {person.name} in {person.team} from {level_word(level)} to "
            f"{level_word(target.min_level)} in {_skill_words(target.skill_name)} within "
            f"{inp.options.horizon} quarters{mentor}: {person.team} is missing {target.deficit}")


def _move_words(inp: HiringInput, person: Member, team: str, covered: Sequence[Target]) -> str:
    return (f"move {person.name} from {person.team} to {team}: covers "
            f"{_missing_words(covered, [t.deficit for t in covered])}; {person.team} still "
            "meets all its targets")


def _shortfalls(inp: HiringInput, time_limit: float = 5.0) -> dict[int, int]:
    """Target -> people still missing in the plan that leaves the fewest missing."""
    model = build_model(inp, elastic=True)
    outcome = _run_solver(model.problem, replace(inp.options, gap_rel=0.0), time_limit, None)
    if not outcome.values:
        return {}
    return {i: math.ceil(outcome.values.get(var.name, 0.0) - 1e-6)
            for i, var in model.short_vars.items()
            if outcome.values.get(var.name, 0.0) > 1e-6}


def explain_infeasible(inp: HiringInput, shortfalls: Mapping[int, int] | None = None
                       ) -> list[str]:
    """Why no plan closes every gap, target by target, in words a manager can act on.

    `shortfalls` (from the elastic model) names the targets that stay short even in the best
    attempt, when no single target is hopeless on its own.
    """
    options = inp.options
    reasons = []
    growers: dict[int, int] = defaultdict(int)
    for option in inp.grow_options:
        growers[option.target] += 1
    movers: dict[int, set[str]] = defaultdict(set)
    for move_class in inp.move_classes:
        for _, indices in move_class.destinations:
            for i in indices:
                movers[i].update(move_class.members)
    for target in inp.unmet:
        possible = growers[target.index] + len(movers[target.index])
        if options.allow_hire or possible >= target.deficit:
            continue
        words = [f"{target.team} is missing {target.deficit} at {level_word(target.min_level)} "
                 f"or above in {_skill_words(target.skill_name)}"]
        if not options.allow_grow:
            words.append("growing people is switched off")
        elif growers[target.index]:
            words.append(f"only {growers[target.index]} member(s) can grow into it")
        else:
            words.append(_why_nobody_grows(inp, target))
        if not options.allow_move:
            words.append("moves are switched off")
        elif movers[target.index]:
            words.append(f"only {len(movers[target.index])} person(s) in other teams could "
                         "move without breaking their own team")
        else:
            words.append("no team that meets all its targets can spare someone with it")
        words.append("and hiring is switched off")
        reasons.append(", ".join(words[:-1]) + " " + words[-1] + ".")
    if not reasons:
        advice = (("Allow hiring" if not options.allow_hire else "Allow more actions")
                  + ", lengthen the horizon or lower one of these targets.")
        short = [f"{inp.targets[i].team} stays {n} short at "
                 f"{level_word(inp.targets[i].min_level)} in "
                 f"{_skill_words(inp.targets[i].skill_name)}"
                 for i, n in sorted((shortfalls or {}).items())]
        reasons.append("Each gap could be closed on its own, but not all at once: the same "
                       "people, mentors or spare team members are needed for several targets."
                       + (f" Even the best attempt leaves: {join_words(short)}." if short
                          else "") + " " + advice)
    return reasons


def _why_nobody_grows(inp: HiringInput, target: Target) -> str:
    if inp.options.grow_slots_per_mentor() == 0:
        return (f"nobody can grow a level in {inp.options.horizon} quarter(s) (it takes "
                f"{inp.options.quarters_per_level})")
    mentor_level = _mentor_level(target.min_level)
    if inp.mentor_capacity.get((target.skill_id, mentor_level), 0) == 0:
        return f"nobody in the organisation is at {level_word(mentor_level)} to mentor it"
    return (f"no member is at {level_word(target.min_level - 1)} with interest "
            f">= {MIN_GROW_INTEREST}")


# --------------------------------------------------------------------------- the checker


def check_actions(dataset: Dataset, options: HiringOptions,
                  actions: Sequence[PlannedAction]) -> list[str]:
    """Every rule a plan breaks, recomputed from the dataset alone (empty when it is sound)."""
    problems: list[str] = []
    people = _members(dataset.people)
    levels: dict[str, dict[str, tuple[int, int]]] = defaultdict(dict)
    for r in dataset.ratings.itertuples(index=False):
        levels[str(r.person_id)][str(r.skill_id)] = (int(r.level), int(r.interest))
    skill_discipline = {str(r.skill_id): str(r.discipline)
                        for r in dataset.skills.itertuples(index=False)}
    targets = [(str(r.team), str(r.skill_id), int(r.min_level), int(r.min_people))
               for r in dataset.targets.itertuples(index=False)]
    team_of = {p: m.team for p, m in people.items()}
    acting: dict[str, str] = {}
    grown: dict[str, tuple[str, int]] = {}
    moved: dict[str, str] = {}
    hires: list[PlannedAction] = []
    hire_numbers: set[int] = set()
    costs = options.costs

    for action in actions:
        if action.action not in ACTIONS:
            problems.append(f"unknown action {action.action!r}")
            continue
        if abs(action.cost - costs.of(action.action)) > 1e-9:
            problems.append(f"{action.action} costs {action.cost}, not {costs.of(action.action)}")
        if action.action == HIRE:
            hires.append(action)
            if action.hire_no in hire_numbers:
                problems.append(f"hire number {action.hire_no} is used twice")
            hire_numbers.add(action.hire_no if action.hire_no is not None else -1)
            continue
        person_id = action.person_id or ""
        if person_id not in people:
            problems.append(f"{action.action} names unknown person {person_id!r}")
            continue
        if person_id in acting:
            problems.append(f"{person_id} has two actions ({acting[person_id]} and "
                            f"{action.action})")
            continue
        acting[person_id] = action.action
        if action.action == GROW:
            if len(action.skills) != 1:
                problems.append(f"grow of {person_id} names {len(action.skills)} skills, not 1")
                continue
            skill_id, level = action.skills[0]
            current, interest = levels[person_id].get(skill_id, (0, 0))
            if not options.allow_grow:
                problems.append(f"grow of {person_id} although growing is switched off")
            if person_id in options.learners:
                problems.append(f"grow of {person_id}, who is already learning another skill")
            if level != current + 1:
                problems.append(f"grow of {person_id} in {skill_id} goes from {current} to "
                                f"{level}, not one level")
            if interest < MIN_GROW_INTEREST:
                problems.append(f"grow of {person_id} in {skill_id} with interest {interest}")
            if action.team != team_of[person_id]:
                problems.append(f"grow of {person_id} is placed in {action.team}, not their team")
            grown[person_id] = (skill_id, level)
        else:
            if not options.allow_move:
                problems.append(f"move of {person_id} although moves are switched off")
            if action.team == team_of[person_id]:
                problems.append(f"move of {person_id} into their own team {action.team}")
            if team_of[person_id] in options.frozen_teams:
                problems.append(f"move of {person_id} out of frozen team {team_of[person_id]}")
            moved[person_id] = action.team

    # Mentors: each grow needs a free slot with someone else at the mentor level.
    slots = options.grow_slots_per_mentor()
    for skill_id in {s for s, _ in grown.values()}:
        for mentor_level in (PRACTITIONER_LEVEL, MAX_LEVEL):
            wanted = [p for p, (s, lv) in grown.items()
                      if s == skill_id and _mentor_level(lv) >= mentor_level]
            if not wanted:
                continue
            mentors = [p for p, skill_levels in levels.items() if p in people
                       and skill_levels.get(skill_id, (0, 0))[0] >= mentor_level]
            if len(wanted) > slots * len(mentors):
                problems.append(f"{len(wanted)} grows in {skill_id} need mentors at level "
                                f">= {mentor_level}, but only {len(mentors)} exist with "
                                f"{slots} slot(s) each in {options.horizon} quarters")

    hire_groups: dict[int, list[PlannedAction]] = defaultdict(list)
    for hire in hires:
        hire_groups[hire.hire_no if hire.hire_no is not None else -1].append(hire)
        if not options.allow_hire:
            problems.append("a hire although hiring is switched off")
        if len(hire.skills) > options.skills_per_hire:
            problems.append(f"hire {hire.hire_no} brings {len(hire.skills)} skills, more than "
                            f"{options.skills_per_hire}")
        if len({s for s, _ in hire.skills}) != len(hire.skills):
            problems.append(f"hire {hire.hire_no} lists a skill twice")
        for skill_id, level in hire.skills:
            if skill_discipline.get(skill_id) != hire.discipline:
                problems.append(f"hire {hire.hire_no} ({hire.discipline}) brings {skill_id}, a "
                                f"{skill_discipline.get(skill_id)} skill")
            if not 1 <= level <= MAX_LEVEL:
                problems.append(f"hire {hire.hire_no} brings {skill_id} at level {level}")

    def level_after(person_id: str, skill_id: str) -> int:
        if person_id in grown and grown[person_id][0] == skill_id:
            return grown[person_id][1]
        return levels[person_id].get(skill_id, (0, 0))[0]

    # Moves: the team left must meet its targets with the people who stay, as they are now.
    members_now: dict[str, list[str]] = defaultdict(list)
    for person_id, team in team_of.items():
        members_now[team].append(person_id)
    for source in sorted({team_of[p] for p in moved}):
        stay = [p for p in members_now[source] if p not in moved]
        for team, skill_id, min_level, min_people in targets:
            if team != source:
                continue
            have = sum(1 for p in stay if levels[p].get(skill_id, (0, 0))[0] >= min_level)
            if have < min_people:
                problems.append(f"moving people out of {source} breaks its target {skill_id} "
                                f"(needs {min_people} at >= {min_level}, {have} stay)")

    members_after: dict[str, list[str]] = defaultdict(list)
    for person_id, team in team_of.items():
        members_after[moved.get(person_id, team)].append(person_id)
    hired: dict[tuple[str, str], list[int]] = defaultdict(list)
    for hire in hires:
        for skill_id, level in hire.skills:
            hired[(hire.team, skill_id)].append(level)
    for team, skill_id, min_level, min_people in targets:
        have = sum(1 for p in members_after.get(team, ())
                   if level_after(p, skill_id) >= min_level)
        have += sum(1 for level in hired.get((team, skill_id), ()) if level >= min_level)
        if have < min_people:
            problems.append(f"target unmet after the plan: {team} needs {min_people} at "
                            f">= {min_level} in {skill_id}, has {have}")
    return problems


def check_plan(dataset: Dataset, options: HiringOptions, plan: HiringPlan) -> None:
    """Raise PlanCheckError when the plan breaks any rule or leaves a target unmet."""
    problems = check_actions(dataset, options, plan.actions)
    total = sum(a.cost for a in plan.actions)
    if plan.objective is not None and abs(total - plan.objective) > 1e-6:
        problems.append(f"the plan claims to cost {plan.objective} but its actions cost {total}")
    if plan.hires != sum(1 for a in plan.actions if a.action == HIRE):
        problems.append("the plan's hire count does not match its hires")
    if problems:
        raise PlanCheckError("; ".join(problems))


# --------------------------------------------------------------------------- after the plan


def coverage_after(dataset: Dataset, actions: Sequence[PlannedAction]) -> pd.DataFrame:
    """Every target with members at the level now and after the plan."""
    people = _members(dataset.people)
    levels: dict[str, dict[str, int]] = defaultdict(dict)
    for r in dataset.ratings.itertuples(index=False):
        levels[str(r.person_id)][str(r.skill_id)] = int(r.level)
    team_after = {p: m.team for p, m in people.items()}
    grown = {}
    hires: list[PlannedAction] = []
    for action in actions:
        if action.action == MOVE and action.person_id:
            team_after[action.person_id] = action.team
        elif action.action == GROW and action.person_id:
            grown[action.person_id] = action.skills[0]
        elif action.action == HIRE:
            hires.append(action)
    now: dict[str, list[str]] = defaultdict(list)
    later: dict[str, list[str]] = defaultdict(list)
    for person_id, member in people.items():
        now[member.team].append(person_id)
        later[team_after[person_id]].append(person_id)
    rows = []
    for r in dataset.targets.itertuples(index=False):
        team, skill_id, min_level = str(r.team), str(r.skill_id), int(r.min_level)
        before = sum(1 for p in now.get(team, ()) if levels[p].get(skill_id, 0) >= min_level)
        after = sum(1 for p in later.get(team, ()) if max(
            levels[p].get(skill_id, 0),
            grown[p][1] if p in grown and grown[p][0] == skill_id else 0) >= min_level)
        after += sum(1 for h in hires if h.team == team
                     for s, lv in h.skills if s == skill_id and lv >= min_level)
        rows.append({"team": team, "skill_id": skill_id, "min_level": min_level,
                     "min_people": int(r.min_people), "have_before": before,
                     "have_after": after, "met_before": before >= int(r.min_people),
                     "met_after": after >= int(r.min_people)})
    return pd.DataFrame(rows, columns=["team", "skill_id", "min_level", "min_people",
                                       "have_before", "have_after", "met_before", "met_after"])


def bus_factor_after(dataset: Dataset, actions: Sequence[PlannedAction]) -> pd.DataFrame:
    """Per critical skill: people at >= 3 organisation-wide now and after the plan."""
    critical = dataset.skills[dataset.skills["critical"].astype(bool)]
    present = set(map(str, dataset.people["person_id"]))
    ratings = dataset.ratings[dataset.ratings["person_id"].astype(str).isin(present)]
    holders = ratings[ratings["level"] >= PRACTITIONER_LEVEL].groupby("skill_id").size()
    gained: dict[str, int] = defaultdict(int)
    for action in actions:
        if action.action in (HIRE, GROW):
            for skill_id, level in action.skills:
                before = 0
                if action.action == GROW and action.person_id:
                    before = int(level) - 1
                if level >= PRACTITIONER_LEVEL > before:
                    gained[skill_id] += 1
    rows = [{"skill_id": str(s.skill_id), "name": str(s.name),
             "before": int(holders.get(s.skill_id, 0)),
             "after": int(holders.get(s.skill_id, 0)) + gained[str(s.skill_id)]}
            for s in critical.itertuples(index=False)]
    return pd.DataFrame(rows, columns=["skill_id", "name", "before", "after"])


