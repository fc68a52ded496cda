"""The quick heuristic, completing a plan with every request that still fits, and linking
rotations to the requests they answer.

These loop over many candidate rotations, so they keep the rules on integer codes (`Slots`);
`check.Ledger` keeps the same rules on names, with the words, for explanations.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace

import numpy as np

from skills.plans.rotations.columns import Space, initial_keys, space
from skills.plans.rotations.model import (
    Policy,
    Request,
    Rotation,
    RotationOrg,
    answers,
    learning_matrix,
)


class Slots:
    """The five rules on integer codes for a plan under construction (rule 5 by construction:
    request rotations are only placed in their own options)."""

    def __init__(self, s: Space) -> None:
        self.s = s
        self.count = [0] * s.people
        self.busy: set[tuple[int, int]] = set()
        self.away = [[0] * (s.quarters + 1) for _ in range(s.teams)]
        self.hosted = [[0] * (s.quarters + 1) for _ in range(s.teams)]
        self.target_away = [[0] * (s.quarters + 1) for _ in range(len(s.slack))]
        self.slack = s.slack.tolist()
        self.caps = s.away_cap.tolist()
        self.home = s.home.tolist()
        q = s.qualified
        self.targets_of = [q.indices[q.indptr[p]:q.indptr[p + 1]].tolist()
                           for p in range(s.people)]
        self.allowed = s.allowed
        self.added: list[tuple[int, int, int]] = []

    def fits(self, p: int, h: int, q: int) -> bool:
        s = self.s
        home = self.home[p]
        if (h == home or not 1 <= q <= s.quarters or (p, q) in self.busy
                or self.count[p] >= s.max_rotations or self.away[home][q] >= self.caps[home]
                or self.hosted[h][q] >= s.host_cap):
            return False
        return all(self.target_away[t][q] < self.slack[t] for t in self.targets_of[p])

    def add(self, p: int, h: int, q: int) -> None:
        self.count[p] += 1
        self.busy.add((p, q))
        self.away[self.home[p]][q] += 1
        self.hosted[h][q] += 1
        for t in self.targets_of[p]:
            self.target_away[t][q] += 1
        self.added.append((p, h, q))


def _codes(org: RotationOrg, rotation: Rotation) -> tuple[int, int, int] | None:
    p, h = org.person_codes.get(rotation.person_id), org.team_codes.get(rotation.host_team)
    return None if p is None or h is None else (p, h, rotation.quarter)


def _rotation(org: RotationOrg, p: int, h: int, q: int, request_id: str | None = None) -> Rotation:
    return Rotation(str(org.base.person_ids[p]), org.base.team_names[h], q, request_id)


def greedy(org: RotationOrg, policy: Policy, commitments: Sequence[Rotation] = (),
           s: Space | None = None,
           keys: np.ndarray | None = None) -> tuple[list[Rotation], list[Rotation]]:
    """Commitments first, then requests by priority, then the most learning per rotation.

    Returns the plan and the commitments that did not fit.
    """
    s = space(org, policy, commitments) if s is None else s
    keys = initial_keys(org, policy, s, list(commitments)) if keys is None else keys
    return _fill(org, policy, s, commitments, keys, np.zeros(len(keys)))


def guided(org: RotationOrg, policy: Policy, commitments: Sequence[Rotation], s: Space,
           keys: np.ndarray, lp: np.ndarray) -> list[Rotation]:
    """The greedy again, led by the LP's values: when the LP is integral this is its plan.

    Commitments first, then requests (each in the option the LP likes most), then the columns
    the LP uses, most used first, then the rest by learning.
    """
    return _fill(org, policy, s, commitments, keys, lp)[0]


def _fill(org: RotationOrg, policy: Policy, s: Space, commitments: Sequence[Rotation],
          keys: np.ndarray, lp: np.ndarray) -> tuple[list[Rotation], list[Rotation]]:
    slots = Slots(s)
    kept: list[Rotation] = []
    unplaced = []
    for rotation in commitments:
        codes = _codes(org, rotation)
        if codes is not None and slots.fits(*codes):
            slots.add(*codes)
            kept.append(replace(rotation, committed=True))
        else:
            unplaced.append(rotation)
    liked = dict(zip(keys[lp > 1e-6].tolist(), lp[lp > 1e-6].tolist(), strict=True))
    placed = _add_requests(org, s, slots, kept, liked)
    person, host, quarter = s.split(keys)
    value = s.value[person, host]
    used = lp > 1e-6
    first = np.flatnonzero(used)[np.lexsort((keys[used], -value[used], -lp[used]))]
    rest = np.flatnonzero(~used & (value > 0))
    rest = rest[np.lexsort((keys[rest], -value[rest]))] if s.unrequested else rest[:0]
    order = np.concatenate([first, rest])
    extra: list[Rotation] = []
    count, most = slots.count, s.max_rotations
    room = policy.unrequested_limit(len(placed))
    for p, h, q, gain in zip(person[order].tolist(), host[order].tolist(),
                             quarter[order].tolist(), value[order].tolist(), strict=True):
        if len(extra) >= room:
            break
        # Most candidates belong to someone already placed: skip them before the full check.
        if count[p] < most and gain > 0 and slots.fits(p, h, q):
            slots.add(p, h, q)
            extra.append(_rotation(org, p, h, q))
    return within_cap(org, policy, link_requests(org, kept + placed + extra)), unplaced


def within_cap(org: RotationOrg, policy: Policy, plan: Sequence[Rotation]) -> list[Rotation]:
    """The plan without its least valuable new unrequested rotations beyond the policy's cap.

    Leaving a rotation out never breaks another rule (they all limit who is away or hosted),
    and an unrequested rotation answers no request, so the requested ones stay as they are.
    """
    rotations = list(plan)
    free = [r for r in rotations if not r.committed and r.request_id is None]
    requested = sum(1 for r in rotations if not r.committed and r.request_id is not None)
    room = policy.unrequested_limit(requested)
    if len(free) <= room:
        return rotations
    value = learning_matrix(org, policy)
    codes = org.person_codes, org.team_codes
    free.sort(key=lambda r: (-value[codes[0][r.person_id], codes[1][r.host_team]],
                             r.person_id, r.quarter, r.host_team))
    dropped = set(free[room:])
    return [r for r in rotations if r not in dropped]


def _add_requests(org: RotationOrg, s: Space, slots: Slots, plan: Sequence[Rotation],
                  liked: dict[int, float] | None = None) -> list[Rotation]:
    """Place every open request that still fits, most important first, in the option `liked`
    most (the LP's value), then the one that teaches most. Returns the rotations added."""
    liked = liked or {}
    honoured = {r.request_id for r in matched(org, plan).values()}
    index = {request_id: r for r, request_id in enumerate(s.request_ids)}
    by_request = np.argsort(s.option_request, kind="stable")
    starts = np.searchsorted(s.option_request[by_request], np.arange(len(s.request_ids) + 1))
    added = []
    for request in sorted(org.requests, key=lambda r: (-r.priority, r.request_id)):
        r = index.get(request.request_id)
        if r is None or request.request_id in honoured:
            continue
        options = s.option_key[by_request[starts[r]:starts[r + 1]]]
        person, host, quarter = s.split(options)
        value = s.value[person, host]
        rank = np.lexsort((host, quarter, -value,
                           -np.array([liked.get(k, 0.0) for k in options.tolist()])))
        for k in rank.tolist():
            p, h, q = int(person[k]), int(host[k]), int(quarter[k])
            if slots.fits(p, h, q):
                slots.add(p, h, q)
                added.append(_rotation(org, p, h, q, request.request_id))
                honoured.add(request.request_id)
                break
    return added


def complete(org: RotationOrg, policy: Policy, plan: Sequence[Rotation],
             s: Space | None = None) -> list[Rotation]:
    """Add every open request that still fits: an addable request is never left out."""
    s = space(org, policy) if s is None else s
    slots = Slots(s)
    for rotation in plan:
        codes = _codes(org, rotation)
        if codes is not None:
            slots.add(*codes)
    return link_requests(org, list(plan) + _add_requests(org, s, slots, plan))


def matched(org: RotationOrg, plan: Iterable[Rotation]) -> dict[int, Request]:
    """The best assignment of rotations (by position) to the open requests they answer.

    One rotation answers one request and a request needs one rotation; per person, the
    assignment with the most priority wins (people have few rotations and requests, so every
    assignment is tried).
    """
    rotations = list(plan)
    by_person: dict[str, list[Request]] = defaultdict(list)
    for request in org.requests:
        by_person[request.person_id].append(request)
    mine: dict[str, list[int]] = defaultdict(list)
    kept: dict[str, set[str]] = defaultdict(set)
    for k, rotation in enumerate(rotations):
        if rotation.person_id not in by_person:
            continue
        if rotation.committed and rotation.request_id:
            kept[rotation.person_id].add(rotation.request_id)
        else:
            mine[rotation.person_id].append(k)
    out: dict[int, Request] = {}
    for person, positions in mine.items():
        requests = sorted(by_person[person], key=lambda r: (-r.priority, r.request_id))
        requests = [r for r in requests if r.request_id not in kept[person]]
        choices = [[None] + [r for r in requests if answers(r, rotations[k], org)]
                   for k in positions]
        best: tuple[float, tuple[Request | None, ...]] = (-1.0, ())
        for pick in itertools.product(*choices):
            ids = [r.request_id for r in pick if r is not None]
            if len(ids) != len(set(ids)):
                continue
            score = float(sum(r.priority for r in pick if r is not None))
            if score > best[0]:
                best = (score, pick)
        for k, pick_k in zip(positions, best[1], strict=True):
            if pick_k is not None:
                out[k] = pick_k
    return out


def link_requests(org: RotationOrg, plan: Iterable[Rotation]) -> list[Rotation]:
    """Tie each rotation to the request it answers in the best assignment, if any."""
    rotations = sorted(plan, key=lambda r: (r.person_id, r.quarter, r.host_team))
    links = matched(org, rotations)
    out = []
    for k, rotation in enumerate(rotations):
        # An approved rotation keeps the request it answered, even though that one is closed.
        if not (rotation.committed and rotation.request_id):
            link = links[k].request_id if k in links else None
            if link != rotation.request_id:
                rotation = replace(rotation, request_id=link)
        out.append(rotation)
    return out
