"""The full rotation model as arrays, solved by column generation.

The model the README states has a variable x[p, h, q] for every person p, every other team h
with members and every quarter q: 3.7 million at 5,000 people and 187 teams, too many to hand
to a solver. Almost all of them are zero in every good plan, so only the ones that can matter
are generated (`generate`): the LP relaxation is solved over the current columns, every omitted
(p, h, q) is priced with the LP's duals in one numpy expression over people x teams x quarters,
and the columns with a positive reduced cost are added, until none has one. The LP value is
then a bound for the whole model, not just for the generated part. With duals u >= 0 and
reduced costs d = c - A'u, every plan x of the full model has

    value(x) <= LP + sum of d_j x_j over omitted columns j   (all d_j <= 0 at the end),

so a plan better than a known one with value z can only use omitted columns with
d_j > -(LP - z): `closing_columns` adds exactly those, and the MIP over them is then exact.

Rows (all present from the start, so every dual exists; an empty row's dual is 0):
  person p:           sum_h,q x <= max_rotations
  person p, quarter q: sum_h x <= 1                         (only when max_rotations > 1)
  target t, quarter q: sum over its qualified members of x <= slack
  team a, quarter q:   sum over its members of x <= away cap
  host h, quarter q:   sum_p x <= host capacity
  request r:           y_r - sum of the x that answer it <= 0
  Hall rows:           sum_{r in S} y_r - sum of the x answering any r in S <= 0 for every set S
                       of two or more requests of one person whose answers overlap, so one
                       rotation never counts for two requests.
  unrequested cap:     sum of the x that are not commitments - k * sum_r y_r <= cap, with k = 1
                       and cap = max_unrequested, or k = 2 and cap = 0 for "no more than the
                       requested ones; cap = 0 and k = 1 when none is allowed.

The cap row counts every honoured request as taking one rotation out of the unrequested ones.
Every plan the checker accepts meets it (its linked requests are at least the y it sets), so
the model is a relaxation of rule 6 and its bound holds; it is exact unless an approved
rotation answers an open request, and any plan it proposes is re-checked before it is shown.
Its dual prices every x too (`reduced_costs`).
"""

from __future__ import annotations

import itertools
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from skills.plans.rotations.model import (
    Policy,
    Rotation,
    RotationOrg,
    away_caps,
    learning_matrix,
    request_hosts,
    request_quarters,
)

# Hall rows per person: every connected set of at most max_rotations of their requests, and
# each connected group of their requests whole (see `_hall_sets`). Sets larger than this are
# not listed, nor more than MAX_HALL_ROWS per person (the rows are then a relaxation, and the
# checker stands behind every plan).
MAX_HALL_SET = 6
MAX_HALL_ROWS = 20_000
# Per pricing round: at most this many new columns per person, and in all.
PER_PERSON = 8
PER_ROUND = 20_000
# Closing the gap adds every column that could still improve on the incumbent, unless there
# are more than this (then the LP bound stands as the claim).
MAX_CLOSING_COLUMNS = 400_000
EPS = 1e-7


@dataclass
class Space:
    """The full model's index sets and right-hand sides, over the base organisation's codes."""

    people: int
    teams: int
    quarters: int
    home: np.ndarray          # team code per person
    value: np.ndarray         # people x teams: objective coefficient of x (learning - cost)
    allowed: np.ndarray       # people x teams: x[p, h, q] exists in the full model
    qualified: sp.csr_matrix  # people x targets
    slack: np.ndarray         # per target
    away_cap: np.ndarray      # per team
    host_cap: int
    max_rotations: int
    request_person: np.ndarray
    request_weight: np.ndarray
    request_ids: list[str]
    option_request: np.ndarray   # (request index, triple key) pairs: key answers request
    option_key: np.ndarray
    hall: list[list[int]]        # sets of request indexes, one Hall row each
    unrequested: bool            # False: only request triples exist in the full model
    cap: int = 0                 # right-hand side of the unrequested cap row
    cap_per_request: float = 1.0  # k: what each honoured request takes off the row
    committed_keys: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    row: dict[str, int] = field(default_factory=dict)   # row block offsets
    rows: int = 0

    def key(self, person: np.ndarray, host: np.ndarray, quarter: np.ndarray) -> np.ndarray:
        return (person.astype(np.int64) * self.teams + host) * self.quarters + (quarter - 1)

    def split(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        quarter = keys % self.quarters + 1
        pair = keys // self.quarters
        return pair // self.teams, pair % self.teams, quarter

    @property
    def full_size(self) -> int:
        return int(self.allowed.sum()) * self.quarters


def space(org: RotationOrg, policy: Policy, commitments: Sequence[Rotation] = ()) -> Space:
    base = org.base
    n_p, n_t, n_q = base.n_people, base.n_teams, policy.quarters
    value = learning_matrix(org, policy) - policy.rotation_cost
    targets = org.targets
    slack = np.array([t.slack for t in targets], dtype=np.int64)
    qualified = org.qualified_matrix()
    caps = away_caps(org, policy)
    # Lossless pruning: someone a target cannot spare at all (slack 0), or from a team that
    # may release nobody, is 0 in every feasible plan; so is a host without members.
    pinned = np.zeros(n_p, dtype=bool)
    if len(targets):
        pinned = np.asarray(qualified[:, slack == 0].sum(axis=1)).ravel() > 0
    allowed = np.ones((n_p, n_t), dtype=bool)
    allowed[:, base.team_size == 0] = False
    allowed[np.arange(n_p), base.team_code] = False
    allowed[pinned | (caps[base.team_code] == 0)] = False
    if policy.max_rotations == 0 or policy.host_capacity == 0:
        allowed[:] = False
    if len(targets):
        # A target that may lose as many members as its team may release at all is implied by
        # the team's away row: its row stays, empty (dual 0), and the LP is smaller.
        team_of = np.array([org.team_codes[t.team] for t in targets], dtype=np.int64)
        implied = slack >= caps[team_of]
        qualified = (qualified @ sp.diags((~implied).astype(float))).tocsr()
        qualified.eliminate_zeros()
        qualified = qualified.astype(bool)
    people: list[int] = []
    weights: list[float] = []
    ids: list[str] = []
    pairs: list[tuple[int, int]] = []
    by_person: dict[int, list[int]] = defaultdict(list)
    made = Space(n_p, n_t, n_q, base.team_code, value, allowed, qualified, slack, caps,
                 policy.host_capacity, policy.max_rotations, np.zeros(0, np.int64),
                 np.zeros(0), [], np.zeros(0, np.int64), np.zeros(0, np.int64), [],
                 policy.allow_unrequested)
    if not policy.allow_unrequested:
        made.cap, made.cap_per_request = 0, 1.0
    elif policy.max_unrequested is None:
        made.cap, made.cap_per_request = 0, 2.0
    else:
        made.cap, made.cap_per_request = policy.max_unrequested, 1.0
    codes = [(org.person_codes.get(c.person_id), org.team_codes.get(c.host_team), c.quarter)
             for c in commitments]
    codes = [c for c in codes if c[0] is not None and c[1] is not None]
    if codes:
        made.committed_keys = np.unique(made.key(np.array([c[0] for c in codes]),
                                                 np.array([c[1] for c in codes]),
                                                 np.array([c[2] for c in codes])))
    for request in org.requests:
        p = org.person_codes[request.person_id]
        hosts = [org.team_codes[h] for h in request_hosts(org, request)
                 if allowed[p, org.team_codes[h]]]
        quarters = list(request_quarters(request, policy))
        if not hosts or not quarters:
            continue
        r = len(ids)
        ids.append(request.request_id)
        people.append(p)
        weights.append(policy.request_weight * request.priority)
        keys = made.key(np.full(len(hosts) * len(quarters), p),
                        np.repeat(hosts, len(quarters)), np.tile(quarters, len(hosts)))
        pairs.extend((r, int(k)) for k in keys)
        by_person[p].append(r)
    made.request_person = np.array(people, dtype=np.int64)
    made.request_weight = np.array(weights, dtype=float)
    made.request_ids = ids
    order = sorted(pairs, key=lambda rk: (rk[1], rk[0]))
    made.option_request = np.array([r for r, _ in order], dtype=np.int64)
    made.option_key = np.array([k for _, k in order], dtype=np.int64)
    answer_sets = defaultdict(set)
    for r, k in pairs:
        answer_sets[r].add(k)
    for requests in by_person.values():
        if len(requests) >= 2:
            made.hall.extend(_hall_sets(requests, answer_sets, policy.max_rotations))
    blocks = [("person", n_p), ("person_quarter", n_p * n_q if policy.max_rotations > 1 else 0),
              ("target", len(slack) * n_q), ("away", n_t * n_q), ("host", n_t * n_q),
              ("request", len(ids)), ("hall", len(made.hall)),
              ("cap", 1)]
    offset = 0
    for name, size in blocks:
        made.row[name] = offset
        offset += size
    made.rows = offset
    return made


def _hall_sets(requests: list[int], answers: dict[int, set[int]],
               max_rotations: int) -> list[list[int]]:
    """The sets of one person's requests that need a Hall row, so that one rotation never
    counts for two requests: each connected group of requests whole, and within it every
    connected set of at most `max_rotations` requests.

    That is every row that can bind. Honouring a set T of requests needs as many of the
    person's rotations among T's answers (Hall's theorem). A set of more than max_rotations
    cannot have them: the row of its whole group already says so, since the person row caps
    the rotations. A set of requests in different groups has disjoint answers, so the rows
    of its parts imply its own. Listing every subset of up to six requests instead grew
    combinatorially (an engineer with 25 open requests: 245,000 rows, 27 s of planning and
    a gigabyte of lists on the server).
    """
    sets: list[list[int]] = []
    for group in _groups(requests, answers):
        if len(group) < 2:
            continue
        if len(group) > max_rotations:
            sets.append(group)
        budget = MAX_HALL_ROWS
        for size in range(2, min(len(group), max_rotations, MAX_HALL_SET) + 1):
            for subset in itertools.islice(itertools.combinations(group, size), budget):
                budget -= 1
                if _connected([answers[r] for r in subset]):
                    sets.append(list(subset))
            if budget <= 0:
                break
    return sets


def _groups(requests: list[int], answers: dict[int, set[int]]) -> list[list[int]]:
    """`requests` in groups connected by shared answers (in their order)."""
    owner: dict[int, int] = {}
    parent = list(range(len(requests)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, r in enumerate(requests):
        for key in answers[r]:
            j = owner.setdefault(key, i)
            if j != i:
                parent[root(i)] = root(j)
    grouped: dict[int, list[int]] = defaultdict(list)
    for i, r in enumerate(requests):
        grouped[root(i)].append(r)
    return list(grouped.values())


def _connected(sets: list[set[int]]) -> bool:
    """Whether the answers of these requests overlap in one chain (else the rows imply it)."""
    reached, todo = {0}, [0]
    while todo:
        i = todo.pop()
        for j in range(len(sets)):
            if j not in reached and sets[i] & sets[j]:
                reached.add(j)
                todo.append(j)
    return len(reached) == len(sets)


def row_upper(s: Space) -> np.ndarray:
    upper = np.zeros(s.rows)
    r = s.row
    upper[r["person"]:r["person"] + s.people] = s.max_rotations
    if s.max_rotations > 1:
        upper[r["person_quarter"]:r["target"]] = 1
    upper[r["target"]:r["away"]] = np.repeat(s.slack, s.quarters)
    upper[r["away"]:r["host"]] = np.repeat(s.away_cap, s.quarters)
    upper[r["host"]:r["request"]] = s.host_cap
    upper[r["cap"]] = s.cap
    return upper


def x_columns(s: Space, keys: np.ndarray) -> sp.csc_matrix:
    """Rows x columns (sparse) of the x variables with these triple keys."""
    person, host, quarter = s.split(keys)
    q0 = quarter - 1
    n = len(keys)
    cols = [np.arange(n)] * 3
    rows = [person, s.row["away"] + s.home[person] * s.quarters + q0,
            s.row["host"] + host * s.quarters + q0]
    values = [np.ones(n)] * 3
    if s.max_rotations > 1:
        cols.append(np.arange(n))
        rows.append(s.row["person_quarter"] + person * s.quarters + q0)
        values.append(np.ones(n))
    targets = s.qualified[person].tocoo()
    if targets.nnz:
        cols.append(targets.row)
        rows.append(s.row["target"] + targets.col * s.quarters + q0[targets.row])
        values.append(np.ones(targets.nnz))
    # Commitments were decided earlier: they do not count towards the cap.
    counted = ~np.isin(keys, s.committed_keys)
    cols.append(np.flatnonzero(counted))
    rows.append(np.full(int(counted.sum()), s.row["cap"]))
    values.append(np.ones(int(counted.sum())))
    # Request rows: -1 where the triple answers the request; Hall rows: -1 once per set.
    lo = np.searchsorted(s.option_key, keys, side="left")
    counts = np.searchsorted(s.option_key, keys, side="right") - lo
    if counts.any():
        column = np.repeat(np.arange(n), counts)
        position = (np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
                    + np.repeat(lo, counts))
        requests = s.option_request[position]
        cols.append(column)
        rows.append(s.row["request"] + requests)
        values.append(-np.ones(len(column)))
        for h, subset in enumerate(s.hall):
            touching = np.unique(column[np.isin(requests, subset)])
            if len(touching):
                cols.append(touching)
                rows.append(np.full(len(touching), s.row["hall"] + h))
                values.append(-np.ones(len(touching)))
    return sp.csc_matrix((np.concatenate(values),
                          (np.concatenate(rows), np.concatenate(cols))), shape=(s.rows, n))


def y_columns(s: Space) -> sp.csc_matrix:
    n = len(s.request_ids)
    rows = [s.row["request"] + np.arange(n)]
    cols = [np.arange(n)]
    for h, subset in enumerate(s.hall):
        rows.append(np.full(len(subset), s.row["hall"] + h))
        cols.append(np.array(subset))
    data = [np.ones(len(r)) for r in rows]
    if n:
        rows.append(np.full(n, s.row["cap"]))
        cols.append(np.arange(n))
        data.append(np.full(n, -s.cap_per_request))
    return sp.csc_matrix((np.concatenate(data), (np.concatenate(rows), np.concatenate(cols))),
                         shape=(s.rows, n))


def x_cost(s: Space, keys: np.ndarray) -> np.ndarray:
    person, host, _ = s.split(keys)
    return np.asarray(s.value[person, host], dtype=float)


def initial_keys(org: RotationOrg, policy: Policy, s: Space,
                 commitments: list[Rotation]) -> np.ndarray:
    """Every request triple, each person's best few hosts by learning, and the commitments."""
    keys = [s.option_key]
    if s.unrequested and policy.candidate_hosts > 0 and s.allowed.any():
        # Negated in place of a masked copy and its negation (three passes over people x
        # teams at 20,000 people and 740 teams); the values argpartition sees are the same.
        ok = s.allowed & (s.value > 0)
        negated = np.full(s.value.shape, np.inf)
        np.negative(s.value, out=negated, where=ok)
        count = min(policy.candidate_hosts, s.teams)
        best = np.argpartition(negated, count - 1, axis=1)[:, :count]
        person = np.repeat(np.arange(s.people), count)
        host = best.ravel()
        good = np.isfinite(negated[person, host])
        person, host = person[good], host[good]
        for q in range(1, s.quarters + 1):
            keys.append(s.key(person, host, np.full(len(person), q)))
    if commitments:
        keys.append(s.key(np.array([org.person_codes[c.person_id] for c in commitments]),
                          np.array([org.team_codes[c.host_team] for c in commitments]),
                          np.array([c.quarter for c in commitments])))
    return np.unique(np.concatenate(keys)).astype(np.int64)


# --- pricing ------------------------------------------------------------------------------------

def reduced_costs(s: Space, duals: np.ndarray) -> np.ndarray:
    """People x teams x quarters: c - A'u for every triple of the full model (-inf if absent).

    One expression over all triples: the person's, the team-away and the target duals depend on
    (person, quarter), the host dual on (host, quarter). Request rows need no pricing: every
    triple that answers a request is a column from the start.
    """
    r, q = s.row, s.quarters
    person = duals[r["person"]:r["person"] + s.people]
    per_pq = np.repeat(person[:, None], q, axis=1)
    if s.max_rotations > 1:
        per_pq = per_pq + duals[r["person_quarter"]:r["target"]].reshape(s.people, q)
    per_pq = per_pq + duals[r["away"]:r["host"]].reshape(s.teams, q)[s.home]
    if s.qualified.shape[1]:
        per_pq = per_pq + s.qualified @ duals[r["target"]:r["away"]].reshape(-1, q)
    host = duals[r["host"]:r["request"]].reshape(s.teams, q)
    # No omitted triple is a commitment (those are columns from the start): each counts.
    per_pq = per_pq + duals[r["cap"]]
    out = s.value[:, :, None] - per_pq[:, None, :] - host[None, :, :]
    out[~s.allowed] = -np.inf
    if not s.unrequested:
        # Without unrequested rotations the full model is the request triples, all columns.
        out[:] = -np.inf
    return np.asarray(out)


def improving(s: Space, rc: np.ndarray, have: np.ndarray, per_person: int | None = None,
              limit: int | None = None) -> np.ndarray:
    """Keys of the omitted triples with the largest positive reduced costs."""
    per_person = PER_PERSON if per_person is None else per_person
    limit = PER_ROUND if limit is None else limit
    flat = rc.reshape(s.people, -1).copy()
    if len(have):
        p, h, q = s.split(have)
        flat[p, h * s.quarters + (q - 1)] = -np.inf
    count = min(per_person, flat.shape[1])
    best = np.argpartition(-flat, count - 1, axis=1)[:, :count]
    person = np.repeat(np.arange(s.people), count)
    values = flat[person, best.ravel()]
    keep = values > EPS
    person, cell, values = person[keep], best.ravel()[keep], values[keep]
    if len(values) > limit:
        top = np.argpartition(-values, limit - 1)[:limit]
        person, cell = person[top], cell[top]
    return np.sort(person.astype(np.int64) * s.teams * s.quarters + cell)


def closing_keys(s: Space, rc: np.ndarray, have: np.ndarray, have_rc: np.ndarray,
                 gap: float) -> np.ndarray | None:
    """Every triple a plan better than the incumbent could use (see the module notes).

    `rc` prices the omitted triples; `have_rc` holds the exact reduced costs of the columns
    in `have` (those may answer requests, which `rc` does not price). None when there are
    more than MAX_CLOSING_COLUMNS.
    """
    flat = rc.reshape(-1).copy()
    if len(have):
        flat[have] = have_rc
    chosen = np.flatnonzero(flat > -(gap + 1e-6))
    if len(chosen) > MAX_CLOSING_COLUMNS:
        return None
    return chosen.astype(np.int64)


def person_positive(s: Space, rc: np.ndarray, have: np.ndarray) -> float:
    """What omitted triples may add to the bound: per person, the best `max_rotations` of them.

    With the duals fixed, the relaxation may keep the person's row as a constraint (every plan
    meets it), so each person adds at most their best few positive reduced costs.
    """
    flat = rc.reshape(s.people, -1).copy()
    if len(have):
        p, h, q = s.split(have)
        flat[p, h * s.quarters + (q - 1)] = -np.inf
    flat = np.clip(flat, 0, None)
    count = min(max(s.max_rotations, 0), flat.shape[1])
    if count == 0:
        return 0.0
    top = np.partition(flat, flat.shape[1] - count, axis=1)[:, -count:]
    return float(top.sum())


# --- HiGHS, over arrays (run in a child process: HiGHS prints a banner when created) ---------

def _highs(time_limit: float, gap_rel: float, seed: int = 1) -> Any:
    import highspy

    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("threads", 1)
    highs.setOptionValue("random_seed", seed)
    highs.setOptionValue("time_limit", max(0.01, float(time_limit)))
    highs.setOptionValue("mip_rel_gap", float(gap_rel))
    highs.setOptionValue("mip_detect_symmetry", False)
    return highs


def _pass(highs: Any, matrix: sp.csc_matrix, cost: np.ndarray, lower: np.ndarray,
          upper: np.ndarray, row_upper: np.ndarray, integer: bool) -> None:
    import highspy

    lp = highspy.HighsLp()
    lp.num_col_ = matrix.shape[1]
    lp.num_row_ = matrix.shape[0]
    lp.col_cost_ = cost
    lp.col_lower_ = lower
    lp.col_upper_ = upper
    lp.row_lower_ = np.full(matrix.shape[0], -highspy.kHighsInf)
    lp.row_upper_ = row_upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.num_col_ = matrix.shape[1]
    lp.a_matrix_.num_row_ = matrix.shape[0]
    lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
    lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
    lp.a_matrix_.value_ = matrix.data.astype(float)
    lp.sense_ = highspy.ObjSense.kMaximize
    if integer:
        lp.integrality_ = [highspy.HighsVarType.kInteger] * matrix.shape[1]
    highs.passModel(lp)


def generate(s: Space, keys: np.ndarray, fixed: np.ndarray, ends: float) -> dict[str, Any]:
    """Column generation on the LP relaxation, until `ends` (time.monotonic(), which a forked
    child shares with its parent); returns the columns, LP value, duals and LP values."""
    import highspy

    started = time.monotonic()
    time_limit = ends - started
    if not len(keys) and not len(s.request_ids):
        # No columns yet (HiGHS calls an empty model an error): the LP is 0 with duals 0, so
        # the columns worth anything at all come first.
        keys = improving(s, reduced_costs(s, np.zeros(s.rows)), keys) if s.unrequested else keys
        if not len(keys):
            return {"keys": keys, "lp_value": 0.0, "duals": np.zeros(s.rows),
                    "converged": True, "infeasible": False, "rounds": 0, "solved": 0,
                    "x": np.zeros(0), "x_reduced": np.zeros(0), "seconds": 0.0}
    y = y_columns(s)
    matrix = sp.hstack([x_columns(s, keys), y], format="csc")
    n_y = y.shape[1]
    cost = np.concatenate([x_cost(s, keys), s.request_weight])
    lower = np.concatenate([np.isin(keys, fixed).astype(float), np.zeros(n_y)])
    highs = _highs(time_limit, 0.0)
    # Primal simplex: after new columns the last basis stays primal feasible, so each round
    # resumes from it. Measured at 5,000 people: the capped default LP converges in 4.8 s
    # instead of 15.9 s (dual simplex), the uncapped one in 10.4 s instead of 13.3 s.
    highs.setOptionValue("simplex_strategy", 4)
    _pass(highs, matrix, cost, lower, np.ones(len(cost)), row_upper(s), integer=False)
    # HiGHS column j holds key order[j] (-1 for the y columns).
    order = np.concatenate([np.arange(len(keys)), np.full(n_y, -1)])
    rounds, converged, infeasible, lp_value, duals, lp_x = 0, False, False, None, None, None
    lp_d = None
    solved = 0
    stopped = ""
    price_seconds = 0.0
    while True:
        # HiGHS checks its limit against the run time it has summed over every run of this
        # instance, so the limit is that sum plus what is left of ours.
        left = max(0.01, time_limit - (time.monotonic() - started))
        highs.setOptionValue("time_limit", float(highs.getRunTime()) + left)
        highs.run()
        status = highs.getModelStatus()
        if status in (highspy.HighsModelStatus.kInfeasible,
                      highspy.HighsModelStatus.kUnboundedOrInfeasible):
            infeasible = True
            break
        if status != highspy.HighsModelStatus.kOptimal:
            stopped = status.name
            break
        rounds += 1
        solved = len(keys)
        lp_value = float(highs.getInfo().objective_function_value)
        solution = highs.getSolution()
        duals = np.asarray(solution.row_dual, dtype=float)
        lp_x = np.asarray(solution.col_value, dtype=float)
        lp_d = np.asarray(solution.col_dual, dtype=float)
        # When maximising, HiGHS's row duals u are >= 0 on these <= rows and its column duals
        # are c - A'u (checked in tests/test_rotations_columns.py); noise below 0 is dropped,
        # which keeps u feasible for the dual and the bound valid.
        duals = np.maximum(duals, 0.0)
        if not s.unrequested:
            converged = True
            break
        priced = time.monotonic()
        rc = reduced_costs(s, duals)
        new = improving(s, rc, keys)
        price_seconds = time.monotonic() - priced
        if not len(new):
            converged = True
            break
        if time.monotonic() - started > time_limit:
            stopped = "time"
            break
        block = x_columns(s, new)
        highs.addCols(len(new), x_cost(s, new), np.zeros(len(new)), np.ones(len(new)),
                      block.nnz, block.indptr[:-1].astype(np.int32),
                      block.indices.astype(np.int32), block.data.astype(float))
        # New columns go after the y block in HiGHS; `order` maps HiGHS's columns to keys.
        keys = np.concatenate([keys, new])
        order = np.concatenate([order, np.arange(len(keys) - len(new), len(keys))])
    # The LP solved last saw the first `solved` keys; any added after it count as omitted.
    x_values = x_duals = None
    if lp_x is not None and lp_d is not None:
        x_values, x_duals = np.zeros(solved), np.zeros(solved)
        seen = order[:len(lp_x)]
        x_values[seen[seen >= 0]] = lp_x[seen >= 0]
        x_duals[seen[seen >= 0]] = lp_d[seen >= 0]
    return {"keys": keys, "lp_value": lp_value, "duals": duals, "converged": converged,
            "infeasible": infeasible, "rounds": rounds, "solved": solved, "x": x_values,
            "x_reduced": x_duals, "stopped": stopped, "seconds": time.monotonic() - started,
            "price_seconds": price_seconds}


def solve_mip(s: Space, keys: np.ndarray, fixed: np.ndarray, start: np.ndarray | None,
              ends: float, gap_rel: float, bonus_keys: np.ndarray | None = None,
              bonus: float = 0.0) -> dict[str, Any]:
    """The MIP over these x columns (and every request's y); values of x, objective, bound.

    `bonus` is added to the value of the `bonus_keys` columns: with commitments there instead
    of fixed, the plan keeps as many of them as can hold together.
    """
    import highspy

    if not len(keys) and not len(s.request_ids):
        # Nothing to decide (HiGHS calls an empty model an error): the plan is empty.
        return {"status": "optimal", "chosen": keys, "objective": 0.0, "bound": 0.0}
    y = y_columns(s)
    matrix = sp.hstack([x_columns(s, keys), y], format="csc")
    n_y = y.shape[1]
    x_values = x_cost(s, keys)
    if bonus_keys is not None and len(bonus_keys):
        x_values = x_values + bonus * np.isin(keys, bonus_keys)
    cost = np.concatenate([x_values, s.request_weight])
    lower = np.concatenate([np.isin(keys, fixed).astype(float), np.zeros(n_y)])
    highs = _highs(ends - time.monotonic(), gap_rel)
    # Measured by benchmarks/bench_rotations.py: without presolve HiGHS solves this model
    # several times faster.
    highs.setOptionValue("presolve", "off")
    _pass(highs, matrix, cost, lower, np.ones(len(cost)), row_upper(s), integer=True)
    if start is not None:
        solution = highspy.HighsSolution()
        solution.col_value = list(start)
        highs.setSolution(solution)
    # The time spent building counts: the limit is the caller's wall clock.
    highs.setOptionValue("time_limit", max(0.01, ends - time.monotonic()))
    highs.run()
    info = highs.getInfo()
    status = highs.getModelStatus()
    if status in (highspy.HighsModelStatus.kInfeasible,
                  highspy.HighsModelStatus.kUnboundedOrInfeasible):
        return {"status": "infeasible"}
    if info.primal_solution_status != 2:
        return {"status": "timeout"}
    values = np.asarray(highs.getSolution().col_value)
    bound = float(info.mip_dual_bound)
    return {"status": "optimal" if status == highspy.HighsModelStatus.kOptimal else "feasible",
            "chosen": keys[values[:len(keys)] > 0.5],
            "objective": float(info.objective_function_value),
            "bound": bound if np.isfinite(bound) else None}


def start_vector(s: Space, keys: np.ndarray, plan_keys: np.ndarray,
                 answered: list[str]) -> np.ndarray:
    """A warm start: 1 for the plan's columns and for the requests it answers."""
    honoured = set(answered)
    return np.concatenate([np.isin(keys, plan_keys).astype(float),
                           np.array([float(r in honoured) for r in s.request_ids])])
