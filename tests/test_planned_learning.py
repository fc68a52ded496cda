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
from skills.services import hiring as HS
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


def _manager(store):
    """A manager who leads every team, so row-level access lets them decide any pair."""
    teams = frozenset(store.dataset().people["team"].astype(str))
    return store.as_caller(Caller(Role.MANAGER, "P001", teams=teams))


def _accept(store, mentor, mentee, skill):
    manager = _manager(store)
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
    manager = _manager(store)
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


def test_growth_rules_for_pairs_and_rotations_follow_the_organisation_model():
    """Issue 9: the pure part applies levels_grown and rotation_growth, within the horizon."""
    from skills.growth import AcceptedPair, ApprovedRotation, from_pairs, from_rotations
    from skills.organisation import Organisation, levels_grown, rotation_growth

    dataset = generate(people=30, teams=3, skills=8, seed=11, requests=0)
    org = Organisation.of(dataset)
    mentor, mentee = (str(p) for p in org.person_ids[:2])
    skills = [str(s) for s in org.skill_ids]
    below_expert = next(s for s in skills if org.level_of(mentee, s) < 4)
    pair = AcceptedPair(mentor, mentee, below_expert)
    level = org.level_of(mentee, below_expert)
    assert levels_grown(1) == 0 and from_pairs(org, [pair], horizon=1) == []
    [grown] = from_pairs(org, [pair], horizon=2)
    assert (grown.from_level, grown.to_level) == (level, level + levels_grown(2))
    assert from_pairs(org, [AcceptedPair(mentor, "nobody", below_expert)], horizon=4) == []

    rotator = mentee
    taught = tuple(skills)
    items = from_rotations(org, [ApprovedRotation(rotator, "Elsewhere", 2, taught)], horizon=4)
    expected = {s: rotation_growth(org.level_of(rotator, s)) for s in taught
                if rotation_growth(org.level_of(rotator, s)) > org.level_of(rotator, s)}
    assert {i.skill_id: i.to_level for i in items} == expected
    assert all(i.from_level == 2 and i.to_level == 3 for i in items)
    # A rotation after the horizon teaches nothing the plan can count on.
    assert from_rotations(org, [ApprovedRotation(rotator, "Elsewhere", 3, taught)],
                          horizon=2) == []


def test_an_approved_rotation_after_the_horizon_is_not_counted(empty_store):
    store = empty_store
    store.replace_dataset(generate(people=60, teams=4, skills=12, seed=4))
    manager = _manager(store)
    org, result = RS.run(manager)
    version = RS.save_plan(manager, org, result)
    dataset = store.dataset()
    levels = {(r.person_id, r.skill_id): r.level for r in dataset.ratings.itertuples()}
    chosen = next((r for r in result.rotations if r.quarter > 1
                   and any(levels.get((r.person_id, s), 0) == 2
                           for s in rotations.learnable(org, r.person_id, r.host_team))), None)
    if chosen is None:
        pytest.skip("no rotator one level below practitioner after the first quarter")
    RS.decide(manager, version, chosen.person_id, chosen.host_team, chosen.quarter,
              "approved", "good fit")
    within = planned_learning(store, horizon=chosen.quarter)
    before = planned_learning(store, horizon=chosen.quarter - 1)
    assert any(i.person_id == chosen.person_id for i in within)
    assert not any(i.person_id == chosen.person_id for i in before)


def test_plan_with_learning_is_the_one_pipeline_and_checks_the_role(store):
    from skills.access import NotAllowed

    gap, mentee, mentor, _ = _gap_and_candidate(store)
    _accept(store, mentor, mentee, gap.skill_id)
    manager = _manager(store)
    plan, lines = HS.plan_with_learning(manager, HiringOptions(time_limit=20))
    assert plan.status == "optimal" and len(lines) == 1 and "grows from level" in lines[0]
    assert not [a for a in plan.actions if a.action == GROW and a.person_id == mentee]
    ignored, none = HS.plan_with_learning(manager, HiringOptions(time_limit=20),
                                          use_learning=False)
    assert none == [] and ignored.objective >= plan.objective
    short, counted = HS.plan_with_learning(manager, HiringOptions(horizon=1, time_limit=20))
    assert counted == [] and short.has_plan
    for role in (Role.ENGINEER, Role.HR):
        with pytest.raises(NotAllowed):
            HS.plan_with_learning(store.as_caller(Caller(role)), HiringOptions())
    with pytest.raises(NotAllowed):
        HS.saved_plans(store.as_caller(Caller(Role.ENGINEER)))
    assert HS.saved_plans(store.as_caller(Caller(Role.HR))).empty
