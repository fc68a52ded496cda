"""Learning already under way: what accepted mentoring pairs and approved rotations will teach.

The hiring planner counts it before it hires, so a gap a mentee is already closing is not
bought twice, and someone already learning is not asked to grow in another skill as well. The
growth rules are the organisation model's (`levels_grown`, `rotation_growth`), the same ones
the hiring planner's own grow action and the rotation planner use; this module only applies
them to the commitments the store holds (skills.services.hiring reads those).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from skills.dataset import Dataset
from skills.organisation import (
    EXPERT_LEVEL,
    Organisation,
    grown_levels,
    levels_grown,
    rotation_growth,
)


@dataclass(frozen=True)
class PlannedLearning:
    person_id: str
    skill_id: str
    from_level: int
    to_level: int
    source: str  # in words: "accepted mentoring pair with Ana Souza"


@dataclass(frozen=True)
class AcceptedPair:
    mentor_id: str
    mentee_id: str
    skill_id: str


@dataclass(frozen=True)
class ApprovedRotation:
    person_id: str
    host_team: str
    quarter: int
    skills: tuple[str, ...]   # what the rotation teaches (the rotation planner's `learnable`)


def from_pairs(org: Organisation, pairs: Iterable[AcceptedPair],
               horizon: int) -> list[PlannedLearning]:
    """A mentee grows `levels_grown(horizon)` levels in the pair's skill: one, or none when
    the horizon is too short to grow a level (the hiring planner's grow rule)."""
    grown = levels_grown(horizon)
    found = []
    for pair in pairs:
        if pair.mentee_id not in org.person_index or pair.mentor_id not in org.person_index:
            continue  # someone who left since the pair was accepted
        level = org.level_of(pair.mentee_id, pair.skill_id)
        to_level = min(EXPERT_LEVEL, level + grown)
        if to_level > level:
            mentor = org.names[org.person_index[pair.mentor_id]]
            found.append(PlannedLearning(pair.mentee_id, pair.skill_id, level, to_level,
                                         f"accepted mentoring pair with {mentor}"))
    return found


def from_rotations(org: Organisation, rotations: Iterable[ApprovedRotation],
                   horizon: int) -> list[PlannedLearning]:
    """A rotator reaches `rotation_growth(level)` in what the rotation teaches, if the rotation
    takes place within the horizon; lower levels are not counted."""
    found = []
    for rotation in rotations:
        if rotation.person_id not in org.person_index or rotation.quarter > horizon:
            continue
        for skill_id in rotation.skills:
            level = org.level_of(rotation.person_id, skill_id)
            to_level = rotation_growth(level)
            if to_level > level:
                found.append(PlannedLearning(
                    rotation.person_id, skill_id, level, to_level,
                    f"approved rotation to {rotation.host_team} in Q{rotation.quarter}"))
    return found


def strongest(found: Sequence[PlannedLearning]) -> list[PlannedLearning]:
    """One entry per person and skill: the one that teaches the most."""
    best: dict[tuple[str, str], PlannedLearning] = {}
    for item in found:
        key = (item.person_id, item.skill_id)
        if key not in best or item.to_level > best[key].to_level:
            best[key] = item
    return sorted(best.values(), key=lambda i: (i.person_id, i.skill_id))


def with_learning(dataset: Dataset, learning: Sequence[PlannedLearning]) -> Dataset:
    """The dataset as it will be once the planned learning has happened."""
    if not learning:
        return dataset
    org = Organisation.of(dataset)
    level = grown_levels(org, [(i.person_id, i.skill_id, i.to_level) for i in learning])
    ratings = dataset.ratings.set_index(["person_id", "skill_id"])
    for item in learning:
        key = (item.person_id, item.skill_id)
        to_level = int(level[org.person_index[item.person_id], org.skill_index[item.skill_id]])
        if key in ratings.index:
            ratings.loc[key, "level"] = to_level
        else:
            ratings.loc[key, ["level", "interest", "assessed_on"]] = (to_level, 0, None)
    ratings = ratings.reset_index()
    ratings["level"] = ratings["level"].astype(int)
    ratings["interest"] = ratings["interest"].astype(int)
    return Dataset(people=dataset.people, skills=dataset.skills,
                   ratings=ratings[list(dataset.ratings.columns)], targets=dataset.targets,
                   requests=dataset.requests, warnings=list(dataset.warnings),
                   source=dataset.source)


def learners(learning: Sequence[PlannedLearning]) -> frozenset[str]:
    return frozenset(item.person_id for item in learning)


def describe(learning: Sequence[PlannedLearning], dataset: Dataset) -> list[str]:
    """One line per item, for the page and the command line."""
    names = dict(zip(dataset.people["person_id"], dataset.people["name"], strict=True))
    skills = dict(zip(dataset.skills["skill_id"], dataset.skills["name"], strict=True))
    return [f"{names.get(i.person_id, i.person_id)} grows from level {i.from_level} to "
            f"{i.to_level} in {skills.get(i.skill_id, i.skill_id)} ({i.source})"
            for i in learning]
