"""The rotation model: the policy, the organisation indexed for planning, and the MILP.

Decision x[p, h, q]: person p is hosted by team h in quarter q. The full model the README
states has one such variable for every person, every other team with members and every
quarter; `columns.py` solves it by generating only the variables that can matter. Every
quantity about people and skills (holders, bus factor, what a team holds, who counts for a
target) comes from `skills.organisation.Organisation`; this module only arranges it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from skills.dataset import Dataset
from skills.organisation import Organisation
from skills.plans import solving
from skills.taxonomy import MAX_INTEREST

CONSTRAINTS: dict[int, str] = {
    1: "one host per quarter, never the home team, at most the allowed number of rotations",
    2: "team targets keep their practitioners",
    3: "at most the allowed share of a team away",
    4: "host capacity",
    5: "request host team and window",
    6: "at most the allowed number of unrequested rotations",
}
# A skill request names no host team: any team holding the skill at practitioner level may host.
ANY_TEAM = ""
OPEN_STATUSES = ("requested", "proposed")
# Requests that are over without a rotation.
CLOSED_STATUSES = ("withdrawn", "declined")


class PolicyError(ValueError):
    """A policy knob outside its allowed range; the message names the knob."""


@dataclass(frozen=True)
class Policy:
    quarters: int = 4
    max_away_share: float = 0.25
    host_capacity: int = 2
    max_rotations: int = 1
    request_weight: float = 10.0   # per priority point: a priority-3 request is worth 30
    learning_weight: float = 1.0   # per interest point in a skill the host team holds
    critical_bonus: float = 1.0    # extra weight for a critical skill
    fragile_bonus: float = 2.0     # extra weight for a critical skill held by at most one person
    learning_skills: int = 3       # a quarter grows at most this many skills
    rotation_cost: float = 0.01    # a little disruption per rotation: none without a reason
    allow_unrequested: bool = True
    # Rotations nobody asked for, newly proposed (approved ones are not counted): at most this
    # many, or with None at most as many as the new rotations that answer requests, so that
    # the default plan is mostly what people asked for.
    max_unrequested: int | None = None
    # Where the column generation starts: each person's best few host teams. It only changes
    # how fast the solve is, never what it proves (every other host team is priced too).
    candidate_hosts: int = 3
    solver: solving.SolverName = "highs"
    time_limit: float = 30.0
    gap_rel: float = 0.005

    def validate(self) -> None:
        problems = []
        if not 1 <= self.quarters <= 12:
            problems.append(f"quarters must be between 1 and 12, got {self.quarters}")
        if not 0 <= self.max_away_share <= 1:
            problems.append(f"max away share must be between 0 and 1, got {self.max_away_share}")
        if self.host_capacity < 0:
            problems.append(f"host capacity must be 0 or more, got {self.host_capacity}")
        if self.max_rotations < 0:
            problems.append(f"max rotations must be 0 or more, got {self.max_rotations}")
        for name in ("request_weight", "learning_weight", "critical_bonus", "fragile_bonus",
                     "rotation_cost"):
            if getattr(self, name) < 0:
                problems.append(f"{name.replace('_', ' ')} must be 0 or more")
        if self.max_unrequested is not None and self.max_unrequested < 0:
            problems.append(f"max unrequested must be 0 or more, got {self.max_unrequested}")
        if self.learning_skills < 1:
            problems.append("learning skills must be 1 or more")
        if self.candidate_hosts < 0:
            problems.append("candidate hosts must be 0 or more")
        if self.solver not in solving.SOLVERS:
            problems.append(f"solver must be one of {', '.join(solving.SOLVERS)}, "
                            f"got {self.solver!r}")
        if not self.time_limit > 0:
            problems.append(f"time limit must be positive, got {self.time_limit}")
        if not 0 <= self.gap_rel < 1:
            problems.append(f"gap tolerance must be in [0, 1), got {self.gap_rel}")
        if problems:
            raise PolicyError("; ".join(problems))

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> Policy:
        """A stored policy; knobs added since it was stored take their defaults."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in known})

    def unrequested_limit(self, requested: int) -> int:
        """How many new unrequested rotations a plan with `requested` new requested ones
        may have."""
        if not self.allow_unrequested:
            return 0
        return requested if self.max_unrequested is None else self.max_unrequested

    def unrequested_words(self) -> str:
        if not self.allow_unrequested:
            return "none"
        if self.max_unrequested is None:
            return "no more than the rotations that answer requests"
        return f"at most {self.max_unrequested}"


@dataclass(frozen=True)
class Rotation:
    person_id: str
    host_team: str
    quarter: int
    request_id: str | None = None
    committed: bool = False   # approved earlier: the planner keeps it


@dataclass(frozen=True)
class Target:
    team: str
    skill_id: str
    min_level: int
    keep: int                      # min(min_people, members at level before any rotation)
    qualified: frozenset[str]      # members at min_level or above
    slack: int                     # how many of them may be away at once


@dataclass(frozen=True)
class Request:
    request_id: str
    person_id: str
    host_team: str                 # ANY_TEAM for a skill request
    skill_id: str | None
    earliest: int
    latest: int
    priority: int
    status: str


@dataclass(eq=False)
class RotationOrg:
    """One snapshot's organisation, arranged for rotation planning.

    `base` is the shared model; the dictionaries are the string-keyed views the ledger, the
    checker and the explanations read, and the arrays are what the model is built from.
    """

    base: Organisation
    names: dict[str, str]
    home: dict[str, str]
    team_size: dict[str, int]               # teams with members only: they can host
    skill_names: dict[str, str]
    critical: dict[str, bool]
    holders: dict[str, int]                 # bus factor per skill (from the organisation)
    team_holds: dict[str, frozenset[str]]   # skills a team holds at practitioner level
    targets: list[Target]
    targets_of: dict[str, list[int]]        # person -> indexes of targets they count for
    requests: list[Request]                 # the open ones: they take part in planning
    all_requests: dict[str, Request] = field(default_factory=dict)
    cache: dict[Any, Any] = field(default_factory=dict, repr=False)

    @property
    def teams(self) -> list[str]:
        return sorted(self.team_size)

    def level_of(self, person_id: str, skill_id: str) -> int:
        return self.base.level_of(person_id, skill_id)

    def interest_of(self, person_id: str, skill_id: str) -> int:
        return self.base.interest_of(person_id, skill_id)

    # --- arrays over the base organisation's indexes ----------------------------------------

    @property
    def person_codes(self) -> dict[str, int]:
        return self.base.person_index

    @property
    def team_codes(self) -> dict[str, int]:
        return self.base.team_index

    def qualified_matrix(self) -> sp.csr_matrix:
        """People x targets (sparse): who counts for which target."""
        if "qualified" not in self.cache:
            person, target = self.base.qualifying()
            self.cache["qualified"] = sp.csr_matrix(
                (np.ones(len(person), dtype=bool), (person, target)),
                shape=(self.base.n_people, len(self.base.targets)))
        matrix: sp.csr_matrix = self.cache["qualified"]
        return matrix


def prepare(dataset: Dataset | Organisation, requests: pd.DataFrame | None = None) -> RotationOrg:
    """Index a dataset for planning; only open requests (requested or proposed) take part."""
    if isinstance(dataset, Organisation):
        base = dataset
        frame = requests if requests is not None else pd.DataFrame()
    else:
        base = Organisation.of(dataset)
        frame = dataset.requests if requests is None else requests
    person_ids = [str(p) for p in base.person_ids]
    home = dict(zip(person_ids, (str(t) for t in base.teams), strict=True))
    names = dict(zip(person_ids, (str(n) for n in base.names), strict=True))
    size = base.team_size
    team_size = {base.team_names[j]: int(size[j]) for j in range(base.n_teams) if size[j] > 0}
    skill_ids = [str(s) for s in base.skill_ids]
    bus = base.bus_factor()
    holds = base.team_holds()
    person, target = base.qualifying()
    have = np.bincount(target, minlength=len(base.targets))
    # The pairs come by target, so each target's members are one slice.
    bounds = np.searchsorted(target, np.arange(len(base.targets) + 1)).tolist()
    people_of = [person_ids[i] for i in person.tolist()]
    targets: list[Target] = []
    targets_of: dict[str, list[int]] = defaultdict(list)
    t = base.targets
    for k, (team, skill, level, least) in enumerate(zip(
            t.team.tolist(), t.skill.tolist(), t.min_level.tolist(), t.min_people.tolist(),
            strict=True)):
        members = people_of[bounds[k]:bounds[k + 1]]
        keep = min(least, int(have[k]))
        targets.append(Target(base.team_names[team], skill_ids[skill], level, keep,
                              frozenset(members), int(have[k]) - keep))
        for member in members:
            targets_of[member].append(k)
    every: dict[str, Request] = {}
    for row in frame.itertuples(index=False):
        status = "requested" if pd.isna(row.status) else str(row.status)
        host = "" if pd.isna(row.host_team) else str(row.host_team)
        skill = None if pd.isna(row.skill_id) or not str(row.skill_id) else str(row.skill_id)
        every[str(row.request_id)] = Request(str(row.request_id), str(row.person_id), host,
                                             skill, int(row.earliest_quarter),
                                             int(row.latest_quarter), int(row.priority), status)
    open_requests = [r for r in every.values()
                     if r.status in OPEN_STATUSES and r.person_id in home]
    return RotationOrg(
        base=base, names=names, home=home, team_size=team_size,
        skill_names=dict(zip(skill_ids, (str(n) for n in base.skill_names), strict=True)),
        critical=dict(zip(skill_ids, (bool(c) for c in base.critical), strict=True)),
        holders=dict(zip(skill_ids, (int(b) for b in bus), strict=True)),
        team_holds={base.team_names[j]: frozenset(skill_ids[s] for s in np.flatnonzero(holds[j]))
                    for j in range(base.n_teams) if size[j] > 0},
        targets=targets, targets_of=dict(targets_of), requests=open_requests,
        all_requests=every)


# --- learning value ---------------------------------------------------------------------------

# People per block of `learning_matrix`'s passes.
_LEARNING_BLOCK = 256

def skill_weights(org: RotationOrg, policy: Policy) -> np.ndarray:
    """Per skill: 1, + the critical bonus, + the fragile bonus when at most one person holds it."""
    base = org.base
    fragile = base.bus_factor() <= 1
    return np.where(base.critical,
                    1.0 + policy.critical_bonus + np.where(fragile, policy.fragile_bonus, 0.0),
                    1.0)


def skill_weight(org: RotationOrg, skill: str, policy: Policy) -> float:
    return float(skill_weights(org, policy)[org.base.skill_index[skill]])


def _wants(org: RotationOrg, policy: Policy) -> np.ndarray:
    """People x skills: what learning a skill is worth to a person (0 if held or not wanted)."""
    # Kept with the base organisation, which a store shares between plans (Store.organisation).
    key = ("rotations.wants", policy.critical_bonus, policy.fragile_bonus)
    cached: np.ndarray | None = org.base.cache.get(key)
    if cached is not None:
        # `learnable` asks once per rotation: a table of 20,000 people's rotations would
        # rebuild this 20,000 times.
        return cached
    base = org.base
    below = ~base.practitioners()
    share = base.interest.astype(float) / MAX_INTEREST
    wants = np.where(below & (base.interest > 0), share * skill_weights(org, policy)[None, :],
                     0.0)
    wants.setflags(write=False)
    org.base.cache[key] = wants
    return wants


def learning_matrix(org: RotationOrg, policy: Policy) -> np.ndarray:
    """People x teams: the learning value of a rotation, 0 into one's own or an empty team.

    Interest (as a share of the most, 3) times skill weight, over the best few skills the host
    team holds at practitioner level and the person does not: one quarter is not enough to
    learn everything a team knows.
    """
    key = ("rotations.learning", policy.learning_weight, policy.critical_bonus,
           policy.fragile_bonus, policy.learning_skills)
    cached = org.base.cache.get(key)
    if cached is not None:
        values: np.ndarray = cached
        return values
    base = org.base
    want = _wants(org, policy)
    depth = policy.learning_skills
    # Each person's wants, most valuable first; then one pass per rank over people x teams,
    # counting how many better-ranked skills the team already teaches (no loop over pairs).
    # The passes go over blocks of people with as many wants, small enough to stay in the
    # processor's cache: over all of people x teams at once they took 4-5 s at 20,000 people
    # and 740 teams, against 1.3 s, with the same sums in the same order.
    order = np.argsort(-want, axis=1, kind="stable")
    ranked = np.take_along_axis(want, order, axis=1)
    wanted = (ranked > 0).sum(axis=1)
    held_by = np.ascontiguousarray(base.team_holds().T)   # skills x teams
    values = np.zeros((base.n_people, base.n_teams))
    by_wanted = np.argsort(-wanted, kind="stable")
    # A count never exceeds the skills a person wants; the smallest type that holds it.
    counter = np.int8 if base.n_skills < 127 else np.int32
    for lo in range(0, base.n_people, _LEARNING_BLOCK):
        rows = by_wanted[lo:lo + _LEARNING_BLOCK]
        block = np.zeros((len(rows), base.n_teams))
        count = np.zeros((len(rows), base.n_teams), dtype=counter)
        block_order, block_ranked = order[rows], ranked[rows]
        for k in range(int(wanted[rows[0]])):
            held = held_by[block_order[:, k]]               # people x teams
            count += held
            if k >= depth:
                held &= count <= depth
            np.add(block, block_ranked[:, k:k + 1], out=block, where=held)
        values[rows] = block
    values *= policy.learning_weight
    values[np.arange(base.n_people), base.team_code] = 0.0
    # Rounded so that the model, the checker and the pages add up the same numbers.
    values = np.round(values, 6)
    values.setflags(write=False)
    org.base.cache[key] = values
    return values


def learning_value(org: RotationOrg, person: str, host: str, policy: Policy) -> float:
    i, j = org.person_codes.get(person), org.team_codes.get(host)
    if i is None or j is None:
        return 0.0
    return float(learning_matrix(org, policy)[i, j])


def learnable(org: RotationOrg, person: str, host: str,
              policy: Policy = Policy()) -> list[str]:
    """The skills a rotation would grow, most valuable first (the best few count)."""
    i = org.person_codes.get(person)
    if i is None or host not in org.team_holds:
        return []
    want = _wants(org, policy)[i]
    index = org.base.skill_index
    skills = [s for s in org.team_holds[host] if want[index[s]] > 0]
    skills.sort(key=lambda s: (-want[index[s]], s))
    return skills[:policy.learning_skills]


# --- requests -----------------------------------------------------------------------------------

def request_hosts(org: RotationOrg, request: Request) -> list[str]:
    """Teams that may answer a request: its host team, or for a skill request any holder team."""
    home = org.home.get(request.person_id)
    if request.host_team != ANY_TEAM:
        ok = request.host_team in org.team_size and request.host_team != home
        return [request.host_team] if ok else []
    return [t for t in org.teams if request.skill_id in org.team_holds.get(t, ()) and t != home]


def request_quarters(request: Request, policy: Policy) -> range:
    return range(max(1, request.earliest), min(policy.quarters, request.latest) + 1)


def answers(request: Request, rotation: Rotation, org: RotationOrg) -> bool:
    return (rotation.person_id == request.person_id
            and rotation.host_team in request_hosts(org, request)
            and request.earliest <= rotation.quarter <= request.latest)


def away_cap(org: RotationOrg, team: str, policy: Policy) -> int:
    # The small epsilon keeps 0.25 x 8 = 2 from becoming 1.9999 on floats.
    return math.floor(policy.max_away_share * org.team_size.get(team, 0) + 1e-9)


def away_caps(org: RotationOrg, policy: Policy) -> np.ndarray:
    """Per team code: how many members may be away in one quarter."""
    return np.floor(policy.max_away_share * org.base.team_size + 1e-9).astype(np.int64)


def plan_objective(org: RotationOrg, policy: Policy, plan: list[Rotation]) -> float:
    """The model's objective: learning of every rotation, plus each request a rotation answers.

    One rotation answers at most one request (the model forbids counting one twice), so the
    requests counted are those the plan links.
    """
    total = float(sum(learning_value(org, r.person_id, r.host_team, policy)
                      - policy.rotation_cost for r in plan))
    open_ids = {r.request_id: r for r in org.requests}
    for rotation in plan:
        request = open_ids.get(rotation.request_id or "")
        if request is not None and answers(request, rotation, org):
            total += policy.request_weight * request.priority
    return total
