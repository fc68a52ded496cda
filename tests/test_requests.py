"""Rotation requests: who may file and withdraw which, and `python -m skills requests`."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from skills.access import Caller, NotAllowed, Role
from skills.ingest.sample import SAMPLE_DIR
from skills.services import rotations as RS
from skills.store import ROOT, Store
from tests.test_lifecycle import ALL_TEAMS, MANAGER, changed_sample

REQUEST = {"host_team": "Serving", "skill_id": None, "earliest_quarter": 1,
           "latest_quarter": 4, "priority": 2}


def _engineer(store: Store, person_id: str | None) -> Store:
    return store.as_caller(Caller(Role.ENGINEER, person_id))


# --- permission checks in the service layer (issue 8) -------------------------------------------

def test_an_engineer_files_only_for_themselves(store: Store) -> None:
    with pytest.raises(NotAllowed, match="P011 may file only their own rotation requests, not "
                                         "P010's"):
        RS.file_request(_engineer(store, "P011"), person_id="P010", **REQUEST)
    with pytest.raises(NotAllowed, match="not said who they are"):
        RS.file_request(_engineer(store, None), person_id="P010", **REQUEST)
    assert RS.person_requests(store, "P010").empty
    assert RS.file_request(_engineer(store, "P010"), person_id="P010", **REQUEST) == "R009"
    # Managers file on behalf of the people of the teams they lead.
    assert RS.file_request(store.as_caller(MANAGER), person_id="P011", **REQUEST) == "R010"


def test_an_engineer_withdraws_only_their_own_request(store: Store) -> None:
    request_id = RS.file_request(_engineer(store, "P010"), person_id="P010", **REQUEST)
    with pytest.raises(NotAllowed, match="P011 may withdraw only their own"):
        RS.withdraw_request(_engineer(store, "P011"), request_id, "not mine")
    assert RS.request(store, request_id)["status"] == "requested"
    assert RS.request_history(store, request_id)["status"].tolist() == ["requested"]
    with pytest.raises(NotAllowed):
        RS.withdraw_request(store.as_caller(Caller(Role.HR)), request_id)
    RS.withdraw_request(_engineer(store, "P010"), request_id, "changed my mind")
    assert RS.request(store, request_id)["status"] == "withdrawn"


def test_a_manager_may_withdraw_open_requests_of_the_teams_they_lead(store: Store) -> None:
    request_id = RS.file_request(_engineer(store, "P010"), person_id="P010", **REQUEST)
    elsewhere = Caller(Role.MANAGER, teams=ALL_TEAMS - {"Feature Store"})  # P010's home team
    with pytest.raises(NotAllowed):
        RS.withdraw_request(store.as_caller(elsewhere), request_id, "not my team")
    RS.withdraw_request(store.as_caller(MANAGER), request_id, "P010 asked me")
    assert RS.request_history(store, request_id)["changed_by"].tolist() == [
        "engineer P010", "manager"]


def test_only_open_requests_can_be_withdrawn(store: Store) -> None:
    engineer = _engineer(store, "P010")
    manager = store.as_caller(MANAGER)
    request_id = RS.file_request(engineer, person_id="P010", **REQUEST)
    org, result = RS.run(manager)
    version = RS.save_plan(manager, org, result)
    assert RS.request(store, request_id)["status"] == "proposed"
    rotation = RS.plan_rotations(store, version)
    row = rotation[rotation["request_id"] == request_id].iloc[0]
    RS.decide(manager, version, row.person_id, row.host_team, int(row.quarter), "approved",
              "agreed")
    for who in (engineer, manager):
        with pytest.raises(RS.RequestError, match=f"{request_id} is approved; only a request "
                                                  "that is still requested or proposed"):
            RS.withdraw_request(who, request_id)
    assert RS.request(store, request_id)["status"] == "approved"
    with pytest.raises(RS.RequestError, match="there is no request R999"):
        RS.withdraw_request(manager, "R999")


def test_a_proposed_request_can_be_withdrawn_and_then_not_again(store: Store) -> None:
    engineer = _engineer(store, "P010")
    request_id = RS.file_request(engineer, person_id="P010", **REQUEST)
    org, result = RS.run(store)
    RS.save_plan(store, org, result)
    assert RS.request(store, request_id)["status"] == "proposed"
    RS.withdraw_request(engineer, request_id)
    with pytest.raises(RS.RequestError, match="is withdrawn"):
        RS.withdraw_request(engineer, request_id)


# --- python -m skills requests ------------------------------------------------------------------

def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "skills", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = tmp_path / "cli.duckdb"
    assert run("load", str(SAMPLE_DIR), "--db", str(path)).returncode == 0
    return str(path)


def test_requests_add_prints_the_stored_request(db: str) -> None:
    done = run("requests", "add", "--person-id", "P010", "--host-team", "Serving",
               "--earliest", "1", "--latest", "2", "--priority", "3", "--note", "serving",
               "--db", db)
    assert done.returncode == 0, done.stderr
    stored = json.loads(done.stdout)
    assert stored == {"request_id": "R009", "person_id": "P010", "host_team": "Serving",
                      "skill_id": None, "earliest_quarter": 1, "latest_quarter": 2,
                      "priority": 3, "note": "serving", "status": "requested",
                      "needs_decision": ""}
    by_skill = run("requests", "add", "--person-id", "P011", "--skill-id", "ci-cd",
                   "--earliest", "2", "--latest", "3", "--priority", "1", "--db", db)
    assert by_skill.returncode == 0, by_skill.stderr
    assert json.loads(by_skill.stdout)["request_id"] == "R010"
    assert json.loads(by_skill.stdout)["skill_id"] == "ci-cd"


def test_requests_add_refuses_bad_input_in_words(db: str) -> None:
    both = run("requests", "add", "--person-id", "P010", "--host-team", "Serving",
               "--skill-id", "ci-cd", "--earliest", "1", "--latest", "2", "--priority", "3",
               "--db", db)
    assert both.returncode == 2 and "not allowed with argument" in both.stderr
    own = run("requests", "add", "--person-id", "P010", "--host-team", "Feature Store",
              "--earliest", "2", "--latest", "1", "--priority", "3", "--db", db)
    assert own.returncode == 2
    assert "Feature Store is your own team" in own.stderr
    assert "latest quarter must not be before the earliest" in own.stderr
    assert "Traceback" not in own.stderr
    listed = json.loads(run("requests", "list", "--db", db).stdout)
    assert len(listed) == 8  # nothing was stored


def test_requests_list_json_and_csv(db: str, tmp_path: Path) -> None:
    assert run("requests", "add", "--person-id", "P010", "--host-team", "Serving",
               "--earliest", "1", "--latest", "4", "--priority", "3", "--db", db).returncode == 0
    listed = json.loads(run("requests", "list", "--db", db).stdout)
    assert [r["request_id"] for r in listed] == [f"R{n:03d}" for n in range(1, 10)]
    assert {"request_id", "person_id", "status", "needs_decision"} <= listed[0].keys()
    assert all(r["needs_decision"] == "" for r in listed)

    # HR loads this quarter's file: P010 has left, and the file brings one more request.
    extra = ("request_id,person_id,host_team,skill_id,earliest_quarter,latest_quarter,"
             "priority,note\nR020,P020,Governance,,2,3,2,\n")
    loaded = run("load", str(changed_sample(tmp_path / "q2", requests=extra)), "--db", db)
    assert loaded.returncode == 0, loaded.stderr
    assert json.loads(loaded.stdout)["snapshot"] == 2
    done = run("requests", "list", "--format", "csv", "--db", db)
    assert done.returncode == 0, done.stderr
    rows = {r["request_id"]: r for r in csv.DictReader(io.StringIO(done.stdout))}
    assert sorted(rows) == [f"R{n:03d}" for n in range(1, 10)] + ["R020"]
    assert rows["R009"]["needs_decision"] == "P010 is no longer in the matrix"
    assert rows["R009"]["status"] == "requested"
    assert rows["R020"]["needs_decision"] == "" and rows["R020"]["status"] == "requested"
    again = run("requests", "add", "--person-id", "P011", "--host-team", "Serving",
                "--earliest", "1", "--latest", "4", "--priority", "1", "--db", db)
    assert json.loads(again.stdout)["request_id"] == "R021"
