"""Check raw tables against the data contract and build a `Dataset`, or list every problem."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from skills.dataset import TABLE_COLUMNS, Dataset, default_targets, empty_table
from skills.ingest.classic import classic_to_tables, is_classic
from skills.ingest.problems import DatasetError, Problem
from skills.ingest.reading import RawDataset, RawTable
from skills.taxonomy import LEVELS, MAX_INTEREST, MAX_LEVEL, UNASSIGNED, parse_discipline

_INTEGER = re.compile(r"^[+-]?\d+(\.0+)?$")
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0", ""}


def _text(value: str) -> str:
    return value


def _integer(low: int, high: int | None, what: str) -> Callable[[str], int]:
    def parse(value: str) -> int:
        upper = "" if high is None else f"–{high}"
        if not _INTEGER.match(value):
            raise ValueError(f'"{value}" is not {what} (a whole number {low}{upper})'
                             if high is not None else
                             f'"{value}" is not {what} (a whole number ≥ {low})')
        number = int(float(value))
        if number < low or (high is not None and number > high):
            raise ValueError(f"{number} is outside {low}{upper}" if high is not None
                             else f"{number} is below {low}")
        return number
    return parse


def _level(value: str) -> int:
    try:
        return _integer(0, MAX_LEVEL, "a level")(value)
    except ValueError as error:
        scale = ", ".join(f"{k} {v}" for k, v in LEVELS.items())
        raise ValueError(f"{error}; levels are {scale}") from None


def _discipline(value: str) -> str:
    code = parse_discipline(value)
    if code is None:
        raise ValueError(f'"{value}" is not a discipline (data, ml, sre or product, '
                         "or their full names)")
    return code


def _skill_discipline(value: str) -> str:
    return UNASSIGNED if value.casefold() == UNASSIGNED else _discipline(value)


def _boolean(value: str) -> bool:
    key = value.casefold()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise ValueError(f'"{value}" is not true/false, yes/no or 1/0')


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value[:10] if len(value) > 10 and value[10] in " T" else value)
    except ValueError:
        raise ValueError(f'"{value}" is not an ISO date such as 2025-03-31') from None


@dataclass(frozen=True)
class Column:
    name: str
    parse: Callable[[str], Any] = _text
    required: bool = True
    default: Any = None


SPECS: dict[str, tuple[Column, ...]] = {
    "people": (
        Column("person_id"), Column("name"), Column("team"), Column("discipline", _discipline),
        Column("role", required=False), Column("manager_id", required=False),
        Column("email", required=False),
    ),
    "skills": (
        Column("skill_id"), Column("name"), Column("discipline", _skill_discipline),
        Column("critical", _boolean, required=False, default=False),
        Column("description", required=False),
    ),
    "ratings": (
        Column("person_id"), Column("skill_id"), Column("level", _level),
        Column("interest", _integer(0, MAX_INTEREST, "an interest"), required=False, default=0),
        Column("assessed_on", _iso_date, required=False),
    ),
    "targets": (
        Column("team"), Column("skill_id"), Column("min_level", _integer(1, MAX_LEVEL, "a level")),
        Column("min_people", _integer(1, None, "a head count")),
    ),
    "requests": (
        Column("request_id"), Column("person_id"), Column("host_team"),
        Column("skill_id", required=False),
        Column("earliest_quarter", _integer(1, None, "a quarter")),
        Column("latest_quarter", _integer(1, None, "a quarter")),
        Column("priority", _integer(1, 3, "a priority")),
        Column("note", required=False),
    ),
}
REQUIRED_TABLES = ("people", "skills", "ratings")


def validate(raw: RawDataset, source: str = "") -> Dataset:
    """The dataset the raw tables describe; raises `DatasetError` listing every problem."""
    tables = dict(raw.tables)
    warnings = list(raw.warnings)
    if is_classic(tables):
        converted, classic_warnings = classic_to_tables(next(iter(tables.values())))
        tables = converted
        warnings += classic_warnings
    problems: list[Problem] = []
    missing = [name for name in REQUIRED_TABLES if name not in tables]
    if missing:
        found = ", ".join(sorted(tables)) or "nothing"
        raise DatasetError([Problem(
            source or "dataset",
            f"needs the tables people, skills and ratings (missing: {', '.join(missing)}; "
            f"found: {found}), or one sheet in the classic layout with name, team, "
            "discipline and one column per skill")])
    for name in sorted(set(tables) - set(SPECS)):
        warnings.append(f"{tables[name].source} was ignored: it is not one of "
                        f"{', '.join(SPECS)}")
    frames: dict[str, pd.DataFrame] = {}
    rows: dict[str, list[int]] = {}
    for name, spec in SPECS.items():
        if name not in tables:
            continue
        frame, row_numbers, table_problems = _parse_table(tables[name], spec)
        problems += table_problems
        frames[name], rows[name] = frame, row_numbers
    # Without its columns a table cannot be cross-checked; with them, bad cells and bad
    # references are reported together so one fix-up round is enough.
    if any(frame.columns.empty for frame in frames.values()):
        raise DatasetError(problems)
    problems += _check_references(frames, rows, tables)
    if problems:
        raise DatasetError(problems)
    people, skills, ratings = frames["people"], frames["skills"], frames["ratings"]
    if "targets" in frames:
        targets = frames["targets"].assign(origin="file")
    else:
        targets = default_targets(people, skills, ratings)
    requests = frames.get("requests")
    requests = (empty_table("requests") if requests is None
                else requests.assign(status="requested"))
    return Dataset(
        people=people, skills=skills, ratings=ratings,
        targets=targets[list(TABLE_COLUMNS["targets"])],
        requests=requests[list(TABLE_COLUMNS["requests"])],
        warnings=warnings, source=source,
    )


def _parse_table(table: RawTable, spec: tuple[Column, ...]
                 ) -> tuple[pd.DataFrame, list[int], list[Problem]]:
    problems: list[Problem] = []
    missing = [c.name for c in spec if c.required and table.column(c.name) is None]
    if missing:
        names = ", ".join(missing)
        problems.append(Problem(table.source, f"is missing the required column"
                                              f"{'s' if len(missing) > 1 else ''} {names} "
                                              f"(found: {', '.join(table.original_columns)})",
                                row=1, column=missing[0]))
        return pd.DataFrame(), [], problems
    records: list[dict[str, Any]] = []
    row_numbers: list[int] = []
    positions = [(column, table.column(column.name)) for column in spec]
    # Cells repeat (levels 0-4, a few teams): parse each distinct text once per column.
    parsed: dict[str, dict[str, Any]] = {column.name: {} for column in spec}
    for offset, cells in enumerate(table.rows):
        row_number = offset + 2
        if not any(cells):
            continue
        record: dict[str, Any] = {}
        for column, index in positions:
            value = cells[index] if index is not None else ""
            if value == "":
                if column.required:
                    problems.append(Problem(table.source, "is empty but required",
                                            row=row_number, column=column.name))
                record[column.name] = column.default
                continue
            memo = parsed[column.name]
            if value not in memo:
                try:
                    memo[value] = column.parse(value)
                except ValueError as error:
                    memo[value] = error
            result = memo[value]
            if isinstance(result, ValueError):
                problems.append(Problem(table.source, str(result), row=row_number,
                                        column=column.name))
            else:
                record[column.name] = result
        records.append(record)
        row_numbers.append(row_number)
    frame = pd.DataFrame.from_records(records, columns=[c.name for c in spec])
    return frame, row_numbers, problems


def _duplicates(frame: pd.DataFrame, rows: list[int], keys: list[str], source: str,
                what: str) -> list[Problem]:
    problems = []
    first_seen: dict[tuple, int] = {}
    keyed = zip(*(frame[k].tolist() for k in keys), strict=True)
    for row_number, key in zip(rows, keyed, strict=True):
        if key in first_seen:
            shown = " and ".join(f'{k} "{v}"' for k, v in zip(keys, key, strict=True))
            problems.append(Problem(source, f"duplicate {what}: {shown} is already on row "
                                            f"{first_seen[key]}", row=row_number,
                                    column=keys[-1]))
        else:
            first_seen[key] = row_number
    return problems


def _unknown(frame: pd.DataFrame, rows: list[int], column: str, known: set[str],
             source: str, what: str, allow_empty: bool = False) -> list[Problem]:
    problems = []
    for row_number, value in zip(rows, frame[column].tolist(), strict=True):
        if allow_empty and (value is None or pd.isna(value) or value == ""):
            continue
        if value not in known:
            problems.append(Problem(source, f'{what} "{value}" is not in {_table_of(what)}',
                                    row=row_number, column=column))
    return problems


def _table_of(what: str) -> str:
    return {"person": "people", "skill": "skills", "team": "the teams of people",
            "manager": "people"}[what]


def _check_references(frames: dict[str, pd.DataFrame], rows: dict[str, list[int]],
                      tables: dict[str, RawTable]) -> list[Problem]:
    problems: list[Problem] = []
    people, skills, ratings = frames["people"], frames["skills"], frames["ratings"]
    src = {name: tables[name].source for name in frames}
    if people.empty:
        problems.append(Problem(src["people"], "has no people in it"))
    if skills.empty:
        problems.append(Problem(src["skills"], "has no skills in it"))
    problems += _duplicates(people, rows["people"], ["person_id"], src["people"], "person")
    problems += _duplicates(skills, rows["skills"], ["skill_id"], src["skills"], "skill")
    person_ids = set(people["person_id"])
    skill_ids = set(skills["skill_id"])
    teams = set(people["team"])
    problems += _unknown(people, rows["people"], "manager_id", person_ids, src["people"],
                         "manager", allow_empty=True)
    problems += _unknown(ratings, rows["ratings"], "person_id", person_ids, src["ratings"],
                         "person")
    problems += _unknown(ratings, rows["ratings"], "skill_id", skill_ids, src["ratings"], "skill")
    problems += _duplicates(ratings, rows["ratings"], ["person_id", "skill_id"], src["ratings"],
                            "rating")
    if "targets" in frames:
        targets = frames["targets"]
        problems += _unknown(targets, rows["targets"], "team", teams, src["targets"], "team")
        problems += _unknown(targets, rows["targets"], "skill_id", skill_ids, src["targets"],
                             "skill")
        problems += _duplicates(targets, rows["targets"], ["team", "skill_id"], src["targets"],
                                "target")
    if "requests" in frames:
        requests = frames["requests"]
        source = src["requests"]
        problems += _duplicates(requests, rows["requests"], ["request_id"], source, "request")
        problems += _unknown(requests, rows["requests"], "person_id", person_ids, source,
                             "person")
        problems += _unknown(requests, rows["requests"], "host_team", teams, source, "team")
        problems += _unknown(requests, rows["requests"], "skill_id", skill_ids, source, "skill",
                             allow_empty=True)
        home = dict(zip(people["person_id"], people["team"], strict=True))
        for row_number, request in zip(rows["requests"], requests.itertuples(index=False),
                                       strict=True):
            if request.earliest_quarter > request.latest_quarter:
                problems.append(Problem(source, f"the window ends (quarter "
                                                f"{request.latest_quarter}) before it starts "
                                                f"(quarter {request.earliest_quarter})",
                                        row=row_number, column="latest_quarter"))
            if home.get(request.person_id) == request.host_team:
                problems.append(Problem(source, f'{request.person_id} is already in team '
                                                f'"{request.host_team}"; a rotation goes to '
                                                "another team", row=row_number,
                                        column="host_team"))
    return problems
