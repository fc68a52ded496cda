"""Results of the store's reads, kept while the tables they came from cannot have changed.

A page rerun asks the store for the same dozen small queries every time (who the caller is,
the counts, the people, the coverage); each costs a cursor, an execution and a conversion to
pandas, together ~45 % of a rerun. So `Store.read` keeps each result, keyed by the query's
name and its bound values, under the *revisions* of the tables it reads: how many committed
write transactions have touched each table (`sql/schema_revision.sql`: one row per commit,
naming the tables it wrote, or none when it may have written any), and the file's identity
(the first row's random id, so a file that was replaced or rebuilt never repeats one).
Per table, not per file: with 25 sessions filing requests, a file-wide revision moved several
times a second and the coverage queries, which read no request, were never served again.

What a query reads is every table its FROM and JOIN clauses name, in DuckDB's own parse of
it (subqueries and CTEs included), views followed to their tables (`dependencies`); a text the
parser cannot take apart counts every word of it that names a table. What a write touched is
the target of each statement the transaction ran through the store (`written_tables`), or
every table when it ran anything else. Both err on the side of too many: naming a table too
many only costs a fresh read.

The store knows the revisions without asking on every read, because the data can only change
in two ways it sees:
- a write in this process: every write goes through `Store.transaction`, which bumps this
  module's per-file counter once it has committed (or rolled back), and DuckDB shares one
  database instance per file within a process, so any store on that file sees the counter;
- a write by another process: DuckDB lets one process at a time hold the file, so that can
  only happen while this process had it closed, and every open counts (`_Shared.opens`).
It re-reads the revisions (one small aggregate) when either has moved since it last did, so a
result survives the store's linger close and reopen as long as no one wrote its tables.

Reads hand out copies, so a caller that changes its frame does not change the cache; the cache
holds at most `MAX_ENTRIES` results and `MAX_BYTES` of frames, dropping the least recently
used first.
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
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


# The statements that change a table, and the table they change.
_WRITE_TARGET = re.compile(
    r"\b(?:INSERT\s+(?:OR\s+(?:REPLACE|IGNORE)\s+)?INTO|(?<!DO )UPDATE|DELETE\s+FROM|MERGE\s+INTO"
    r"|TRUNCATE(?:\s+TABLE)?"
    r"|(?:CREATE(?:\s+OR\s+REPLACE)?|DROP|ALTER)\s+(?:TEMP(?:ORARY)?\s+)?(?:TABLE|VIEW)"
    r"(?:\s+IF\s+(?:NOT\s+)?EXISTS)?)\s+\"?([A-Za-z_][\w.]*)", re.IGNORECASE)
# Words that start a change; one the pattern above does not account for means "any table".
# (An upsert's DO UPDATE changes the row its INSERT names.)
_WRITE_WORD = re.compile(
    r"(?<!DO )\b(?:INSERT|UPDATE|DELETE|MERGE|TRUNCATE|CREATE|DROP|ALTER|COPY|ATTACH|DETACH"
    r"|IMPORT|LOAD|INSTALL|CALL|PRAGMA|VACUUM|CHECKPOINT)\b", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
EVERY_TABLE = "*"


def written_tables(text: str) -> frozenset[str] | None:
    """The tables the statements of `text` (comments stripped) may change; None when one of
    them could change a table the text does not name as its target."""
    text = " ".join(text.split())  # one space between words, for the DO UPDATE look-behind
    targets = [name.split(".")[-1].lower() for name in _WRITE_TARGET.findall(text)]
    if len(_WRITE_WORD.findall(text)) > len(targets):
        return None
    return frozenset(targets)


def named_relations(text: str) -> set[str]:
    """The names `text` reads from: as DuckDB's parser sees a SELECT, the tables, views and
    CTEs its FROM and JOIN clauses name, in subqueries too; else every word of it.

    Words alone took a column for the table it shares a name with: `snapshots` has columns
    named people, skills, targets and requests, so every filed request made the overview's
    snapshot reads look stale. The parser only serialises single SELECT statements; anything
    else is read as words, which names more than it reads, never less."""
    tree = _parse_select(text)
    if tree is None:
        return {match.lower() for match in _WORD.findall(text)}
    found: set[str] = set()
    stack: list[Any] = [tree]
    while stack:  # bounded by the size of the parse tree
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("type") == "BASE_TABLE" and isinstance(node.get("table_name"), str):
                found.add(node["table_name"].lower())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


_parser_lock = threading.Lock()
_parser: Any = None
_VIEW_BODY = re.compile(r"^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP(?:ORARY)?\s+)?VIEW\s+"
                        r"(?:IF\s+NOT\s+EXISTS\s+)?[\w.\"]+(?:\s*\([^)]*\))?\s+AS\s+(.*?);?\s*$",
                        re.IGNORECASE | re.DOTALL)


def _parse_select(text: str) -> Any:
    """DuckDB's parse tree of one SELECT (a view's definition: of its SELECT), else None."""
    global _parser
    import duckdb

    body = _VIEW_BODY.match(text)
    text = body.group(1) if body else text
    try:
        with _parser_lock:  # an in-memory database of its own: parsing touches no file
            if _parser is None:
                _parser = duckdb.connect(":memory:")
            row = _parser.execute("SELECT json_serialize_sql($text)", {"text": text}).fetchone()
        tree = json.loads(row[0]) if row else None
    except (duckdb.Error, ValueError):
        return None
    if not isinstance(tree, dict) or tree.get("error") or len(tree.get("statements", [])) != 1:
        return None
    return tree


def dependencies(text: str, relations: dict[str, frozenset[str]]) -> frozenset[str]:
    """The tables a query reads: every relation it names that is a table, and the tables of
    every view it names (`relations`: name -> the tables behind it, a table itself)."""
    found: set[str] = set()
    for name in named_relations(text):
        found |= relations.get(name, frozenset())
    return frozenset(found)


def relations(tables: Iterable[str], views: dict[str, str]) -> dict[str, frozenset[str]]:
    """Each table and view of a database, with the tables behind it: a view's are those of
    every relation its text names, followed through views of views."""
    named = {table.lower(): frozenset({table.lower()}) for table in tables}
    words = {view.lower(): named_relations(text) for view, text in views.items()}
    resolved = dict(named)

    def behind(view: str, seen: frozenset[str]) -> frozenset[str]:
        if view in resolved:
            return resolved[view]
        out: set[str] = set()
        for word in words[view] - seen - {view}:
            if word in named:
                out.add(word)
            elif word in words:
                out |= behind(word, seen | {view})
        resolved[view] = frozenset(out)
        return resolved[view]

    for view in words:
        behind(view, frozenset())
    return resolved


@dataclass(frozen=True)
class Revisions:
    """How many committed writes touched each table of one file, and the file's identity."""

    file_id: str
    writes: dict[str, int]   # table -> writes naming it; EVERY_TABLE -> writes naming none

    def of(self, tables: frozenset[str]) -> Hashable:
        """The revision of the data in `tables`: it changes with every write that touched
        one of them (or may have), and differs between files."""
        return (self.file_id, self.writes.get(EVERY_TABLE, 0),
                tuple(sorted((table, self.writes.get(table, 0)) for table in tables)))

    def current(self, revision: Hashable) -> bool:
        """Whether `revision` (from `of`, perhaps of an older Revisions) is still the data's."""
        if not isinstance(revision, tuple) or len(revision) != 3:
            return False
        return revision == self.of(frozenset(table for table, _ in revision[2]))


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
    try:
        # The blocks' own sizes: DataFrame.memory_usage builds a Series per column, 0.6 ms a
        # frame, which at 25 sessions was 3 % of the server's interpreter time.
        shallow = sum(int(block.values.nbytes) for block in frame._mgr.blocks)
    except AttributeError:  # a pandas without blocks
        shallow = int(frame.memory_usage(index=False, deep=False).sum())
    objects = sum(1 for dtype in frame.dtypes if getattr(dtype, "kind", "") == "O")
    return shallow + objects * len(frame) * 48


@dataclass
class ReadCache:
    """The results of one store's reads (an LRU by entries and bytes)."""

    max_entries: int = MAX_ENTRIES
    max_bytes: int = MAX_BYTES
    hits: int = 0
    misses: int = 0
    _entries: OrderedDict[tuple[str, Hashable, Hashable], tuple[pd.DataFrame, int]] = field(
        default_factory=OrderedDict)
    _bytes: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, name: str, params: Hashable, revision: Hashable) -> pd.DataFrame | None:
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

    def put(self, name: str, params: Hashable, revision: Hashable,
            frame: pd.DataFrame) -> None:
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

    def drop_stale(self, current: Callable[[Hashable], bool]) -> None:
        """Results whose revision is no longer `current` can never be asked for again: free
        them now."""
        with self._lock:
            for key in [key for key in self._entries if not current(key[2])]:
                self._bytes -= self._entries.pop(key)[1]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    @property
    def size(self) -> tuple[int, int]:
        """Entries and bytes held."""
        return len(self._entries), self._bytes
