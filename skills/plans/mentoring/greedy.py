"""A greedy baseline: the most valuable (mentee, skill) first, each to its best free mentor.

It keeps every hard constraint, so it is a plan on its own: the fallback when the exact model
does not finish in time, the MILP's warm start, and the baseline shown beside the plan. It
works on mentor classes like the flow (a pair's score depends on the mentor only through level,
team and discipline), so it never enumerates the 40 million pairs of a 5,000-person
organisation: per (skill, level needed, mentee team, mentee discipline) the classes are ranked
once, and each mentee walks that ranking to the first class with a mentor free for them.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from skills.plans.mentoring.model import TOL, Prepared, Triple, view
from skills.taxonomy import MAX_LEVEL


def greedy_pairs(prep: Prepared, start: Iterable[Triple] = ()) -> list[Triple]:
    """New pairs (fixed ones excluded), starting from `start` (kept if they fit) and filling up."""
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

    # Mentor classes per skill: (level, team, discipline) -> members.
    mm, ms = np.nonzero(prep.mentor_ok)
    m_level = org.level[mm, ms].astype(np.int64)
    classes: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray, list[list[int]]]] = {}
    order = np.lexsort((mm, v.disc_code[mm], org.team_code[mm], m_level, ms))
    mm, ms, m_level = mm[order], ms[order], m_level[order]
    key = (m_level * (org.n_teams + 1) + org.team_code[mm]) * (int(v.disc_code.max(initial=0))
                                                              + 1) + v.disc_code[mm]
    for s in np.unique(ms).tolist():
        at = ms == s
        k, first = np.unique(key[at], return_index=True)
        ref = mm[at][first]
        classes[s] = (m_level[at][first], org.team_code[ref], v.disc_code[ref],
                      [x.tolist()[::-1] for x in np.split(mm[at], first[1:])])

    ee, es = np.nonzero(prep.mentee_ok)
    e_level = org.level[ee, es].astype(np.int64)
    need = np.maximum(low, e_level + 2)
    keep = need <= MAX_LEVEL
    ee, es, e_level, need = ee[keep], es[keep], e_level[keep], need[keep]
    arc_value = prep.value[ee, es] - w.level * e_level / MAX_LEVEL
    # The mentee part decides most of a pair's worth; ties by person and skill, reproducibly.
    ranked = np.lexsort((es, ee, -arc_value))
    # Per (skill, level needed, team, discipline): the classes best first, and how many at the
    # front are used up (a mentor's capacity never comes back, so that only moves forward).
    rankings: dict[tuple[int, int, int, int], tuple[list[tuple[float, int]], list[int]]] = {}
    half = 0.5 * w.cross
    team_of, disc_of = org.team_code.tolist(), v.disc_code.tolist()
    for e, s, needed, value in zip(ee[ranked].tolist(), es[ranked].tolist(),
                                   need[ranked].tolist(), arc_value[ranked].tolist(),
                                   strict=True):
        if mentee_left[e] <= 0 or s not in classes or (e, s) in has_mentor \
                or (e, s) in mentor_role:
            continue
        team, disc = team_of[e], disc_of[e]
        rkey = (s, needed, team, disc)
        entry = rankings.get(rkey)
        if entry is None:
            c_level, c_team, c_disc, _ = classes[s]
            worth = (w.level * c_level / MAX_LEVEL + half * (c_team != team)
                     + half * (c_disc != disc))
            usable = np.flatnonzero(c_level >= needed)
            best = usable[np.argsort(-worth[usable], kind="stable")]
            entry = (list(zip(worth[best].tolist(), best.tolist(), strict=True)), [0])
            rankings[rkey] = entry
        ranking, front = entry
        pools = classes[s][3]
        at = front[0]
        leading = True
        while at < len(ranking):
            worth_of, c = ranking[at]
            if value + worth_of <= TOL:
                break
            pool = pools[c]
            # Mentors with no capacity left never get any back: drop them for good.
            while pool and mentor_left[pool[-1]] <= 0:
                pool.pop()
            if not pool:
                if leading:
                    front[0] = at + 1
                at += 1
                continue
            leading = False
            mentor = pool[-1] if fits(pool[-1], e, s) else next(
                (m for m in reversed(pool) if fits(m, e, s)), None)
            if mentor is not None:
                take(mentor, e, s)
                break
            at += 1
    return chosen
