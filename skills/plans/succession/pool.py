"""Every candidate successor of every key person, and the exact slates when they are many.

In an organisation whose targets are all tight, thousands of people are key and millions of
(key person, candidate) pairs qualify. The flow then starts from each key person's best few
candidates and prices in the rest: the potentials of the optimal flow say, for every pair
left out, whether naming it could raise the total (a negative reduced cost). Pairs that could
are added and the flow solved again; when none is left, the plan is optimal for all pairs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from skills.organisation import Organisation
from skills.plans.contract import Deadline
from skills.plans.succession.model import (
    NOT_A_CANDIDATE,
    UNITS,
    Candidates,
    Potentials,
    Risk,
    SlateSolution,
    SuccessionOptions,
    flow_with_potentials,
    pair_units,
    readiness,
    slot_bonus_units,
    solve_slates,
)

# Up to this many pairs the flow takes them all at once (about a second per million); beyond,
# pricing needs far less memory and, at ten million pairs, less time.
FULL_POOL = 2_000_000
# Otherwise each key person starts with this many of their best candidates.
START = 40
MAX_ROUNDS = 30
# Pairs added per key person and round, the most negative reduced costs first.
ADD = 200
BEST_NONE = 3  # best readiness code of someone who is no candidate


@dataclass
class Pool:
    cands: Candidates          # the pairs the flow works with
    counts: np.ndarray         # per key person: candidates in the whole organisation
    best: np.ndarray           # teams x people: best readiness for one of the team's key people
    # When the pool holds only the best few per key person: every pair, for pricing.
    everyone: list[tuple[np.ndarray, ...]] | None = None

    @property
    def complete(self) -> bool:
        return self.everyone is None


def _concat(parts: list[tuple[np.ndarray, ...]]) -> Candidates:
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return Candidates(empty, empty, empty, empty, empty)
    key, person, code, short, interest = (np.concatenate(c).astype(np.int64)
                                          for c in zip(*parts, strict=True))
    return Candidates(key, person, code, short, interest)


def _best_few(part: tuple[np.ndarray, ...], keep: int) -> tuple[np.ndarray, ...]:
    key, who, code, short, interest = part
    if len(who) <= keep:
        return part
    units = pair_units(code, short, interest)
    top = np.lexsort((who, -units))[:keep]
    return key[top], who[top], code[top], short[top], interest[top]


def candidate_pool(org: Organisation, key_risks: list[Risk], full: int = FULL_POOL,
                   start: int = START) -> Pool:
    """Readiness of everyone for every key person, in one pass over the key people."""
    counts = np.zeros(len(key_risks), dtype=np.int64)
    best = np.full((org.n_teams, org.n_people), BEST_NONE, dtype=np.int8)
    parts: list[tuple[np.ndarray, ...]] = []
    total = 0
    for k, risk in enumerate(key_risks):
        code, short, interest = readiness(org.level[:, risk.skills],
                                          org.interest[:, risk.skills], risk.required)
        code[risk.person] = NOT_A_CANDIDATE   # nobody succeeds themselves
        who = np.flatnonzero(code >= 0)
        counts[k] = len(who)
        team = org.team_code[risk.person]
        best[team, who] = np.minimum(best[team, who], code[who])
        parts.append((np.full(len(who), k, dtype=np.int32), who.astype(np.int32),
                      code[who].astype(np.int8), short[who].astype(np.int16),
                      interest[who].astype(np.int16)))
        total += len(who)
    if total <= full:
        return Pool(_concat(parts), counts, best)
    return Pool(_concat([_best_few(p, start) for p in parts]), counts, best, everyone=parts)


def solve_pool(pool: Pool, n_keys: int, n_people: int, options: SuccessionOptions,
               deadline: Deadline) -> tuple[SlateSolution, Candidates]:
    """The exact slates over every candidate pair; the pairs the solution refers to."""
    if pool.complete:
        return solve_slates(pool.cands, n_keys, options, deadline), pool.cands
    cands = pool.cands
    for rounds in range(1, MAX_ROUNDS + 1):
        if deadline.expired():
            break
        solution, potentials = flow_with_potentials(cands, n_keys, options, n_people,
                                                    potentials=True)
        if solution.status != "optimal" or potentials is None:
            return solution, cands
        added = _price(pool.everyone or [], cands, potentials)
        if not added:
            return SlateSolution(
                solution.chosen, "optimal", solution.objective, solution.bound,
                solution.message, f"min-cost flow (OR-Tools), {len(cands):,} of "
                f"{int(pool.counts.sum()):,} pairs priced in over {rounds} round(s)"), cands
        cands = _concat([(cands.key, cands.person, cands.code, cands.short, cands.interest),
                         *added])
    # Out of time or rounds: the plan found so far, against a bound that ignores the cap.
    solution = solve_slates(cands, n_keys, options, Deadline(max(1.0, options.time_limit)))
    bound = _bound_without_cap(pool, options)
    return SlateSolution(solution.chosen, "feasible" if solution.objective is not None
                         else "timeout", solution.objective, bound,
                         "Stopped before every pair was priced in: within the gap of a bound "
                         "that ignores the cap on slates per successor.",
                         "min-cost flow (OR-Tools), pricing stopped"), cands


def _price(everyone: list[tuple[np.ndarray, ...]], cands: Candidates,
           potentials: Potentials) -> list[tuple[np.ndarray, ...]]:
    """Pairs outside the pool with a negative reduced cost, the most negative few per key."""
    key_pot, person_pot = potentials.key, potentials.person
    inside: dict[int, np.ndarray] = {}
    order = np.argsort(cands.key, kind="stable")
    starts = np.searchsorted(cands.key[order], np.arange(len(everyone) + 1))
    for k in range(len(everyone)):
        inside[k] = cands.person[order[starts[k]:starts[k + 1]]]
    added: list[tuple[np.ndarray, ...]] = []
    seen = np.zeros(len(person_pot), dtype=bool)
    for k, (key, who, code, short, interest) in enumerate(everyone):
        if not len(who):
            continue
        units = pair_units(code, short, interest)
        # reduced cost of k -> who: -units + pot(k) - pot(who); integers, so 0.5 is slack
        reduced = -units + key_pot[k] - person_pot[who]
        seen[inside[k]] = True
        bad = (reduced < -0.5) & ~seen[who]
        seen[inside[k]] = False
        if bad.any():
            pick = np.flatnonzero(bad)
            pick = pick[np.argsort(reduced[pick], kind="stable")[:ADD]]
            added.append((key[pick], who[pick], code[pick], short[pick], interest[pick]))
    return added


def _bound_without_cap(pool: Pool, options: SuccessionOptions) -> float:
    """Each key person's best `max_successors` candidates and slot bonuses: no plan beats it."""
    bonus = np.concatenate([[0], np.cumsum(slot_bonus_units(options.max_successors))])
    total = 0
    for _, _, code, short, interest in pool.everyone or []:
        units = np.sort(pair_units(code, short, interest))[::-1][:options.max_successors]
        total += int(units.sum()) + int(bonus[len(units)])
    return total / UNITS
