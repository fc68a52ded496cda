"""CSV exports that are safe to open in a spreadsheet."""

from __future__ import annotations

import pandas as pd

# A cell starting with one of these is run as a formula by Excel, LibreOffice and Sheets.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")


def neutralise(value: object) -> object:
    """Text that a spreadsheet would evaluate, prefixed with ' so it stays text."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise, na_action="ignore")
    return out


def to_csv(frame: pd.DataFrame) -> str:
    """CSV text with formula injection neutralised, UTF-8 friendly, one line per row."""
    return safe_frame(frame).to_csv(index=False, lineterminator="\n")


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    # The BOM makes Excel read UTF-8 names (Søren, Zoë) correctly on double-click.
    return ("\ufeff" + to_csv(frame)).encode("utf-8")
