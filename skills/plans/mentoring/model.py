"""The mentoring model: options, weights, eligibility, scores, and the flow and MILP models.

A pair is (mentor, mentee, skill). The hard constraints (README, "Mentoring pairs"):

1. the mentor is at level >= `min_mentor_level` in the skill and the mentee at least two levels
   below the mentor;
2. the mentee has interest >= 1 in the skill, or the mentee's team misses a target in the skill
   and the mentee is below the target's level (so mentoring helps close that very gap);
3. a mentor takes at most `mentor_capacity` mentees, a mentee has at most `max_mentors` mentors,
   nobody mentors themselves, and a person who is a mentee in a skill is not that skill's mentor.
   Also one pair per (mentor, mentee) and one mentor per (mentee, skill).

The score of a pair (every weight is a `Weights` field):
    critical * [skill is critical] / max(1, bus factor)
  + gap      * [the pair closes a target gap of the mentee's team]
  + interest * mentee's interest / 3
  + level    * (mentor level - mentee level) / 4
  + cross    * (0.5 [other team] + 0.5 [other discipline])
Pairs without positive score are never proposed. The plan maximises the sum of scores.

Two exact models:
- `flow_network`: with one mentor per mentee and nobody who could be both mentee and mentor of
  one skill, the problem is a b-matching, solved as a min-cost flow through mentor classes.
- `milp_arrays`: every constraint as sparse rows over every eligible pair, for the rest. The
  flow over the same people without the two side constraints (one pair per (mentor, mentee);
  mentee not mentor of the same skill) is a relaxation of it, so its value bounds the MILP.
"""

from __future__ import annotations

import math
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from skills.organisation import Organisation
from skills.taxonomy import MAX_INTEREST, MAX_LEVEL

PAIR_COLUMNS = ("mentor_id", "mentee_id", "skill_id", "score")
# Rounding noise; scores are sums of a few weights, far coarser than this.
TOL = 1e-6
# Arc values are scores in float; the flow solver wants integers. At this scale the rounding
# moves a plan's total by well under 1e-6, far below any difference between two scores.
COST_SCALE = 10**8

Triple = tuple[int, int, int]


class MentoringInputError(ValueError):
    """A setting or a fixed pair that makes no sense, with what is wrong in words."""


@dataclass(frozen=True)
class Weights:
    """How much each reason for a pair is worth; the documented defaults below."""

    critical: float = 4.0
    gap: float = 3.0
    interest: float = 2.0
    level: float = 1.0
    cross: float = 1.0


@dataclass(frozen=True)
class MentoringOptions:
    min_mentor_level: int = 3
    mentor_capacity: int = 2
    max_mentors: int = 1
    weights: Weights = field(default_factory=Weights)
    exclude: frozenset[str] = frozenset()
    # Accepted pairs to keep, as (mentor_id, mentee_id, skill_id).
    fixed: tuple[tuple[str, str, str], ...] = ()
    # Pairs a manager declined; never proposed again.
    declined: frozenset[tuple[str, str, str]] = frozenset()
    # Wall clock from the call, preparation and checking included (contract.Deadline).
    time_limit: float = 60.0


def validate_options(options: MentoringOptions) -> None:
    """Raise `MentoringInputError` naming the first setting that is out of range."""
    def whole(name: str, value: object, low: int, high: int | None = None) -> None:
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise MentoringInputError(f"{name} must be a whole number, got {value!r}")
        if value < low or (high is not None and value > high):
            span = f"between {low} and {high}" if high is not None else f"at least {low}"
            raise MentoringInputError(f"{name} must be {span}, got {value}")

    whole("min_mentor_level", options.min_mentor_level, 1, MAX_LEVEL)
    whole("mentor_capacity", options.mentor_capacity, 0)
    whole("max_mentors", options.max_mentors, 0)
    for name in ("critical", "gap", "interest", "level", "cross"):
        value = getattr(options.weights, name)
        if not isinstance(value, (int, float)) or not math.isfinite(value):
            raise MentoringInputError(f"weight {name} must be a finite number, got {value!r}")
        if name != "cross" and value < 0:
            raise MentoringInputError(f"weight {name} must not be negative, got {value}")
    if not isinstance(options.time_limit, (int, float)) or not options.time_limit > 0:
        raise MentoringInputError(f"time_limit must be positive, got {options.time_limit}")


# --- What mentoring reads from the organisation, derived once per snapshot (org.cache).

@dataclass(frozen=True)
class MentoringView:
    disc_code: np.ndarray      # discipline code per person
    holders: np.ndarray        # the bus factor per skill (org.bus_factor())
    gap: np.ndarray            # people x skills: the team misses a target the person is below
    gap_detail: dict[tuple[int, int], tuple[int, int]]  # (team, skill) -> (missing, min_level)


def view(org: Organisation) -> MentoringView:
    """Discipline codes, bus factor and target gaps, from the one organisation model."""
    cached: MentoringView | None = org.cache.get("mentoring.view")
    if cached is not None:
        return cached
    disc_code, _ = pd.factorize(pd.Series(org.disciplines, dtype=object).astype(str))
    t = org.targets
    missing = org.target_missing()
    gap = np.zeros((org.n_people, org.n_skills), dtype=bool)
    detail: dict[tuple[int, int], tuple[int, int]] = {}
    for i in np.flatnonzero(missing > 0).tolist():
        team, skill, min_level = int(t.team[i]), int(t.skill[i]), int(t.min_level[i])
        below = (org.team_code == team) & (org.level[:, skill] < min_level)
        gap[below, skill] = True
        detail[(team, skill)] = (int(missing[i]), min_level)
    result = MentoringView(disc_code=np.asarray(disc_code, dtype=np.int64),
                           holders=org.bus_factor(), gap=gap, gap_detail=detail)
    org.cache["mentoring.view"] = result
    return result


def mentee_value(org: Organisation, weights: Weights) -> np.ndarray:
    """People x skills: the part of a pair's score that does not depend on the mentor."""
    v = view(org)
    urgency = org.critical / np.maximum(1, v.holders)
    return (weights.critical * urgency[None, :] + weights.gap * v.gap
            + weights.interest * org.interest / MAX_INTEREST)


def pair_score(org: Organisation, weights: Weights, mentor: np.ndarray, mentee: np.ndarray,
               skill: np.ndarray) -> np.ndarray:
    """The score of each (mentor, mentee, skill), vectorised over index arrays."""
    v = view(org)
    base = mentee_value(org, weights)[mentee, skill]
    diff = org.level[mentor, skill].astype(float) - org.level[mentee, skill]
    cross = (0.5 * (org.team_code[mentor] != org.team_code[mentee])
             + 0.5 * (v.disc_code[mentor] != v.disc_code[mentee]))
    return np.asarray(base + weights.level * diff / MAX_LEVEL + weights.cross * cross)


def is_eligible(org: Organisation, options: MentoringOptions, mentor: int, mentee: int,
                skill: int) -> list[tuple[int, str]]:
    """(rule, why) for each way (mentor, mentee, skill) breaks rules 1-3 (capacities aside)."""
    problems: list[tuple[int, str]] = []
    name = org.skill_ids[skill]
    m_level, e_level = int(org.level[mentor, skill]), int(org.level[mentee, skill])
    if mentor == mentee:
        problems.append((3, f"{org.person_ids[mentor]} cannot mentor themselves"))
    if m_level < options.min_mentor_level:
        problems.append((1, f"mentor {org.person_ids[mentor]} is at level {m_level} in "
                            f"{name}, below {options.min_mentor_level}"))
    if m_level - e_level < 2:
        problems.append((1, f"mentee {org.person_ids[mentee]} (level {e_level}) is not two "
                            f"levels below mentor {org.person_ids[mentor]} (level {m_level}) "
                            f"in {name}"))
    if org.interest[mentee, skill] < 1 and not view(org).gap[mentee, skill]:
        problems.append((2, f"mentee {org.person_ids[mentee]} has no interest in {name} and no "
                            "target gap of their team to close in it"))
    return problems


# --- Preparing a solve: capacities left after fixed pairs, and who may take which role.

@dataclass
class Prepared:
    org: Organisation
    options: MentoringOptions
    value: np.ndarray             # mentee_value
    mentor_ok: np.ndarray         # people x skills
    mentee_ok: np.ndarray
    mentor_cap: np.ndarray        # capacity left per person
    mentee_cap: np.ndarray
    fixed: list[Triple]
    dropped: list[str]
    declined: set[Triple]
    taken_pairs: set[tuple[int, int]]  # (mentor, mentee) already paired by a fixed pair

    @property
    def general(self) -> bool:
        """True when the side constraints can bind, so the plain flow is only a relaxation."""
        return self.options.max_mentors > 1 or bool((self.mentor_ok & self.mentee_ok).any())


def prepare(org: Organisation, options: MentoringOptions) -> Prepared:
    validate_options(options)
    people, skills = org.person_index, org.skill_index
    unknown = sorted(set(options.exclude) - people.keys())
    if unknown:
        raise MentoringInputError(f"cannot exclude unknown people: {', '.join(unknown[:5])}")
    excluded = np.zeros(org.n_people, dtype=bool)
    excluded[[people[p] for p in options.exclude]] = True
    mentor_cap = np.where(excluded, 0, options.mentor_capacity).astype(np.int64)
    mentee_cap = np.where(excluded, 0, options.max_mentors).astype(np.int64)
    # These masks restrict nobody the model allows (issue 15): a mentee must be two levels
    # below a mentor and no level is above MAX_LEVEL, so a mentee above MAX_LEVEL - 2 has no
    # eligible pair; rules 1 and 2 are the rest.
    mentor_ok = (org.level >= options.min_mentor_level) & ~excluded[:, None]
    mentee_ok = (((org.interest >= 1) | view(org).gap)
                 & (org.level <= MAX_LEVEL - 2) & ~excluded[:, None])

    fixed: list[Triple] = []
    dropped: list[str] = []
    taken: set[tuple[int, int]] = set()
    for mentor_id, mentee_id, skill_id in options.fixed:
        label = f"{mentor_id} → {mentee_id} in {skill_id}"
        if mentor_id not in people or mentee_id not in people or skill_id not in skills:
            dropped.append(f"{label}: a person or the skill is no longer in the dataset")
            continue
        m, e, s = people[mentor_id], people[mentee_id], skills[skill_id]
        if excluded[m] or excluded[e]:
            dropped.append(f"{label}: a person in it is excluded")
            continue
        problems = [why for _, why in is_eligible(org, options, m, e, s)]
        if not mentor_ok[m, s] or not mentee_ok[e, s]:
            problems = problems or [f"{mentor_id} or {mentee_id} may not take that role in "
                                    f"{skill_id} any more"]
        if not problems and (mentor_cap[m] < 1 or mentee_cap[e] < 1):
            problems = ["no capacity left for it"]
        if not problems and (m, e) in taken:
            problems = ["the mentor already mentors this mentee"]
        if problems:
            dropped.append(f"{label}: {problems[0]}")
            continue
        fixed.append((m, e, s))
        taken.add((m, e))
        mentor_cap[m] -= 1
        mentee_cap[e] -= 1
        # One mentor per (mentee, skill), and a mentee in a skill is not its mentor.
        mentee_ok[e, s] = False
        mentor_ok[e, s] = False
        mentee_ok[m, s] = False
    # No capacity left means no pair in any plan: dropping those roles loses nothing.
    mentor_ok &= (mentor_cap > 0)[:, None]
    mentee_ok &= (mentee_cap > 0)[:, None]
    declined = {(people[m], people[e], skills[s]) for m, e, s in options.declined
                if m in people and e in people and s in skills}
    return Prepared(org=org, options=options, value=mentee_value(org, options.weights),
                    mentor_ok=mentor_ok, mentee_ok=mentee_ok, mentor_cap=mentor_cap,
                    mentee_cap=mentee_cap, fixed=fixed, dropped=dropped, declined=declined,
                    taken_pairs=taken)


def count_pairs(prep: Prepared) -> int:
    """An upper estimate of the eligible pairs: mentors times mentees, skill by skill."""
    return int((prep.mentor_ok.sum(axis=0).astype(np.int64)
                * prep.mentee_ok.sum(axis=0).astype(np.int64)).sum())


def eligible_pairs(prep: Prepared) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every eligible new pair with positive score: (mentor, mentee, skill, score) arrays.

    One vectorised block per skill (mentors x mentees of that skill); declined pairs and the
    (mentor, mentee) of fixed pairs are removed by integer keys, not a Python loop. Pairs
    without positive score are left out: the README never proposes them, and leaving a pair
    of score <= 0 out of a plan never lowers its value, so the optimum is the same.
    """
    org, options = prep.org, prep.options
    parts: list[tuple[np.ndarray, ...]] = []
    for s in range(org.n_skills):
        mentors = np.flatnonzero(prep.mentor_ok[:, s])
        mentees = np.flatnonzero(prep.mentee_ok[:, s])
        if not len(mentors) or not len(mentees):
            continue
        mm = np.repeat(mentors, len(mentees))
        ee = np.tile(mentees, len(mentors))
        keep = (mm != ee) & (org.level[mm, s].astype(np.int64) - org.level[ee, s] >= 2)
        mm, ee = mm[keep], ee[keep]
        ss = np.full(len(mm), s, dtype=np.int64)
        score = pair_score(org, options.weights, mm, ee, ss)
        positive = score > TOL
        parts.append((mm[positive], ee[positive], ss[positive], score[positive]))
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, np.zeros(0)
    mentor, mentee, skill, score = (np.concatenate(p) for p in zip(*parts, strict=True))
    n, k = org.n_people, org.n_skills
    keep = np.ones(len(mentor), dtype=bool)
    if prep.declined:
        codes = np.array([(m * n + e) * k + s for m, e, s in prep.declined], dtype=np.int64)
        keep &= ~np.isin((mentor * n + mentee) * k + skill, codes)
    if prep.taken_pairs:
        codes = np.array([m * n + e for m, e in prep.taken_pairs], dtype=np.int64)
        keep &= ~np.isin(mentor * n + mentee, codes)
    return mentor[keep], mentee[keep], skill[keep], score[keep]


# --- The flow model.

@dataclass
class FlowNetwork:
    """Arcs of the mentoring flow; kind 0 mentee -> hub, 1 hub -> hub, 2 hub -> mentor,
    3 mentee -> (mentee, skill) node for mentees with a declined pair, 4 that node -> mentor."""

    tail: np.ndarray
    head: np.ndarray
    cost: np.ndarray
    capacity: np.ndarray
    kind: np.ndarray
    n_nodes: int
    mentee_nodes: np.ndarray
    mentee_cap: np.ndarray
    mentor_nodes: np.ndarray
    mentor_cap: np.ndarray
    ee: np.ndarray               # mentee and skill of each kind-0 arc
    es: np.ndarray
    mm: np.ndarray               # mentor of each kind-2 arc
    d_m: np.ndarray              # mentor, mentee, skill of each kind-4 arc
    d_e: np.ndarray
    d_s: np.ndarray
    mentees: int
    mentors: int

    @property
    def empty(self) -> bool:
        return self.mentees == 0 or self.mentors == 0


def flow_network(prep: Prepared) -> FlowNetwork:
    """The b-matching as a flow through mentor classes.

    A pair's score splits into a mentee part, a part fixed by the mentor's level, and a cross
    bonus that depends only on whether the teams and the disciplines differ. So flow runs

        mentee -> H(skill, least mentor level needed, team, discipline)   mentee part
               -> X(skill, level needed, team, mentor discipline)         ½ cross if other
               -> Y(skill, level, mentor team, mentor discipline)         0 in own team,
                  or through the Pre/Suf chains over the other teams      else ½ cross
               -> Y(skill, level + 1, ...) -> ... -> mentor at a level    level part

    where Pre(i) reaches teams below i and Suf(i) teams above i, so "every team but mine" costs
    two arcs instead of one per team.

    Why this compression loses nothing (issue 15): every mentee-to-mentor path is an eligible
    pair with exactly its score, and every eligible pair (mentor level >= max(min level, mentee
    level + 2), mentee eligible in the skill) has such a path — the H node fixes the least
    level needed, the Y chain climbs to every higher level, and the team/discipline arcs reach
    every mentor class. The mentee -> H arc has capacity 1 (one mentor per (mentee, skill));
    mentee and mentor capacities sit on the source and sink arcs. So the flow's feasible
    integral solutions are exactly the pairings without the two side constraints, and with
    integer capacities the optimal flow is integral. `tests/test_mentoring_exact.py` checks it
    against brute force. Mentees with a declined pair get direct arcs through a (mentee, skill)
    node instead, so a declined pair has no path.
    """
    org, options = prep.org, prep.options
    v = view(org)
    w = options.weights
    low = options.min_mentor_level
    n_k = MAX_LEVEL - low + 1
    n_teams = max(1, org.n_teams)
    n_disc = int(v.disc_code.max()) + 1 if len(v.disc_code) else 1
    grid = org.n_skills * n_k * n_teams * n_disc
    half = 0.5 * w.cross
    team_code, disc_code = org.team_code, v.disc_code

    def cell(skill: np.ndarray, level: np.ndarray, team: np.ndarray,
             disc: np.ndarray) -> np.ndarray:
        return ((skill * n_k + (level - low)) * n_teams + team) * n_disc + disc

    direct = sorted({e for _, e, _ in prep.declined})
    is_direct = np.zeros(org.n_people, dtype=bool)
    is_direct[direct] = True
    ee, es = np.nonzero(prep.mentee_ok & ~is_direct[:, None])
    e_level = org.level[ee, es].astype(np.int64)
    need = np.maximum(low, e_level + 2)
    keep = need <= MAX_LEVEL
    ee, es, e_level, need = ee[keep], es[keep], e_level[keep], need[keep]
    mm, ms = np.nonzero(prep.mentor_ok)
    m_level = org.level[mm, ms].astype(np.int64)
    d_m, d_e, d_s = _direct_pairs(prep, direct)
    d_cost = pair_score(org, w, d_m, d_e, d_s) if len(d_m) else np.zeros(0)
    positive = d_cost > TOL
    d_m, d_e, d_s, d_cost = d_m[positive], d_e[positive], d_s[positive], d_cost[positive]
    mentees = np.unique(np.concatenate([ee, d_e]))
    mentors = np.unique(np.concatenate([mm, d_m]))

    # Node numbering: mentees, five grids (H, X, Y, Pre, Suf), mentors, (mentee, skill) nodes.
    e_node = np.full(org.n_people, -1, dtype=np.int64)
    e_node[mentees] = np.arange(len(mentees))
    base_h = len(mentees)
    base_x, base_y = base_h + grid, base_h + 2 * grid
    base_pre, base_suf = base_h + 3 * grid, base_h + 4 * grid
    base_m = base_h + 5 * grid
    m_node = np.full(org.n_people, -1, dtype=np.int64)
    m_node[mentors] = base_m + np.arange(len(mentors))
    base_d = base_m + len(mentors)
    d_cells, d_inverse = np.unique(d_e * org.n_skills + d_s, return_inverse=True)
    n_nodes = base_d + len(d_cells)

    tails: list[np.ndarray] = []
    heads: list[np.ndarray] = []
    costs: list[np.ndarray] = []
    kinds: list[np.ndarray] = []

    def arcs(tail: np.ndarray, head: np.ndarray, cost: np.ndarray | float, kind: int) -> None:
        tails.append(np.asarray(tail, dtype=np.int64))
        heads.append(np.asarray(head, dtype=np.int64))
        costs.append(np.broadcast_to(np.asarray(cost, dtype=float), len(tails[-1])).copy())
        kinds.append(np.full(len(tails[-1]), kind))

    h_cell = cell(es, need, team_code[ee], disc_code[ee])
    arcs(e_node[ee], base_h + h_cell, prep.value[ee, es] - w.level * e_level / MAX_LEVEL, 0)
    used_h = np.unique(h_cell)
    h_disc = used_h % n_disc
    for dm in range(n_disc):
        arcs(base_h + used_h, base_x + used_h - h_disc + dm,
             np.where(h_disc != dm, half, 0.0), 1)
    every = np.arange(grid)
    team = (every // n_disc) % n_teams
    arcs(base_x + every, base_y + every, 0.0, 1)
    arcs(base_x + every[team > 0], base_pre + every[team > 0], half, 1)
    arcs(base_x + every[team < n_teams - 1], base_suf + every[team < n_teams - 1], half, 1)
    step = n_disc
    lower = every[team > 0]
    arcs(base_pre + lower, base_y + lower - step, 0.0, 1)
    arcs(base_pre + lower[team[lower] > 1], base_pre + lower[team[lower] > 1] - step, 0.0, 1)
    upper = every[team < n_teams - 1]
    arcs(base_suf + upper, base_y + upper + step, 0.0, 1)
    more = upper[team[upper] < n_teams - 2]
    arcs(base_suf + more, base_suf + more + step, 0.0, 1)
    level_index = (every // (n_disc * n_teams)) % n_k
    climb = every[level_index < n_k - 1]
    arcs(base_y + climb, base_y + climb + n_teams * n_disc, 0.0, 1)
    arcs(base_y + cell(ms, m_level, team_code[mm], disc_code[mm]), m_node[mm],
         w.level * m_level / MAX_LEVEL, 2)
    arcs(e_node[d_cells // org.n_skills], base_d + np.arange(len(d_cells)), 0.0, 3)
    arcs(base_d + d_inverse, m_node[d_m], d_cost, 4)
    tail, head = np.concatenate(tails), np.concatenate(heads)
    cost, kind = np.concatenate(costs), np.concatenate(kinds)
    if len(mentees) and len(mentors):
        # The grids are mostly empty: keep the inner arcs on some mentee-to-mentor path only.
        useful = _on_some_path(tail, head, n_nodes, starts=np.unique(head[kind == 0]),
                               ends=np.unique(tail[kind == 2]))
        keep_arc = (kind != 1) | (useful[tail] & useful[head])
        tail, head, cost, kind = tail[keep_arc], head[keep_arc], cost[keep_arc], kind[keep_arc]
    supply = int(prep.mentee_cap[mentees].sum())
    # One mentor per (mentee, skill): arcs leaving a mentee carry one unit; inner arcs any.
    capacity = np.where((kind == 0) | (kind == 3) | (kind == 4), 1, max(1, supply))
    return FlowNetwork(tail=tail, head=head, cost=cost, capacity=capacity.astype(np.int64),
                       kind=kind, n_nodes=n_nodes, mentee_nodes=e_node[mentees],
                       mentee_cap=prep.mentee_cap[mentees], mentor_nodes=m_node[mentors],
                       mentor_cap=prep.mentor_cap[mentors], ee=ee, es=es, mm=mm, d_m=d_m,
                       d_e=d_e, d_s=d_s, mentees=len(mentees), mentors=len(mentors))


def solve_flow(net: FlowNetwork) -> tuple[list[Triple], float]:
    """The best pairing the network allows, as whole pairs, and its value."""
    if net.empty:
        return [], 0.0
    flow = _max_weight_flow(net)
    return _decompose(net, flow), float(net.cost @ flow)


def _max_weight_flow(net: FlowNetwork) -> np.ndarray:
    """Integral arc flows that maximise the total value, within mentee and mentor capacities.

    OR-Tools' cost-scaling min-cost-flow solver is exact on integers. A source feeds every
    mentee and a bypass arc lets supply skip to the sink, so pairs are optional and only
    worth-while ones flow. It prints nothing, so nobody's output needs silencing.
    """
    from ortools.graph.python import min_cost_flow

    supply = int(net.mentee_cap.sum())
    source, sink = net.n_nodes, net.n_nodes + 1
    n_mentee, n_mentor = len(net.mentee_nodes), len(net.mentor_nodes)
    all_tail = np.concatenate([net.tail, np.full(n_mentee, source), net.mentor_nodes,
                               [source]]).astype(np.int32)
    all_head = np.concatenate([net.head, net.mentee_nodes, np.full(n_mentor, sink),
                               [sink]]).astype(np.int32)
    capacity = np.concatenate([net.capacity, net.mentee_cap, net.mentor_cap,
                               [supply]]).astype(np.int64)
    unit_cost = np.concatenate([-np.rint(net.cost * COST_SCALE), np.zeros(n_mentee),
                                np.zeros(n_mentor), [0]]).astype(np.int64)
    solver = min_cost_flow.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(all_tail, all_head, capacity, unit_cost)
    solver.set_node_supply(source, supply)
    solver.set_node_supply(sink, -supply)
    status = solver.solve()
    if status != solver.OPTIMAL:
        raise RuntimeError(f"the mentoring flow could not be solved (status {status})")
    return np.asarray(solver.flows(np.arange(len(net.tail))), dtype=np.int64)


def _on_some_path(tail: np.ndarray, head: np.ndarray, n_nodes: int, starts: np.ndarray,
                  ends: np.ndarray) -> np.ndarray:
    """Nodes reachable from `starts` that also reach one of `ends`.

    The network is layered and its longest path is short (the team chains and the level
    climb), so a frontier pushed over every arc at once converges in a few dozen rounds.
    """
    def reach(a: np.ndarray, b: np.ndarray, seeds: np.ndarray) -> np.ndarray:
        seen = np.zeros(n_nodes, dtype=bool)
        seen[seeds] = True
        while True:
            step = seen[a] & ~seen[b]
            if not step.any():
                return seen
            seen[b[step]] = True

    return reach(tail, head, starts) & reach(head, tail, ends)


def _direct_pairs(prep: Prepared, direct: list[int]) -> tuple[np.ndarray, ...]:
    """Every eligible (mentor, mentee, skill) of the mentees with a declined pair."""
    org = prep.org
    d_m: list[int] = []
    d_e: list[int] = []
    d_s: list[int] = []
    for e in direct:
        for s in np.flatnonzero(prep.mentee_ok[e]).tolist():
            mentors = np.flatnonzero(prep.mentor_ok[:, s]
                                     & (org.level[:, s] - org.level[e, s] >= 2))
            chosen = [m for m in mentors.tolist() if m != e and (m, e, s) not in prep.declined]
            d_m.extend(chosen)
            d_e.extend([e] * len(chosen))
            d_s.extend([s] * len(chosen))
    return tuple(np.array(x, dtype=np.int64) for x in (d_m, d_e, d_s))


def _decompose(net: FlowNetwork, flow: np.ndarray) -> list[Triple]:
    """Whole pairs from an integral flow: walk each unit from its mentee along arcs with flow.

    Flow is conserved at every inner node, so the units entering a node can be handed to the
    arcs leaving it in any order; each unit's path ends at a mentor and is one eligible pair.
    """
    tail, head, kind = net.tail, net.head, net.kind
    used = np.flatnonzero(flow > 0)
    out: dict[int, deque[int]] = defaultdict(deque)
    for a in used[kind[used] == 1].tolist():
        out[int(tail[a])].extend([int(head[a])] * int(flow[a]))
    mentor_at: dict[int, deque[int]] = defaultdict(deque)
    for j, a in enumerate(np.flatnonzero(kind == 2).tolist()):
        if flow[a] > 0:
            mentor_at[int(tail[a])].extend([int(net.mm[j])] * int(flow[a]))
    pairs: list[Triple] = []
    for j, a in enumerate(np.flatnonzero(kind == 0).tolist()):
        if flow[a] <= 0:
            continue
        node = int(head[a])
        while not mentor_at.get(node):
            if not out.get(node):
                raise RuntimeError("the mentoring flow is not conserved")
            node = out[node].popleft()
        pairs.append((mentor_at[node].popleft(), int(net.ee[j]), int(net.es[j])))
    direct = np.flatnonzero(kind == 4)
    pairs += [(int(net.d_m[j]), int(net.d_e[j]), int(net.d_s[j]))
              for j, a in enumerate(direct.tolist()) if flow[a] > 0]
    return pairs


# --- The MILP over every eligible pair.

@dataclass
class MilpArrays:
    """max score @ x  s.t.  A x <= upper, x binary; A in CSR form."""

    mentor: np.ndarray
    mentee: np.ndarray
    skill: np.ndarray
    score: np.ndarray
    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    upper: np.ndarray

    @property
    def n(self) -> int:
        return len(self.mentor)


def milp_arrays(prep: Prepared, mentor: np.ndarray, mentee: np.ndarray,
                skill: np.ndarray) -> MilpArrays:
    """Every hard constraint as sparse rows over the given pairs, built in one pass."""
    import scipy.sparse as sp

    org = prep.org
    mentor, mentee, skill = (np.asarray(a, dtype=np.int64) for a in (mentor, mentee, skill))
    n, k = len(mentor), org.n_skills
    score = pair_score(org, prep.options.weights, mentor, mentee, skill)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    coefs: list[np.ndarray] = []
    uppers: list[np.ndarray] = []
    next_row = 0

    def group_rows(keys: np.ndarray, cap: np.ndarray | None, only_shared: bool) -> None:
        nonlocal next_row
        uniq, first, inverse, counts = np.unique(keys, return_index=True, return_inverse=True,
                                                 return_counts=True)
        used = counts > 1 if only_shared else np.ones(len(uniq), dtype=bool)
        renumber = np.cumsum(used) - 1
        pick = used[inverse]
        rows.append(next_row + renumber[inverse[pick]])
        cols.append(np.flatnonzero(pick))
        coefs.append(np.ones(int(pick.sum())))
        uppers.append(np.ones(int(used.sum())) if cap is None
                      else cap[first[used]].astype(float))
        next_row += int(used.sum())

    if n:
        group_rows(mentor, prep.mentor_cap[mentor], only_shared=False)
        group_rows(mentee, prep.mentee_cap[mentee], only_shared=False)
        group_rows(mentor * org.n_people + mentee, None, only_shared=True)
        group_rows(mentee * k + skill, None, only_shared=True)
        # A mentee in a skill is not its mentor: pairs as mentor + capacity x pairs as mentee
        # <= capacity, one row per (person, skill) that could take both roles.
        mentor_cells, mentee_cells = mentor * k + skill, mentee * k + skill
        both = np.intersect1d(mentor_cells, mentee_cells)
        if len(both):
            as_mentor = np.flatnonzero(np.isin(mentor_cells, both))
            as_mentee = np.flatnonzero(np.isin(mentee_cells, both))
            row_m = np.searchsorted(both, mentor_cells[as_mentor])
            row_e = np.searchsorted(both, mentee_cells[as_mentee])
            cap = prep.mentor_cap[both // k].astype(float)
            rows.append(next_row + np.concatenate([row_m, row_e]))
            cols.append(np.concatenate([as_mentor, as_mentee]))
            coefs.append(np.concatenate([np.ones(len(as_mentor)), cap[row_e]]))
            uppers.append(cap)
            next_row += len(both)
    matrix = sp.csr_matrix(
        (np.concatenate(coefs) if coefs else np.zeros(0),
         (np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64),
          np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64))),
        shape=(next_row, n))
    return MilpArrays(mentor=mentor, mentee=mentee, skill=skill, score=score,
                      indptr=matrix.indptr.astype(np.int32),
                      indices=matrix.indices.astype(np.int32),
                      data=matrix.data.astype(float),
                      upper=np.concatenate(uppers) if uppers else np.zeros(0))


def solve_milp(milp: MilpArrays, time_limit: float, start: np.ndarray | None) -> dict[str, Any]:
    """HiGHS on the MILP: status, objective, bound and the chosen pair indexes.

    Meant to run in the deadline runner's child. HiGHS prints through its own logger only;
    output_flag and log_to_console off keep it quiet without touching anyone's stdout.
    """
    import highspy

    n, m = milp.n, len(milp.upper)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, m
    lp.col_cost_ = milp.score.astype(float)
    lp.col_lower_ = np.zeros(n)
    lp.col_upper_ = np.ones(n)
    lp.row_lower_ = np.full(m, -highspy.kHighsInf)
    lp.row_upper_ = milp.upper.astype(float)
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n, m
    lp.a_matrix_.start_ = milp.indptr
    lp.a_matrix_.index_ = milp.indices
    lp.a_matrix_.value_ = milp.data
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n
    highs = highspy.Highs()
    for key, value in (("output_flag", False), ("log_to_console", False), ("threads", 1),
                       ("random_seed", 1), ("time_limit", float(time_limit)),
                       ("mip_rel_gap", 0.0), ("mip_abs_gap", 1e-9)):
        highs.setOptionValue(key, value)
    highs.passModel(lp)
    if start is not None:
        solution = highspy.HighsSolution()
        solution.col_value = start.astype(float).tolist()
        highs.setSolution(solution)
    highs.run()
    status = highs.getModelStatus()
    info = highs.getInfo()
    if info.primal_solution_status != 2:
        return {"status": "timeout", "objective": None, "bound": None, "chosen": []}
    values = np.asarray(highs.getSolution().col_value)
    chosen = np.flatnonzero(values > 0.5)
    bound = float(info.mip_dual_bound)
    return {"status": "optimal" if status == highspy.HighsModelStatus.kOptimal else "feasible",
            "objective": float(milp.score[chosen].sum()),
            "bound": bound if math.isfinite(bound) else None, "chosen": chosen.tolist()}


def quick_bound(prep: Prepared) -> float:
    """A bound no pairing can beat, for when neither exact model finished in time.

    A smaller flow: each (mentee, skill) is worth the most any mentor of the skill could make
    it (its mentee part plus the best level and cross parts), a mentee takes at most its
    capacity, a skill at most the capacity of its mentors, and all of them together at most
    everyone's mentor capacity. Every plan maps onto this flow with at least its value, so the
    flow's optimum bounds the model; a few thousand nodes solve in milliseconds (0.4 s at
    20,000 people). Dropping the skills' capacities would save that and leave a bound twice
    the optimum: the most valuable skills are the scarce ones.
    """
    from ortools.graph.python import min_cost_flow

    org, w = prep.org, prep.options.weights
    top_level = np.where(prep.mentor_ok, org.level, 0).max(axis=0, initial=0).astype(np.int64)
    best = (prep.value - w.level * org.level / MAX_LEVEL
            + w.level * top_level[None, :] / MAX_LEVEL + max(0.0, w.cross))
    ee, es = np.nonzero(prep.mentee_ok & (top_level[None, :] - org.level >= 2) & (best > TOL))
    if not len(ee):
        return 0.0
    skill_cap = (prep.mentor_ok * prep.mentor_cap[:, None]).sum(axis=0).astype(np.int64)
    mentees = np.unique(ee)
    node = np.full(org.n_people, -1, dtype=np.int64)
    node[mentees] = np.arange(len(mentees))
    skill_base = len(mentees)
    pool, source, sink = skill_base + org.n_skills, skill_base + org.n_skills + 1, \
        skill_base + org.n_skills + 2
    supply = int(prep.mentee_cap[mentees].sum())
    tail = np.concatenate([np.full(len(mentees), source), node[ee], skill_base
                           + np.arange(org.n_skills), [pool, source]])
    head = np.concatenate([node[mentees], skill_base + es, np.full(org.n_skills, pool),
                           [sink, sink]])
    capacity = np.concatenate([prep.mentee_cap[mentees], np.ones(len(ee), dtype=np.int64),
                               skill_cap, [int(prep.mentor_cap.sum()), supply]])
    cost = np.concatenate([np.zeros(len(mentees)), -np.ceil(best[ee, es] * COST_SCALE),
                           np.zeros(org.n_skills + 2)])
    solver = min_cost_flow.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(tail.astype(np.int32), head.astype(np.int32),
                                                capacity.astype(np.int64),
                                                cost.astype(np.int64))
    solver.set_node_supply(source, supply)
    solver.set_node_supply(sink, -supply)
    if solver.solve() != solver.OPTIMAL:
        return float(np.sort(best[ee, es])[::-1][:supply].sum())
    return -float(solver.optimal_cost()) / COST_SCALE + 1e-6
