"""Other layouts turned into our tables under a confirmed `Mapping`: a wide matrix (a row per
person, a column per skill, with summary and legend rows), a long export (a row per rating) and
the skills-matrix app's JSON backup.

Cells are read here, where the file's own row and column are still known, so a bad cell is
reported where the user will find it; the tables built here then go through the same
validation as any upload.
"""

from __future__ import annotations

import json
import re
from typing import Any

from skills.ingest.classic import UniqueIds, slug
from skills.ingest.mapping import (
    ROLE_DISCIPLINES,
    Mapping,
    SkillChoice,
    _choose_skill,
)
from skills.ingest.problems import DatasetError, Problem
from skills.ingest.reading import RawDataset, RawTable, header_key, shown
from skills.taxonomy import KNOWN_SKILLS, MAX_INTEREST, MAX_LEVEL, match_key, parse_discipline

FORMULA = ("holds a formula whose value was never calculated: open and save it in a "
           "spreadsheet, or paste values")
_NUMBER = re.compile(r"^[+-]?[0-9]+(\.0+)?$")


class _Cells:
    """Reads `level/interest` cells as the mapping says, collecting problems by place."""

    def __init__(self, mapping: Mapping) -> None:
        self.mapping = mapping
        self.none = {match_key(v) for v in mapping.none} | set(mapping.none)
        self.levels = {match_key(k): v for k, v in mapping.levels.items()}
        self.interests = {match_key(k): v for k, v in mapping.interests.items()}
        self.problems: list[Problem] = []
        splitters = "".join(re.escape(s) for s in mapping.split if s)
        self.split = re.compile(f"\\s*[{splitters}]\\s*") if splitters else None

    def number(self, text: str, labels: dict[str, int], top: int) -> int | None:
        if _NUMBER.match(text) and len(text) < 8:
            value = int(text.split(".")[0])
        else:
            found = labels.get(match_key(text))
            if found is None:
                return None
            value = found
        return value if 0 <= value <= top else None

    def rating(self, cell: str, source: str, row: int | None, column: str
               ) -> tuple[int, int | None] | None:
        """(level, interest or None), or None for an empty cell; a bad cell is a problem."""
        if cell in self.none or match_key(cell) in self.none:
            return None
        parts = [cell]
        if self.split is not None and not _NUMBER.match(cell):
            parts = [p for p in self.split.split(cell, maxsplit=1)]
        level = self.number(parts[0], self.levels, MAX_LEVEL)
        interest = self.number(parts[1], self.interests, MAX_INTEREST) if len(parts) > 1 else None
        if level is None or (len(parts) > 1 and interest is None and parts[1] not in self.none):
            self.problems.append(Problem(
                source, f'"{shown(cell)}" is not a level 0–{MAX_LEVEL} (or a word such as '
                        f"Practitioner or Confirmé), optionally with an interest 0–"
                        f"{MAX_INTEREST} as in 3/2", row=row, column=column))
            return None
        return level, interest

    def interest(self, cell: str, source: str, row: int | None, column: str) -> int | None:
        if cell in self.none or match_key(cell) in self.none:
            return None
        value = self.number(cell, self.interests, MAX_INTEREST)
        if value is None:
            self.problems.append(Problem(source, f'"{shown(cell)}" is not an interest 0–'
                                                 f"{MAX_INTEREST} (or Faible, Moyen, Fort)",
                                         row=row, column=column))
        return value


def mapped_tables(raw: RawDataset, mapping: Mapping) -> RawDataset:
    """people, skills, ratings (and targets) tables from `raw` as `mapping` reads it."""
    if mapping.layout == "json":
        tables = _from_json(raw, mapping)
    else:
        table = _find(raw, mapping.table)
        tables = _from_wide(raw, table, mapping) if mapping.layout == "wide" else \
            _from_long(table, mapping)
    if mapping.targets:
        rows = [[t.team, t.skill_id, str(t.min_level), str(t.min_people)]
                for t in mapping.targets]
        tables["targets"] = RawTable("mapping [[targets]]",
                                     ["team", "skill_id", "min_level", "min_people"], rows)
    return RawDataset(tables, list(raw.warnings), raw.workspace)


def _find(raw: RawDataset, title: str) -> RawTable:
    wanted = header_key(title)
    for key, table in raw.tables.items():
        if key == wanted:
            return table
    if len(raw.tables) == 1 and not title:
        return next(iter(raw.tables.values()))
    found = ", ".join(sorted(raw.tables)) or "nothing"
    raise DatasetError([Problem("mapping", f'names the table "{title}", but the upload holds '
                                           f"{found}")])


def _index(table: RawTable, mapping: Mapping, field_name: str) -> int | None:
    header = mapping.columns.get(field_name, "")
    if not header:
        return None
    index = table.column(header_key(header))
    if index is None:
        raise DatasetError([Problem(table.source, f'has no column "{header}", which the mapping '
                                                  f"reads as {field_name}", row=1)])
    return index


class _People:
    """People in first-seen order, with ids that keep their letters and never collide."""

    def __init__(self, mapping: Mapping) -> None:
        self.mapping = mapping
        self.ids = UniqueIds()
        self.rows: list[list[str]] = []
        self.row_numbers: list[int] = []
        self.levels: dict[str, dict[str, int]] = {}
        self.roles = {match_key(k): v for k, v in (ROLE_DISCIPLINES | mapping.roles).items()}

    def add(self, row: int, person_id: str, name: str, team: str, role: str, discipline: str,
            email: str, manager: str) -> str:
        person_id = self.ids.add(person_id) if person_id else self.ids.make(slug(name) or
                                                                              "person")
        team = re.split(r"\s*[,|;]\s*", team)[0] if team else self.mapping.default_team
        if not discipline and role:
            discipline = self.roles.get(match_key(role), "")
        self.rows.append([person_id, name, team, discipline, role, manager, email])
        self.row_numbers.append(row)
        return person_id

    def rated(self, person_id: str, skill: SkillChoice, level: int) -> None:
        if skill.discipline in ("data", "ml", "sre", "product"):
            bucket = self.levels.setdefault(person_id, {})
            bucket[skill.discipline] = bucket.get(skill.discipline, 0) + level

    def table(self, source: str) -> RawTable:
        for row in self.rows:
            if not row[3]:
                strongest = self.levels.get(row[0]) if self.mapping.infer_discipline else None
                row[3] = (max(strongest, key=lambda d: strongest[d]) if strongest
                          else self.mapping.default_discipline)
        return RawTable(source, ["person_id", "name", "team", "discipline", "role",
                                 "manager_id", "email"], self.rows, row_numbers=self.row_numbers)


def _skills_table(source: str, skills: list[SkillChoice]) -> tuple[RawTable, list[Problem]]:
    rows: list[list[str]] = []
    seen: dict[str, str] = {}
    problems: list[Problem] = []
    for skill in skills:
        if skill.skill_id in seen:
            problems.append(Problem(source, f'"{skill.column}" and "{seen[skill.skill_id]}" both '
                                            f'map to skill "{skill.skill_id}": merge the two '
                                            "columns or map one to another skill",
                                    column=skill.column))
            continue
        seen[skill.skill_id] = skill.column
        known = KNOWN_SKILLS.get(skill.skill_id)
        rows.append([skill.skill_id, skill.name, skill.discipline,
                     "true" if skill.critical else "false", known.description if known else ""])
    return RawTable(source, ["skill_id", "name", "discipline", "critical", "description"],
                    rows), problems


def _skip(name: str, mapping: Mapping) -> bool:
    key = match_key(name)
    return any(key.startswith(match_key(word)) for word in mapping.skip_rows if word)


def _from_wide(raw: RawDataset, table: RawTable, mapping: Mapping) -> dict[str, RawTable]:
    cells = _Cells(mapping)
    at = {f: _index(table, mapping, f) for f in ("name", "person_id", "team", "role",
                                                 "discipline", "email", "manager")}
    if at["name"] is None and at["person_id"] is None:
        raise DatasetError([Problem(table.source, "the mapping names no column for the "
                                                  "person's name or id", row=1)])
    ignored = {header_key(c) for c in mapping.ignore}
    skill_columns = []
    for index, header in enumerate(table.original_columns):
        if index in at.values() or header_key(header) in ignored:
            continue
        skill = mapping.skill_for(header) or _choose_skill(header)
        skill_columns.append((index, skill))
    interests = _interest_cells(raw, mapping, table)
    people = _People(mapping)
    ratings: list[list[str]] = []
    started = False
    occurrences: dict[str, int] = {}

    def cell(cells_: list[str], index: int | None) -> str:
        return cells_[index] if index is not None else ""

    for row, values in zip(table.row_numbers, table.rows, strict=True):
        if not any(values):
            if started and mapping.stop_at_blank_row:
                break  # legends and notes sit under the data, after a blank row
            continue
        name = cell(values, at["name"])
        person_id = cell(values, at["person_id"])
        if not name and not person_id or _skip(name or person_id, mapping):
            continue
        started = True
        pid = people.add(row, person_id, name, cell(values, at["team"]), cell(values, at["role"]),
                         cell(values, at["discipline"]), cell(values, at["email"]),
                         cell(values, at["manager"]))
        key = match_key(name or person_id)
        occurrences[key] = occurrences.get(key, 0) + 1
        extra = interests.get(f"{key}#{occurrences[key]}", {})
        for index, skill in skill_columns:
            text = values[index]
            header = table.original_columns[index]
            if not text and (row, index) in table.formulas:
                cells.problems.append(Problem(table.source, FORMULA, row=row, column=header))
                continue
            rated = cells.rating(text, table.source, row, header) if text else None
            interest = None
            if header in extra:
                interest = cells.interest(extra[header][0], extra[header][1], extra[header][2],
                                          header)
            if rated is None and interest is None:
                continue
            level = rated[0] if rated else 0
            chosen = rated[1] if rated and rated[1] is not None else interest
            people.rated(pid, skill, level)
            ratings.append([pid, skill.skill_id, str(level), "" if chosen is None else str(chosen)])
    skills, problems = _skills_table(table.source + " (skill columns)",
                                     [s for _, s in skill_columns])
    if cells.problems or problems:
        raise DatasetError(cells.problems + problems)
    return {"people": people.table(table.source), "skills": skills,
            "ratings": RawTable(table.source + " (skill cells)",
                                ["person_id", "skill_id", "level", "interest"], ratings)}


def _interest_cells(raw: RawDataset, mapping: Mapping, matrix: RawTable
                    ) -> dict[str, dict[str, tuple[str, str, int]]]:
    """person key -> skill header -> (cell, source, row) from the interest sheet."""
    if not mapping.interest_table:
        return {}
    table = _find(raw, mapping.interest_table)
    header = mapping.columns.get("name") or mapping.columns.get("person_id", "")
    key_index = table.column(header_key(header))
    if key_index is None:
        raise DatasetError([Problem(table.source, f'has no column "{header}" to find people '
                                                  "by", row=1)])
    found: dict[str, dict[str, tuple[str, str, int]]] = {}
    seen: dict[str, int] = {}
    for row, values in zip(table.row_numbers, table.rows, strict=True):
        person = values[key_index]
        if not person or _skip(person, mapping):
            continue
        # Namesakes are told apart by order, as the two sheets list people alike.
        seen[match_key(person)] = seen.get(match_key(person), 0) + 1
        found[f"{match_key(person)}#{seen[match_key(person)]}"] = {
            table.original_columns[i]: (v, table.source, row) for i, v in enumerate(values)
            if i != key_index and v}
    return found


def _from_long(table: RawTable, mapping: Mapping) -> dict[str, RawTable]:
    cells = _Cells(mapping)
    at = {f: _index(table, mapping, f) for f in ("name", "person_id", "team", "role",
                                                 "discipline", "email", "manager", "skill",
                                                 "level", "interest")}
    if at["skill"] is None or at["level"] is None or (at["name"] is None
                                                       and at["person_id"] is None):
        raise DatasetError([Problem(table.source, "a long layout needs columns for the person, "
                                                  "the skill and the level", row=1)])
    people = _People(mapping)
    known: dict[str, str] = {}
    skills: dict[str, SkillChoice] = {}
    ratings, numbers = [], []
    level_header = table.original_columns[at["level"]]

    def cell(values: list[str], index: int | None) -> str:
        return values[index] if index is not None else ""

    for row, values in zip(table.row_numbers, table.rows, strict=True):
        person = cell(values, at["person_id"]) or cell(values, at["name"])
        skill_name = cell(values, at["skill"])
        if not person or not skill_name or _skip(person, mapping):
            continue
        if person not in known:
            known[person] = people.add(row, cell(values, at["person_id"]),
                                       cell(values, at["name"]) or person,
                                       cell(values, at["team"]), cell(values, at["role"]),
                                       cell(values, at["discipline"]), cell(values, at["email"]),
                                       cell(values, at["manager"]))
        skill = skills.get(skill_name) or mapping.skill_for(skill_name) or \
            _choose_skill(skill_name)
        skills[skill_name] = skill
        rated = cells.rating(cell(values, at["level"]), table.source, row, level_header)
        interest_text = cell(values, at["interest"])
        interest = (cells.interest(interest_text, table.source, row,
                                   table.original_columns[at["interest"]])
                    if interest_text and at["interest"] is not None else None)
        if rated is None:
            continue
        people.rated(known[person], skill, rated[0])
        ratings.append([known[person], skill.skill_id, str(rated[0]),
                        "" if interest is None else str(interest)])
        numbers.append(row)
    skill_table, problems = _skills_table(table.source + " (skills)", list(skills.values()))
    if cells.problems or problems:
        raise DatasetError(cells.problems + problems)
    return {"people": people.table(table.source), "skills": skill_table,
            "ratings": RawTable(table.source, ["person_id", "skill_id", "level", "interest"],
                                ratings, row_numbers=numbers)}


def json_members(name: str, content: bytes) -> dict[str, Any]:
    """The backup's document, checked to have a list of members; raises DatasetError."""
    try:
        document = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise DatasetError([Problem(name, f"could not be read as JSON: {error}")]) from None
    if not isinstance(document, dict) or not isinstance(document.get("members"), list):
        raise DatasetError([Problem(name, 'is not a skills-matrix backup: it has no "members" '
                                          "list")])
    return document


def _from_json(raw: RawDataset, mapping: Mapping) -> dict[str, RawTable]:
    if not raw.documents:
        raise DatasetError([Problem("mapping", "has layout json but the upload holds no .json "
                                               "file")])
    name, content = next(iter(raw.documents.items()))
    document = json_members(name, content)
    cells = _Cells(mapping)
    people = _People(mapping)
    skills: dict[str, SkillChoice] = {}
    ratings: list[list[str]] = []
    for number, member in enumerate(document["members"], start=1):
        where = f"{name}, member {number}"
        if not isinstance(member, dict):
            cells.problems.append(Problem(where, "is not an object with a name and skills"))
            continue
        person_name = str(member.get("name") or "").strip()
        groups = member.get("groups") or []
        team = str(groups[0]) if isinstance(groups, list) and groups else ""
        person_id = str(member.get("id") or "").strip()
        pid = people.add(number + 1, person_id, person_name, team,
                         str(member.get("role") or ""), str(member.get("discipline") or ""),
                         str(member.get("email") or ""), "")
        held = member.get("skills") or {}
        if not isinstance(held, dict):
            cells.problems.append(Problem(where, '"skills" is not an object of skill: '
                                                 "{level, appetence}"))
            continue
        for skill_name, value in held.items():
            skill = skills.get(skill_name) or mapping.skill_for(str(skill_name)) or \
                _choose_skill(str(skill_name))
            skills[skill_name] = skill
            level_value = value.get("level") if isinstance(value, dict) else value
            interest_value = value.get("appetence") if isinstance(value, dict) else None
            rated = cells.rating(str(level_value if level_value is not None else ""),
                                 where, None, str(skill_name))
            interest = (cells.interest(str(interest_value), where, None, str(skill_name))
                        if interest_value not in (None, "") else None)
            if rated is None:
                continue
            people.rated(pid, skill, rated[0])
            ratings.append([pid, skill.skill_id, str(rated[0]),
                            "" if interest is None else str(interest)])
    skill_table, problems = _skills_table(f"{name} (skills)", list(skills.values()))
    if cells.problems or problems:
        raise DatasetError(cells.problems + problems)
    discipline_fix(people)
    return {"people": people.table(f"{name} (members)"), "skills": skill_table,
            "ratings": RawTable(f"{name} (member skills)",
                                ["person_id", "skill_id", "level", "interest"], ratings)}


def discipline_fix(people: _People) -> None:
    """A discipline given in full words ("Data engineering") is stored as its code."""
    for row in people.rows:
        code = parse_discipline(row[3]) if row[3] else None
        if code:
            row[3] = code
