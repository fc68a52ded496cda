"""A greedy baseline: the most valuable (mentee, skill) first, each to its best free mentor.

It keeps every hard constraint, so it is a plan on its own: the fallback when the exact model
does not finish in time, the MILP's warm start, and the baseline shown beside the plan. It
works on mentor classes like the flow (a pair's score depends on the mentor only through level,
team and discipline), so it never enumerates the 40 million pairs of a 5,000-person
organisation. For one mentee the classes of a level come in four kinds by the boundaries they
cross, each kind worth the same, so each mentee walks the kinds best first, within a kind the
classes in order, to the first class with a mentor free for them; used-up classes are skipped
for good. (Ranking every class per (skill, level, mentee team, discipline) instead took 7 s at
20,000 people in 740 teams.)
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Iterable, Iterator

import numpy as np

from skills.plans.mentoring.model import TOL, Prepared, Triple, view
from skills.taxonomy import MAX_LEVEL


def greedy_pairs(prep: Prepared, start: Iterable[Triple] = (),
                 stop_at: float | None = None) -> list[Triple]:
    """New pairs (fixed ones excluded), starting from `start` (kept if they fit) and filling up.

    With `stop_at` (time.monotonic), it stops there, after a first stretch of work at the
    latest, and returns the pairs it has so far: fewer, each of them kept by every rule.
    """
    return greedy_within(prep, start, stop_at)[0]


def greedy_within(prep: Prepared, start: Iterable[Triple] = (),
                  stop_at: float | None = None) -> tuple[list[Triple], bool]:
    """`greedy_pairs`, and whether it finished (False: it was stopped at `stop_at`)."""
    org, options = prep.org, prep.options
    w = options.weights
    v = view(org)
    low = options.min_mentor_level
    mentor_left = prep.mentor_cap.astype(np.int64).tolist()
    mentee_left = prep.mentee_cap.astype(np.int64).tolist()
    paired = set(prep.taken_pairs)
    has_mentor: set[tuple[int, int]] = set()     # (mentee, skill)
    mentor_role: set[tuple[int, int]] = set()    # (person, skill) mentoring in it
    for m, e, s in prep.fixed:
        mentor_role.add((m, s))
        has_mentor.add((e, s))
    chosen: list[Triple] = []

    def fits(m: int, e: int, s: int) -> bool:
        return (mentor_left[m] > 0 and mentee_left[e] > 0 and m != e
                and (m, e) not in paired and (e, s) not in has_mentor
                and (e, s) not in mentor_role and (m, s) not in has_mentor
                and (m, e, s) not in prep.declined)

    def take(m: int, e: int, s: int) -> None:
        chosen.append((m, e, s))
        mentor_left[m] -= 1
        mentee_left[e] -= 1
        paired.add((m, e))
        has_mentor.add((e, s))
        mentor_role.add((m, s))

    for m, e, s in start:
        if (prep.mentor_ok[m, s] and prep.mentee_ok[e, s]
                and int(org.level[m, s]) - int(org.level[e, s]) >= 2 and fits(m, e, s)):
            take(m, e, s)

    # Mentor classes per skill: (level, team, discipline) -> members, in that order, so that
    # the classes of one level are one run of class numbers, ordered by team, then discipline.
    mm, ms = np.nonzero(prep.mentor_ok)
    m_level = org.level[mm, ms].astype(np.int64)
    order = np.lexsort((mm, v.disc_code[mm], org.team_code[mm], m_level, ms))
    mm, ms, m_level = mm[order], ms[order], m_level[order]
    key = (m_level * (org.n_teams + 1) + org.team_code[mm]) * (int(v.disc_code.max(initial=0))
                                                              + 1) + v.disc_code[mm]
    skills: dict[int, _Skill] = {}
    for s in np.unique(ms).tolist():
        at = ms == s
        _, first = np.unique(key[at], return_index=True)
        members = mm[at]
        ref = members[first]
        bounds = [*first.tolist(), len(members)]
        members_list = members.tolist()
        skills[s] = _Skill(m_level[at][first].tolist(), org.team_code[ref].tolist(),
                           v.disc_code[ref].tolist(),
                           [members_list[lo:hi][::-1]
                            for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)])

    ee, es = np.nonzero(prep.mentee_ok)
    e_level = org.level[ee, es].astype(np.int64)
    need = np.maximum(low, e_level + 2)
    keep = need <= MAX_LEVEL
    ee, es, e_level, need = ee[keep], es[keep], e_level[keep], need[keep]
    arc_value = prep.value[ee, es] - w.level * e_level / MAX_LEVEL
    # The mentee part decides most of a pair's worth; ties by person and skill, reproducibly.
    ranked = np.lexsort((es, ee, -arc_value))
    # A mentor class is worth w.level * level / 4 + half per boundary crossed, so for one
    # mentee the classes of a level fall into four kinds: other team and other discipline,
    # other team and same discipline, same team and other discipline, same team and
    # discipline. The mentee walks the kinds best first (kinds of equal worth merged by class
    # number, as one sort of every class by worth would order them) to the first class with a
    # mentor free for them. No ranking of the classes is built per mentee.
    half = 0.5 * w.cross
    blocks = {needed: _blocks(w.level, half, needed) for needed in range(low, MAX_LEVEL + 1)}
    team_of, disc_of = org.team_code.tolist(), v.disc_code.tolist()

    def attempt(skill: _Skill, c: int, e: int, s: int) -> bool:
        """Pair e with a free mentor of class c if one fits; True when paired."""
        pool = skill.pools[c]
        # Mentors with no capacity left never get any back: drop them for good.
        while pool and mentor_left[pool[-1]] <= 0:
            pool.pop()
        if not pool:
            skill.used_up(c)
            return False
        mentor = pool[-1] if fits(pool[-1], e, s) else next(
            (m for m in reversed(pool) if fits(m, e, s)), None)
        if mentor is None:
            return False
        take(mentor, e, s)
        return True

    for walked, (e, s, needed, value) in enumerate(zip(
            ee[ranked].tolist(), es[ranked].tolist(), need[ranked].tolist(),
            arc_value[ranked].tolist(), strict=True)):
        if stop_at is not None and walked % _CHECK_EVERY == _CHECK_EVERY - 1 \
                and time.monotonic() >= stop_at:
            # Out of time: the pairs so far keep every rule, so they are a plan on their own.
            return chosen, False
        if mentee_left[e] <= 0 or s not in skills or (e, s) in has_mentor \
                or (e, s) in mentor_role:
            continue
        skill = skills[s]
        if not skill.left_from(needed):
            continue
        team, disc = team_of[e], disc_of[e]
        paired_here = False
        for worth, kinds in blocks[needed]:
            if value + worth <= TOL:
                break
            streams = [skill.candidates(level, kind, team, disc) for level, kind in kinds]
            for c in (streams[0] if len(streams) == 1 else heapq.merge(*streams)):
                if attempt(skill, c, e, s):
                    paired_here = True
                    break
            if paired_here:
                break
    return chosen, True


# (mentee, skill) entries walked between two looks at the clock.
_CHECK_EVERY = 512
# The four kinds of mentor class for one mentee: (other team, other discipline).
_KINDS = ((True, True), (True, False), (False, True), (False, False))


def _blocks(level_weight: float, half: float, needed: int
            ) -> list[tuple[float, list[tuple[int, tuple[bool, bool]]]]]:
    """The (level, kind) of every usable class, grouped by worth, best first; the worth is
    computed exactly as for one class, so equal worths are equal floats."""
    worth: dict[float, list[tuple[int, tuple[bool, bool]]]] = {}
    for level in range(needed, MAX_LEVEL + 1):
        for kind in _KINDS:
            value = level_weight * level / MAX_LEVEL + half * kind[0] + half * kind[1]
            worth.setdefault(value, []).append((level, kind))
    return sorted(worth.items(), key=lambda item: -item[0])


class _Skill:
    """One skill's mentor classes (level, team, discipline, free mentors), and per (level,
    discipline) the classes of other teams in class order, skipping used-up ones for good."""

    def __init__(self, level: list[int], team: list[int], disc: list[int],
                 pools: list[list[int]]) -> None:
        self.level, self.team, self.disc, self.pools = level, team, disc, pools
        self.done = [False] * len(pools)
        # Classes not known to be used up, per level.
        self.left = [0] * (MAX_LEVEL + 1)
        for lv in level:
            self.left[lv] += 1
        self.own: dict[tuple[int, int], list[int]] = {}
        self.runs: dict[tuple[int, int, bool], tuple[list[int], list[int]]] = {}
        for c, (lv, t) in enumerate(zip(level, team, strict=True)):
            self.own.setdefault((lv, t), []).append(c)

    def used_up(self, c: int) -> None:
        if not self.done[c]:
            self.done[c] = True
            self.left[self.level[c]] -= 1

    def left_from(self, level: int) -> bool:
        """Some class at `level` or above may still have a free mentor."""
        return any(self.left[level:])

    def candidates(self, level: int, kind: tuple[bool, bool], team: int,
                   disc: int) -> Iterator[int]:
        """The classes of this level and kind for a mentee of (team, disc), in class order."""
        other_team, other_disc = kind
        if not other_team:
            for c in self.own.get((level, team), ()):
                if (self.disc[c] != disc) == other_disc and self.pools[c]:
                    yield c
            return
        ids, nxt = self._run(level, disc, other_disc)
        i = _find(nxt, 0)
        while i < len(ids):
            c = ids[i]
            if not self.pools[c]:
                nxt[i] = i + 1      # used up for every later mentee too
            elif self.team[c] != team:
                yield c
            i = _find(nxt, i + 1)

    def _run(self, level: int, disc: int, other_disc: bool) -> tuple[list[int], list[int]]:
        key = (level, disc, other_disc)
        run = self.runs.get(key)
        if run is None:
            ids = [c for c, (lv, d) in enumerate(zip(self.level, self.disc, strict=True))
                   if lv == level and (d != disc) == other_disc]
            run = self.runs[key] = (ids, list(range(len(ids) + 1)))
        return run


def _find(nxt: list[int], i: int) -> int:
    """The first position from i not skipped (skip pointers, compressed as they are read)."""
    root = i
    while nxt[root] != root:
        root = nxt[root]
    while nxt[i] != root:
        nxt[i], i = root, nxt[i]
    return root
