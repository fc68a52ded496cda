"""The data lifecycle: a reload replaces the matrix and nothing people did in the app.

Requests filed in the app, their history, plan versions, decisions, accepted mentoring pairs and
saved hiring plans and scenarios belong to the organisation; a load replaces people, skills,
ratings and targets only. Work that refers to someone a new matrix no longer has is marked as
needing a decision, never dropped.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from skills.access import Caller, Permission, Role
from skills.ingest.sample import SAMPLE_DIR
from skills.services import data
from skills.services import rotations as RS
from skills.store import Store
from tests.streamlit_page import run_planner

ALL_TEAMS = frozenset(pd.read_csv(SAMPLE_DIR / "people.csv", dtype=str)["team"])
# A manager who leads every team: decisions are row-checked against the teams one leads.
MANAGER = Caller(Role.MANAGER, teams=ALL_TEAMS)
HR = Caller(Role.HR)


def changed_sample(folder: Path, leave: tuple[str, ...] = ("P010",),
                   requests: str | None = None) -> Path:
    """The bundled sample as this quarter's file: `leave` have left, optional requests CSV."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in SAMPLE_DIR.glob("*.csv"):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        if "person_id" in frame:
            frame = frame[~frame["person_id"].isin(leave)]
        if "manager_id" in frame:
            frame.loc[frame["manager_id"].isin(leave), "manager_id"] = ""
        if path.name == "requests.csv" and requests is not None:
            (folder / path.name).write_text(requests, encoding="utf-8")
            continue
        frame.to_csv(folder / path.name, index=False)
    return folder


def _file_plan_approve(store: Store, person_id: str = "P010", host: str = "Serving") -> tuple[
        str, int, pd.Series]:
    """An engineer files a request; a manager plans, saves and approves its rotation."""
    engineer = store.as_caller(Caller(Role.ENGINEER, person_id))
    request_id = RS.file_request(engineer, person_id=person_id, host_team=host, skill_id=None,
                                 earliest_quarter=1, latest_quarter=4, priority=3,
                                 note="I'd like to learn model serving")
    manager = store.as_caller(MANAGER)
    org, result = RS.run(manager)
    assert result.found
    version = RS.save_plan(manager, org, result)
    rotations = RS.plan_rotations(store, version)
    row = rotations[rotations["request_id"] == request_id].iloc[0]
    RS.decide(manager, version, row.person_id, row.host_team, int(row.quarter), "approved",
              "Serving agreed to host")
    return request_id, version, row


def _accept_pair(store: Store, mentor: str, mentee: str, skill: str) -> None:
    from skills.services.mentoring import record_decisions

    pairs = pd.DataFrame([{"mentor_id": mentor, "mentee_id": mentee, "skill_id": skill,
                           "score": 1.0}])
    record_decisions(store.as_caller(MANAGER), pairs, "accepted", "agreed")


def _save_hiring_work(store: Store, person_id: str) -> None:
    """A saved scenario and a saved hiring plan whose grow action names `person_id`."""
    with store.transaction(Permission.PLAN) as cursor:
        store.execute(cursor, "save_hiring_scenario", scenario_name=f"What if {person_id} leaves",
                      definition=json.dumps({"name": f"What if {person_id} leaves",
                                             "removed_people": [person_id],
                                             "frozen_teams": ["Serving"]}),
                      saved_by="manager")
        cursor.execute("INSERT INTO hiring_plans (scenario, saved_at, saved_by, status, hires, "
                       "seconds, options) VALUES ('Today', current_timestamp, 'manager', "
                       "'optimal', 0, 0.1, '{}')")
        cursor.execute("INSERT INTO hiring_plan_actions (plan_id, row_no, action, team, "
                       "skill_id, level, person_id, cost, explanation) SELECT max(plan_id), 1, "
                       "'grow', 'Feature Store', 'ci-cd', 3, ?, 20, 'grow' FROM hiring_plans",
                       [person_id])


WORK_TABLES = ("requests", "rotation_request_events", "rotation_plan_versions",
               "rotation_plan_rotations", "mentoring_decisions", "hiring_scenarios",
               "hiring_plans", "hiring_plan_actions")


def _work(store: Store) -> dict[str, pd.DataFrame]:
    with store._cursor() as cursor:
        return {t: cursor.execute(f"SELECT * FROM {t} ORDER BY ALL").df() for t in WORK_TABLES}


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Values only: an empty note is missing whether DuckDB said None or NaN."""
    frame = frame.astype(object)
    return frame.where(frame.notna(), None)


def test_work_done_in_the_app_survives_a_reload(store: Store, sample_dataset) -> None:
    request_id, version, _ = _file_plan_approve(store)
    _accept_pair(store, "P001", "P002", "ci-cd")
    _save_hiring_work(store, "P003")
    before = _work(store)
    assert len(before["requests"]) == 9

    data.load_path(store.as_caller(HR), SAMPLE_DIR)

    after = _work(store)
    for table in ("rotation_plan_versions", "rotation_plan_rotations", "mentoring_decisions",
                  "hiring_scenarios", "hiring_plans", "hiring_plan_actions"):
        pd.testing.assert_frame_equal(before[table], after[table], obj=table)
    # Same requests, same statuses; the unchanged file added no history line.
    pd.testing.assert_frame_equal(before["requests"], after["requests"], obj="requests")
    pd.testing.assert_frame_equal(before["rotation_request_events"],
                                  after["rotation_request_events"], obj="history")
    assert RS.person_requests(store, "P010")["status"].tolist() == ["approved"]
    assert RS.request_history(store, request_id)["status"].tolist() == [
        "requested", "proposed", "approved"]
    assert data.needs_decision(store).empty


def test_a_files_requests_add_or_update_and_never_delete_app_filed_ones(store: Store,
                                                                       tmp_path: Path) -> None:
    engineer = store.as_caller(Caller(Role.ENGINEER, "P010"))
    filed = RS.file_request(engineer, person_id="P010", host_team="Serving", skill_id=None,
                            earliest_quarter=1, latest_quarter=2, priority=2)
    requests = ("request_id,person_id,host_team,skill_id,earliest_quarter,latest_quarter,"
                "priority,note\n"
                "R001,P082,Observability,drift-detection,1,3,1,moved to Q1-Q3\n"
                "R050,P020,Governance,,2,3,2,from the quarterly export\n")
    before = RS.all_requests(store).set_index("request_id")
    data.load_path(store, changed_sample(tmp_path / "q2", leave=(), requests=requests))
    after = RS.all_requests(store).set_index("request_id")

    assert set(before.index) | {"R050"} == set(after.index)  # nothing deleted, one added
    assert filed in after.index and after.loc[filed, "person_id"] == "P010"
    assert (after.loc["R001", ["earliest_quarter", "latest_quarter", "priority"]].tolist()
            == [1, 3, 1])
    assert after.loc["R001", "status"] == before.loc["R001", "status"]
    assert after.loc["R050", "status"] == "requested"
    untouched = [r for r in before.index if r not in ("R001",)]
    pd.testing.assert_frame_equal(_plain(before.loc[untouched]), _plain(after.loc[untouched]))
    notes = RS.request_history(store, "R001")["note"].tolist()
    assert notes[-1].startswith("Updated from ") and "(snapshot 2)" in notes[-1]
    assert RS.request_history(store, "R050")["note"].iloc[-1] == "Filed in q2 (snapshot 2)"
    # The engineer reads where the request came from, not the server's folders.
    assert str(tmp_path) not in " ".join(notes)
    # The next app-filed id is above every id the file brought too.
    again = RS.file_request(engineer, person_id="P010", host_team="Governance", skill_id=None,
                            earliest_quarter=3, latest_quarter=4, priority=1)
    assert again == "R051"


def test_the_preview_lists_what_a_replacement_changes_and_stores_nothing(
        store: Store, tmp_path: Path) -> None:
    request_id, version, row = _file_plan_approve(store)
    _accept_pair(store, "P001", "P010", "alerting")
    _save_hiring_work(store, "P010")
    before = _work(store)
    counts = data.stored_counts(store)
    incoming = data.check_path(changed_sample(tmp_path / "q2"))

    impact = data.preview(store.as_caller(HR), incoming.dataset)

    assert impact.leaving["person_id"].tolist() == ["P010"]
    assert impact.leaving["name"].tolist() == ["Hugo Ferreira"]
    assert impact.teams.empty
    found = dict(zip(impact.needs_decision["kind"], impact.needs_decision["reason"],
                     strict=False))
    assert set(found) == {"request", "approved rotation", "mentoring pair", "hiring plan",
                          "hiring scenario"}
    assert all(reason == "P010 is no longer in the matrix" for reason in found.values())
    listed = impact.needs_decision.set_index("kind")
    assert listed.loc["request", "item"] == request_id
    assert listed.loc["approved rotation", "item"] == (
        f"v{version}: P010 to Serving in Q{int(row.quarter)}")
    assert listed.loc["mentoring pair", "item"] == "P001 mentors P010 in alerting"
    assert listed.loc["hiring scenario", "item"] == "What if P010 leaves"
    # Nothing was stored.
    assert data.stored_counts(store) == counts
    after = _work(store)
    for table in WORK_TABLES:
        pd.testing.assert_frame_equal(before[table], after[table], obj=table)
    assert len(data.snapshots(store)) == 1


def test_a_preview_of_a_disappearing_team_names_it(store: Store) -> None:
    from dataclasses import replace

    people = store.dataset().people
    dataset = store.dataset()
    moved = people.assign(team=people["team"].replace({"Governance": "Platform"}))
    impact = data.preview(store, replace(dataset, people=moved,
                                         targets=dataset.targets[dataset.targets["team"]
                                                                 != "Governance"]))
    assert impact.leaving.empty
    assert impact.teams["team"].tolist() == ["Governance"]
    reasons = impact.needs_decision["reason"].tolist()
    assert "team Governance is no longer in the matrix" in reasons  # R002 asks for Governance


def test_a_reload_without_a_person_marks_their_work_and_planning_goes_on(
        store: Store, tmp_path: Path) -> None:
    request_id, version, row = _file_plan_approve(store)
    _accept_pair(store, "P001", "P010", "alerting")

    data.load_path(store.as_caller(HR), changed_sample(tmp_path / "q2"))

    listed = RS.all_requests(store).set_index("request_id")
    assert listed.loc[request_id, "status"] == "approved"  # kept as decided
    assert listed.loc[request_id, "needs_decision"] == "P010 is no longer in the matrix"
    assert (listed.drop(index=request_id)["needs_decision"] == "").all()
    flagged = data.needs_decision(store)
    assert set(flagged["kind"]) == {"request", "approved rotation", "mentoring pair"}
    assert RS.person_requests(store, "P010")["needs_decision"].tolist() == [
        "P010 is no longer in the matrix"]
    # Planning goes on without the absent person, and approving again works.
    manager = store.as_caller(MANAGER)
    org, result = RS.run(manager)
    assert result.found and not result.violations
    assert "P010" not in {r.person_id for r in result.rotations}
    version_2 = RS.save_plan(manager, org, result)
    pending = RS.plan_rotations(store, version_2)
    pending = pending[pending["decision"] == "pending"]
    first = pending.iloc[0]
    RS.decide(manager, version_2, first.person_id, first.host_team, int(first.quarter),
              "approved", "fine")
    # The manager declines the orphaned rotation: it no longer needs a decision.
    RS.decide(manager, version, row.person_id, row.host_team, int(row.quarter), "declined",
              "Hugo has left")
    flagged = data.needs_decision(store)
    assert "approved rotation" not in set(flagged["kind"])
    assert "request" not in set(flagged["kind"])  # the request is declined: decided


def test_a_person_who_comes_back_is_no_longer_flagged(store: Store, tmp_path: Path) -> None:
    request_id = RS.file_request(store, person_id="P010", host_team="Serving", skill_id=None,
                                 earliest_quarter=1, latest_quarter=4, priority=3)
    data.load_path(store, changed_sample(tmp_path / "q2"))
    assert RS.request(store, request_id)["needs_decision"] == "P010 is no longer in the matrix"
    data.load_path(store, SAMPLE_DIR)
    assert RS.request(store, request_id)["needs_decision"] == ""


@pytest.mark.parametrize("deleted", [False, True])
def test_request_ids_are_never_reused(store: Store, deleted: bool) -> None:
    engineer = store.as_caller(Caller(Role.ENGINEER, "P010"))
    first = RS.file_request(engineer, person_id="P010", host_team="Serving", skill_id=None,
                            earliest_quarter=1, latest_quarter=4, priority=3)
    assert first == "R009"
    if deleted:
        # However a request disappears (an old reload, a hand-edited database), its id is used.
        with store.transaction(Permission.LOAD_DATASET) as cursor:
            cursor.execute("DELETE FROM requests WHERE request_id = 'R009'")
            cursor.execute("DELETE FROM rotation_request_events WHERE request_id = 'R009'")
    data.load_path(store, SAMPLE_DIR)
    second = RS.file_request(engineer, person_id="P010", host_team="Governance", skill_id=None,
                             earliest_quarter=1, latest_quarter=4, priority=1)
    assert second == "R010"
    assert RS.request_history(store, second)["status"].tolist() == ["requested"]


# --- the reload story through the real pages (Streamlit AppTest) -------------------------------

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGES = ("pages/1_overview.py", "pages/2_coverage.py", "pages/3_data.py",
         "pages/4_rotation_requests.py", "pages/5_rotations.py", "pages/6_mentoring.py",
         "pages/7_hiring.py")


STORY_CALLERS = {"engineer": Caller(Role.ENGINEER, "P010"),
                 "manager": Caller(Role.MANAGER, "P002", teams=ALL_TEAMS),
                 "hr": Caller(Role.HR, "P011")}


def _as(app, who: str | Caller, page: str):
    # What the demo sign-in stores for the session once someone is chosen.
    app.session_state["crosstrain-caller"] = (STORY_CALLERS[who] if isinstance(who, str)
                                              else who)
    # The navigation lists the pages only once someone is signed in: run, then switch.
    app.run()
    app.switch_page(page).run()
    _no_failure(app)
    return app


def _no_failure(app) -> None:
    assert not app.exception, app.exception
    failures = [e.value for e in app.error if "Something went wrong" in e.value]
    assert not failures, failures


def _frames_with(app, columns: list[str]) -> list[pd.DataFrame]:
    """The page's tables with exactly these columns (AppTest does not expose their keys)."""
    return [f.value for f in app.dataframe if list(f.value.columns) == columns]


def _approve(app, request: str | None, rationale: str) -> None:
    """Approve one pending rotation in the plan page's decision table: the one answering
    `request`, or the first row."""
    editor = app.data_editor[0]
    rows = editor.value
    position = 0 if request is None else int(rows.index[rows["request"] == request][0])
    app.session_state[editor.key] = {"edited_rows": {position: {"choice": "approved"}},
                                     "added_rows": [], "deleted_rows": []}
    app.text_input(key="rp-bulk-rationale").input(rationale).run()
    app.button(key="rp-bulk-record").click().run()
    _no_failure(app)
    assert not [e.value for e in app.error if e.value.startswith("Nothing was recorded")]
    assert any(s.value.endswith(": 1 approved, 0 declined.") for s in app.success)


def test_the_reload_story_through_the_pages(tmp_path: Path, monkeypatch) -> None:
    from streamlit.testing.v1 import AppTest

    db = tmp_path / "app.duckdb"
    monkeypatch.setenv("CROSSTRAIN_DB", str(db))
    app = AppTest.from_file(APP, default_timeout=120)
    app.run()
    _no_failure(app)

    # An engineer files a request.
    _as(app, "engineer", "pages/4_rotation_requests.py")
    app.selectbox(key="rr-host").set_value("Serving")
    app.radio(key="rr-priority").set_value(3)
    app.button(key="FormSubmitter:rr-form-File request").click().run()
    _no_failure(app)
    assert [s.value for s in app.success] == ["Request R009 filed. It takes part in the next "
                                              "plan."]

    # A manager plans and approves the rotation.
    _as(app, "manager", "pages/5_rotations.py")
    run_planner(app)
    _no_failure(app)
    app.button(key="rp-save").click().run()
    assert "Saved as plan version 1." in [s.value for s in app.success]
    _approve(app, "R009", "Serving agreed to host")

    # HR loads this quarter's matrix, in which P010 has left: the preview says what it changes.
    folder = changed_sample(tmp_path / "q2")
    files = [(p.name, p.read_bytes(), "text/csv") for p in sorted(folder.glob("*.csv"))]
    _as(app, "hr", "pages/3_data.py")
    app.file_uploader(key="uploads-0").set_value(files).run()
    _no_failure(app)
    assert "**1 person leaves** the matrix:" in [m.value for m in app.markdown]
    [leaving] = _frames_with(app, ["person_id", "name", "team"])
    assert leaving["person_id"].tolist() == ["P010"]
    [affected] = _frames_with(app, ["kind", "item", "request_id", "reason"])
    assert set(affected["kind"]) == {"Rotation request", "Approved rotation"}
    assert set(affected["reason"]) == {"P010 is no longer in the matrix"}
    app.button(key="replace").click().run()
    _no_failure(app)
    assert any(s.value.startswith("Dataset replaced: snapshot 2") for s in app.success)
    [waiting] = _frames_with(app, ["kind", "item", "request_id", "reason"])
    assert set(waiting["item"]) == set(affected["item"])

    # The manager plans again and approves again; every page still opens.
    _as(app, "manager", "pages/5_rotations.py")
    run_planner(app)
    _no_failure(app)
    app.button(key="rp-save").click().run()
    assert "Saved as plan version 2." in [s.value for s in app.success]
    # The picker keeps the version it showed before the save; choose the new one.
    app.selectbox(key="rp-version-pick").set_value(2).run()
    assert not app.data_editor[0].value["who"].str.contains("Hugo Ferreira").any()
    _approve(app, None, "Agreed with both teams")
    for page in PAGES:
        for role in ("manager", "engineer", "hr"):
            _as(app, role, page)
    _as(app, "manager", "pages/1_overview.py")
    assert any("need a decision" in w.value for w in app.warning)

    # Another engineer files: a new id, not one an earlier request had.
    _as(app, Caller(Role.ENGINEER, "P011"), "pages/4_rotation_requests.py")
    app.selectbox(key="rr-host").set_value("Serving")
    app.button(key="FormSubmitter:rr-form-File request").click().run()
    _no_failure(app)
    assert [s.value for s in app.success] == ["Request R010 filed. It takes part in the next "
                                              "plan."]

    check = Store(db)
    try:
        requests = RS.all_requests(check).set_index("request_id")
        assert list(requests.index) == [f"R{n:03d}" for n in range(1, 11)]  # nothing lost
        assert requests.loc["R009", ["person_id", "status", "needs_decision"]].tolist() == [
            "P010", "approved", "P010 is no longer in the matrix"]
        assert RS.request_history(check, "R009")["status"].tolist() == [
            "requested", "proposed", "approved"]
        assert RS.plan_versions(check)["version"].tolist() == [2, 1]
        first = RS.plan_rotations(check, 1)
        assert first.loc[first["request_id"] == "R009", "decision"].tolist() == ["approved"]
        second = RS.plan_rotations(check, 2)
        assert (second["decision"] == "approved").sum() >= 1
        assert data.snapshots(check)["snapshot"].tolist() == [1, 2]
    finally:
        check.close()
