"""The rotation planner: greedy, column generation, the MIP, completion and the check.

Time is wall clock from the call (`contract.Deadline`), preparation included; when it runs out
the best checked plan so far is returned (the greedy one at worst) with the bound, if one is
known. Every bound reported holds for the full model the README states (see `columns.py`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pulp
import scipy.sparse as sp

from skills.dataset import Dataset
from skills.organisation import Organisation
from skills.plans import solving
from skills.plans.contract import Deadline, Plan, Status, relative_gap
from skills.plans.rotations import columns as C
from skills.plans.rotations.check import check_plan
from skills.plans.rotations.explain import (
    Refusal,
    conflicts,
    misfits,
    refusals,
    unrequested_words,
)
from skills.plans.rotations.greedy import complete, greedy, guided, link_requests
from skills.plans.rotations.model import Policy, Rotation, RotationOrg, plan_objective, prepare

# Kept for the end of the call: completing, linking and checking the plan.
_RESERVE_SHARE = 0.1
_RESERVE_MIN = 0.05
# Less than this left for the solver, and it is not started: the greedy plan is the answer.
_MIN_SOLVE = 0.1
# A solver child that overruns its own stop is killed this long after it, at the latest.
_CHILD_GRACE = 0.25


@dataclass(kw_only=True)
class PlanResult(Plan):
    policy: Policy
    rotations: list[Rotation] = field(default_factory=list)
    refusals: dict[str, Refusal] = field(default_factory=dict)
    explanation: list[str] = field(default_factory=list)   # infeasible: what conflicts
    findings: list[str] = field(default_factory=list)      # commitments that no longer fit
    build_seconds: float = 0.0
    solve_seconds: float = 0.0
    solver: str = ""
    greedy_objective: float = 0.0
    source: str = "none"   # "solver", "greedy" (better than the solver's) or "none"
    variables: int = 0     # columns generated (x) plus requests (y)
    constraints: int = 0
    full_variables: int = 0   # x variables of the full model
    rounds: int = 0           # pricing rounds
    phases: dict[str, float] = field(default_factory=dict)   # seconds per step

    def summary(self) -> dict[str, object]:
        return {**super().summary(), "rotations": len(self.rotations)}


def plan(dataset: Dataset | Organisation | RotationOrg, policy: Policy | None = None,
         commitments: Sequence[Rotation] = (), *,
         deadline: Deadline | None = None) -> PlanResult:
    """Schedule rotations: greedy first, then the exact model, then the plain-Python check."""
    policy = policy or Policy()
    policy.validate()
    deadline = deadline or Deadline(policy.time_limit)
    missing = solving.cbc_problem() if policy.solver == "cbc" else ""
    if missing:
        return PlanResult(status="error", policy=policy, solver=policy.solver,
                          seconds=deadline.elapsed(), message=missing)
    org = dataset if isinstance(dataset, RotationOrg) else prepare(dataset)
    kept, findings = misfits(org, policy, commitments)
    s = C.space(org, policy, kept)
    keys = C.initial_keys(org, policy, s, kept)
    fixed = _keys_of(org, s, kept)
    greedy_plan, unplaced = greedy(org, policy, kept, s, keys)
    greedy_value = plan_objective(org, policy, greedy_plan)
    build_seconds = deadline.elapsed()
    common: dict[str, Any] = {"policy": policy, "findings": findings,
                              "build_seconds": build_seconds, "solver": policy.solver,
                              "greedy_objective": greedy_value, "full_variables": s.full_size}
    reserve = max(_RESERVE_MIN, _RESERVE_SHARE * policy.time_limit)

    def budget(share: float = 1.0) -> float:
        return max(0.05, share * (deadline.remaining() - reserve))

    solve_started = time.monotonic()
    phases = common["phases"] = {"build": build_seconds}
    best = None if unplaced else _best(org, policy, s, [(greedy_plan, "greedy")])
    # The bound is the harder half: column generation gets most of the time, and the MIP
    # what is left once the bound is known. With no time left the solver is not started.
    limit = budget(0.85)
    started_solver = deadline.remaining() - reserve >= _MIN_SOLVE
    kind: str = "deadline"
    generated: Any = None
    if started_solver:
        kind, generated = solving.run_with_deadline(
            C.generate, (s, keys, fixed, time.monotonic() + limit), _kill_after(limit, deadline))
    phases["columns"] = time.monotonic() - solve_started
    if kind == "error":
        return _failed(common, deadline, generated)
    bound = rc = have_rc = None
    rounds = 0
    mark = time.monotonic()
    if kind == "ok":
        keys, rounds = generated["keys"], generated["rounds"]
        if generated["infeasible"]:
            return _infeasible(org, policy, s, keys, kept, common, deadline)
        # Pricing every triple again here costs what one round did in the child (1-2 s at
        # 20,000 people): without the time for it the plan stands without a bound.
        if (generated["duals"] is not None and generated["x_reduced"] is not None
                and deadline.remaining() - reserve > generated.get("price_seconds", 0.0)):
            solved = keys[:generated["solved"]]
            rc = C.reduced_costs(s, generated["duals"])
            have_rc = generated["x_reduced"]
            # LP duality: the LP value is u'b plus what its own columns add at their bounds;
            # the triples it did not see add at most each person's best few reduced costs.
            bound = generated["lp_value"] + C.person_positive(s, rc, solved)
            rounded = guided(org, policy, kept, s, solved, generated["x"])
            best = _best(org, policy, s, [(rounded, "solver")], best)
    phases["pricing"] = time.monotonic() - mark
    value = None if best is None else best[0]
    if not _closed(policy, value, bound) and deadline.remaining() - reserve >= _MIN_SOLVE:
        mip_keys, exact = keys, False
        if rc is not None and have_rc is not None and bound is not None and value is not None:
            # Only columns priced within the gap can be in a better plan: the MIP over them
            # is exact for the full model, so its bound is one.
            closing = C.closing_keys(s, rc, keys[:len(have_rc)], have_rc, bound - value)
            if closing is not None:
                mip_keys, exact = closing, True
        if best is not None:
            mip_keys = np.union1d(mip_keys, _keys_of(org, s, best[1]))
        mip_keys = np.union1d(mip_keys, fixed)
        mark = time.monotonic()
        outcome = _mip(org, policy, s, mip_keys, fixed, best[1] if best else greedy_plan,
                       unplaced if best is None else [], budget())
        phases["mip"] = time.monotonic() - mark
        if outcome["status"] == "error":
            return _failed(common, deadline, outcome["message"])
        if outcome["status"] == "infeasible":
            return _infeasible(org, policy, s, keys, kept, common, deadline)
        if outcome["status"] in ("optimal", "feasible"):
            found = _rotations(org, s, outcome["chosen"], kept)
            best = _best(org, policy, s, [(found, "solver")], best)
            if (exact and bound is not None and best is not None
                    and outcome.get("bound") is not None):
                bound = min(bound, max(best[0], outcome["bound"]))
        keys = mip_keys if exact else keys
    common.update(solve_seconds=time.monotonic() - solve_started, rounds=rounds,
                  variables=len(keys) + len(s.request_ids), constraints=s.rows)
    if best is None:
        return PlanResult(status="timeout", seconds=deadline.elapsed(), message=(
            f"No plan was found within {policy.time_limit:g} s that keeps every approved "
            "rotation. Allow more time or loosen the policy."), **common)
    value, chosen, source = best
    mark = time.monotonic()
    violations = check_plan(org, policy, chosen)
    if violations:
        return PlanResult(status="error", seconds=deadline.elapsed(), violations=violations,
                          message="The planner produced a plan that breaks a rule, so it is not "
                                  "shown: " + "; ".join(v.message for v in violations), **common)
    gap = relative_gap(value, bound)
    if gap is not None and bound is not None and value is not None and value >= bound - 1e-6:
        gap = 0.0
    status: Status = "optimal" if gap is not None and gap <= policy.gap_rel + 1e-9 else "feasible"
    refused = refusals(org, policy, chosen)
    phases["check"] = time.monotonic() - mark
    text = status_message(status, gap, source)
    if not started_solver:
        text = (f"Feasible: the time limit of {policy.time_limit:g} s ran out before the "
                "solver could start (reading and preparing the data used it), so this is the "
                "quick heuristic's plan, checked; allow more time for a better one.")
    return PlanResult(status=status, objective=value, bound=bound, gap=gap,
                      seconds=deadline.elapsed(),
                      message=text + " " + unrequested_words(org, policy, chosen),
                      rotations=chosen, refusals=refused, source=source,
                      reasons=list(findings), **common)


def _kill_after(limit: float, deadline: Deadline) -> float:
    """When to kill a solver child told to stop after `limit` seconds: shortly after that,
    and never past the call's own deadline (the plan in hand stands)."""
    return max(limit + 0.05, min(limit + _CHILD_GRACE, deadline.remaining()))


def _keys_of(org: RotationOrg, s: C.Space, rotations: Sequence[Rotation]) -> np.ndarray:
    if not rotations:
        return np.zeros(0, dtype=np.int64)
    return s.key(np.array([org.person_codes[r.person_id] for r in rotations]),
                 np.array([org.team_codes[r.host_team] for r in rotations]),
                 np.array([r.quarter for r in rotations]))


def lagrangian_bound(s: C.Space, duals: np.ndarray, rc: np.ndarray, keys: np.ndarray,
                     fixed: np.ndarray) -> tuple[float, np.ndarray]:
    """A bound for the full model from any duals u >= 0, and the columns' reduced costs.

    Every x and y lies in [lower, 1], so c'x = u'Ax + d'x <= u'b + sum_j max(d_j l_j, d_j),
    where the omitted triples add at most each person's best few (`C.person_positive`). At
    the end of column generation this is the LP value; earlier it is still a bound.
    """
    matrix = sp.hstack([C.x_columns(s, keys), C.y_columns(s)], format="csc")
    cost = np.concatenate([C.x_cost(s, keys), s.request_weight])
    lower = np.concatenate([np.isin(keys, fixed).astype(float),
                            np.zeros(len(s.request_ids))])
    d = cost - matrix.T @ duals
    total = float(duals @ C.row_upper(s)) + float(np.maximum(d * lower, d).sum())
    return total + C.person_positive(s, rc, keys), np.asarray(d[:len(keys)])


def _mip(org: RotationOrg, policy: Policy, s: C.Space, keys: np.ndarray, fixed: np.ndarray,
         start_plan: Sequence[Rotation], unplaced: Sequence[Rotation],
         limit: float) -> dict[str, Any]:
    """The MIP over these columns; status, chosen keys, objective and (restricted) bound."""
    start = None
    if not unplaced:
        start = C.start_vector(s, keys, _keys_of(org, s, start_plan),
                               [r.request_id for r in start_plan if r.request_id])
    if policy.solver == "cbc":
        return _cbc(s, keys, fixed, start, limit, policy.gap_rel)
    # HiGHS may overrun its limit in a large root LP, and the call's limit is a promise: it
    # gets most of the time, and is stopped shortly after the rest (the plan in hand stands).
    kind, payload = solving.run_with_deadline(C.solve_mip, (s, keys, fixed, start,
                                                            time.monotonic() + 0.85 * limit,
                                                            policy.gap_rel),
                                              limit + 0.1)
    if kind == "ok":
        result: dict[str, Any] = payload
        return result
    if kind == "error":
        return {"status": "error", "message": str(payload)}
    return {"status": "timeout"}


def _cbc(s: C.Space, keys: np.ndarray, fixed: np.ndarray, start: np.ndarray | None,
         limit: float, gap_rel: float) -> dict[str, Any]:
    """The same MIP through PuLP and CBC (the shared runner builds CBC's input from PuLP)."""
    matrix = sp.hstack([C.x_columns(s, keys), C.y_columns(s)], format="csr")
    cost = np.concatenate([C.x_cost(s, keys), s.request_weight])
    problem = pulp.LpProblem("rotations", pulp.LpMaximize)
    low = set(np.flatnonzero(np.isin(keys, fixed)).tolist())
    variables = [problem.add_variable(f"v_{j}", 1 if j in low else 0, 1, cat=pulp.LpBinary)
                 for j in range(matrix.shape[1])]
    upper = C.row_upper(s)
    for i in range(matrix.shape[0]):
        lo, hi = matrix.indptr[i], matrix.indptr[i + 1]
        if lo == hi:
            continue
        problem += pulp.LpAffineExpression(
            [(variables[j], float(a)) for j, a in zip(matrix.indices[lo:hi].tolist(),
                                                       matrix.data[lo:hi].tolist(),
                                                       strict=True)]) <= float(upper[i])
    problem += pulp.LpAffineExpression([(v, float(c)) for v, c in zip(variables, cost.tolist(),
                                                                       strict=True) if c])
    warm = None if start is None else {v.name: float(x) for v, x in zip(variables, start,
                                                                         strict=True)}
    outcome = solving.solve(problem, solver="cbc", time_limit=0.9 * limit, gap_rel=gap_rel,
                            warm_start=warm, kill_after=limit + 0.1)
    if outcome.status == "error":
        return {"status": "error", "message": outcome.message}
    if not outcome.has_solution:
        return {"status": outcome.status}
    chosen = np.array([outcome.values.get(f"v_{j}", 0.0) > 0.5 for j in range(len(keys))],
                      dtype=bool)
    return {"status": outcome.status, "chosen": keys[chosen], "objective": outcome.objective,
            "bound": outcome.bound}


def _best(org: RotationOrg, policy: Policy, s: C.Space,
          options: Sequence[tuple[Sequence[Rotation], str]],
          incumbent: tuple[float, list[Rotation], str] | None = None,
          ) -> tuple[float, list[Rotation], str] | None:
    """The best of these plans once completed and checked (never show less than before)."""
    best = incumbent
    for rotations, source in options:
        done = complete(org, policy, rotations, s)
        if check_plan(org, policy, done):
            continue
        value = plan_objective(org, policy, done)
        # On a tie the solver's plan is named: the heuristic was not better, only as good.
        if (best is None or value > best[0] + 1e-9
                or (source == "solver" and best[2] == "greedy" and value >= best[0] - 1e-9)):
            best = (value, done, source)
    return best


def _closed(policy: Policy, value: float | None, bound: float | None) -> bool:
    return (value is not None and bound is not None
            and bound - value <= policy.gap_rel * abs(value) + 1e-6)


def _rotations(org: RotationOrg, s: C.Space, chosen: np.ndarray,
               commitments: Sequence[Rotation]) -> list[Rotation]:
    base = org.base
    committed = {(c.person_id, c.host_team, c.quarter): c for c in commitments}
    out = []
    person, host, quarter = s.split(chosen)
    for p, h, q in zip(person.tolist(), host.tolist(), quarter.tolist(), strict=True):
        triple = (str(base.person_ids[p]), base.team_names[h], int(q))
        commitment = committed.get(triple)
        out.append(replace(commitment, committed=True) if commitment else Rotation(*triple))
    return link_requests(org, out)


def status_message(status: str, gap: float | None, source: str) -> str:
    if status == "optimal" and not gap:
        text = "Optimal: no better plan exists under this policy."
    elif status == "optimal":
        text = f"Optimal within tolerance: within {gap:.2%} of the best possible plan."
    elif gap is not None:
        text = (f"Feasible: within {gap:.1%} of the best possible plan (the time ran out "
                "before it could be proved optimal).")
    else:
        text = "Feasible: the time ran out before the best possible plan could be bounded."
    if source == "greedy":
        text += " The quick heuristic's plan was better than the solver's, so it is shown."
    return text


def _failed(common: dict[str, Any], deadline: Deadline,
            words: object) -> PlanResult:
    return PlanResult(status="error", seconds=deadline.elapsed(),
                      message=f"The solver failed: {words}", **common)


def _infeasible(org: RotationOrg, policy: Policy, s: C.Space, keys: np.ndarray,
                kept: Sequence[Rotation], common: dict[str, Any],
                deadline: Deadline) -> PlanResult:
    """Which approved rotations cannot all hold: keep the most of them, explain the rest."""
    fixed = _keys_of(org, s, kept)
    # Saying why deserves a moment even when the time is up.
    limit = max(0.5, deadline.remaining())
    kind, payload = solving.run_with_deadline(
        C.solve_mip, (s, keys, np.zeros(0, np.int64), None, time.monotonic() + limit, 0.0,
                      fixed,
                      1.0 + float(np.abs(s.value).sum() + s.request_weight.sum())),
        solving.deadline_for(limit))
    chosen = set(payload["chosen"].tolist()) if kind == "ok" and "chosen" in payload else set()
    held = [c for c, k in zip(kept, fixed.tolist(), strict=True) if k in chosen]
    explanation = conflicts(org, policy, kept, held)
    return PlanResult(status="infeasible", seconds=deadline.elapsed(),
                      message="No plan keeps every approved rotation under this policy.",
                      reasons=explanation, explanation=explanation, **common)


