"""Coverage metrics: bus factor per skill, target gaps, key people, team x discipline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from skills.access import NotAllowed, Permission
from skills.organisation import shown_name_map
from skills.store import Store
from skills.taxonomy import DISCIPLINES as DISCIPLINES  # the pages' discipline filter

# Heatmaps of more people than this are unreadable; the page asks for a filter instead.
HEATMAP_MAX_PEOPLE = 400
# One row per person is still a picture up to about this many people; beyond it the page shows
# teams x skills and offers a drill-down into one team.
PERSON_ROWS_MAX = 250


@dataclass(frozen=True)
class Scope:
    """Which teams and disciplines a view covers; empty means all."""

    teams: tuple[str, ...] = ()
    disciplines: tuple[str, ...] = ()

    def params(self) -> dict[str, list[str] | None]:
        return {"teams": list(self.teams) or None,
                "disciplines": list(self.disciplines) or None}


def scope(teams: Sequence[str] = (), disciplines: Sequence[str] = ()) -> Scope:
    return Scope(tuple(teams), tuple(disciplines))


ALL = Scope()


def teams(store: Store) -> list[str]:
    """Every team, by name."""
    store.caller.require(Permission.READ_COVERAGE)
    return [str(t) for t in store.read("teams")["team"]]


def team_members(store: Store) -> dict[str, int]:
    """Members per team."""
    store.caller.require(Permission.READ_COVERAGE)
    frame = store.read("teams")
    return dict(zip(frame["team"].astype(str), frame["members"].astype(int), strict=True))


def skill_coverage(store: Store, within: Scope = ALL) -> pd.DataFrame:
    """Per skill: holders at level >= 3 (its bus factor), head count per level, interested."""
    store.caller.require(Permission.READ_COVERAGE)
    return store.read("skill_coverage", **within.params())


def target_gaps(store: Store, within: Scope = ALL) -> pd.DataFrame:
    """Every team target with `have` and `missing = max(0, min_people - have)`, unmet first."""
    store.caller.require(Permission.READ_COVERAGE)
    return store.read("target_gaps", **within.params())


def largest_gaps(store: Store, within: Scope = ALL) -> pd.DataFrame:
    """The unmet targets, most people missing first: team, skill_name, missing and `target`
    in words ("1 of 2 at ≥ 3"), the overview's table."""
    gaps = target_gaps(store, within)
    unmet = gaps[gaps["missing"] > 0].reset_index(drop=True)
    target = [f"{int(h)} of {int(n)} at ≥ {int(lv)}" for h, n, lv in
              zip(unmet["have"], unmet["min_people"], unmet["min_level"], strict=True)]
    return unmet.assign(target=target)[["team", "skill_id", "skill_name", "missing", "have",
                                         "min_people", "min_level", "target"]]


def key_people(store: Store, within: Scope = ALL) -> pd.DataFrame:
    """The sole practitioner of a critical skill, organisation-wide: named people, so only
    for who may see people, and a manager sees those of the teams they lead."""
    return _shown(store, store.read("key_people", **_people_params(store, within)))


def _shown(store: Store, frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with its `name` column as shown: namesakes in one team get their id."""
    if frame.empty:
        return frame
    names = shown_name_map(store.read("people"))
    shown = frame["person_id"].astype(str).map(names)
    return frame.assign(name=shown.fillna(frame["name"]))


def key_people_count(store: Store) -> int:
    """How many key people there are: an aggregate every role may see."""
    store.caller.require(Permission.READ_COVERAGE)
    return int(store.read("key_people_count").at[0, "key_people"])


def _people_params(store: Store, within: Scope) -> dict[str, list[str] | None]:
    """`within` narrowed to the rows the caller may see (the caller's row filter)."""
    store.caller.require(Permission.READ_PEOPLE)
    allowed = store.caller.team_filter()
    params = within.params()
    if allowed is not None:
        params["teams"] = [t for t in (within.teams or allowed) if t in allowed]
    return params


def profile(store: Store, person_id: str | None = None) -> pd.DataFrame:
    """One person's ratings and interests for every skill: the caller's own (the default),
    or someone the caller may see (a manager's team member, anyone for HR)."""
    caller = store.caller
    person_id = person_id or caller.person_id
    if person_id is None:
        raise NotAllowed("say whose profile: this caller is nobody in the matrix")
    frame = store.read("person_profile", person_id=person_id)
    team = None if frame.empty else str(frame["team"].iloc[0])
    if not caller.may_see(person_id, team):
        raise NotAllowed(f"the {caller.role.value} role may not see {person_id}'s profile")
    return frame


def team_discipline_coverage(store: Store, within: Scope = ALL) -> pd.DataFrame:
    """Team x discipline: critical skills held at >= 3 and the state of the team's targets."""
    store.caller.require(Permission.READ_COVERAGE)
    return store.read("team_discipline_coverage", **within.params())


def ratings_matrix(store: Store, within: Scope = ALL,
                   max_people: int = HEATMAP_MAX_PEOPLE) -> pd.DataFrame:
    """People x skills in long form, unrated pairs at level 0, of the people the caller may
    see (a manager: the teams they lead)."""
    return store.read("ratings_matrix", max_people=max_people, **_people_params(store, within))


@dataclass(frozen=True)
class HeatmapView:
    """What the coverage heatmap draws: one row per person, or per team when too many."""

    kind: Literal["people", "teams"]
    frame: pd.DataFrame
    people_in_scope: int


def heatmap_view(store: Store, within: Scope = ALL) -> HeatmapView:
    """People x skills for a small scope, else teams x skills (practitioners, mean level).

    Person rows only for who may see them: engineers always get teams x skills, and a
    manager gets person rows for a scope within the teams they lead.
    """
    members = team_members(store)
    chosen = [t for t in within.teams if t in members] if within.teams else list(members)
    in_scope = sum(members[t] for t in chosen)
    allowed = store.caller.team_filter() if store.caller.can(Permission.READ_PEOPLE) else []
    personal = allowed is None or (bool(chosen) and set(chosen) <= set(allowed))
    if in_scope <= PERSON_ROWS_MAX and personal:
        return HeatmapView("people", ratings_matrix(store, within, PERSON_ROWS_MAX), in_scope)
    return HeatmapView("teams", store.read("team_skill_coverage", **within.params()), in_scope)


@dataclass(frozen=True)
class Overview:
    """The few numbers a manager checks first."""

    people: int
    teams: int
    skills: int
    critical_skills: int
    fragile_critical_skills: int   # bus factor <= 1
    uncovered_critical_skills: int  # bus factor 0
    targets: int
    targets_unmet: int
    people_missing: int
    key_people: int

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def overview(store: Store) -> Overview:
    skills = skill_coverage(store)
    critical = skills[skills["critical"]]
    gaps = target_gaps(store)
    counts = store.counts()
    return Overview(
        people=counts["people"],
        teams=counts["teams"],
        skills=counts["skills"],
        critical_skills=len(critical),
        fragile_critical_skills=int((critical["holders"] <= 1).sum()),
        uncovered_critical_skills=int((critical["holders"] == 0).sum()),
        targets=len(gaps),
        targets_unmet=int((gaps["missing"] > 0).sum()),
        people_missing=int(gaps["missing"].sum()),
        key_people=key_people_count(store),
    )


def fragile_skills(store: Store, max_holders: int = 1) -> pd.DataFrame:
    """Critical skills with at most `max_holders` practitioners, fewest first."""
    skills = skill_coverage(store)
    fragile = skills[skills["critical"] & (skills["holders"] <= max_holders)]
    return fragile.sort_values(["holders", "name"]).reset_index(drop=True)


def coverage_report(store: Store) -> dict[str, object]:
    """Everything `python -m skills coverage` prints, as plain data."""
    skills = skill_coverage(store)
    return {
        "overview": overview(store).as_dict(),
        "skills": _records(skills),
        "target_gaps": _records(target_gaps(store)),
        "key_people": _records(key_people(store)),
        "team_discipline": _records(team_discipline_coverage(store)),
    }


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    return [
        {key: (value.item() if hasattr(value, "item") else value) for key, value in row.items()}
        for row in frame.to_dict(orient="records")
    ]
