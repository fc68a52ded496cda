"""The importer's own in-memory DuckDB: raw tables of text, cleaned once, checked in SQL.

Never the store's file: a workspace lives for one import and holds nothing else.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path

import duckdb
import pyarrow as pa

# Python's str.strip() white space, plus invisible marks a careless export leaves at the ends
# of a cell (zero-width space, word joiner, byte-order mark).
_EDGE = r"[\s\x{0B}\x{1C}-\x{1F}\x{85}\p{Z}\x{200B}\x{2060}\x{FEFF}]"
_PLAIN_TRIM = "coalesce(trim(COLUMN), '')"
_FULL_TRIM = (f"coalesce(CASE WHEN regexp_matches(COLUMN, '^{_EDGE}|{_EDGE}$') "
              f"THEN regexp_replace(COLUMN, '^{_EDGE}+|{_EDGE}+$', '', 'g') ELSE COLUMN END, '')")


def column_names(width: int) -> list[str]:
    return [f"c{i}" for i in range(width)]


class Workspace:
    """One in-memory DuckDB connection and the scratch files an import needs."""

    def __init__(self) -> None:
        self.connection = duckdb.connect(":memory:")
        self.run("SET preserve_insertion_order = true")
        self.run("SET enable_progress_bar = false")
        self._count = 0
        self._raw_of: dict[str, str] = {}
        self._scratch: tempfile.TemporaryDirectory[str] | None = None

    def run(self, statement: str, params: dict[str, object] | None = None) -> None:
        """Run a statement that returns nothing a caller needs (DuckDB wants it consumed)."""
        self.connection.execute(statement, params).fetchall()

    def close(self) -> None:
        self.connection.close()
        if self._scratch is not None:
            self._scratch.cleanup()
            self._scratch = None

    def name(self, prefix: str = "t") -> str:
        self._count += 1
        return f"{prefix}{self._count}"

    def scratch_file(self, data: bytes, suffix: str = ".csv") -> Path:
        """`data` in a file DuckDB can read (uploads arrive as bytes, re-encoded text too)."""
        if self._scratch is None:
            self._scratch = tempfile.TemporaryDirectory(prefix="crosstrain-import-")
        path = Path(self._scratch.name) / f"{self.name('f')}{suffix}"
        path.write_bytes(data)
        return path

    def load_csv(self, path: Path, width: int, separator: str, plain: bool, nfc: bool,
                 max_line_bytes: int, padded: bool = True,
                 derived: Mapping[str, str] | None = None) -> tuple[str, int]:
        """Read a UTF-8 CSV whose header has `width` cells; (table name, data rows).

        The result (a view over the rows as read) has `__row` (the spreadsheet row: the header
        is row 1) and c0…c{width-1}, every cell stripped (and NFC-normalised when the file is
        not ASCII), never NULL, and the `derived` columns (SQL over those cleaned cells by
        name), all computed once, as the file is read.
        Raises duckdb.Error when the file is not plain CSV (ragged rows, stray quotes, a line
        longer than `max_line_bytes`); the caller then reads it in Python, which says exactly
        where.
        """
        raw = self.name("raw")
        columns = {c: "VARCHAR" for c in column_names(width)}
        # `padded` False: the caller saw no space next to a separator, quote or line end, so
        # no cell needs stripping and the rows are taken as read.
        template = "coalesce(COLUMN, '')" if not padded else _PLAIN_TRIM if plain else _FULL_TRIM
        cells = []
        for c in column_names(width):
            expression = template.replace("COLUMN", c)
            cells.append(f"nfc_normalize({expression}) AS {c}" if nfc else f"{expression} AS {c}")
        extra = "".join(f", {sql} AS {name}" for name, sql in (derived or {}).items())
        # Cleaned (and derived) as read: the table is stored once, and every reader of the
        # view gets cells that need no more work.
        self.run(
            f"CREATE TABLE {raw} AS SELECT *{extra} FROM (SELECT {', '.join(cells)} "
            f"FROM read_csv($path, header = false, "
            f"columns = {columns!r}, delim = $sep, quote = '\"', escape = '\"', "
            "auto_detect = false, null_padding = true, strict_mode = true, "
            f"max_line_size = {max(int(max_line_bytes), 4096)}))",
            {"path": str(path), "sep": separator})
        cleaned = self.name()
        names = column_names(width) + list(derived or {})
        self.run(f"CREATE VIEW {cleaned} AS SELECT rowid + 1 AS __row, {', '.join(names)} "
                 f"FROM {raw} WHERE rowid > 0")
        self._raw_of[cleaned] = raw
        count = self.connection.execute(f"SELECT count(*) - 1 FROM {raw}").fetchall()[0]
        return cleaned, int(count[0]) if count else 0

    def release(self, name: str) -> None:
        """Drop a table (or a CSV's view and the rows under it) nobody reads any more."""
        raw = self._raw_of.pop(name, None)
        if raw is not None:
            self.run(f"DROP VIEW IF EXISTS {name}")
            self.run(f"DROP TABLE IF EXISTS {raw}")
        else:
            self.run(f"DROP TABLE IF EXISTS {name}")

    def load_rows(self, rows: list[list[str]], width: int,
                  row_numbers: list[int] | None = None) -> str:
        """Rows already read in Python, as a table shaped like `load_csv`'s."""
        name = self.name()
        numbers = row_numbers if row_numbers is not None else list(range(2, len(rows) + 2))
        data: dict[str, pa.Array] = {"__row": pa.array(numbers, type=pa.int64())}
        for index, column in enumerate(column_names(width)):
            data[column] = pa.array([row[index] if index < len(row) else "" for row in rows],
                                    type=pa.string())
        arrow = pa.table(data)
        self.connection.register(f"{name}_in", arrow)
        self.run(f"CREATE TABLE {name} AS SELECT * FROM {name}_in")
        self.connection.unregister(f"{name}_in")
        return name

    def fetch_rows(self, name: str, width: int) -> tuple[list[list[str]], list[int]]:
        """Every row of a table as Python lists, with its spreadsheet row numbers."""
        columns = ", ".join(column_names(width)) or "''"
        result = self.connection.execute(
            f"SELECT __row, {columns} FROM {name} ORDER BY __row").fetchall()
        return [list(row[1:width + 1]) for row in result], [int(row[0]) for row in result]
