"""Hiring counts learning already under way: accepted mentoring pairs and approved rotations."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from skills.access import Caller, Role
from skills.growth import learners, with_learning
from skills.ingest.sample import generate
from skills.plans import rotations
from skills.plans.hiring import GROW, HiringOptions, check_actions, plan_hiring
from skills.services import coverage
from skills.services import mentoring as MS
from skills.services import rotations as RS
from skills.services.hiring import planned_learning


def _gap_and_candidate(store):
    """An unmet target with a member one level short, and a practitioner to mentor them."""
    dataset = store.dataset()
    ratings = dataset.ratings.set_index(["person_id", "skill_id"])
    gaps = coverage.target_gaps(store)
    for gap in gaps[gaps["missing"] > 0].itertuples():
        team = dataset.people[dataset.people["team"] == gap.team]["person_id"]
        for person in team:
            level = int(ratings["level"].get((person, gap.skill_id), 0))
            if level == gap.min_level - 1:
                mentors = dataset.ratings[(dataset.ratings["skill_id"] == gap.skill_id)
                                          & (dataset.ratings["level"] >= level + 2)]
                if not mentors.empty:
                    return gap, person, mentors["person_id"].iloc[0], level
    pytest.skip("the sample has no gap a mentee one level short could close")


def _accept(store, mentor, mentee, skill):
    manager = store.as_caller(Caller(Role.MANAGER, "P001"))
    pair = pd.DataFrame([{"mentor_id": mentor, "mentee_id": mentee, "skill_id": skill}])
    MS.record_decisions(manager, pair, "accepted")


def test_an_accepted_pair_counts_as_one_level_of_growth(store):
    gap, mentee, mentor, level = _gap_and_candidate(store)
    assert planned_learning(store) == []
    _accept(store, mentor, mentee, gap.skill_id)
    learning = planned_learning(store)
    assert [(i.person_id, i.skill_id, i.from_level, i.to_level) for i in learning] == [
        (mentee, gap.skill_id, level, level + 1)]
    assert "accepted mentoring pair with" in learning[0].source

    dataset = store.dataset()
    grown = with_learning(dataset, learning)
    row = grown.ratings[(grown.ratings["person_id"] == mentee)
                        & (grown.ratings["skill_id"] == gap.skill_id)]
    assert row["level"].tolist() == [level + 1]
    assert len(grown.ratings) in (len(dataset.ratings), len(dataset.ratings) + 1)


def test_hiring_does_not_buy_a_gap_twice_nor_grow_a_learner_again(store):
    dataset = store.dataset()
    before = plan_hiring(dataset, HiringOptions(time_limit=20))
    gap, mentee, mentor, _ = _gap_and_candidate(store)
    _accept(store, mentor, mentee, gap.skill_id)
    learning = planned_learning(store)
    options = HiringOptions(time_limit=20, learners=learners(learning))
    grown = with_learning(dataset, learning)
    after = plan_hiring(grown, options)
    assert after.status == "optimal"
    assert after.objective <= before.objective
    assert not [a for a in after.actions if a.action == GROW and a.person_id == mentee]
    assert check_actions(grown, options, after.actions) == []


def test_the_checker_refuses_to_grow_a_learner(store):
    dataset = store.dataset()
    plan = plan_hiring(dataset, HiringOptions(time_limit=20))
    grows = [a for a in plan.actions if a.action == GROW]
    if not grows:
        pytest.skip("the sample plan grows nobody")
    busy = HiringOptions(time_limit=20, learners=frozenset({grows[0].person_id}))
    problems = check_actions(dataset, busy, plan.actions)
    assert any("already learning" in p.message for p in problems)


def test_an_approved_rotation_makes_a_working_rotator_a_practitioner(empty_store):
    store = empty_store
    store.replace_dataset(generate(people=60, teams=4, skills=12, seed=4))
    manager = store.as_caller(Caller(Role.MANAGER, "P001"))
    org, result = RS.run(manager)
    version = RS.save_plan(manager, org, result)
    dataset = store.dataset()
    levels = {(r.person_id, r.skill_id): r.level for r in dataset.ratings.itertuples()}
    chosen = next((r for r in result.rotations
                   if any(levels.get((r.person_id, s), 0) == 2
                          for s in rotations.learnable(org, r.person_id, r.host_team))), None)
    if chosen is None:
        pytest.skip("no rotator one level below practitioner in this organisation")
    RS.decide(manager, version, chosen.person_id, chosen.host_team, chosen.quarter,
                     "approved", "good fit")
    learning = [i for i in planned_learning(store) if i.person_id == chosen.person_id]
    assert learning and all(i.to_level == 3 and i.from_level == 2 for i in learning)
    assert all(f"approved rotation to {chosen.host_team}" in i.source for i in learning)


def test_cli_counts_planned_learning_unless_told_not_to(store, capsys):
    from skills.cli import main

    gap, mentee, mentor, _ = _gap_and_candidate(store)
    _accept(store, mentor, mentee, gap.skill_id)
    path = str(store.path)
    store.close()
    assert main(["plan", "hiring", "--db", path, "--out", "/dev/null"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out.strip().splitlines()[-1])["planned_learning"] == 1
    assert "counted as planned:" in captured.err
    assert main(["plan", "hiring", "--db", path, "--out", "/dev/null",
                 "--ignore-planned-learning"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out.strip().splitlines()[-1])["planned_learning"] == 0


def test_hiring_page_counts_planned_learning(store, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from skills.store import ROOT

    gap, mentee, mentor, _ = _gap_and_candidate(store)
    _accept(store, mentor, mentee, gap.skill_id)
    monkeypatch.setenv("CROSSTRAIN_DB", str(store.path))
    store.close()
    app = AppTest.from_file(str(ROOT / "pages/7_hiring.py"), default_timeout=60)
    app.session_state["role"] = "manager"
    app.run()
    assert not app.exception
    toggle = app.toggle(key="hiring-count-learning")
    assert toggle.value is True and "(1 from accepted" in toggle.label
    assert any("grows from level" in m.value for m in app.markdown)


def test_an_accepted_pair_counts_only_when_the_horizon_allows_growth(store, capsys):
    """Issue 9: one quarter is too short to grow a level, so a pair teaches nothing yet."""
    from skills.cli import main

    gap, mentee, mentor, _ = _gap_and_candidate(store)
    _accept(store, mentor, mentee, gap.skill_id)
    path = str(store.path)
    store.close()
    assert main(["plan", "hiring", "--db", path, "--out", "/dev/null", "--horizon", "1"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out.strip().splitlines()[-1])["planned_learning"] == 0
    assert "counted as planned:" not in captured.err
    assert main(["plan", "hiring", "--db", path, "--out", "/dev/null", "--horizon", "2"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out.strip().splitlines()[-1])["planned_learning"] == 1
