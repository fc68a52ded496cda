"""Data use cases: check an input, preview what replacing the matrix changes, load it as the
next snapshot, and read the snapshots back (what is stored, its history and trend)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from skills.access import Permission
from skills.dataset import Dataset, describe_counts
from skills.ingest.loading import parse_path
from skills.ingest.loading import parse_uploads as _parse_uploads
from skills.ingest.problems import DatasetError
from skills.ingest.reading import TEXT_SUFFIXES, WORKBOOK_SUFFIXES
from skills.services import audit
from skills.store import Store

# What the Data page and the CLI need besides the functions below, so they import only here.
__all__ = ["Dataset", "DatasetError", "Impact", "Incoming", "check_path", "check_uploads",
           "describe_counts", "digest", "ensure_dataset", "history", "latest_snapshot",
           "load_path", "load_sample", "needs_decision", "needs_decision_count", "preview",
           "snapshot_bus_factors", "snapshots", "store_incoming", "stored_counts", "template",
           "trend"]

SAMPLE_SOURCE = "bundled sample organisation"


@dataclass(frozen=True)
class Incoming:
    """A validated input and the SHA-256 of the bytes it was read from."""

    dataset: Dataset
    sha256: str


@dataclass(frozen=True)
class Impact:
    """What replacing the matrix with an input changes for work in progress."""

    leaving: pd.DataFrame           # person_id, name, team: stored people the input lacks
    teams: pd.DataFrame             # team, members: stored teams nobody in the input is in
    needs_decision: pd.DataFrame    # kind, item, request_id, reason: newly affected items

    @property
    def empty(self) -> bool:
        return self.leaving.empty and self.teams.empty and self.needs_decision.empty


def digest(files: Mapping[str, bytes]) -> str:
    """SHA-256 of an input: of the file's bytes for one file (what `sha256sum` prints), else
    of one line `name NUL sha256(bytes)` per file, sorted by name."""
    if len(files) == 1:
        return hashlib.sha256(next(iter(files.values()))).hexdigest()
    lines = b"".join(name.encode("utf-8") + b"\0" + hashlib.sha256(content).hexdigest().encode()
                     + b"\n" for name, content in sorted(files.items()))
    return hashlib.sha256(lines).hexdigest()


def _input_files(path: Path) -> dict[str, bytes]:
    """The bytes `parse_path` reads at `path` (the same files, by the same rule)."""
    if path.is_dir():
        return {p.name: p.read_bytes() for p in sorted(path.iterdir())
                if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES + WORKBOOK_SUFFIXES}
    return {path.name: path.read_bytes()}


def check_path(path: str | Path, mapping: Path | None = None) -> Incoming:
    """Validate `path` (read through a mapping TOML when given); raises DatasetError with
    every problem."""
    dataset = parse_path(path, mapping)  # first, so a missing path is reported as a problem
    return Incoming(dataset, digest(_input_files(Path(path))))


def check_uploads(files: Mapping[str, bytes]) -> Incoming:
    """Validate uploaded files keyed by name; raises DatasetError with every problem."""
    return Incoming(_parse_uploads(files), digest(files))


def preview(store: Store, dataset: Dataset) -> Impact:
    """Who leaves, which teams disappear and what would need a decision; nothing is stored."""
    found = store.preview_replacement(dataset)
    return Impact(found["leaving"], found["teams"], found["needs_decision"])


def store_incoming(store: Store, incoming: Incoming, loaded_by: str | None = None) -> int:
    """Make `incoming` the stored matrix as the next snapshot; its number."""
    snapshot = store.replace_dataset(incoming.dataset, sha256=incoming.sha256,
                                     loaded_by=loaded_by)
    audit.record(store, "import", f"snapshot {snapshot}", len(incoming.dataset.people),
                 incoming.sha256)
    return snapshot


def load_path(store: Store, path: str | Path, loaded_by: str | None = None,
              mapping: Path | None = None) -> Dataset:
    """Validate `path` and store it as the next snapshot; on any problem nothing is stored."""
    incoming = check_path(path, mapping)
    store_incoming(store, incoming, loaded_by)
    return incoming.dataset


def load_sample(store: Store) -> Dataset:
    """Make the bundled sample organisation the stored matrix."""
    from skills.ingest.sample import SAMPLE_DIR

    incoming = check_path(SAMPLE_DIR)
    incoming.dataset.source = SAMPLE_SOURCE
    store_incoming(store, incoming)
    return incoming.dataset


def ensure_dataset(store: Store) -> bool:
    """Load the bundled sample into an empty store; True when it did."""
    if store.has_data():
        return False
    load_sample(store)
    return True


def template() -> bytes:
    """The blank .xlsx template to fill in."""
    from skills.ingest.template import template_workbook

    return template_workbook()


def stored_counts(store: Store) -> dict[str, int]:
    """People, teams, skills, ratings, targets and requests stored now."""
    store.caller.require(Permission.READ_COVERAGE)
    return store.counts()


def latest_snapshot(store: Store) -> dict[str, Any] | None:
    """The newest snapshot (snapshot, loaded_at, loaded_by, source, sha256, counts), if any."""
    store.caller.require(Permission.READ_COVERAGE)
    return store.latest_load()


def needs_decision(store: Store) -> pd.DataFrame:
    """Every item of work in progress that refers to what the matrix no longer has: it names
    people, so for those who load data or may see people."""
    if not store.caller.can(Permission.LOAD_DATASET):
        store.caller.require(Permission.READ_PEOPLE)
    return store.read("needs_decision")


def needs_decision_count(store: Store) -> int:
    """How many items need a decision: a count every role may see."""
    store.caller.require(Permission.READ_COVERAGE)
    return len(store.read("needs_decision"))


def snapshots(store: Store) -> pd.DataFrame:
    """One row per snapshot, oldest first, with `coverage` = share of team targets met."""
    store.caller.require(Permission.READ_COVERAGE)
    frame = store.read("snapshots")
    targets = frame["targets"].where(frame["targets"] > 0)
    return frame.assign(coverage=(frame["targets_met"] / targets).fillna(1.0))


def snapshot_bus_factors(store: Store) -> pd.DataFrame:
    """Per snapshot and critical skill (as that snapshot had it): its bus factor."""
    store.caller.require(Permission.READ_COVERAGE)
    return store.read("snapshot_bus_factors")


def history(store: Store) -> list[dict[str, Any]]:
    """One entry per snapshot: when, by whom, from what, counts, coverage and the bus factor
    of each critical skill (skill_id -> practitioners)."""
    buses = snapshot_bus_factors(store)
    per_snapshot = {int(number): dict(zip(group["skill_id"], map(int, group["bus_factor"]),
                                          strict=True))
                    for number, group in buses.groupby("snapshot")}
    entries = []
    for row in snapshots(store).itertuples(index=False):
        entries.append({
            "snapshot": int(row.snapshot), "loaded_at": row.loaded_at.isoformat(),
            "loaded_by": row.loaded_by, "source": row.source,
            "sha256": None if pd.isna(row.sha256) else row.sha256,
            "people": int(row.people), "teams": int(row.teams), "skills": int(row.skills),
            "ratings": int(row.ratings), "targets": int(row.targets),
            "targets_met": int(row.targets_met), "coverage": round(float(row.coverage), 4),
            "bus_factor": per_snapshot.get(int(row.snapshot), {}),
        })
    return entries


def trend(store: Store) -> pd.DataFrame:
    """Long form for the overview's trend chart: snapshot, loaded_at, series, value.

    One series per critical skill of the newest snapshot (its bus factor) and `coverage`
    (share of team targets met, 0–1).
    """
    buses = snapshot_bus_factors(store)
    frame = snapshots(store)
    if frame.empty:
        return pd.DataFrame(columns=["snapshot", "loaded_at", "series", "value", "measure"])
    newest = buses[buses["snapshot"] == frame["snapshot"].max()]["skill_id"]
    bus = buses[buses["skill_id"].isin(newest)].merge(frame[["snapshot", "loaded_at"]],
                                                      on="snapshot")
    bus = bus.assign(series=bus["name"], value=bus["bus_factor"].astype(float),
                     measure="bus factor")
    coverage = frame.assign(series="targets met", value=frame["coverage"], measure="coverage")
    columns = ["snapshot", "loaded_at", "series", "value", "measure"]
    return pd.concat([bus[columns], coverage[columns]], ignore_index=True)
