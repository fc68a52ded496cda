"""Import: read files, validate them, and replace the stored dataset in one go."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from skills.dataset import Dataset
from skills.reading import read_files, read_path
from skills.store import Store
from skills.validation import validate


def parse_path(path: str | Path) -> Dataset:
    """The validated dataset at `path` (a folder of CSVs, a CSV or an .xlsx workbook)."""
    return validate(read_path(path), source=str(path))


def parse_uploads(files: Mapping[str, bytes]) -> Dataset:
    """The validated dataset in uploaded files, keyed by file name."""
    return validate(read_files(files), source=", ".join(files))


def load_path(store: Store, path: str | Path) -> Dataset:
    """Validate `path` and make it the stored dataset; on any problem nothing is stored."""
    dataset = parse_path(path)
    store.replace_dataset(dataset)
    return dataset


def load_sample(store: Store) -> Dataset:
    """Make the bundled sample organisation the stored dataset."""
    from skills.sample import SAMPLE_DIR

    dataset = parse_path(SAMPLE_DIR)
    dataset.source = "bundled sample organisation"
    store.replace_dataset(dataset)
    return dataset


def ensure_dataset(store: Store) -> bool:
    """Load the bundled sample into an empty store; True when it did."""
    if store.has_data():
        return False
    load_sample(store)
    return True
