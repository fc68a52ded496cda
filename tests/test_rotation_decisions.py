"""Issue 14, deciding plans: bulk decisions, the rule check of a saved plan, and a default plan
a manager would accept (rule 6, the cap on unrequested rotations), against real DuckDB and real
solvers; the plan page through Streamlit's AppTest."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import skills.cli.rotations  # noqa: F401  (registers `plan rotations`)
from skills.access import Caller, NotAllowed, Role
from skills.cli import main as cli_main
from skills.plans import rotations as R
from skills.plans.rotations import columns as C
from skills.services import audit
from skills.services import rotations as RS
from skills.store import Store
from tests.streamlit_page import run_planner
from tests.test_rotations import rot, tiny

FEATURE_STORE = Caller(Role.MANAGER, "P002", frozenset({"Feature Store"}), "p002@example.org")


def every_team(store: Store) -> Store:
    return store.as_caller(Caller(Role.MANAGER, "P002", frozenset(store.read("teams")["team"]),
                                  "lead@example.org"))


def saved(store: Store, policy: R.Policy | None = None) -> tuple[int, pd.DataFrame]:
    org, result = RS.run(store, policy)
    version = RS.save_plan(store, org, result)
    return version, RS.plan_rotations(store, version)


def key(row: object) -> tuple[str, str, int]:
    return (row.person_id, row.host_team, int(row.quarter))  # type: ignore[attr-defined]


# --- rule 6: the default plan is mostly what people asked for --------------------------------

def test_the_default_sample_plan_adds_no_more_unrequested_than_requested(sample_dataset) -> None:
    # Before the cap the default plan had 64 rotations, 58 of them unrequested.
    org = R.prepare(sample_dataset)
    result = R.plan(org)
    free = [r for r in result.rotations if r.request_id is None]
    asked = [r for r in result.rotations if r.request_id is not None]
    assert result.status == "optimal"
    assert 0 < len(free) <= len(asked)
    assert R.check_plan(org, result.policy, result.rotations) == []
    assert (f"It adds {len(free)} unrequested rotations (at most as many as the {len(asked)} "
            "that answer requests) for the growth they bring: ") in result.message
    assert "held by at most one person today" in result.message


@pytest.mark.parametrize("cap", [0, 1, 3])
def test_an_absolute_cap_holds_for_the_solver_the_greedy_and_the_message(sample_dataset,
                                                                        cap: int) -> None:
    org = R.prepare(sample_dataset)
    policy = R.Policy(max_unrequested=cap)
    result = R.plan(org, policy)
    assert result.status == "optimal"
    assert sum(1 for r in result.rotations if r.request_id is None) == cap
    greedy, _ = R.greedy(org, policy)
    assert sum(1 for r in greedy if r.request_id is None) <= cap
    assert R.check_plan(org, policy, greedy) == []
    words = "It adds no unrequested rotation" if cap == 0 else f"It adds {cap} unrequested"
    assert words in result.message and f"the policy allows {cap}" in result.message
    # Requests never pay for the cap: the same ones are honoured as without unrequested ones.
    only = R.plan(org, R.Policy(allow_unrequested=False))
    assert ({r.request_id for r in result.rotations if r.request_id}
            == {r.request_id for r in only.rotations if r.request_id})


def test_the_checker_counts_new_unrequested_rotations_against_the_cap() -> None:
    org = R.prepare(tiny(requests=[("R1", "A4", "Team B", None, 1, 4, 2)]))
    two_free = [rot("A4", "Team B", 1, "R1"), rot("B2", "Team A", 1), rot("C3", "Team A", 2)]
    rules = {int(v.rule) for v in R.check_plan(org, R.Policy(), two_free)}
    assert rules == {6}   # two unrequested, one requested
    assert R.check_plan(org, R.Policy(max_unrequested=2), two_free) == []
    [violation] = R.check_plan(org, R.Policy(max_unrequested=1), two_free)
    assert violation.message == ("the plan proposes 2 unrequested rotations, more than the 1 "
                                 "the policy allows")
    assert {int(v.rule) for v in R.check_plan(org, R.Policy(allow_unrequested=False),
                                              two_free)} == {6}
    # Approved rotations were decided before: they do not count.
    approved = [replace(r, committed=True) for r in two_free[1:]]
    assert R.check_plan(org, R.Policy(), [two_free[0], *approved]) == []


def test_the_cap_row_prices_every_omitted_triple(sample_dataset) -> None:
    # Column generation must see the cap's dual: with only that dual, every omitted triple's
    # reduced cost drops by it (the bound and the closing step rest on these prices).
    org = R.prepare(sample_dataset)
    s = C.space(org, R.Policy())
    duals = np.zeros(s.rows)
    duals[s.row["cap"]] = 0.75
    priced = C.reduced_costs(s, duals)
    plain = C.reduced_costs(s, np.zeros(s.rows))
    finite = np.isfinite(plain)
    assert np.allclose(priced[finite], plain[finite] - 0.75)
    assert C.row_upper(s)[s.row["cap"]] == 0   # "as many as requested": x - 2y <= 0
    commitment = R.Rotation("P001", "Serving", 1, committed=True)
    with_commitment = C.space(org, R.Policy(max_unrequested=4), [commitment])
    column = C.x_columns(with_commitment, with_commitment.committed_keys)
    assert column[with_commitment.row["cap"]].sum() == 0   # an approval is not counted
    assert C.row_upper(with_commitment)[with_commitment.row["cap"]] == 4


def test_cli_max_unrequested(store: Store, tmp_path: Path) -> None:
    def cli(*argv: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = cli_main(list(argv))
        return code, out.getvalue(), err.getvalue()

    out = tmp_path / "plan.csv"
    code, stdout, _ = cli("plan", "rotations", "--db", str(store.path), "--max-unrequested",
                          "2", "--out", str(out))
    assert code == 0
    plan = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert (plan["request_id"] == "").sum() == 2
    assert "the policy allows 2" in json.loads(stdout.strip().splitlines()[-1])["message"]
    code, _, _ = cli("plan", "rotations", "--db", str(store.path), "--max-unrequested",
                     "requested", "--out", str(out))
    plan = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert code == 0 and (plan["request_id"] == "").sum() <= (plan["request_id"] != "").sum()
    code, _, err = cli("plan", "rotations", "--db", str(store.path), "--max-unrequested", "-1")
    assert code == 2 and "max unrequested must be 0 or more" in err


def test_a_stored_policy_without_the_cap_still_reads() -> None:
    old = {k: v for k, v in R.Policy().as_dict().items() if k != "max_unrequested"}
    assert R.Policy.from_dict({**old, "retired_knob": 1}) == R.Policy()


# --- decide_many: one rationale, one transaction, the same checks as decide ------------------

def test_decide_many_records_every_decision_with_who_and_why(store: Store) -> None:
    manager = every_team(store)
    version, planned = saved(manager)
    rows = list(planned.itertuples())
    approve, decline, leave = rows[0], rows[1], rows[2]
    before = len(audit.entries(store))
    done = RS.decide_many(manager, version, {key(approve): "approved", key(decline): "declined",
                                             key(leave): RS.LEAVE_PENDING},
                          "  agreed in the staff meeting ")
    assert done == 2
    after = RS.plan_rotations(store, version).set_index(["person_id", "host_team", "quarter"])
    assert after.loc[key(approve), "decision"] == "approved"
    assert after.loc[key(decline), "decision"] == "declined"
    assert after.loc[key(leave), "decision"] == "pending"
    assert set(after.loc[[key(approve), key(decline)], "rationale"]) == {
        "agreed in the staff meeting"}
    assert set(after.loc[[key(approve), key(decline)], "decided_by"]) == {"manager P002"}
    trail = audit.entries(store).iloc[before:]
    assert sorted(trail["action"]) == ["rotation approved", "rotation declined"]
    assert set(trail["actor"]) == {"lead@example.org"}
    for row, status in ((approve, "approved"), (decline, "declined")):
        if not pd.isna(row.request_id):
            assert RS.request(store, row.request_id)["status"] == status
    summary = RS.plan_versions(store).set_index("version").loc[version]
    assert (summary["approved"], summary["declined"]) == (1, 1)


def test_decide_many_is_all_or_nothing_and_row_level(store: Store) -> None:
    version, planned = saved(store)
    manager = store.as_caller(FEATURE_STORE)
    ours = planned[(planned["home_team"] == "Feature Store")
                   | (planned["host_team"] == "Feature Store")]
    theirs = planned[(planned["home_team"] != "Feature Store")
                     & (planned["host_team"] != "Feature Store")]
    assert not ours.empty and not theirs.empty
    mixed = {key(ours.iloc[0]): "approved", key(theirs.iloc[0]): "approved"}
    with pytest.raises(NotAllowed, match="decides only rotations leaving or joining"):
        RS.decide_many(manager, version, mixed, "both fine")
    assert (RS.plan_rotations(store, version)["decision"] == "pending").all()
    with pytest.raises(ValueError, match="rationale"):
        RS.decide_many(manager, version, {key(ours.iloc[0]): "approved"}, "  ")
    with pytest.raises(ValueError, match="at least one"):
        RS.decide_many(manager, version, {key(ours.iloc[0]): RS.LEAVE_PENDING}, "nothing")
    with pytest.raises(ValueError, match="decision must be"):
        RS.decide_many(manager, version, {key(ours.iloc[0]): "maybe"}, "hm")
    with pytest.raises(ValueError, match="has no rotation"):
        RS.decide_many(manager, version, {("P001", "Nowhere", 1): "approved"}, "hm")
    assert RS.decide_many(manager, version, {key(ours.iloc[0]): "approved"}, "ours") == 1
    with pytest.raises(NotAllowed):
        RS.decide_many(store.as_caller(Caller(Role.HR, "P011")), version,
                       {key(ours.iloc[0]): "declined"}, "HR does not decide")
    mine = RS.plan_rotations(manager, version)
    assert mine["may_decide"].tolist() == [
        "Feature Store" in (h, t) for h, t in zip(mine["home_team"], mine["host_team"],
                                                   strict=True)]


# --- the plan check and "approve all requested rotations that keep every rule" ---------------

def test_approve_requested_takes_only_requested_rotations_that_keep_every_rule(
        store: Store) -> None:
    manager = every_team(store)
    version, planned = saved(manager)
    checked = RS.rule_check(manager, version)
    assert (checked["problems"] == "").all()
    assert checked["approvable"].tolist() == [
        not pd.isna(r) for r in planned.sort_values(["quarter", "host_team", "person_id"])
        ["request_id"]]
    # A second version made before any decision proposes the same requests again.
    version_2, _ = saved(manager)
    approved = RS.approve_requested(manager, version)
    assert approved == planned["request_id"].notna().sum()
    after = RS.plan_rotations(store, version)
    assert (after.loc[after["requested"], "decision"] == "approved").all()
    assert (after.loc[~after["requested"], "decision"] == "pending").all()
    assert set(after.loc[after["requested"], "rationale"]) == {RS.REQUESTED_AND_SOUND}
    # Now v2's copies of those requests would break the rules next to the approvals.
    again = RS.rule_check(manager, version_2).merge(
        RS.plan_rotations(store, version_2), on=["person_id", "host_team", "quarter"])
    copies = again[again["requested"]]
    assert not copies.empty and not copies["approvable"].any()
    assert copies["problems"].str.contains(r"request R\d+ is approved").all()
    assert RS.approve_requested(manager, version_2) == 0


def test_the_plan_check_sees_todays_approvals_and_requests(store: Store) -> None:
    manager = every_team(store)
    version, planned = saved(manager, R.Policy(host_capacity=1))
    requested = planned[planned["requested"]]
    target = requested.iloc[0]
    # Another version approves someone else into the same host team and quarter first.
    version_2, planned_2 = saved(manager, R.Policy(host_capacity=1))
    rival = planned_2[(planned_2["host_team"] == target.host_team)
                      & (planned_2["quarter"] == target.quarter)
                      & (planned_2["person_id"] != target.person_id)]
    if rival.empty:   # v2 is v1 again: approve an unrequested rotation there into that slot
        rival = planned_2[(planned_2["host_team"] == target.host_team)
                          & (planned_2["quarter"] == target.quarter)]
    RS.decide(manager, version_2, rival.iloc[0].person_id, rival.iloc[0].host_team,
              int(rival.iloc[0].quarter), "approved", "first come")
    checked = RS.rule_check(manager, version).set_index(["person_id", "host_team", "quarter"])
    problem = checked.loc[key(target), "problems"]
    if rival.iloc[0].person_id == target.person_id:
        assert "is approved" in problem or "rule 1" in problem
    else:
        assert f"rule 4: {target.host_team} already hosts 1 rotator(s) in Q{target.quarter}" \
            in problem
    assert not checked.loc[key(target), "approvable"]
    # A withdrawn request is no longer something to approve.
    other = requested.iloc[1]
    RS.withdraw_request(manager, other.request_id, "changed my mind")
    checked = RS.rule_check(manager, version).set_index(["person_id", "host_team", "quarter"])
    assert f"request {other.request_id} is withdrawn" in checked.loc[key(other), "problems"]
    assert not checked.loc[key(other), "approvable"]


def test_the_plan_check_is_kept_while_only_other_requests_change(store: Store,
                                                                   monkeypatch) -> None:
    # Each rerun of the plan page checks the plan; at 25 sessions requests are filed several
    # times a second, and each one rebuilt the check, though the plan's requests were as
    # they were. It is built again when one of them changes, and then it says so.
    manager = every_team(store)
    version, planned = saved(manager)
    built = []
    real = RS._rule_check
    monkeypatch.setattr(RS, "_rule_check", lambda *a: built.append(a[1]) or real(*a))
    first = RS.rule_check(manager, version)
    engineer = store.as_caller(Caller(Role.ENGINEER, "P082", email="p082@example.org"))
    RS.file_request(engineer, person_id="P082", host_team="Serving", skill_id=None,
                    earliest_quarter=1, latest_quarter=2, priority=2)
    pd.testing.assert_frame_equal(RS.rule_check(manager, version), first)
    assert built == [version]
    mine = planned[planned["requested"]].iloc[0]
    RS.withdraw_request(manager, mine.request_id, "changed my mind")
    checked = RS.rule_check(manager, version).set_index(["person_id", "host_team", "quarter"])
    assert built == [version, version]
    assert f"request {mine.request_id} is withdrawn" in checked.loc[key(mine), "problems"]
    assert not checked.loc[key(mine), "approvable"]


def test_a_feature_store_manager_approves_only_their_requested_rotations(store: Store) -> None:
    version, planned = saved(store)
    manager = store.as_caller(FEATURE_STORE)
    ours = planned[planned["requested"] & ((planned["home_team"] == "Feature Store")
                                           | (planned["host_team"] == "Feature Store"))]
    assert RS.approve_requested(manager, version, "fine by Feature Store") == len(ours) > 0
    after = RS.plan_rotations(store, version)
    assert (after["decision"] == "approved").sum() == len(ours)
    assert set(after.loc[after["decision"] == "approved", "rationale"]) == {
        "fine by Feature Store"}


# --- the plan page: filters, the decision table and the approve-all button (AppTest) ---------

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture
def manager_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("CROSSTRAIN_DB", str(tmp_path / "app.duckdb"))
    monkeypatch.setenv("CROSSTRAIN_DEMO_IDENTITY", "manager")   # P002, leads Feature Store
    app = AppTest.from_file(APP, default_timeout=120)
    app.run()
    app.switch_page("pages/5_rotations.py").run()
    return app


def _stored(tmp_path: Path, version: int = 1) -> pd.DataFrame:
    check = Store(tmp_path / "app.duckdb")
    try:
        return RS.plan_rotations(check, version)
    finally:
        check.close()


def test_page_caps_unrequested_rotations_and_says_so(manager_app) -> None:
    app = manager_app
    run_planner(app)
    assert "unrequested rotations (at most as many as the" in app.success[0].value
    app.number_input(key="rp-max-unrequested").set_value(0).run()
    run_planner(app)
    assert not app.exception
    assert "It adds no unrequested rotation (the policy allows 0)." in app.success[0].value


def test_page_bulk_decisions_filters_and_approve_all(manager_app, tmp_path: Path) -> None:
    app = manager_app
    run_planner(app)
    app.button(key="rp-save").click().run()
    assert not app.exception
    editor = app.data_editor[0]
    table = editor.value
    # Only what the manager may decide is in the table: every row leaves or joins Feature Store.
    assert ((table["home_team"] == "Feature Store") | (table["host_team"] == "Feature Store")
            ).all()
    assert set(table["choice"]) == {RS.LEAVE_PENDING}
    assert set(table["check"]) == {"keeps every rule"}
    assert any("their teams' managers decide them" in c.value for c in app.caption)

    app.radio(key="rp-filter-kind").set_value("unrequested").run()
    unrequested = app.data_editor[0].value
    assert (unrequested["request"] == "unrequested").all() and not unrequested.empty
    app.multiselect(key="rp-filter-quarters").set_value([int(unrequested["quarter"].iloc[0])])
    app.run()
    one_quarter = app.data_editor[0].value
    assert one_quarter["quarter"].nunique() == 1

    # Decline one unrequested rotation with a rationale; without one nothing is recorded.
    editor = app.data_editor[0]
    app.session_state[editor.key] = {"edited_rows": {0: {"choice": "declined"}},
                                     "added_rows": [], "deleted_rows": []}
    app.run()
    app.button(key="rp-bulk-record").click().run()
    assert [e.value for e in app.error] == [
        "Nothing was recorded: give a short rationale for the decision."]
    editor = app.data_editor[0]
    app.session_state[editor.key] = {"edited_rows": {0: {"choice": "declined"}},
                                     "added_rows": [], "deleted_rows": []}
    app.text_input(key="rp-bulk-rationale").input("Not while Feature Store is short").run()
    app.button(key="rp-bulk-record").click().run()
    assert not app.exception
    assert "Recorded 1 decision on v1: 0 approved, 1 declined." in [s.value for s in app.success]
    declined = one_quarter.iloc[0]
    stored = _stored(tmp_path)
    row = stored[(stored["host_team"] == declined["host_team"])
                 & (stored["quarter"] == declined["quarter"])
                 & (stored["decision"] == "declined")].iloc[0]
    assert (row["rationale"], row["decided_by"]) == ("Not while Feature Store is short",
                                                     "manager P002")

    # Approve every requested rotation that keeps every rule, across every quarter.
    app.radio(key="rp-filter-kind").set_value("requested").run()
    app.multiselect(key="rp-filter-quarters").set_value([]).run()
    app.text_input(key="rp-bulk-rationale").set_value("").run()
    requested = app.data_editor[0].value
    button = app.button(key="rp-bulk-approve")
    assert button.label == ("Approve all requested rotations that keep every rule "
                            f"({len(requested)})")
    button.click().run()
    assert not app.exception
    assert (f"Recorded {len(requested)} decision{'s' if len(requested) != 1 else ''} on v1: "
            f"{len(requested)} requested rotation") in " ".join(s.value for s in app.success)
    stored = _stored(tmp_path)
    approved = stored[stored["decision"] == "approved"]
    assert sorted(approved["request_id"]) == sorted(requested["request"])
    assert set(approved["rationale"]) == {RS.REQUESTED_AND_SOUND}
    # What is decided leaves the table; the full list below shows who decided.
    assert app.data_editor[0].value.empty if app.data_editor else True
    full = next(d.value for d in app.dataframe if "decided_by" in d.value.columns)
    assert set(full.loc[full["decision"] == "approved", "decided_by"]) == {"manager P002"}


def test_the_full_list_reads_blank_cells_as_words_not_none(manager_app) -> None:
    # The list under the table showed "None" for names the manager may not see, for
    # unrequested rotations and for undecided ones, and quarters as bare numbers.
    app = manager_app
    run_planner(app)
    app.button(key="rp-save").click().run()
    assert not app.exception
    draft = next(d.value for d in app.dataframe if "requested" in d.value.columns)
    assert not draft["name"].isna().any() and "—" in set(draft["name"])
    listed = next(d.value for d in app.dataframe if "decided_by" in d.value.columns)
    assert not listed.isna().any().any(), listed[listed.isna().any(axis=1)].head()
    assert listed["quarter"].str.fullmatch(r"Q\d+").all()
    assert "—" in set(listed["name"]) and "unrequested" in set(listed["request_id"])
