"""Rotation planner: who spends which quarter embedded in which team, within hard limits.

A rotation is one person spending one whole quarter in another team. Every plan returned here
satisfies five hard constraints, re-checked in plain Python by `check_plan`:

1. a person is in at most one host team per quarter, never their own, and rotates at most
   `max_rotations` times in the horizon;
2. every team target keeps, in every quarter, at least min(min_people, count before any rotation)
   members present at the target level (targets already unmet are never made worse);
3. in every quarter at most floor(max_away_share x team size) members of a team are away;
4. in every quarter a team hosts at most `host_capacity` rotators;
5. a rotation that answers a request uses the request's host team and lies in its window.

The objective rewards honoured requests by priority (3 is the most important) and expected
learning: a rotator who is below practitioner level but interested in a skill the host team holds
at practitioner level, weighted up for critical skills with a low bus factor.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import pandas as pd
import pulp

from skills.dataset import Dataset
from skills.organisation import PRACTITIONER_LEVEL
from skills.plans import solving
from skills.taxonomy import LEVELS, MAX_INTEREST

CONSTRAINTS: dict[int, str] = {
    1: "one host per quarter, never the home team, at most the allowed number of rotations",
    2: "team targets keep their practitioners",
    3: "at most the allowed share of a team away",
    4: "host capacity",
    5: "request host team and window",
}
# Measured by benchmarks/bench_rotations.py: without presolve HiGHS solves this model several
# times faster (5,000 people: about 1 s instead of 4 s); symmetry detection is off already.
HIGHS_OPTIONS = {"presolve": "off"}
# A skill request names no host team: any team holding the skill at practitioner level may host.
ANY_TEAM = ""
OPEN_STATUSES = ("requested", "proposed")


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
    candidate_hosts: int = 3       # unrequested rotations: the best few host teams per person
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


@dataclass(frozen=True)
class Rotation:
    person_id: str
    host_team: str
    quarter: int
    request_id: str | None = None
    committed: bool = False   # approved earlier: the planner keeps it


@dataclass(frozen=True)
class Violation:
    constraint: int
    message: str


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


@dataclass
class Organisation:
    """The stored organisation, indexed for planning."""

    names: dict[str, str]
    home: dict[str, str]
    team_size: dict[str, int]
    level: dict[tuple[str, str], int]
    interest: dict[tuple[str, str], int]
    skill_names: dict[str, str]
    critical: dict[str, bool]
    holders: dict[str, int]                 # organisation-wide bus factor per skill
    team_holds: dict[str, frozenset[str]]   # skills a team holds at practitioner level
    targets: list[Target]
    targets_of: dict[str, list[int]]        # person -> indexes of targets they count for
    requests: list[Request]                 # the open ones: they take part in planning
    all_requests: dict[str, Request] = field(default_factory=dict)
    cache: dict[Any, Any] = field(default_factory=dict, repr=False)

    @property
    def teams(self) -> list[str]:
        return sorted(self.team_size)


def prepare(dataset: Dataset) -> Organisation:
    """Index a dataset for planning; only open requests (requested or proposed) take part."""
    people = dataset.people
    names = dict(zip(people["person_id"], people["name"], strict=True))
    home = dict(zip(people["person_id"], people["team"], strict=True))
    team_size = people["team"].value_counts().to_dict()
    ratings = dataset.ratings
    # Plain lists first: iterating Arrow-backed columns value by value is several times slower.
    rated = list(zip(ratings["person_id"].tolist(), ratings["skill_id"].tolist(), strict=True))
    level = dict(zip(rated, map(int, ratings["level"].tolist()), strict=True))
    interest = dict(zip(rated, map(int, ratings["interest"].tolist()), strict=True))
    skills = dataset.skills
    skill_names = dict(zip(skills["skill_id"], skills["name"], strict=True))
    critical = {s: bool(c) for s, c in zip(skills["skill_id"], skills["critical"], strict=True)}
    holders: dict[str, int] = defaultdict(int)
    team_holds: dict[str, set[str]] = defaultdict(set)
    for (person, skill), value in level.items():
        if value >= PRACTITIONER_LEVEL and person in home:
            holders[skill] += 1
            team_holds[home[person]].add(skill)
    members: dict[str, list[str]] = defaultdict(list)
    for person, team in home.items():
        members[team].append(person)
    targets, targets_of = [], defaultdict(list)
    for row in dataset.targets.itertuples(index=False):
        qualified = frozenset(p for p in members.get(row.team, ())
                              if level.get((p, row.skill_id), 0) >= int(row.min_level))
        keep = min(int(row.min_people), len(qualified))
        targets.append(Target(row.team, row.skill_id, int(row.min_level), keep, qualified,
                              len(qualified) - keep))
        for person in qualified:
            targets_of[person].append(len(targets) - 1)
    every = {}
    for row in dataset.requests.itertuples(index=False):
        status = "requested" if pd.isna(row.status) else str(row.status)
        host = "" if pd.isna(row.host_team) else str(row.host_team)
        skill = None if pd.isna(row.skill_id) or not str(row.skill_id) else str(row.skill_id)
        every[str(row.request_id)] = Request(str(row.request_id), str(row.person_id), host,
                                             skill, int(row.earliest_quarter),
                                             int(row.latest_quarter), int(row.priority), status)
    requests = [r for r in every.values() if r.status in OPEN_STATUSES and r.person_id in home]
    return Organisation(names, home, team_size, level, interest, skill_names, critical,
                        dict(holders), {t: frozenset(s) for t, s in team_holds.items()},
                        targets, dict(targets_of), requests, every)


# --- learning value -------------------------------------------------------------------------

def skill_weight(org: Organisation, skill: str, policy: Policy) -> float:
    if not org.critical.get(skill, False):
        return 1.0
    fragile = org.holders.get(skill, 0) <= 1
    return 1.0 + policy.critical_bonus + (policy.fragile_bonus if fragile else 0.0)


def learnable(org: Organisation, person: str, host: str,
              policy: Policy = Policy()) -> list[str]:
    """The skills a rotation would grow, most valuable first: the host team holds them at
    practitioner level, the person is below it and interested. Only the best few count, since
    one quarter is not enough to learn everything a team knows."""
    skills = [s for s in org.team_holds.get(host, ())
              if org.level.get((person, s), 0) < PRACTITIONER_LEVEL
              and org.interest.get((person, s), 0) > 0]
    skills.sort(key=lambda s: (-org.interest[(person, s)] * skill_weight(org, s, policy), s))
    return skills[:policy.learning_skills]


def learning_value(org: Organisation, person: str, host: str, policy: Policy) -> float:
    """Interest (as a share of the most, 3) times skill weight, over the best few skills."""
    return learning_table(org, policy).value(person, host)


@dataclass
class LearningTable:
    """Learning value of every (person, host team) pair, computed at once with numpy."""

    people: dict[str, int]
    teams: dict[str, int]
    values: Any   # numpy array, people x teams

    def value(self, person: str, host: str) -> float:
        if person not in self.people or host not in self.teams:
            return 0.0
        return float(self.values[self.people[person], self.teams[host]])

    def best_hosts(self, count: int) -> dict[str, list[str]]:
        """Each person's `count` most valuable host teams (other than home, value > 0)."""
        import numpy as np

        names = list(self.teams)
        order = np.argsort(-self.values, axis=1, kind="stable")[:, :count]
        out = {}
        for person, row in self.people.items():
            out[person] = [names[j] for j in order[row] if self.values[row, j] > 0]
        return out


def learning_table(org: Organisation, policy: Policy) -> LearningTable:
    import numpy as np

    key = (policy.learning_weight, policy.critical_bonus, policy.fragile_bonus,
           policy.learning_skills)
    cached = org.cache.get(key)
    if cached is not None:
        return cached
    people = {p: i for i, p in enumerate(sorted(org.home))}
    teams = {t: j for j, t in enumerate(org.teams)}
    skills = {s: k for k, s in enumerate(sorted(org.skill_names))}
    want = np.zeros((len(people), len(skills)))
    for (person, skill), interest in org.interest.items():
        if (interest > 0 and person in people and skill in skills
                and org.level.get((person, skill), 0) < PRACTITIONER_LEVEL):
            want[people[person], skills[skill]] = (interest / MAX_INTEREST
                                                   * skill_weight(org, skill, policy))
    values = np.zeros((len(people), len(teams)))
    depth = policy.learning_skills
    for team, j in teams.items():
        held = np.zeros(len(skills), dtype=bool)
        held[[skills[s] for s in org.team_holds.get(team, ()) if s in skills]] = True
        gains = want * held
        if gains.shape[1] > depth:
            gains = np.partition(gains, gains.shape[1] - depth, axis=1)[:, -depth:]
        values[:, j] = policy.learning_weight * gains.sum(axis=1)
    for person, i in people.items():
        values[i, teams[org.home[person]]] = 0.0
    # Rounded so that the model, the checker and the pages add up the same numbers.
    table = LearningTable(people, teams, np.round(values, 6))
    org.cache[key] = table
    return table


def request_hosts(org: Organisation, request: Request) -> list[str]:
    """Teams that may answer a request: its host team, or for a skill request any holder team."""
    if request.host_team != ANY_TEAM:
        return [request.host_team] if request.host_team in org.team_size else []
    return [t for t in org.teams if request.skill_id in org.team_holds.get(t, ())
            and t != org.home[request.person_id]]


def request_quarters(request: Request, policy: Policy) -> range:
    return range(max(1, request.earliest), min(policy.quarters, request.latest) + 1)


def answers(request: Request, rotation: Rotation, org: Organisation) -> bool:
    return (rotation.person_id == request.person_id
            and rotation.host_team in request_hosts(org, request)
            and request.earliest <= rotation.quarter <= request.latest)


# --- the checker: plain Python, straight from the definitions, independent of the model -------

def away_cap(org: Organisation, team: str, policy: Policy) -> int:
    # The small epsilon keeps 0.25 x 8 = 2 from becoming 1.9999 on floats.
    return math.floor(policy.max_away_share * org.team_size.get(team, 0) + 1e-9)


def check_plan(org: Organisation, policy: Policy, plan: Sequence[Rotation]) -> list[Violation]:
    """Every breach of the five hard constraints in `plan`; empty when the plan is sound."""
    found: list[Violation] = []
    per_person_quarter: dict[tuple[str, int], int] = defaultdict(int)
    per_person: dict[str, int] = defaultdict(int)
    away: dict[tuple[str, int], set[str]] = defaultdict(set)
    hosted: dict[tuple[str, int], int] = defaultdict(int)
    requests = {**org.all_requests, **{r.request_id: r for r in org.requests}}
    for rotation in plan:
        person, host, quarter = rotation.person_id, rotation.host_team, rotation.quarter
        if person not in org.home:
            found.append(Violation(1, f"{person} is not in the organisation"))
            continue
        if host not in org.team_size:
            found.append(Violation(1, f"{host!r} is not a team"))
        if host == org.home[person]:
            found.append(Violation(1, f"{person} would rotate into their own team {host}"))
        if not 1 <= quarter <= policy.quarters:
            found.append(Violation(1, f"Q{quarter} is outside the {policy.quarters}-quarter "
                                      "horizon"))
        per_person_quarter[(person, quarter)] += 1
        per_person[person] += 1
        away[(org.home[person], quarter)].add(person)
        hosted[(host, quarter)] += 1
        if rotation.request_id is not None:
            request = requests.get(rotation.request_id)
            if request is None or not answers(request, rotation, org):
                found.append(Violation(5, f"{person}'s rotation to {host} in Q{quarter} does "
                                          f"not match request {rotation.request_id}"))
    for (person, quarter), count in per_person_quarter.items():
        if count > 1:
            found.append(Violation(1, f"{person} is in {count} host teams in Q{quarter}"))
    for person, count in per_person.items():
        if count > policy.max_rotations:
            found.append(Violation(1, f"{person} rotates {count} times, more than "
                                      f"{policy.max_rotations}"))
    for (team, quarter), people in away.items():
        if len(people) > away_cap(org, team, policy):
            found.append(Violation(3, f"{team} has {len(people)} people away in Q{quarter}, "
                                      f"more than {away_cap(org, team, policy)}"))
    for (host, quarter), count in hosted.items():
        if count > policy.host_capacity:
            found.append(Violation(4, f"{host} hosts {count} rotators in Q{quarter}, more than "
                                      f"{policy.host_capacity}"))
    for target in org.targets:
        for quarter in range(1, policy.quarters + 1):
            present = len(target.qualified - away.get((target.team, quarter), set()))
            if present < target.keep:
                found.append(Violation(2, f"{target.team} keeps {present} of {target.keep} "
                                          f"needed at level {target.min_level}+ in "
                                          f"{target.skill_id} in Q{quarter}"))
    return found


# --- the ledger: the same constraints, incrementally, in words a manager can act on ------------

class Ledger:
    """A plan under construction that can say why one more rotation would not fit."""

    def __init__(self, org: Organisation, policy: Policy) -> None:
        self.org, self.policy = org, policy
        self.rotations: list[Rotation] = []
        self.where: dict[tuple[str, int], str] = {}
        self.count: dict[str, int] = defaultdict(int)
        self.away: dict[tuple[str, int], int] = defaultdict(int)
        self.hosted: dict[tuple[str, int], int] = defaultdict(int)
        self.target_away: dict[tuple[int, int], int] = defaultdict(int)

    def reasons(self, person: str, host: str, quarter: int) -> list[Violation]:
        org, policy = self.org, self.policy
        name, home = org.names.get(person, person), org.home[person]
        out: list[Violation] = []
        if not 1 <= quarter <= policy.quarters:
            out.append(Violation(5, f"Q{quarter} is outside the {policy.quarters}-quarter "
                                    "planning horizon"))
            return out
        if host == home:
            out.append(Violation(1, f"{host} is {name}'s own team"))
        if (person, quarter) in self.where:
            out.append(Violation(1, f"{name} is already away with {self.where[(person, quarter)]}"
                                    f" in Q{quarter}"))
        if self.count[person] >= policy.max_rotations:
            out.append(Violation(1, f"{name} already has {self.count[person]} rotation(s) in the "
                                    f"horizon, the most the policy allows "
                                    f"({policy.max_rotations})"))
        for index in org.targets_of.get(person, ()):
            target = org.targets[index]
            if self.target_away[(index, quarter)] >= target.slack:
                out.append(Violation(2, _target_words(org, target, name, quarter)))
        cap = away_cap(org, home, policy)
        if self.away[(home, quarter)] >= cap:
            out.append(Violation(3, f"Team {home} cannot release anyone else in Q{quarter}: "
                                    f"{self.away[(home, quarter)]} of its {org.team_size[home]} "
                                    f"people would already be away, and the policy allows "
                                    f"{cap} ({policy.max_away_share:.0%})"))
        if self.hosted[(host, quarter)] >= policy.host_capacity:
            out.append(Violation(4, f"{host} already hosts {self.hosted[(host, quarter)]} "
                                    f"rotator(s) in Q{quarter}, its capacity"))
        return out

    def fits(self, person: str, host: str, quarter: int) -> bool:
        return not self.reasons(person, host, quarter)

    def add(self, rotation: Rotation) -> None:
        person, quarter = rotation.person_id, rotation.quarter
        home = self.org.home[person]
        self.rotations.append(rotation)
        self.where[(person, quarter)] = rotation.host_team
        self.count[person] += 1
        self.away[(home, quarter)] += 1
        self.hosted[(rotation.host_team, quarter)] += 1
        for index in self.org.targets_of.get(person, ()):
            self.target_away[(index, quarter)] += 1


def _target_words(org: Organisation, target: Target, name: str, quarter: int) -> str:
    skill = org.skill_names.get(target.skill_id, target.skill_id)
    level = LEVELS.get(target.min_level, str(target.min_level)).lower()
    if len(target.qualified) == 1:
        return (f"Team {target.team} cannot release {name} in Q{quarter}: it would lose its "
                f"only {skill} {level}")
    return (f"Team {target.team} cannot release {name} in Q{quarter}: it needs {target.keep} "
            f"of its {len(target.qualified)} people at {level} level in {skill} present")


# --- candidates ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Candidate:
    person_id: str
    host_team: str
    quarter: int
    learning: float


def candidates(org: Organisation, policy: Policy,
               commitments: Sequence[Rotation] = ()) -> list[Candidate]:
    """The eligible (person, host, quarter) triples: the model's only variables.

    Requested triples lie in the request's window. Unrequested ones use each person's best few
    host teams by learning value, and only when there is something to learn. A triple is left
    out when no plan could ever use it: the person is pinned by a target with no slack, their
    team may release nobody, or no rotation or hosting is allowed at all.
    """
    triples: set[tuple[str, str, int]] = set()
    if policy.max_rotations > 0 and policy.host_capacity > 0:
        for request in org.requests:
            for host in request_hosts(org, request):
                if host != org.home[request.person_id]:
                    triples.update((request.person_id, host, q)
                                   for q in request_quarters(request, policy))
        if policy.allow_unrequested and policy.candidate_hosts > 0:
            table = learning_table(org, policy)
            for person, hosts in table.best_hosts(policy.candidate_hosts).items():
                triples.update((person, host, q) for host in hosts
                               for q in range(1, policy.quarters + 1))
    pinned = {p for p, indexes in org.targets_of.items()
              if any(org.targets[i].slack == 0 for i in indexes)}
    blocked = {t for t in org.team_size if away_cap(org, t, policy) == 0}
    keep = {(r.person_id, r.host_team, r.quarter) for r in commitments
            if r.person_id in org.home}
    triples = {t for t in triples if t[0] not in pinned and org.home[t[0]] not in blocked}
    triples |= keep
    return [Candidate(p, h, q, learning_value(org, p, h, policy))
            for p, h, q in sorted(triples)]


def _requests_by_candidate(org: Organisation, policy: Policy,
                           cands: Sequence[Candidate]) -> dict[str, list[int]]:
    index = {(c.person_id, c.host_team, c.quarter): i for i, c in enumerate(cands)}
    out: dict[str, list[int]] = {}
    for request in org.requests:
        out[request.request_id] = [index[(request.person_id, host, q)]
                                   for host in request_hosts(org, request)
                                   for q in request_quarters(request, policy)
                                   if (request.person_id, host, q) in index]
    return out


def plan_objective(org: Organisation, policy: Policy, plan: Sequence[Rotation]) -> float:
    """The model's objective for a plan: learning of every rotation plus honoured requests."""
    total = float(sum(learning_value(org, r.person_id, r.host_team, policy)
                      - policy.rotation_cost for r in plan))
    for request in org.requests:
        if any(answers(request, r, org) for r in plan if r.person_id == request.person_id):
            total += policy.request_weight * request.priority
    return total


# --- greedy --------------------------------------------------------------------------------

def greedy(org: Organisation, policy: Policy, commitments: Sequence[Rotation] = (),
           cands: Sequence[Candidate] | None = None) -> tuple[list[Rotation], list[Rotation]]:
    """Commitments first, then requests by priority, then the most learning per rotation.

    Returns the plan and the commitments that did not fit.
    """
    cands = candidates(org, policy, commitments) if cands is None else cands
    ledger = Ledger(org, policy)
    unplaced = []
    for rotation in commitments:
        if rotation.person_id in org.home and ledger.fits(rotation.person_id,
                                                          rotation.host_team, rotation.quarter):
            ledger.add(replace(rotation, committed=True))
        else:
            unplaced.append(rotation)
    _add_requests(org, policy, ledger, cands)
    for candidate in sorted(cands, key=lambda c: (-c.learning, c.person_id, c.host_team,
                                                  c.quarter)):
        if candidate.learning <= policy.rotation_cost:
            break
        if ledger.fits(candidate.person_id, candidate.host_team, candidate.quarter):
            ledger.add(Rotation(candidate.person_id, candidate.host_team, candidate.quarter))
    return _link_requests(org, ledger.rotations), unplaced


def _add_requests(org: Organisation, policy: Policy, ledger: Ledger,
                  cands: Sequence[Candidate]) -> None:
    """Place every open request that still fits, most important first."""
    eligible = {(c.person_id, c.host_team, c.quarter) for c in cands}
    honoured = {r.request_id for r in org.requests
                if any(answers(r, x, org) for x in ledger.rotations)}
    for request in sorted(org.requests, key=lambda r: (-r.priority, r.request_id)):
        if request.request_id in honoured:
            continue
        options = [(host, q) for host in request_hosts(org, request)
                   for q in request_quarters(request, policy)
                   if (request.person_id, host, q) in eligible]
        options.sort(key=lambda o: (-learning_value(org, request.person_id, o[0], policy),
                                    o[1], o[0]))
        for host, quarter in options:
            if ledger.fits(request.person_id, host, quarter):
                ledger.add(Rotation(request.person_id, host, quarter, request.request_id))
                honoured.add(request.request_id)
                break


def _link_requests(org: Organisation, plan: Iterable[Rotation]) -> list[Rotation]:
    """Tie each rotation to the most important open request it answers, if any."""
    out, used = [], set()
    by_person: dict[str, list[Request]] = defaultdict(list)
    for request in org.requests:
        by_person[request.person_id].append(request)
    for rotation in sorted(plan, key=lambda r: (r.person_id, r.quarter, r.host_team)):
        if rotation.committed and rotation.request_id:
            # An approved rotation keeps the request it answered, even though that is closed.
            out.append(rotation)
            continue
        match = None
        for request in sorted(by_person.get(rotation.person_id, ()),
                              key=lambda r: (-r.priority, r.request_id)):
            if request.request_id not in used and answers(request, rotation, org):
                match = request.request_id
                used.add(match)
                break
        out.append(replace(rotation, request_id=match))
    return out


# --- the model -----------------------------------------------------------------------------

@dataclass
class Model:
    problem: pulp.LpProblem
    cands: list[Candidate]
    x: list[pulp.LpVariable]
    y: dict[str, pulp.LpVariable]
    slack: dict[int, pulp.LpVariable] = field(default_factory=dict)


def build_model(org: Organisation, policy: Policy, cands: Sequence[Candidate],
                commitments: Sequence[Rotation] = (), relaxed: bool = False) -> Model:
    """The MILP over eligible triples, rows built from (variable, coefficient) lists.

    With `relaxed`, commitments become soft (a large penalty per broken one), which tells which
    commitments cannot all hold together.
    """
    problem = pulp.LpProblem("rotations", pulp.LpMaximize)
    x = [problem.add_variable(f"x_{i}", 0, 1, cat=pulp.LpBinary) for i in range(len(cands))]
    by_person: dict[str, list[int]] = defaultdict(list)
    by_person_quarter: dict[tuple[str, int], list[int]] = defaultdict(list)
    by_home_quarter: dict[tuple[str, int], list[int]] = defaultdict(list)
    by_host_quarter: dict[tuple[str, int], list[int]] = defaultdict(list)
    index = {}
    for i, c in enumerate(cands):
        index[(c.person_id, c.host_team, c.quarter)] = i
        by_person[c.person_id].append(i)
        by_person_quarter[(c.person_id, c.quarter)].append(i)
        by_home_quarter[(org.home[c.person_id], c.quarter)].append(i)
        by_host_quarter[(c.host_team, c.quarter)].append(i)

    def row(indexes: Iterable[int]) -> pulp.LpAffineExpression:
        return pulp.LpAffineExpression([(x[i], 1) for i in indexes])

    # 1. one host per quarter, never home (no such variables), at most max_rotations.
    for indexes in by_person.values():
        if len(indexes) > policy.max_rotations:
            problem += row(indexes) <= policy.max_rotations
    if policy.max_rotations > 1:
        for indexes in by_person_quarter.values():
            if len(indexes) > 1:
                problem += row(indexes) <= 1
    # 2. targets: at most `slack` of the qualified members away in any quarter.
    for target in org.targets:
        for quarter in range(1, policy.quarters + 1):
            indexes = [i for p in target.qualified
                       for i in by_person_quarter.get((p, quarter), ())]
            if len(indexes) > target.slack:
                problem += row(indexes) <= target.slack
    # 3. away share per team and quarter.
    for (team, _), indexes in by_home_quarter.items():
        cap = away_cap(org, team, policy)
        if len(indexes) > cap:
            problem += row(indexes) <= cap
    # 4. host capacity.
    for indexes in by_host_quarter.values():
        if len(indexes) > policy.host_capacity:
            problem += row(indexes) <= policy.host_capacity
    # 5. a request is honoured only by a rotation to its host team within its window.
    y: dict[str, pulp.LpVariable] = {}
    terms = [(x[i], c.learning - policy.rotation_cost) for i, c in enumerate(cands)
             if c.learning != policy.rotation_cost]
    for request_id, indexes in _requests_by_candidate(org, policy, cands).items():
        if not indexes:
            continue
        request = next(r for r in org.requests if r.request_id == request_id)
        y[request_id] = problem.add_variable(f"y_{request_id}", 0, 1, cat=pulp.LpBinary)
        problem += pulp.LpAffineExpression([(y[request_id], 1)] + [(x[i], -1)
                                                                   for i in indexes]) <= 0
        terms.append((y[request_id], policy.request_weight * request.priority))
    slack: dict[int, pulp.LpVariable] = {}
    penalty = 1 + sum(abs(v) for _, v in terms)
    for k, rotation in enumerate(commitments):
        i = index.get((rotation.person_id, rotation.host_team, rotation.quarter))
        if i is None:
            continue
        if relaxed:
            slack[k] = problem.add_variable(f"s_{k}", 0, 1, cat=pulp.LpBinary)
            problem += pulp.LpAffineExpression([(x[i], 1), (slack[k], 1)]) >= 1
            terms.append((slack[k], -penalty))
        else:
            x[i].lowBound = 1
    problem += pulp.LpAffineExpression(terms)
    return Model(problem, list(cands), x, y, slack)


def _plan_from_values(model: Model, values: dict[str, float]) -> list[Rotation]:
    return [Rotation(c.person_id, c.host_team, c.quarter)
            for c, var in zip(model.cands, model.x, strict=True)
            if values.get(var.name, 0.0) > 0.5]


def _warm_start(model: Model, plan: Sequence[Rotation], org: Organisation) -> dict[str, float]:
    chosen = {(r.person_id, r.host_team, r.quarter) for r in plan}
    start = {var.name: float((c.person_id, c.host_team, c.quarter) in chosen)
             for c, var in zip(model.cands, model.x, strict=True)}
    for request_id, var in model.y.items():
        request = next(r for r in org.requests if r.request_id == request_id)
        start[var.name] = float(any(answers(request, r, org) for r in plan))
    return start


# --- the planner ---------------------------------------------------------------------------

@dataclass
class Refusal:
    request_id: str
    reasons: list[Violation]

    @property
    def text(self) -> str:
        return "; ".join(dict.fromkeys(v.message for v in self.reasons))

    @property
    def constraints(self) -> list[int]:
        return sorted({v.constraint for v in self.reasons})

    @property
    def rules(self) -> str:
        return "; ".join(f"rule {c}, {CONSTRAINTS[c]}" for c in self.constraints)


@dataclass
class PlanResult:
    status: solving.Status
    objective: float | None
    bound: float | None
    gap: float | None
    seconds: float
    build_seconds: float
    solve_seconds: float
    solver: str
    greedy_objective: float
    source: str                        # "solver", "greedy" (better than the solver's) or "none"
    message: str
    rotations: list[Rotation]
    refusals: dict[str, Refusal]
    explanation: list[str]             # infeasible: what conflicts, in a manager's words
    violations: list[Violation]        # the checker's verdict; always empty for a returned plan
    policy: Policy
    variables: int = 0
    constraints: int = 0

    @property
    def found(self) -> bool:
        return self.status in ("optimal", "feasible")

    def summary(self) -> dict[str, Any]:
        return {"status": self.status, "objective": _round(self.objective),
                "bound": _round(self.bound), "gap": _round(self.gap, 6),
                "seconds": round(self.seconds, 3), "rotations": len(self.rotations)}


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def plan(dataset: Dataset | Organisation, policy: Policy = Policy(),
         commitments: Sequence[Rotation] = ()) -> PlanResult:
    """Schedule rotations: greedy first, then the exact model, then the plain-Python check."""
    policy.validate()
    started = time.perf_counter()
    org = dataset if isinstance(dataset, Organisation) else prepare(dataset)
    # Approved rotations beyond this horizon, or of people or teams no longer in the data,
    # are not this plan's business: they are kept as decided, not re-planned.
    commitments = [c for c in commitments if c.person_id in org.home
                   and c.host_team in org.team_size and c.host_team != org.home[c.person_id]
                   and 1 <= c.quarter <= policy.quarters]
    cands = candidates(org, policy, commitments)
    greedy_plan, unplaced = greedy(org, policy, commitments, cands)
    greedy_value = plan_objective(org, policy, greedy_plan)
    model = build_model(org, policy, cands, commitments)
    build_seconds = time.perf_counter() - started
    start = None if unplaced else _warm_start(model, greedy_plan, org)
    outcome = solving.solve(model.problem, solver=policy.solver, time_limit=policy.time_limit,
                            gap_rel=policy.gap_rel, warm_start=start,
                            highs_options=HIGHS_OPTIONS)
    common = {"build_seconds": build_seconds, "solve_seconds": outcome.seconds,
              "solver": outcome.solver, "greedy_objective": greedy_value, "policy": policy,
              "variables": len(model.x) + len(model.y) + len(model.slack),
              "constraints": len(model.problem.constraints())}
    if outcome.status == "infeasible":
        explanation = explain_infeasible(org, policy, commitments, cands)
        return PlanResult("infeasible", None, None, None, time.perf_counter() - started,
                          source="none", message=outcome.message, rotations=[], refusals={},
                          explanation=explanation, violations=[], **common)
    if outcome.status == "timeout":
        return PlanResult("timeout", None, None, None, time.perf_counter() - started,
                          source="none", message=outcome.message, rotations=[], refusals={},
                          explanation=[], violations=[], **common)
    chosen = _plan_from_values(model, outcome.values)
    source = "solver"
    committed = {(c.person_id, c.host_team, c.quarter): c.request_id for c in commitments}
    chosen = [replace(r, committed=True, request_id=committed[key]) if key in committed else r
              for r in chosen for key in [(r.person_id, r.host_team, r.quarter)]]
    if plan_objective(org, policy, chosen) < greedy_value - 1e-9 and not unplaced:
        # The solver stopped early with something worse than the heuristic: never show less.
        chosen, source = greedy_plan, "greedy"
    chosen = complete(org, policy, chosen, cands)
    chosen = _link_requests(org, chosen)
    objective = plan_objective(org, policy, chosen)
    violations = check_plan(org, policy, chosen)
    if violations:
        raise AssertionError("the planner produced a plan that breaks hard constraints: "
                             + "; ".join(v.message for v in violations))
    status = outcome.status
    bound = outcome.bound
    gap = solving.relative_gap(objective, bound)
    if bound is not None and objective >= bound - 1e-6:
        status, gap = "optimal", 0.0
    # Otherwise the solver's word stands: "optimal" means it proved the plan within gap_rel
    # (CBC prints its bound to six digits, so recomputing the gap here could only add noise).
    return PlanResult(status, objective, bound, gap, time.perf_counter() - started,
                      source=source, message=_status_message(status, gap, source),
                      rotations=chosen, refusals=refusals(org, policy, chosen),
                      explanation=[], violations=violations, **common)


def _status_message(status: str, gap: float | None, source: str) -> str:
    if status == "optimal" and not gap:
        text = "Optimal: no better plan exists under this policy."
    elif status == "optimal":
        text = f"Optimal within tolerance: at most {gap:.2%} below the best possible plan."
    elif gap is not None:
        text = f"Feasible: within {gap:.1%} of the best possible plan (the solver ran out of time)."
    else:
        text = "Feasible: the solver ran out of time before it could bound the best plan."
    if source == "greedy":
        text += " The quick heuristic's plan was better than the solver's, so it is shown."
    return text


def complete(org: Organisation, policy: Policy, plan_: Sequence[Rotation],
             cands: Sequence[Candidate] | None = None) -> list[Rotation]:
    """Add every open request that still fits: an addable request is never left out."""
    ledger = Ledger(org, policy)
    for rotation in plan_:
        ledger.add(rotation)
    cands = candidates(org, policy) if cands is None else cands
    # Requests may fit in quarters the model never saw (pruned triples never fit, so no loss).
    _add_requests(org, policy, ledger, cands)
    return ledger.rotations


def refusals(org: Organisation, policy: Policy, plan_: Sequence[Rotation]) -> dict[str, Refusal]:
    """For each open request the plan does not honour: what refuses it, quarter by quarter."""
    ledger = Ledger(org, policy)
    for rotation in plan_:
        ledger.add(rotation)
    out = {}
    for request in org.requests:
        if any(answers(request, r, org) for r in plan_):
            continue
        reasons: list[Violation] = []
        hosts = request_hosts(org, request)
        quarters = request_quarters(request, policy)
        if not hosts:
            what = (f"no team holds {org.skill_names.get(request.skill_id, request.skill_id)} "
                    "at practitioner level" if request.host_team == ANY_TEAM
                    else f"{request.host_team} is not a team")
            reasons.append(Violation(5, f"The request cannot be met: {what}"))
        if not quarters:
            reasons.append(Violation(5, f"The window Q{request.earliest}–Q{request.latest} lies "
                                        f"outside the {policy.quarters}-quarter horizon"))
        for host in hosts:
            for quarter in quarters:
                reasons.extend(ledger.reasons(request.person_id, host, quarter))
        out[request.request_id] = Refusal(request.request_id, reasons)
    return out


def explain_infeasible(org: Organisation, policy: Policy, commitments: Sequence[Rotation],
                       cands: Sequence[Candidate]) -> list[str]:
    """Which commitments cannot all hold, and why, via a pre-check and a relaxed model."""
    lines = []
    empty = Ledger(org, policy)
    alone_ok = []
    for rotation in commitments:
        reasons = empty.reasons(rotation.person_id, rotation.host_team, rotation.quarter)
        if reasons:
            lines.append(_commitment_words(org, rotation) + ": "
                         + "; ".join(v.message for v in reasons) + ".")
        else:
            alone_ok.append(rotation)
    if lines:
        return lines
    model = build_model(org, policy, cands, alone_ok, relaxed=True)
    outcome = solving.solve(model.problem, solver=policy.solver,
                            time_limit=policy.time_limit, gap_rel=0.0,
                            highs_options=HIGHS_OPTIONS)
    kept = [c for k, c in enumerate(alone_ok)
            if outcome.values.get(model.slack[k].name, 1.0) < 0.5] if outcome.values else []
    ledger = Ledger(org, policy)
    for rotation in kept:
        ledger.add(rotation)
    for rotation in alone_ok:
        if rotation in kept:
            continue
        reasons = ledger.reasons(rotation.person_id, rotation.host_team, rotation.quarter)
        detail = "; ".join(v.message for v in reasons) or "it conflicts with other commitments"
        lines.append(f"{_commitment_words(org, rotation)} conflicts with the other approved "
                     f"rotations: {detail}.")
    return lines or ["The approved rotations cannot all be kept under this policy; loosen the "
                     "policy or revisit an approval."]


def _commitment_words(org: Organisation, rotation: Rotation) -> str:
    name = org.names.get(rotation.person_id, rotation.person_id)
    return f"The approved rotation of {name} to {rotation.host_team} in Q{rotation.quarter}"


# --- tables for the pages, the CLI and the store ---------------------------------------------

PLAN_COLUMNS = ("person_id", "name", "home_team", "host_team", "quarter", "request_id",
                "requested", "committed", "learning", "skills")


def plan_frame(org: Organisation, policy: Policy, rotations: Sequence[Rotation]) -> pd.DataFrame:
    rows = [{
        "person_id": r.person_id, "name": org.names.get(r.person_id, r.person_id),
        "home_team": org.home[r.person_id], "host_team": r.host_team, "quarter": r.quarter,
        "request_id": r.request_id or "", "requested": r.request_id is not None,
        "committed": r.committed,
        "learning": round(learning_value(org, r.person_id, r.host_team, policy), 3),
        "skills": ", ".join(org.skill_names.get(s, s)
                            for s in learnable(org, r.person_id, r.host_team, policy)),
    } for r in sorted(rotations, key=lambda r: (r.quarter, r.host_team, r.person_id))]
    return pd.DataFrame(rows, columns=list(PLAN_COLUMNS))


def request_outcomes(org: Organisation, result: PlanResult) -> pd.DataFrame:
    """Every open request: planned (with quarter) or refused (with the constraint and words)."""
    planned = {r.request_id: r for r in result.rotations if r.request_id}
    rows = []
    for request in org.requests:
        rotation = planned.get(request.request_id)
        refusal = result.refusals.get(request.request_id)
        rows.append({
            "request_id": request.request_id, "person_id": request.person_id,
            "name": org.names.get(request.person_id, request.person_id),
            "host_team": request.host_team or "any team holding the skill",
            "window": f"Q{request.earliest}–Q{request.latest}", "priority": request.priority,
            "outcome": "planned" if rotation else "refused",
            "quarter": rotation.quarter if rotation else None,
            "constraints": ", ".join(str(c) for c in refusal.constraints) if refusal else "",
            "reason": refusal.text if refusal else "",
        })
    return pd.DataFrame(rows, columns=["request_id", "person_id", "name", "host_team", "window",
                                       "priority", "outcome", "quarter", "constraints",
                                       "reason"])


# --- requests, plan versions and decisions in the store ---------------------------------------































