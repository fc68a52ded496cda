"""CSV exports that are safe to open in a spreadsheet."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

# A cell starting with one of these is run as a formula by Excel, LibreOffice and Sheets. A
# line inside a cell is guarded too: a reader that splits rows at a bare CR or LF (or a user
# pasting the cell) would otherwise start a line with a live formula. Quotes already in front
# of such a start are counted in, so that taking one guard quote off gives back the value.
_CELL_START = re.compile(r"\A(?='*[=+\-@\t\r\n|%])")
_LINE_START = re.compile(r"(?<=[\r\n])(?='*[=+\-@\t|%])")


def neutralise(value: object) -> object:
    """Text that a spreadsheet would evaluate, each such line prefixed with ' to stay text."""
    if not isinstance(value, str):
        return value
    return _CELL_START.sub("'", _LINE_START.sub("'", value))


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with every text cell and every header neutralised: headers are on-screen
    labels, and a label can hold a team's or a skill's name."""
    from pandas.api.types import is_string_dtype

    out = frame.copy()
    out.columns = [neutralise(str(column)) for column in out.columns]
    for column in out.columns:
        if out[column].dtype == object or is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise, na_action="ignore")
    return out


def to_csv(frame: pd.DataFrame) -> str:
    """CSV text with formula injection neutralised, UTF-8 friendly, one record per row.

    Rows end in CRLF (RFC 4180), which also makes the writer quote every field holding a CR
    or an LF: with a bare LF terminator a name with an embedded CR went out unquoted and
    split its row.
    """
    return safe_frame(frame).to_csv(index=False, lineterminator="\r\n")


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    # The BOM makes Excel read UTF-8 names (Søren, Zoë) correctly on double-click.
    return ("\ufeff" + to_csv(frame)).encode("utf-8")


# XML turns a bare CR into LF on reading, so OOXML spells it _x000D_; an _xHHHH_ already in
# the text gets its underscore escaped (_x005F_) so that it reads back as typed.
_OOXML_ESCAPE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")


def _xlsx_text(value: str) -> str:
    return _OOXML_ESCAPE.sub("_x005F_", value).replace("\r", "_x000D_")


def to_xlsx_bytes(frame: pd.DataFrame, sheet: str = "export") -> bytes:
    """An .xlsx workbook of `frame`, neutralised like the CSV: text cells (IDs included, so
    `000123` stays `000123`) are stored as text with the text format, never as formulas."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    page = book.active
    page.title = sheet[:31]
    safe = safe_frame(frame)
    page.append([str(column) for column in safe.columns])
    for row in safe.itertuples(index=False, name=None):
        page.append([None if value is None or (isinstance(value, float) and value != value)
                     else value for value in row])
    for cells in page.iter_rows(min_row=1):
        for cell in cells:
            if isinstance(cell.value, str):
                cell.value = _xlsx_text(cell.value)
                cell.data_type = "s"  # openpyxl would read a leading = as a formula
                cell.number_format = "@"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
