"""Learning already under way: accepted mentoring pairs and approved rotations.

The hiring planner counts it before it hires, so a gap a mentee is already closing is not
bought twice, and someone already learning is not asked to grow in another skill as well.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from skills.dataset import Dataset


@dataclass(frozen=True)
class PlannedLearning:
    person_id: str
    skill_id: str
    from_level: int
    to_level: int
    source: str  # in words: "accepted mentoring pair with Ana Souza"




def _strongest(found: Sequence[PlannedLearning]) -> list[PlannedLearning]:
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
    ratings = dataset.ratings.set_index(["person_id", "skill_id"])
    for item in learning:
        key = (item.person_id, item.skill_id)
        if key in ratings.index:
            ratings.loc[key, "level"] = max(int(ratings.loc[key, "level"]), item.to_level)
        else:
            ratings.loc[key, ["level", "interest", "assessed_on"]] = (item.to_level, 0, None)
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


