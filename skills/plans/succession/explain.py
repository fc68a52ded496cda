"""The words of the succession plan: what is at risk, the gaps, what closes them, the export."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from skills.growth import PlannedLearning
from skills.organisation import Organisation, mentor_level_for
from skills.plans.succession.model import (
    Departures,
    HiddenPairs,
    Risk,
    SuccessionPlan,
)
from skills.taxonomy import LEVELS

EXPORT_COLUMNS: tuple[str, ...] = (
    "incumbent_id", "incumbent_name", "team", "skills_at_risk", "targets_at_risk",
    "successor_id", "successor_name", "successor_team", "readiness", "gaps", "development")
SUCCESSOR_COLUMNS: tuple[str, ...] = ("successor_id", "successor_name", "successor_team",
                                      "readiness", "gaps", "development")


def target_text(org: Organisation, t: int) -> str:
    """'Serving: rollback ≥ 3 × 1': the team, the skill, the level and the people it wants."""
    targets = org.targets
    return (f"{org.team_names[int(targets.team[t])]}: {org.skill_ids[int(targets.skill[t])]} "
            f"≥ {int(targets.min_level[t])} × {int(targets.min_people[t])}")


def targets_text(org: Organisation, targets: Sequence[int]) -> str:
    return "; ".join(target_text(org, int(t)) for t in targets)


def key_reason(org: Organisation, risk: Risk, gone: Departures) -> str:
    """Why someone is a key person, in words."""
    parts = []
    uncovered = np.flatnonzero(gone.uncovered[risk.person])
    if len(uncovered):
        names = ", ".join(str(org.skill_names[s]) for s in uncovered)
        parts.append(f"the only practitioner of {names}")
    for t in risk.targets.tolist():
        team = org.team_names[int(org.targets.team[t])]
        skill = org.skill_names[int(org.targets.skill[t])]
        level = int(org.targets.min_level[t])
        parts.append(f"{team} would miss its target of {int(org.targets.min_people[t])} at "
                     f"{LEVELS[level]} or above in {skill}")
    return f"{org.names[risk.person]}: " + "; ".join(parts)


def gaps(org: Organisation, risk: Risk, person: int) -> list[tuple[int, int, int]]:
    """(skill, level now, level required) for every skill at risk the person is short in."""
    out = []
    for s, need in zip(risk.skills.tolist(), risk.required.tolist(), strict=True):
        have = int(org.level[person, s])
        if have < need:
            out.append((s, have, int(need)))
    return out


def gaps_text(org: Organisation, found: Sequence[tuple[int, int, int]]) -> str:
    """'drift-detection 2→3; rollback 1→3'."""
    return "; ".join(f"{org.skill_ids[s]} {have}→{need}" for s, have, need in found)


class Mentors:
    """Who could mentor a successor in a skill: someone at practitioner level or above (and
    at the level the successor must reach), the incumbent first while they are still here to
    hand over, then the most expert, then someone from the successor's own team."""

    def __init__(self, org: Organisation) -> None:
        self.org = org
        self._by_skill: dict[int, np.ndarray] = {}

    def _ranked(self, skill: int) -> np.ndarray:
        if skill not in self._by_skill:
            level = self.org.level[:, skill]
            who = np.flatnonzero(level >= mentor_level_for(0))
            order = np.lexsort((self.org.names[who].astype(str), -level[who]))
            self._by_skill[skill] = who[order]
        return self._by_skill[skill]

    def pick(self, skill: int, need: int, successor: int, incumbent: int) -> int | None:
        level = self.org.level[:, skill]
        ranked = self._ranked(skill)
        ranked = ranked[(level[ranked] >= mentor_level_for(need)) & (ranked != successor)]
        if not len(ranked):
            return None
        if incumbent in ranked:
            return incumbent
        team = self.org.team_code[successor]
        best = ranked[level[ranked] == level[ranked[0]]]
        same_team = best[self.org.team_code[best] == team]
        return int(same_team[0] if len(same_team) else best[0])


def development(org: Organisation, found: Sequence[tuple[int, int, int]], successor: int,
                incumbent: int, learning: dict[tuple[str, str], PlannedLearning],
                mentors: Mentors) -> str:
    """What closes each gap: learning already under way, else a mentor to ask, in words."""
    actions = []
    person_id = str(org.person_ids[successor])
    for s, have, need in found:
        skill_id, skill_name = str(org.skill_ids[s]), str(org.skill_names[s])
        under_way = learning.get((person_id, skill_id))
        if under_way is not None and under_way.to_level > have:
            if under_way.to_level >= need:
                actions.append(f"{skill_id} {have}→{need} closes with the {under_way.source}")
                continue
            actions.append(f"{skill_id} {have}→{under_way.to_level} with the "
                           f"{under_way.source}")
        mentor = mentors.pick(s, need, successor, incumbent)
        if mentor is None:
            actions.append(f"nobody else is at {LEVELS[need]} in {skill_name}: train "
                           f"{org.names[successor]} outside or hire")
        else:
            actions.append(f"mentor {org.names[successor]} in {skill_name} with "
                           f"{org.names[mentor]}")
    return "; ".join(actions)


def no_successor_text(org: Organisation, risk: Risk, candidates: int,
                      max_slates: int) -> str:
    name = org.names[risk.person]
    if candidates == 0:
        skills = ", ".join(str(org.skill_names[s]) for s in risk.skills)
        return (f"No one can succeed {name}: nobody else has at least {LEVELS[1]} in "
                f"every skill at risk ({skills}). Grow someone from scratch or hire.")
    return (f"No successor for {name}: all {candidates} candidate(s) are already named for "
            f"{max_slates} other key people. Raise the number of slates per successor or grow "
            "someone new.")


def hidden_frame(org: Organisation, pairs: HiddenPairs) -> pd.DataFrame:
    rows = []
    for n, (i, j) in enumerate(zip(pairs.first.tolist(), pairs.second.tolist(), strict=True)):
        what = [f"no practitioner left of {org.skill_names[s]}"
                for s in pairs.uncovered_skills[n].tolist()]
        what += [f"breaks {target_text(org, t)}" for t in pairs.broken_targets[n].tolist()]
        if pairs.thin[n]:
            what.append(f"{int(pairs.thin[n])} critical skill(s) left with one practitioner")
        rows.append({"first_id": str(org.person_ids[i]), "first_name": str(org.names[i]),
                     "first_team": str(org.teams[i]), "second_id": str(org.person_ids[j]),
                     "second_name": str(org.names[j]), "second_team": str(org.teams[j]),
                     "uncovered": int(pairs.uncovered[n]), "broken": int(pairs.broken[n]),
                     "thin": int(pairs.thin[n]), "score": int(pairs.score[n]),
                     "what_breaks": "; ".join(what)})
    return pd.DataFrame(rows, columns=["first_id", "first_name", "first_team", "second_id",
                                       "second_name", "second_team", "uncovered", "broken",
                                       "thin", "score", "what_breaks"])


def export_frame(plan: SuccessionPlan) -> pd.DataFrame:
    """One row per key person and successor, in the documented column order; a key person
    without a successor gets one row with the successor columns empty."""
    keys = plan.key_people[["person_id", "name", "team", "skills_at_risk",
                            "targets_at_risk"]].rename(
        columns={"person_id": "incumbent_id", "name": "incumbent_name"})
    keys = keys.assign(order=np.arange(len(keys)))
    slates = plan.slates[["incumbent_id", "rank", *SUCCESSOR_COLUMNS]]
    frame = keys.merge(slates, on="incumbent_id", how="left")
    frame = frame.sort_values(["order", "rank"], na_position="last", kind="stable")
    frame = frame[list(EXPORT_COLUMNS)].reset_index(drop=True)
    for column in SUCCESSOR_COLUMNS:
        frame[column] = frame[column].astype(object).where(frame[column].notna(), "")
    return frame
