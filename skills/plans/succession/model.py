"""Succession: what breaks when someone leaves, who could step in, and the exact slates.

Every question here is a vectorised expression over the organisation's people x skills and
people x targets arrays, built on the one definition of practitioner, bus factor and target
met in `skills.organisation`: a departure is the same organisation with one person fewer
present, so "bus factor without i" is `bus_factor() - practitioners()[i]` and "have without i"
is `target_have() - qualifies()[i]` (tests compare both with `Organisation.without`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import pulp

from skills.organisation import KEEN_INTEREST, PRACTITIONER_LEVEL, Organisation
from skills.plans import solving
from skills.plans.contract import Deadline, Plan, Status

READY_NOW = "ready now"
READY_SOON = "ready in 1-2 years"
LATER = "later"
READINESS: tuple[str, ...] = (READY_NOW, READY_SOON, LATER)
NOT_A_CANDIDATE = -1  # readiness code of someone below level 1 in a skill at risk

# Damage of a departure, in one number for ranking: a critical skill nobody practises any more
# outweighs a broken team target, which outweighs a critical skill left with one practitioner.
IMPACT_WEIGHTS = {"uncovered": 10, "broken": 3, "thin": 1}

# The slate objective, in readiness points: a successor is worth 3 ready now, 2 ready in
# 1-2 years, 1 later. A key person's first successor earns a further 3 and the second 0.5, so
# giving every key person someone comes before a deeper bench for a few. Fewer levels short
# and more interest break ties, and never outweigh a step of readiness.
READINESS_POINTS = (3.0, 2.0, 1.0)
SLOT_BONUS = (3.0, 0.5)
SHORT_PENALTY = 0.01   # per level short, counted up to MAX_SHORT levels
MAX_SHORT = 50
INTEREST_BONUS = 0.001  # per interest point over the skills at risk, up to MAX_INTEREST_SUM
MAX_INTEREST_SUM = 99
UNITS = 1000            # integer units per readiness point, for the exact flow

SolverChoice = Literal["flow", "highs"]
SOLVER_CHOICES: tuple[SolverChoice, ...] = ("flow", "highs")


class SuccessionInputError(ValueError):
    """Settings the analysis cannot run with; the message says what to change."""


@dataclass(frozen=True)
class SuccessionOptions:
    max_successors: int = 3   # per key person
    max_slates: int = 2       # nobody is named successor for more key people than this
    hidden_pairs: int = 10    # how many of the most damaging hidden pairs to report
    solver: SolverChoice = "flow"
    time_limit: float = 30.0

    def validate(self) -> None:
        problems = []
        if not 1 <= self.max_successors <= 10:
            problems.append(f"successors per key person must be 1 to 10, got "
                            f"{self.max_successors}")
        if not 1 <= self.max_slates <= 10:
            problems.append(f"slates per successor must be 1 to 10, got {self.max_slates}")
        if not 0 <= self.hidden_pairs <= 1000:
            problems.append(f"hidden pairs must be 0 to 1000, got {self.hidden_pairs}")
        if self.solver not in SOLVER_CHOICES:
            problems.append(f"solver must be one of {', '.join(SOLVER_CHOICES)}, got "
                            f"{self.solver!r}")
        if not self.time_limit > 0:
            problems.append(f"the time limit must be positive, got {self.time_limit}")
        if problems:
            raise SuccessionInputError("; ".join(problems))


def slot_bonus_units(max_successors: int) -> np.ndarray:
    """Integer bonus of a key person's 1st, 2nd, … successor; never increasing."""
    bonus = [SLOT_BONUS[j] if j < len(SLOT_BONUS) else 0.0 for j in range(max_successors)]
    return np.rint(np.asarray(bonus) * UNITS).astype(np.int64)


def pair_units(code: np.ndarray, short: np.ndarray, interest: np.ndarray) -> np.ndarray:
    """Integer value of naming a candidate successor (readiness code, levels short, interest)."""
    points = np.asarray(READINESS_POINTS)[np.asarray(code, dtype=np.int64)]
    value = (points * UNITS - SHORT_PENALTY * UNITS * np.minimum(short, MAX_SHORT)
             + INTEREST_BONUS * UNITS * np.minimum(interest, MAX_INTEREST_SUM))
    return np.rint(value).astype(np.int64)


def slate_units(code: np.ndarray, short: np.ndarray, interest: np.ndarray,
                key: np.ndarray, max_successors: int) -> int:
    """The objective of a set of chosen (key person, successor) pairs, in integer units."""
    total = int(pair_units(code, short, interest).sum())
    bonus = np.concatenate([[0], np.cumsum(slot_bonus_units(max_successors))])
    counts = np.bincount(np.asarray(key, dtype=np.int64)) if len(key) else np.zeros(0, int)
    return total + int(bonus[np.minimum(counts, max_successors)].sum())


# --- departures -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Departures:
    """What breaks if each person alone leaves (N-1), people x skills and people x targets."""

    uncovered: np.ndarray  # critical skill left with no practitioner
    thin: np.ndarray       # critical skill left with one practitioner
    broken: np.ndarray     # team target met today and missed without them

    @property
    def counts(self) -> dict[str, np.ndarray]:
        return {"uncovered": self.uncovered.sum(axis=1), "broken": self.broken.sum(axis=1),
                "thin": self.thin.sum(axis=1)}

    @property
    def score(self) -> np.ndarray:
        counts = self.counts
        total = np.zeros(len(self.uncovered), dtype=np.int64)
        for kind, weight in IMPACT_WEIGHTS.items():
            total += weight * counts[kind]
        return total

    @property
    def key(self) -> np.ndarray:
        """True for key people: leaving uncovers a critical skill or breaks a met target."""
        return np.asarray(self.uncovered.any(axis=1) | self.broken.any(axis=1))


def departures(org: Organisation) -> Departures:
    held = org.practitioners()
    after = org.bus_factor()[None, :] - held   # bus factor once that person is gone
    critical = held & org.critical[None, :]
    qualifies = org.qualifies()
    have_after = org.target_have()[None, :] - qualifies
    missing_after = np.maximum(0, org.targets.min_people[None, :] - have_after)
    broken = org.target_met()[None, :] & (missing_after > 0)
    return Departures(uncovered=critical & (after == 0), thin=critical & (after == 1),
                      broken=broken)


@dataclass(frozen=True)
class HiddenPairs:
    """The pairs whose joint departure breaks what neither departure breaks alone."""

    first: np.ndarray    # person index, first < second
    second: np.ndarray
    uncovered: np.ndarray  # per pair: critical skills left with no practitioner
    broken: np.ndarray     # team targets broken
    thin: np.ndarray       # critical skills left with one practitioner
    score: np.ndarray
    uncovered_skills: list[np.ndarray]
    broken_targets: list[np.ndarray]


def hidden_pairs(org: Organisation, top: int, block: int = 1024) -> HiddenPairs:
    """The `top` pairs with the most joint damage beyond what either does alone, exactly.

    Damage only one of them causes is excluded; what remains needs both gone: a critical skill
    they are the last two practitioners of (bus factor 2), a target they are the last spare of
    (met with exactly one member to spare), a critical skill of which they are two of three.
    So the damage of every pair is one weighted product of indicator matrices, computed in
    blocks over the people who can be in such a pair at all.
    """
    held = org.practitioners() & org.critical[None, :]
    bus = org.bus_factor()
    qualifies = org.qualifies()
    have = org.target_have()
    people = org.targets.min_people
    spare_of_one = (org.target_met()
                    & (np.maximum(0, people - (have - 1)) == 0)
                    & (np.maximum(0, people - (have - 2)) > 0))
    parts = {"uncovered": held[:, bus == 2], "broken": qualifies[:, spare_of_one],
             "thin": held[:, bus == 3]}
    weights = np.concatenate([np.full(parts[k].shape[1], IMPACT_WEIGHTS[k], dtype=np.float32)
                              for k in IMPACT_WEIGHTS])
    features = np.concatenate([parts[k] for k in IMPACT_WEIGHTS], axis=1).astype(np.float32)
    active = np.flatnonzero(features.any(axis=1))
    features = features[active]
    found_i: list[np.ndarray] = []
    found_j: list[np.ndarray] = []
    found_s: list[np.ndarray] = []
    if top > 0 and len(active) > 1:
        weighted = features * weights[None, :]
        for start in range(0, len(active), block):
            rows = slice(start, min(start + block, len(active)))
            scores = weighted[rows] @ features.T
            local = np.arange(rows.start, rows.stop)
            # Each pair once: only partners after this person.
            scores[np.arange(scores.shape[1])[None, :] <= local[:, None]] = 0
            flat = scores.ravel()
            positive = np.flatnonzero(flat > 0)
            if len(positive) > top:
                positive = positive[np.argpartition(-flat[positive], top - 1)[:top]]
            r, c = np.divmod(positive, scores.shape[1])
            found_i.append(active[local[r]])
            found_j.append(active[c])
            found_s.append(np.rint(flat[positive]).astype(np.int64))
    first = np.concatenate(found_i) if found_i else np.zeros(0, np.int64)
    second = np.concatenate(found_j) if found_j else np.zeros(0, np.int64)
    score = np.concatenate(found_s) if found_s else np.zeros(0, np.int64)
    order = np.lexsort((second, first, -score))[:top]
    first, second, score = first[order], second[order], score[order]
    both = {k: parts[k][first] & parts[k][second] for k in parts}
    skill_of = {"uncovered": np.flatnonzero(bus == 2), "broken": np.flatnonzero(spare_of_one)}
    return HiddenPairs(
        first=first, second=second, uncovered=both["uncovered"].sum(axis=1),
        broken=both["broken"].sum(axis=1), thin=both["thin"].sum(axis=1), score=score,
        uncovered_skills=[skill_of["uncovered"][row] for row in both["uncovered"]],
        broken_targets=[skill_of["broken"][row] for row in both["broken"]])


# --- readiness ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Risk:
    """One key person: the skills at risk with their required levels, the targets at risk."""

    person: int
    skills: np.ndarray     # skill indexes, ascending
    required: np.ndarray   # required level per skill at risk
    targets: np.ndarray    # target indexes that break if they leave


def risks(org: Organisation, gone: Departures) -> list[Risk]:
    """The key people, with what they put at risk.

    A skill is at risk when leaving uncovers it (a critical skill) or breaks a target in it;
    its required level is practitioner, or the level of a target that would break if higher.
    """
    out = []
    t_skill, t_level = org.targets.skill, org.targets.min_level
    for person in np.flatnonzero(gone.key).tolist():
        targets = np.flatnonzero(gone.broken[person])
        skills = np.union1d(np.flatnonzero(gone.uncovered[person]), t_skill[targets])
        required = np.full(len(skills), PRACTITIONER_LEVEL, dtype=np.int64)
        for t in targets.tolist():
            at = np.searchsorted(skills, t_skill[t])
            required[at] = max(required[at], int(t_level[t]))
        out.append(Risk(person, skills.astype(np.int64), required, targets))
    return out


def readiness(level: np.ndarray, interest: np.ndarray,
              required: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per person (rows of `level`, columns = the skills at risk): code, levels short, interest.

    Code 0 ready now (at the required level in every skill at risk), 1 ready in 1-2 years (at
    most one level short in each, with keen interest in each one they are short in), 2 later
    (at least level 1 in each), -1 not a candidate.
    """
    level = np.asarray(level, dtype=np.int64)
    interest = np.asarray(interest, dtype=np.int64)
    short = np.maximum(0, np.asarray(required)[None, :] - level)
    now = (short == 0).all(axis=1)
    soon = (short <= 1).all(axis=1) & ((short == 0) | (interest >= KEEN_INTEREST)).all(axis=1)
    later = (level >= 1).all(axis=1)
    code = np.select([now, soon, later], [0, 1, 2], default=NOT_A_CANDIDATE)
    return code.astype(np.int64), short.sum(axis=1), interest.sum(axis=1)


@dataclass(frozen=True)
class Candidates:
    """Every (key person, candidate successor) pair, long form, one entry per pair."""

    key: np.ndarray       # index into the list of risks
    person: np.ndarray    # candidate's person index
    code: np.ndarray
    short: np.ndarray
    interest: np.ndarray

    def __len__(self) -> int:
        return len(self.key)

    def units(self) -> np.ndarray:
        return pair_units(self.code, self.short, self.interest)


# --- the slate optimisation -----------------------------------------------------------------

@dataclass(frozen=True)
class SlateSolution:
    chosen: np.ndarray     # indexes into the candidates
    status: Status
    objective: float | None
    bound: float | None
    message: str
    method: str


def solve_slates(cands: Candidates, n_keys: int, options: SuccessionOptions,
                 deadline: Deadline) -> SlateSolution:
    """Choose at most `max_successors` per key person and at most `max_slates` per successor,
    maximising the readiness-weighted coverage of all key people; exactly."""
    if deadline.expired():
        return SlateSolution(np.zeros(0, np.int64), "timeout", None, None,
                             f"No plan within {deadline.limit:g} s: the analysis used it all.",
                             options.solver)
    if len(cands) == 0:
        return SlateSolution(np.zeros(0, np.int64), "optimal", 0.0, 0.0,
                             "Optimal: there was nobody to choose from.", options.solver)
    if options.solver == "highs":
        return _solve_highs(cands, n_keys, options, deadline)
    return _solve_flow(cands, n_keys, options)


def _solve_flow(cands: Candidates, n_keys: int, options: SuccessionOptions) -> SlateSolution:
    return flow_with_potentials(cands, n_keys, options)[0]


@dataclass(frozen=True)
class Potentials:
    """Node potentials of an optimal flow: every arc left out of the network whose reduced
    cost (-units + key - candidate) is not negative cannot improve the plan."""

    key: np.ndarray        # per key person
    person: np.ndarray     # per person index in the organisation (0 for people not in it)


def flow_with_potentials(cands: Candidates, n_keys: int, options: SuccessionOptions,
                         n_people: int | None = None,
                         potentials: bool = False) -> tuple[SlateSolution, Potentials | None]:
    """A min-cost flow: source -> key person (one arc per slot, its bonus) -> candidate ->
    sink (capacity max_slates), plus a bypass. Integral capacities give whole pairs and
    OR-Tools' cost-scaling solver is exact on the integer units. With `potentials`, also the
    shortest-path distances in the residual network, which prove the flow optimal."""
    from ortools.graph.python import min_cost_flow

    people, person_node = np.unique(cands.person, return_inverse=True)
    source, sink = 0, 1
    key_node = 2 + np.arange(n_keys)
    cand_node = 2 + n_keys + person_node
    b = options.max_successors
    bonus = slot_bonus_units(b)
    supply = n_keys * b
    n_cand = len(people)
    # Arcs in this order: slots, pairs, candidates to the sink, the bypass.
    tails = np.concatenate([np.full(n_keys * b, source), 2 + cands.key,
                            2 + n_keys + np.arange(n_cand), [source]]).astype(np.int64)
    heads = np.concatenate([np.repeat(key_node, b), cand_node, np.full(n_cand, sink),
                            [sink]]).astype(np.int64)
    capacity = np.concatenate([np.ones(n_keys * b), np.ones(len(cands)),
                               np.full(n_cand, options.max_slates), [supply]]).astype(np.int64)
    cost = np.concatenate([-np.tile(bonus, n_keys), -cands.units(), np.zeros(n_cand),
                           [0]]).astype(np.int64)
    solver = min_cost_flow.SimpleMinCostFlow()
    first_pair = n_keys * b
    solver.add_arcs_with_capacity_and_unit_cost(tails.astype(np.int32), heads.astype(np.int32),
                                                capacity, cost)
    solver.set_node_supply(source, supply)
    solver.set_node_supply(sink, -supply)
    status = solver.solve()
    if status != solver.OPTIMAL:
        return SlateSolution(np.zeros(0, np.int64), "error", None, None,
                             f"The slate optimiser failed (min-cost flow status {status}).",
                             "min-cost flow"), None
    flows = np.asarray(solver.flows(np.arange(len(tails))), dtype=np.int64)
    chosen = np.flatnonzero(flows[first_pair:first_pair + len(cands)] > 0)
    objective = -solver.optimal_cost() / UNITS
    solution = SlateSolution(chosen, "optimal", objective, objective,
                             "Optimal: no other choice of slates covers the key people better.",
                             "min-cost flow (OR-Tools)")
    if not potentials:
        return solution, None
    distance = _residual_distances(tails, heads, capacity, cost, flows, 2 + n_keys + n_cand)
    person = np.zeros(n_people if n_people is not None else int(people.max(initial=0)) + 1)
    person[people] = distance[2 + n_keys:]
    return solution, Potentials(key=distance[2:2 + n_keys], person=person)


def _residual_distances(tails: np.ndarray, heads: np.ndarray, capacity: np.ndarray,
                        cost: np.ndarray, flows: np.ndarray, n_nodes: int) -> np.ndarray:
    """Shortest distances from a root joined to every node at cost 0, over the residual arcs.

    The flow is optimal, so there is no negative cycle: Bellman-Ford, one vectorised pass over
    all arcs at a time, stops as soon as a pass changes nothing (the paths here are short).
    """
    forward, backward = flows < capacity, flows > 0
    rows = np.concatenate([tails[forward], heads[backward]])
    cols = np.concatenate([heads[forward], tails[backward]])
    weight = np.concatenate([cost[forward], -cost[backward]]).astype(np.int64)
    order = np.argsort(cols, kind="stable")
    rows, cols, weight = rows[order], cols[order], weight[order]
    targets, starts = np.unique(cols, return_index=True)
    distance = np.zeros(n_nodes, dtype=np.int64)
    for _ in range(n_nodes + 1):
        best = np.minimum.reduceat(distance[rows] + weight, starts)
        better = best < distance[targets]
        if not better.any():
            return distance.astype(float)
        distance[targets[better]] = best[better]
    raise RuntimeError("the residual network has a negative cycle: the flow is not optimal")


def _solve_highs(cands: Candidates, n_keys: int, options: SuccessionOptions,
                 deadline: Deadline) -> SlateSolution:
    """The same assignment as a PuLP model, solved by HiGHS in the shared runner."""
    b = options.max_successors
    bonus = slot_bonus_units(b)
    units = cands.units()
    problem = pulp.LpProblem("succession_slates", pulp.LpMaximize)
    pick = [problem.add_variable(f"x{a}", cat=pulp.LpBinary) for a in range(len(cands))]
    slot = [[problem.add_variable(f"y{k}_{j}", cat=pulp.LpBinary) for j in range(b)]
            for k in range(n_keys)]
    problem += (pulp.lpSum(int(u) * x for u, x in zip(units, pick, strict=True))
                + pulp.lpSum(int(bonus[j]) * slot[k][j] for k in range(n_keys)
                             for j in range(b)))
    by_key: list[list[int]] = [[] for _ in range(n_keys)]
    by_person: dict[int, list[int]] = {}
    for a, (k, p) in enumerate(zip(cands.key.tolist(), cands.person.tolist(), strict=True)):
        by_key[k].append(a)
        by_person.setdefault(p, []).append(a)
    for k in range(n_keys):
        problem += (pulp.lpSum(pick[a] for a in by_key[k])
                    == pulp.lpSum(slot[k]), f"slate_{k}")
    for p, arcs in by_person.items():
        problem += pulp.lpSum(pick[a] for a in arcs) <= options.max_slates, f"cap_{p}"
    outcome = solving.solve(problem, solver="highs", time_limit=deadline.remaining(0.05),
                            gap_rel=0.0)
    if not outcome.has_solution:
        return SlateSolution(np.zeros(0, np.int64), outcome.status, None, None,
                             outcome.message, "HiGHS")
    chosen = np.asarray([a for a, x in enumerate(pick)
                         if outcome.values.get(x.name, 0.0) > 0.5], dtype=np.int64)
    bound = None if outcome.bound is None or not math.isfinite(outcome.bound) else (
        outcome.bound / UNITS)
    objective = None if outcome.objective is None else outcome.objective / UNITS
    return SlateSolution(chosen, outcome.status, objective, bound, outcome.message, "HiGHS")


def bench_by_skill(org: Organisation) -> pd.DataFrame:
    """Per critical skill: distinct people ready now / in 1-2 years to practise it.

    Readiness for that one skill, at its required level: practitioner, or the highest level a
    team target asks of it.
    """
    skills = np.flatnonzero(org.critical)
    required = np.full(org.n_skills, PRACTITIONER_LEVEL, dtype=np.int64)
    np.maximum.at(required, org.targets.skill, org.targets.min_level)
    rows = []
    for s in skills.tolist():
        code, _, _ = readiness(org.level[:, [s]], org.interest[:, [s]], required[[s]])
        rows.append({"skill_id": str(org.skill_ids[s]), "skill_name": str(org.skill_names[s]),
                     "required_level": int(required[s]), "ready_now": int((code == 0).sum()),
                     "ready_soon": int((code == 1).sum())})
    return pd.DataFrame(rows, columns=["skill_id", "skill_name", "required_level", "ready_now",
                                       "ready_soon"])


def bench_by_team(org: Organisation, key_risks: list[Risk], best: np.ndarray) -> pd.DataFrame:
    """Per team: distinct people ready now / in 1-2 years to succeed one of its key people.

    `best` is teams x people, each person's best readiness code for any of the team's key
    people; someone counts once per team, at that best readiness.
    """
    key_team = org.team_code[np.asarray([r.person for r in key_risks], dtype=np.int64)]
    return pd.DataFrame({"team": np.asarray(org.team_names, dtype=object),
                         "ready_now": (best == 0).sum(axis=1),
                         "ready_soon": (best == 1).sum(axis=1),
                         "key_people": np.bincount(key_team, minlength=org.n_teams)})


@dataclass(kw_only=True)
class SuccessionPlan(Plan):
    """The whole succession analysis: key people, N-1, hidden pairs, slates, bench."""

    options: SuccessionOptions
    key_people: pd.DataFrame    # one row per key person, most damaging departure first
    impact: pd.DataFrame        # N-1: everyone whose departure breaks something, ranked
    hidden: pd.DataFrame        # the most damaging pairs beyond what either does alone
    slates: pd.DataFrame        # one row per key person and chosen successor, ranked
    bench_skill: pd.DataFrame
    bench_team: pd.DataFrame
    candidates: int = 0         # candidate (key person, successor) pairs considered
    greedy_objective: float | None = None
    method: str = ""
