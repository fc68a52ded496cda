"""Succession plans: key people, departure impact (N-1 and hidden pairs), successor slates.

`plan_succession(org, options, learning)` runs the whole analysis, solves the slates exactly,
writes the words and re-checks everything with `check_plan` before anyone sees it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from skills.growth import PlannedLearning
from skills.organisation import Organisation
from skills.plans.contract import Deadline, relative_gap
from skills.plans.succession.check import check_plan, readiness_of
from skills.plans.succession.explain import (
    EXPORT_COLUMNS,
    Mentors,
    development,
    export_frame,
    gaps,
    gaps_text,
    hidden_frame,
    key_reason,
    no_successor_text,
    target_text,
    targets_text,
)
from skills.plans.succession.greedy import greedy_slates
from skills.plans.succession.model import (
    IMPACT_WEIGHTS,
    LATER,
    READINESS,
    READY_NOW,
    READY_SOON,
    SOLVER_CHOICES,
    UNITS,
    Candidates,
    Departures,
    Risk,
    SlateSolution,
    SuccessionInputError,
    SuccessionOptions,
    SuccessionPlan,
    bench_by_skill,
    bench_by_team,
    departures,
    hidden_pairs,
    readiness,
    risks,
    slate_units,
    solve_slates,
)
from skills.plans.succession.pool import Pool, candidate_pool, solve_pool

__all__ = [
    "EXPORT_COLUMNS", "IMPACT_WEIGHTS", "LATER", "READINESS", "READY_NOW", "READY_SOON",
    "SOLVER_CHOICES", "Candidates", "Departures", "Risk", "SuccessionInputError",
    "SuccessionOptions", "SuccessionPlan", "bench_by_skill", "bench_by_team",
    "Pool", "candidate_pool", "check_plan", "departures", "solve_pool", "export_frame",
    "greedy_slates", "hidden_pairs",
    "impact_frame", "plan_succession", "readiness", "readiness_of", "risks", "slate_units",
    "solve_slates",
]

IMPACT_COLUMNS = ("person_id", "name", "team", "uncovered", "broken", "thin", "score",
                  "what_breaks")


def impact_frame(org: Organisation, gone: Departures) -> pd.DataFrame:
    """N-1: everyone whose departure alone breaks something, most damaging first."""
    counts, score = gone.counts, gone.score
    who = np.flatnonzero(score > 0)
    who = who[np.lexsort((org.names[who].astype(str), -score[who]))]
    texts = []
    for i in who.tolist():
        what = [f"no practitioner left of {org.skill_names[s]}"
                for s in np.flatnonzero(gone.uncovered[i])]
        what += [f"breaks {target_text(org, t)}"
                 for t in np.flatnonzero(gone.broken[i]).tolist()]
        what += [f"only one practitioner left of {org.skill_names[s]}"
                 for s in np.flatnonzero(gone.thin[i])]
        texts.append("; ".join(what))
    return pd.DataFrame({"person_id": org.person_ids[who].astype(str),
                         "name": org.names[who].astype(str), "team": org.teams[who].astype(str),
                         **{k: counts[k][who].astype(int) for k in ("uncovered", "broken",
                                                                     "thin")},
                         "score": score[who].astype(int), "what_breaks": texts},
                        columns=list(IMPACT_COLUMNS))


def plan_succession(org: Organisation, options: SuccessionOptions | None = None,
                    learning: Sequence[PlannedLearning] = (),
                    deadline: Deadline | None = None) -> SuccessionPlan:
    """The whole succession analysis of `org`, with slates chosen exactly and checked."""
    options = options or SuccessionOptions()
    options.validate()
    deadline = deadline or Deadline(options.time_limit)
    gone = departures(org)
    key_risks = risks(org, gone)
    score = gone.score
    order = sorted(range(len(key_risks)),
                   key=lambda k: (-score[key_risks[k].person], str(org.names[key_risks[k].person]),
                                  str(org.person_ids[key_risks[k].person])))
    key_risks = [key_risks[k] for k in order]
    pool = candidate_pool(org, key_risks)
    solution, cands = solve_pool(pool, len(key_risks), org.n_people, options, deadline)
    greedy = greedy_slates(cands, len(key_risks), options)
    greedy_objective = slate_units(cands.code[greedy], cands.short[greedy],
                                   cands.interest[greedy], cands.key[greedy],
                                   options.max_successors) / UNITS
    if solution.status == "timeout":
        # The baseline keeps every rule and is checked like any plan: better than none.
        solution = SlateSolution(
            greedy, "feasible", greedy_objective, None,
            f"The time limit of {deadline.limit:g} s ran out before the optimiser could "
            "finish, so these are the quick baseline's slates (checked); allow more time "
            "for the best ones.", "greedy (no time for the optimiser)")
    slates = _slates_frame(org, key_risks, cands, solution.chosen, learning)
    per_key = pool.counts
    chosen_per_key = np.bincount(cands.key[solution.chosen], minlength=len(key_risks))
    key_people = _key_frame(org, gone, key_risks, per_key, chosen_per_key, options)
    plan = SuccessionPlan(
        status=solution.status, objective=solution.objective, bound=solution.bound,
        gap=relative_gap(solution.objective, solution.bound), message=solution.message,
        options=options, key_people=key_people, impact=impact_frame(org, gone),
        hidden=hidden_frame(org, hidden_pairs(org, options.hidden_pairs)), slates=slates,
        bench_skill=bench_by_skill(org), bench_team=bench_by_team(org, key_risks, pool.best),
        candidates=int(pool.counts.sum()), greedy_objective=greedy_objective,
        method=solution.method,
        reasons=[text for text in key_people["note"] if text])
    plan.violations = check_plan(org, plan, options)
    plan.seconds = deadline.elapsed()
    return plan


def _key_frame(org: Organisation, gone: Departures, key_risks: list[Risk], per_key: np.ndarray,
               chosen_per_key: np.ndarray, options: SuccessionOptions) -> pd.DataFrame:
    counts, score = gone.counts, gone.score
    rows = []
    for k, risk in enumerate(key_risks):
        i = risk.person
        note = "" if chosen_per_key[k] else no_successor_text(org, risk, int(per_key[k]),
                                                              options.max_slates)
        rows.append({
            "person_id": str(org.person_ids[i]), "name": str(org.names[i]),
            "team": str(org.teams[i]),
            "skills_at_risk": ";".join(str(org.skill_ids[s]) for s in risk.skills),
            "targets_at_risk": targets_text(org, risk.targets.tolist()),
            "uncovered": int(counts["uncovered"][i]), "broken": int(counts["broken"][i]),
            "thin": int(counts["thin"][i]), "score": int(score[i]),
            "successors": int(chosen_per_key[k]), "candidates": int(per_key[k]),
            "reason": key_reason(org, risk, gone), "note": note,
            "risk_skills": tuple(str(org.skill_ids[s]) for s in risk.skills),
            "risk_required": tuple(int(x) for x in risk.required),
            "risk_targets": tuple(int(t) for t in risk.targets)})
    return pd.DataFrame(rows, columns=[
        "person_id", "name", "team", "skills_at_risk", "targets_at_risk", "uncovered",
        "broken", "thin", "score", "successors", "candidates", "reason", "note",
        "risk_skills", "risk_required", "risk_targets"])


def _slates_frame(org: Organisation, key_risks: list[Risk], cands: Candidates,
                  chosen: np.ndarray, learning: Sequence[PlannedLearning]) -> pd.DataFrame:
    under_way = {(item.person_id, item.skill_id): item for item in learning}
    for item in learning:  # the one that teaches most, when two teach the same skill
        key = (item.person_id, item.skill_id)
        if item.to_level > under_way[key].to_level:
            under_way[key] = item
    mentors = Mentors(org)
    picked = chosen[np.lexsort((org.names[cands.person[chosen]].astype(str),
                                -cands.interest[chosen], cands.short[chosen],
                                cands.code[chosen], cands.key[chosen]))]
    rows = []
    rank: dict[int, int] = {}
    for a in picked.tolist():
        k, j = int(cands.key[a]), int(cands.person[a])
        risk = key_risks[k]
        rank[k] = rank.get(k, 0) + 1
        found = gaps(org, risk, j)
        rows.append({
            "incumbent_id": str(org.person_ids[risk.person]),
            "incumbent_name": str(org.names[risk.person]), "team": str(org.teams[risk.person]),
            "rank": rank[k], "successor_id": str(org.person_ids[j]),
            "successor_name": str(org.names[j]), "successor_team": str(org.teams[j]),
            "readiness": READINESS[int(cands.code[a])], "levels_short": int(cands.short[a]),
            "interest": int(cands.interest[a]), "gaps": gaps_text(org, found),
            "development": development(org, found, j, risk.person, under_way, mentors)})
    return pd.DataFrame(rows, columns=[
        "incumbent_id", "incumbent_name", "team", "rank", "successor_id", "successor_name",
        "successor_team", "readiness", "levels_short", "interest", "gaps", "development"])
