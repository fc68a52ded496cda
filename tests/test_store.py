"""The store: one transaction per load, survives crashes, locked down, least privilege."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time

import duckdb
import pandas as pd
import pytest

from skills.access import Caller, NotAllowed, Permission, Role
from skills.ingest.sample import generate
from skills.store import ROOT, Store, bind

TABLES = ("people", "skills", "ratings", "targets", "requests")


def _snapshot(store: Store) -> dict[str, pd.DataFrame]:
    return {name: store.read(name) for name in TABLES}


def _assert_same(before: dict[str, pd.DataFrame], after: dict[str, pd.DataFrame]) -> None:
    for name in TABLES:
        pd.testing.assert_frame_equal(before[name], after[name], obj=name)


def test_replace_swaps_every_table(store, sample_dataset):
    smaller = generate(people=30, teams=3, skills=10, seed=5)
    store.replace_dataset(smaller)
    counts = store.counts()
    assert counts["people"] == 30 and counts["teams"] == 3 and counts["skills"] == 10
    assert counts["ratings"] == len(smaller.ratings)
    assert store.latest_load()["source"] == smaller.source


def test_a_failing_insert_rolls_back_everything(store):
    before = _snapshot(store)
    broken = generate(people=10, teams=2, skills=5, seed=1)
    # Bypass validation: a level the schema's CHECK refuses, in the last table written but one.
    broken.ratings.loc[broken.ratings.index[-1], "level"] = 9
    with pytest.raises(duckdb.ConstraintException):
        store.replace_dataset(broken)
    _assert_same(before, _snapshot(store))


def test_a_crash_in_the_middle_of_a_load_leaves_the_previous_dataset(store, tmp_path):
    before = _snapshot(store)
    store.close()
    # A separate process deletes and inserts inside the transaction, then dies before COMMIT.
    script = textwrap.dedent(f"""
        import os, signal, sys
        sys.path.insert(0, {str(ROOT)!r})
        from skills.ingest.sample import generate
        from skills.access import Permission
        from skills.store import Store
        store = Store({str(store.path)!r})
        dataset = generate(people=500, teams=5, skills=20, seed=3)
        with store.transaction(Permission.LOAD_DATASET) as cursor:
            for table, frame in dataset.tables().items():
                cursor.register(f"incoming_{{table}}", frame)
            store.execute(cursor, "replace_matrix")
            print(cursor.execute("SELECT count(*) FROM people").fetchone()[0], flush=True)
            os.kill(os.getpid(), signal.SIGKILL)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == -9, result.stderr
    assert result.stdout.strip() == "500"  # the crash really happened mid-load
    reopened = Store(store.path)
    try:
        _assert_same(before, _snapshot(reopened))
    finally:
        reopened.close()


def test_engineers_cannot_replace_the_dataset(store):
    before = _snapshot(store)
    engineer = store.as_caller(Caller(Role.ENGINEER, person_id="P001"))
    with pytest.raises(NotAllowed, match="engineer role may not load a dataset"):
        engineer.replace_dataset(generate(people=10, teams=2, skills=5))
    _assert_same(before, _snapshot(store))
    assert not engineer.caller.can(Permission.EXPORT_PERSONAL)


def test_lock_down_blocks_files_and_settings(store, tmp_path):
    outside = tmp_path / "secret.csv"
    outside.write_text("a\n1\n")
    store.lock_down()
    with pytest.raises(duckdb.Error), store._cursor() as cursor:
        cursor.execute(f"SELECT * FROM read_csv('{outside}')")
    with pytest.raises(duckdb.Error), store._cursor() as cursor:
        cursor.execute("SET enable_external_access = true")
    time.sleep(store._shared.linger + 0.3)  # the connection closes; a fresh one is locked too
    with pytest.raises(duckdb.Error), store._cursor() as cursor:
        cursor.execute(f"SELECT * FROM read_csv('{outside}')")
    # Loading uploads still works: frames are registered, not read from disk.
    store.replace_dataset(generate(people=12, teams=2, skills=6))
    assert store.counts()["people"] == 12


def test_concurrent_reads_while_writing(store):
    errors: list[BaseException] = []
    datasets = [generate(people=40 + i, teams=4, skills=12, seed=i) for i in range(3)]

    def reader() -> None:
        try:
            for _ in range(30):
                counts = store.counts()
                assert counts["people"] in {120, 40, 41, 42}
        except BaseException as error:  # noqa: BLE001 - collected for the assertion below
            errors.append(error)

    def writer() -> None:
        try:
            for dataset in datasets:
                store.replace_dataset(dataset)
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=reader) for _ in range(3)] + [
        threading.Thread(target=writer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert store.counts()["people"] == 42


def test_bind_passes_exactly_the_named_parameters():
    text, params = bind("target_gaps", {"teams": None, "disciplines": ["sre"], "extra": 1})
    assert "$teams" in text and params == {"teams": None, "disciplines": ["sre"]}
    with pytest.raises(TypeError, match="needs parameters"):
        bind("target_gaps", {"teams": None})


def test_sql_never_formats_values():
    """Every .sql file that takes input does so through $parameters."""
    for path in (ROOT / "sql").glob("*.sql"):
        text = path.read_text()
        assert "{" not in text and "%s" not in text, path.name


def test_a_file_from_before_the_ratings_key_was_dropped_keeps_every_rating(tmp_path,
                                                                           sample_dataset):
    # Files made before the key was dropped: their loads stay slow unless the store rebuilds
    # ratings without it, and the rebuild must lose nothing.
    path = tmp_path / "old.duckdb"
    made = Store(path)
    made.replace_dataset(sample_dataset)
    made.close()
    with duckdb.connect(str(path)) as old:
        old.execute("CREATE TABLE keyed AS FROM ratings")
        old.execute("DROP TABLE ratings")
        old.execute("CREATE TABLE ratings (person_id VARCHAR NOT NULL, skill_id VARCHAR NOT "
                    "NULL, level TINYINT NOT NULL, interest TINYINT NOT NULL DEFAULT 0, "
                    "assessed_on DATE, PRIMARY KEY (person_id, skill_id))")
        old.execute("INSERT INTO ratings FROM keyed")
        old.execute("DROP TABLE keyed")
        before = old.execute("SELECT * FROM ratings ORDER BY ALL").df()
    Store(path).close()
    with duckdb.connect(str(path), read_only=True) as reopened:
        keys = reopened.execute("SELECT count(*) FROM duckdb_constraints() WHERE table_name = "
                                "'ratings' AND constraint_type = 'PRIMARY KEY'").fetchall()
        after = reopened.execute("SELECT * FROM ratings ORDER BY ALL").df()
    assert keys == [(0,)]
    pd.testing.assert_frame_equal(before, after)
    store = Store(path)
    # The views over ratings read the rebuilt table.
    assert len(store.read("key_people", teams=None, disciplines=None)) > 0
    assert store.counts()["ratings"] == len(sample_dataset.ratings)
    store.replace_dataset(sample_dataset)
    assert store.counts()["ratings"] == len(sample_dataset.ratings)
