"""Results of the store's reads, kept while the data they came from cannot have changed.

A page rerun asks the store for the same dozen small queries every time (who the caller is,
the counts, the people, the coverage); each costs a cursor, an execution and a conversion to
pandas, together ~45 % of a rerun. So `Store.read` keeps each result, keyed by the query's
name and its bound values, under the database's *revision*: a value that every write
transaction changes (`sql/schema_revision.sql`, a fresh UUID per commit, so a file that was
replaced or rebuilt never repeats one).

The store knows the revision without asking on every read, because the data can only change
in two ways it sees:
- a write in this process: every write goes through `Store.transaction`, which bumps this
  module's per-file counter once it has committed (or rolled back), and DuckDB shares one
  database instance per file within a process, so any store on that file sees the counter;
- a write by another process: DuckDB lets one process at a time hold the file, so that can
  only happen while this process had it closed, and every open counts (`_Shared.opens`).
It re-reads the revision (one row) when either has moved since it last did, so a result
survives the store's linger close and reopen as long as no one wrote in between.

Reads hand out copies, so a caller that changes its frame does not change the cache; the cache
holds at most `MAX_ENTRIES` results and `MAX_BYTES` of frames, dropping the least recently
used first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the store imports this module on a load, which never needs pandas
    import pandas as pd

MAX_ENTRIES = 512
# The largest frames at 20,000 people (the ratings, ~830,000 rows) are ~60 MB; one of those
# and the pages' small results fit, and a server never keeps more than this per file.
MAX_BYTES = 96 * 2**20

_WRITES: dict[str, int] = {}
_WRITES_LOCK = threading.Lock()


def file_key(path: Path) -> str:
    """One key per database file, however the path was spelled."""
    return str(path.resolve())


def writes(key: str) -> int:
    """How many write transactions this process has ended on the file `key`."""
    return _WRITES.get(key, 0)


def wrote(key: str) -> None:
    """A write transaction on `key` has committed or rolled back: its readers must re-check."""
    with _WRITES_LOCK:
        _WRITES[key] = _WRITES.get(key, 0) + 1


def params_key(params: dict[str, Any]) -> Hashable | None:
    """The bound values as a dictionary key; None when one of them cannot be one."""
    try:
        key = tuple(sorted((name, _frozen(value)) for name, value in params.items()))
        hash(key)
    except TypeError:
        return None
    return key


def _frozen(value: Any) -> Hashable:
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(_frozen(item) for item in value))
    if isinstance(value, (set, frozenset)):
        return ("set", frozenset(_frozen(item) for item in value))
    if isinstance(value, dict):
        return ("dict", tuple(sorted((k, _frozen(v)) for k, v in value.items())))
    return (type(value).__name__, value)


def frame_bytes(frame: pd.DataFrame) -> int:
    """About what `frame` holds: its buffers, plus a guess for the strings in object columns
    (counting them exactly walks every cell, which costs more than the query saved)."""
    shallow = int(frame.memory_usage(index=True, deep=False).sum())
    objects = sum(1 for dtype in frame.dtypes if getattr(dtype, "kind", "") == "O")
    return shallow + objects * len(frame) * 48


@dataclass
class ReadCache:
    """The results of one store's reads (an LRU by entries and bytes)."""

    max_entries: int = MAX_ENTRIES
    max_bytes: int = MAX_BYTES
    hits: int = 0
    misses: int = 0
    _entries: OrderedDict[tuple[str, Hashable, str], tuple[pd.DataFrame, int]] = field(
        default_factory=OrderedDict)
    _bytes: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, name: str, params: Hashable, revision: str) -> pd.DataFrame | None:
        """A copy of the result of `name` with `params` at `revision`, if kept."""
        key = (name, params, revision)
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
        return entry[0].copy()

    def put(self, name: str, params: Hashable, revision: str, frame: pd.DataFrame) -> None:
        """Keep a copy of `frame` as the result of `name` with `params` at `revision`."""
        size = frame_bytes(frame)
        if size > self.max_bytes:
            return
        key = (name, params, revision)
        kept = frame.copy()
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._entries[key] = (kept, size)
            self._bytes += size
            while self._entries and (len(self._entries) > self.max_entries
                                     or self._bytes > self.max_bytes):
                _, (_, dropped) = self._entries.popitem(last=False)
                self._bytes -= dropped

    def drop_other_revisions(self, revision: str) -> None:
        """Results of any other revision can never be asked for again: free them now."""
        with self._lock:
            for key in [key for key in self._entries if key[2] != revision]:
                self._bytes -= self._entries.pop(key)[1]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    @property
    def size(self) -> tuple[int, int]:
        """Entries and bytes held."""
        return len(self._entries), self._bytes
