"""Issue 15: "optimal" means optimal for the full model the README states.

The oracle is a plain PuLP model over every (person, other team with members, quarter), written
from the README's rules with its own request assignment variables (z[r, j]: rotation j answers
request r; each rotation answers at most one), solved with CBC. The planner must match its
optimum, never report a bound below it, and say "optimal" only when that holds.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict

import numpy as np
import pulp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skills.dataset import Dataset
from skills.ingest.sample import generate
from skills.plans import rotations as R
from skills.plans import solving
from skills.plans.contract import relative_gap
from skills.plans.rotations import columns as C
from skills.plans.rotations.planner import lagrangian_bound

TOLERANCE = 1e-5   # CBC reports values to about 1e-6


def full_model_optimum(dataset: Dataset, policy: R.Policy) -> float:
    """The README's model over every triple, straight from the tables, solved to optimality."""
    org = R.prepare(dataset)   # learning value: the objective's own definition
    people = dataset.people
    home = dict(zip(people["person_id"], people["team"], strict=True))
    size = people["team"].value_counts().to_dict()
    level: dict[tuple[str, str], int] = defaultdict(int)
    for row in dataset.ratings.itertuples(index=False):
        level[(row.person_id, row.skill_id)] = int(row.level)
    quarters = range(1, policy.quarters + 1)
    hosts = sorted(size)
    problem = pulp.LpProblem("full", pulp.LpMaximize)
    x: dict[tuple[str, str, int], pulp.LpVariable] = {}
    objective: list[tuple[pulp.LpVariable, float]] = []

    def triple(p: str, h: str, q: int) -> pulp.LpVariable:
        if (p, h, q) not in x:
            name = f"x_{p}_{h}_{q}".replace(" ", "_")
            x[(p, h, q)] = problem.add_variable(name, 0, 1, cat=pulp.LpBinary)
            objective.append((x[(p, h, q)], R.learning_value(org, p, h, policy)
                              - policy.rotation_cost))
        return x[(p, h, q)]

    if policy.allow_unrequested:
        for p in home:
            for h in hosts:
                for q in quarters:
                    if h != home[p]:
                        triple(p, h, q)
    answers_of: dict[tuple[str, str, int], list[pulp.LpVariable]] = defaultdict(list)
    honoured: list[pulp.LpVariable] = []
    for request in org.requests:
        if request.host_team:
            options = [request.host_team] if request.host_team in size else []
        else:
            options = [t for t in hosts if any(level[(m, request.skill_id)] >= 3
                                               for m in home if home[m] == t)]
        options = [h for h in options if h != home[request.person_id]]
        window = [q for q in quarters if request.earliest <= q <= request.latest]
        y = problem.add_variable(f"y_{request.request_id}", 0, 1, cat=pulp.LpBinary)
        objective.append((y, policy.request_weight * request.priority))
        honoured.append(y)
        zs = []
        for h in options:
            for q in window:
                z = problem.add_variable(f"z_{request.request_id}_{h}_{q}".replace(" ", "_"),
                                         0, 1, cat=pulp.LpBinary)
                zs.append(z)
                answers_of[(request.person_id, h, q)].append(z)
        problem += y <= pulp.lpSum(zs)
    for key, zs in answers_of.items():
        problem += pulp.lpSum(zs) <= triple(*key)
    problem += pulp.LpAffineExpression(objective)
    # Rule 6: rotations that answer no honoured request, at most max_unrequested of them, or
    # (None) no more than the honoured requests; none when unrequested rotations are off.
    unrequested = pulp.lpSum(x.values()) - pulp.lpSum(honoured)
    if not policy.allow_unrequested:
        problem += unrequested <= 0
    elif policy.max_unrequested is None:
        problem += unrequested <= pulp.lpSum(honoured)
    else:
        problem += unrequested <= policy.max_unrequested
    by_person: dict[str, list] = defaultdict(list)
    by_person_quarter: dict[tuple[str, int], list] = defaultdict(list)
    by_host: dict[tuple[str, int], list] = defaultdict(list)
    for (p, h, q), var in x.items():
        by_person[p].append(var)
        by_person_quarter[(p, q)].append(var)
        by_host[(h, q)].append(var)
    for variables in by_person.values():
        problem += pulp.lpSum(variables) <= policy.max_rotations
    for variables in by_person_quarter.values():
        problem += pulp.lpSum(variables) <= 1
    for variables in by_host.values():
        problem += pulp.lpSum(variables) <= policy.host_capacity
    for team, count in size.items():
        cap = math.floor(policy.max_away_share * count + 1e-9)
        for q in quarters:
            problem += pulp.lpSum(v for m in home if home[m] == team
                                  for v in by_person_quarter[(m, q)]) <= cap
    for target in dataset.targets.itertuples(index=False):
        members = [m for m in home if home[m] == target.team
                   and level[(m, target.skill_id)] >= int(target.min_level)]
        keep = min(int(target.min_people), len(members))
        for q in quarters:
            problem += pulp.lpSum(v for m in members
                                  for v in by_person_quarter[(m, q)]) <= len(members) - keep
    problem.solve(pulp.COIN_CMD(path=solving.cbc_path(), msg=False, gapRel=0, threads=1))
    assert pulp.LpStatus[problem.status] == "Optimal"
    return float(pulp.value(problem.objective) or 0.0)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people=st.integers(8, 36), teams=st.integers(2, 6), seed=st.integers(0, 10_000),
       share=st.sampled_from([0.25, 0.34, 0.5]), capacity=st.integers(1, 3),
       rotations=st.integers(1, 2), quarters=st.integers(1, 3),
       unrequested=st.booleans(), cap=st.sampled_from([None, 0, 1, 3, 1000]))
def test_optimal_means_optimal_for_the_full_model(people: int, teams: int, seed: int,
                                                  share: float, capacity: int, rotations: int,
                                                  quarters: int, unrequested: bool,
                                                  cap: int | None) -> None:
    dataset = generate(people=people, teams=teams, skills=10, seed=seed, requests=people // 3)
    policy = R.Policy(quarters=quarters, max_away_share=share, host_capacity=capacity,
                      max_rotations=rotations, allow_unrequested=unrequested,
                      max_unrequested=cap, time_limit=20, gap_rel=0.0, candidate_hosts=1)
    best = full_model_optimum(dataset, policy)
    result = R.plan(dataset, policy)
    assert result.status == "optimal"
    assert result.objective == pytest.approx(best, abs=TOLERANCE)
    assert result.bound is not None and result.bound >= best - TOLERANCE
    assert R.check_plan(R.prepare(dataset), policy, result.rotations) == []


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people=st.integers(20, 60), seed=st.integers(0, 10_000),
       gap=st.sampled_from([0.005, 0.02, 0.1]), cap=st.sampled_from([None, 2, 1000]))
def test_the_bound_holds_and_optimal_is_within_the_tolerance(people: int, seed: int,
                                                             gap: float,
                                                             cap: int | None) -> None:
    dataset = generate(people=people, teams=4, skills=12, seed=seed, requests=people // 4)
    policy = R.Policy(time_limit=20, gap_rel=gap, candidate_hosts=0, max_unrequested=cap)
    best = full_model_optimum(dataset, policy)
    result = R.plan(dataset, policy)
    assert result.found and result.objective is not None
    assert result.objective <= best + TOLERANCE
    assert result.bound is not None and result.bound >= best - TOLERANCE
    if result.status == "optimal":
        assert result.objective >= (1 - gap) * best - TOLERANCE
    if result.gap:
        assert result.gap == pytest.approx(relative_gap(result.objective, result.bound))


def test_the_old_restriction_no_longer_limits_the_plan(sample_dataset: Dataset) -> None:
    # Issue 15: three best hosts per person gave 473.75 on the sample, reported optimal;
    # the full model's optimum is 502.69 (without a cap on unrequested rotations).
    for policy in (R.Policy(max_unrequested=1000), R.Policy()):
        result = R.plan(sample_dataset, policy)
        assert result.status == "optimal"
        assert result.objective == pytest.approx(full_model_optimum(sample_dataset, policy),
                                                 abs=TOLERANCE)
        assert result.message.startswith("Optimal: no better plan exists under this policy. "
                                         "It adds ")
    assert result.objective < 502.69 - 1   # the default cap binds on the sample


# --- the pieces the bound rests on -------------------------------------------------------------

def small() -> tuple[R.RotationOrg, R.Policy, C.Space]:
    dataset = generate(people=40, teams=5, skills=12, seed=3, requests=10)
    org = R.prepare(dataset)
    policy = R.Policy(max_rotations=2, candidate_hosts=1)
    return org, policy, C.space(org, policy)


def test_vectorised_prices_equal_the_sparse_columns() -> None:
    org, policy, s = small()
    rng = np.random.default_rng(5)
    duals = rng.random(s.rows)
    every = np.flatnonzero(np.repeat(s.allowed[:, :, None], s.quarters, axis=2).ravel())
    plain = np.setdiff1d(every, s.option_key)   # triples that answer no request
    matrix = C.x_columns(s, plain)
    exact = C.x_cost(s, plain) - matrix.T @ duals
    priced = C.reduced_costs(s, duals).ravel()[plain]
    assert np.allclose(priced, exact)
    outside = ~np.repeat(s.allowed[:, :, None], s.quarters, axis=2)
    assert np.isneginf(C.reduced_costs(s, duals)[outside]).all()


def test_column_generation_ends_at_the_lp_value_and_bounds_the_full_lp() -> None:
    org, policy, s = small()
    keys = C.initial_keys(org, policy, s, [])
    fixed = np.zeros(0, np.int64)
    out = C.generate(s, keys, fixed, time.monotonic() + 20)
    assert out["converged"]
    rc = C.reduced_costs(s, out["duals"])
    bound, reduced = lagrangian_bound(s, out["duals"], rc, out["keys"], fixed)
    # Strong duality: the bound from the duals is the LP value (HiGHS's sign convention holds),
    # and HiGHS's column duals are the reduced costs c - A'u the closing step relies on.
    assert bound == pytest.approx(out["lp_value"], abs=1e-6)
    assert np.allclose(reduced, out["x_reduced"], atol=1e-7)
    # And the LP over all triples has the same value.
    every = np.flatnonzero(np.repeat(s.allowed[:, :, None], s.quarters, axis=2).ravel())
    full = C.generate(s, np.union1d(every, keys), fixed, time.monotonic() + 20)
    assert full["lp_value"] == pytest.approx(out["lp_value"], abs=1e-6)


@pytest.mark.parametrize("rotations", [1, 2])
def test_many_requests_of_one_person_stay_exact_and_cheap(rotations: int) -> None:
    # The load run's demo engineer piled up open requests; listing every subset of up to six
    # of them as a Hall row grew combinatorially (25 requests: 245,000 rows, 27 s). The rows
    # now needed are linear (one rotation) or quadratic (two) in the requests, and the plan is
    # still the full model's optimum.
    import pandas as pd

    dataset = generate(people=24, teams=4, skills=10, seed=5, requests=0)
    person = str(dataset.people["person_id"].iloc[0])
    home = str(dataset.people["team"].iloc[0])
    hosts = sorted(set(dataset.people["team"]) - {home})
    rows = [{"request_id": f"R{i:03d}", "person_id": person, "host_team": hosts[i % len(hosts)],
             "skill_id": None, "earliest_quarter": 1 + i % 2, "latest_quarter": 2 + i % 2,
             "priority": 1 + i % 3, "note": None, "status": "requested"} for i in range(25)]
    dataset.requests = pd.DataFrame(rows)
    policy = R.Policy(quarters=3, max_rotations=rotations, time_limit=20, gap_rel=0.0,
                      candidate_hosts=1)
    space = C.space(R.prepare(dataset), policy)
    assert len(space.hall) <= 25 + 25 * 24 // 2 * (rotations - 1)
    best = full_model_optimum(dataset, policy)
    result = R.plan(dataset, policy)
    assert result.status == "optimal"
    assert result.objective == pytest.approx(best, abs=TOLERANCE)
    assert R.check_plan(R.prepare(dataset), policy, result.rotations) == []
