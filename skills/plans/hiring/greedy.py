"""The greedy baseline: cheap grows and moves first, then hires, then drop what saves no hire.

It is never worse than hiring alone, and it is the solver's warm start.
"""

from __future__ import annotations

import heapq
from collections import defaultdict

from skills.plans.hiring.model import (
    GROW,
    MOVE,
    Choice,
    GrowKind,
    GrowOption,
    HiringInput,
    choice_cost,
    coverage,
    hires_needed,
    pure_hiring,
)


def greedy(inp: HiringInput) -> Choice | None:
    """Cheap actions first, then hires, then drop actions that save no hire; None if stuck."""
    options = inp.options
    costs = options.costs
    choice = Choice()
    remaining = [t.deficit for t in inp.targets]
    used: set[str] = set()
    mentors = _MentorBook(inp)

    if inp.grow_options and (not options.allow_hire or costs.grow < costs.hire):
        by_target: dict[int, list[GrowOption]] = defaultdict(list)
        flexibility: dict[str, int] = defaultdict(int)
        for option in inp.grow_options:
            by_target[option.target].append(option)
            flexibility[option.person_id] += 1
        order = sorted(by_target, key=lambda i: (-inp.targets[i].deficit, i))
        for i in order:
            for option in sorted(by_target[i], key=lambda o: (flexibility[o.person_id],
                                                             -o.interest, o.person_id)):
                if remaining[i] == 0:
                    break
                if option.person_id in used or not mentors.take(inp.kind(option)):
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


class _MentorBook:
    """Mentor slots left per class; a grow books the least versatile class that can coach it,
    so that mentors who could coach other kinds of grow stay free for them."""

    def __init__(self, inp: HiringInput) -> None:
        self.left = {c.index: inp.mentor_slots(c) for c in inp.mentor_classes}
        self.serving: dict[GrowKind, list[int]] = defaultdict(list)
        for c in sorted(inp.mentor_classes, key=lambda c: (len(c.kinds), c.index)):
            for kind in c.kinds:
                self.serving[kind].append(c.index)

    def take(self, kind: GrowKind) -> bool:
        for index in self.serving.get(kind, ()):
            if self.left[index] > 0:
                self.left[index] -= 1
                return True
        return False


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
    """Undo any grow or move whose cost exceeds the hires it saves.

    Incremental: dropping one action changes the hires of the few (team, discipline) groups
    whose targets it covers, so only those are recounted.
    """
    costs = inp.options.costs
    k = inp.options.skills_per_hire
    covered = coverage(inp, choice)
    group_of = {i: g for g, indices in inp.groups.items() for i in indices}

    def hires_of(group: tuple[str, str]) -> int:
        return hires_needed((max(0, inp.targets[i].deficit - covered[i])
                             for i in inp.groups[group]), k)

    hires = {g: hires_of(g) for g in inp.groups}
    total = sum(hires.values())

    def helped(kind: str, item: tuple) -> tuple[int, ...]:
        if kind == GROW:
            return (item[1],)
        return dict(inp.move_classes[item[2]].destinations)[item[1]]

    changed = True
    while changed:
        changed = False
        for kind in (MOVE, GROW):
            items: list = choice.moves if kind == MOVE else choice.grows
            for index in range(len(items) - 1, -1, -1):
                targets = helped(kind, items[index])
                for i in targets:
                    covered[i] -= 1
                groups = {group_of[i] for i in targets if i in group_of}
                recount = {g: hires_of(g) for g in groups}
                extra = sum(recount[g] - hires[g] for g in groups)
                saved = costs.of(kind) - costs.hire * extra
                allowed = inp.options.allow_hire or total + extra == 0
                if allowed and (saved > 1e-9 or (abs(saved) <= 1e-9 and extra < 0)):
                    items.pop(index)
                    hires.update(recount)
                    total += extra
                    changed = True
                else:
                    for i in targets:
                        covered[i] += 1
