"""The audit trail: append-only, one line per change or export, no personal values."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import subprocess
import sys

import pandas as pd
import pytest

from skills.access import Caller, NotAllowed, Role
from skills.ingest.sample import SAMPLE_DIR
from skills.services import audit, coverage, data, identity, mentoring, succession
from skills.services import rotations as RS
from skills.services.exports import csv_download
from skills.store import ROOT, SQL_DIR

ENGINEER = Caller(Role.ENGINEER, "P082", email="p082@example.org")
MANAGER = Caller(Role.MANAGER, "P002", frozenset({"Feature Store"}), "p002@example.org")
HR = Caller(Role.HR, "P011", email="p011@example.org")
ADMIN = Caller(Role.ADMIN, email="admin@example.org")


def test_no_query_changes_or_removes_a_line_of_the_trail():
    writers = []
    for path in SQL_DIR.glob("*.sql"):
        text = path.read_text(encoding="utf-8").lower()
        if ("audit_log" in text and path.stem != "schema_identity"
                and re.search(r"\b(update|delete|insert|truncate|drop|alter)\b", text)):
            writers.append(path.stem)
    assert writers == ["insert_audit_entry"]


def test_only_hr_and_admins_read_the_trail(store):
    for caller in (ENGINEER, MANAGER):
        with pytest.raises(NotAllowed):
            audit.entries(store.as_caller(caller))
        with pytest.raises(NotAllowed):
            audit.export(store.as_caller(caller))
    for caller in (HR, ADMIN):
        assert list(audit.entries(store.as_caller(caller)).columns) == audit.COLUMNS


def test_an_unknown_action_is_a_programming_error(store):
    with pytest.raises(ValueError, match="unknown audit action"):
        audit.record(store, "deleted everything")


def test_a_request_its_withdrawal_a_plan_and_a_decision_each_leave_a_line(store):
    engineer = store.as_caller(ENGINEER)
    manager = store.as_caller(MANAGER)
    first = RS.file_request(engineer, person_id="P082", host_team="Serving", skill_id=None,
                            earliest_quarter=1, latest_quarter=2, priority=3,
                            note="private reasons =1+1")
    RS.withdraw_request(engineer, first)
    second = RS.file_request(engineer, person_id="P082", host_team="Serving", skill_id=None,
                             earliest_quarter=1, latest_quarter=4, priority=3)
    org, result = RS.run(manager)
    version = RS.save_plan(manager, org, result)
    rotations = RS.plan_rotations(manager, version)
    ours = rotations[(rotations["home_team"] == "Feature Store")
                     | (rotations["host_team"] == "Feature Store")]
    row = ours.iloc[0]
    RS.decide(manager, version, row.person_id, row.host_team, int(row.quarter), "declined",
              "not this year")
    trail = audit.entries(store)
    assert trail[["actor", "action", "object"]].values.tolist()[:4] == [
        ["p082@example.org", "request filed", f"request {first}"],
        ["p082@example.org", "request withdrawn", f"request {first}"],
        ["p082@example.org", "request filed", f"request {second}"],
        ["p002@example.org", "plan saved", f"rotation plan v{version}"],
    ]
    last = trail.iloc[-1]
    assert (last["action"], last["role"]) == ("rotation declined", "manager")
    assert last["object"] == (f"rotation plan v{version}: {row.person_id} to {row.host_team} "
                              f"in Q{int(row.quarter)}")
    assert int(trail.iloc[3]["row_count"]) == len(result.rotations)
    _assert_no_personal_values(store, trail)


def test_a_refused_write_leaves_no_line(store):
    with pytest.raises(NotAllowed):
        RS.file_request(store.as_caller(ENGINEER), person_id="P010", host_team="Serving",
                        skill_id=None, earliest_quarter=1, latest_quarter=2, priority=1)
    assert audit.entries(store).empty


def test_an_import_records_the_snapshot_and_the_inputs_sha256(empty_store):
    data.load_path(empty_store.as_caller(HR), SAMPLE_DIR)
    line = audit.entries(empty_store).iloc[-1]
    assert (line["action"], line["actor"], line["object"]) == ("import", "p011@example.org",
                                                               "snapshot 1")
    assert line["sha256"] == data.check_path(SAMPLE_DIR).sha256
    assert int(line["row_count"]) == 120


def test_an_export_records_the_files_sha256_and_row_count(store):
    hr = store.as_caller(HR)
    frame = coverage.skill_coverage(hr)
    file = csv_download(hr, frame, name="skill-coverage.csv")
    exported = succession.export(hr, "xlsx")
    trail = audit.entries(store)
    assert trail[["action", "object", "row_count", "sha256"]].values.tolist()[-2:] == [
        ["export", "skill-coverage.csv", len(frame), hashlib.sha256(file).hexdigest()],
        ["export", "succession.xlsx",
         len(pd.read_excel(io.BytesIO(exported), dtype=str)),
         hashlib.sha256(exported).hexdigest()],
    ]


def test_mentoring_decisions_leave_a_line(store):
    manager = store.as_caller(MANAGER)
    plan, _ = mentoring.plan_from_store(manager)
    ours = plan.pairs.head(2)
    assert len(ours) == 2
    assert mentoring.record_decisions(manager, ours, "accepted") == 2
    line = audit.entries(store).iloc[-1]
    assert (line["action"], line["object"], int(line["row_count"])) == (
        "mentoring accepted", "mentoring pairs", 2)


def _assert_no_personal_values(store, trail: pd.DataFrame) -> None:
    people = store.read("people")
    text = " ".join(str(v) for v in trail.drop(columns=["happened_at"]).to_numpy().ravel())
    for name in people["name"]:
        assert name not in text
    assert "private reasons" not in text and "not this year" not in text


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "skills", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_cli_prints_the_trail_as_csv_or_json_from_a_day_on(store):
    identity.ensure_demo_roles(store)
    identity.signed_in(store, ENGINEER, "demo identity")
    db = str(store.path)
    store.close()
    as_csv = subprocess.run([sys.executable, "-m", "skills", "audit", "--db", db], cwd=ROOT,
                            capture_output=True, timeout=120)
    assert as_csv.returncode == 0, as_csv.stderr
    frame = pd.read_csv(io.BytesIO(as_csv.stdout), dtype=str)
    assert frame.columns.tolist() == audit.COLUMNS
    assert frame["action"].tolist() == ["roles replaced", "sign-in"]
    as_json = _cli("audit", "--db", db, "--format", "json",
                   "--since", dt.date.today().isoformat())
    assert as_json.returncode == 0, as_json.stderr
    lines = json.loads(as_json.stdout)
    # The CSV export a moment ago is itself a line of the trail, with its digest.
    assert [line["action"] for line in lines] == ["roles replaced", "sign-in", "export"]
    assert lines[-1]["object"] == "audit.csv"
    assert lines[-1]["sha256"] == hashlib.sha256(as_csv.stdout).hexdigest()
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    later = _cli("audit", "--db", db, "--format", "json", "--since", tomorrow)
    assert later.returncode == 0 and json.loads(later.stdout) == []
    bad = _cli("audit", "--db", db, "--since", "last tuesday")
    assert bad.returncode == 2 and "is not a date" in bad.stderr
