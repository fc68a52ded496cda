"""Issue 9, rotation planner: each bug found by reading the code, reproduced here first.

Every test here failed on the planner before the fix (checked against commit 344cb82~1).
"""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import replace
from pathlib import Path

import pytest

import skills.cli.rotations  # noqa: F401  (registers `plan rotations`)
from skills.cli import main as cli_main
from skills.ingest.sample import generate
from skills.plans import rotations as R
from skills.store import Store
from tests.test_rotations import POLICY, tiny

ONLY_REQUESTS = replace(POLICY, allow_unrequested=False)


# --- (a) stopped at the deadline: the best checked plan, not "timeout" with nothing ---------

def test_deadline_returns_the_checked_greedy_plan_as_feasible() -> None:
    # Before: CBC stopped at 0.05 s without a plan of its own and the greedy plan it was
    # warm-started with was thrown away: "timeout", 0 rotations.
    dataset = generate(people=1000, teams=37, skills=40, seed=7, requests=142)
    org = R.prepare(dataset)
    policy = R.Policy(solver="cbc", time_limit=0.05)
    result = R.plan(org, policy)
    assert result.status == "feasible"
    assert result.rotations
    assert R.check_plan(org, policy, result.rotations) == []
    assert result.objective is not None
    assert result.objective >= result.greedy_objective - 1e-6
    assert result.message.startswith("Feasible")
    if result.bound is not None:
        assert result.bound >= result.objective - 1e-6
        assert result.gap is not None and f"{result.gap:.1%}" in result.message


# --- (b) one rotation, two requests -------------------------------------------------------------

TWO_REQUESTS = [("R1", "A4", "Team B", None, 1, 4, 2),     # host team B
                ("R2", "A4", "", "s3", 1, 4, 1)]           # grow s3: only Team B holds it


def test_one_rotation_never_counts_for_two_requests() -> None:
    org = R.prepare(tiny(requests=TWO_REQUESTS))
    result = R.plan(org, ONLY_REQUESTS)
    linked = [r.request_id for r in result.rotations if r.request_id]
    assert linked == ["R1"]
    # The objective counts what the plan links, nothing more.
    learning = sum(R.learning_value(org, r.person_id, r.host_team, ONLY_REQUESTS)
                   - ONLY_REQUESTS.rotation_cost for r in result.rotations)
    assert result.objective == pytest.approx(ONLY_REQUESTS.request_weight * 2 + learning)
    refusal = result.refusals["R2"]
    assert refusal.reasons and 1 in refusal.constraints
    assert "answers request R1 already" in refusal.text
    # With two rotations allowed, both requests are answered, each by its own rotation.
    two = replace(ONLY_REQUESTS, max_rotations=2)
    both = R.plan(org, two)
    assert sorted(r.request_id for r in both.rotations if r.request_id) == ["R1", "R2"]
    assert R.check_plan(org, two, both.rotations) == []


def test_no_refusal_without_rule_and_words() -> None:
    org = R.prepare(tiny(requests=TWO_REQUESTS + [("R3", "A1", "Team C", None, 1, 4, 3)]))
    result = R.plan(org, ONLY_REQUESTS)
    outcomes = R.request_outcomes(org, result)
    refused = outcomes[outcomes["outcome"] == "refused"]
    assert set(refused["request_id"]) == {"R2", "R3"}
    assert (refused["reason"] != "").all()
    assert (refused["constraints"] != "").all()


def test_checker_rejects_one_request_linked_twice() -> None:
    org = R.prepare(tiny(requests=[("R1", "A4", "Team B", None, 1, 4, 2)]))
    policy = replace(POLICY, max_rotations=2)
    plan = [R.Rotation("A4", "Team B", 1, "R1"), R.Rotation("A4", "Team B", 2, "R1")]
    assert {int(v.rule) for v in R.check_plan(org, policy, plan)} == {5}


# --- (c) a skill request names its skill ------------------------------------------------------

def test_skill_request_outcome_names_the_skill() -> None:
    org = R.prepare(tiny(requests=[("R1", "A4", "", "s3", 1, 4, 3)]))
    result = R.plan(org, ONLY_REQUESTS)
    row = R.request_outcomes(org, result).set_index("request_id").loc["R1"]
    assert row["host_team"] == "any team holding Data pipelines"


# --- (d) commitments that no longer fit the data: findings, and a plan around them ------------

ADVICE = "Decline it, or keep it and re-plan around it"


@pytest.mark.parametrize(("commitment", "why"), [
    (R.Rotation("Z9", "Team B", 1, committed=True), "Z9 is no longer in the matrix"),
    (R.Rotation("A2", "Team Gone", 1, committed=True), "Team Gone is no longer a team"),
    (R.Rotation("A2", "Team A", 1, committed=True), "A2 Name is now a member of Team A"),
    # The reload of issue 9: R1 now belongs to someone else (ids restarted).
    (R.Rotation("A2", "Team B", 1, "R1", committed=True),
     "request R1 no longer asks for this rotation"),
    # R1's window moved to Q2-Q3 in the new file.
    (R.Rotation("A4", "Team B", 1, "R1", committed=True),
     "request R1 no longer asks for this rotation"),
])
def test_commitment_that_no_longer_fits_is_a_finding(commitment: R.Rotation, why: str) -> None:
    org = R.prepare(tiny(requests=[("R1", "A4", "Team B", None, 2, 3, 2)]))
    result = R.plan(org, POLICY, [commitment])
    assert result.found
    assert len(result.findings) == 1
    finding = result.findings[0]
    assert finding.startswith("The approved rotation of ")
    assert f"to {commitment.host_team} in Q{commitment.quarter} no longer fits" in finding
    assert why in finding and ADVICE in finding
    assert not any(r.committed for r in result.rotations)
    assert R.check_plan(org, POLICY, result.rotations) == []


# --- (e) the command line tells the contract's status, with an exit code per status ---------

def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli_main(list(argv))
    return code, out.getvalue(), err.getvalue()


def test_exit_codes_cover_every_status() -> None:
    assert skills.cli.rotations.EXIT_CODES == {"optimal": 0, "feasible": 0, "infeasible": 3,
                                               "timeout": 4, "error": 5}


def test_cli_reports_a_missing_solver_as_an_error(store: Store, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CROSSTRAIN_CBC", str(tmp_path / "no-such-cbc"))
    code, stdout, err = cli("plan", "rotations", "--db", str(store.path), "--solver", "cbc")
    assert code == 5
    summary = json.loads(stdout.strip().splitlines()[-1])
    assert summary["status"] == "error"
    assert "CBC" in err and "Traceback" not in err


def test_cli_says_which_commitment_no_longer_fits(store: Store) -> None:
    from skills.services import rotations as RS

    org, result = RS.run(store)
    version = RS.save_plan(store, org, result)
    row = RS.plan_rotations(store, version).iloc[0]
    RS.decide(store, version, row.person_id, row.host_team, int(row.quarter), "approved",
              "agreed")
    # The approved rotation now lies outside a 1-quarter horizon only if it was not in Q1;
    # a host capacity of 0 breaks it on its own in any quarter.
    code, stdout, err = cli("plan", "rotations", "--db", str(store.path), "--host-capacity", "0")
    assert code == 0
    assert json.loads(stdout.strip().splitlines()[-1])["status"] == "optimal"
    assert "no longer fits" in err and ADVICE in err


def test_a_managers_live_plan_names_only_the_people_of_their_teams(store) -> None:
    # Found in the browser walk-through: before saving, a manager saw every rotator's name.
    from skills.access import Caller, Role
    from skills.services import rotations as RS

    org, result = RS.run(store)
    manager = store.as_caller(Caller(Role.MANAGER, "P002", teams=frozenset({"Feature Store"})))
    frame, outcomes = RS.plan_tables(manager, org, result)
    hr_frame, _ = RS.plan_tables(store, org, result)
    assert len(frame) == len(hr_frame) and hr_frame["name"].notna().all()
    theirs = (frame["home_team"] == "Feature Store") | (frame["host_team"] == "Feature Store")
    assert frame.loc[theirs, "name"].notna().all()
    assert frame.loc[~theirs, "name"].isna().all() and (~theirs).any()
    homes = dict(zip(store.dataset().people["person_id"], store.dataset().people["team"],
                     strict=True))
    outside = outcomes["person_id"].map(homes) != "Feature Store"
    assert outcomes.loc[outside, "name"].isna().all()


def test_the_timeline_keeps_masked_rotators_apart_by_id(store) -> None:
    from skills.access import Caller, Role
    from skills.plans.rotations import figures
    from skills.services import rotations as RS

    org, result = RS.run(store)
    manager = store.as_caller(Caller(Role.MANAGER, "P002", teams=frozenset({"Feature Store"})))
    frame, _ = RS.plan_tables(manager, org, result)
    labels = list(figures.timeline(frame, result.policy.quarters).data[0].y[1])
    labels += [y for trace in figures.timeline(frame, result.policy.quarters).data[1:]
               for y in trace.y[1]]
    assert not [label for label in labels if label.startswith(("None", "nan"))]
    assert len(set(labels)) == len(frame)
