"""The plain-Python checker of a succession plan: every rule again, outside the optimiser.

It recomputes each listed key person's departure with the organisation's own definitions
(`bus_factor(present=...)`, `target_met(present=...)`), each successor's readiness skill by
skill, and the slate rules. It returns violations; it never raises.
"""

from __future__ import annotations

import numpy as np

from skills.organisation import KEEN_INTEREST, PRACTITIONER_LEVEL, Organisation
from skills.plans.contract import Violation
from skills.plans.succession.model import (
    LATER,
    READY_NOW,
    READY_SOON,
    SuccessionOptions,
    SuccessionPlan,
)

RULE_KEY = "key person"
RULE_SIZE = "slate size"
RULE_CAP = "slates per successor"
RULE_READINESS = "readiness"


def readiness_of(org: Organisation, person: int, skills: list[int],
                 required: list[int]) -> str | None:
    """The issue's definition, one skill at a time; None when not a candidate at all."""
    levels = [int(org.level[person, s]) for s in skills]
    interests = [int(org.interest[person, s]) for s in skills]
    if all(lv >= need for lv, need in zip(levels, required, strict=True)):
        return READY_NOW
    if all(lv >= need - 1 and (lv >= need or wish >= KEEN_INTEREST)
           for lv, wish, need in zip(levels, interests, required, strict=True)):
        return READY_SOON
    if all(lv >= 1 for lv in levels):
        return LATER
    return None


def at_risk(org: Organisation, person: int, team: Organisation | None = None
            ) -> tuple[set[str], dict[str, int], set[int]]:
    """Skills at risk with their required levels, and targets broken, if `person` leaves.

    `team` (optional) is the organisation with only the person's team members: a target
    counts its own team's members only, so it says the same about targets, faster.
    """
    present = np.ones(org.n_people, dtype=bool)
    present[person] = False
    # Only skills the person practises can lose a practitioner: count those columns alone.
    held = np.flatnonzero(org.critical & org.practitioners()[person])
    after = org.bus_factor(level=org.level[:, held], present=present)
    skills = {str(org.skill_ids[s]) for s in held[after == 0]}
    scope = org if team is None else team
    stays = scope.person_ids != org.person_ids[person]
    mine = org.targets.team == org.team_code[person]
    broken = set(np.flatnonzero(mine & scope.target_met()
                                & ~scope.target_met(present=stays)).tolist())
    required = dict.fromkeys(skills, PRACTITIONER_LEVEL)
    for t in broken:
        skill = str(org.skill_ids[int(org.targets.skill[t])])
        required[skill] = max(required.get(skill, PRACTITIONER_LEVEL),
                              int(org.targets.min_level[t]))
    return set(required), required, broken


def check_plan(org: Organisation, plan: SuccessionPlan,
               options: SuccessionOptions | None = None) -> list[Violation]:
    options = options or plan.options
    found: list[Violation] = []
    try:
        risks: dict[str, tuple[list[int], list[int]]] = {}
        teams: dict[int, Organisation] = {}
        for row in plan.key_people.itertuples(index=False):
            i = org.person_index.get(str(row.person_id))
            if i is None:
                found.append(Violation(RULE_KEY, f"{row.person_id} is not in the organisation"))
                continue
            code = int(org.team_code[i])
            if code not in teams:
                teams[code] = org.without(org.person_ids[org.team_code != code])
            skills, required, broken = at_risk(org, i, teams[code])
            if not skills:
                found.append(Violation(RULE_KEY, f"{row.name} is listed as a key person, but "
                                                 "their leaving breaks nothing"))
            listed = dict(zip(row.risk_skills, row.risk_required, strict=True))
            if listed != required or set(row.risk_targets) != broken:
                found.append(Violation(RULE_KEY, f"the risks listed for {row.name} are not "
                                                 "what their leaving breaks"))
            risks[str(row.person_id)] = ([org.skill_index[s] for s in required],
                                         list(required.values()))
        load: dict[str, int] = {}
        slates: dict[str, list[tuple[str, str]]] = {}
        for incumbent, successor, label in zip(plan.slates["incumbent_id"].astype(str),
                                               plan.slates["successor_id"].astype(str),
                                               plan.slates["readiness"], strict=True):
            slates.setdefault(incumbent, []).append((successor, label))
        for incumbent, rows in slates.items():
            successors = [successor for successor, _ in rows]
            if len(successors) > options.max_successors or len(set(successors)) < len(
                    successors):
                found.append(Violation(RULE_SIZE, f"{incumbent} has {len(successors)} "
                                                  f"successors, at most "
                                                  f"{options.max_successors} distinct allowed"))
            if str(incumbent) in successors:
                found.append(Violation(RULE_SIZE, f"{incumbent} is named their own successor"))
            if str(incumbent) not in risks:
                found.append(Violation(RULE_SIZE, f"{incumbent} has a slate but is not a "
                                                  "key person"))
                continue
            indexes, levels = risks[str(incumbent)]
            for successor, label in rows:
                load[successor] = load.get(successor, 0) + 1
                j = org.person_index.get(successor)
                actual = None if j is None else readiness_of(org, j, indexes, levels)
                if actual != label:
                    found.append(Violation(RULE_READINESS, f"{successor} is shown as "
                                                           f"'{label}' for {incumbent}, but "
                                                           f"is '{actual}'"))
        for successor, count in load.items():
            if count > options.max_slates:
                found.append(Violation(RULE_CAP, f"{successor} is named successor for {count} "
                                                 f"key people; at most {options.max_slates}"))
    except Exception as error:  # a checker reports, it never raises
        found.append(Violation("check", f"the plan could not be checked: {error}"))
    return found
