"""Reading .xlsx workbooks safely: measured before they are opened, bounded while read.

A small file can declare a sheet of 16,384 columns × 1,048,576 rows, unzip to gigabytes of
XML or carry XML entity definitions; each is refused before openpyxl parses it (and openpyxl
parses with defusedxml, which refuses entities and external references too).
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime, time
from typing import Any
from xml.etree.ElementTree import ParseError

from skills.ingest.limits import Limits
from skills.ingest.problems import DatasetError, Problem
from skills.ingest.reading import RawTable, table_from_records
from skills.taxonomy import normalise_text

_ZERO_PADDED = re.compile(r"^0+$")


def read_workbook(name: str, content: bytes, limits: Limits) -> list[tuple[str, RawTable]]:
    """Every sheet of the workbook as a table, in workbook order."""
    formulas = _inspect_zip(name, content, limits)
    # openpyxl is imported lazily: CSV-only users never pay for it.
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError,
            ParseError, TypeError) as error:
        raise DatasetError([Problem(name, f"could not be read as an .xlsx workbook: {error}")]
                           ) from None
    except Exception as error:  # defusedxml's refusals and other malformed XML
        raise DatasetError([_refused(name, error)]) from None
    sheets = []
    try:
        for index, sheet in enumerate(book.worksheets):
            source = f'{name}, sheet "{sheet.title}"'
            _check_dimensions(source, sheet, limits)
            try:
                records = _records(source, sheet, limits)
                formula_cells = (_formula_cells(content, index, len(records))
                                 if index in formulas else set())
            except DatasetError:
                raise
            except Exception as error:
                raise DatasetError([_refused(source, error)]) from None
            if not any(any(cell for cell in record) for record in records):
                raise DatasetError([Problem(source, "is empty")])
            table = table_from_records(source, records, limits)
            # Only empty formula cells matter: a formula with a saved value reads as its value.
            table.formulas = {(r, c) for r, c in formula_cells
                              if r <= len(records) and not _at(records, r - 1, c)}
            sheets.append((sheet.title, table))
    finally:
        book.close()
    return sheets


def _refused(source: str, error: Exception) -> Problem:
    kind = type(error).__name__
    if "Forbidden" in kind or "Entities" in kind or "DTD" in kind:
        return Problem(source, "declares XML entities or a document type, which spreadsheets "
                               "never write; it was refused for safety. Open it in a "
                               "spreadsheet and save it again")
    return Problem(source, "is damaged: its XML could not be read "
                           f"({error.__class__.__name__}: {str(error)[:120]}); open it in a "
                           "spreadsheet and save it again")


def _inspect_zip(name: str, content: bytes, limits: Limits) -> set[int]:
    """Refuse by unpacked size and entity declarations; the sheets (by index) with formulas."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise DatasetError([Problem(name, f"could not be read as an .xlsx workbook: {error}")]
                           ) from None
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > limits.max_unpacked_mb * 1_000_000:
        raise DatasetError([Problem(name, f"unpacks to {unpacked / 1e6:,.0f} MB of XML, more "
                                          "than an import opens "
                                          f"{limits.advice('max_unpacked_mb')}")])
    formulas: set[int] = set()
    sheet_names = sorted((e.filename for e in entries
                          if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", e.filename)),
                         key=lambda n: int(re.sub(r"\D", "", n)))
    with archive:
        for entry in entries:
            if not entry.filename.endswith((".xml", ".rels")):
                continue
            try:
                with archive.open(entry) as stream:
                    head = stream.read(4096)
                    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                        raise DatasetError([_refused(name, _EntitiesForbidden())])
                    if entry.filename in sheet_names and (b"<f>" in head or b"<f " in head
                                                          or _has_formula(stream)):
                        formulas.add(sheet_names.index(entry.filename))
            except (zipfile.BadZipFile, OSError, EOFError) as error:
                raise DatasetError([Problem(name, f"is damaged: {entry.filename} could not be "
                                                  f"unpacked ({error})")]) from None
    return formulas


class _EntitiesForbidden(Exception):
    pass


def _has_formula(stream: Any) -> bool:
    tail = b""
    while chunk := stream.read(1 << 20):
        block = tail + chunk
        if b"<f>" in block or b"<f " in block:
            return True
        tail = chunk[-3:]
    return False


def _check_dimensions(source: str, sheet: Any, limits: Limits) -> None:
    try:
        rows, columns = sheet.max_row, sheet.max_column
    except Exception:  # no or garbled <dimension>: bounded while reading instead
        return
    if columns and columns > limits.max_columns:
        raise DatasetError([Problem(source, f"declares {columns:,} columns, more than an "
                                            f"import takes {limits.advice('max_columns')}")])
    if rows and rows > limits.max_rows + 1:
        raise DatasetError([Problem(source, f"declares {rows:,} rows, more than an import "
                                            f"takes {limits.advice('max_rows')}")])


def _at(records: list[list[str]], row: int, column: int) -> str:
    return records[row][column] if column < len(records[row]) else ""


def _records(source: str, sheet: Any, limits: Limits) -> list[list[str]]:
    """The sheet's cells as text, blank rows kept where data follows them."""
    records: list[list[str]] = []
    blank_run = 0
    for index, row in enumerate(sheet.iter_rows()):
        if index > limits.max_rows:
            raise DatasetError([Problem(source, f"has more than {limits.max_rows:,} rows "
                                                f"{limits.advice('max_rows')}")])
        cells = [_cell_text(getattr(cell, "value", None), getattr(cell, "number_format", None))
                 for cell in row[:limits.max_columns + 1]]
        if len(row) > limits.max_columns and any(cells[limits.max_columns:]):
            raise DatasetError([Problem(source, f"has more than {limits.max_columns:,} columns "
                                                f"{limits.advice('max_columns')}",
                                        row=index + 1)])
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            blank_run += 1
            continue
        records.extend([] for _ in range(blank_run))
        blank_run = 0
        records.append(cells)
    return records


def _formula_cells(content: bytes, index: int, rows: int) -> set[tuple[int, int]]:
    """(spreadsheet row, column index) of every formula cell of the sheet."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    try:
        found = set()
        for r, row in enumerate(book.worksheets[index].iter_rows(max_row=rows)):
            for c, cell in enumerate(row):
                value = getattr(cell, "value", None)
                if isinstance(value, str) and value.startswith("="):
                    found.add((r + 1, c))
        return found
    finally:
        book.close()


def _cell_text(value: object, number_format: str | None = None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    # A number formatted 000000 shows as 000124 in the spreadsheet: keep what it shows.
    if (isinstance(value, int | float) and number_format and _ZERO_PADDED.match(number_format)
            and float(value).is_integer()):
        return str(int(value)).zfill(len(number_format))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        midnight = value.time() == datetime.min.time()
        return value.date().isoformat() if midnight else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return normalise_text(str(value))
