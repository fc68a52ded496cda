"""The plan in words: the pairs table with a reason per pair, the plan's message, and the
practitioners per skill once every mentee in the plan reaches practitioner level."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from skills.dataset import Dataset
from skills.organisation import PRACTITIONER_LEVEL, Organisation
from skills.plans.mentoring.model import PAIR_COLUMNS, Prepared, Triple, pair_score, view
from skills.taxonomy import DISCIPLINES, MAX_INTEREST

FRAME_COLUMNS = [*PAIR_COLUMNS, "fixed", "mentor_name", "mentor_team", "mentor_discipline",
                 "mentor_level", "mentee_name", "mentee_team", "mentee_discipline",
                 "mentee_level", "skill_name", "critical", "closes_gap", "reason"]


def pairs_frame(prep: Prepared, chosen: Iterable[Triple]) -> pd.DataFrame:
    """Fixed and new pairs, one row each with names, levels and the reason, best first."""
    org, weights = prep.org, prep.options.weights
    v = view(org)
    rows = [(m, e, s, True) for m, e, s in prep.fixed] + [(m, e, s, False)
                                                         for m, e, s in chosen]
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in FRAME_COLUMNS}).astype(
            {"score": float, "fixed": bool})
    m, e, s, fixed = (np.array(x) for x in zip(*rows, strict=True))
    m, e, s = m.astype(np.int64), e.astype(np.int64), s.astype(np.int64)
    score = pair_score(org, weights, m, e, s)
    teams = org.teams
    frame = pd.DataFrame({
        "mentor_id": org.person_ids[m], "mentee_id": org.person_ids[e],
        "skill_id": org.skill_ids[s], "score": score, "fixed": fixed.astype(bool),
        "mentor_name": org.names[m], "mentor_team": teams[m],
        "mentor_discipline": org.disciplines[m], "mentor_level": org.level[m, s].astype(int),
        "mentee_name": org.names[e], "mentee_team": teams[e],
        "mentee_discipline": org.disciplines[e], "mentee_level": org.level[e, s].astype(int),
        "skill_name": org.skill_names[s], "critical": org.critical[s],
        "closes_gap": v.gap[e, s],
    })
    frame["reason"] = reasons(org, m, e, s)
    frame = frame.sort_values(["score", "mentor_id", "mentee_id", "skill_id"],
                              ascending=[False, True, True, True])
    return frame.reset_index(drop=True)[FRAME_COLUMNS]


def reasons(org: Organisation, m: np.ndarray, e: np.ndarray, s: np.ndarray) -> list[str]:
    """Why each pair is proposed, in words: skill and levels, gap, bus factor, interest."""
    v = view(org)
    # Plain lists: indexing numpy scalars pair by pair costs more than the words themselves.
    skill_name = org.skill_names[s].tolist()
    m_level, e_level = org.level[m, s].tolist(), org.level[e, s].tolist()
    interest = org.interest[e, s].tolist()
    gap = v.gap[e, s].tolist()
    critical, holders = org.critical[s].tolist(), v.holders[s].tolist()
    team_e, skill = org.team_code[e].tolist(), s.tolist()
    team_name = org.teams[e].tolist()
    other_team = (org.team_code[m] != org.team_code[e]).tolist()
    other_disc = (v.disc_code[m] != v.disc_code[e]).tolist()
    disc_m = [DISCIPLINES.get(d, d) for d in org.disciplines[m].tolist()]
    disc_e = [DISCIPLINES.get(d, d) for d in org.disciplines[e].tolist()]
    out: list[str] = []
    for j in range(len(skill)):
        parts = [f"{skill_name[j]}: level {m_level[j]} → mentee at {e_level[j]}"]
        detail = v.gap_detail.get((team_e[j], skill[j])) if gap[j] else None
        if detail:
            parts.append(f"closes a gap: {team_name[j]} needs {detail[0]} more at level ≥ "
                         f"{detail[1]}")
        if critical[j]:
            parts.append(f"critical skill, bus factor {holders[j]}")
        if interest[j]:
            parts.append(f"interest {interest[j]}/{MAX_INTEREST}")
        if other_team[j] or other_disc[j]:
            across = " and ".join(label for label, differs in
                                  (("team", other_team[j]), ("discipline", other_disc[j]))
                                  if differs)
            parts.append(f"across {across} ({disc_m[j]} → {disc_e[j]})")
        out.append("; ".join(parts))
    return out


def empty_reason(prep: Prepared) -> str:
    """Why an organisation gets no pairs, in words a manager can act on."""
    if not prep.mentor_ok.any():
        return ("No pairs: nobody available is at the mentor level "
                f"({prep.options.min_mentor_level}) in any skill, or every mentor is "
                "excluded or full. Lower the minimum mentor level or include more people.")
    if not prep.mentee_ok.any():
        return ("No pairs: nobody available has interest in a skill or a team gap to close "
                "in it. Ask people to record their interests, or set team targets.")
    return ("No pairs: no available mentor is two levels above an interested mentee in the "
            "same skill.")


def message(status: str, pairs: int, gap: float | None, limit: float) -> str:
    """The plan's one line: how good it is, against the bound for the stated model."""
    if status == "optimal":
        return f"Optimal: {pairs} pairs, no better set exists under these settings."
    if status == "feasible":
        within = f"within {gap:.1%} of the best possible" if gap is not None else \
            "not proven optimal"
        return (f"{pairs} pairs, {within} when the time limit of {limit:g} s ran out; "
                "allow more time or plan for fewer teams at a time.")
    if status == "timeout":
        return (f"No plan within the time limit of {limit:g} s; allow more time or plan "
                "for fewer teams at a time.")
    return ("The planner failed: its plan broke a hard rule or its solver stopped "
            "unexpectedly. Nothing is proposed; the reasons say what happened.")


def practitioners_after_mentoring(dataset: Dataset | Organisation, pairs: pd.DataFrame,
                                  critical_only: bool = True) -> pd.DataFrame:
    """Per skill: practitioners now (the bus factor), mentees who would become practitioners
    once they reach practitioner level, and the practitioners (bus factor) afterwards."""
    org = dataset if isinstance(dataset, Organisation) else Organisation.of(dataset)
    level = org.level.copy()
    if len(pairs):
        people = pd.Index(org.person_ids).get_indexer(pairs["mentee_id"].astype(str))
        skills = pd.Index(org.skill_ids).get_indexer(pairs["skill_id"].astype(str))
        known = (people >= 0) & (skills >= 0)
        level[people[known], skills[known]] = np.maximum(
            level[people[known], skills[known]], PRACTITIONER_LEVEL)
    now, after = org.bus_factor(), org.bus_factor(level)
    frame = pd.DataFrame({
        "skill_id": org.skill_ids, "name": org.skill_names, "critical": org.critical,
        "holders_now": now, "new_holders": after - now, "holders_after": after,
    })
    frame["change"] = frame["new_holders"]
    if critical_only:
        frame = frame[frame["critical"]]
    return frame.sort_values(["holders_now", "name"]).reset_index(drop=True)
