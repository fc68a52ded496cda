"""Mentoring pairs across specialties: who should learn which skill from whom.

A pair is (mentor, mentee, skill). Hard constraints, every returned set satisfies all of them
(`check_pairs` re-checks each plan outside the solver):

1. the mentor is at level >= `min_mentor_level` in the skill and the mentee at least two levels
   below the mentor;
2. the mentee has interest >= 1 in the skill, or the mentee's team misses a target in the skill
   and the mentee is below the target's level (so mentoring helps close that very gap);
3. a mentor takes at most `mentor_capacity` mentees, a mentee has at most `max_mentors` mentors,
   nobody mentors themselves, and a person who is a mentee in a skill is not that skill's mentor.
   Also one pair per (mentor, mentee) and one mentor per (mentee, skill): two mentors teaching
   one person the same thing, or one mentor teaching one person two things, spend capacity that
   another person could use.

People excluded (on leave, overloaded) are in no new pair; declined pairs are never proposed
again; accepted pairs can be kept fixed, and then use up their share of everyone's capacity.

The score of a pair (higher is better; every weight is a `Weights` field):
    critical * [skill is critical] / max(1, bus factor)      closing a fragile critical skill
  + gap      * [the pair closes a target gap of the mentee's team]
  + interest * mentee's interest / 3
  + level    * (mentor level - mentee level) / 4
  + cross    * (0.5 [other team] + 0.5 [other discipline])   can be negative to prefer in-team
Pairs without positive score are not proposed. The plan maximises the sum of scores.

Solving is exact. With `max_mentors == 1` and no person who could be both mentee and mentor of
one skill (always so when `min_mentor_level >= 3`) the problem is a bipartite b-matching. A
5,000-person organisation has some 40 million eligible pairs, but a pair's score depends on the
mentor only through the mentor's level, team and discipline, so the matching is solved as a
min-cost flow through "hub" nodes (see `_solve_matching`) with about 130,000 arcs, as an LP by
HiGHS (interior point and crossover to a vertex, which is integral for a network). Other
settings add side constraints and are solved as a MILP over all eligible pairs.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from skills.dataset import Dataset
from skills.organisation import PRACTITIONER_LEVEL
from skills.taxonomy import DISCIPLINES, MAX_INTEREST, MAX_LEVEL

Status = Literal["optimal", "feasible", "timeout"]
PAIR_COLUMNS = ("mentor_id", "mentee_id", "skill_id", "score")
# Rounding noise from the LP; scores are sums of a few weights, far coarser than this.
_TOL = 1e-6
# The general solver enumerates every eligible pair; beyond this it would exhaust memory.
MAX_GENERAL_PAIRS = 3_000_000


class MentoringInputError(ValueError):
    """A setting or a fixed pair that makes no sense, with what is wrong in words."""


@dataclass(frozen=True)
class Weights:
    """How much each reason for a pair is worth; the documented defaults below."""

    critical: float = 4.0
    gap: float = 3.0
    interest: float = 2.0
    level: float = 1.0
    cross: float = 1.0


@dataclass(frozen=True)
class MentoringOptions:
    min_mentor_level: int = 3
    mentor_capacity: int = 2
    max_mentors: int = 1
    weights: Weights = field(default_factory=Weights)
    exclude: frozenset[str] = frozenset()
    # Accepted pairs to keep, as (mentor_id, mentee_id, skill_id).
    fixed: tuple[tuple[str, str, str], ...] = ()
    # Pairs a manager declined; never proposed again.
    declined: frozenset[tuple[str, str, str]] = frozenset()
    time_limit: float = 60.0


@dataclass
class MentoringPlan:
    status: Status
    objective: float
    bound: float | None
    pairs: pd.DataFrame
    seconds: float
    method: str
    message: str
    dropped_fixed: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, object]:
        return {"status": self.status, "objective": round(self.objective, 6),
                "pairs": len(self.pairs), "seconds": round(self.seconds, 3)}


def validate_options(options: MentoringOptions) -> None:
    """Raise `MentoringInputError` naming the first setting that is out of range."""
    def whole(name: str, value: object, low: int, high: int | None = None) -> None:
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise MentoringInputError(f"{name} must be a whole number, got {value!r}")
        if value < low or (high is not None and value > high):
            span = f"between {low} and {high}" if high is not None else f"at least {low}"
            raise MentoringInputError(f"{name} must be {span}, got {value}")

    whole("min_mentor_level", options.min_mentor_level, 1, MAX_LEVEL)
    whole("mentor_capacity", options.mentor_capacity, 0)
    whole("max_mentors", options.max_mentors, 0)
    for name in ("critical", "gap", "interest", "level", "cross"):
        value = getattr(options.weights, name)
        if not isinstance(value, (int, float)) or not math.isfinite(value):
            raise MentoringInputError(f"weight {name} must be a finite number, got {value!r}")
        if name != "cross" and value < 0:
            raise MentoringInputError(f"weight {name} must not be negative, got {value}")
    if not options.time_limit > 0:
        raise MentoringInputError(f"time_limit must be positive, got {options.time_limit}")


# --- The organisation as dense arrays: people x skills is at most a few hundred thousand cells.

@dataclass
class Organisation:
    person_ids: np.ndarray
    names: np.ndarray
    teams: np.ndarray          # team name per person
    team_code: np.ndarray
    disciplines: np.ndarray    # discipline code per person
    disc_code: np.ndarray
    skill_ids: np.ndarray
    skill_names: np.ndarray
    critical: np.ndarray       # bool per skill
    holders: np.ndarray        # people at level >= 3 per skill: the bus factor
    level: np.ndarray          # people x skills, 0 when unrated
    interest: np.ndarray
    gap: np.ndarray            # people x skills: team misses a target the person is below
    gap_detail: dict[tuple[int, int], tuple[int, int]]  # (team, skill) -> (missing, min_level)

    @property
    def person_index(self) -> dict[str, int]:
        return {pid: i for i, pid in enumerate(self.person_ids)}

    @property
    def skill_index(self) -> dict[str, int]:
        return {sid: i for i, sid in enumerate(self.skill_ids)}


def organisation(dataset: Dataset) -> Organisation:
    """Dense level, interest and gap matrices of a dataset."""
    people, skills = dataset.people, dataset.skills
    person_ids = people["person_id"].astype(str).to_numpy(dtype=object)
    skill_ids = skills["skill_id"].astype(str).to_numpy(dtype=object)
    team_code, team_names = pd.factorize(people["team"].astype(str))
    disc_code, _ = pd.factorize(people["discipline"].astype(str))
    n_people, n_skills = len(person_ids), len(skill_ids)
    level = np.zeros((n_people, n_skills), dtype=np.int8)
    interest = np.zeros((n_people, n_skills), dtype=np.int8)
    ratings = dataset.ratings
    if len(ratings):
        rows = pd.Index(person_ids).get_indexer(ratings["person_id"].astype(str))
        cols = pd.Index(skill_ids).get_indexer(ratings["skill_id"].astype(str))
        known = (rows >= 0) & (cols >= 0)
        level[rows[known], cols[known]] = ratings["level"].to_numpy(dtype=np.int64)[known]
        interest[rows[known], cols[known]] = (
            ratings["interest"].fillna(0).to_numpy(dtype=np.int64)[known])
    holders = (level >= PRACTITIONER_LEVEL).sum(axis=0).astype(np.int64)
    gap = np.zeros((n_people, n_skills), dtype=bool)
    gap_detail: dict[tuple[int, int], tuple[int, int]] = {}
    team_lookup = {name: code for code, name in enumerate(team_names)}
    skill_lookup = {sid: i for i, sid in enumerate(skill_ids)}
    for target in dataset.targets.itertuples(index=False):
        team, skill = team_lookup.get(str(target.team)), skill_lookup.get(str(target.skill_id))
        if team is None or skill is None:
            continue
        members = team_code == team
        below = members & (level[:, skill] < int(target.min_level))
        missing = int(target.min_people) - int(members.sum() - below.sum())
        if missing > 0:
            gap[below, skill] = True
            gap_detail[(team, skill)] = (missing, int(target.min_level))
    return Organisation(
        person_ids=person_ids, names=people["name"].astype(str).to_numpy(dtype=object),
        teams=people["team"].astype(str).to_numpy(dtype=object), team_code=team_code,
        disciplines=people["discipline"].astype(str).to_numpy(dtype=object),
        disc_code=disc_code, skill_ids=skill_ids,
        skill_names=skills["name"].astype(str).to_numpy(dtype=object),
        critical=skills["critical"].astype(bool).to_numpy(), holders=holders, level=level,
        interest=interest, gap=gap, gap_detail=gap_detail)


def mentee_value(org: Organisation, weights: Weights) -> np.ndarray:
    """People x skills: the part of a pair's score that does not depend on the mentor."""
    urgency = org.critical / np.maximum(1, org.holders)
    return (weights.critical * urgency[None, :] + weights.gap * org.gap
            + weights.interest * org.interest / MAX_INTEREST)


def pair_score(org: Organisation, weights: Weights, mentor: np.ndarray, mentee: np.ndarray,
               skill: np.ndarray) -> np.ndarray:
    """The score of each (mentor, mentee, skill), vectorised over index arrays."""
    base = mentee_value(org, weights)[mentee, skill]
    diff = org.level[mentor, skill].astype(float) - org.level[mentee, skill]
    cross = (0.5 * (org.team_code[mentor] != org.team_code[mentee])
             + 0.5 * (org.disc_code[mentor] != org.disc_code[mentee]))
    return base + weights.level * diff / MAX_LEVEL + weights.cross * cross


def is_eligible(org: Organisation, options: MentoringOptions, mentor: int, mentee: int,
                skill: int) -> list[str]:
    """Why (mentor, mentee, skill) breaks rules 1 and 2 (capacities aside); empty when fine."""
    problems = []
    name = org.skill_ids[skill]
    m_level, e_level = int(org.level[mentor, skill]), int(org.level[mentee, skill])
    if mentor == mentee:
        problems.append(f"{org.person_ids[mentor]} cannot mentor themselves")
    if m_level < options.min_mentor_level:
        problems.append(f"mentor {org.person_ids[mentor]} is at level {m_level} in {name}, "
                        f"below {options.min_mentor_level}")
    if m_level - e_level < 2:
        problems.append(f"mentee {org.person_ids[mentee]} (level {e_level}) is not two levels "
                        f"below mentor {org.person_ids[mentor]} (level {m_level}) in {name}")
    if org.interest[mentee, skill] < 1 and not org.gap[mentee, skill]:
        problems.append(f"mentee {org.person_ids[mentee]} has no interest in {name} and no "
                        "target gap of their team to close in it")
    return problems


# --- Preparing a solve: capacities left after fixed pairs, and who may take which role.

@dataclass
class _Prepared:
    org: Organisation
    options: MentoringOptions
    value: np.ndarray             # mentee_value
    mentor_ok: np.ndarray         # people x skills
    mentee_ok: np.ndarray
    mentor_cap: np.ndarray        # capacity left per person
    mentee_cap: np.ndarray
    fixed: list[tuple[int, int, int]]
    dropped: list[str]
    declined: set[tuple[int, int, int]]
    taken_pairs: set[tuple[int, int]]  # (mentor, mentee) already paired by a fixed pair


def prepare(org: Organisation, options: MentoringOptions) -> _Prepared:
    validate_options(options)
    people, skills = org.person_index, org.skill_index
    unknown = sorted(set(options.exclude) - people.keys())
    if unknown:
        raise MentoringInputError(f"cannot exclude unknown people: {', '.join(unknown[:5])}")
    excluded = np.zeros(len(org.person_ids), dtype=bool)
    excluded[[people[p] for p in options.exclude]] = True
    mentor_cap = np.where(excluded, 0, options.mentor_capacity).astype(np.int64)
    mentee_cap = np.where(excluded, 0, options.max_mentors).astype(np.int64)
    mentor_ok = (org.level >= options.min_mentor_level) & ~excluded[:, None]
    mentee_ok = (((org.interest >= 1) | org.gap)
                 & (org.level <= MAX_LEVEL - 2) & ~excluded[:, None])

    fixed, dropped, taken = [], [], set()
    for mentor_id, mentee_id, skill_id in options.fixed:
        label = f"{mentor_id} → {mentee_id} in {skill_id}"
        if mentor_id not in people or mentee_id not in people or skill_id not in skills:
            dropped.append(f"{label}: a person or the skill is no longer in the dataset")
            continue
        m, e, s = people[mentor_id], people[mentee_id], skills[skill_id]
        if excluded[m] or excluded[e]:
            dropped.append(f"{label}: a person in it is excluded")
            continue
        problems = is_eligible(org, options, m, e, s)
        if not mentor_ok[m, s] or not mentee_ok[e, s]:
            problems = problems or [f"{mentor_id} or {mentee_id} may not take that role in "
                                    f"{skill_id} any more"]
        if not problems and (mentor_cap[m] < 1 or mentee_cap[e] < 1):
            problems = ["no capacity left for it"]
        if not problems and (m, e) in taken:
            problems = ["the mentor already mentors this mentee"]
        if problems:
            dropped.append(f"{label}: {problems[0]}")
            continue
        fixed.append((m, e, s))
        taken.add((m, e))
        mentor_cap[m] -= 1
        mentee_cap[e] -= 1
        # One mentor per (mentee, skill), and a mentee in a skill is not its mentor.
        mentee_ok[e, s] = False
        mentor_ok[e, s] = False
        mentee_ok[m, s] = False
    mentor_ok &= (mentor_cap > 0)[:, None]
    mentee_ok &= (mentee_cap > 0)[:, None]
    declined = set()
    for mentor_id, mentee_id, skill_id in options.declined:
        if mentor_id in people and mentee_id in people and skill_id in skills:
            declined.add((people[mentor_id], people[mentee_id], skills[skill_id]))
    return _Prepared(org=org, options=options, value=mentee_value(org, options.weights),
                     mentor_ok=mentor_ok, mentee_ok=mentee_ok, mentor_cap=mentor_cap,
                     mentee_cap=mentee_cap, fixed=fixed, dropped=dropped, declined=declined,
                     taken_pairs=taken)


def eligible_pairs(prep: _Prepared, limit: int | None = None) -> tuple[np.ndarray, ...]:
    """Every eligible new pair with positive score: (mentor, mentee, skill, score) arrays."""
    org, options = prep.org, prep.options
    total = sum(int(prep.mentor_ok[:, s].sum()) * int(prep.mentee_ok[:, s].sum())
                for s in range(len(org.skill_ids)))
    if limit is not None and total > limit:
        raise MentoringInputError(
            f"about {total:,} candidate pairs are too many for the general solver (limit "
            f"{limit:,}); keep max_mentors at 1 and min_mentor_level at 3 or more, or plan "
            "for fewer teams at a time")
    parts: list[tuple[np.ndarray, ...]] = []
    for s in range(len(org.skill_ids)):
        mentors = np.flatnonzero(prep.mentor_ok[:, s])
        mentees = np.flatnonzero(prep.mentee_ok[:, s])
        if not len(mentors) or not len(mentees):
            continue
        mm, ee = np.meshgrid(mentors, mentees, indexing="ij")
        mm, ee = mm.ravel(), ee.ravel()
        keep = (mm != ee) & (org.level[mm, s] - org.level[ee, s] >= 2)
        mm, ee = mm[keep], ee[keep]
        ss = np.full(len(mm), s)
        score = pair_score(org, options.weights, mm, ee, ss)
        positive = score > _TOL
        parts.append((mm[positive], ee[positive], ss[positive], score[positive]))
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, np.zeros(0)
    mentor, mentee, skill, score = (np.concatenate(p) for p in zip(*parts, strict=True))
    if prep.declined or prep.taken_pairs:
        keep = np.array([(m, e, s) not in prep.declined and (m, e) not in prep.taken_pairs
                         for m, e, s in zip(mentor.tolist(), mentee.tolist(), skill.tolist(),
                                            strict=True)], dtype=bool)
        mentor, mentee, skill, score = mentor[keep], mentee[keep], skill[keep], score[keep]
    return mentor, mentee, skill, score


# --- Solving.

def plan_mentoring(dataset: Dataset | Organisation,
                   options: MentoringOptions | None = None) -> MentoringPlan:
    """The best set of pairs under `options`, re-checked by `check_pairs` before it is returned."""
    started = time.perf_counter()
    options = options or MentoringOptions()
    org = dataset if isinstance(dataset, Organisation) else organisation(dataset)
    prep = prepare(org, options)
    both_roles = (prep.mentor_ok & prep.mentee_ok).any()
    if options.max_mentors <= 1 and not both_roles:
        status, bound, chosen, method = _solve_matching(prep)
    else:
        status, bound, chosen, method = _solve_general(prep)
    pairs = _pairs_frame(prep, chosen)
    objective = float(pairs["score"].sum()) if len(pairs) else 0.0
    plan = MentoringPlan(status=status, objective=objective, bound=bound, pairs=pairs,
                         seconds=0.0, method=method, message="", dropped_fixed=prep.dropped)
    problems = check_pairs(org, options, pairs, require_maximal=status == "optimal")
    if problems:
        # A solver bug must never reach a manager as a plan; say what is wrong instead.
        raise RuntimeError("the mentoring plan failed its check: " + "; ".join(problems[:5]))
    plan.message = _message(plan, prep)
    plan.seconds = time.perf_counter() - started
    return plan


def _message(plan: MentoringPlan, prep: _Prepared) -> str:
    if plan.status == "optimal" and plan.pairs.empty:
        if not prep.mentor_ok.any():
            return ("No pairs: nobody available is at the mentor level "
                    f"({prep.options.min_mentor_level}) in any skill, or every mentor is "
                    "excluded or full. Lower the minimum mentor level or include more people.")
        if not prep.mentee_ok.any():
            return ("No pairs: nobody available has interest in a skill or a team gap to close "
                    "in it. Ask people to record their interests, or set team targets.")
        return ("No pairs: no available mentor is two levels above an interested mentee in the "
                "same skill.")
    if plan.status == "optimal":
        return f"Optimal: {len(plan.pairs)} pairs, no better set exists under these settings."
    return (f"Stopped at the time limit with {len(plan.pairs)} pairs, not proven optimal; "
            "allow more time or plan for fewer teams at a time.")


def _quiet_highs():  # type: ignore[no-untyped-def]
    """A HiGHS instance; its banner goes to the C stdout, which a CLI keeps for its JSON line."""
    import highspy

    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            highs = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("threads", 1)
    return highs


def _solve_matching(prep: _Prepared) -> tuple[Status, float | None, list, str]:
    """The b-matching as a min-cost flow through mentor classes.

    A pair's score splits into a mentee part, a part fixed by the mentor's level, and a cross
    bonus that depends only on whether the teams and the disciplines differ. So flow runs

        mentee -> H(skill, least mentor level needed, team, discipline)   mentee part
               -> X(skill, level needed, team, mentor discipline)         ½ cross if other
               -> Y(skill, level, mentor team, mentor discipline)         0 in own team,
                  or through the Pre/Suf chains over the other teams      else ½ cross
               -> Y(skill, level + 1, ...) -> ... -> mentor at a level    level part

    where Pre(i) reaches teams below i and Suf(i) teams above i, so "every team but mine" costs
    two arcs instead of one per team. Every mentee-to-mentor path is an eligible pair with
    exactly its score, and the network grows linearly in people, skills and teams (some 40
    million pairs at 5,000 people become about 150,000 arcs). With integer capacities the
    optimal flow is integral, so it is a set of whole pairs. Mentees with a declined pair get
    direct arcs to each mentor they may still have instead.
    """

    org, options = prep.org, prep.options
    if not prep.mentee_ok.any() or not prep.mentor_ok.any():
        return "optimal", 0.0, [], "flow (no eligible pair)"
    w = options.weights
    low = options.min_mentor_level
    n_skills = len(org.skill_ids)
    n_k = MAX_LEVEL - low + 1
    n_teams = int(org.team_code.max()) + 1
    n_disc = int(org.disc_code.max()) + 1
    grid = n_skills * n_k * n_teams * n_disc
    half = 0.5 * w.cross

    def cell(skill: np.ndarray, level: np.ndarray, team: np.ndarray,
             disc: np.ndarray) -> np.ndarray:
        return ((skill * n_k + (level - low)) * n_teams + team) * n_disc + disc

    direct = {e for _, e, _ in prep.declined}
    is_direct = np.zeros(len(org.person_ids), dtype=bool)
    is_direct[list(direct)] = True
    ee, es = np.nonzero(prep.mentee_ok & ~is_direct[:, None])
    e_level = org.level[ee, es].astype(np.int64)
    need = np.maximum(low, e_level + 2)
    keep = need <= MAX_LEVEL
    ee, es, e_level, need = ee[keep], es[keep], e_level[keep], need[keep]
    mm, ms = np.nonzero(prep.mentor_ok)
    m_level = org.level[mm, ms].astype(np.int64)
    d_m, d_e, d_s = _direct_arcs(prep, direct)
    d_cost = pair_score(org, w, d_m, d_e, d_s) if len(d_m) else np.zeros(0)
    positive = d_cost > _TOL
    d_m, d_e, d_s, d_cost = d_m[positive], d_e[positive], d_s[positive], d_cost[positive]
    mentees = np.unique(np.concatenate([ee, d_e]))
    mentors = np.unique(np.concatenate([mm, d_m]))
    if not len(mentees) or not len(mentors):
        return "optimal", 0.0, [], "flow (no eligible pair)"

    # Node numbering: mentees, then five grids (H, X, Y, Pre, Suf), then mentors.
    n_people = len(org.person_ids)
    e_node = np.full(n_people, -1, dtype=np.int64)
    e_node[mentees] = np.arange(len(mentees))
    base_h = len(mentees)
    base_x, base_y = base_h + grid, base_h + 2 * grid
    base_pre, base_suf = base_h + 3 * grid, base_h + 4 * grid
    base_m = base_h + 5 * grid
    m_node = np.full(n_people, -1, dtype=np.int64)
    m_node[mentors] = base_m + np.arange(len(mentors))
    n_nodes = base_m + len(mentors)

    tails, heads, costs, kinds = [], [], [], []

    def arcs(tail: np.ndarray, head: np.ndarray, cost: np.ndarray | float, kind: int) -> None:
        tails.append(np.asarray(tail, dtype=np.int64))
        heads.append(np.asarray(head, dtype=np.int64))
        costs.append(np.broadcast_to(np.asarray(cost, dtype=float), len(tails[-1])).copy())
        kinds.append(np.full(len(tails[-1]), kind))

    # 0: mentee -> H.
    arcs(e_node[ee], base_h + cell(es, need, org.team_code[ee], org.disc_code[ee]),
         prep.value[ee, es] - w.level * e_level / MAX_LEVEL, 0)
    # H -> X for every mentor discipline, from the H nodes in use.
    used_h = np.unique(cell(es, need, org.team_code[ee], org.disc_code[ee]))
    h_disc = used_h % n_disc
    for dm in range(n_disc):
        arcs(base_h + used_h, base_x + used_h - h_disc + dm,
             np.where(h_disc != dm, half, 0.0), 1)
    # X -> Y of the own team, and -> Pre/Suf chains over the other teams.
    every = np.arange(grid)
    team = (every // n_disc) % n_teams
    arcs(base_x + every, base_y + every, 0.0, 1)
    arcs(base_x + every[team > 0], base_pre + every[team > 0], half, 1)
    arcs(base_x + every[team < n_teams - 1], base_suf + every[team < n_teams - 1], half, 1)
    # Pre(i) reaches team i-1 and Pre(i-1); Suf(i) reaches team i+1 and Suf(i+1).
    step = n_disc
    lower = every[team > 0]
    arcs(base_pre + lower, base_y + lower - step, 0.0, 1)
    arcs(base_pre + lower[team[lower] > 1], base_pre + lower[team[lower] > 1] - step, 0.0, 1)
    upper = every[team < n_teams - 1]
    arcs(base_suf + upper, base_y + upper + step, 0.0, 1)
    more = upper[team[upper] < n_teams - 2]
    arcs(base_suf + more, base_suf + more + step, 0.0, 1)
    # Y(level) -> Y(level + 1): a mentee needing level 3 may also learn from level 4.
    level_index = (every // (n_disc * n_teams)) % n_k
    climb = every[level_index < n_k - 1]
    arcs(base_y + climb, base_y + climb + n_teams * n_disc, 0.0, 1)
    # 2: Y(skill, mentor's level, team, discipline) -> mentor, worth the level part.
    arcs(base_y + cell(ms, m_level, org.team_code[mm], org.disc_code[mm]), m_node[mm],
         w.level * m_level / MAX_LEVEL, 2)
    # 3: direct arcs.
    arcs(e_node[d_e], m_node[d_m], d_cost, 3)
    tail, head = np.concatenate(tails), np.concatenate(heads)
    cost, kind = np.concatenate(costs), np.concatenate(kinds)
    # The grids are mostly empty: keep the inner arcs on some mentee-to-mentor path only.
    useful = _on_some_path(tail, head, n_nodes, starts=np.unique(head[kind == 0]),
                           ends=np.unique(tail[kind == 2]))
    keep_arc = (kind != 1) | (useful[tail] & useful[head])
    tail, head, cost, kind = tail[keep_arc], head[keep_arc], cost[keep_arc], kind[keep_arc]
    method = (f"min-cost flow: {len(ee) + len(d_m):,} mentee arcs, {int((kind == 1).sum()):,} "
              f"hub arcs, {len(mm):,} mentor arcs for {len(mentees):,} mentees and "
              f"{len(mentors):,} mentors")
    whole = _max_weight_flow(tail, head, cost, n_nodes,
                             mentee_nodes=e_node[mentees], mentee_cap=prep.mentee_cap[mentees],
                             mentor_nodes=m_node[mentors], mentor_cap=prep.mentor_cap[mentors])
    chosen = _decompose(tail, head, whole, kind, ee, es, mm, d_m, d_e, d_s)
    return "optimal", float(cost @ whole), chosen, method


# Arc values are scores in float; the flow solver wants integers. At this scale the rounding
# moves a plan's total by well under 1e-6, far below any difference between two scores.
_COST_SCALE = 10**8


def _max_weight_flow(tail: np.ndarray, head: np.ndarray, cost: np.ndarray, n_nodes: int, *,
                     mentee_nodes: np.ndarray, mentee_cap: np.ndarray,
                     mentor_nodes: np.ndarray, mentor_cap: np.ndarray) -> np.ndarray:
    """Integral arc flows that maximise the total value, within mentee and mentor capacities.

    OR-Tools' cost-scaling min-cost-flow solver is exact on integers and takes a
    fraction of a second where an LP took seconds. A source feeds every mentee and a bypass
    arc lets supply skip to the sink, so pairs are optional and only worth-while ones flow.
    """
    from ortools.graph.python import min_cost_flow

    supply = int(mentee_cap.sum())
    source, sink = n_nodes, n_nodes + 1
    all_tail = np.concatenate([tail, np.full(len(mentee_nodes), source), mentor_nodes,
                               [source]]).astype(np.int32)
    all_head = np.concatenate([head, mentee_nodes, np.full(len(mentor_nodes), sink),
                               [sink]]).astype(np.int32)
    capacity = np.concatenate([np.full(len(tail), supply), mentee_cap, mentor_cap,
                               [supply]]).astype(np.int64)
    unit_cost = np.concatenate([-np.rint(cost * _COST_SCALE), np.zeros(len(mentee_nodes)),
                                np.zeros(len(mentor_nodes)), [0]]).astype(np.int64)
    solver = min_cost_flow.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(all_tail, all_head, capacity, unit_cost)
    solver.set_node_supply(source, supply)
    solver.set_node_supply(sink, -supply)
    status = solver.solve()
    if status != solver.OPTIMAL:
        raise RuntimeError(f"the mentoring flow could not be solved (status {status})")
    return np.asarray(solver.flows(np.arange(len(tail))), dtype=np.int64)


def _on_some_path(tail: np.ndarray, head: np.ndarray, n_nodes: int, starts: np.ndarray,
                  ends: np.ndarray) -> np.ndarray:
    """Nodes reachable from `starts` that also reach one of `ends`."""
    import scipy.sparse as sp
    from scipy.sparse.csgraph import breadth_first_order

    def reach(a: np.ndarray, b: np.ndarray, seeds: np.ndarray) -> np.ndarray:
        # One extra node feeds every seed, so one search covers them all.
        source = n_nodes
        rows = np.concatenate([a, np.full(len(seeds), source)])
        cols = np.concatenate([b, seeds])
        graph = sp.csr_matrix((np.ones(len(rows)), (rows, cols)),
                              shape=(n_nodes + 1, n_nodes + 1))
        seen = np.zeros(n_nodes + 1, dtype=bool)
        seen[breadth_first_order(graph, source, directed=True,
                                 return_predecessors=False)] = True
        return seen[:n_nodes]

    return reach(tail, head, starts) & reach(head, tail, ends)


def _direct_arcs(prep: _Prepared, direct: set[int]) -> tuple[np.ndarray, ...]:
    """Every eligible (mentor, mentee, skill) of the mentees with a declined pair."""
    org = prep.org
    d_m, d_e, d_s = [], [], []
    for e in sorted(direct):
        for s in np.flatnonzero(prep.mentee_ok[e]).tolist():
            mentors = np.flatnonzero(prep.mentor_ok[:, s]
                                     & (org.level[:, s] - org.level[e, s] >= 2))
            mentors = [m for m in mentors.tolist() if m != e and (m, e, s) not in prep.declined]
            d_m.extend(mentors)
            d_e.extend([e] * len(mentors))
            d_s.extend([s] * len(mentors))
    return tuple(np.array(x, dtype=np.int64) for x in (d_m, d_e, d_s))


def _decompose(tail: np.ndarray, head: np.ndarray, flow: np.ndarray, kind: np.ndarray,
               ee: np.ndarray, es: np.ndarray, mm: np.ndarray, d_m: np.ndarray,
               d_e: np.ndarray, d_s: np.ndarray) -> list:
    """Whole pairs from an integral flow: walk each unit from its mentee along arcs with flow.

    Flow is conserved at every inner node, so the units entering a node can be handed to the
    arcs leaving it in any order; each unit's path ends at a mentor and is one eligible pair.
    """
    from collections import defaultdict, deque

    used = np.flatnonzero(flow > 0)
    out: dict[int, deque] = defaultdict(deque)
    for a in used[kind[used] == 1].tolist():
        out[int(tail[a])].extend([int(head[a])] * int(flow[a]))
    mentor_at: dict[int, deque] = defaultdict(deque)
    mentee_arcs = np.flatnonzero(kind == 0)
    mentor_arcs = np.flatnonzero(kind == 2)
    for j, a in enumerate(mentor_arcs.tolist()):
        if flow[a] > 0:
            mentor_at[int(tail[a])].extend([int(mm[j])] * int(flow[a]))
    pairs = []
    for j, a in enumerate(mentee_arcs.tolist()):
        if flow[a] <= 0:
            continue
        node = int(head[a])
        # Walk the inner nodes until one hands the unit to a mentor.
        while not mentor_at.get(node):
            if not out.get(node):
                raise RuntimeError("the mentoring flow is not conserved")
            node = out[node].popleft()
        pairs.append((mentor_at[node].popleft(), int(ee[j]), int(es[j])))
    direct = np.flatnonzero(kind == 3)
    pairs += [(int(d_m[j]), int(d_e[j]), int(d_s[j])) for j, a in enumerate(direct.tolist())
              if flow[a] > 0]
    return pairs


def _solve_general(prep: _Prepared) -> tuple[Status, float | None, list, str]:
    mentor, mentee, skill, _ = eligible_pairs(prep, limit=MAX_GENERAL_PAIRS)
    triples = np.stack([mentor, mentee, skill]) if len(mentor) else np.zeros((3, 0), int)
    return _milp_over(prep, triples, f"MILP over {triples.shape[1]:,} eligible pairs")


def _milp_over(prep: _Prepared, triples: np.ndarray,
               method: str) -> tuple[Status, float | None, list, str]:
    """Every hard constraint as rows of a MILP over the given pairs, solved by HiGHS."""
    import highspy
    import scipy.sparse as sp

    if triples.shape[1] == 0:
        return "optimal", 0.0, [], method
    org, options = prep.org, prep.options
    mentor, mentee, skill = (triples[i].astype(np.int64) for i in range(3))
    score = pair_score(org, options.weights, mentor, mentee, skill)
    n = len(mentor)
    rows, cols, coefs, upper = [], [], [], []

    def group_rows(keys: np.ndarray, cap: np.ndarray | None, only_shared: bool) -> None:
        _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
        base = len(upper)
        used = np.ones(len(counts), dtype=bool) if not only_shared else counts > 1
        renumber = np.cumsum(used) - 1
        pick = used[inverse]
        rows.append(base + renumber[inverse[pick]])
        cols.append(np.flatnonzero(pick))
        coefs.append(np.ones(int(pick.sum())))
        if cap is None:
            upper.extend([1.0] * int(used.sum()))
        else:
            first = np.zeros(len(counts), dtype=np.int64)
            first[inverse] = np.arange(n)
            upper.extend(cap[first[used]].astype(float).tolist())

    group_rows(mentor, prep.mentor_cap[mentor], only_shared=False)
    group_rows(mentee, prep.mentee_cap[mentee], only_shared=False)
    n_people = len(org.person_ids)
    group_rows(mentor * n_people + mentee, None, only_shared=True)
    group_rows(mentee * len(org.skill_ids) + skill, None, only_shared=True)
    # A mentee in a skill is not its mentor: mentor pairs + capacity * mentee pairs <= capacity.
    mentor_cells = mentor * len(org.skill_ids) + skill
    mentee_cells = mentee * len(org.skill_ids) + skill
    both = np.intersect1d(mentor_cells, mentee_cells)
    for cell in both.tolist():
        person = cell // len(org.skill_ids)
        cap = float(prep.mentor_cap[person])
        as_mentor = np.flatnonzero(mentor_cells == cell)
        as_mentee = np.flatnonzero(mentee_cells == cell)
        base = len(upper)
        rows.append(np.full(len(as_mentor) + len(as_mentee), base))
        cols.append(np.concatenate([as_mentor, as_mentee]))
        coefs.append(np.concatenate([np.ones(len(as_mentor)), np.full(len(as_mentee), cap)]))
        upper.append(cap)
    matrix = sp.csr_matrix((np.concatenate(coefs), (np.concatenate(rows),
                                                    np.concatenate(cols))),
                           shape=(len(upper), n))
    inf = highspy.kHighsInf
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, len(upper)
    lp.col_cost_ = score.astype(float)
    lp.col_lower_ = np.zeros(n)
    lp.col_upper_ = np.ones(n)
    lp.row_lower_ = np.full(len(upper), -inf)
    lp.row_upper_ = np.array(upper, dtype=float)
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n, len(upper)
    lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
    lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
    lp.a_matrix_.value_ = matrix.data.astype(float)
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n
    highs = _quiet_highs()
    highs.setOptionValue("time_limit", float(options.time_limit))
    highs.setOptionValue("mip_rel_gap", 0.0)
    highs.setOptionValue("mip_abs_gap", 1e-9)
    highs.passModel(lp)
    highs.run()
    status = highs.getModelStatus()
    info = highs.getInfo()
    if info.primal_solution_status != 2:
        return "timeout", None, [], method
    values = np.asarray(highs.getSolution().col_value)
    chosen = [(int(mentor[j]), int(mentee[j]), int(skill[j])) for j in np.flatnonzero(values > 0.5)]
    if status == highspy.HighsModelStatus.kOptimal:
        return "optimal", float(info.mip_dual_bound), chosen, method
    return "feasible", float(info.mip_dual_bound), chosen, method


# --- The answer as a table, with the reason for every pair.

def _pairs_frame(prep: _Prepared, chosen: Iterable[tuple[int, int, int]]) -> pd.DataFrame:
    org, weights = prep.org, prep.options.weights
    rows = [(m, e, s, True) for m, e, s in prep.fixed] + [(m, e, s, False)
                                                         for m, e, s in chosen]
    columns = [*PAIR_COLUMNS, "fixed", "mentor_name", "mentor_team", "mentor_discipline",
               "mentor_level", "mentee_name", "mentee_team", "mentee_discipline",
               "mentee_level", "skill_name", "critical", "closes_gap", "reason"]
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns}).astype(
            {"score": float, "fixed": bool})
    m, e, s, fixed = (np.array(x) for x in zip(*rows, strict=True))
    score = pair_score(org, weights, m, e, s)
    frame = pd.DataFrame({
        "mentor_id": org.person_ids[m], "mentee_id": org.person_ids[e],
        "skill_id": org.skill_ids[s], "score": score, "fixed": fixed.astype(bool),
        "mentor_name": org.names[m], "mentor_team": org.teams[m],
        "mentor_discipline": org.disciplines[m], "mentor_level": org.level[m, s].astype(int),
        "mentee_name": org.names[e], "mentee_team": org.teams[e],
        "mentee_discipline": org.disciplines[e], "mentee_level": org.level[e, s].astype(int),
        "skill_name": org.skill_names[s], "critical": org.critical[s],
        "closes_gap": org.gap[e, s],
    })
    frame["reason"] = [_reason(org, *row) for row in zip(m, e, s, strict=True)]
    frame = frame.sort_values(["score", "mentor_id", "mentee_id", "skill_id"],
                              ascending=[False, True, True, True])
    return frame.reset_index(drop=True)[columns]


def _reason(org: Organisation, m: int, e: int, s: int) -> str:
    parts = [f"{org.skill_names[s]}: level {org.level[m, s]} → mentee at {org.level[e, s]}"]
    detail = org.gap_detail.get((int(org.team_code[e]), int(s)))
    if org.gap[e, s] and detail:
        missing, min_level = detail
        parts.append(f"closes a gap: {org.teams[e]} needs {missing} more at level ≥ "
                     f"{min_level}")
    if org.critical[s]:
        parts.append(f"critical skill, bus factor {org.holders[s]}")
    if org.interest[e, s]:
        parts.append(f"interest {org.interest[e, s]}/{MAX_INTEREST}")
    across = [label for label, differs in (
        ("team", org.team_code[m] != org.team_code[e]),
        ("discipline", org.disc_code[m] != org.disc_code[e])) if differs]
    if across:
        parts.append("across " + " and ".join(across)
                     + f" ({DISCIPLINES.get(org.disciplines[m], org.disciplines[m])} → "
                       f"{DISCIPLINES.get(org.disciplines[e], org.disciplines[e])})")
    return "; ".join(parts)


# --- The checker: plain Python over the pairs, independent of how they were found.

def check_pairs(dataset: Dataset | Organisation, options: MentoringOptions,
                pairs: pd.DataFrame | Sequence[tuple[str, str, str]],
                require_maximal: bool = True) -> list[str]:
    """Every broken hard constraint in `pairs`, in words; empty when the pairs are valid.

    With `require_maximal`, also reports a mentee left with a free slot while an eligible mentor
    with spare capacity could take them in a pair of positive value.
    """
    validate_options(options)
    org = dataset if isinstance(dataset, Organisation) else organisation(dataset)
    triples = (list(zip(pairs["mentor_id"], pairs["mentee_id"], pairs["skill_id"], strict=True))
               if isinstance(pairs, pd.DataFrame) else list(pairs))
    people, skills = org.person_index, org.skill_index
    problems: list[str] = []
    mentees_of: dict[str, int] = {}
    mentors_of: dict[str, int] = {}
    seen_pair: set[tuple[str, str]] = set()
    seen_cell: set[tuple[str, str]] = set()
    mentor_cells: set[tuple[str, str]] = set()
    mentee_cells: set[tuple[str, str]] = set()
    fixed = set(options.fixed)
    for mentor_id, mentee_id, skill_id in triples:
        label = f"{mentor_id} → {mentee_id} in {skill_id}"
        if mentor_id not in people or mentee_id not in people or skill_id not in skills:
            problems.append(f"{label}: unknown person or skill")
            continue
        if mentor_id in options.exclude or mentee_id in options.exclude:
            problems.append(f"{label}: uses an excluded person")
        if (mentor_id, mentee_id, skill_id) in options.declined and \
                (mentor_id, mentee_id, skill_id) not in fixed:
            problems.append(f"{label}: was declined")
        m, e, s = people[mentor_id], people[mentee_id], skills[skill_id]
        problems.extend(f"{label}: {p}" for p in is_eligible(org, options, m, e, s))
        if (mentor_id, mentee_id) in seen_pair:
            problems.append(f"{label}: {mentor_id} already mentors {mentee_id}")
        if (mentee_id, skill_id) in seen_cell:
            problems.append(f"{label}: {mentee_id} already has a mentor in {skill_id}")
        seen_pair.add((mentor_id, mentee_id))
        seen_cell.add((mentee_id, skill_id))
        mentor_cells.add((mentor_id, skill_id))
        mentee_cells.add((mentee_id, skill_id))
        mentees_of[mentor_id] = mentees_of.get(mentor_id, 0) + 1
        mentors_of[mentee_id] = mentors_of.get(mentee_id, 0) + 1
    for person, count in mentees_of.items():
        if count > options.mentor_capacity:
            problems.append(f"{person} mentors {count} people, more than the capacity "
                            f"{options.mentor_capacity}")
    for person, count in mentors_of.items():
        if count > options.max_mentors:
            problems.append(f"{person} has {count} mentors, more than {options.max_mentors}")
    for person, skill_id in sorted(mentor_cells & mentee_cells):
        problems.append(f"{person} is both mentee and mentor in {skill_id}")
    if require_maximal and not problems:
        problems.extend(_missed_pairs(org, options, triples, mentees_of, mentors_of,
                                      mentor_cells, mentee_cells, seen_pair, seen_cell))
    return problems


def _missed_pairs(org: Organisation, options: MentoringOptions, triples: list,
                  mentees_of: dict[str, int], mentors_of: dict[str, int],
                  mentor_cells: set, mentee_cells: set, seen_pair: set,
                  seen_cell: set) -> list[str]:
    """Pairs of positive value that still fit: a plan leaving one out is not optimal.

    A pair's score depends on the mentor only through level, team and discipline, so each
    skill's spare mentors are grouped that way; mentees with a declined pair or an existing
    mentor are checked mentor by mentor.
    """
    w = options.weights
    excluded = set(options.exclude)
    ids = org.person_ids
    spare_mentor = np.array([pid not in excluded
                             and mentees_of.get(pid, 0) < options.mentor_capacity
                             for pid in ids], dtype=bool)
    spare_mentee = np.array([pid not in excluded and mentors_of.get(pid, 0) < options.max_mentors
                             for pid in ids], dtype=bool)
    declined_by_mentee: dict[str, set[tuple[str, str]]] = {}
    for mentor_id, mentee_id, skill_id in options.declined:
        declined_by_mentee.setdefault(mentee_id, set()).add((mentor_id, skill_id))
    paired = {mentee_id for _, mentee_id in seen_pair}
    value = mentee_value(org, w)
    missed: list[str] = []

    def score(m: int, e: int, s: int) -> float:
        return float(value[e, s] + w.level * (int(org.level[m, s]) - int(org.level[e, s]))
                     / MAX_LEVEL + w.cross * (0.5 * (org.team_code[m] != org.team_code[e])
                                              + 0.5 * (org.disc_code[m] != org.disc_code[e])))

    for s, skill_id in enumerate(org.skill_ids):
        blocked = np.array([(pid, skill_id) in mentee_cells for pid in ids], dtype=bool) \
            if mentee_cells else np.zeros(len(ids), dtype=bool)
        mentors = np.flatnonzero(spare_mentor & ~blocked
                                 & (org.level[:, s] >= options.min_mentor_level))
        wants = spare_mentee & ((org.interest[:, s] >= 1) | org.gap[:, s])
        mentees = [e for e in np.flatnonzero(wants).tolist()
                   if (ids[e], skill_id) not in seen_cell and (ids[e], skill_id) not in
                   mentor_cells]
        if not len(mentors) or not mentees:
            continue
        key = (org.level[mentors, s].astype(np.int64) * 10_000 + org.team_code[mentors]) \
            * 100 + org.disc_code[mentors]
        classes, first = np.unique(key, return_index=True)
        c_level = org.level[mentors[first], s].astype(float)
        c_team = org.team_code[mentors[first]]
        c_disc = org.disc_code[mentors[first]]
        for e in mentees:
            mentee_id = ids[e]
            if mentee_id in paired or mentee_id in declined_by_mentee:
                for m in mentors.tolist():
                    if (m != e and org.level[m, s] - org.level[e, s] >= 2
                            and (ids[m], mentee_id) not in seen_pair
                            and (ids[m], skill_id) not in declined_by_mentee.get(mentee_id, ())
                            and score(m, e, s) > _TOL):
                        missed.append(f"{mentee_id} is left without a mentor in {skill_id} "
                                      f"although {ids[m]} has spare capacity")
                        break
                continue
            gain = (value[e, s] + w.level * (c_level - org.level[e, s]) / MAX_LEVEL
                    + w.cross * (0.5 * (c_team != org.team_code[e])
                                 + 0.5 * (c_disc != org.disc_code[e])))
            ok = (c_level - org.level[e, s] >= 2) & (gain > _TOL)
            if ok.any():
                c = int(np.flatnonzero(ok)[0])
                mentor_id = ids[mentors[first[c]]]
                missed.append(f"{mentee_id} is left without a mentor in {skill_id} although "
                              f"{mentor_id} has spare capacity (pair worth {gain[c]:.2f})")
            if len(missed) >= 5:
                return missed
    return missed


# --- Bus factor once the mentees reach level 3.

def bus_factor_change(dataset: Dataset | Organisation, pairs: pd.DataFrame,
                      critical_only: bool = True) -> pd.DataFrame:
    """Per skill: holders now, mentees who would become holders, and holders afterwards."""
    org = dataset if isinstance(dataset, Organisation) else organisation(dataset)
    gaining = (pairs.loc[:, ["mentee_id", "skill_id"]].drop_duplicates()
               .groupby("skill_id").size() if len(pairs) else pd.Series(dtype=int))
    frame = pd.DataFrame({
        "skill_id": org.skill_ids, "name": org.skill_names, "critical": org.critical,
        "holders_now": org.holders,
    })
    frame["new_holders"] = frame["skill_id"].map(gaining).fillna(0).astype(int)
    frame["holders_after"] = frame["holders_now"] + frame["new_holders"]
    frame["change"] = frame["new_holders"]
    if critical_only:
        frame = frame[frame["critical"]]
    return frame.sort_values(["holders_now", "name"]).reset_index(drop=True)


# --- Decisions, stored in DuckDB (sql/schema_mentoring.sql).











