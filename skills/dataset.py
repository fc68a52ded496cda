"""The validated dataset: what a load stores, table for table."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "people": ("person_id", "name", "team", "discipline", "role", "manager_id", "email"),
    "skills": ("skill_id", "name", "discipline", "critical", "description"),
    "ratings": ("person_id", "skill_id", "level", "interest", "assessed_on"),
    "targets": ("team", "skill_id", "min_level", "min_people", "origin"),
    "requests": ("request_id", "person_id", "host_team", "skill_id", "earliest_quarter",
                 "latest_quarter", "priority", "note", "status"),
}


@dataclass
class Dataset:
    """A whole organisation: people, skills, ratings, team targets and rotation requests."""

    people: pd.DataFrame
    skills: pd.DataFrame
    ratings: pd.DataFrame
    targets: pd.DataFrame
    requests: pd.DataFrame
    warnings: list[str] = field(default_factory=list)
    source: str = ""

    def tables(self) -> dict[str, pd.DataFrame]:
        return {name: getattr(self, name) for name in TABLE_COLUMNS}

    def summary(self) -> dict[str, int]:
        return {
            "people": len(self.people),
            "teams": int(self.people["team"].nunique()),
            "skills": len(self.skills),
            "ratings": len(self.ratings),
            "targets": len(self.targets),
            "requests": len(self.requests),
        }


_SINGULAR = {"people": "person", "teams": "team", "skills": "skill", "ratings": "rating",
             "targets": "target", "requests": "rotation request"}
_PLURAL = {"requests": "rotation requests"}


def describe_counts(counts: dict[str, int]) -> str:
    """'2 people, 1 team, 1 skill, …' in words a user reads."""
    return ", ".join(
        f"{n} {_SINGULAR[k] if n == 1 else _PLURAL.get(k, k)}" for k, n in counts.items()
    )


def empty_table(name: str) -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype="object") for column in TABLE_COLUMNS[name]})


def default_targets(people: pd.DataFrame, skills: pd.DataFrame,
                    ratings: pd.DataFrame) -> pd.DataFrame:
    """Without a targets sheet: keep a practitioner wherever a team has one in a critical skill."""
    critical = skills.loc[skills["critical"].astype(bool), ["skill_id"]]
    held = ratings.loc[ratings["level"] >= 3, ["person_id", "skill_id"]]
    held = held.merge(critical, on="skill_id").merge(people[["person_id", "team"]],
                                                      on="person_id")
    targets = held[["team", "skill_id"]].drop_duplicates().sort_values(["team", "skill_id"])
    targets = targets.assign(min_level=3, min_people=1, origin="default")
    return targets.reset_index(drop=True)[list(TABLE_COLUMNS["targets"])]
