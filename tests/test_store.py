"""The store: one transaction per load, survives crashes, locked down, least privilege."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from dataclasses import replace

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


@pytest.mark.parametrize("keyed", [True, False], ids=["with the old key", "without a key"])
def test_a_file_from_before_ratings_lived_in_the_history_keeps_every_rating(tmp_path,
                                                                           sample_dataset,
                                                                           keyed):
    # Files made before `ratings` became the newest snapshot's rows of ratings_history (and,
    # older still, before its primary key was dropped) hold ratings as a table of their own,
    # and a copy in the history. The table is the truth: the upgrade keeps its rows as the
    # newest snapshot's, and each earlier snapshot's history as it was.
    path = tmp_path / "old.duckdb"
    made = Store(path)
    made.replace_dataset(sample_dataset)
    made.replace_dataset(sample_dataset)
    made.close()
    key = ", PRIMARY KEY (person_id, skill_id)" if keyed else ""
    with duckdb.connect(str(path)) as old:
        old.execute("DROP VIEW ratings")
        old.execute("CREATE TABLE ratings (person_id VARCHAR NOT NULL, skill_id VARCHAR NOT "
                    "NULL, level TINYINT NOT NULL, interest TINYINT NOT NULL DEFAULT 0, "
                    f"assessed_on DATE{key})")
        old.execute("INSERT INTO ratings SELECT person_id, skill_id, level, interest, "
                    "assessed_on FROM ratings_history WHERE snapshot = 2")
        # A rating changed in the table after the load: the history's copy is out of date.
        old.execute("UPDATE ratings SET level = 4 - level WHERE person_id = 'P001'")
        before = old.execute("SELECT * FROM ratings ORDER BY ALL").df()
        first = old.execute("SELECT * FROM ratings_history WHERE snapshot = 1 "
                            "ORDER BY ALL").df()
    Store(path).close()
    with duckdb.connect(str(path), read_only=True) as reopened:
        kind = reopened.execute("SELECT table_type FROM information_schema.tables "
                                "WHERE table_name = 'ratings'").fetchall()
        after = reopened.execute("SELECT * FROM ratings ORDER BY ALL").df()
        first_after = reopened.execute("SELECT * FROM ratings_history WHERE snapshot = 1 "
                                       "ORDER BY ALL").df()
        leftovers = reopened.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name "
                                     "= 'ratings_before_history'").fetchall()
    assert kind == [("VIEW",)] and leftovers == [(0,)]
    pd.testing.assert_frame_equal(before, after)
    pd.testing.assert_frame_equal(first, first_after)
    store = Store(path)
    # The views over ratings read the upgraded ratings, and loads go on from there.
    assert len(store.read("key_people", teams=None, disciplines=None)) > 0
    assert store.counts()["ratings"] == len(sample_dataset.ratings)
    assert store.replace_dataset(sample_dataset) == 3
    assert store.counts()["ratings"] == len(sample_dataset.ratings)


def test_a_load_writes_its_ratings_once(tmp_path, sample_dataset):
    # Each snapshot's ratings are stored once, and `ratings` is the newest snapshot's: a
    # second copy per load doubled the cost of every large import.
    store = Store(tmp_path / "once.duckdb")
    store.replace_dataset(sample_dataset)
    changed = sample_dataset.ratings.assign(level=sample_dataset.ratings["level"].clip(upper=3))
    store.replace_dataset(replace(sample_dataset, ratings=changed))
    with store.transaction(Permission.LOAD_DATASET) as cursor:
        stored = cursor.execute("SELECT snapshot, count(*) FROM ratings_history GROUP BY ALL "
                                "ORDER BY ALL").fetchall()
        tables = cursor.execute("SELECT table_name FROM duckdb_tables() WHERE table_name "
                                "LIKE 'ratings%' ORDER BY ALL").fetchall()
    assert stored == [(1, len(changed)), (2, len(changed))]
    assert tables == [("ratings_history",)]
    assert store.read("ratings")["level"].max() == 3
    assert store.counts()["ratings"] == len(changed)
