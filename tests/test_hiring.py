"""Hiring targets: the checker, the optimiser's properties, what-if scenarios, CLI and page.

Everything runs for real: DuckDB files, HiGHS in the shared solver runner, `python -m skills`
as a subprocess and the page under Streamlit's AppTest.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from skills.access import Caller, NotAllowed, Role
from skills.ingest.sample import generate
from skills.plans.hiring import (
    GROW,
    HIRE,
    MOVE,
    PLAN_COLUMNS,
    Costs,
    HiringInputError,
    HiringOptions,
    PlannedAction,
    check_actions,
    check_plan,
    coverage_after,
    plan_hiring,
    scenarios,
)
from skills.services import coverage
from skills.services import hiring as HS
from skills.store import ROOT, Store

OPTIONS = HiringOptions(time_limit=20)


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "skills", "plan", "hiring", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def deficits(store: Store) -> dict[tuple[str, str], list[int]]:
    """Missing people per (team, discipline), straight from DuckDB's target_gaps."""
    found: dict[tuple[str, str], list[int]] = {}
    for row in coverage.target_gaps(store).itertuples():
        if row.missing > 0:
            found.setdefault((row.team, row.discipline), []).append(int(row.missing))
    return found


def pure_hires(needs: list[int], per_hire: int) -> int:
    return max(max(needs), math.ceil(sum(needs) / per_hire))


@pytest.fixture
def plan(store):
    return plan_hiring(store.dataset(), OPTIONS)


# --------------------------------------------------------------------------- the sample plan


def test_sample_plan_meets_every_target_and_beats_hiring_alone(store, plan):
    dataset = store.dataset()
    assert plan.status == "optimal" and plan.source in ("optimiser", "greedy")
    assert check_plan(dataset, OPTIONS, plan) == []
    after = coverage_after(dataset, plan.actions)
    assert after["met_after"].all() and not after["met_before"].all()
    pure = OPTIONS.costs.hire * sum(pure_hires(n, 3) for n in deficits(store).values())
    assert plan.objective <= plan.greedy_cost <= pure
    # Proven optimal, bound included: HiGHS under-reports a kept warm start's objective and
    # bound on this very model, which the planner must notice and re-solve (see _optimise).
    assert plan.bound == pytest.approx(plan.objective) and plan.gap == pytest.approx(0.0)
    assert plan.objective == pytest.approx(sum(a.cost for a in plan.actions))
    assert {a.action for a in plan.actions} == {HIRE, GROW, MOVE}


def test_every_action_is_explained(plan):
    hires = [a for a in plan.actions if a.action == HIRE]
    assert hires and all(a.explanation.startswith("hire 1 ") for a in hires)
    assert all(f"into {a.team}: covers" in a.explanation for a in hires)
    moves = [a for a in plan.actions if a.action == MOVE]
    assert moves and all(f"from {a.from_team} to {a.team}: covers" in a.explanation
                         and f"{a.from_team} still meets all its targets" in a.explanation
                         for a in moves)
    grows = [a for a in plan.actions if a.action == GROW]
    assert all("mentored by" in a.explanation and "one level" not in a.explanation
               for a in grows)


def test_hire_explanation_lists_skills_and_gaps():
    from skills.plans.hiring import Target, hire_words

    targets = [Target(i, "Serving", s, n, "sre", True, 3, 2, 1)
               for i, (s, n) in enumerate([("incident-response", "Incident response"),
                                           ("observability", "Observability"),
                                           ("rollback", "Rollback")])]
    assert hire_words("Serving", "sre", targets, [1, 1, 1]) == (
        "hire 1 SRE practitioner into Serving: covers incident response, observability and "
        "rollback, missing 1 each")


def test_plan_frame_has_the_csv_columns_and_sums_to_the_cost(plan):
    frame = plan.frame()
    assert tuple(frame.columns) == PLAN_COLUMNS
    assert frame["cost"].sum() == pytest.approx(plan.objective)
    hires = frame[frame["action"] == HIRE]
    assert hires["person_id"].isna().all() and hires["hire_no"].notna().all()
    assert frame.loc[frame["action"] != HIRE, "person_id"].notna().all()


# --------------------------------------------------------------------------- the checker


def test_checker_fails_when_a_target_is_left_unmet(store, plan):
    without_hire = [a for a in plan.actions if a.action != HIRE]
    problems = check_actions(store.dataset(), OPTIONS, without_hire)
    assert any(p.message.startswith("target unmet after the plan") and p.rule == "target"
               for p in problems)
    assert check_plan(store.dataset(), OPTIONS, replace(plan, actions=without_hire))


def test_checker_fails_when_a_move_breaks_the_team_it_leaves(store, plan):
    dataset = store.dataset()
    gaps = coverage.target_gaps(store)
    complete = set(gaps["team"]) - set(gaps.loc[gaps["missing"] > 0, "team"])
    tight = gaps[gaps["team"].isin(complete) & (gaps["have"] == gaps["min_people"])].iloc[0]
    ratings = dataset.ratings.merge(dataset.people[["person_id", "team"]])
    holder = ratings[(ratings["team"] == tight["team"])
                     & (ratings["skill_id"] == tight["skill_id"])
                     & (ratings["level"] >= tight["min_level"])].iloc[0]
    elsewhere = next(t for t in sorted(set(dataset.people["team"])) if t != tight["team"])
    move = PlannedAction(MOVE, elsewhere, "sre", ((str(tight["skill_id"]), 3),),
                         OPTIONS.costs.move, person_id=str(holder["person_id"]))
    assert check_actions(dataset, OPTIONS, plan.actions) == []
    problems = check_actions(dataset, OPTIONS, [*plan.actions, move])
    assert any(f"moving people out of {tight['team']} breaks its target" in p.message
               for p in problems)


def test_checker_rejects_rule_breaking_actions(store, plan):
    dataset = store.dataset()
    grow = next(a for a in plan.actions if a.action == GROW)
    skill_id, level = grow.skills[0]
    two_levels = replace(grow, skills=((skill_id, level + 1),))
    hire = next(a for a in plan.actions if a.action == HIRE)
    too_many = replace(hire, skills=(("incident-response", 3), ("observability", 3),
                                     ("rollback", 3), ("alerting", 3)), discipline="sre")
    wrong_discipline = replace(hire, skills=(("model-serving", 3),), discipline="sre",
                               hire_no=999)
    moved_too = PlannedAction(MOVE, "Serving", "sre", (), OPTIONS.costs.move,
                              person_id=grow.person_id)
    frozen = HiringOptions(frozen_teams=tuple({a.from_team for a in plan.actions
                                               if a.action == MOVE}))
    cases = {
        "not one level": [two_levels],
        "more than 3": [too_many],
        "a ml skill": [wrong_discipline],
        "has two actions": [grow, moved_too],
    }
    for expected, actions in cases.items():
        problems = check_actions(dataset, OPTIONS, actions)
        assert any(expected in p.message for p in problems), (expected, problems)
    assert any("out of frozen team" in p.message
               for p in check_actions(dataset, frozen, plan.actions))
    no_hiring = HiringOptions(allow_hire=False)
    assert any("hiring is switched off" in p.message
               for p in check_actions(dataset, no_hiring, plan.actions))


# --------------------------------------------------------------------------- properties


@st.composite
def organisations(draw: st.DrawFn) -> tuple[int, int, int, int]:
    return (draw(st.integers(16, 64)), draw(st.integers(2, 6)), draw(st.integers(0, 10_000)),
            draw(st.integers(0, 2)))


def stored(people: int, teams: int, seed: int, extra: int, folder: str) -> Store:
    dataset = generate(people=people, teams=teams, seed=seed, requests=0)
    # Raising every target makes gaps (and hires) common even in small organisations.
    dataset.targets = dataset.targets.assign(min_people=dataset.targets["min_people"] + extra)
    store = Store(Path(folder) / "org.duckdb")
    store.replace_dataset(dataset)
    return store


PROPERTY_SETTINGS = settings(max_examples=12, deadline=None,
                             suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(org=organisations(), per_hire=st.integers(1, 4),
       costs=st.tuples(st.integers(20, 200), st.integers(0, 120), st.integers(0, 120)))
def test_plan_never_costs_more_than_hiring_alone(org, per_hire, costs):
    with tempfile.TemporaryDirectory() as folder:
        store = stored(*org, folder)
        dataset = store.dataset()
        options = HiringOptions(skills_per_hire=per_hire, costs=Costs(*map(float, costs)),
                                time_limit=20)
        plan = plan_hiring(dataset, options)
        pure = options.costs.hire * sum(pure_hires(n, per_hire)
                                        for n in deficits(store).values())
        store.close()
    assert plan.has_plan
    assert check_plan(dataset, options, plan) == []
    assert plan.objective <= pure + 1e-6
    assert plan.objective <= plan.greedy_cost + 1e-6
    assert plan.bound is None or plan.bound <= plan.objective + 1e-6


@PROPERTY_SETTINGS
@given(org=organisations(), per_hire=st.integers(1, 4))
def test_pure_hiring_needs_exactly_the_formula(org, per_hire):
    with tempfile.TemporaryDirectory() as folder:
        store = stored(*org, folder)
        dataset = store.dataset()
        needs = deficits(store)
        store.close()
    options = HiringOptions(skills_per_hire=per_hire, allow_grow=False, allow_move=False,
                            time_limit=20)
    plan = plan_hiring(dataset, options)
    assert check_plan(dataset, options, plan) == []
    per_group: dict[tuple[str, str], set[int]] = {}
    for action in plan.actions:
        assert action.action == HIRE
        per_group.setdefault((action.team, action.discipline), set()).add(action.hire_no)
    assert {g: len(h) for g, h in per_group.items()} == {
        g: pure_hires(n, per_hire) for g, n in needs.items()}
    assert plan.status == "optimal"
    assert plan.hires == sum(pure_hires(n, per_hire) for n in needs.values())
    assert plan.objective == pytest.approx(options.costs.hire * plan.hires)


# --------------------------------------------------------------------------- input and limits


def test_bad_options_are_named():
    with pytest.raises(HiringInputError, match="skills per hire"):
        plan_hiring(generate(people=16, teams=2), HiringOptions(skills_per_hire=0))
    with pytest.raises(HiringInputError, match="frozen team 'Nowhere'"):
        plan_hiring(generate(people=16, teams=2), HiringOptions(frozen_teams=("Nowhere",)))
    with pytest.raises(HiringInputError, match="cost of a grow"):
        plan_hiring(generate(people=16, teams=2), HiringOptions(costs=Costs(grow=-1)))


def test_without_hiring_the_sample_is_infeasible_and_says_why(store):
    plan = plan_hiring(store.dataset(), HiringOptions(allow_hire=False))
    assert plan.status == "infeasible" and not plan.actions
    assert any("Feature Store is missing 1" in r and "rollback" in r
               and "hiring is switched off" in r for r in plan.reasons)


def test_horizon_too_short_to_grow_anyone(store):
    plan = plan_hiring(store.dataset(), HiringOptions(horizon=1, time_limit=20))
    assert plan.has_plan and not [a for a in plan.actions if a.action == GROW]


# --------------------------------------------------------------------------- what-if


def key_person(store: Store) -> str:
    return str(coverage.key_people(store).iloc[0]["person_id"])


def test_scenarios_change_the_plan(store):
    dataset = store.dataset()
    base = scenarios.run_scenario(dataset, scenarios.Scenario(), time_limit=20)
    leaver = key_person(store)
    gone = scenarios.run_scenario(dataset, scenarios.Scenario(
        name="Key person leaves", removed_people=(leaver,)), time_limit=20)
    raised = scenarios.run_scenario(dataset, scenarios.Scenario(
        name="More rollback", target_changes=(scenarios.TargetChange("Serving", "rollback", 3,
                                                                     4),)), time_limit=20)
    for result in (base, gone, raised):
        assert check_plan(result.scenario.apply(dataset), result.scenario.options(),
                          result.plan) == []
    assert leaver not in set(gone.scenario.apply(dataset).people["person_id"])
    assert gone.targets_met_before < base.targets_met_before
    assert raised.plan.objective > base.plan.objective
    assert raised.plan.hires > base.plan.hires

    comparison = scenarios.compare(base, gone)
    summary = comparison.summary.set_index("measure")
    assert list(summary.columns) == ["Today", "Key person leaves"]
    assert summary.loc["Hires", "Today"] == str(base.plan.hires)
    assert summary.loc["Hires", "Key person leaves"] == str(gone.plan.hires)
    assert summary.loc["Targets met after the plan", "Key person leaves"].startswith("38 of")
    bus = comparison.bus_factor.set_index("skill_id")
    lost = dataset.ratings[(dataset.ratings["person_id"] == leaver)
                           & (dataset.ratings["level"] >= 3)]["skill_id"]
    critical = [s for s in lost if s in bus.index]
    assert critical and all(bus.loc[s, "Key person leaves: now"] == bus.loc[s, "Today: now"] - 1
                            for s in critical)


def test_freezing_a_team_stops_moves_out_of_it(store):
    dataset = store.dataset()
    base = scenarios.run_scenario(dataset, scenarios.Scenario(), time_limit=20)
    sources = {a.from_team for a in base.plan.actions if a.action == MOVE}
    frozen = scenarios.run_scenario(dataset, scenarios.Scenario(
        name="Frozen", frozen_teams=tuple(sorted(sources))), time_limit=20)
    assert sources and frozen.plan.has_plan
    assert not sources & {a.from_team for a in frozen.plan.actions if a.action == MOVE}
    assert frozen.plan.objective >= base.plan.objective


def test_cheap_hires_replace_growth(store):
    result = scenarios.run_scenario(store.dataset(), scenarios.Scenario(
        name="Cheap hires", costs=Costs(hire=10, grow=20, move=30)), time_limit=20)
    assert result.plan.has_plan
    assert {a.action for a in result.plan.actions} == {HIRE}


def test_scenarios_are_saved_by_name_and_checked(store):
    scenario = scenarios.Scenario(
        name="Ana leaves", removed_people=("P001",), frozen_teams=("Serving",),
        target_changes=(scenarios.TargetChange("Serving", "rollback", 3, 2),),
        costs=Costs(hire=120), horizon=6, allow_move=False)
    HS.save_scenario(store, scenario)
    HS.save_scenario(store, replace(scenario, horizon=8))
    assert HS.load_scenario(store, "Ana leaves") == replace(scenario, horizon=8)
    assert [s.name for s in HS.saved_scenarios(store)] == ["Ana leaves"]
    with pytest.raises(scenarios.ScenarioError, match="no saved scenario named 'Bob'"):
        HS.load_scenario(store, "Bob")
    with pytest.raises(NotAllowed):
        HS.save_scenario(store.as_caller(Caller(Role.ENGINEER)), scenario)
    with pytest.raises(NotAllowed):
        HS.save_scenario(store.as_caller(Caller(Role.HR)), scenario)
    with pytest.raises(scenarios.ScenarioError, match="unknown people to remove: P999"):
        replace(scenario, removed_people=("P999",)).apply(store.dataset())
    with pytest.raises(scenarios.ScenarioError, match="unknown team 'Mars'"):
        replace(scenario, target_changes=(scenarios.TargetChange("Mars", "rollback", 3, 1),)
                ).apply(store.dataset())


def test_saved_plan_round_trips_for_hr_export(store, plan):
    manager = store.as_caller(Caller(Role.MANAGER))
    plan_id = HS.save_plan(manager, "Today", plan, OPTIONS)
    saved = HS.saved_plans(store)
    assert saved.iloc[0]["plan_id"] == plan_id and saved.iloc[0]["hires"] == plan.hires
    actions = HS.saved_plan_actions(store, plan_id)
    expected = plan.frame()
    assert actions[list(PLAN_COLUMNS)].astype(str).equals(expected.astype(str))
    assert actions["explanation"].str.len().gt(0).all()
    with pytest.raises(NotAllowed):
        HS.save_plan(store.as_caller(Caller(Role.HR)), "Today", plan, OPTIONS)


# --------------------------------------------------------------------------- command line


def test_cli_writes_the_plan_and_one_json_line(tmp_path, store):
    store.close()
    out = tmp_path / "hiring.csv"
    result = run_cli("--db", str(store.path), "--out", str(out), "--time-limit", "20")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    summary = json.loads(lines[0])
    assert set(summary) == {"status", "objective", "bound", "gap", "hires", "seconds",
                            "planned_learning"}
    assert summary["status"] == "optimal" and summary["hires"] >= 1
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert tuple(rows[0]) == PLAN_COLUMNS
    assert sum(float(r["cost"]) for r in rows) == pytest.approx(summary["objective"])
    assert {r["action"] for r in rows} == {"hire", "grow", "move"}
    hire_rows = [r for r in rows if r["action"] == "hire"]
    assert len({r["hire_no"] for r in hire_rows}) == summary["hires"]
    assert all(r["person_id"] == "" for r in hire_rows)


def test_cli_exit_codes(tmp_path, store):
    store.close()
    db = str(store.path)
    bad = run_cli("--db", db, "--skills-per-hire", "0", "--out", str(tmp_path / "x.csv"))
    assert bad.returncode == 2 and "skills per hire must be" in bad.stderr
    frozen = run_cli("--db", db, "--freeze", "Nowhere", "--out", str(tmp_path / "x.csv"))
    assert frozen.returncode == 2 and "frozen team 'Nowhere'" in frozen.stderr
    empty = run_cli("--db", str(tmp_path / "empty.duckdb"), "--out", str(tmp_path / "x.csv"))
    assert empty.returncode == 2 and "holds no dataset" in empty.stderr
    stuck = run_cli("--db", db, "--no-hire", "--out", str(tmp_path / "x.csv"))
    assert stuck.returncode == 3
    assert json.loads(stuck.stdout)["status"] == "infeasible"
    assert "rollback" in stuck.stderr and "Traceback" not in stuck.stderr
    assert not (tmp_path / "x.csv").exists()


def test_cli_applies_a_saved_scenario(tmp_path, store):
    HS.save_scenario(store, scenarios.Scenario(
        name="Bigger Serving", target_changes=(scenarios.TargetChange("Serving", "rollback", 3,
                                                                      4),)))
    store.close()
    base = run_cli("--db", str(store.path), "--out", str(tmp_path / "a.csv"))
    bigger = run_cli("--db", str(store.path), "--scenario", "Bigger Serving",
                     "--out", str(tmp_path / "b.csv"))
    assert base.returncode == 0 and bigger.returncode == 0, bigger.stderr
    assert json.loads(bigger.stdout)["hires"] > json.loads(base.stdout)["hires"]
    missing = run_cli("--db", str(store.path), "--scenario", "Nope",
                      "--out", str(tmp_path / "c.csv"))
    assert missing.returncode == 2 and "no saved scenario named 'Nope'" in missing.stderr


# --------------------------------------------------------------------------- the page


@pytest.fixture
def app_db(monkeypatch, store):
    monkeypatch.setenv("CROSSTRAIN_DB", str(store.path))
    store.close()
    return store.path


def page(role: str, teams: frozenset[str] | None = None) -> AppTest:
    """The page as a demo role, or as a manager leading `teams` (row-level access)."""
    app = AppTest.from_file(str(ROOT / "pages" / "7_hiring.py"), default_timeout=120)
    if teams is None:
        app.session_state["role"] = role
    else:
        app.session_state["crosstrain-caller"] = Caller(Role(role), "P001", teams=teams)
    return app.run()


def every_team(db: Path) -> frozenset[str]:
    reader = Store(db)
    teams = frozenset(reader.dataset().people["team"].astype(str))
    reader.close()
    return teams


def test_what_if_comparison_on_the_page(app_db):
    # A manager leading every team sees every key person (row-level access).
    teams = every_team(app_db)
    app = page("manager", teams)
    assert not app.exception
    reader = Store(app_db)
    leaver_name = coverage.key_people(
        reader.as_caller(Caller(Role.MANAGER, "P001", teams=teams))).iloc[0]["name"]
    reader.close()
    app.button(key="whatif-compare").click().run()
    assert not app.exception
    summary = next(d.value for d in app.dataframe if "measure" in d.value.columns)
    summary = summary.set_index("measure")
    second = f"What if {leaver_name} leaves?"
    assert list(summary.columns) == ["Today", second]
    assert summary.loc["Changes", second] == f"{leaver_name} leaves"
    assert summary.loc["Plan status"].tolist() == ["optimal", "optimal"]
    assert summary.loc["Targets met after the plan", "Today"].startswith("38 of 38")
    assert int(summary.loc["Hires", second]) >= int(summary.loc["Hires", "Today"])
    bus = next(d.value for d in app.dataframe if "Today: after plan" in d.value.columns)
    assert f"{second}: after plan" in bus.columns

    # Raise a target in scenario A and compare again: A now needs more hires.
    app.selectbox(key="whatif-A-(new)-target-team").select("Serving").run()
    app.selectbox(key="whatif-A-(new)-target-skill").select("rollback").run()
    app.number_input(key="whatif-A-(new)-target-people").set_value(4).run()
    app.text_input(key="whatif-A-(new)-name").input("Four on rollback").run()
    app.button(key="whatif-compare").click().run()
    assert not app.exception
    summary = next(d.value for d in app.dataframe if "measure" in d.value.columns)
    summary = summary.set_index("measure")
    assert list(summary.columns) == ["Four on rollback", second]
    assert int(summary.loc["Hires", "Four on rollback"]) > 1


def test_plan_tab_saves_and_hr_exports(app_db):
    app = page("manager")
    app.button(key="plan-run").click().run()
    assert not app.exception
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Hires"] == "1" and metrics["Plan cost"] == "220"
    assert not app.get("download_button")  # managers plan; HR exports personal data
    app.button(key="plan-save").click().run()
    assert any("Saved as plan" in s.value for s in app.success)

    hr = page("hr")
    assert not hr.exception
    assert not hr.button  # no planning for HR
    assert len(hr.get("download_button")) == 1
    assert page("engineer").info[0].value.startswith("Your role may not run")


@pytest.mark.browser
def test_hiring_page_in_chromium(page, app_url):
    from playwright.sync_api import expect

    from tests.streamlit_page import expect_no_exception, open_page, wait_for_app

    open_page(page, app_url, "hiring")
    # The sign-in gate asks who to act as first (demo mode): the demo manager.
    chooser = page.get_by_role("button", name=re.compile(r" · manager · "))
    if chooser.count():
        chooser.first.click()
        wait_for_app(page, 60_000)
        page.get_by_role("link", name="Hiring targets").click()
        wait_for_app(page, 60_000)
    expect(page.get_by_role("heading", name="Hiring targets", exact=True)).to_be_visible()
    page.get_by_role("button", name="Plan hiring").click()
    wait_for_app(page, 120_000)
    expect(page.get_by_text("Why each action")).to_be_visible()
    expect(page.get_by_text("into Feature Store: covers rollback").first).to_be_visible()
    page.get_by_role("tab", name="What-if").click()
    page.get_by_role("button", name="Compare scenarios").click()
    wait_for_app(page, 120_000)
    expect(page.get_by_text("Side by side")).to_be_visible()
    expect_no_exception(page)


def test_page_saves_and_reloads_scenarios(app_db):
    app = page("manager")
    app.text_input(key="whatif-A-(new)-name").input("Governance frozen").run()
    app.multiselect(key="whatif-A-(new)-frozen").select("Governance").run()
    app.button(key="whatif-save-A").click().run()
    assert not app.exception
    reader = Store(app_db)
    saved = HS.load_scenario(reader, "Governance frozen")
    reader.close()
    assert saved.frozen_teams == ("Governance",) and saved.removed_people == ()

    fresh = page("manager")
    fresh.selectbox(key="whatif-B-from").select("Governance frozen").run()
    assert fresh.text_input(key="whatif-B-Governance frozen-name").value == "Governance frozen"
    assert fresh.multiselect(key="whatif-B-Governance frozen-frozen").value == ["Governance"]
    fresh.button(key="whatif-compare").click().run()
    assert not fresh.exception
    summary = next(d.value for d in fresh.dataframe if "measure" in d.value.columns)
    summary = summary.set_index("measure")
    assert list(summary.columns) == ["Today", "Governance frozen"]
    assert summary.loc["Changes", "Governance frozen"] == "nobody moves out of Governance"
