"""Turn uploaded or on-disk files into plain tables of text, whatever the spreadsheet saved.

Nothing here knows what the columns mean; `skills.ingest.validation` does.  Every cell is text,
stripped and NFC-normalised, so `000123` stays `000123` and `NA` stays a name.

Plain CSV files (the large ones) are parsed by DuckDB into the import's own in-memory
workspace; anything DuckDB will not take as plain CSV (ragged rows, stray quotes, blank lines
inside the data) is read by Python's csv module instead, which says exactly where it is wrong.
Every file is measured against `skills.ingest.limits` before it is parsed.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from skills.ingest.limits import Limits, current_limits
from skills.ingest.problems import DatasetError, Problem
from skills.ingest.workspace import Workspace
from skills.taxonomy import normalise_text

TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
JSON_SUFFIXES = (".json",)
_SEPARATORS = (",", ";", "\t")
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BLANK_LINE = re.compile(rb"\n\r?\n")
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")
_SHOWN = 60
# Extra columns to compute while a CSV is read: given the table's name (its file name) and its
# header names, SQL expressions over the cleaned cells c0, c1, … by column name. Validation
# asks for the typed value of every cell it checks, so that a large file is turned into its
# checked table in the one pass that reads it, rather than read and then copied.
Derive = Callable[[str, list[str]], dict[str, str]]


class RawTable:
    """One CSV file or workbook sheet: normalised header names and text rows.

    Rows live either in Python (`rows`) or in the import's DuckDB workspace (`stored`), and
    `row_numbers[i]` is the spreadsheet row of `rows[i]` (the header is row 1).
    """

    def __init__(self, source: str, columns: list[str], rows: list[list[str]] | None = None,
                 original_columns: list[str] | None = None, *,
                 row_numbers: list[int] | None = None, workspace: Workspace | None = None,
                 stored: str | None = None, count: int | None = None) -> None:
        self.source = source
        self.columns = columns
        self.original_columns = original_columns if original_columns is not None else columns
        self._rows = rows
        self._row_numbers = row_numbers
        self.workspace = workspace
        self.stored = stored
        self.count = count if count is not None else len(rows or [])
        # Columns `stored` holds besides __row and the cells, and the SQL that made them.
        self.derived: dict[str, str] = {}
        # (spreadsheet row, column index) of cells holding a formula whose value was never
        # calculated: empty to a reader, but not blank to the person who wrote them.
        self.formulas: set[tuple[int, int]] = set()

    @property
    def width(self) -> int:
        return len(self.columns)

    @property
    def rows(self) -> list[list[str]]:
        if self._rows is None:
            assert self.workspace is not None and self.stored is not None
            self._rows, self._row_numbers = self.workspace.fetch_rows(self.stored, self.width)
        return self._rows

    @property
    def row_numbers(self) -> list[int]:
        if self._row_numbers is None:
            self._row_numbers = list(range(2, len(self.rows) + 2))
        return self._row_numbers

    def column(self, name: str) -> int | None:
        if not hasattr(self, "_index"):
            self._index = {c: i for i, c in reversed(list(enumerate(self.columns)))}
        return self._index.get(name)

    def store_in(self, workspace: Workspace) -> str:
        """The workspace table holding these rows (created on first use)."""
        if self.stored is None or self.workspace is not workspace:
            self.stored = workspace.load_rows(self.rows, self.width, self.row_numbers)
            self.workspace = workspace
        return self.stored


@dataclass
class RawDataset:
    tables: dict[str, RawTable]
    warnings: list[str]
    workspace: Workspace | None = None
    # Files that are not tables (a JSON backup) for the layouts that understand them.
    documents: dict[str, bytes] = field(default_factory=dict)


_INVISIBLE_IN_HEADER = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))


def header_key(name: str) -> str:
    """Header names match regardless of case, spaces and invisible marks."""
    return " ".join(normalise_text(name).translate(_INVISIBLE_IN_HEADER).casefold().split())


def shown(value: str) -> str:
    """A cell as a message quotes it: invisible characters named, long values cut."""
    visible = "".join(_visible(char) for char in value[:_SHOWN])
    if len(value) > _SHOWN:
        visible += f"… ({len(value):,} characters)"
    return visible


def _visible(char: str) -> str:
    if char.isprintable() or char == " ":
        return char
    return f"<U+{ord(char):04X}>"


@dataclass
class _Input:
    name: str
    content: bytes
    path: Path | None = None
    derive: Derive | None = None
    derived: dict[str, str] = field(default_factory=dict)


def read_path(path: str | Path, limits: Limits | None = None,
              derive: Derive | None = None) -> RawDataset:
    """Read a folder of CSV files, one CSV file or one workbook (`derive`: see `Derive`)."""
    limits = limits or current_limits()
    path = Path(path)
    if not path.exists():
        raise DatasetError([Problem(str(path), "does not exist")])
    if path.is_dir():
        paths = [p for p in sorted(path.iterdir())
                 if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES + WORKBOOK_SUFFIXES]
        if not paths:
            raise DatasetError([Problem(str(path), "holds no .csv or .xlsx files")])
    else:
        paths = [path]
    _refuse_large({p.name: p.stat().st_size for p in paths}, limits)
    return _read_inputs([_Input(p.name, p.read_bytes(), p, derive) for p in paths], limits)


def read_files(files: Mapping[str, bytes], limits: Limits | None = None,
               derive: Derive | None = None) -> RawDataset:
    """Read uploaded files, keyed by file name, into tables keyed by table name."""
    limits = limits or current_limits()
    _refuse_large({name: len(content) for name, content in files.items()}, limits)
    return _read_inputs([_Input(name, content, derive=derive)
                         for name, content in files.items()], limits)


def _refuse_large(sizes: dict[str, int], limits: Limits) -> None:
    limit = limits.max_file_mb * 1_000_000
    problems = [Problem(name, f"is {size / 1e6:,.1f} MB, more than an import takes "
                              f"{limits.advice('max_file_mb')}")
                for name, size in sizes.items() if size > limit]
    if problems:
        raise DatasetError(problems)


def _read_inputs(inputs: list[_Input], limits: Limits) -> RawDataset:
    workspace = Workspace()
    tables: dict[str, RawTable] = {}
    warnings: list[str] = []
    problems: list[Problem] = []
    documents: dict[str, bytes] = {}
    seen: dict[str, str] = {}

    def add(key: str, table: RawTable) -> None:
        # Two files or sheets for one table would silently keep the last: refuse instead.
        if key in seen:
            problems.append(Problem(table.source, f'is the "{key}" table, and so is '
                                                  f"{seen[key]}: keep one of them"))
            return
        seen[key] = table.source
        tables[key] = table

    try:
        for item in inputs:
            suffix = Path(item.name).suffix.lower()
            try:
                if suffix in WORKBOOK_SUFFIXES:
                    from skills.ingest.workbooks import read_workbook

                    for title, sheet in read_workbook(item.name, item.content, limits):
                        add(header_key(title), sheet)
                elif suffix in TEXT_SUFFIXES:
                    table, warning = _read_text(item, workspace, limits)
                    if warning:
                        warnings.append(warning)
                    add(header_key(Path(item.name).stem), table)
                elif suffix in JSON_SUFFIXES:
                    documents[item.name] = item.content
                else:
                    problems.append(Problem(item.name, "is neither a CSV file nor an .xlsx "
                                                       "workbook"))
            except DatasetError as error:
                problems.extend(error.problems)
        if problems:
            raise DatasetError(problems)
    except BaseException:
        workspace.close()
        raise
    return RawDataset(tables, warnings, workspace, documents)


def decode(name: str, content: bytes) -> tuple[str, str | None]:
    """Text of a CSV file, and a warning when it was not UTF-8."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode_utf16(name, content, "utf-16"), None
    utf16 = _utf16_without_bom(content)
    if utf16:
        return _decode_utf16(name, content, utf16), None
    if _looks_binary(content):
        raise DatasetError([Problem(name, "could not be read: it looks like a binary file, "
                                          "not CSV text")])
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    try:
        return content.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    if _UTF8_MULTIBYTE.search(content):
        # Mostly UTF-8 with a few bad bytes: reading it all as Windows-1252 would garble every
        # accented name, so say where the bad bytes are instead.
        raise DatasetError(_bad_utf8(name, content))
    try:
        text = content.decode("cp1252")
    except UnicodeDecodeError as error:
        raise DatasetError([Problem(name, "could not be read: it is neither UTF-8 nor "
                                          f"Windows-1252 text ({error.reason})")]) from None
    return text, (f"{name} is not valid UTF-8; it was read as Windows-1252 "
                  "(save it as 'CSV UTF-8' to avoid this warning)")


def _decode_utf16(name: str, content: bytes, encoding: str) -> str:
    try:
        return content.decode(encoding)
    except UnicodeDecodeError as error:
        raise DatasetError([Problem(name, f"could not be read as UTF-16 text ({error.reason} "
                                          f"at byte {error.start:,})")]) from None


def _utf16_without_bom(content: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when every other byte of the start is NUL, as UTF-16 text
    of Latin letters is; None otherwise."""
    head = content[:2000]
    if len(head) < 4:
        return None
    pairs = len(head) // 2
    odd = sum(1 for i in range(1, 2 * pairs, 2) if head[i] == 0)
    even = sum(1 for i in range(0, 2 * pairs, 2) if head[i] == 0)
    if odd > 0.9 * pairs and even < 0.1 * pairs:
        return "utf-16-le"
    if even > 0.9 * pairs and odd < 0.1 * pairs:
        return "utf-16-be"
    return None


def _looks_binary(content: bytes) -> bool:
    head = content[:4096]
    if not head:
        return False
    controls = len(_CONTROL_BYTES.findall(head))
    return b"\x00" in head[:16] or controls > 0.1 * len(head)


def _bad_utf8(name: str, content: bytes) -> list[Problem]:
    problems: list[Problem] = []
    position = 0
    while len(problems) < 20:
        try:
            content[position:].decode("utf-8")
            break
        except UnicodeDecodeError as error:
            at = position + error.start
            line = content.count(b"\n", 0, at) + 1
            problems.append(Problem(name, f"is not valid UTF-8 here (byte 0x{content[at]:02X}): "
                                          "save the file as 'CSV UTF-8', or fix the "
                                          "character on this row", row=line))
            position = at + 1
    return problems


def sniff_separator(header_line: str) -> str:
    """The separator among , ; and tab that splits the header line most."""
    counts = {sep: _count_outside_quotes(header_line, sep) for sep in _SEPARATORS}
    best = max(_SEPARATORS, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _count_outside_quotes(line: str, sep: str) -> int:
    quoted, count = False, 0
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == sep and not quoted:
            count += 1
    return count


def _read_text(item: _Input, workspace: Workspace, limits: Limits
               ) -> tuple[RawTable, str | None]:
    name, content = item.name, item.content
    if content.isascii() and not _looks_binary(content):
        # The common case, checked at C speed on the bytes: no decoding copy of a big file.
        text, warning, plain_utf8 = None, None, True
    else:
        text, warning = decode(name, content)
        plain_utf8 = (warning is None and not content.startswith((b"\xff\xfe", b"\xfe\xff"))
                      and _utf16_without_bom(content) is None)
    if text is None:
        start = len(content) - len(content.lstrip(b"\r\n"))
        end = content.find(b"\n", start)
        first_line = content[start:end if end >= 0 else len(content)].decode("ascii")
        blank = not first_line.strip() and not content.strip()
    else:
        start = len(text) - len(text.lstrip("\r\n"))
        end = text.find("\n", start)
        first_line = text[start:end if end >= 0 else len(text)]
        blank = not first_line.strip() and not text.strip()
    if blank:
        raise DatasetError([Problem(name, "is empty")])
    first_line = first_line.rstrip("\r")
    separator = sniff_separator(first_line)
    try:
        header = next(csv.reader([first_line], delimiter=separator), [])
    except csv.Error:
        raise DatasetError([Problem(name, "has a carriage return without a line feed in its "
                                          "first line (as old Mac files end their lines): save "
                                          "it as 'CSV UTF-8' and import it again",
                                    row=1)]) from None
    if len(header) > limits.max_columns:
        raise DatasetError([Problem(name, f"has {len(header):,} columns in its header, more "
                                          f"than an import takes {limits.advice('max_columns')}",
                                    row=1)])
    if item.derive is not None:
        item.derived = item.derive(header_key(Path(name).stem),
                                   [header_key(normalise_text(cell)) for cell in header])
    lines = content.count(b"\n") if plain_utf8 else (text or "").count("\n")
    if lines > limits.max_rows + 1:
        raise DatasetError([Problem(name, f"has about {lines:,} rows, more than an import "
                                          f"takes {limits.advice('max_rows')}")])
    table = _read_with_duckdb(item, text, plain_utf8, header, separator, workspace, limits,
                              lines)
    if table is None:
        if text is None:
            text, warning = decode(name, content)
        table = _read_with_python(name, text, separator, limits)
    return table, warning


# Bytes a cell may hold without the slower, Unicode-aware cleaning.
_PLAIN_BYTES = bytes(range(0x20, 0x7F)) + b"\n\r"


def _read_with_duckdb(item: _Input, text: str | None, plain_utf8: bool, header: list[str],
                      separator: str, workspace: Workspace, limits: Limits,
                      line_breaks: int) -> RawTable | None:
    """The table DuckDB reads, or None when the file is not plain CSV DuckDB can number.
    `line_breaks` is how many the file holds (the same in its text and in `raw`)."""
    content = item.content
    if plain_utf8:
        raw = content[3:] if content.startswith(b"\xef\xbb\xbf") else content
    else:
        raw = (text or "").encode("utf-8")
    # DuckDB skips blank lines, which would shift every row number after them; such files
    # (and headers with quotes) are read in Python.
    if raw[:1] in (b"\r", b"\n") or b'"' in raw[:raw.find(b"\n")]:
        return None
    end = _last_line_end(raw)
    # Most files have one row per line: when DuckDB read as many rows as there are lines, no
    # line was blank and no cell spans lines, which searching a large file for blank lines
    # (a look at every line break) would only have confirmed.
    with contextlib.suppress(duckdb.Error):
        read = _load_csv(item, content, raw, end, header, separator, workspace, limits)
        if read[1] + 1 == line_breaks - raw.count(b"\n", end) + 1:
            return _raw_table(item, header, read, workspace, limits)
        workspace.release(read[0])
    body = raw[:end]
    if b"\n\n" in body or b"\n\r\n" in body:
        if b'"' in raw:
            return None  # a blank line may sit inside a quoted value: let Python tell
        # A row of empty cells instead of each blank line keeps every row number, and empty
        # rows are skipped like blank lines.
        filler = b"\n" + separator.encode() * max(1, len(header) - 1) + b"\n"
        while b"\n\n" in body or b"\n\r\n" in body:
            body = body.replace(b"\n\r\n", filler).replace(b"\n\n", filler)
        raw = body + b"\n"
        end = len(body)
    try:
        read = _load_csv(item, content, raw, end, header, separator, workspace, limits)
    except duckdb.Error as error:
        if len(raw) > _PYTHON_READER_BYTES:
            # Python's csv module would hold a big file's every cell at once: say what DuckDB
            # found instead.
            raise DatasetError([_duckdb_problem(item.name, str(error), len(header))]) from None
        return None
    return _raw_table(item, header, read, workspace, limits)


def _load_csv(item: _Input, content: bytes, raw: bytes, end: int, header: list[str],
              separator: str, workspace: Workspace, limits: Limits) -> tuple[str, int]:
    """`raw` (the file's bytes, or what stands for them) in the workspace: (table, rows).
    Raises duckdb.Error when DuckDB cannot read it as plain CSV."""
    path = item.path if (item.path is not None and raw is content) else None
    if path is None:
        path = workspace.scratch_file(raw)
    ascii_only = raw.isascii()
    plain = ascii_only and not raw.translate(None, _PLAIN_BYTES + separator.encode())
    sep = separator.encode()
    # Most large files (ratings) hold no space at all: one byte search settles it.
    padded = not plain or (b" " in raw and (raw[:1] == b" " or raw[end - 1:end] == b" " or any(
        pattern in raw for pattern in (b" " + sep, sep + b" ", b" \n", b"\n ", b" \r", b'" ',
                                       b' "'))))
    # No line longer than a cell may be means no cell too long; a longer line sends the file
    # to the Python reader, which measures every cell.
    return workspace.load_csv(path, len(header), separator, plain=plain, nfc=not ascii_only,
                              max_line_bytes=limits.max_cell_chars, padded=padded,
                              derived=item.derived)


def _raw_table(item: _Input, header: list[str], read: tuple[str, int], workspace: Workspace,
               limits: Limits) -> RawTable:
    stored, count = read
    header_cells = [normalise_text(cell) for cell in header]
    table = _header(item.name, header_cells)
    if len(table.columns) < len(header):
        extra = _extra_cells(workspace, stored, len(table.columns), len(header), limits)
        if extra:
            raise DatasetError([Problem(item.name, f"has {width} values but the header has "
                                                   f"{len(table.columns)} columns", row=row)
                                for row, width in extra])
    result = RawTable(item.name, table.columns, None, table.original_columns,
                      workspace=workspace, stored=stored, count=count)
    result.derived = dict(item.derived)
    return result


def _last_line_end(raw: bytes) -> int:
    """Where the last line's text ends (trailing line breaks dropped), found a few kilobytes
    at a time: rstrip would copy the whole of a large file for it."""
    end = len(raw)
    while end:
        start = max(0, end - 4096)
        tail = raw[start:end].rstrip(b"\r\n")
        if tail:
            return start + len(tail)
        end = start
    return 0


# Above this size a file DuckDB refuses is not re-read in Python (memory); its error is told.
_PYTHON_READER_BYTES = 50_000_000


def _duckdb_problem(name: str, message: str, width: int) -> Problem:
    line = re.search(r"CSV Error on Line: (\d+)", message)
    row = int(line.group(1)) if line else None
    found = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", message)
    if found:
        return Problem(name, f"has {found.group(2)} values but the header has {width} columns",
                       row=row)
    if "unterminated quote" in message:
        return Problem(name, 'has a quote (") that is never closed; close or remove it', row=row)
    if "Maximum line size" in message or "maximum line size" in message:
        return Problem(name, "has a line longer than a cell may be (set "
                             "CROSSTRAIN_IMPORT_MAX_CELL_CHARS to change it)", row=row)
    first = message.strip().splitlines()[0] if message.strip() else "unknown error"
    return Problem(name, f"could not be read as CSV: {first[:200]}", row=row)


def _extra_cells(workspace: Workspace, stored: str, width: int, raw_width: int,
                 limits: Limits) -> list[tuple[int, int]]:
    """Rows with values under the header's trailing empty cells: (row, values in the row)."""
    filled = " OR ".join(f"c{i} <> ''" for i in range(width, raw_width))
    last = " ".join(f"WHEN c{i} <> '' THEN {i + 1}" for i in reversed(range(width, raw_width)))
    rows = workspace.connection.execute(
        f"SELECT __row, CASE {last} END FROM {stored} WHERE {filled} ORDER BY __row "
        f"LIMIT {limits.max_problems}").fetchall()
    return [(int(row), int(width)) for row, width in rows]


def _long_cell(source: str, row: int, column: str, size: int, limits: Limits) -> Problem:
    return Problem(source, f"holds {size:,} characters, more than a cell may "
                           f"{limits.advice('max_cell_chars')}", row=row, column=column)


def _read_with_python(name: str, text: str, separator: str, limits: Limits) -> RawTable:
    # NFC once for the whole file: separators never compose with a neighbour, so this equals
    # normalising cell by cell, at a fraction of the cost on large files.
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    csv.field_size_limit(max(limits.max_cell_chars * 4 + 16, 131072))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    records: list[list[str]] = []
    try:
        for record in reader:
            records.append([cell.strip() for cell in record])
    except csv.Error as error:
        message = str(error)
        if "field larger than field limit" in message:
            raise DatasetError([Problem(name, "holds a cell of more characters than a cell may "
                                              f"{limits.advice('max_cell_chars')}",
                                        row=len(records) + 1)]) from None
        raise DatasetError([Problem(name, f"could not be read as CSV: {message}",
                                    row=len(records) + 1)]) from None
    problem = _unclosed_quote(name, text, separator, records)
    if problem:
        raise DatasetError([problem])
    return table_from_records(name, records, limits)


def _unclosed_quote(name: str, text: str, separator: str, records: list[list[str]]
                   ) -> Problem | None:
    """An opening quote never closed swallows the rest of the file into one cell; name it."""
    if text.count('"') % 2 == 0 or not records:
        return None
    try:
        for _ in csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True):
            pass
    except csv.Error as error:
        if "unexpected end of data" not in str(error):
            return None
        return Problem(name, 'has a quote (") that is never closed: everything after it '
                             "was read as one value; close or remove it", row=len(records))
    return None


def table_from_records(source: str, records: list[list[str]], limits: Limits | None = None
                       ) -> RawTable:
    """A table from records whose cells are already NFC-normalised and stripped."""
    limits = limits or current_limits()
    start = 0
    # Leading blank lines are skipped so the header is what the user sees as the header.
    while start < len(records) and not any(cell.strip() for cell in records[start]):
        start += 1
    if start == len(records):
        raise DatasetError([Problem(source, "is empty")])
    header = _header(source, records[start])
    columns = header.columns
    problems: list[Problem] = []
    more = 0
    rows: list[list[str]] = []
    width = len(columns)
    padding = [""] * width
    for offset, cells in enumerate(records[start + 1:]):
        if len(cells) > width and any(cells[width:]):
            if len(problems) < limits.max_problems:
                problems.append(Problem(source, f"has {len(cells)} values but the header has "
                                                f"{width} columns", row=offset + 2))
            else:
                more += 1
        rows.append(cells[:width] if len(cells) >= width else cells + padding[len(cells):])
    if problems:
        raise DatasetError(problems, more)
    if len(rows) > limits.max_rows:
        raise DatasetError([Problem(source, f"has {len(rows):,} rows, more than an import "
                                            f"takes {limits.advice('max_rows')}")])
    long_cells = [
        _long_cell(source, offset + 2, header.original_columns[i], len(cell), limits)
        for offset, row in enumerate(rows) for i, cell in enumerate(row)
        if len(cell) > limits.max_cell_chars][:20]
    if long_cells:
        raise DatasetError(long_cells)
    # Trailing empty rows are what spreadsheets leave behind, not data.
    while rows and not any(rows[-1]):
        rows.pop()
    return RawTable(source, columns, rows, header.original_columns)


def _header(source: str, record: list[str]) -> RawTable:
    """The header row as a table without rows; problems with it raise."""
    original = list(record)
    while original and not original[-1]:
        original.pop()
    columns = [header_key(cell) for cell in original]
    problems = []
    first: dict[str, int] = {}
    for index, column in enumerate(columns):
        if not column:
            problems.append(Problem(source, "a column has no header name", row=1,
                                    column=f"#{index + 1}"))
        elif column in first:
            problems.append(Problem(source, "the header names this column twice", row=1,
                                    column=shown(original[index])))
        else:
            first[column] = index
    if problems:
        raise DatasetError(problems)
    return RawTable(source, columns, [], original)


def iter_records(table: RawTable) -> Iterator[tuple[int, list[str]]]:
    """(spreadsheet row, cells) for every row of the table."""
    return zip(table.row_numbers, table.rows, strict=True)
