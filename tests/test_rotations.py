"""Rotation planner: the five hard constraints, the checker, the solver's honesty, the store flow
and the command line, all against real DuckDB and real solvers."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import skills.cli.rotations  # noqa: F401  (registers `plan rotations`)
from skills.access import Caller, NotAllowed, Role
from skills.cli import main as cli_main
from skills.dataset import TABLE_COLUMNS, Dataset
from skills.ingest.sample import generate
from skills.plans import rotations as R
from skills.services import rotations as RS
from skills.store import Store
from tests.streamlit_page import run_planner

# --- a tiny organisation where every constraint can be made to bind -------------------------
# Teams A, B, C of four people each: at the default 25 % one person per team may be away.
# A1 is Team A's only s1 practitioner (target: keep 1) so A1 can never leave.
# A2 and A3 both hold s2 and the target keeps one of them, so only one may leave per quarter.


def tiny(requests: list[tuple] = (), targets: list[tuple] | None = None) -> Dataset:
    people = [(f"{t}{i}", f"{t}{i} Name", f"Team {t}", "ml", None, None, None)
              for t in "ABC" for i in range(1, 5)]
    skills = [("s1", "Incident response", "sre", True, None),
              ("s2", "Model serving", "ml", True, None),
              ("s3", "Data pipelines", "data", False, None)]
    ratings = [("A1", "s1", 3, 1), ("A2", "s2", 3, 1), ("A3", "s2", 4, 1),
               ("B1", "s3", 4, 1), ("C1", "s1", 3, 1), ("C2", "s2", 3, 1)]
    for person in ("A2", "A3", "A4", "B2", "B3", "C3", "C4"):
        ratings.append((person, "s3" if person[0] != "B" else "s1", 1, 3))
    targets = [("Team A", "s1", 3, 1), ("Team A", "s2", 3, 1)] if targets is None else targets
    frames = {
        "people": pd.DataFrame(people, columns=TABLE_COLUMNS["people"]),
        "skills": pd.DataFrame(skills, columns=TABLE_COLUMNS["skills"]),
        "ratings": pd.DataFrame([(*r, None) for r in ratings], columns=TABLE_COLUMNS["ratings"]),
        "targets": pd.DataFrame([(*t, "file") for t in targets],
                                columns=TABLE_COLUMNS["targets"]),
        "requests": pd.DataFrame([(*r, None, "requested") for r in requests],
                                 columns=TABLE_COLUMNS["requests"]),
    }
    return Dataset(**frames)


def rot(person: str, host: str, quarter: int, request_id: str | None = None) -> R.Rotation:
    return R.Rotation(person, host, quarter, request_id)


def constraints_broken(org: R.Organisation, policy: R.Policy, plan: list[R.Rotation]) -> set[int]:
    return {int(v.rule) for v in R.check_plan(org, policy, plan)}


# --- the checker must reject hand-made bad plans ---------------------------------------------

# These tests set up rules 1-5; rule 6 (the cap on unrequested rotations) has its own tests in
# tests/test_rotation_decisions.py, so it is lifted here.
POLICY = R.Policy(time_limit=20, max_unrequested=100)
# Requests only, so that each test's refusal comes from the one constraint it sets up.
ONLY_REQUESTS = replace(POLICY, allow_unrequested=False)


def test_checker_accepts_the_empty_plan_and_a_sound_one() -> None:
    org = R.prepare(tiny())
    assert R.check_plan(org, POLICY, []) == []
    assert R.check_plan(org, POLICY, [rot("A2", "Team B", 1), rot("B2", "Team A", 1),
                                      rot("A4", "Team C", 2)]) == []


@pytest.mark.parametrize(("plan", "constraint"), [
    ([rot("A2", "Team A", 1)], 1),                                   # own team
    ([rot("A2", "Team B", 1), rot("A2", "Team C", 1)], 1),           # two hosts in one quarter
    ([rot("A2", "Team B", 1), rot("A2", "Team C", 2)], 1),           # more than max_rotations
    ([rot("A2", "Team B", 5)], 1),                                   # outside the horizon
    ([rot("A1", "Team B", 2)], 2),                                   # the only s1 practitioner
    ([rot("A2", "Team B", 1), rot("A3", "Team C", 1)], 2),           # both s2 holders away
    ([rot("A4", "Team B", 1), rot("A2", "Team C", 1)], 3),           # 2 of 4 away at 25 %
    ([rot("A4", "Team B", 3), rot("C3", "Team B", 3),
      rot("A2", "Team B", 4), rot("C4", "Team B", 3)], 4),           # B hosts 3, capacity 2
])
def test_checker_rejects_each_kind_of_bad_plan(plan: list[R.Rotation], constraint: int) -> None:
    org = R.prepare(tiny())
    assert constraint in constraints_broken(org, POLICY, plan)


def test_checker_rejects_a_rotation_that_does_not_match_its_request() -> None:
    org = R.prepare(tiny(requests=[("R1", "A4", "Team B", None, 2, 3, 2)]))
    assert R.check_plan(org, POLICY, [rot("A4", "Team B", 2, "R1")]) == []
    assert constraints_broken(org, POLICY, [rot("A4", "Team C", 2, "R1")]) == {5}  # wrong host
    assert constraints_broken(org, POLICY, [rot("A4", "Team B", 1, "R1")]) == {5}  # early
    assert constraints_broken(org, POLICY, [rot("A4", "Team B", 2, "R9")]) == {5}  # unknown


# --- each hard constraint binds in solved plans, and refusals name it --------------------------

@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_pinned_practitioner_is_refused_by_the_target(solver: str) -> None:
    org = R.prepare(tiny(requests=[("R1", "A1", "Team B", None, 1, 4, 3)]))
    result = R.plan(org, replace(ONLY_REQUESTS, solver=solver))
    assert result.status == "optimal"
    assert not any(r.person_id == "A1" for r in result.rotations)
    refusal = result.refusals["R1"]
    assert refusal.constraints == [2]
    assert "Team Team A cannot release A1 Name" in refusal.text
    assert "only Incident response practitioner" in refusal.text


def test_away_share_and_targets_limit_a_team_per_quarter() -> None:
    org = R.prepare(tiny(requests=[("R1", "A2", "Team B", None, 1, 1, 2),
                                   ("R2", "A4", "Team C", None, 1, 1, 1)]))
    result = R.plan(org, ONLY_REQUESTS)
    planned = {r.request_id for r in result.rotations if r.request_id}
    assert planned == {"R1"}  # the higher priority wins the one place Team A has in Q1
    assert 3 in result.refusals["R2"].constraints
    assert "Team Team A cannot release anyone else in Q1" in result.refusals["R2"].text
    # With half the team allowed away both fit.
    wider = R.plan(org, replace(ONLY_REQUESTS, max_away_share=0.5))
    assert {r.request_id for r in wider.rotations if r.request_id} == {"R1", "R2"}


def test_host_capacity_limits_rotators_per_host() -> None:
    requests = [("R1", "A4", "Team B", None, 2, 2, 3), ("R2", "C3", "Team B", None, 2, 2, 2)]
    org = R.prepare(tiny(requests=requests))
    result = R.plan(org, replace(ONLY_REQUESTS, host_capacity=1))
    hosted_b_q2 = [r for r in result.rotations if r.host_team == "Team B" and r.quarter == 2]
    assert len(hosted_b_q2) == 1 and hosted_b_q2[0].request_id == "R1"
    assert result.refusals["R2"].constraints == [4]
    assert R.check_plan(org, replace(ONLY_REQUESTS, host_capacity=1), result.rotations) == []


def test_max_rotations_and_request_window() -> None:
    requests = [("R1", "A4", "Team B", None, 3, 4, 2), ("R2", "A4", "Team C", None, 1, 1, 1)]
    org = R.prepare(tiny(requests=requests))
    result = R.plan(org, ONLY_REQUESTS)
    mine = [r for r in result.rotations if r.person_id == "A4"]
    assert len(mine) == 1 and mine[0].request_id == "R1" and mine[0].quarter in (3, 4)
    assert result.refusals["R2"].constraints == [1]
    both = R.plan(org, replace(ONLY_REQUESTS, max_rotations=2))
    assert {r.request_id for r in both.rotations if r.person_id == "A4"} == {"R1", "R2"}


def test_skill_request_goes_to_a_team_holding_the_skill() -> None:
    org = R.prepare(tiny(requests=[("R1", "A4", "", "s3", 1, 4, 3)]))
    result = R.plan(org, ONLY_REQUESTS)
    answered = [r for r in result.rotations if r.request_id == "R1"]
    assert len(answered) == 1 and answered[0].host_team == "Team B"  # only B holds s3


def test_window_outside_horizon_is_refused_by_constraint_5() -> None:
    org = R.prepare(tiny(requests=[("R1", "A4", "Team B", None, 6, 7, 3)]))
    result = R.plan(org, ONLY_REQUESTS)
    assert result.refusals["R1"].constraints == [5]
    assert "outside the 4-quarter horizon" in result.refusals["R1"].text


def test_unrequested_rotations_are_marked_and_can_be_switched_off() -> None:
    org = R.prepare(tiny(requests=[("R1", "A4", "Team B", None, 1, 4, 3)]))
    result = R.plan(org, POLICY)
    assert any(r.request_id is None for r in result.rotations)  # learning-only rotations
    only = R.plan(org, replace(POLICY, allow_unrequested=False))
    assert [r.request_id for r in only.rotations] == ["R1"]


# --- the sample: both solvers agree, the plan is checked, nobody addable is left out -----------

def every_refusal_is_real(org: R.Organisation, policy: R.Policy, result: R.PlanResult) -> None:
    """Independently of the ledger: adding any refused request anywhere breaks the checker."""
    for request_id, refusal in result.refusals.items():
        request = next(r for r in org.requests if r.request_id == request_id)
        assert refusal.reasons, request_id
        for host in R.request_hosts(org, request):
            for quarter in R.request_quarters(request, policy):
                extra = rot(request.person_id, host, quarter, request_id)
                assert R.check_plan(org, policy, [*result.rotations, extra]), (request_id,
                                                                               host, quarter)


def test_sample_plan_is_optimal_checked_and_same_for_both_solvers(sample_dataset) -> None:
    org = R.prepare(sample_dataset)
    highs = R.plan(org, R.Policy(solver="highs"))
    cbc = R.plan(org, R.Policy(solver="cbc"))
    for result in (highs, cbc):
        assert result.status == "optimal"
        assert result.gap is not None and result.gap <= 0.005
        assert R.check_plan(org, result.policy, result.rotations) == []
        assert result.objective >= result.greedy_objective - 1e-6
        assert result.objective == pytest.approx(R.plan_objective(org, result.policy,
                                                                  result.rotations))
        every_refusal_is_real(org, result.policy, result)
    assert highs.objective == pytest.approx(cbc.objective, rel=0.005)
    assert highs.seconds < 10  # generous; the benchmark measures speed


def test_same_input_gives_the_same_plan(sample_dataset) -> None:
    first = R.plan(sample_dataset, R.Policy())
    second = R.plan(sample_dataset, R.Policy())
    assert first.rotations == second.rotations


def test_bad_policy_is_named() -> None:
    with pytest.raises(R.PolicyError, match="max away share"):
        R.plan(tiny(), R.Policy(max_away_share=1.5))
    with pytest.raises(R.PolicyError, match="solver"):
        R.plan(tiny(), R.Policy(solver="gurobi"))  # type: ignore[arg-type]


# --- property tests: random small organisations --------------------------------------------

@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people=st.integers(8, 40), teams=st.integers(2, 5), seed=st.integers(0, 10_000),
       share=st.sampled_from([0.2, 0.25, 0.5]), capacity=st.integers(0, 3),
       rotations=st.integers(0, 2), quarters=st.integers(1, 4),
       solver=st.sampled_from(["highs", "cbc"]))
def test_every_plan_passes_the_checker_and_beats_greedy(people: int, teams: int, seed: int,
                                                       share: float, capacity: int,
                                                       rotations: int, quarters: int,
                                                       solver: str) -> None:
    dataset = generate(people=people, teams=teams, skills=10, seed=seed, requests=people // 3)
    org = R.prepare(dataset)
    policy = R.Policy(quarters=quarters, max_away_share=share, host_capacity=capacity,
                      max_rotations=rotations, solver=solver, time_limit=20, gap_rel=0.0)
    result = R.plan(org, policy)
    assert result.status == "optimal"
    assert R.check_plan(org, policy, result.rotations) == []
    assert result.objective >= result.greedy_objective - 1e-6
    greedy_plan, _ = R.greedy(org, policy)
    assert R.check_plan(org, policy, greedy_plan) == []
    every_refusal_is_real(org, policy, result)


# --- infeasible and time limit ---------------------------------------------------------------

def test_conflicting_commitments_are_infeasible_and_explained() -> None:
    org = R.prepare(tiny())
    commitments = [R.Rotation("A4", "Team B", 2, committed=True),
                   R.Rotation("C3", "Team B", 2, committed=True)]
    assert R.plan(org, POLICY, commitments).status == "optimal"
    tight = R.plan(org, replace(POLICY, host_capacity=1), commitments)
    assert tight.status == "infeasible"
    assert tight.rotations == []
    text = " ".join(tight.explanation)
    assert "Team B already hosts 1 rotator(s) in Q2, its capacity" in text


def test_commitments_outside_the_horizon_or_data_are_left_alone() -> None:
    org = R.prepare(tiny())
    result = R.plan(org, replace(POLICY, quarters=2),
                    [R.Rotation("A4", "Team B", 4, committed=True),
                     R.Rotation("Z9", "Team B", 1, committed=True),
                     R.Rotation("A2", "Team Gone", 1, committed=True)])
    assert result.status == "optimal"
    assert not any(r.committed for r in result.rotations)
    assert R.check_plan(org, replace(POLICY, quarters=2), result.rotations) == []


def test_commitment_that_breaks_a_target_on_its_own_is_a_finding_and_planned_around() -> None:
    # Issue 9: a commitment that no longer fits is a finding in words, and the plan goes on.
    org = R.prepare(tiny())
    result = R.plan(org, POLICY, [R.Rotation("A1", "Team B", 3, committed=True)])
    assert result.status == "optimal"
    assert not any(r.person_id == "A1" for r in result.rotations)
    assert result.findings == [
        "The approved rotation of A1 Name to Team B in Q3 no longer fits: Team Team A cannot "
        "release A1 Name in Q3: it would lose its only Incident response practitioner. "
        "Decline it, or keep it and re-plan around it once the data or the policy allows; "
        "this plan leaves it out."]
    assert R.check_plan(org, POLICY, result.rotations) == []


def test_time_limit_returns_a_checked_plan_no_worse_than_greedy() -> None:
    dataset = generate(people=1000, teams=10, skills=40, seed=7, requests=50)
    org = R.prepare(dataset)
    policy = R.Policy(time_limit=0.05)
    result = R.plan(org, policy)
    assert result.status in ("feasible", "optimal")
    assert result.solve_seconds < 0.05 + 5
    assert R.check_plan(org, policy, result.rotations) == []
    assert result.objective >= result.greedy_objective - 1e-6
    if result.status == "feasible":
        assert "Feasible" in result.message


# --- the store: request -> plan -> approve ---------------------------------------------------

def test_request_plan_approve_flow(store: Store) -> None:
    engineer = store.as_caller(Caller(Role.ENGINEER, "P010"))
    request_id = RS.file_request(engineer, person_id="P010", host_team="Serving", skill_id=None,
                                earliest_quarter=1, latest_quarter=2, priority=3, note="=cmd")
    assert request_id == "R009"
    assert RS.person_requests(store, "P010")["status"].tolist() == ["requested"]
    with pytest.raises(NotAllowed):
        RS.run(engineer)
    # A manager decides only rotations leaving or joining teams they lead: this one leads all.
    every_team = frozenset(store.read("teams")["team"])
    manager = store.as_caller(Caller(Role.MANAGER, teams=every_team))
    org, result = RS.run(manager)
    assert result.found
    version = RS.save_plan(manager, org, result)
    assert version == 1
    rotations = RS.plan_rotations(store, version)
    mine = rotations[rotations["request_id"] == request_id]
    assert len(mine) == 1
    assert RS.person_requests(store, "P010")["status"].tolist() == ["proposed"]
    row = mine.iloc[0]
    with pytest.raises(ValueError, match="rationale"):
        RS.decide(manager, version, row.person_id, row.host_team, int(row.quarter), "approved", "")
    RS.decide(manager, version, row.person_id, row.host_team, int(row.quarter), "approved",
             "Serving needs a second pair of hands")
    assert RS.person_requests(store, "P010")["status"].tolist() == ["approved"]
    history = RS.request_history(store, request_id)
    assert history["status"].tolist() == ["requested", "proposed", "approved"]
    # The approval is a commitment: the next plan keeps it.
    org, again = RS.run(manager)
    kept = [r for r in again.rotations if r.committed]
    assert [(r.person_id, r.host_team, r.quarter, r.request_id) for r in kept] == [
        ("P010", "Serving", int(row.quarter), request_id)]
    version_2 = RS.save_plan(manager, org, again)
    assert RS.plan_versions(store)["version"].tolist() == [version_2, version]


def test_refused_requests_record_which_constraint(store: Store) -> None:
    org, result = RS.run(store)
    RS.save_plan(store, org, result)
    refused = R.request_outcomes(org, result)
    refused = refused[refused["outcome"] == "refused"]
    assert not refused.empty
    first = refused.iloc[0]
    latest = RS.person_requests(store, first.person_id)
    note = latest.loc[latest["request_id"] == first.request_id, "latest_note"].iloc[0]
    assert note.startswith("Not in plan v1 (rule ") and first.reason in note


@pytest.mark.parametrize(("fields", "message"), [
    ({"host_team": "Nowhere"}, "host team 'Nowhere' is not a team"),
    ({"host_team": "Data Platform"}, "is your own team"),
    ({"host_team": None, "skill_id": None}, "choose a host team or a skill"),
    ({"earliest_quarter": 3, "latest_quarter": 2}, "latest quarter must not be before"),
    ({"priority": 5}, "priority must be 1, 2 or 3"),
    ({"person_id": "P999"}, "not in the organisation"),
])
def test_bad_requests_are_refused_with_a_clear_message(store: Store, fields: dict,
                                                       message: str) -> None:
    request = {"person_id": "P001", "host_team": "Serving", "skill_id": None,
               "earliest_quarter": 1, "latest_quarter": 2, "priority": 2, "note": None}
    with pytest.raises(RS.RequestError, match=message):
        RS.file_request(store, **{**request, **fields})


def test_hr_may_not_file_requests(store: Store) -> None:
    with pytest.raises(NotAllowed):
        RS.file_request(store.as_caller(Caller(Role.HR)), person_id="P001", host_team="Serving",
                       skill_id=None, earliest_quarter=1, latest_quarter=1, priority=1)


# --- the command line (in process: the same parser `python -m skills` builds) ------------------

def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli_main(list(argv))  # main maps errors to exit codes, as `python -m skills`
    return code, out.getvalue(), err.getvalue()


def test_cli_writes_the_plan_and_one_json_line(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "plan.csv"
    code, stdout, _ = cli("plan", "rotations", "--db", str(store.path), "--out", str(out))
    assert code == 0
    summary = json.loads(stdout.strip().splitlines()[-1])
    assert set(summary) == {"status", "objective", "bound", "gap", "seconds", "rotations",
                            "message"}
    assert summary["status"] == "optimal"
    plan = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert {"person_id", "home_team", "host_team", "quarter", "request_id"} <= set(plan.columns)
    assert len(plan) == summary["rotations"]
    assert (plan["home_team"] != plan["host_team"]).all()


def test_cli_bad_input_exits_2(store: Store, empty_store: Store) -> None:
    code, _, err = cli("plan", "rotations", "--db", str(store.path), "--max-away-share", "2")
    assert code == 2 and "max away share must be between 0 and 1" in err
    code, _, err = cli("plan", "rotations", "--db", str(empty_store.path))
    assert code == 2 and "holds no dataset" in err


def test_cli_infeasible_exits_3_with_the_reason(store: Store) -> None:
    org, result = RS.run(store)
    version = RS.save_plan(store, org, result)
    rotations = RS.plan_rotations(store, version)
    busiest = rotations.groupby(["host_team", "quarter"]).size().idxmax()
    for row in rotations.set_index(["host_team", "quarter"]).loc[[busiest]].reset_index() \
            .itertuples():
        RS.decide(store, version, row.person_id, row.host_team, int(row.quarter), "approved",
                 "agreed with both managers")
    code, stdout, err = cli("plan", "rotations", "--db", str(store.path), "--host-capacity", "1")
    assert code == 3
    assert json.loads(stdout.strip().splitlines()[-1])["status"] == "infeasible"
    assert f"{busiest[0]} already hosts 1 rotator(s) in Q{busiest[1]}, its capacity" in err


def test_exit_codes_follow_the_status() -> None:
    assert skills.cli.rotations.EXIT_CODES == {"optimal": 0, "feasible": 0, "infeasible": 3,
                                               "timeout": 4, "error": 5}


# --- the app: request -> plan -> approve, through the real pages (Streamlit AppTest) ---------

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def test_app_request_plan_approve(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("CROSSTRAIN_DB", str(tmp_path / "app.duckdb"))
    # The demo manager, Søren Müller, leads Feature Store, P010's team.
    monkeypatch.setenv("CROSSTRAIN_DEMO_IDENTITY", "manager")
    app = AppTest.from_file(APP, default_timeout=120)
    app.run()
    app.switch_page("pages/4_rotation_requests.py").run()
    app.selectbox(key="rr-person").set_value("P010")
    app.selectbox(key="rr-host").set_value("Serving")
    app.radio(key="rr-priority").set_value(3)
    app.text_area(key="rr-note").input("I'd like to learn model serving")
    app.button(key="FormSubmitter:rr-form-File request").click().run()
    assert not app.exception
    assert [s.value for s in app.success] == ["Request R009 filed. It takes part in the next "
                                              "plan."]
    assert "R009: Serving, Q1–Q4, priority 3 — Waiting for the next plan" in app.markdown[0].value

    app.switch_page("pages/5_rotations.py").run()
    run_planner(app)
    assert not app.exception
    assert app.success[0].value.startswith("Optimal")
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Gap to best possible"] == "0.00%"
    app.button(key="rp-save").click().run()
    assert "Saved as plan version 1." in [s.value for s in app.success]

    # The bulk table: set the decision on R009's row, give a rationale, record.
    editor = app.data_editor[0]
    position = int(editor.value.index[editor.value["request"] == "R009"][0])
    app.session_state[editor.key] = {"edited_rows": {position: {"choice": "approved"}},
                                     "added_rows": [], "deleted_rows": []}
    app.text_input(key="rp-bulk-rationale").input("Serving agreed to host").run()
    app.button(key="rp-bulk-record").click().run()
    assert not app.exception
    assert any("1 approved, 0 declined" in s.value for s in app.success)

    # What the engineer sees, and what the store holds.
    app.switch_page("pages/4_rotation_requests.py").run()
    app.selectbox(key="rr-person").set_value("P010").run()
    assert "priority 3 — Approved" in app.markdown[0].value
    check = Store(tmp_path / "app.duckdb")
    try:
        decided = RS.plan_rotations(check, 1)
        row = decided[decided["request_id"] == "R009"].iloc[0]
        assert (row["decision"], row["rationale"]) == ("approved", "Serving agreed to host")
    finally:
        check.close()


def test_python_dash_m_skills_plan_rotations(store: Store, tmp_path: Path) -> None:
    import subprocess
    import sys

    out = tmp_path / "plan.csv"
    store.close()  # the command opens the file itself
    done = subprocess.run([sys.executable, "-m", "skills", "plan", "rotations", "--db",
                           str(store.path), "--quarters", "3", "--out", str(out)],
                          capture_output=True, text=True, cwd=Path(APP).parent, check=False)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["status"] == "optimal" and summary["rotations"] > 0
    plan = pd.read_csv(out)
    assert plan["quarter"].between(1, 3).all()


def test_figures_show_the_plan(sample_dataset) -> None:
    from skills.plans.rotations import figures as F

    org = R.prepare(sample_dataset)
    result = R.plan(org)
    coverage = F.coverage_by_quarter(org, result.policy, result.rotations)
    assert len(coverage) == len(org.team_size) * result.policy.quarters
    assert (coverage["after"] >= coverage["floor"]).all()  # rule 2, seen from the figure's side
    assert (coverage["after"] <= coverage["before"]).all()
    assert (coverage["after"] < coverage["before"]).any()
    bus = F.bus_factor_change(org, result.policy, result.rotations)
    assert (bus["after"] >= bus["before"]).all() and bus["new_practitioners"].sum() > 0
    frame = R.plan_frame(org, result.policy, result.rotations)
    figures = F.all_figures(org, result.policy, result.rotations, frame)
    bars = sum(len(trace.x) for trace in figures["timeline"].data)
    assert bars == len(result.rotations)


def test_withdrawn_request_leaves_the_planning(store: Store) -> None:
    request_id = RS.file_request(store, person_id="P010", host_team="Serving", skill_id=None,
                                earliest_quarter=1, latest_quarter=4, priority=3)
    RS.withdraw_request(store, request_id, "changed my mind")
    assert RS.person_requests(store, "P010")["status"].tolist() == ["withdrawn"]
    assert RS.request_history(store, request_id)["status"].tolist() == ["requested", "withdrawn"]
    org, result = RS.run(store)
    assert request_id not in {r.request_id for r in org.requests}
    assert not any(r.request_id == request_id for r in result.rotations)
