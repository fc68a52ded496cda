"""Data use cases: load a file or the bundled sample into the store."""

from __future__ import annotations

from pathlib import Path

from skills.dataset import Dataset
from skills.ingest.loading import parse_path
from skills.store import Store


def load_path(store: Store, path: str | Path) -> Dataset:
    """Validate `path` and make it the stored dataset; on any problem nothing is stored."""
    dataset = parse_path(path)
    store.replace_dataset(dataset)
    return dataset


def load_sample(store: Store) -> Dataset:
    """Make the bundled sample organisation the stored dataset."""
    from skills.ingest.sample import SAMPLE_DIR

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

