"""The rotation checker: the six hard rules, in plain Python, independent of the model.

`check_plan` re-checks every plan before anyone sees it. `Ledger` keeps the same rules
incrementally for a plan under construction and says, in words a manager can act on, why one
more rotation would not fit (the greedy heuristic, completion, refusals and explanations).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from skills.plans.contract import Violation
from skills.plans.rotations.model import (
    Policy,
    Rotation,
    RotationOrg,
    Target,
    answers,
    away_cap,
)
from skills.taxonomy import LEVELS


def check_plan(org: RotationOrg, policy: Policy, plan: Sequence[Rotation]) -> list[Violation]:
    """Every breach of the six hard rules in `plan`; empty when the plan is sound."""
    found: list[Violation] = []
    per_person_quarter: dict[tuple[str, int], int] = defaultdict(int)
    per_person: dict[str, int] = defaultdict(int)
    away: dict[tuple[str, int], set[str]] = defaultdict(set)
    hosted: dict[tuple[str, int], int] = defaultdict(int)
    linked: dict[str, int] = defaultdict(int)
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
            linked[rotation.request_id] += 1
            request = requests.get(rotation.request_id)
            if request is None or not answers(request, rotation, org):
                found.append(Violation(5, f"{person}'s rotation to {host} in Q{quarter} does "
                                          f"not match request {rotation.request_id}"))
    for request_id, count in linked.items():
        if count > 1:
            found.append(Violation(5, f"request {request_id} is answered by {count} rotations; "
                                      "one rotation answers one request"))
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
    # Rule 6, counted from the plan itself: rotations proposed now that answer no request.
    free = sum(1 for r in plan if not r.committed and r.request_id is None)
    requested = sum(1 for r in plan if not r.committed and r.request_id is not None)
    if not policy.allow_unrequested and free:
        found.append(Violation(6, f"the plan proposes {free} unrequested rotation(s), and the "
                                  "policy allows none"))
    elif policy.allow_unrequested and policy.max_unrequested is not None:
        if free > policy.max_unrequested:
            found.append(Violation(6, f"the plan proposes {free} unrequested rotations, more "
                                      f"than the {policy.max_unrequested} the policy allows"))
    elif policy.allow_unrequested and free > requested:
        found.append(Violation(6, f"the plan proposes {free} unrequested rotations, more than "
                                  f"the {requested} that answer requests"))
    for target in org.targets:
        for quarter in range(1, policy.quarters + 1):
            present = len(target.qualified - away.get((target.team, quarter), set()))
            if present < target.keep:
                found.append(Violation(2, f"{target.team} keeps {present} of {target.keep} "
                                          f"needed at level {target.min_level}+ in "
                                          f"{target.skill_id} in Q{quarter}"))
    return found


class Ledger:
    """A plan under construction that can say why one more rotation would not fit."""

    def __init__(self, org: RotationOrg, policy: Policy) -> None:
        self.org, self.policy = org, policy
        self.rotations: list[Rotation] = []
        self.where: dict[tuple[str, int], str] = {}
        self.count: dict[str, int] = defaultdict(int)
        self.away: dict[tuple[str, int], int] = defaultdict(int)
        self.hosted: dict[tuple[str, int], int] = defaultdict(int)
        self.target_away: dict[tuple[int, int], int] = defaultdict(int)
        self.caps = {team: away_cap(org, team, policy) for team in org.team_size}

    def fits(self, person: str, host: str, quarter: int) -> bool:
        """The same rules as `reasons`, without the words: the greedy asks this often."""
        org, policy = self.org, self.policy
        home = org.home[person]
        if (not 1 <= quarter <= policy.quarters or host == home or host not in org.team_size
                or (person, quarter) in self.where
                or self.count[person] >= policy.max_rotations
                or self.away[(home, quarter)] >= self.caps.get(home, 0)
                or self.hosted[(host, quarter)] >= policy.host_capacity):
            return False
        return all(self.target_away[(index, quarter)] < org.targets[index].slack
                   for index in org.targets_of.get(person, ()))

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
        if host not in org.team_size:
            out.append(Violation(5, f"{host} is not a team with members"))
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
                out.append(Violation(2, target_words(org, target, name, quarter)))
        cap = self.caps.get(home, 0)
        if self.away[(home, quarter)] >= cap:
            out.append(Violation(3, f"Team {home} cannot release anyone else in Q{quarter}: "
                                    f"{self.away[(home, quarter)]} of its {org.team_size[home]} "
                                    f"people would already be away, and the policy allows "
                                    f"{cap} ({policy.max_away_share:.0%})"))
        if self.hosted[(host, quarter)] >= policy.host_capacity:
            out.append(Violation(4, f"{host} already hosts {self.hosted[(host, quarter)]} "
                                    f"rotator(s) in Q{quarter}, its capacity"))
        return out

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


def target_words(org: RotationOrg, target: Target, name: str, quarter: int) -> str:
    skill = org.skill_names.get(target.skill_id, target.skill_id)
    level = LEVELS.get(target.min_level, str(target.min_level)).lower()
    if len(target.qualified) == 1:
        return (f"Team {target.team} cannot release {name} in Q{quarter}: it would lose its "
                f"only {skill} {level}")
    return (f"Team {target.team} cannot release {name} in Q{quarter}: it needs {target.keep} "
            f"of its {len(target.qualified)} people at {level} level in {skill} present")
