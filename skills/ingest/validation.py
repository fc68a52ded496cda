"""Check raw tables against the data contract and build a `Dataset`, or list every problem.

The checks run as SQL in the import's own DuckDB workspace, so a million ratings cost a few
set operations rather than a million Python calls.  Python only words the problems: a bad
value's message comes from the same parse function that defines the rule (`SPECS`), called
once per distinct bad value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pyarrow as pa

from skills.dataset import TABLE_COLUMNS, Dataset
from skills.ingest.classic import FORMULA_WITHOUT_VALUE, classic_to_tables, is_classic
from skills.ingest.limits import current_limits
from skills.ingest.lookalikes import lookalike_problems, manager_cycle_problems, skeleton
from skills.ingest.problems import DatasetError, Problem
from skills.ingest.reading import RawDataset, RawTable, header_key, shown
from skills.ingest.workspace import Workspace
from skills.taxonomy import (
    DISCIPLINE_ALIASES,
    LEVELS,
    MAX_INTEREST,
    MAX_LEVEL,
    PRACTITIONER_LEVEL,
    UNASSIGNED,
    parse_discipline,
)

_INTEGER = re.compile(r"^[+-]?[0-9]+(\.0+)?$")
_ISO = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}"
                  r"([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}:?[0-9]{2})?)?$")
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0", ""}
# Characters nobody types into an id on purpose: controls, zero-width marks, direction marks.
_INVISIBLE = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x{AD}\x{200B}-\x{200F}\x{202A}-\x{202E}" \
             r"\x{2060}-\x{2064}\x{FEFF}]"
_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
_INVISIBLE_PY = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u00ad\u200b-\u200f\u202a-\u202e"
                           "\u2060-\u2064\ufeff]")
_CONTROL_PY = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _text(value: str) -> str:
    return value


def _sql_list(values: Any) -> str:
    return ", ".join("'" + str(v).replace("'", "''") + "'" for v in values)


def _integer(low: int, high: int | None, what: str) -> Callable[[str], int]:
    def parse(value: str) -> int:
        upper = "" if high is None else f"–{high}"
        if not _INTEGER.match(value):
            raise ValueError(f'"{shown(value)}" is not {what} (a whole number {low}{upper})'
                             if high is not None else
                             f'"{shown(value)}" is not {what} (a whole number ≥ {low})')
        digits = value.split(".")[0].lstrip("+")
        if len(digits.lstrip("-0")) > 18:
            # A 400-digit number is a paste gone wrong; say so without echoing it as a float.
            raise ValueError(f"{shown(digits)} is far outside {low}{upper}" if high is not None
                             else f"{shown(digits)} is far too large for {what}")
        number = int(digits)
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
        raise ValueError(f'"{shown(value)}" is not a discipline (data, ml, sre or product, '
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
    raise ValueError(f'"{shown(value)}" is not true/false, yes/no or 1/0')


def _iso_date(value: str) -> date:
    try:
        if not _ISO.match(value):
            raise ValueError(value)
        return date.fromisoformat(value[:10])
    except ValueError:
        raise ValueError(f'"{shown(value)}" is not an ISO date such as 2025-03-31') from None


def _sql_integer(low: int, high: int | None) -> tuple[str, str]:
    """(check, convert): SQL over a cell `v` saying whether it is a whole number in range, and
    its value (NULL when it is not)."""
    number = "TRY_CAST(regexp_extract(v, '^[+-]?[0-9]+') AS BIGINT)"
    upper = f" AND {number} <= {high}" if high is not None else ""
    top = min(high if high is not None else 9, 9)
    pattern = r"'[+-]?[0-9]{1,18}(\.0+)?'"
    slow = f"regexp_full_match(v, {pattern}) AND {number} >= {low}{upper}"
    check = (f"CASE WHEN strlen(v) = 1 THEN v >= '{low}' AND v <= '{top}' "
             f"ELSE coalesce({slow}, false) END")
    # One digit in range is nearly every cell: a length, two comparisons and its code point,
    # no regex, no cast of text.
    convert = (f"CASE WHEN strlen(v) = 1 AND v >= '{low}' AND v <= '{top}' THEN ascii(v) - 48 "
               f"WHEN strlen(v) > 1 AND {slow} THEN CAST(CAST(v AS DOUBLE) AS BIGINT) END")
    return check, convert


_DISCIPLINE_KEY = "lower(regexp_replace(v, '\\s+', ' ', 'g'))"
_DISCIPLINE_CASE = ("CASE " + _DISCIPLINE_KEY + " " + " ".join(
    f"WHEN '{alias}' THEN '{code}'" for alias, code in DISCIPLINE_ALIASES.items()) + " END")


@dataclass(frozen=True)
class Column:
    name: str
    parse: Callable[[str], Any] = _text
    required: bool = True
    default: Any = None
    check: str = "true"       # SQL over a non-empty cleaned cell `v`: is it valid?
    typed: str = "v"          # SQL over a valid `v`: its stored value
    converts: bool = False    # `typed` is NULL for an invalid `v` by itself: no `check` needed
    key: bool = False         # an id or a name other rows refer to: no invisible characters


_LEVEL_SQL = _sql_integer(0, MAX_LEVEL)
_INTEREST_SQL = _sql_integer(0, MAX_INTEREST)
_DISCIPLINE_SQL = (f"{_DISCIPLINE_KEY} IN ({_sql_list(DISCIPLINE_ALIASES)})", _DISCIPLINE_CASE)
_SKILL_DISCIPLINE_SQL = (f"lower(v) = '{UNASSIGNED}' OR {_DISCIPLINE_SQL[0]}",
                         f"CASE WHEN lower(v) = '{UNASSIGNED}' THEN '{UNASSIGNED}' "
                         f"ELSE {_DISCIPLINE_CASE} END")
_BOOLEAN_SQL = (f"lower(v) IN ({_sql_list(_TRUE | _FALSE)})", f"lower(v) IN ({_sql_list(_TRUE)})")
# A plain ISO date, as nearly every cell is, costs a LIKE, a range (a digit first) and a cast.
# The last character is tested too: DuckDB casts "2025-03-3 " (a one-digit day and white
# space), which Python refuses.
_DATE_TYPED = ("CASE WHEN v LIKE '____-__-__' THEN CASE WHEN v BETWEEN '0001' AND '9999-99-99' "
               "AND v[10] BETWEEN '0' AND '9' THEN TRY_CAST(v AS DATE) END "
               f"WHEN regexp_full_match(v, '{_ISO.pattern[1:-1]}') "
               "THEN TRY_CAST(left(v, 10) AS DATE) END")
_DATE_SQL = (f"({_DATE_TYPED}) IS NOT NULL", _DATE_TYPED)


def _int_column(name: str, low: int, high: int | None, what: str, **kw: Any) -> Column:
    check, typed = _sql_integer(low, high)
    return Column(name, _integer(low, high, what), check=check, typed=typed, converts=True,
                  **kw)


SPECS: dict[str, tuple[Column, ...]] = {
    "people": (
        Column("person_id", key=True), Column("name"), Column("team", key=True),
        Column("discipline", _discipline, check=_DISCIPLINE_SQL[0], typed=_DISCIPLINE_SQL[1]),
        Column("role", required=False), Column("manager_id", required=False, key=True),
        Column("email", required=False),
    ),
    "skills": (
        Column("skill_id", key=True), Column("name"),
        Column("discipline", _skill_discipline, check=_SKILL_DISCIPLINE_SQL[0],
               typed=_SKILL_DISCIPLINE_SQL[1]),
        Column("critical", _boolean, required=False, default=False, check=_BOOLEAN_SQL[0],
               typed=_BOOLEAN_SQL[1]),
        Column("description", required=False),
    ),
    "ratings": (
        Column("person_id"), Column("skill_id"),
        Column("level", _level, check=_LEVEL_SQL[0], typed=_LEVEL_SQL[1], converts=True),
        Column("interest", _integer(0, MAX_INTEREST, "an interest"), required=False, default=0,
               check=_INTEREST_SQL[0], typed=_INTEREST_SQL[1], converts=True),
        Column("assessed_on", _iso_date, required=False, check=_DATE_SQL[0],
               typed=_DATE_SQL[1], converts=True),
    ),
    "targets": (
        Column("team"), Column("skill_id"),
        _int_column("min_level", 1, MAX_LEVEL, "a level"),
        _int_column("min_people", 1, None, "a head count"),
    ),
    "requests": (
        Column("request_id", key=True), Column("person_id"), Column("host_team"),
        Column("skill_id", required=False),
        _int_column("earliest_quarter", 1, None, "a quarter"),
        _int_column("latest_quarter", 1, None, "a quarter"),
        _int_column("priority", 1, 3, "a priority"),
        Column("note", required=False),
    ),
}
REQUIRED_TABLES = ("people", "skills", "ratings")
_SQL_TYPES = {"level": "BIGINT", "interest": "BIGINT", "min_level": "BIGINT",
              "min_people": "BIGINT", "earliest_quarter": "BIGINT", "latest_quarter": "BIGINT",
              "priority": "BIGINT", "critical": "BOOLEAN", "assessed_on": "DATE"}


def validate(raw: RawDataset, source: str = "") -> Dataset:
    """The dataset the raw tables describe; raises `DatasetError` listing every problem."""
    workspace = raw.workspace or Workspace()
    try:
        return _validate(raw, workspace, source)
    finally:
        workspace.close()


def _validate(raw: RawDataset, workspace: Workspace, source: str) -> Dataset:
    tables = dict(raw.tables)
    warnings = list(raw.warnings)
    if is_classic(tables):
        converted, classic_warnings = classic_to_tables(next(iter(tables.values())))
        tables = converted
        warnings += classic_warnings
    missing = [name for name in REQUIRED_TABLES if name not in tables]
    if missing:
        found = ", ".join(sorted(tables)) or "nothing"
        raise DatasetError([Problem(
            source or "dataset",
            f"needs the tables people, skills and ratings (missing: {', '.join(missing)}; "
            f"found: {found}), or one sheet in the classic layout with name, team, "
            "discipline and one column per skill (`python -m skills inspect FILE` proposes "
            "a mapping for other layouts)")])
    for name in sorted(set(tables) - set(SPECS)):
        warnings.append(f"{tables[name].source} was ignored: it is not one of "
                        f"{', '.join(SPECS)}")
    present = {name: tables[name] for name in SPECS if name in tables}
    problems: list[Problem] = []
    for name, table in present.items():
        problems += _missing_columns(table, SPECS[name])
    # Without its columns a table cannot be cross-checked; with them, bad cells and bad
    # references are reported together so one fix-up round is enough.
    if problems:
        raise DatasetError(problems)
    checker = _Checker(workspace, present)
    checker.run()
    if checker.problems or checker.more:
        raise DatasetError(checker.problems, checker.more)
    for name in ("targets", "requests"):
        if name in present and checker.counts[name] == 0:
            warnings.append(f"{present[name].source} has a header but no rows: the dataset "
                            f"will have no {name} from the file")
    # Default targets read the staged tables, which making the frames releases.
    targets = (checker.frame("targets", origin="file") if "targets" in present
               else checker.default_targets())
    requests = (checker.frame("requests", status="requested") if "requests" in present
                else _no_rows("requests"))
    tables = {name: checker.frame(name) for name in ("people", "skills", "ratings")}
    return Dataset(**tables, targets=targets, requests=requests, warnings=warnings,
                   source=source)


def _no_rows(name: str) -> pa.Table:
    # Null-typed columns: DuckDB casts them to any stored type, a frame shows them as None.
    return pa.table({column: pa.nulls(0) for column in TABLE_COLUMNS[name]})


def _missing_columns(table: RawTable, spec: tuple[Column, ...]) -> list[Problem]:
    missing = [c.name for c in spec if c.required and table.column(c.name) is None]
    if not missing:
        return []
    names = ", ".join(missing)
    found = ", ".join(f'"{shown(c)}"' for c in table.original_columns[:40])
    if len(table.original_columns) > 40:
        found += f" and {len(table.original_columns) - 40:,} more"
    hints = [f'"{shown(c)}" looks like {name} but is written with other characters'
             for name in missing for c in table.original_columns
             if header_key(skeleton(c)) == name]
    hint = f"; {'; '.join(hints[:3])}" if hints else ""
    return [Problem(table.source, f"is missing the required column"
                                  f"{'s' if len(missing) > 1 else ''} {names} "
                                  f"(found: {found}){hint}", row=1, column=missing[0])]


class _Checker:
    """Every rule of the contract as SQL over the staged tables, collecting problems."""

    def __init__(self, workspace: Workspace, tables: dict[str, RawTable]) -> None:
        self.workspace = workspace
        self.sql = workspace.connection
        self.tables = tables
        self.limit = current_limits().max_problems
        self.problems: list[Problem] = []
        self.more = 0
        self.counts: dict[str, int] = {}
        self.views: dict[str, str] = {}
        # The rows as read under a staged view (released with it).
        self.bases: dict[str, str] = {}

    def add(self, problems: list[Problem], total: int | None = None) -> None:
        room = max(0, self.limit - len(self.problems))
        self.problems += problems[:room]
        self.more += (total if total is not None else len(problems)) - min(room, len(problems))

    def source(self, name: str) -> str:
        return self.tables[name].source

    def run(self) -> None:
        for name, table in self.tables.items():
            self._stage(name, table)
            # The staged copy is all the checks read: free the rows as read (memory).
            if (name not in self.bases and table.stored is not None
                    and table.workspace is self.workspace):
                self.workspace.release(table.stored)
                table.stored = None
        for name, table in self.tables.items():
            self._cells(name, table)
            self._formulas(name, table)
        if self.counts["people"] == 0:
            self.add([Problem(self.source("people"), "has no people in it")])
        if self.counts["skills"] == 0:
            self.add([Problem(self.source("skills"), "has no skills in it")])
        if self.counts["ratings"] == 0:
            # Loading it would replace every stored rating with nothing, without a word.
            self.add([Problem(self.source("ratings"), "has no ratings in it: loading it would "
                                                      "remove every stored rating; add the "
                                                      "ratings, or leave a level 0 for someone")])
        self._duplicates("people", ["person_id"], "person")
        self._duplicates("skills", ["skill_id"], "skill")
        self._unknown("people", "manager_id", "people", "person_id", "manager")
        if not self._ratings_sound():
            self._unknown("ratings", "person_id", "people", "person_id", "person")
            self._unknown("ratings", "skill_id", "skills", "skill_id", "skill")
            self._duplicates("ratings", ["person_id", "skill_id"], "rating")
        if "targets" in self.tables:
            self._unknown("targets", "team", "people", "team", "team")
            self._unknown("targets", "skill_id", "skills", "skill_id", "skill")
            self._duplicates("targets", ["team", "skill_id"], "target")
        if "requests" in self.tables:
            self._duplicates("requests", ["request_id"], "request")
            self._unknown("requests", "person_id", "people", "person_id", "person")
            self._unknown("requests", "host_team", "people", "team", "team")
            self._unknown("requests", "skill_id", "skills", "skill_id", "skill")
            self._requests()
        self._lookalikes()

    def _stage(self, name: str, table: RawTable) -> None:
        """s_<name>: the table's non-blank rows, its columns by name, and t_<column> the typed
        value of every checked column (NULL where the cell is empty or invalid), converted
        once for the checks and the frame alike: as the file was read when it was read with
        `derived_columns` (then s_<name> is a view of those rows), else here."""
        stored = table.store_in(self.workspace)
        typed = derived_columns(name, table.columns)
        columns = [f"c{index} AS {column.name}" if index is not None else f"'' AS {column.name}"
                   for column in SPECS[name] for index in [table.column(column.name)]]
        filled = " OR ".join(f"c{i} <> ''" for i in range(table.width)) or "false"
        view = f"s_{name}"
        if table.derived == typed and table.workspace is self.workspace:
            # Nothing left to compute: a copy of the rows would cost as much as reading them.
            # Every query of the view would test each row for blanks; with no empty first
            # cell (which DuckDB settles from its statistics) no row is blank.
            empty = self.sql.execute(f"SELECT count(*) FROM {stored} WHERE c0 = ''"
                                     ).fetchall()[0][0] if table.width else 1
            where = f" WHERE {filled}" if empty else ""
            self.workspace.run(f"CREATE OR REPLACE VIEW {view} AS SELECT __row, "
                               f"{', '.join(columns + list(typed))} FROM {stored}{where}")
            self.bases[name] = stored
        else:
            computed = [f"{sql} AS {column}" for column, sql in typed.items()]
            self.workspace.run(f"CREATE OR REPLACE TABLE {view} AS SELECT __row, "
                               f"{', '.join(columns + computed)} FROM {stored} WHERE {filled}")
        self.views[name] = view
        count = self.sql.execute(f"SELECT count(*) FROM {view}").fetchall()[0]
        self.counts[name] = int(count[0]) if count else 0

    def _cells(self, name: str, table: RawTable) -> None:
        spec = SPECS[name]
        flags = []
        simple: list[str] = []  # tests of one or two columns against a constant
        searched = False
        for column in spec:
            v = column.name
            parts = []
            if column.required:
                parts.append(f"({v} = '')")
            if _checked(column):
                parts.append(f"({v} <> '' AND t_{v} IS NULL)")
            simple += parts
            if column.key:
                parts.append(f"regexp_matches({v}, '{_INVISIBLE}')")
                searched = True
            elif name in ("people", "skills"):
                parts.append(f"regexp_matches({v}, '{_CONTROL}')")
                searched = True
            flags.append(" OR ".join(parts) if parts else "false")
        if all(flag == "false" for flag in flags):
            return
        if not searched:
            # One test at a time DuckDB settles from its statistics of the rows as read (no
            # empty cell, no NULL typed value) without reading them; all of them OR-ed
            # together it evaluates on every row.
            screen = " + ".join(f"(SELECT count(*) FROM {self.views[name]} WHERE {part})"
                                for part in simple)
            if not self.sql.execute(f"SELECT {screen}").fetchall()[0][0]:
                return
        names = ", ".join(c.name for c in spec)
        bad = ", ".join(f"({flag}) AS bad_{i}" for i, flag in enumerate(flags))
        rows = self.sql.execute(
            f"SELECT * FROM (SELECT __row, {names}, {bad} FROM {self.views[name]}) "
            f"WHERE {' OR '.join(f'bad_{i}' for i in range(len(spec)))} ORDER BY __row "
            f"LIMIT {self.limit + 1}").fetchall()
        if not rows:
            return
        memo: dict[tuple[str, str], str | None] = {}
        problems = []
        for record in rows:
            row = int(record[0])
            for i, column in enumerate(spec):
                if not record[1 + len(spec) + i]:
                    continue
                value = record[1 + i]
                message = self._message(column, value, memo)
                if message:
                    problems.append(Problem(table.source, message, row=row, column=column.name))
        total = None
        if len(rows) > self.limit:
            summed = " + ".join(f"CAST(coalesce({f}, false) AS INTEGER)" for f in flags)
            counted = self.sql.execute(
                f"SELECT sum({summed}) FROM {self.views[name]}").fetchall()[0]
            total = int(counted[0] or 0) if counted else None
        self.add(problems, total)

    @staticmethod
    def _message(column: Column, value: str, memo: dict[tuple[str, str], str | None]
                 ) -> str | None:
        key = (column.name, value)
        if key in memo:
            return memo[key]
        message: str | None = None
        if value == "":
            message = "is empty but required" if column.required else None
        elif column.key and _INVISIBLE_PY.search(value):
            message = (f'"{shown(value)}" contains an invisible character; type the value '
                       "again without it")
        elif not column.key and _CONTROL_PY.search(value):
            message = (f'"{shown(value)}" contains a control character (such as NUL), '
                       "which an export leaves by mistake; remove it")
        else:
            try:
                column.parse(value)
            except ValueError as error:
                message = str(error)
        memo[key] = message
        return message

    def _formulas(self, name: str, table: RawTable) -> None:
        if not table.formulas:
            return
        used = {table.column(c.name): c.name for c in SPECS[name]}
        self.add([Problem(table.source, FORMULA_WITHOUT_VALUE, row=row, column=used[column])
                  for row, column in sorted(table.formulas) if column in used and row > 1])

    def _duplicates(self, name: str, keys: list[str], what: str) -> None:
        view = self.views[name]
        filled = " AND ".join(f"{k} <> ''" for k in keys)
        group = ", ".join(keys)
        # Distinct hashes as many as rows means no duplicates (a hash collision only sends us
        # to the exact query below); one aggregate over integers, not over strings.
        dup = self.sql.execute(f"SELECT count(*) - count(DISTINCT hash({group})) FROM {view} "
                               f"WHERE {filled}").fetchall()[0]
        if not dup or not dup[0]:
            return
        rows = self.sql.execute(
            f"SELECT __row, {group}, first, count(*) OVER () FROM (SELECT __row, {group}, "
            f"min(__row) OVER (PARTITION BY {group}) AS first FROM {view} WHERE {filled}) "
            f"WHERE __row <> first ORDER BY __row LIMIT {self.limit}").fetchall()
        problems = []
        for record in rows:
            shown_keys = " and ".join(f'{k} "{shown(v)}"'
                                      for k, v in zip(keys, record[1:1 + len(keys)], strict=True))
            problems.append(Problem(self.source(name), f"duplicate {what}: {shown_keys} is "
                                                       f"already on row {record[-2]}",
                                    row=int(record[0]), column=keys[-1]))
        self.add(problems, int(rows[0][-1]) if rows else 0)

    def _ratings_sound(self) -> bool:
        """Whether every rating names a known person and a known skill, and no pair twice:
        one pass over the ratings instead of three (two references and the duplicates).
        False means only that the exact checks must look (and word what they find)."""
        people, skills = self.counts["people"], self.counts["skills"]
        if not people or not skills:
            return False
        pairs = people * skills
        # Each (person, skill) as a number below people × skills: when that is small, a bit
        # per pair counts the distinct pairs, much faster than hashing them.
        distinct = (f"bit_count(bitstring_agg(p.i * {skills} + s.i, 0, {pairs - 1}))"
                    if pairs <= 1 << 26 else f"count(DISTINCT p.i * {skills} + s.i)")
        found = self.sql.execute(
            f"WITH p AS (SELECT k, row_number() OVER () - 1 AS i FROM (SELECT DISTINCT "
            f"person_id AS k FROM {self.views['people']})), "
            f"s AS (SELECT k, row_number() OVER () - 1 AS i FROM (SELECT DISTINCT "
            f"skill_id AS k FROM {self.views['skills']})) "
            f"SELECT count(*) FILTER (p.i IS NULL OR s.i IS NULL), count(*), {distinct} "
            f"FROM {self.views['ratings']} r LEFT JOIN p ON r.person_id = p.k "
            f"LEFT JOIN s ON r.skill_id = s.k").fetchall()[0]
        unknown, rows, pairs_found = found
        return unknown == 0 and rows == (pairs_found or 0)

    def _unknown(self, name: str, column: str, other: str, other_column: str,
                 what: str) -> None:
        view, known = self.views[name], self.views[other]
        rows = self.sql.execute(
            f"SELECT r.__row, r.{column}, count(*) OVER () FROM {view} r ANTI JOIN "
            f"(SELECT DISTINCT {other_column} AS k FROM {known}) p ON r.{column} = p.k "
            f"WHERE r.{column} <> '' ORDER BY r.__row LIMIT {self.limit}").fetchall()
        table_of = {"person": "people", "skill": "skills", "team": "the teams of people",
                    "manager": "people"}[what]
        problems = [Problem(self.source(name), f'{what} "{shown(value)}" is not in {table_of}',
                            row=int(row), column=column) for row, value, _ in rows]
        self.add(problems, int(rows[0][2]) if rows else 0)

    def _requests(self) -> None:
        view, people = self.views["requests"], self.views["people"]
        early, late = "t_earliest_quarter", "t_latest_quarter"
        source = self.source("requests")
        rows = self.sql.execute(
            f"SELECT __row, {early}, {late} FROM {view} WHERE {early} > {late} "
            f"ORDER BY __row LIMIT {self.limit}").fetchall()
        self.add([Problem(source, f"the window ends (quarter {late_q}) before it starts "
                                  f"(quarter {early_q})", row=int(row), column="latest_quarter")
                  for row, early_q, late_q in rows])
        rows = self.sql.execute(
            f"SELECT r.__row, r.person_id, r.host_team FROM {view} r JOIN (SELECT person_id, "
            f"min(team) AS team FROM {people} GROUP BY person_id) p "
            f"ON r.person_id = p.person_id AND r.host_team = p.team ORDER BY r.__row "
            f"LIMIT {self.limit}").fetchall()
        self.add([Problem(source, f'{shown(person)} is already in team "{shown(team)}"; a '
                                  "rotation goes to another team", row=int(row),
                          column="host_team") for row, person, team in rows])

    def _lookalikes(self) -> None:
        def values(name: str, column: str) -> list[tuple[str, int]]:
            # Only values with a non-ASCII character can look like another value; fetch those
            # and the values they might look like.
            view = self.views[name]
            odd = [str(v) for (v,) in self.sql.execute(
                f"SELECT DISTINCT {column} FROM {view} WHERE NOT regexp_full_match({column}, "
                "'[\\x00-\\x7F]*') LIMIT 10000").fetchall()]
            if not odd:
                return []
            wanted = list({skeleton(v) for v in odd} | set(odd))
            return [(str(v), int(r)) for v, r in self.sql.execute(
                f"SELECT {column}, min(__row) FROM {view} WHERE {column} <> '' AND "
                f"({column} IN (SELECT unnest($wanted)) OR NOT regexp_full_match({column}, "
                f"'[\\x00-\\x7F]*')) GROUP BY {column} ORDER BY 2",
                {"wanted": wanted}).fetchall()]

        self.add(lookalike_problems(self.source("people"), "team", values("people", "team")))
        self.add(lookalike_problems(self.source("people"), "person_id",
                                    values("people", "person_id")))
        self.add(lookalike_problems(self.source("skills"), "skill_id",
                                    values("skills", "skill_id")))
        # Only someone who manages someone can be on a loop: the walk needs their edges alone
        # (a few hundred of 20,000), started in the order the walks from everyone would
        # first reach them, so that each loop is told from the same person as before: a
        # person nobody reports to starts a walk at their (last named) manager at their row.
        with_manager = f"(SELECT * FROM {self.views['people']} WHERE manager_id <> '')"
        managers = f"(SELECT DISTINCT manager_id FROM {with_manager})"
        edges = self.sql.execute(
            f"SELECT person_id, manager_id, __row FROM {with_manager} "
            f"WHERE person_id IN {managers} ORDER BY __row").fetchall()
        if edges:
            starts = [str(node) for (node,) in self.sql.execute(
                f"SELECT node FROM (SELECT person_id AS node, __row AS first FROM "
                f"{with_manager} WHERE person_id IN {managers} UNION ALL "
                f"SELECT arg_max(manager_id, __row), min(__row) FROM {with_manager} "
                f"WHERE person_id NOT IN {managers} GROUP BY person_id) "
                f"GROUP BY node ORDER BY min(first)").fetchall()]
            self.add(manager_cycle_problems(self.source("people"), edges, starts))

    def _value(self, name: str, column: Column) -> str:
        """The SQL of `column`'s stored value in the staged table: typed, its default where
        the cell is empty, NULL where an optional cell is empty. Only for a table that passed
        every check: then a typed value is NULL exactly where its cell is empty, and no text
        needs comparing again."""
        sql_type = _SQL_TYPES.get(column.name, "VARCHAR")
        if not _checked(column):
            # A required cell is never empty here.
            empty = column.name if column.required else f"nullif({column.name}, '')"
            return f"CAST({empty} AS {sql_type})"
        if column.default is None:
            return f"CAST(t_{column.name} AS {sql_type})"
        return f"CAST(coalesce(t_{column.name}, {_literal(column.default)}) AS {sql_type})"

    def frame(self, name: str, **constants: str) -> pa.Table:
        """The validated table with typed columns, in file order, and `constants` (text)."""
        spec = {column.name: column for column in SPECS[name]}
        selected = [f"{self._value(name, spec[c])} AS {c}" if c in spec else
                    f"'{constants[c]}' AS {c}" for c in TABLE_COLUMNS[name]]
        # The staged tables are in file order (insertion order is preserved): no sort needed.
        arrow = self.sql.sql(f"SELECT {', '.join(selected)} FROM {self.views[name]}"
                             ).to_arrow_table()
        if name in self.bases:
            self.workspace.run(f"DROP VIEW IF EXISTS {self.views[name]}")
            self.workspace.release(self.bases.pop(name))
        else:
            self.workspace.release(self.views[name])
        return arrow

    def default_targets(self) -> pa.Table:
        """Without a targets sheet: keep a practitioner wherever a team has one in a critical
        skill."""
        skills = {column.name: column for column in SPECS["skills"]}
        level = {column.name: column for column in SPECS["ratings"]}["level"]
        return self.sql.sql(
            f"SELECT p.team, r.skill_id, CAST($level AS BIGINT) AS min_level, "
            f"CAST(1 AS BIGINT) AS min_people, 'default' AS origin "
            # No DISTINCT: a table with a duplicate rating never gets this far.
            f"FROM (SELECT person_id, skill_id FROM {self.views['ratings']} "
            f"WHERE {self._value('ratings', level)} >= $level) r "
            f"JOIN (SELECT skill_id FROM {self.views['skills']} "
            f"WHERE {self._value('skills', skills['critical'])}) USING (skill_id) "
            f"JOIN {self.views['people']} p USING (person_id) "
            f"GROUP BY p.team, r.skill_id ORDER BY p.team, r.skill_id",
            params={"level": PRACTITIONER_LEVEL}).to_arrow_table()


def derived_columns(name: str, columns: list[str]) -> dict[str, str]:
    """t_<column>: the typed value of each checked column of table `name` whose header names
    are `columns`, as SQL over its cells c0, c1, … (NULL where the cell is empty or invalid).
    A `reading.Derive`: the reader computes these as it reads a CSV file."""
    if name not in SPECS:
        return {}
    index = {column: i for i, column in reversed(list(enumerate(columns)))}
    typed = {}
    for column in SPECS[name]:
        if not _checked(column):
            continue
        value = f"c{index[column.name]}" if column.name in index else "''"
        if column.converts:
            # NULL for an empty cell too, with no test of its own.
            typed[f"t_{column.name}"] = _bind(column.typed, value)
        else:
            typed[f"t_{column.name}"] = (f"CASE WHEN {value} <> '' AND "
                                         f"({_bind(column.check, value)}) "
                                         f"THEN {_bind(column.typed, value)} END")
    return typed


def _checked(column: Column) -> bool:
    return column.check != "true" or column.typed != "v"


def _bind(expression: str, column: str) -> str:
    """`expression` over the placeholder `v`, applied to `column`."""
    return re.sub(r"\bv\b", column, expression)


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
