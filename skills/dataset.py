"""The validated dataset: what a load stores, table for table."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pyarrow as pa

if TYPE_CHECKING:
    import pandas as pd

TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "people": ("person_id", "name", "team", "discipline", "role", "manager_id", "email"),
    "skills": ("skill_id", "name", "discipline", "critical", "description"),
    "ratings": ("person_id", "skill_id", "level", "interest", "assessed_on"),
    "targets": ("team", "skill_id", "min_level", "min_people", "origin"),
    "requests": ("request_id", "person_id", "host_team", "skill_id", "earliest_quarter",
                 "latest_quarter", "priority", "note", "status"),
}


class _Table:
    """One table of a dataset, a frame to whoever reads it.

    The importer hands over Arrow tables. They stay Arrow until someone reads the table, so
    a headless load stores them as they are without importing pandas (a third of a large
    load's time) or converting twice. Once read as a frame, the frame is the table: whatever
    the reader did to it is what gets stored.
    """

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: Any, owner: type | None = None) -> pd.DataFrame:
        if instance is None:
            raise AttributeError(self.name)  # a dataclass field without a default
        value = instance.__dict__[self.name]
        if isinstance(value, pa.Table):
            value = _frame(value)
            instance.__dict__[self.name] = value
        return value

    def __set__(self, instance: Any, value: pd.DataFrame | pa.Table) -> None:
        instance.__dict__[self.name] = value


def _frame(table: pa.Table) -> pd.DataFrame:
    import pandas as pd

    frame = table.to_pandas()
    for column in frame.columns:
        # An absent optional column is None throughout, as the tables have always had it.
        if table.column(column).null_count == len(frame):
            frame[column] = pd.Series([None] * len(frame), dtype="object")
    return frame


@dataclass
class Dataset:
    """A whole organisation: people, skills, ratings, team targets and rotation requests."""

    people: _Table = _Table()
    skills: _Table = _Table()
    ratings: _Table = _Table()
    targets: _Table = _Table()
    requests: _Table = _Table()
    warnings: list[str] = field(default_factory=list)
    source: str = ""

    def tables(self) -> dict[str, pd.DataFrame]:
        return {name: getattr(self, name) for name in TABLE_COLUMNS}

    def arrow(self, name: str) -> pa.Table | None:
        """The importer's Arrow table when nobody has read `name` as a frame since."""
        value = self.__dict__[name]
        return value if isinstance(value, pa.Table) else None

    def count(self, name: str) -> int:
        """Rows of one table, without making a frame of it."""
        value = self.__dict__[name]
        return value.num_rows if isinstance(value, pa.Table) else len(value)

    def summary(self) -> dict[str, int]:
        people = self.arrow("people")
        teams = (len(set(people.column("team").to_pylist())) if people is not None
                 else int(self.people["team"].nunique()))
        return {
            "people": self.count("people"),
            "teams": teams,
            "skills": self.count("skills"),
            "ratings": self.count("ratings"),
            "targets": self.count("targets"),
            "requests": self.count("requests"),
        }


_SINGULAR = {"people": "person", "teams": "team", "skills": "skill", "ratings": "rating",
             "targets": "target", "requests": "rotation request"}
_PLURAL = {"requests": "rotation requests"}


def describe_counts(counts: dict[str, int]) -> str:
    """'2 people, 1 team, 3,568 ratings, …' in words a user reads."""
    return ", ".join(
        f"{n:,} {_SINGULAR[k] if n == 1 else _PLURAL.get(k, k)}" for k, n in counts.items()
    )


def shown_source(source: str) -> str:
    """A dataset's `source` as people read it: every path cut to its file or folder name
    ("/srv/hr/q3/people.csv, /srv/hr/q3/skills.csv" reads "people.csv, skills.csv"). A load
    from the command line records its path; where the files sat on the server is for the
    audit trail, not for everyone who reads coverage or their own requests."""
    from pathlib import PurePath

    return ", ".join(PurePath(part).name or part for part in source.split(", "))


def empty_table(name: str) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame({column: pd.Series(dtype="object") for column in TABLE_COLUMNS[name]})
