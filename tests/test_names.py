"""Two people with the same name in the same team are told apart wherever a name is shown
(issue 14): the sample has two Jakub Virtanens in Analytics, P079 and P095."""

from __future__ import annotations

import pandas as pd
from streamlit.testing.v1 import AppTest

from skills.access import Caller, Role
from skills.organisation import Organisation, shown_name_map, shown_names
from skills.services import coverage, mentoring
from skills.store import ROOT

TWINS = {"P079": "Jakub Virtanen (P079)", "P095": "Jakub Virtanen (P095)"}
HR = Caller(Role.HR, "P011")


def test_namesakes_in_one_team_get_their_id_and_nobody_else_does():
    shown = shown_names(["A1", "A2", "B1", "C1"], ["Ana", "Ana", "Ana", "Bo"],
                        ["T", "T", "U", "T"])
    # The Ana of team U is alone in her team: the team column tells her apart.
    assert shown == ["Ana (A1)", "Ana (A2)", "Ana", "Bo"]
    people = pd.DataFrame({"person_id": ["A1", "A2"], "name": ["Ana", "Ana"],
                           "team": ["T", "T"]})
    assert shown_name_map(people) == {"A1": "Ana (A1)", "A2": "Ana (A2)"}


def test_the_organisation_model_carries_the_shown_names(sample_dataset):
    org = Organisation.of(sample_dataset)
    names = dict(zip(org.person_ids, org.names, strict=True))
    assert {p: names[p] for p in TWINS} == TWINS
    # Namesakes in different teams keep their plain names (the team is beside them).
    assert names["P025"] == names["P058"] == "Maja Ferreira"


def test_the_services_show_the_twins_apart(store):
    seen = store.as_caller(HR)
    people = mentoring.people(seen).set_index("person_id")["name"]
    assert {p: people[p] for p in TWINS} == TWINS
    plan, _ = mentoring.plan(seen, mentoring.MentoringOptions())
    for side in ("mentor", "mentee"):
        rows = plan.pairs[plan.pairs[f"{side}_id"].isin(list(TWINS))]
        assert (rows[f"{side}_name"] == rows[f"{side}_id"].map(TWINS)).all()
    # Key people read from SQL are named by the same rule.
    keys = coverage.key_people(seen)
    assert not keys.empty
    names = dict(zip(keys["person_id"], keys["name"], strict=True))
    assert all(names[p] == TWINS[p] for p in TWINS if p in names)
    assert len(set(zip(keys["name"], keys["team"], keys["skill_id"], strict=True))) == len(keys)


def test_the_mentoring_picker_tells_the_twins_apart(monkeypatch, store):
    monkeypatch.setenv("CROSSTRAIN_DB", str(store.path))
    store.close()
    app = AppTest.from_file(str(ROOT / "pages" / "6_mentoring.py"), default_timeout=120)
    app.session_state["role"] = "hr"
    app.run()
    assert not app.exception
    picker = app.multiselect(key="mentoring-exclude")
    labels = [option for option in picker.options if "Jakub Virtanen" in option]
    assert "Jakub Virtanen (P079) · Analytics" in labels
    assert "Jakub Virtanen (P095) · Analytics" in labels
    assert len(picker.options) == len(set(picker.options))


def test_a_saved_rotation_plan_names_namesakes_apart(store, sample_dataset):
    from dataclasses import replace

    from skills.services import rotations

    org, result = rotations.run(store)
    version = rotations.save_plan(store, org, result)
    rotator = rotations.plan_rotations(store, version).iloc[0]
    # A later load gives a teammate the rotator's name: the saved plan must tell them apart.
    people = sample_dataset.people.copy()
    mate = people[(people["team"] == rotator["home_team"])
                  & (people["person_id"] != rotator["person_id"])].index[0]
    people.loc[mate, "name"] = rotator["name"]
    store.replace_dataset(replace(sample_dataset, people=people))
    saved = rotations.plan_rotations(store, version).set_index("person_id")["name"]
    assert saved[rotator["person_id"]] == f"{rotator['name']} ({rotator['person_id']})"
    assert not saved.drop(rotator["person_id"]).str.contains(r"\(P\d+\)").any()
