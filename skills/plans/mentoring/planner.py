"""`plan_mentoring`: prepare, greedy, the exact model under a hard deadline, check, explain.

The time limit is wall clock from the call (contract.Deadline). The exact models run in the
shared deadline runner's child process (`solving.run_with_deadline`), so a solve that would
overrun is killed and the best checked plan found so far is returned with a bound for the
model the README states:
- the flow path (one mentor per mentee, nobody both mentee and mentor of a skill) is exact;
  when it is stopped, the greedy plan is returned against `model.quick_bound`;
- the general path first solves the flow without the two side constraints, a relaxation whose
  value bounds every plan; if its answer keeps them it is optimal, else it is repaired by the
  greedy and the MILP over every eligible pair improves it within the time left.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from skills.dataset import Dataset
from skills.organisation import Organisation
from skills.plans import solving
from skills.plans.contract import Deadline, Plan, Status, relative_gap
from skills.plans.mentoring.check import as_organisation, check_pairs
from skills.plans.mentoring.explain import empty_reason, message, pairs_frame
from skills.plans.mentoring.greedy import greedy_pairs, greedy_within
from skills.plans.mentoring.model import (
    MentoringOptions,
    Prepared,
    Triple,
    count_pairs,
    eligible_pairs,
    flow_network,
    milp_arrays,
    pair_score,
    prepare,
    quick_bound,
    solve_flow,
    solve_milp,
    validate_options,
)

# Time kept back for building the table and checking it after the solver, per person: the
# reasons and the checker take about 65 microseconds a person (20,000 people: 1.3 s).
_FINISH_SECONDS_PER_PERSON = 70e-6
# HiGHS proves the pair MILP optimal for about 12,000 pairs in 5 s and 50,000 in 13 s (two
# cores, HiGHS 1.16); beyond this the plan is the re-solved flow against its relaxation bound.
MAX_MILP_PAIRS = 60_000
# The greedy plan may run this long past the limit (0.6 s at 20,000 people): it is the
# answer when time runs out, so it is stopped only when something is badly wrong.
_GREEDY_FLOOR = 2.0
# Less than this left for an exact model, and none is started.
_MIN_SOLVE = 0.1
# The small flow of `quick_bound` takes about this long per (mentee, skill) (0.4 s at 20,000
# people); past the limit it is solved only when that comes to less than _LATE_BOUND_SECONDS.
_BOUND_SECONDS_PER_ARC = 1.5e-6
_LATE_BOUND_SECONDS = 0.15


@dataclass(kw_only=True)
class MentoringPlan(Plan):
    pairs: pd.DataFrame
    method: str = ""
    dropped_fixed: list[str] = field(default_factory=list)
    greedy_objective: float | None = None   # the greedy baseline, fixed pairs included

    def summary(self) -> dict[str, object]:
        out = super().summary()
        out["pairs"] = len(self.pairs)
        out["greedy"] = None if self.greedy_objective is None else round(
            self.greedy_objective, 4)
        return out


def plan_mentoring(dataset: Dataset | Organisation, options: MentoringOptions | None = None,
                   *, started: float | None = None) -> MentoringPlan:
    """The best set of pairs under `options`, re-checked by `check_pairs` before it is returned.

    `started` (time.monotonic) lets a caller count its own preparation into the limit.
    """
    options = options or MentoringOptions()
    validate_options(options)
    deadline = Deadline(options.time_limit, started=started)
    org = as_organisation(dataset)
    prep = prepare(org, options)
    fixed_value = _value(prep, prep.fixed)
    # The greedy plan is the answer when time runs out, so it gets a moment even then; if it
    # is stopped, the pairs it has so far are the plan (fewer, each of them checked).
    greedy, finished = greedy_within(prep, stop_at=max(
        deadline.started + deadline.limit, time.monotonic() + _GREEDY_FLOOR))
    greedy_value = fixed_value + _value(prep, greedy)
    reserve = min(0.3 * options.time_limit, _FINISH_SECONDS_PER_PERSON * org.n_people)
    status: Status
    bound: float | None
    if not prep.mentor_ok.any() or not prep.mentee_ok.any():
        status, bound, chosen, note = "optimal", 0.0, [], ""
        method = f"{'MILP' if prep.general else 'flow'} (no eligible pair)"
    elif not finished or deadline.remaining() - reserve < _MIN_SOLVE:
        # No time for an exact model: the greedy plan, against the small flow's bound.
        status, bound, chosen = "feasible", _bound_if_time(prep, deadline), greedy
        method = "greedy (no time left for the exact model)"
        note = (f"The time limit of {deadline.limit:g} s ran out before the exact solver "
                "could start (reading and preparing the data used it); this is the greedy "
                "plan." if finished else
                f"The time limit of {deadline.limit:g} s ran out while the greedy plan was "
                f"being made; these are the {len(greedy)} pairs it had found, each checked.")
    elif prep.general:
        status, bound, chosen, method, note = _solve_general(prep, greedy, deadline, reserve)
    else:
        status, bound, chosen, method, note = _solve_flow(prep, greedy, deadline, reserve)
    if bound is not None:
        bound += fixed_value
    pairs = pairs_frame(prep, chosen)
    objective = float(pairs["score"].sum()) if len(pairs) else 0.0
    if bound is not None and status == "feasible" and _closed(objective, bound):
        status = "optimal"
    violations = check_pairs(org, options, pairs, require_maximal=status == "optimal")
    reasons = [note] if note else []
    if violations:
        # A solver bug must never reach a manager as a plan: say what is wrong instead.
        status = "error"
        reasons += [v.message for v in violations[:5]]
    gap = relative_gap(objective, bound) if status in ("optimal", "feasible") else None
    if status == "optimal":
        gap = 0.0 if gap is None or _closed(objective, bound) else gap
    text = message(status, len(pairs), gap, options.time_limit)
    if status == "optimal" and pairs.empty:
        text = empty_reason(prep)
    if status == "error":
        # A failure is reported as one, never dressed up as a plan (issue 9).
        pairs, objective = pairs.iloc[0:0], 0.0
        text = f"{text} {note}".strip()
    return MentoringPlan(status=status, objective=objective, bound=bound, gap=gap,
                         seconds=deadline.elapsed(), message=text, reasons=reasons,
                         violations=violations, pairs=pairs, method=method,
                         dropped_fixed=prep.dropped, greedy_objective=greedy_value)


def _bound_if_time(prep: Prepared, deadline: Deadline) -> float | None:
    """The small flow's bound (`quick_bound`), unless the limit has passed and the flow would
    take long: a bound is worth a moment past the limit, not half a second (20,000 people)."""
    cost = _BOUND_SECONDS_PER_ARC * int(prep.mentee_ok.sum())
    if deadline.expired() and cost > _LATE_BOUND_SECONDS:
        return None
    return quick_bound(prep)


def _value(prep: Prepared, pairs: Sequence[Triple]) -> float:
    if not pairs:
        return 0.0
    m, e, s = (np.array(x, dtype=np.int64) for x in zip(*pairs, strict=True))
    return float(pair_score(prep.org, prep.options.weights, m, e, s).sum())


def _closed(objective: float, bound: float | None) -> bool:
    return bound is not None and bound - objective <= 1e-6 * max(1.0, abs(objective))


Solved = tuple[Status, float | None, list[Triple], str, str]


def _in_child(target: Any, args: tuple, deadline: Deadline, reserve: float) -> tuple[str, Any]:
    """Run `target(*args)` in the runner's child, killed when the time left (less `reserve`)
    is up; ("ok", result), ("error", text) or ("deadline", None)."""
    # Imported once in this process, before the fork, so no child spends its time on imports.
    from ortools.graph.python import min_cost_flow  # noqa: F401
    if target is _milp_child:
        import highspy  # noqa: F401
        import scipy.sparse  # noqa: F401

    return solving.run_with_deadline(target, args, max(0.05, deadline.remaining() - reserve))


def _flow_child(prep: Prepared) -> tuple[list[Triple], float, str]:
    net = flow_network(prep)
    chosen, value = solve_flow(net)
    method = (f"min-cost flow: {int((net.kind == 0).sum() + (net.kind == 4).sum()):,} mentee "
              f"arcs, {int((net.kind == 1).sum()):,} hub arcs, {int((net.kind == 2).sum()):,} "
              f"mentor arcs for {net.mentees:,} mentees and {net.mentors:,} mentors")
    return chosen, value, method


def _stopped(kind: str, payload: Any, deadline: Deadline) -> str:
    if kind == "deadline":
        return (f"The exact solver was stopped at the time limit of {deadline.limit:g} s; "
                "this is the greedy plan.")
    return f"The exact solver stopped unexpectedly ({payload})."


def _solve_flow(prep: Prepared, greedy: list[Triple], deadline: Deadline,
                reserve: float) -> Solved:
    if not prep.mentor_ok.any() or not prep.mentee_ok.any():
        return "optimal", 0.0, [], "flow (no eligible pair)", ""
    kind, payload = _in_child(_flow_child, (prep,), deadline, reserve)
    if kind == "ok":
        chosen, value, method = payload
        return "optimal", value, chosen, method, ""
    status: Status = "feasible" if kind == "deadline" else "error"
    return status, _bound_if_time(prep, deadline), greedy, \
        "greedy (the flow did not finish)", _stopped(kind, payload, deadline)


def _milp_child(prep: Prepared, stop_at: float, start: list[Triple]) -> dict[str, Any]:
    """Build and solve the MILP; HiGHS gets what is left until `stop_at` (time.monotonic)
    after the build, so it returns its incumbent and bound before the runner kills it."""
    mentor, mentee, skill, _ = eligible_pairs(prep)
    milp = milp_arrays(prep, mentor, mentee, skill)
    if milp.n == 0:
        return {"status": "optimal", "objective": 0.0, "bound": 0.0, "chosen": [], "n": 0}
    vector = None
    if start:
        n, k = prep.org.n_people, prep.org.n_skills
        codes = (mentor * n + mentee) * k + skill
        wanted = np.array([(m * n + e) * k + s for m, e, s in start], dtype=np.int64)
        vector = np.isin(codes, wanted).astype(float)
    outcome = solve_milp(milp, max(0.05, stop_at - time.monotonic()), vector)
    outcome["chosen"] = [(int(mentor[j]), int(mentee[j]), int(skill[j]))
                         for j in outcome["chosen"]]
    outcome["n"] = milp.n
    return outcome


def _general_child(prep: Prepared, stop_at: float) -> tuple[float, list[Triple], int]:
    """The relaxed flow's value (a bound for the model), and the flow re-solved with the roles
    that broke a side constraint taken away until its answer keeps every constraint.

    Each round only removes options (a person's mentor or mentee role in one skill, or a
    second pair between the same two people, as if declined), so every answer of a later round
    is a plan of the full model; the first round's value stays the bound. Returns before
    `stop_at` (time.monotonic) with the best plan found, possibly none.
    """
    pairs, bound = solve_flow(flow_network(prep))
    current = prep
    for rounds in range(1, 60):
        mentor_in = {(m, s) for m, _, s in pairs}
        both = {(e, s) for _, e, s in pairs} & mentor_in
        by_pair: dict[tuple[int, int], list[Triple]] = {}
        for pair in pairs:
            by_pair.setdefault((pair[0], pair[1]), []).append(pair)
        twice = [group for group in by_pair.values() if len(group) > 1]
        if not both and not twice:
            return bound, pairs, rounds
        if time.monotonic() >= stop_at:
            break
        mentor_ok, mentee_ok = current.mentor_ok.copy(), current.mentee_ok.copy()
        declined = set(current.declined)
        score = {pair: _value(current, [pair]) for pair in pairs}
        for person, skill in both:
            as_mentee = sum(v for (m, e, s), v in score.items() if e == person and s == skill)
            as_mentor = sum(v for (m, e, s), v in score.items() if m == person and s == skill)
            if as_mentor >= as_mentee:
                mentee_ok[person, skill] = False
            else:
                mentor_ok[person, skill] = False
        for group in twice:
            keep = max(group, key=lambda pair: score[pair])
            declined.update(pair for pair in group if pair != keep)
        current = replace(current, mentor_ok=mentor_ok, mentee_ok=mentee_ok, declined=declined)
        pairs, _ = solve_flow(flow_network(current))
    return bound, [], rounds


def _solve_general(prep: Prepared, greedy: list[Triple], deadline: Deadline,
                   reserve: float) -> Solved:
    if not prep.mentor_ok.any() or not prep.mentee_ok.any():
        return "optimal", 0.0, [], "MILP (no eligible pair)", ""
    left = deadline.remaining() - reserve
    stop_at = time.monotonic() + max(0.05, left - max(0.3, 0.1 * left))
    kind, payload = _in_child(_general_child, (prep, stop_at), deadline, reserve)
    if kind != "ok":
        status: Status = "feasible" if kind == "deadline" else "error"
        return status, _bound_if_time(prep, deadline), greedy, \
            "greedy (the relaxation did not finish)", _stopped(kind, payload, deadline)
    bound, restricted, rounds = payload
    repaired = greedy_pairs(prep, start=restricted, stop_at=max(
        deadline.started + deadline.limit, time.monotonic() + _GREEDY_FLOOR))
    best = max((greedy, repaired), key=lambda p: _value(prep, p))
    best_value = _value(prep, best)
    method = ("flow relaxation; its answer kept every side constraint" if rounds == 1 else
              f"flow relaxation, re-solved {rounds - 1} time(s) without the roles that broke "
              "a side constraint")
    if _closed(best_value, bound):
        return "optimal", bound, best, method, ""
    if count_pairs(prep) > MAX_MILP_PAIRS:
        return "feasible", bound, best, method, ""
    # HiGHS stops itself a little before the hard deadline, so its incumbent comes back.
    left = deadline.remaining() - reserve
    stop_at = time.monotonic() + max(0.05, left - max(0.3, 0.1 * left))
    kind, payload = _in_child(_milp_child, (prep, stop_at, best), deadline, reserve)
    if kind != "ok":
        return "feasible", bound, best, method, (
            "" if kind == "deadline" else _stopped(kind, payload, deadline))
    method = f"MILP over {payload['n']:,} eligible pairs, warm-started by the flow"
    milp_bound = payload["bound"]
    if milp_bound is not None and math.isfinite(milp_bound):
        bound = min(bound, milp_bound)
    if payload["status"] == "optimal" and payload["objective"] is not None:
        bound = min(bound, payload["objective"])
    if payload["objective"] is not None and payload["objective"] > best_value + 1e-9:
        best = payload["chosen"]
    solved: Status = "optimal" if payload["status"] == "optimal" else "feasible"
    return solved, bound, best, method, ""
