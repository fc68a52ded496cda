"""The one way in and out of DuckDB: every read and write of the app goes through `Store`.

SQL lives in `sql/<what it returns>.sql`; values are always bound as `$name` parameters.
Streamlit serves sessions on threads, so the store keeps one connection per process, opens a
cursor per query and serialises writes behind a lock.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from skills.access import SYSTEM, Caller, Permission
from skills.dataset import Dataset
from skills.organisation import SQL_PARAMETERS

ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = ROOT / "sql"
DEFAULT_DB = ROOT / "data" / "crosstrain.duckdb"
# The matrix tables each snapshot keeps a copy of (sql/record_<table>_history.sql).
HISTORY_TABLES = ("people", "skills", "ratings", "targets")
_PARAMETER = re.compile(r"\$([a-z_][a-z0-9_]*)")


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
    # Domain constants (the practitioner level) come from skills.organisation, defined once.
    params = {**SQL_PARAMETERS, **params}
    missing = wanted - params.keys()
    if missing:
        raise TypeError(f"sql/{name}.sql needs parameters {sorted(missing)}")
    return text, {key: params[key] for key in wanted}


def _strip_comments(text: str) -> str:
    return "\n".join(line.split("--", 1)[0] for line in text.splitlines())


@dataclass
class _Shared:
    connection: duckdb.DuckDBPyConnection
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    locked_down: bool = False


class Store:
    """A DuckDB file holding one organisation, seen by one caller."""

    def __init__(self, path: str | Path | None = None, caller: Caller = SYSTEM) -> None:
        self.path = Path(path) if path is not None else default_db_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._shared = _Shared(duckdb.connect(str(self.path)))
        self.caller = caller
        with self._cursor() as cursor:
            # schema.sql first; planners keep their own tables in schema_<planner>.sql.
            for schema in sorted(SQL_DIR.glob("schema*.sql")):
                cursor.execute(sql_text(schema.stem))

    def as_caller(self, caller: Caller) -> Store:
        """The same connection, seen by someone else; permissions are checked per call."""
        view = object.__new__(Store)
        view.__dict__.update(self.__dict__)
        view.caller = caller
        return view

    def close(self) -> None:
        self._shared.connection.close()

    def lock_down(self) -> None:
        """No more file or network access, and no setting can change it back."""
        if self._shared.locked_down:
            return
        with self._shared.write_lock:
            self._shared.connection.execute("SET enable_external_access = false")
            self._shared.connection.execute("SET lock_configuration = true")
            self._shared.locked_down = True

    @contextmanager
    def _cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        cursor = self._shared.connection.cursor()
        try:
            yield cursor
        finally:
            cursor.close()

    def read(self, name: str, **params: Any) -> pd.DataFrame:
        """Run `sql/<name>.sql` with bound parameters and return its rows."""
        text, bound = bind(name, params)
        with self._cursor() as cursor:
            return cursor.execute(text, bound).df()

    @contextmanager
    def transaction(self, permission: Permission) -> Iterator[duckdb.DuckDBPyConnection]:
        """A serialised write: all of it commits, or none of it does."""
        self.caller.require(permission)
        with self._shared.write_lock, self._cursor() as cursor:
            cursor.begin()
            try:
                yield cursor
            except BaseException:
                cursor.rollback()
                raise
            cursor.commit()

    def execute(self, cursor: duckdb.DuckDBPyConnection, name: str, **params: Any) -> None:
        """Run `sql/<name>.sql` inside a transaction opened by `transaction`."""
        text, bound = bind(name, params)
        cursor.execute(text, bound)

    def fetch(self, cursor: duckdb.DuckDBPyConnection, name: str,
              **params: Any) -> pd.DataFrame:
        """Rows of `sql/<name>.sql` read inside a transaction opened by `transaction`."""
        text, bound = bind(name, params)
        return cursor.execute(text, bound).df()

    def replace_dataset(self, dataset: Dataset, *, sha256: str | None = None,
                        loaded_by: str | None = None) -> int:
        """Store `dataset` as the next snapshot, in one transaction; its number.

        The matrix (people, skills, ratings, targets) is replaced and kept in the history
        tables; the file's requests are added or updated; nothing else is touched.
        """
        who = loaded_by or self.caller.actor()  # the signed-in email when there is one
        with self.transaction(Permission.LOAD_DATASET) as cursor:
            _register(cursor, dataset)
            snapshot = int(self.fetch(cursor, "next_snapshot").at[0, "snapshot"])
            self.execute(cursor, "replace_matrix")
            self.execute(cursor, "file_request_events", changed_by=who,
                         source=dataset.source, snapshot=snapshot)
            self.execute(cursor, "merge_file_requests")
            self.execute(cursor, "record_snapshot", snapshot=snapshot, loaded_by=who,
                         source=dataset.source, sha256=sha256, requests=len(dataset.requests),
                         warnings=list(dataset.warnings))
            for table in HISTORY_TABLES:
                self.execute(cursor, f"record_{table}_history", snapshot=snapshot)
        return snapshot

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

    def dataset(self) -> Dataset:
        """The stored organisation as frames, for the planners."""
        tables = {name: self.read(name) for name in ("people", "skills", "ratings", "targets")}
        # Requests waiting for a decision (their person, team or skill is gone) sit out.
        return Dataset(**tables, requests=self.read("planning_requests"))


def _register(cursor: duckdb.DuckDBPyConnection, dataset: Dataset) -> None:
    # Registrations belong to this cursor and vanish when the transaction closes it.
    for table, frame in dataset.tables().items():
        cursor.register(f"incoming_{table}", frame)
