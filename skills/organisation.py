"""The one indexed model of a snapshot, and the one definition of every domain quantity.

Everything that asks "who can do this work", "how many could", "is this team's target met" or
"what will a mentoring pair or a rotation teach" asks it here: the SQL queries (through the
`$practitioner_level` parameter the store binds from `PRACTITIONER_LEVEL`), coverage, every
planner, every checker and every figure. Levels and interests are dense people x skills
arrays: at 20,000 people and 60 skills that is 1.2 million bytes each, and every question
below is one vectorised expression instead of a loop over people.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from skills.dataset import Dataset
from skills.taxonomy import MAX_INTEREST, MAX_LEVEL, PRACTITIONER_LEVEL

# A practitioner (PRACTITIONER_LEVEL, the scale's "Practitioner", defined with the scale so
# that the importer reads it without this module's pandas) can do the work unsupervised; the
# practitioners of a skill are its holders and their number is its bus factor. SQL gets this
# value as the bound `$practitioner_level`.
EXPERT_LEVEL = MAX_LEVEL
# Growing one level with a mentor takes this many quarters (the hiring planner's grow action,
# accepted mentoring pairs counted as learning under way); a mentor coaches one person at a
# time, so over a horizon each mentor can grow horizon // QUARTERS_PER_LEVEL people.
QUARTERS_PER_LEVEL = 2
# An interest at or above this makes a person a candidate to grow (hiring) or a successor who
# will get there (succession).
KEEN_INTEREST = 2

SQL_PARAMETERS: dict[str, Any] = {"practitioner_level": PRACTITIONER_LEVEL}


def is_practitioner(level: Any) -> Any:
    """True where `level` (a number or an array) is at practitioner level or above."""
    return np.asarray(level) >= PRACTITIONER_LEVEL


def mentor_level_for(target_level: int) -> int:
    """The level a mentor needs to grow someone to `target_level`: practitioner at least."""
    return max(int(target_level), PRACTITIONER_LEVEL)


def levels_grown(horizon_quarters: int) -> int:
    """Levels one mentored person can grow within the horizon: one, if the horizon allows it.

    The planners count at most one level per person and horizon: a second level needs a new
    assessment before anyone plans on it.
    """
    return 1 if horizon_quarters >= QUARTERS_PER_LEVEL else 0


def mentees_per_mentor(horizon_quarters: int) -> int:
    """How many people one mentor can grow one level each over the horizon."""
    return max(0, int(horizon_quarters)) // QUARTERS_PER_LEVEL


def rotation_growth(level: int) -> int:
    """The level a rotator reaches in a skill the host team practises and they want to learn.

    One quarter embedded in a team that practises a skill teaches the last step to practitioner
    and no more: someone at Working becomes a practitioner; lower levels are not counted.
    """
    return PRACTITIONER_LEVEL if level == PRACTITIONER_LEVEL - 1 else level


def shown_names(person_ids: Sequence[object], names: Sequence[object],
                teams: Sequence[object]) -> list[str]:
    """The name to show for each person, wherever a name stands in a picker or a table: two
    people with the same name in the same team would read as one, so each of them gets their
    id appended ("Jakub Virtanen (P079)"); everyone else is shown by name alone."""
    shown, ids = _texts(names), _texts(person_ids)
    frame = pd.DataFrame({"name": shown, "team": _texts(teams)})
    for i in np.flatnonzero(frame.duplicated(["name", "team"], keep=False).to_numpy()).tolist():
        shown[i] = f"{shown[i]} ({ids[i]})"
    return shown


def _texts(values: Sequence[object]) -> list[str]:
    # Item by item, a column of Arrow strings costs a conversion per item (0.1 s per 20,000).
    if isinstance(values, pd.Series):
        return list(values.astype(str).tolist())
    return [str(v) for v in values]


def shown_name_map(people: pd.DataFrame) -> dict[str, str]:
    """person_id → shown name (`shown_names`) for a people table (person_id, name, team):
    for labelling the rows of a query by the same rule as the organisation model."""
    ids = people["person_id"].astype(str).tolist()
    return dict(zip(ids, shown_names(ids, people["name"], people["team"]), strict=True))


def _positions(values: pd.Series, keys: np.ndarray) -> np.ndarray:
    """Where each value (as text) is in `keys`, -1 where it is not: one hash lookup in Arrow
    (25 ms for 830,000 ratings, against 0.15-0.3 s through a pandas index)."""
    try:
        found = pc.index_in(pa.array(values.astype(str), type=pa.large_string()),
                            value_set=pa.array([str(k) for k in keys], type=pa.large_string()))
        return np.asarray(found.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)
    except (pa.ArrowException, TypeError, ValueError):
        return pd.Index(keys).get_indexer(values.astype(str))


@dataclass(frozen=True)
class Targets:
    """Team targets as parallel arrays; index t is one (team, skill, min_level, min_people)."""

    team: np.ndarray         # team code per target
    skill: np.ndarray        # skill index per target
    min_level: np.ndarray
    min_people: np.ndarray
    origin: np.ndarray

    def __len__(self) -> int:
        return len(self.team)


@dataclass(frozen=True, eq=False)
class Organisation:
    """People x skills of one snapshot, indexed; build it once with `Organisation.of`."""

    person_ids: np.ndarray     # object array of str
    names: np.ndarray
    team_code: np.ndarray      # index into team_names, per person
    team_names: tuple[str, ...]
    disciplines: np.ndarray    # discipline code per person
    emails: np.ndarray
    skill_ids: np.ndarray
    skill_names: np.ndarray
    skill_disciplines: np.ndarray
    critical: np.ndarray       # bool per skill
    level: np.ndarray          # int8, people x skills, 0 where unrated
    interest: np.ndarray       # int8, people x skills
    targets: Targets
    cache: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    # --- building ---------------------------------------------------------------------------

    @classmethod
    def of(cls, dataset: Dataset) -> Organisation:
        """The organisation of a validated dataset (unknown ids in ratings are ignored)."""
        people, skills, ratings = dataset.people, dataset.skills, dataset.ratings
        person_ids = people["person_id"].astype(str).to_numpy(dtype=object)
        skill_ids = skills["skill_id"].astype(str).to_numpy(dtype=object)
        team_code, team_index = pd.factorize(people["team"].astype(str), sort=True)
        team_names = tuple(str(t) for t in team_index)
        level = np.zeros((len(person_ids), len(skill_ids)), dtype=np.int8)
        interest = np.zeros_like(level)
        if len(ratings):
            rows = _positions(ratings["person_id"], person_ids)
            cols = _positions(ratings["skill_id"], skill_ids)
            known = (rows >= 0) & (cols >= 0)
            level[rows[known], cols[known]] = (
                pd.to_numeric(ratings["level"]).to_numpy(dtype=np.int64)[known])
            interest[rows[known], cols[known]] = (
                pd.to_numeric(ratings["interest"]).fillna(0).to_numpy(dtype=np.int64)[known])
        frame = dataset.targets
        t_team = pd.Index(team_names).get_indexer(frame["team"].astype(str))
        t_skill = pd.Index(skill_ids).get_indexer(frame["skill_id"].astype(str))
        # A target for a team nobody is in still counts (and is unmet): it gets its own code.
        extra = sorted(set(frame["team"].astype(str)[t_team < 0]))
        if extra:
            team_names = team_names + tuple(extra)
            t_team = pd.Index(team_names).get_indexer(frame["team"].astype(str))
        keep = t_skill >= 0
        origin = (frame["origin"] if "origin" in frame else pd.Series(["file"] * len(frame)))
        targets = Targets(
            team=t_team[keep].astype(np.int64), skill=t_skill[keep].astype(np.int64),
            min_level=pd.to_numeric(frame["min_level"]).to_numpy(dtype=np.int64)[keep],
            min_people=pd.to_numeric(frame["min_people"]).to_numpy(dtype=np.int64)[keep],
            origin=origin.astype(str).to_numpy(dtype=object)[keep])
        text = people.get("email", pd.Series([None] * len(people)))
        return cls(
            person_ids=person_ids,
            names=np.asarray(shown_names(person_ids, people["name"], people["team"]),
                             dtype=object),
            team_code=np.asarray(team_code, dtype=np.int64), team_names=team_names,
            disciplines=people["discipline"].astype(str).to_numpy(dtype=object),
            emails=text.to_numpy(dtype=object),
            skill_ids=skill_ids, skill_names=skills["name"].astype(str).to_numpy(dtype=object),
            skill_disciplines=skills["discipline"].astype(str).to_numpy(dtype=object),
            critical=skills["critical"].astype(bool).to_numpy(), level=level,
            interest=interest, targets=targets)

    def with_levels(self, level: np.ndarray) -> Organisation:
        """The same organisation with other levels: after learning, or a what-if."""
        return replace(self, level=np.asarray(level, dtype=np.int8), cache={})

    def without(self, person_ids: Iterable[str]) -> Organisation:
        """The organisation once these people have left (their targets stay)."""
        # A set lookup: np.isin sorts object arrays (0.2 s at 2,000 people), pandas' string
        # isin is slower still.
        leaving = {str(p) for p in person_ids}
        gone = np.fromiter((p in leaving for p in self.person_ids), dtype=bool,
                           count=len(self.person_ids))
        stay = ~gone
        return replace(self, person_ids=self.person_ids[stay], names=self.names[stay],
                       team_code=self.team_code[stay], disciplines=self.disciplines[stay],
                       emails=self.emails[stay], level=self.level[stay],
                       interest=self.interest[stay], cache={})

    # --- lookups ----------------------------------------------------------------------------

    @property
    def n_people(self) -> int:
        return len(self.person_ids)

    @property
    def n_skills(self) -> int:
        return len(self.skill_ids)

    @property
    def n_teams(self) -> int:
        return len(self.team_names)

    @cached_property
    def person_index(self) -> dict[str, int]:
        return {str(p): i for i, p in enumerate(self.person_ids)}

    @cached_property
    def skill_index(self) -> dict[str, int]:
        return {str(s): i for i, s in enumerate(self.skill_ids)}

    @cached_property
    def team_index(self) -> dict[str, int]:
        return {t: i for i, t in enumerate(self.team_names)}

    @cached_property
    def teams(self) -> np.ndarray:
        """Team name per person."""
        return np.asarray(self.team_names, dtype=object)[self.team_code]

    @cached_property
    def team_size(self) -> np.ndarray:
        return np.bincount(self.team_code, minlength=self.n_teams)

    def members(self, team: int) -> np.ndarray:
        """Indexes of the people in team code `team`, in order."""
        return self._members_by_team[team]

    @cached_property
    def _members_by_team(self) -> list[np.ndarray]:
        # One stable sort instead of a pass over everyone per team (740 teams, 20,000 people).
        order = np.argsort(self.team_code, kind="stable")
        starts = np.searchsorted(self.team_code[order], np.arange(self.n_teams + 1))
        return [order[starts[t]:starts[t + 1]] for t in range(self.n_teams)]

    def level_of(self, person_id: str, skill_id: str) -> int:
        i, s = self.person_index.get(person_id), self.skill_index.get(skill_id)
        return 0 if i is None or s is None else int(self.level[i, s])

    def interest_of(self, person_id: str, skill_id: str) -> int:
        i, s = self.person_index.get(person_id), self.skill_index.get(skill_id)
        return 0 if i is None or s is None else int(self.interest[i, s])

    # --- the domain quantities --------------------------------------------------------------

    def practitioners(self, level: np.ndarray | None = None) -> np.ndarray:
        """People x skills: True where the person is a practitioner (a holder) of the skill."""
        return is_practitioner(self.level if level is None else level)

    def bus_factor(self, level: np.ndarray | None = None,
                   present: np.ndarray | None = None) -> np.ndarray:
        """Per skill: practitioners in the organisation (among `present` people when given)."""
        held = self.practitioners(level)
        if present is not None:
            held = held & present[:, None]
        return held.sum(axis=0).astype(np.int64)

    def team_practitioners(self, level: np.ndarray | None = None) -> np.ndarray:
        """Teams x skills: how many members of each team are practitioners of each skill."""
        held = self.practitioners(level).astype(np.int64)
        out = np.zeros((self.n_teams, self.n_skills), dtype=np.int64)
        np.add.at(out, self.team_code, held)
        return out

    def team_holds(self, level: np.ndarray | None = None) -> np.ndarray:
        """Teams x skills: True where the team has at least one practitioner of the skill."""
        return self.team_practitioners(level) > 0

    def qualifying(self, level: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(person, target) index pairs where the person is in the target's team at its level,
        by target and then person.

        Only a target's own team can count for it, so each target looks at its members alone:
        at 20,000 people and 3,500 targets that is 95,000 looks instead of the 70 million
        cells of the people x targets matrix (half a second per call).
        """
        lv = self.level if level is None else level
        t = self.targets
        order = np.argsort(self.team_code, kind="stable")
        starts = np.searchsorted(self.team_code[order], np.arange(self.n_teams + 1))
        size = starts[t.team + 1] - starts[t.team]
        target = np.repeat(np.arange(len(t), dtype=np.int64), size)
        offset = np.arange(int(size.sum()), dtype=np.int64) - np.repeat(np.cumsum(size) - size,
                                                                        size)
        person = order[np.repeat(starts[t.team], size) + offset]
        ok = lv[person, t.skill[target]] >= t.min_level[target]
        return person[ok].astype(np.int64), target[ok]

    def qualifies(self, level: np.ndarray | None = None) -> np.ndarray:
        """People x targets: True where the person is in the target's team at its level."""
        person, target = self.qualifying(level)
        out = np.zeros((self.n_people, len(self.targets)), dtype=bool)
        out[person, target] = True
        return out

    def target_have(self, level: np.ndarray | None = None,
                    present: np.ndarray | None = None) -> np.ndarray:
        """Per target: members of its team at or above its level (among `present` people)."""
        person, target = self.qualifying(level)
        if present is not None:
            target = target[np.asarray(present, dtype=bool)[person]]
        return np.bincount(target, minlength=len(self.targets)).astype(np.int64)

    def target_missing(self, level: np.ndarray | None = None,
                       present: np.ndarray | None = None) -> np.ndarray:
        """Per target: max(0, min_people - have), the people the team is short."""
        return np.maximum(0, self.targets.min_people - self.target_have(level, present))

    def target_met(self, level: np.ndarray | None = None,
                   present: np.ndarray | None = None) -> np.ndarray:
        return self.target_missing(level, present) == 0

    def target_status(self, level: np.ndarray | None = None) -> pd.DataFrame:
        """One row per target, the columns of `sql/target_gaps.sql`."""
        t = self.targets
        have = self.target_have(level)
        return pd.DataFrame({
            "team": np.asarray(self.team_names, dtype=object)[t.team],
            "skill_id": self.skill_ids[t.skill], "skill_name": self.skill_names[t.skill],
            "discipline": self.skill_disciplines[t.skill], "critical": self.critical[t.skill],
            "min_level": t.min_level, "min_people": t.min_people, "have": have,
            "missing": np.maximum(0, t.min_people - have), "origin": t.origin})

    def sole_practitioners(self) -> pd.DataFrame:
        """(person, skill) where the person is the only practitioner of a critical skill."""
        held = self.practitioners()
        sole = self.critical & (held.sum(axis=0) == 1)
        people, skills = np.nonzero(held[:, sole])
        skill_index = np.flatnonzero(sole)[skills]
        return pd.DataFrame({"person_id": self.person_ids[people],
                             "skill_id": self.skill_ids[skill_index],
                             "level": self.level[people, skill_index].astype(int)})

    def interest_share(self) -> np.ndarray:
        """People x skills: interest as a share of the most there is (3)."""
        return self.interest.astype(float) / MAX_INTEREST


def grown_levels(org: Organisation, growth: Sequence[tuple[str, str, int]]) -> np.ndarray:
    """`org.level` raised to each (person, skill, to_level) of learning under way."""
    level = org.level.copy()
    for person_id, skill_id, to_level in growth:
        i, s = org.person_index.get(person_id), org.skill_index.get(skill_id)
        if i is not None and s is not None:
            level[i, s] = max(int(level[i, s]), int(to_level))
    return level
