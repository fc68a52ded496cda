"""Mentoring decisions in words (issue 14): names, teams and skills instead of ids, who decided
and why; the page's totals are the caller's pairs beside the organisation's."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from skills.access import Caller, Role
from skills.plans.mentoring import MentoringInputError
from skills.services import mentoring as MS
from skills.store import ROOT, Store

MANAGER = Caller(Role.MANAGER, "P002", frozenset({"Feature Store"}))


def _pairs(store: Store) -> pd.DataFrame:
    plan, _ = MS.plan(store.as_caller(MANAGER), MS.MentoringOptions())
    return plan.pairs


def test_decisions_name_people_teams_skill_decider_and_rationale(store):
    pairs = _pairs(store)
    first = pairs.iloc[[0]]
    MS.record_decisions(store.as_caller(MANAGER), first, "declined",
                        "  Keira is on leave until March  ")
    latest = MS.decisions(store.as_caller(MANAGER))
    row = latest.iloc[0]
    pair = first.iloc[0]
    assert row["mentor_name"] == pair["mentor_name"] and row["mentee_name"] == pair["mentee_name"]
    assert row["mentor_team"] == pair["mentor_team"] and row["mentee_team"] == pair["mentee_team"]
    assert row["skill_name"] == pair["skill_name"] != row["skill_id"]
    # Who decided by name and role (the demo manager is Søren Müller), the rationale stripped.
    assert row["decider"] == "Søren Müller (manager)"
    assert row["decided_by"] == "manager:P002"
    assert row["note"] == "Keira is on leave until March"
    assert set(MS.DECISION_COLUMNS) <= set(latest.columns)


def test_a_rationale_longer_than_the_limit_is_refused_and_nothing_is_stored(store):
    first = _pairs(store).iloc[[0]]
    with pytest.raises(MentoringInputError, match="rationale"):
        MS.record_decisions(store.as_caller(MANAGER), first, "accepted",
                            "x" * (MS.MAX_RATIONALE + 1))
    assert MS.decisions(store).empty


def test_decisions_keep_the_row_filter(store):
    ours = _pairs(store).iloc[[0]]
    MS.record_decisions(store.as_caller(MANAGER), ours, "accepted", "both keen")
    everyone, _ = MS.plan(store, MS.MentoringOptions())
    theirs = everyone.pairs[(everyone.pairs["mentor_team"] != "Feature Store")
                            & (everyone.pairs["mentee_team"] != "Feature Store")].iloc[[0]]
    MS.record_decisions(store, theirs, "declined", "not now")
    assert len(MS.decisions(store)) == 2
    seen = MS.decisions(store.as_caller(MANAGER))
    assert len(seen) == 1 and seen.iloc[0]["note"] == "both keen"
    assert MS.decisions(store.as_caller(Caller(Role.ADMIN))).empty
    assert MS.decisions(store)["decider"].tolist().count("system") == 1


def test_the_view_counts_the_callers_pairs_beside_the_organisations(store):
    options = MS.MentoringOptions()
    hr = MS.plan_view(store.as_caller(Caller(Role.HR, "P011")), options)
    manager = MS.plan_view(store.as_caller(MANAGER), options)
    admin = MS.plan_view(store.as_caller(Caller(Role.ADMIN)), options)
    whole = hr.organisation_pairs
    assert len(hr.plan.pairs) == whole and hr.headline() == hr.plan.message
    assert 0 < len(manager.plan.pairs) < whole == manager.organisation_pairs
    assert (f"{len(manager.plan.pairs)} of the organisation's {whole} pairs are yours to see"
            in manager.headline())
    assert manager.score == pytest.approx(manager.plan.pairs["score"].sum())
    assert manager.score < hr.score
    assert admin.plan.pairs.empty and not admin.names_people
    assert f"only how many there are: {whole}" in admin.headline()


# --- The page under AppTest.

@pytest.fixture
def app_db(monkeypatch, store):
    monkeypatch.setenv("CROSSTRAIN_DB", str(store.path))
    store.close()
    return store.path


def run_page(role: str) -> AppTest:
    app = AppTest.from_file(str(ROOT / "pages" / "6_mentoring.py"), default_timeout=120)
    app.session_state["role"] = role
    return app.run()


def _frame(app: AppTest, column: str):  # noqa: ANN202 - the AppTest dataframe element
    # AppTest does not keep a dataframe's key: find the table by a column only it has.
    return next(d for d in app.dataframe if column in d.value.columns)


def _metric(app: AppTest, label: str) -> str:
    return next(m.value for m in app.metric if m.label == label)


def test_manager_decides_with_a_rationale_and_reads_the_decision_in_words(app_db):
    app = run_page("manager")
    assert not app.exception
    pick = app.multiselect(key="mentoring-pick")
    pick.select(pick.options[0]).run()
    app.text_input(key="mentoring-rationale").input("Agreed with both in the 1:1s").run()
    app.button(key="mentoring-accept").click().run()
    assert not app.exception
    assert app.text_input(key="mentoring-rationale").value == ""
    decided = _frame(app, "decider")
    table = decided.value
    assert len(table) == 1
    row = table.iloc[0]
    assert row["decider"] == "Søren Müller (manager)"
    assert row["note"] == "Agreed with both in the 1:1s"
    assert not str(row["mentor_name"]).startswith("P") and row["skill_name"] != row["skill_id"]
    # The columns on screen are names, teams and the skill, not the ids.
    shown = list(decided.proto.column_order)
    assert "mentor_id" not in shown and "skill_id" not in shown
    assert {"mentor_name", "mentee_team", "skill_name", "decider", "note"} <= set(shown)
    # The rationale comes before who and when, which scroll off at 1440 px.
    assert shown.index("note") < shown.index("decider") < shown.index("decided_at")


def test_the_managers_banner_and_totals_are_their_pairs(app_db):
    app = run_page("manager")
    assert not app.exception
    banner = app.success[0].value
    assert "of the organisation's" in banner and "yours to see" in banner
    table = _frame(app, "reason").value
    assert int(_metric(app, "Your pairs")) == len(table)
    assert not [m for m in app.metric if m.label in ("Pairs", "Total score")]


def test_hr_sees_the_whole_plan_without_a_share(app_db):
    app = run_page("hr")
    assert not app.exception
    assert "yours to see" not in app.success[0].value
    assert int(_metric(app, "Pairs")) == len(_frame(app, "reason").value)


def test_the_admin_reads_a_count_not_an_empty_table(app_db):
    app = run_page("admin")
    assert not app.exception
    assert not [d for d in app.dataframe if "reason" in d.value.columns]
    words = " ".join(i.value for i in app.info)
    assert "your role may view them" not in words
    assert "Mentoring pairs name people" in words and "The organisation's plan has" in words
