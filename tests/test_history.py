"""Snapshots: every load numbered with who, when, from what and its SHA-256; ratings kept per
snapshot (nothing overwritten); `python -m skills history`; the overview's trend."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from skills import figures
from skills.access import Caller, Role
from skills.ingest.problems import DatasetError
from skills.ingest.sample import SAMPLE_DIR
from skills.organisation import Organisation
from skills.services import coverage, data
from skills.store import ROOT, SQL_DIR, Store
from tests.conftest import write_files
from tests.test_lifecycle import changed_sample


def _sample_digest() -> str:
    files = {p.name: p.read_bytes() for p in sorted(SAMPLE_DIR.glob("*.csv"))}
    lines = b"".join(name.encode() + b"\0" + hashlib.sha256(content).hexdigest().encode()
                     + b"\n" for name, content in sorted(files.items()))
    return hashlib.sha256(lines).hexdigest()


@pytest.fixture
def loaded(empty_store: Store) -> Store:
    data.load_path(empty_store.as_caller(Caller(Role.HR)), SAMPLE_DIR)
    return empty_store


def test_every_load_is_a_numbered_snapshot(loaded: Store, tmp_path: Path) -> None:
    data.load_path(loaded, changed_sample(tmp_path / "q2"), loaded_by="hr P002")
    shots = data.snapshots(loaded)
    assert shots["snapshot"].tolist() == [1, 2]
    assert shots["loaded_by"].tolist() == ["hr", "hr P002"]
    assert shots["source"].tolist() == [str(SAMPLE_DIR), str(tmp_path / "q2")]
    assert shots["people"].tolist() == [120, 119]
    assert shots.loc[0, "sha256"] == _sample_digest()
    assert shots.loc[1, "sha256"] != shots.loc[0, "sha256"]
    assert shots["loaded_at"].is_monotonic_increasing
    assert data.latest_snapshot(loaded)["snapshot"] == 2


def test_one_file_is_hashed_as_its_bytes(empty_store: Store, tmp_path: Path) -> None:
    matrix = "name,team,discipline,CI/CD\nAna,Serving,sre,3/1\nBo,Training,ml,2\n"
    path = write_files(tmp_path / "in", {"matrix.csv": matrix}) / "matrix.csv"
    data.load_path(empty_store, path)
    assert data.latest_snapshot(empty_store)["sha256"] == hashlib.sha256(
        matrix.encode()).hexdigest()
    assert data.check_uploads({"matrix.csv": matrix.encode()}).sha256 == hashlib.sha256(
        matrix.encode()).hexdigest()


def test_a_failed_load_adds_no_snapshot(loaded: Store, tmp_path: Path) -> None:
    bad = write_files(tmp_path / "bad", {
        "people.csv": "person_id,name,team,discipline\nP1,Ana,Serving,sre\n",
        "skills.csv": "skill_id,name,discipline\nir,Incident response,sre\n",
        "ratings.csv": "person_id,skill_id,level\nP1,ir,5\n"})
    with pytest.raises(DatasetError):
        data.load_path(loaded, bad)
    assert data.snapshots(loaded)["snapshot"].tolist() == [1]


def test_ratings_are_kept_per_snapshot_nothing_overwritten(loaded: Store, tmp_path: Path) -> None:
    folder = changed_sample(tmp_path / "q2")
    ratings = pd.read_csv(folder / "ratings.csv", dtype=str, keep_default_na=False)
    mask = (ratings["person_id"] == "P001") & (ratings["skill_id"] == "ci-cd")
    old_level = ratings.loc[mask, "level"].iloc[0]
    ratings.loc[mask, "level"] = "4" if old_level != "4" else "1"
    ratings.to_csv(folder / "ratings.csv", index=False)
    data.load_path(loaded, folder)
    with loaded._cursor() as cursor:
        kept = cursor.execute("SELECT snapshot, level FROM ratings_history WHERE person_id = "
                              "'P001' AND skill_id = 'ci-cd' ORDER BY snapshot").fetchall()
        gone = cursor.execute("SELECT DISTINCT snapshot FROM ratings_history WHERE person_id = "
                              "'P010'").fetchall()
    assert kept == [(1, int(old_level)), (2, int(ratings.loc[mask, "level"].iloc[0]))]
    assert gone == [(1,)]  # P010's ratings stay in the snapshot that had them


def test_history_bus_factors_match_coverage_and_the_organisation(loaded: Store,
                                                                 tmp_path: Path) -> None:
    first = coverage.skill_coverage(loaded)
    data.load_path(loaded, changed_sample(tmp_path / "q2"))
    entries = data.history(loaded)
    assert [e["snapshot"] for e in entries] == [1, 2]
    assert {"snapshot", "loaded_at", "source", "sha256", "people", "ratings",
            "bus_factor"} <= entries[0].keys()
    critical = first[first["critical"]]
    assert entries[0]["bus_factor"] == dict(zip(critical["skill_id"],
                                                critical["holders"].astype(int), strict=True))
    now = coverage.skill_coverage(loaded)
    now = now[now["critical"]]
    assert entries[1]["bus_factor"] == dict(zip(now["skill_id"], now["holders"].astype(int),
                                                strict=True))
    org = Organisation.of(loaded.dataset())
    bus = dict(zip(org.skill_ids, org.bus_factor().tolist(), strict=True))
    assert entries[1]["bus_factor"] == {s: bus[s] for s in entries[1]["bus_factor"]}
    # P010 practised drift detection (critical): one fewer now, and snapshot 1 still says so.
    drift = [e["bus_factor"]["drift-detection"] for e in entries]
    assert drift[1] == drift[0] - 1
    targets = coverage.target_gaps(loaded)
    assert entries[1]["targets_met"] == int((targets["missing"] == 0).sum())
    assert entries[1]["targets"] == len(targets)


def test_history_counts_practitioners_at_the_one_practitioner_level() -> None:
    text = (SQL_DIR / "snapshot_bus_factors.sql").read_text()
    assert "$practitioner_level" in text and ">= 3" not in text


def test_trend_frame_and_figure(loaded: Store, tmp_path: Path) -> None:
    assert figures.trend_figure(data.trend(loaded)).layout.annotations  # one load: a message
    data.load_path(loaded, changed_sample(tmp_path / "q2"))
    trend = data.trend(loaded)
    critical = coverage.skill_coverage(loaded)
    assert set(trend.loc[trend["measure"] == "bus factor", "series"]) == set(
        critical.loc[critical["critical"], "name"])
    share = trend[trend["measure"] == "coverage"]
    assert share["snapshot"].tolist() == [1, 2] and share["value"].between(0, 1).all()
    figure = figures.trend_figure(trend)
    assert len(figure.data) == trend["series"].nunique()


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "skills", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_python_dash_m_skills_history(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.duckdb")
    empty = run("history", "--db", db)
    assert empty.returncode == 0 and json.loads(empty.stdout) == []
    assert run("load", str(SAMPLE_DIR), "--db", db).returncode == 0
    assert run("load", str(changed_sample(tmp_path / "q2")), "--db", db).returncode == 0
    done = run("history", "--format", "json", "--db", db)
    assert done.returncode == 0, done.stderr
    entries = json.loads(done.stdout)
    assert [(e["snapshot"], e["people"]) for e in entries] == [(1, 120), (2, 119)]
    assert entries[0]["sha256"] == _sample_digest()
    assert entries[0]["source"] == str(SAMPLE_DIR)
    assert entries[0]["loaded_by"].startswith("command line")
    drift = [e["bus_factor"]["drift-detection"] for e in entries]
    assert drift[1] == drift[0] - 1
    rows = pd.read_csv(io.StringIO(run("history", "--format", "csv", "--db", db).stdout))
    assert set(rows["snapshot"]) == {1, 2}
    assert len(rows) == sum(len(e["bus_factor"]) for e in entries)
