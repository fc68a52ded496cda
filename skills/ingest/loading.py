"""Import: read files, validate them, and replace the stored dataset in one go."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from skills.dataset import Dataset
from skills.ingest.reading import read_files, read_path
from skills.ingest.validation import validate


def parse_path(path: str | Path) -> Dataset:
    """The validated dataset at `path` (a folder of CSVs, a CSV or an .xlsx workbook)."""
    return validate(read_path(path), source=str(path))


def parse_uploads(files: Mapping[str, bytes]) -> Dataset:
    """The validated dataset in uploaded files, keyed by file name."""
    return validate(read_files(files), source=", ".join(files))






