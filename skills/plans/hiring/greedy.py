"""The greedy baseline: cheap grows and moves first, then hires, then drop what saves no hire.

It is never worse than hiring alone, and it is the solver's warm start.
"""

from __future__ import annotations

import heapq
from collections import defaultdict

from skills.organisation import PRACTITIONER_LEVEL, mentor_level_for
from skills.plans.hiring.model import (
    GROW,
    MOVE,
    Choice,
    GrowOption,
    HiringInput,
    Target,
    choice_cost,
    pure_hiring,
)


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

    if choice_cost(inp, choice) is None:
        return None
    _drop_useless(inp, choice)
    if options.allow_hire:
        pure_cost, pure_hires = pure_hiring(inp)
        cost, hires = choice_cost(inp, choice)  # type: ignore[misc]
        if (pure_cost, pure_hires) < (cost, hires):
            return Choice()
    return choice


def _take_mentor(mentors: dict[tuple[str, int], int], target: Target) -> bool:
    """Book a mentor's slot; growth to Expert needs an expert, which also uses a >= 3 slot."""
    wanted = mentor_level_for(target.min_level)
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
        current = choice_cost(inp, choice)
        for kind in (MOVE, GROW):
            items: list = choice.moves if kind == MOVE else choice.grows
            for index in range(len(items) - 1, -1, -1):
                removed = items.pop(index)
                trial = choice_cost(inp, choice)
                if trial is not None and current is not None and trial < current:
                    current = trial
                    changed = True
                else:
                    items.insert(index, removed)
