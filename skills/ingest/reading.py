"""Turn uploaded or on-disk files into plain tables of text, whatever the spreadsheet saved.

Nothing here knows what the columns mean; `skills.ingest.validation` does.  Every cell is text,
stripped and NFC-normalised, so `000123` stays `000123` and `NA` stays a name.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from skills.ingest.problems import DatasetError, Problem
from skills.taxonomy import normalise_text

TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
_SEPARATORS = (",", ";", "\t")


@dataclass
class RawTable:
    """One CSV file or workbook sheet: normalised header names and text rows.

    `rows[i]` is spreadsheet row `i + 2` (the header is row 1).
    """

    source: str
    columns: list[str]
    rows: list[list[str]]
    original_columns: list[str] = field(default_factory=list)

    def column(self, name: str) -> int | None:
        return self.columns.index(name) if name in self.columns else None


@dataclass
class RawDataset:
    tables: dict[str, RawTable]
    warnings: list[str]


def header_key(name: str) -> str:
    """Header names match regardless of case and surrounding spaces."""
    return " ".join(normalise_text(name).casefold().split())


def read_path(path: str | Path) -> RawDataset:
    """Read a folder of CSV files, one CSV file or one workbook."""
    path = Path(path)
    if not path.exists():
        raise DatasetError([Problem(str(path), "does not exist")])
    if path.is_dir():
        files = {
            p.name: p.read_bytes()
            for p in sorted(path.iterdir())
            if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES + WORKBOOK_SUFFIXES
        }
        if not files:
            raise DatasetError([Problem(str(path), "holds no .csv or .xlsx files")])
        return read_files(files)
    return read_files({path.name: path.read_bytes()})


def read_files(files: Mapping[str, bytes]) -> RawDataset:
    """Read uploaded files, keyed by file name, into tables keyed by table name."""
    tables: dict[str, RawTable] = {}
    warnings: list[str] = []
    problems: list[Problem] = []
    for name, content in files.items():
        suffix = Path(name).suffix.lower()
        try:
            if suffix in WORKBOOK_SUFFIXES:
                for title, sheet in _read_workbook(name, content):
                    tables[header_key(title)] = sheet
            elif suffix in TEXT_SUFFIXES:
                table, warning = _read_text(name, content)
                if warning:
                    warnings.append(warning)
                tables[header_key(Path(name).stem)] = table
            else:
                problems.append(Problem(name, "is neither a CSV file nor an .xlsx workbook"))
        except DatasetError as error:
            problems.extend(error.problems)
    if problems:
        raise DatasetError(problems)
    return RawDataset(tables, warnings)


def decode(name: str, content: bytes) -> tuple[str, str | None]:
    """Text of a CSV file, and a warning when it was not UTF-8."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16"), None
    if b"\x00" in content[:4096]:
        raise DatasetError([Problem(name, "could not be read: it looks like a binary file, "
                                          "not CSV text")])
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    try:
        return content.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    try:
        text = content.decode("cp1252")
    except UnicodeDecodeError as error:
        raise DatasetError([Problem(name, "could not be read: it is neither UTF-8 nor "
                                          f"Windows-1252 text ({error.reason})")]) from None
    return text, (f"{name} is not valid UTF-8; it was read as Windows-1252 "
                  "(save it as 'CSV UTF-8' to avoid this warning)")


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


def _read_text(name: str, content: bytes) -> tuple[RawTable, str | None]:
    text, warning = decode(name, content)
    # NFC once for the whole file: separators never compose with a neighbour, so this equals
    # normalising cell by cell, at a fraction of the cost on large files.
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    if not text.strip():
        raise DatasetError([Problem(name, "is empty")])
    first_line = text.lstrip("\r\n").splitlines()[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_separator(first_line))
    try:
        records = [[cell.strip() for cell in row] for row in reader]
    except csv.Error as error:
        raise DatasetError([Problem(name, f"could not be read as CSV: {error}")]) from None
    return _table(name, records), warning


def _read_workbook(name: str, content: bytes) -> list[tuple[str, RawTable]]:
    # openpyxl is imported lazily: CSV-only users never pay for it.
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise DatasetError([Problem(name, f"could not be read as an .xlsx workbook: {error}")]
                           ) from None
    sheets = []
    try:
        for sheet in book.worksheets:
            records = [[normalise_text(_cell_text(v)) for v in row]
                       for row in sheet.iter_rows(values_only=True)]
            source = f'{name}, sheet "{sheet.title}"'
            if not any(any(cell for cell in record) for record in records):
                raise DatasetError([Problem(source, "is empty")])
            sheets.append((sheet.title, _table(source, records)))
    finally:
        book.close()
    return sheets


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        midnight = value.time() == datetime.min.time()
        return value.date().isoformat() if midnight else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _table(source: str, records: list[list[str]]) -> RawTable:
    """A table from records whose cells are already NFC-normalised and stripped."""
    # Leading blank lines are skipped so the header is what the user sees as the header.
    while records and not any(cell.strip() for cell in records[0]):
        records.pop(0)
    if not records:
        raise DatasetError([Problem(source, "is empty")])
    original = list(records[0])
    while original and not original[-1]:
        original.pop()
    columns = [header_key(cell) for cell in original]
    problems = []
    for index, column in enumerate(columns):
        if not column:
            problems.append(Problem(source, "a column has no header name", row=1,
                                    column=f"#{index + 1}"))
        elif columns.index(column) != index:
            problems.append(Problem(source, "the header names this column twice", row=1,
                                    column=original[index]))
    rows: list[list[str]] = []
    width = len(columns)
    for offset, record in enumerate(records[1:]):
        cells = record
        if len(cells) > width and any(cells[width:]):
            problems.append(Problem(source, f"has {len(cells)} values but the header has "
                                            f"{width} columns", row=offset + 2))
        rows.append((cells + [""] * width)[:width])
    if problems:
        raise DatasetError(problems)
    # Trailing empty rows are what spreadsheets leave behind, not data.
    while rows and not any(rows[-1]):
        rows.pop()
    return RawTable(source, columns, rows, original)
