"""The classic spreadsheet layout: a row per person and a column per skill.

Cells are empty, a level (`3`) or `level/interest` (`3/2`).  Skill columns take their id and
discipline from the bundled taxonomy when the name matches; the others are kept as unassigned.
"""

from __future__ import annotations

import re

from skills.ingest.problems import DatasetError, Problem
from skills.ingest.reading import RawTable
from skills.taxonomy import (
    MAX_INTEREST,
    MAX_LEVEL,
    UNASSIGNED,
    find_skill,
    match_skill,
    normalise_text,
)

FORMULA_WITHOUT_VALUE = ("holds a formula whose value was never calculated: open and save it "
                         "in a spreadsheet, or paste values")
PERSON_COLUMNS = ("person_id", "name", "team", "discipline", "role", "manager_id", "email")
_CELL = re.compile(r"^(?P<level>\d)(\.0+)?\s*(/\s*(?P<interest>\d))?$")
_TABLE_NAMES = ("people", "skills", "ratings", "targets", "requests")


def is_classic(tables: dict[str, RawTable]) -> bool:
    """One table, not one of the normalised ones, with a row per person."""
    if len(tables) != 1:
        return False
    name, table = next(iter(tables.items()))
    if name in _TABLE_NAMES and name != "people":
        return False
    return all(table.column(c) is not None for c in ("name", "team", "discipline"))


def _same_skill_twice(table: RawTable, skill_columns: list[int]) -> list[Problem]:
    first: dict[str, str] = {}
    problems = []
    for index in skill_columns:
        name = table.original_columns[index]
        key = skill_key(name)
        if key in first:
            problems.append(Problem(table.source, f'names the same skill as the column '
                                                  f'"{first[key]}": merge the two columns',
                                    row=1, column=name))
        else:
            first[key] = name
    return problems


def classic_to_tables(table: RawTable) -> tuple[dict[str, RawTable], list[str]]:
    """The people, skills and ratings tables the classic sheet describes."""
    skill_columns = [i for i, c in enumerate(table.columns) if c not in PERSON_COLUMNS]
    person_columns = [c for c in PERSON_COLUMNS if c in table.columns]
    id_index = table.column("person_id")
    name_index = table.column("name")
    assert name_index is not None

    problems = _same_skill_twice(table, skill_columns)
    if problems:
        raise DatasetError(problems)
    people_rows: list[list[str]] = []
    person_ids: list[str] = []
    other_indexes = [i for c in person_columns if c != "person_id"
                     if (i := table.column(c)) is not None]
    ids = UniqueIds()
    if id_index is not None:
        for cells in table.rows:
            ids.add(cells[id_index])
    for cells in table.rows:
        person_id = cells[id_index] if id_index is not None else ""
        if not person_id and any(cells):
            person_id = ids.make(slug(cells[name_index]) or "person")
        person_ids.append(person_id)
        people_rows.append([person_id] + [cells[i] for i in other_indexes])

    skill_rows: list[list[str]] = []
    skill_ids: dict[int, str] = {}
    unassigned: list[str] = []
    used_skill_ids: set[str] = set()
    skill_id_maker = UniqueIds()
    first_column: dict[str, str] = {}
    for index in skill_columns:
        name = table.original_columns[index]
        known = find_skill(name)
        how = "name"
        if known is None:
            known, how = match_skill(name)
        if known is not None and known.skill_id in used_skill_ids:
            problems.append(Problem(table.source, f'names the same skill ({known.name}) as the '
                                                  f'column "{first_column[known.skill_id]}": '
                                                  "merge the two columns", row=1, column=name))
            continue
        if known is not None:
            skill_id, discipline, critical = known.skill_id, known.discipline, known.critical
            first_column[skill_id] = name
            if how == "synonym" or name.casefold() == known.skill_id:
                name = known.name
        else:
            skill_id = skill_id_maker.make(slug(name) or "skill")
            discipline, critical = UNASSIGNED, False
            unassigned.append(name)
        used_skill_ids.add(skill_id)
        skill_id_maker.add(skill_id)
        skill_ids[index] = skill_id
        skill_rows.append([skill_id, name, discipline, "true" if critical else "false"])
    if problems:
        raise DatasetError(problems)

    # Cells are checked here, where the spreadsheet's row and skill column are still known;
    # the ratings table built from them no longer has either.
    rating_rows: list[list[str]] = []
    for (row, cells), person_id in zip(zip(table.row_numbers, table.rows, strict=True),
                                       person_ids, strict=True):
        for index in skill_columns:
            cell = cells[index]
            if not cell:
                if (row, index) in table.formulas:
                    problems.append(Problem(table.source, FORMULA_WITHOUT_VALUE, row=row,
                                            column=table.original_columns[index]))
                continue
            match = _CELL.match(cell)
            if match is None or int(match["level"]) > MAX_LEVEL or (
                    match["interest"] is not None and int(match["interest"]) > MAX_INTEREST):
                problems.append(Problem(
                    table.source, f'"{cell}" is not a level 0–{MAX_LEVEL} or level/interest '
                                  f'such as 3/2 (interest 0–{MAX_INTEREST})',
                    row=row, column=table.original_columns[index]))
                continue
            rating_rows.append([person_id, skill_ids[index], match["level"],
                                match["interest"] or ""])
    if problems:
        raise DatasetError(problems)

    source = table.source
    tables = {
        "people": RawTable(source, ["person_id"] + [c for c in person_columns if c != "person_id"],
                           people_rows),
        "skills": RawTable(source + " (skill columns)",
                           ["skill_id", "name", "discipline", "critical"], skill_rows),
        "ratings": RawTable(source + " (skill cells)",
                            ["person_id", "skill_id", "level", "interest"], rating_rows),
    }
    warnings = []
    if unassigned:
        warnings.append(f"{len(unassigned)} skill column{'s' if len(unassigned) > 1 else ''} of "
                        f"{source} did not match the bundled taxonomy and "
                        f"{'are' if len(unassigned) > 1 else 'is'} stored with discipline "
                        f"'{UNASSIGNED}': {', '.join(unassigned)}")
    return tables, warnings


def slug(text: str) -> str:
    """An id from a name that keeps its letters: "Léa Fontaine" → "léa-fontaine"."""
    return re.sub(r"[\W_]+", "-", normalise_text(text).casefold()).strip("-")


def skill_key(name: str) -> str:
    """Skill column names that differ only in case and punctuation name one skill."""
    return re.sub(r"[\W_]+", "", normalise_text(name).casefold())


class UniqueIds:
    """Ids made unique by a numeric suffix, in constant time however many names repeat."""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self._next: dict[str, int] = {}

    def add(self, candidate: str) -> str:
        """Reserve an id as given (a person_id from the file)."""
        self.used.add(candidate)
        return candidate

    def make(self, base: str) -> str:
        candidate = base
        n = self._next.get(base, 2)
        while candidate in self.used:
            candidate, n = f"{base}-{n}", n + 1
        self._next[base] = n
        self.used.add(candidate)
        return candidate
