"""The one way in and out of DuckDB: every read and write of the app goes through `Store`.

SQL lives in `sql/<what it returns>.sql`; values are always bound as `$name` parameters.

Several processes may use one database file (the app serving, a cron `python -m skills load`),
but DuckDB lets only one process open it at a time. So the store keeps no connection while it
is idle: it opens one when an operation starts, shares it between the operations (Streamlit
threads) that overlap, and closes it a moment after the last one ends, or at once when another
process is waiting for the file. Opening costs ~100 ms, a cursor on an open connection < 1 ms,
hence the short linger. A process that finds the file held waits with bounded backoff (a few
seconds in the app, longer on the command line) and then raises `StoreBusy` with words a person
can act on. Writes within a process are serialised behind a lock.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import threading
import time
import weakref
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import duckdb
import pyarrow as pa

if TYPE_CHECKING:
    import pandas as pd

    from skills.organisation import Organisation

from skills import readcache
from skills.access import SYSTEM, Caller, Permission
from skills.dataset import TABLE_COLUMNS, Dataset, shown_source

ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = ROOT / "sql"
DEFAULT_DB = ROOT / "data" / "crosstrain.duckdb"
# The matrix tables each snapshot keeps a copy of (sql/record_<table>_history.sql).
HISTORY_TABLES = ("people", "skills", "ratings", "targets")
_PARAMETER = re.compile(r"\$([a-z_][a-z0-9_]*)")
T = TypeVar("T")
# The queries the stored matrix is read with (`Store.dataset`, `Store.organisation`).
MATRIX_QUERIES = ("people", "skills", "targets", "ratings")

# How long a store waits for a file another process holds (seconds): the app answers a page
# within a few seconds or says why not; the command line can afford to wait for an import.
APP_WAIT = 8.0
CLI_WAIT = 120.0
# An idle connection stays open this long, so a page rerun's queries share one open.
LINGER = 1.0
# Once it has the file, a process keeps it this long (its turn) before it lets a waiting one
# in, so that the ~100 ms an open costs is not paid on every query when two processes take
# turns. A command-line run gets a longer turn, enough for a whole import's writes or report;
# it must stay well inside APP_WAIT so that a page waiting behind it still gets its answer.
APP_TURN = 0.5
CLI_TURN = 3.0
# A waiting process touches `<db>.wanted` on every retry; an older file is a dead waiter's.
WANTED_FRESH = 3.0
_BACKOFF_FIRST, _BACKOFF_MAX = 0.02, 0.2


class StoreBusy(Exception):
    """Another process held the database file for longer than this one could wait."""


class StoredButNotCheckpointed(Exception):
    """A load was committed (snapshot `snapshot`), but the disk filled up while DuckDB folded
    its write-ahead log into the file: the data is safe in the log and is folded in when the
    file is next opened with room to spare."""

    def __init__(self, snapshot: int, error: BaseException) -> None:
        super().__init__(str(error).splitlines()[0] if str(error) else type(error).__name__)
        self.snapshot = snapshot


def is_lock_conflict(error: BaseException) -> bool:
    """DuckDB's words for "another process has this file open"."""
    text = str(error)
    return isinstance(error, duckdb.IOException) and ("Could not set lock" in text
                                                        or "Conflicting lock" in text)


def is_disk_full(error: BaseException) -> bool:
    """DuckDB could not write: the disk (or the process's file size limit) is full."""
    text = str(error).lower()
    return isinstance(error, duckdb.Error) and any(
        words in text for words in ("file too large", "no space left", "disk quota",
                                    "could not write", "failed to write"))


def default_db_path() -> Path:
    """`CROSSTRAIN_DB` when set, else `data/crosstrain.duckdb`."""
    return Path(os.environ.get("CROSSTRAIN_DB") or DEFAULT_DB)


@cache
def sql_text(name: str) -> str:
    """The text of `sql/<name>.sql`."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def bind(name: str, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The query and exactly the parameters it names; a missing one is a programming error."""
    text = sql_text(name)
    wanted = set(_PARAMETER.findall(_strip_comments(text)))
    if wanted - params.keys():
        # Domain constants (the practitioner level) are defined once, in skills.organisation,
        # imported only by a query that needs one: a load never does, and never pays for the
        # pandas that module brings.
        from skills.organisation import SQL_PARAMETERS

        params = {**SQL_PARAMETERS, **params}
    missing = wanted - params.keys()
    if missing:
        raise TypeError(f"sql/{name}.sql needs parameters {sorted(missing)}")
    return text, {key: params[key] for key in wanted}


def _strip_comments(text: str) -> str:
    return "\n".join(line.split("--", 1)[0] for line in text.splitlines())


@dataclass(eq=False)  # identity, not value: kept in a WeakSet
class _Shared:
    """The connection state of one store and its `as_caller` views."""

    path: Path
    wait: float
    linger: float
    turn: float
    locked_down: bool = False
    connection: duckdb.DuckDBPyConnection | None = None
    users: int = 0
    idle_since: float = 0.0
    opened_at: float = 0.0
    opens: int = 0
    # Queries the store's reads have run (cache misses and uncacheable reads; benchmarks).
    executions: int = 0
    closed: bool = False
    cache: readcache.ReadCache = field(default_factory=readcache.ReadCache)
    # ((opens, this process's writes to the file) when last read, the revisions then read).
    revision_state: tuple[tuple[int, int], readcache.Revisions | None] = ((-1, -1), None)
    # The tables behind each table and view of the file, and what each query reads.
    relations: dict[str, frozenset[str]] | None = None
    dependencies: dict[str, frozenset[str]] = field(default_factory=dict)
    # True while this process waits for the file another process has (see `from_before`).
    busy: bool = False
    # Values built from reads (`Store.kept`): name -> (revision, value, the queries read, the
    # key of what the caller gave it).
    kept: dict[str, tuple[Hashable, Any, frozenset[str], Hashable]] = field(default_factory=dict)
    kept_lock: threading.Lock = field(default_factory=threading.Lock)
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    state: threading.Condition = field(default_factory=threading.Condition)
    reaper: threading.Thread | None = None
    mine: threading.local = field(default_factory=threading.local)
    key: str = field(init=False, default="")  # readcache.file_key(path)

    def __post_init__(self) -> None:
        _OPEN.add(self)
        self.key = readcache.file_key(self.path)

    def revisions(self, cursor: duckdb.DuckDBPyConnection) -> readcache.Revisions | None:
        """The file's table revisions, read again only when they may have moved: since the
        last read this process wrote to the file, or had it closed (another process may have
        written). None when the file has no revision table yet (no results are kept then)."""
        # What may have moved is noted before the revisions are read: a write that commits in
        # between then makes the next read look again, never keeps old rows as new.
        seen = (self.opens, readcache.writes(self.key))
        known, revisions = self.revision_state
        if known == seen:
            return revisions
        try:
            rows = cursor.execute(sql_text("store_revisions")).fetchall()
        except duckdb.CatalogException:
            return None
        revisions = readcache.Revisions(
            file_id=str(rows[0][2]), writes={str(table): int(n) for table, n, _ in rows}
        ) if rows else None
        self.revision_state = (seen, revisions)
        if revisions is not None:
            self.cache.drop_stale(revisions.current)
            with self.kept_lock:
                for name in [n for n, (rev, _, _, _) in self.kept.items()
                             if not revisions.current(rev)]:
                    del self.kept[name]
        return revisions

    def from_before(self) -> readcache.Revisions | None:
        """While another process has the file: the revisions this process last read, if it
        has not written since. Results kept under them are the data as it was before the
        other process's turn, the newest anyone here can read until the file is ours again,
        so a page rerun that needs nothing else does not wait for a cron import. (Once the
        file is ours, the revisions are read again and whatever the other process wrote is
        seen.)"""
        if not self.busy:
            return None
        (_, writes), revisions = self.revision_state
        return revisions if writes == readcache.writes(self.key) else None

    def reads(self, name: str, text: str, cursor: duckdb.DuckDBPyConnection) -> frozenset[str]:
        """The tables `sql/<name>.sql` reads (its text names them or views over them)."""
        found = self.dependencies.get(name)
        if found is None:
            if self.relations is None:
                tables = [row[0] for row in cursor.execute(sql_text("store_tables")).fetchall()]
                views = dict(cursor.execute(sql_text("store_views")).fetchall())
                self.relations = readcache.relations(tables, views)
            found = readcache.dependencies(_strip_comments(text), self.relations)
            self.dependencies[name] = found
        return found

    @property
    def wanted(self) -> Path:
        return self.path.with_name(self.path.name + ".wanted")

    def should_yield(self) -> bool:
        """We have had the file for our turn and another process is waiting for it."""
        return (time.monotonic() - self.opened_at >= self.turn) and self.someone_waits()

    def someone_waits(self) -> bool:
        """Another process is waiting for the file (its marker is fresh and not ours)."""
        try:
            stat = self.wanted.stat()
            if time.time() - stat.st_mtime > WANTED_FRESH:
                return False
            return self.wanted.read_text().strip() != str(os.getpid())
        except (OSError, ValueError):
            return False

    @contextmanager
    def use(self) -> Iterator[duckdb.DuckDBPyConnection]:
        nested = getattr(self.mine, "depth", 0)
        with self.state:
            # Let a waiting process in: no new operation starts on our open connection (but
            # one already under way in this thread may go on, or it would wait for itself).
            while (not nested and self.connection is not None and self.users
                   and self.should_yield()):
                self.state.wait(0.05)
            if self.connection is not None and not self.users and self.should_yield():
                self._close_locked()
            if self.connection is None:
                self.connection = self._open()
            self.users += 1
            connection = self.connection
        self.mine.depth = nested + 1
        try:
            yield connection
        finally:
            self.mine.depth = nested
            with self.state:
                self.users -= 1
                self.idle_since = time.monotonic()
                if not self.users:
                    if self.linger <= 0 or self.should_yield():
                        self._close_locked()
                    else:
                        self._start_reaper()
                self.state.notify_all()

    def _open(self) -> duckdb.DuckDBPyConnection:
        if self.closed:
            raise RuntimeError("the store was closed")
        deadline = time.monotonic() + self.wait
        pause = _BACKOFF_FIRST
        try:
            while True:
                if self.someone_waits():
                    # Take turns: another process asked first, so it opens first (it removes
                    # its marker once it has the file, and then we ask in our turn).
                    self.busy = True
                    self._pause_until(deadline, _BACKOFF_FIRST)
                    continue
                try:
                    connection = duckdb.connect(str(self.path))
                    break
                except duckdb.IOException as error:
                    if not is_lock_conflict(error):
                        raise
                    self.busy = True
                    self._announce()
                    self._pause_until(deadline, pause)
                    pause = min(pause * 2, _BACKOFF_MAX)
        finally:
            self.busy = False
            self._withdraw()
        self.opens += 1
        self.opened_at = time.monotonic()
        if self.locked_down:
            _apply_lock_down(connection)
        return connection

    def _pause_until(self, deadline: float, pause: float) -> None:
        if time.monotonic() + pause > deadline:
            raise StoreBusy(
                f"The database {self.path} is busy with another import or another crosstrain "
                "process; nothing was changed. Try again in a minute.")
        time.sleep(pause)

    def _announce(self) -> None:
        # In a read-only folder the holder still lets go after its linger.
        with contextlib.suppress(OSError):
            self.wanted.write_text(str(os.getpid()))

    def _withdraw(self) -> None:
        try:
            if self.wanted.read_text().strip() == str(os.getpid()):
                self.wanted.unlink()
        except (OSError, ValueError):
            pass

    def _close_locked(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def _start_reaper(self) -> None:
        if self.reaper is not None and self.reaper.is_alive():
            return
        self.reaper = threading.Thread(target=self._reap, name="crosstrain-store-linger",
                                       daemon=True)
        self.reaper.start()

    def _reap(self) -> None:
        """Close the idle connection after the linger, or as soon as another process waits."""
        with self.state:
            while self.connection is not None:
                if not self.users and (time.monotonic() - self.idle_since >= self.linger
                                       or self.should_yield()):
                    self._close_locked()
                    break
                self.state.wait(0.05)

    def discard(self) -> None:
        """Drop the open connection (one DuckDB has invalidated); the next use reopens."""
        with self.state:
            with contextlib.suppress(duckdb.Error):
                self._close_locked()
            self.connection = None
            self.state.notify_all()

    def close(self) -> None:
        with self.state:
            while self.users:
                self.state.wait(0.05)
            self._close_locked()
            self.closed = True
            self.state.notify_all()


# Every store still open when the interpreter exits is closed first, under its lock: otherwise
# the linger thread (a daemon) can be inside DuckDB's close while Python finalises, and the
# forced unwind of that thread aborts the process ("FATAL: exception not rethrown").
_OPEN: weakref.WeakSet[_Shared] = weakref.WeakSet()


@atexit.register
def _close_all() -> None:
    for shared in list(_OPEN):
        with contextlib.suppress(Exception), shared.state:
            shared._close_locked()
            shared.closed = True
            shared.state.notify_all()


def _apply_lock_down(connection: duckdb.DuckDBPyConnection) -> None:
    # Settings live in the database instance, which DuckDB shares between the connections of
    # one process; a fresh instance starts open again, so every open re-applies them.
    external, locked = connection.execute(
        "SELECT current_setting('enable_external_access'), "
        "current_setting('lock_configuration')").fetchone() or (True, False)
    if external:
        connection.execute("SET enable_external_access = false")
    if not locked:
        connection.execute("SET lock_configuration = true")


class Store:
    """A DuckDB file holding one organisation, seen by one caller."""

    def __init__(self, path: str | Path | None = None, caller: Caller = SYSTEM, *,
                 wait: float = APP_WAIT, linger: float = LINGER,
                 turn: float = APP_TURN) -> None:
        self.path = Path(path) if path is not None else default_db_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._shared = _Shared(self.path, wait, linger, turn)
        self.caller = caller
        with self._cursor() as cursor:
            older = bool(cursor.execute(sql_text("ratings_is_table")).fetchall()[0][0])
            if older:
                # The schema makes `ratings` a view: the old table steps aside first, and its
                # rows join the history in the same transaction.
                cursor.begin()
                cursor.execute("ALTER TABLE ratings RENAME TO ratings_before_history")
            # schema.sql first; planners keep their own tables in schema_<planner>.sql.
            for schema in sorted(SQL_DIR.glob("schema*.sql")):
                cursor.execute(sql_text(schema.stem))
            if older:
                cursor.execute(sql_text("ratings_into_history"))
                cursor.commit()

    def as_caller(self, caller: Caller) -> Store:
        """The same connection, seen by someone else; permissions are checked per call."""
        view = object.__new__(Store)
        view.__dict__.update(self.__dict__)
        view.caller = caller
        return view

    def close(self) -> None:
        """Let go of the file; the store cannot be used afterwards."""
        self._shared.close()

    @property
    def opens(self) -> int:
        """How many times this store has opened the file (for benchmarks)."""
        return self._shared.opens

    @property
    def executions(self) -> int:
        """How many queries this store's reads have run, the cache's hits not counted."""
        return self._shared.executions

    @property
    def read_cache(self) -> readcache.ReadCache:
        """The results this store keeps (its hits, misses and size, for benchmarks)."""
        return self._shared.cache

    def lock_down(self) -> None:
        """No more file or network access, and no setting can change it back."""
        if self._shared.locked_down:
            return
        with self._shared.write_lock, self._shared.use() as connection:
            _apply_lock_down(connection)
            self._shared.locked_down = True

    @contextmanager
    def _cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._shared.use() as connection:
            cursor = connection.cursor()
            try:
                yield cursor
            finally:
                cursor.close()

    def read(self, name: str, **params: Any) -> pd.DataFrame:
        """The rows of `sql/<name>.sql` with bound parameters: the kept result while the
        tables it reads cannot have changed since it was read (skills/readcache.py), else a
        fresh one. The frame is the caller's own to change."""
        text, bound = bind(name, params)
        key = readcache.params_key(bound)
        shared = self._shared
        _noted(shared, (name,))
        before, tables = shared.from_before(), shared.dependencies.get(name)
        if before is not None and tables is not None and key is not None:
            kept = shared.cache.get(name, key, before.of(tables))
            if kept is not None:
                return kept
        with self._cursor() as cursor:
            revisions = shared.revisions(cursor) if key is not None else None
            revision = None
            if revisions is not None:
                revision = revisions.of(shared.reads(name, text, cursor))
                kept = shared.cache.get(name, key, revision)
                if kept is not None:
                    return kept
            shared.executions += 1
            frame = cursor.execute(text, bound).df()
            if revision is not None:
                shared.cache.put(name, key, revision, frame)
            return frame

    @contextmanager
    def transaction(self, permission: Permission) -> Iterator[duckdb.DuckDBPyConnection]:
        """A serialised write: all of it commits, or none of it does.

        The commit names the tables it wrote, so that reads of other tables stay cached:
        those its statements run through `execute` and `fetch` name as their targets, or
        every table when the cursor ran anything itself."""
        self.caller.require(permission)
        with self._shared.write_lock, self._cursor() as cursor:
            cursor.begin()
            tracked = _WriteCursor(cursor)
            try:
                try:
                    yield cast(duckdb.DuckDBPyConnection, tracked)
                    written = tracked.written
                    # In the same commit, so that no process can see the data without it.
                    cursor.execute(sql_text("record_write"), {
                        "tables": None if written is None else sorted(written)})
                except BaseException:
                    cursor.rollback()
                    raise
                cursor.commit()
            finally:
                # After the commit, not before: a read that starts in between keeps its rows
                # under the old revisions, which no later read asks for.
                readcache.wrote(self._shared.key)

    def execute(self, cursor: duckdb.DuckDBPyConnection, name: str, **params: Any) -> None:
        """Run `sql/<name>.sql` inside a transaction opened by `transaction`."""
        text, bound = bind(name, params)
        _raw(cursor, name).execute(text, bound)

    def execute_many(self, cursor: duckdb.DuckDBPyConnection, name: str,
                     rows: list[dict[str, Any]]) -> None:
        """Run `sql/<name>.sql` once per parameter set of `rows`, inside a transaction, in one
        call: a plan of hundreds of rows is one round trip, not hundreds, each of which waited
        for the interpreter while the write lock was held (every other write waited too)."""
        if not rows:
            return
        bound = [bind(name, row) for row in rows]
        _raw(cursor, name).executemany(bound[0][0], [params for _, params in bound])

    def fetch(self, cursor: duckdb.DuckDBPyConnection, name: str,
              **params: Any) -> pd.DataFrame:
        """Rows of `sql/<name>.sql` read inside a transaction opened by `transaction`."""
        text, bound = bind(name, params)
        return _raw(cursor, name).execute(text, bound).df()

    def replace_dataset(self, dataset: Dataset, *, sha256: str | None = None,
                        loaded_by: str | None = None) -> int:
        """Store `dataset` as the next snapshot, in one transaction; its number.

        The matrix (people, skills, ratings, targets) is replaced and kept in the history
        tables; the file's requests are added or updated; nothing else is touched.
        """
        who = loaded_by or self.caller.actor()  # the signed-in email when there is one
        with self.transaction(Permission.LOAD_DATASET) as cursor:
            _register(cursor, dataset)
            snapshot = int(cursor.execute(sql_text("next_snapshot")).fetchall()[0][0])
            self.execute(cursor, "replace_matrix")
            self.execute(cursor, "file_request_events", changed_by=who,
                         source=shown_source(dataset.source), snapshot=snapshot)
            self.execute(cursor, "merge_file_requests")
            self.execute(cursor, "record_snapshot", snapshot=snapshot, loaded_by=who,
                         source=dataset.source, sha256=sha256, requests=dataset.count("requests"),
                         warnings=list(dataset.warnings))
            for table in HISTORY_TABLES:
                self.execute(cursor, f"record_{table}_history", snapshot=snapshot)
        try:
            self.checkpoint()
        except duckdb.Error as error:
            if not is_disk_full(error):
                raise
            # DuckDB invalidates a database after a failed checkpoint: drop the connection so
            # the next use reopens the file and replays the log, which holds the whole load.
            self._shared.discard()
            raise StoredButNotCheckpointed(snapshot, error) from None
        return snapshot

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the file and reuse freed blocks, so that repeated
        loads do not grow the file beyond what the snapshots themselves hold."""
        try:
            with self._shared.write_lock, self._cursor() as cursor:
                cursor.execute("CHECKPOINT")
        except duckdb.TransactionException:
            pass  # another session's transaction is open; DuckDB checkpoints later itself

    def preview_replacement(self, dataset: Dataset) -> dict[str, pd.DataFrame]:
        """What storing `dataset` would change for work in progress; nothing is stored.

        The replacement runs in a transaction that is always rolled back, so the preview and
        the load read the same queries: `leaving` people, `teams` that disappear, and the
        items that would then need a decision and do not already (`needs_decision`).
        """
        self.caller.require(Permission.LOAD_DATASET)
        with self._shared.write_lock, self._cursor() as cursor:
            cursor.begin()
            try:
                _register(cursor, dataset)
                before = self.fetch(cursor, "needs_decision")
                leaving = self.fetch(cursor, "leaving_people")
                teams = self.fetch(cursor, "vanishing_teams")
                self.execute(cursor, "replace_matrix")
                self.execute(cursor, "merge_file_requests")
                after = self.fetch(cursor, "needs_decision")
            finally:
                cursor.rollback()
        import pandas as pd

        known = set(zip(before["kind"], before["item"], before["reason"], strict=True))
        fresh = pd.Series([(k, i, r) not in known for k, i, r in
                           zip(after["kind"], after["item"], after["reason"], strict=True)],
                          index=after.index, dtype=bool)
        return {"leaving": leaving, "teams": teams,
                "needs_decision": after[fresh].reset_index(drop=True)}

    def has_data(self) -> bool:
        return bool(self.read("dataset_counts").at[0, "people"])

    def counts(self) -> dict[str, int]:
        return {k: int(v) for k, v in self.read("dataset_counts").iloc[0].items()}

    def latest_load(self) -> dict[str, Any] | None:
        """The newest snapshot: when, by whom, from which input, and its counts."""
        frame = self.read("latest_snapshot")
        return None if frame.empty else frame.iloc[0].to_dict()

    def kept(self, name: str, build: Callable[[], T], key: Hashable = None) -> T:
        """`build()`, built once while the tables it read stay as they are, and shared by
        every caller of this store: nobody may change it. For what a rerun would otherwise
        rebuild from the same rows (the organisation index, a planner's view of it).

        What it read is what it asked `read` for (and what the values it got from `kept`
        read), noted while it ran, so no list of its queries can fall behind its code.
        `key` stands for what it was given rather than read (the caller read it): another
        key builds it again, and replaces the one kept."""
        shared = self._shared
        before = shared.from_before()
        with shared.kept_lock:
            found = shared.kept.get(name)
        if found is not None and found[3] != key:
            found = None
        if before is not None and found is not None and before.current(found[0]):
            _noted(shared, found[2])
            return cast(T, found[1])
        with self._cursor() as cursor:
            revisions = shared.revisions(cursor)
        if revisions is None:
            return build()
        with shared.kept_lock:
            found = shared.kept.get(name)
        if found is not None and found[3] == key and revisions.current(found[0]):
            _noted(shared, found[2])
            return cast(T, found[1])
        outer = getattr(shared.mine, "reading", [])
        shared.mine.reading = [*outer, set()]
        try:
            value = build()
            names = frozenset(shared.mine.reading[-1])
        finally:
            shared.mine.reading = outer
        _noted(shared, names)
        with self._cursor() as cursor:
            tables = frozenset().union(*(shared.reads(q, sql_text(q), cursor) for q in names))
        # Under the revisions read before its rows, so it is never taken for newer data.
        with shared.kept_lock:
            shared.kept[name] = (revisions.of(tables), value, names, key)
        return value

    def organisation(self) -> Organisation:
        """The stored matrix, indexed (`skills.organisation`): built once per change of its
        tables and shared, its arrays read-only."""
        from skills.organisation import Organisation

        def build() -> Organisation:
            org = Organisation.of(self.dataset(requests=False))
            for value in [*vars(org).values(), *vars(org.targets).values()]:
                if hasattr(value, "flags"):
                    value.flags.writeable = False
            return org

        return self.kept("organisation", build)

    def dataset(self, *, requests: bool = True) -> Dataset:
        """The stored organisation as frames, for the planners (without its requests: only
        the matrix, and nothing read of the requests)."""
        tables = {name: self.read(name) for name in MATRIX_QUERIES if name != "ratings"}
        # The ratings (830,000 rows at 20,000 people) come through Arrow: the very frame `read`
        # gives (dates as datetime64[us] too), in 0.15 s instead of 0.4 s of a planner's time
        # limit. (The read cache would copy them on every hit anyway.)
        _noted(self._shared, ("ratings",))
        with self._cursor() as cursor:
            arrow = cursor.sql(bind("ratings", {})[0]).to_arrow_table()
        dated = arrow.schema.get_field_index("assessed_on")
        if dated >= 0:
            arrow = arrow.set_column(dated, "assessed_on",
                                     arrow.column(dated).cast(pa.timestamp("us")))
        # (No rows: `read` types the empty text columns its own way.)
        tables["ratings"] = arrow.to_pandas() if arrow.num_rows else self.read("ratings")
        if not requests:
            import pandas as pd

            return Dataset(**tables, requests=pd.DataFrame(columns=TABLE_COLUMNS["requests"]))
        # Requests waiting for a decision (their person, team or skill is gone) sit out.
        return Dataset(**tables, requests=self.read("planning_requests"))


def _noted(shared: _Shared, names: Any) -> None:
    """Queries read while `Store.kept` builds on this thread (for each build under way)."""
    for reading in getattr(shared.mine, "reading", ()):
        reading.update(names)


class _WriteCursor:
    """The cursor a transaction hands out, noting which tables the transaction writes: the
    targets of the statements run through `Store.execute` and `Store.fetch`, or None (every
    table) once anything else was asked of it but reading results and registering frames."""

    _READS_ONLY = frozenset({"fetchone", "fetchall", "fetchmany", "df", "fetchdf", "fetch_df",
                             "arrow", "fetch_arrow_table", "register", "unregister",
                             "description", "rowcount"})

    def __init__(self, cursor: duckdb.DuckDBPyConnection) -> None:
        self.cursor = cursor
        self.written: set[str] | None = set()

    def note(self, name: str) -> None:
        tables = _written_tables(name)
        if tables is None or self.written is None:
            self.written = None
        else:
            self.written |= tables

    def __getattr__(self, attribute: str) -> Any:
        if attribute not in self._READS_ONLY:
            self.written = None
        return getattr(self.cursor, attribute)


@cache
def _written_tables(name: str) -> frozenset[str] | None:
    return readcache.written_tables(_strip_comments(sql_text(name)))


def _raw(cursor: duckdb.DuckDBPyConnection, name: str) -> duckdb.DuckDBPyConnection:
    """The DuckDB cursor behind a transaction's, having noted what `name` writes."""
    if isinstance(cursor, _WriteCursor):
        cursor.note(name)
        return cursor.cursor
    return cursor


def _register(cursor: duckdb.DuckDBPyConnection, dataset: Dataset) -> None:
    # Registrations belong to this cursor and vanish when the transaction closes it.
    for table in TABLE_COLUMNS:
        arrow = dataset.arrow(table)  # the importer's own table, when nobody changed it
        cursor.register(f"incoming_{table}",
                        arrow if arrow is not None else _as_arrow(getattr(dataset, table)))


def _as_arrow(frame: pd.DataFrame) -> pa.Table | pd.DataFrame:
    """`frame` as Arrow, which DuckDB scans in half the time of a frame (the text columns
    already hold Arrow strings, so little is copied); a frame Arrow cannot type as it is."""
    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowException, TypeError, ValueError):
        return frame
