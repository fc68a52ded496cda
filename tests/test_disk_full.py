"""Disk full during an import: the command says what happened and that nothing changed.

The child process gets a tiny file size limit (RLIMIT_FSIZE), so DuckDB's real write fails
with "File too large" part-way through storing a real dataset; the child ignores SIGXFSZ, as a
process on a full disk gets ENOSPC rather than a signal.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

from skills.cli import EXIT_DISK_FULL
from skills.ingest.sample import generate, write_csv
from skills.services.data import load_sample
from skills.store import ROOT, Store


def _stored(db: Path) -> dict[str, object]:
    store = Store(db)
    try:
        return {"counts": store.counts(), "snapshots": store.read("snapshots").to_dict("list"),
                "people": store.read("people").to_dict("list")}
    finally:
        store.close()


def _load_on_a_small_disk(data: Path, db: Path, limit: int) -> subprocess.CompletedProcess[str]:
    """`python -m skills load` in a child whose files may not grow beyond `limit` bytes."""

    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run([sys.executable, "-m", "skills", "load", str(data), "--db", str(db)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120,
                          preexec_fn=small_disk, env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_a_full_disk_during_load_is_reported_and_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "crosstrain.duckdb"
    store = Store(db)
    load_sample(store)
    store.close()
    before = _stored(db)
    bigger = tmp_path / "bigger"
    write_csv(generate(people=8000, teams=80, skills=36, seed=5), bigger)
    limit = db.stat().st_size + 64 * 1024  # room for a little, not for 8,000 people

    result = _load_on_a_small_disk(bigger, db, limit)
    assert result.returncode == EXIT_DISK_FULL, result.stderr
    assert "Traceback" not in result.stderr and "_duckdb" not in result.stderr
    assert "disk" in result.stderr and "is full" in result.stderr
    assert "Nothing was changed" in result.stderr
    assert result.stdout == ""
    assert _stored(db) == before


def test_a_full_disk_after_the_load_committed_says_the_load_was_stored(tmp_path: Path) -> None:
    # The file is large and the new data small: the commit fits in the write-ahead log, and
    # only folding that log into the file afterwards (the CHECKPOINT) needs room. The old
    # message said "Nothing was changed" while the new dataset was in fact stored.
    db = tmp_path / "crosstrain.duckdb"
    store = Store(db)
    big = generate(people=2000, teams=20, skills=36, seed=5)
    store.replace_dataset(big)
    store.replace_dataset(big)
    store.close()
    smaller = tmp_path / "smaller"
    write_csv(generate(people=300, teams=10, skills=36, seed=7), smaller)
    limit = db.stat().st_size  # the file may not grow at all; the log may

    result = _load_on_a_small_disk(smaller, db, limit)
    stored = _stored(db)
    assert stored["counts"]["people"] == 300  # type: ignore[index]
    assert result.returncode == EXIT_DISK_FULL, result.stderr
    assert "Traceback" not in result.stderr
    assert "Nothing was changed" not in result.stderr
    assert "the load was stored as snapshot 3" in result.stderr
