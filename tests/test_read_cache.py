"""The store's read cache: it serves repeated reads, and never serves rows a write replaced —
whether the write came through this store, another store on the same file, another process
while this one had the file closed, or was rolled back. Real DuckDB, real subprocesses."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest

from skills.access import Permission
from skills.dataset import Dataset
from skills.readcache import ReadCache, dependencies, relations, written_tables
from skills.services import audit
from skills.store import Store

ROOT = Path(__file__).resolve().parent.parent


def _requests(store: Store) -> set[str]:
    return set(store.read("requests")["request_id"])


def _add_request(store: Store, request_id: str) -> None:
    with store.transaction(Permission.REQUEST_ROTATION) as cursor:
        cursor.execute(
            "INSERT INTO requests (request_id, person_id, host_team, earliest_quarter, "
            "latest_quarter, priority, status) VALUES ($id, 'P082', 'Serving', 1, 2, 2, "
            "'requested')", {"id": request_id})


@pytest.fixture
def path(tmp_path: Path, sample_dataset: Dataset) -> Path:
    db = tmp_path / "cache.duckdb"
    made = Store(db)
    made.replace_dataset(sample_dataset)
    made.close()
    return db


def test_a_repeated_read_is_served_without_running_the_query(path: Path) -> None:
    store = Store(path)
    first = store.read("people")
    ran = store.executions
    again = store.read("people")
    assert store.executions == ran
    pd.testing.assert_frame_equal(first, again)
    # Other bound values are another result.
    store.read("target_gaps", teams=["Serving"], disciplines=None)
    store.read("target_gaps", teams=["Feature Store"], disciplines=None)
    assert store.executions == ran + 2
    store.close()


def test_a_caller_that_changes_its_frame_does_not_change_the_cache(path: Path) -> None:
    store = Store(path)
    for _ in range(2):  # the result as read, and as served from the cache
        frame = store.read("people")
        frame.loc[:, "name"] = "changed"
    again = store.read("people")
    assert len(again) > 0 and "changed" not in set(again["name"])
    store.close()


def test_a_write_through_this_store_is_seen_by_its_next_read(path: Path) -> None:
    store = Store(path)
    before = _requests(store)
    _add_request(store, "R900")
    assert _requests(store) == before | {"R900"}
    store.close()


def test_a_write_through_another_store_on_the_same_file_is_seen(path: Path) -> None:
    ours, theirs = Store(path), Store(path)
    before = _requests(ours)
    _add_request(theirs, "R901")
    assert _requests(ours) == before | {"R901"}
    ours.close()
    theirs.close()


def test_a_rolled_back_write_leaves_the_old_rows(path: Path) -> None:
    store = Store(path)
    before = _requests(store)
    with pytest.raises(RuntimeError), store.transaction(Permission.REQUEST_ROTATION) as cursor:
        cursor.execute("DELETE FROM requests")
        raise RuntimeError("changed my mind")
    assert _requests(store) == before
    store.close()


def test_a_read_while_a_write_is_under_way_is_not_kept_past_its_commit(path: Path) -> None:
    store = Store(path)
    before = _requests(store)
    inside, done = threading.Event(), threading.Event()
    seen: list[set[str]] = []

    def reader() -> None:
        inside.wait(30)
        seen.append(_requests(store))  # the committed rows, read during the write
        done.set()

    thread = threading.Thread(target=reader)
    thread.start()
    with store.transaction(Permission.REQUEST_ROTATION) as cursor:
        cursor.execute("DELETE FROM requests WHERE request_id = $id",
                       {"id": sorted(before)[0]})
        inside.set()
        assert done.wait(30)
    thread.join()
    assert seen == [before]
    assert _requests(store) == before - {sorted(before)[0]}
    store.close()


def test_a_write_by_another_process_while_the_file_was_closed_is_seen(path: Path) -> None:
    # No linger: the store lets go of the file after each read, as after its idle second.
    store = Store(path, linger=0)
    before = _requests(store)
    added = subprocess.run(
        [sys.executable, "-m", "skills", "requests", "add", "--person-id", "P082",
         "--host-team", "Serving", "--earliest", "1", "--latest", "2", "--priority", "2",
         "--db", str(path)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert added.returncode == 0, added.stderr
    after = _requests(store)
    assert len(after) == len(before) + 1 and before < after
    store.close()


def test_a_load_by_another_process_while_the_file_was_closed_is_seen(
        path: Path, tmp_path: Path, sample_dataset: Dataset) -> None:
    store = Store(path, linger=0)
    people = len(store.read("people"))
    smaller = tmp_path / "smaller"
    smaller.mkdir()
    kept = sample_dataset.people.iloc[: people // 2]
    kept.to_csv(smaller / "people.csv", index=False)
    sample_dataset.skills.to_csv(smaller / "skills.csv", index=False)
    ratings = sample_dataset.ratings
    ratings[ratings["person_id"].isin(kept["person_id"])].to_csv(smaller / "ratings.csv",
                                                                 index=False)
    loaded = subprocess.run([sys.executable, "-m", "skills", "load", str(smaller), "--db",
                             str(path)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert loaded.returncode == 0, loaded.stderr
    assert len(store.read("people")) == len(kept)
    store.close()


def test_results_survive_a_reopen_when_nobody_wrote(path: Path) -> None:
    store = Store(path, linger=0)
    store.read("people")
    opens, ran = store.opens, store.executions
    store.read("people")
    assert store.opens > opens  # the file was closed and opened again in between
    assert store.executions == ran
    store.close()


def test_the_cache_is_bounded_by_entries_and_bytes() -> None:
    frame = pd.DataFrame({"x": range(1000)})
    by_count = ReadCache(max_entries=2)
    for name in ("a", "b", "c"):
        by_count.put(name, (), "r1", frame)
    assert by_count.get("a", (), "r1") is None
    assert by_count.get("c", (), "r1") is not None
    assert by_count.size[0] == 2
    by_bytes = ReadCache(max_bytes=20_000)  # two frames of ~8 kB fit, three do not
    for name in ("a", "b", "c"):
        by_bytes.put(name, (), "r1", frame)
    assert by_bytes.size[0] == 2 and by_bytes.size[1] <= 20_000
    by_bytes.drop_stale(lambda revision: revision == "r2")
    assert by_bytes.size == (0, 0)


def _add_request_through_the_store(store: Store, request_id: str) -> None:
    with store.transaction(Permission.REQUEST_ROTATION) as cursor:
        store.execute(cursor, "insert_rotation_request", request_id=request_id,
                      person_id="P082", host_team="Serving", earliest_quarter=1,
                      latest_quarter=2, priority=2, note=None, skill_id=None)


def test_a_write_keeps_the_results_of_tables_it_did_not_touch(path: Path) -> None:
    store = Store(path)
    people = store.read("people")
    before = _requests(store)
    ran = store.executions
    _add_request_through_the_store(store, "R910")
    pd.testing.assert_frame_equal(store.read("people"), people)
    assert store.executions == ran  # the people were served again
    assert _requests(store) == before | {"R910"}
    assert store.executions == ran + 1


def test_a_write_the_store_cannot_see_into_refreshes_every_table(path: Path) -> None:
    store = Store(path)
    store.read("people")
    ran = store.executions
    _add_request(store, "R911")  # a statement run on the cursor itself: any table may change
    store.read("people")
    assert store.executions == ran + 1
    store.close()


def test_a_view_is_refreshed_when_a_table_behind_it_is_written(path: Path) -> None:
    store = Store(path)
    ratings = store.read("ratings")
    store.read("ratings")
    ran = store.executions
    with store.transaction(Permission.LOAD_DATASET) as cursor:
        cursor.register("incoming_ratings", ratings.head(0))
        # Adds no row, but names ratings_history, which the `ratings` view reads.
        store.execute(cursor, "record_ratings_history", snapshot=999)
    pd.testing.assert_frame_equal(store.read("ratings"), ratings)
    assert store.executions == ran + 1
    store.close()


def test_another_process_filing_a_request_keeps_the_people_read_before(path: Path) -> None:
    store = Store(path, linger=0)
    store.read("people")
    before = _requests(store)
    ran = store.executions
    added = subprocess.run(
        [sys.executable, "-m", "skills", "requests", "add", "--person-id", "P082",
         "--host-team", "Serving", "--earliest", "1", "--latest", "2", "--priority", "2",
         "--db", str(path)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert added.returncode == 0, added.stderr
    store.read("people")
    assert store.executions == ran
    assert len(_requests(store)) == len(before) + 1
    store.close()


def test_what_a_statement_writes_is_its_target() -> None:
    assert written_tables("INSERT INTO requests SELECT * FROM people") == {"requests"}
    assert written_tables("UPDATE requests SET status = $s WHERE id IN "
                          "(SELECT id FROM people)") == {"requests"}
    assert written_tables("INSERT INTO roles VALUES ($e, $r) ON CONFLICT (email) DO\n"
                          "  UPDATE SET role = excluded.role") == {"roles"}
    assert written_tables("SELECT * FROM people") == frozenset()
    # A change the pattern does not know: any table.
    assert written_tables("COPY people FROM 'x.csv'") is None
    assert written_tables("WITH gone AS (DELETE FROM requests RETURNING *) "
                          "UPDATE people SET x = 1") == {"requests", "people"}


def test_a_query_reads_the_tables_behind_its_views() -> None:
    behind = relations(["ratings_history", "snapshots", "people"],
                       {"ratings": "CREATE VIEW ratings AS SELECT * FROM ratings_history "
                                   "WHERE snapshot = (SELECT max(snapshot) FROM snapshots)",
                        "rated": "CREATE VIEW rated AS SELECT * FROM ratings JOIN people"})
    assert dependencies("SELECT * FROM rated", behind) == {"ratings_history", "snapshots",
                                                          "people"}
    assert dependencies("SELECT 1", behind) == frozenset()


def test_a_column_named_like_a_table_is_not_a_read_of_it() -> None:
    # `snapshots` has columns people, teams, skills, ratings, targets and requests: read as
    # words, every filed request refreshed the overview's snapshot reads and trend chart.
    behind = relations(["snapshots", "requests", "people", "targets_history"],
                       {"latest": "CREATE VIEW latest AS SELECT s.requests, s.people FROM "
                                  "snapshots s WHERE s.snapshot = (SELECT max(snapshot) "
                                  "FROM snapshots)"})
    assert dependencies("SELECT s.requests, s.people FROM snapshots s", behind) == {"snapshots"}
    assert dependencies("SELECT requests FROM latest", behind) == {"snapshots"}
    # Every place a table can be read from in a SELECT still counts.
    assert dependencies(
        "WITH t AS (SELECT * FROM targets_history) SELECT (SELECT count(*) FROM requests) AS n "
        "FROM t WHERE EXISTS (SELECT 1 FROM people p USING SAMPLE 1) "
        "AND $x IN (SELECT snapshot FROM snapshots)", behind) == {
            "targets_history", "requests", "people", "snapshots"}
    # What the parser cannot take apart is read as words: more than it reads, never less.
    assert dependencies("SELECT * FROM snapshots; SELECT * FROM people", behind) == {
        "snapshots", "people"}
    assert dependencies("PIVOT snapshots ON requests", behind) >= {"snapshots"}


def test_filing_a_request_keeps_the_snapshot_reads(path: Path) -> None:
    store = Store(path)
    for name in ("snapshots", "latest_snapshot"):
        store.read(name)
    ran = store.executions
    _add_request_through_the_store(store, "R912")
    for name in ("snapshots", "latest_snapshot"):
        store.read(name)
    assert store.executions == ran
    assert "R912" in _requests(store)
    store.close()


def test_the_organisation_index_is_built_once_per_change_of_the_matrix(
        path: Path, sample_dataset: Dataset) -> None:
    store = Store(path)
    org = store.organisation()
    assert store.organisation() is org
    _add_request_through_the_store(store, "R912")  # no matrix table written
    assert store.organisation() is org
    with pytest.raises(ValueError):
        org.level[0, 0] = 4  # shared between callers, so nobody may change it
    smaller = Dataset(people=sample_dataset.people.iloc[:10],
                      skills=sample_dataset.skills,
                      ratings=sample_dataset.ratings[sample_dataset.ratings["person_id"].isin(
                          sample_dataset.people["person_id"].iloc[:10])],
                      targets=sample_dataset.targets, requests=sample_dataset.requests.head(0))
    store.replace_dataset(smaller)
    rebuilt = store.organisation()
    assert rebuilt is not org and len(rebuilt.person_ids) == 10
    store.close()


def test_a_kept_value_is_rebuilt_once_a_table_it_read_changes(path: Path) -> None:
    store = Store(path)
    builds: list[str] = []

    def inner() -> int:
        builds.append("inner")
        return len(store.read("requests"))

    def outer() -> int:
        builds.append("outer")
        return store.kept("inner", inner) + 1

    first = store.kept("outer", outer)
    assert store.kept("outer", outer) == first and builds == ["outer", "inner"]
    audit.record(store, "export", "nothing.csv", 0)  # writes the audit log only
    assert store.kept("outer", outer) == first and builds == ["outer", "inner"]
    _add_request_through_the_store(store, "R913")
    # The outer value read the requests through the inner one, and knows it.
    assert store.kept("outer", outer) == first + 1
    assert builds == ["outer", "inner", "outer", "inner"]
    store.close()


HOLD = ("import duckdb, sys\n"
        "connection = duckdb.connect(sys.argv[1])\n"
        "print('held', flush=True)\n"
        "sys.stdin.readline()\n")


@contextmanager
def _held(path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process has the file (as a cron import's turn) until the block ends."""
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        yield holder
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(30)


def test_while_another_process_has_the_file_kept_results_are_served(path: Path) -> None:
    # A cron import's turn: the page's cached reads go on; one it never made waits its turn.
    store = Store(path, linger=0, wait=60)
    people = store.read("people")
    org = store.organisation()
    waited: list[pd.DataFrame] = []
    waiting = threading.Thread(target=lambda: waited.append(store.read("skills")))
    with _held(path) as holder:
        waiting.start()
        while not store._shared.busy:  # the waiting read found the file taken
            assert waiting.is_alive() and holder.poll() is None
            waiting.join(0.01)
        pd.testing.assert_frame_equal(store.read("people"), people)
        assert store.organisation() is org
        assert holder.poll() is None and waiting.is_alive()  # the file is still theirs
    waiting.join(60)
    assert len(waited) == 1 and len(waited[0]) > 0
    store.close()


def test_after_its_own_write_a_process_waits_for_the_file_to_read(path: Path) -> None:
    store = Store(path, linger=0, wait=60)
    before = _requests(store)
    _add_request_through_the_store(store, "R914")
    seen: list[set[str]] = []
    reader = threading.Thread(target=lambda: seen.append(_requests(store)))
    with _held(path):
        reader.start()
        while not store._shared.busy:
            reader.join(0.01)
        reader.join(0.5)
        assert reader.is_alive() and not seen  # not served the rows from before its write
    reader.join(60)
    assert seen == [before | {"R914"}]
    store.close()


def test_many_rows_in_one_call_name_their_table_and_are_seen(path: Path) -> None:
    store = Store(path)
    store.read("people")
    before = _requests(store)
    ran = store.executions
    with store.transaction(Permission.REQUEST_ROTATION) as cursor:
        store.execute_many(cursor, "insert_rotation_request", [dict(
            request_id=f"R92{i}", person_id="P082", host_team="Serving", skill_id=None,
            earliest_quarter=1, latest_quarter=2, priority=2, note=None) for i in range(3)])
        store.execute_many(cursor, "insert_rotation_request", [])  # nothing to run
    assert _requests(store) == before | {"R920", "R921", "R922"}
    store.read("people")
    assert store.executions == ran + 1  # only the requests were read again
    store.close()
