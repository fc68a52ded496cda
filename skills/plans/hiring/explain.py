"""Hiring plans in words: the actions with their explanations, and why no plan exists."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import cast

import numpy as np

from skills.organisation import (
    KEEN_INTEREST,
    PRACTITIONER_LEVEL,
    QUARTERS_PER_LEVEL,
    mentor_level_for,
)
from skills.plans.hiring.model import (
    GROW,
    HIRE,
    MOVE,
    Choice,
    HiringInput,
    Member,
    PlannedAction,
    Target,
    build_model,
    hires_needed,
    residuals,
)
from skills.plans.solving import SolverName, solve
from skills.taxonomy import LEVELS

# Roles as a recruiter would write them in a job title.
ROLE_WORDS = {"data": "data engineering", "ml": "ML engineering", "sre": "SRE",
              "product": "product"}


def build_actions(inp: HiringInput, choice: Choice) -> list[PlannedAction]:
    """Grows, moves and individual hires with their explanations, in a stable order."""
    costs = inp.options.costs
    actions: list[PlannedAction] = []
    mentors = assign_mentors(inp, choice.grows)
    for person_id, i in sorted(choice.grows, key=lambda g: (inp.targets[g[1]].team, g[0])):
        target = inp.targets[i]
        person = inp.people[person_id]
        mentor_id = mentors.get(person_id)
        actions.append(PlannedAction(
            GROW, person.team, person.discipline, ((target.skill_id, target.min_level),),
            costs.grow, person_id=person_id, mentor_id=mentor_id,
            explanation=grow_words(inp, person, target, mentor_id)))
    for person_id, team, class_index in sorted(choice.moves, key=lambda m: (m[1], m[0])):
        person = inp.people[person_id]
        moved_to = dict(inp.move_classes[class_index].destinations)[team]
        skills = tuple((inp.targets[i].skill_id, inp.level(person_id, inp.targets[i].skill_id))
                       for i in moved_to)
        actions.append(PlannedAction(
            MOVE, team, person.discipline, skills, costs.move, person_id=person_id,
            from_team=person.team,
            explanation=move_words(person, team, [inp.targets[i] for i in moved_to])))
    residual = residuals(inp, choice)
    hire_no = 0
    for (team, discipline), indices in sorted(inp.groups.items()):
        for needs in split_hires([(i, residual[i]) for i in indices],
                                 inp.options.skills_per_hire):
            hire_no += 1
            covered = [inp.targets[i] for i in needs]
            actions.append(PlannedAction(
                HIRE, team, discipline, tuple((t.skill_id, t.min_level) for t in covered),
                costs.hire, hire_no=hire_no,
                explanation=hire_words(team, discipline, covered,
                                       [residual[t.index] for t in covered])))
    return actions


def split_hires(needs: list[tuple[int, int]], skills_per_hire: int) -> list[list[int]]:
    """Deal skill needs to the fewest hires: biggest need first, round-robin."""
    count = hires_needed((n for _, n in needs), skills_per_hire)
    hires: list[list[int]] = [[] for _ in range(count)]
    slot = 0
    for index, need in sorted(needs, key=lambda x: (-x[1], x[0])):
        for _ in range(need):
            hires[slot % count].append(index)
            slot += 1
    return hires


def assign_mentors(inp: HiringInput, grows: list[tuple[str, int]]) -> dict[str, str]:
    """A named mentor per grow, within each mentor's slots across all their skills.

    An exact assignment (a min-cost flow: grow -> eligible mentor -> slots), so whenever the
    model found room for the grows every grow gets a mentor; among the assignments it prefers
    a mentor in the grower's own team, then a practitioner over an expert (experts are the
    only ones who can coach growth to Expert).
    """
    from ortools.graph.python import min_cost_flow

    if not grows:
        return {}
    org = inp.org
    slots = inp.options.grow_slots_per_mentor()
    n_grows = len(grows)
    source, sink = 0, 1
    node_of = np.full(org.n_people, -1, dtype=np.int64)   # person row -> mentor node
    tails, heads, unit_costs = [], [], []
    next_node = 2 + n_grows
    for g, (person_id, i) in enumerate(grows):
        target = inp.targets[i]
        levels = org.level[:, org.skill_index[target.skill_id]].astype(np.int64)
        me = org.person_index[person_id]
        eligible = levels >= mentor_level_for(target.min_level)
        eligible[me] = False
        rows = np.flatnonzero(eligible)
        fresh = rows[node_of[rows] < 0]
        node_of[fresh] = np.arange(next_node, next_node + len(fresh))
        next_node += len(fresh)
        tails.append(np.full(len(rows), 2 + g, dtype=np.int64))
        heads.append(node_of[rows])
        other_team = (org.team_code[rows] != org.team_code[me]).astype(np.int64)
        unit_costs.append(10 * other_team + levels[rows])
    mentor_rows = np.flatnonzero(node_of >= 0)
    n_pairs = sum(len(t) for t in tails)
    tail = np.concatenate([*tails, np.full(n_grows, source), node_of[mentor_rows]])
    head = np.concatenate([*heads, 2 + np.arange(n_grows), np.full(len(mentor_rows), sink)])
    capacity = np.concatenate([np.ones(n_pairs + n_grows, dtype=np.int64),
                               np.full(len(mentor_rows), slots, dtype=np.int64)])
    cost = np.concatenate([*unit_costs, np.zeros(n_grows + len(mentor_rows), dtype=np.int64)])
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(tail.astype(np.int64),
                                                     head.astype(np.int64), capacity,
                                                     cost.astype(np.int64))
    flow.set_node_supply(source, n_grows)
    flow.set_node_supply(sink, -n_grows)
    if flow.solve_max_flow_with_min_cost() != flow.OPTIMAL:
        return {}
    person_at = {int(node_of[m]): str(org.person_ids[m]) for m in mentor_rows.tolist()}
    result = {}
    for arc in arcs[:n_pairs].tolist():
        if flow.flow(arc) > 0:
            result[grows[flow.tail(arc) - 2][0]] = person_at[flow.head(arc)]
    return result


def skill_words(name: str) -> str:
    # "Incident response" reads as "incident response"; "CI/CD" and "SQL analytics" stay.
    if len(name) > 1 and name[0].isupper() and name[1].islower():
        return name[0].lower() + name[1:]
    return name


def join_words(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _missing_words(targets: Sequence[Target], missing: Sequence[int]) -> str:
    names = [skill_words(t.skill_name) for t in targets]
    if len(set(missing)) == 1:
        each = " each" if len(targets) > 1 else ""
        return f"{join_words(names)}, missing {missing[0]}{each}"
    return join_words([f"{n} (missing {m})" for n, m in zip(names, missing, strict=True)])


def level_word(level: int) -> str:
    return LEVELS.get(level, str(level))


def hire_words(team: str, discipline: str, targets: Sequence[Target],
               missing: Sequence[int]) -> str:
    level = max(t.min_level for t in targets)
    role = ROLE_WORDS.get(discipline, discipline)
    title = (f"{role} {level_word(level).lower()}" if level >= PRACTITIONER_LEVEL
             else f"{role} engineer at {level_word(level)} level")
    return f"hire 1 {title} into {team}: covers {_missing_words(targets, missing)}"


def grow_words(inp: HiringInput, person: Member, target: Target, mentor_id: str | None) -> str:
    level = inp.level(person.person_id, target.skill_id)
    mentor = ""
    if mentor_id:
        other = inp.people[mentor_id]
        where = "" if other.team == person.team else f" (a rotation to {other.team})"
        mentor = f", mentored by {other.name}{where}"
    return (f"grow {person.name} in {person.team} from {level_word(level)} to "
            f"{level_word(target.min_level)} in {skill_words(target.skill_name)} within "
            f"{inp.options.horizon} quarters{mentor}: {person.team} is missing {target.deficit}")


def move_words(person: Member, team: str, covered: Sequence[Target]) -> str:
    return (f"move {person.name} from {person.team} to {team}: covers "
            f"{_missing_words(covered, [t.deficit for t in covered])}; {person.team} still "
            "meets all its targets")


def shortfalls(inp: HiringInput, time_limit: float = 5.0) -> dict[int, int]:
    """Target -> people still missing in the plan that leaves the fewest missing."""
    model = build_model(inp, elastic=True)
    outcome = solve(model.problem, solver=cast(SolverName, inp.options.solver),
                    time_limit=time_limit, gap_rel=0.0, seed=1)
    if not outcome.values:
        return {}
    return {i: math.ceil(outcome.values.get(var.name, 0.0) - 1e-6)
            for i, var in model.short_vars.items()
            if outcome.values.get(var.name, 0.0) > 1e-6}


def explain_infeasible(inp: HiringInput, shortfall: Mapping[int, int] | None = None
                       ) -> list[str]:
    """Why no plan closes every gap, target by target, in words a manager can act on.

    `shortfall` (from the elastic model) names the targets that stay short even in the best
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
                 f"or above in {skill_words(target.skill_name)}"]
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
                 f"{skill_words(inp.targets[i].skill_name)}"
                 for i, n in sorted((shortfall or {}).items())]
        reasons.append("Each gap could be closed on its own, but not all at once: the same "
                       "people, mentors or spare team members are needed for several targets."
                       + (f" Even the best attempt leaves: {join_words(short)}." if short
                          else "") + " " + advice)
    return reasons


def _why_nobody_grows(inp: HiringInput, target: Target) -> str:
    if inp.options.grow_slots_per_mentor() == 0:
        return (f"nobody can grow a level in {inp.options.horizon} quarter(s) (it takes "
                f"{QUARTERS_PER_LEVEL})")
    mentor_level = mentor_level_for(target.min_level)
    if not (inp.org.level[:, inp.org.skill_index[target.skill_id]] >= mentor_level).any():
        return f"nobody in the organisation is at {level_word(mentor_level)} to mentor it"
    return (f"no member is at {level_word(target.min_level - 1)} with interest "
            f">= {KEEN_INTEREST}")
