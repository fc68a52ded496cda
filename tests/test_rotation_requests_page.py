"""Issue 14 on the rotation requests page: the form keeps what was typed after an error, a
window beyond the next plan's horizon is told at filing time, an approval says which quarter
and host team, and a refusal always has its rule and words (Streamlit AppTest, real DuckDB)."""

from __future__ import annotations

from pathlib import Path

import pytest

from skills.access import Caller, Role
from skills.services import rotations as RS
from skills.store import Store
from tests.streamlit_page import run_planner

APP = str(Path(__file__).resolve().parent.parent / "app.py")
ENGINEER = Caller(Role.ENGINEER, "P082", email="p082@example.org")   # Dara Haddad


def _app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, who: str):  # noqa: ANN202
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("CROSSTRAIN_DB", str(tmp_path / "app.duckdb"))
    monkeypatch.setenv("CROSSTRAIN_DEMO_IDENTITY", who)
    app = AppTest.from_file(APP, default_timeout=120)
    app.run()
    app.switch_page("pages/4_rotation_requests.py").run()
    assert not app.exception
    return app


def _with_store(tmp_path: Path):  # noqa: ANN202
    return Store(tmp_path / "app.duckdb")


def test_the_form_keeps_what_was_typed_after_an_error(tmp_path, monkeypatch) -> None:
    app = _app(tmp_path, monkeypatch, "engineer")
    app.radio(key="rr-kind").set_value("grow a skill")
    app.select_slider(key="rr-window").set_value((2, 3))
    app.radio(key="rr-priority").set_value(3)
    app.text_area(key="rr-note").input("I would like to learn drift detection")
    app.button(key="FormSubmitter:rr-form-File request").click().run()
    assert [e.value for e in app.error] == [
        "The request was not filed: choose a host team or a skill to grow."]
    # Everything typed is still there, the note included: fix the one thing and file.
    assert app.text_area(key="rr-note").value == "I would like to learn drift detection"
    assert app.radio(key="rr-kind").value == "grow a skill"
    assert app.select_slider(key="rr-window").value == (2, 3)
    assert app.radio(key="rr-priority").value == 3
    app.selectbox(key="rr-skill").set_value("drift-detection")
    app.button(key="FormSubmitter:rr-form-File request").click().run()
    assert not app.error
    assert [s.value for s in app.success] == ["Request R009 filed. It takes part in the next "
                                              "plan."]
    # Once filed, the form is empty again for the next request.
    assert app.text_area(key="rr-note").value == ""
    assert app.radio(key="rr-priority").value == 2


def test_a_window_beyond_the_horizon_is_told_at_filing_time(tmp_path, monkeypatch) -> None:
    app = _app(tmp_path, monkeypatch, "engineer")
    app.selectbox(key="rr-host").set_value("Serving")
    app.select_slider(key="rr-window").set_value((5, 8))
    app.button(key="FormSubmitter:rr-form-File request").click().run()
    assert not app.exception
    assert [s.value for s in app.success] == ["Request R009 filed."]
    [warning] = [w.value for w in app.warning]
    assert warning == ("R009 will not take part in the next plan: it asks for Q5–Q8, and the "
                       "next plan covers Q1–Q4 only. It stays filed, so a plan over more "
                       "quarters can schedule it; file Q1–Q4 instead for the next plan.")


def test_file_request_says_what_the_next_plan_covers(tmp_path: Path, store: Store) -> None:
    engineer = store.as_caller(ENGINEER)
    within = RS.file_request(engineer, person_id="P082", host_team="Serving", skill_id=None,
                             earliest_quarter=1, latest_quarter=4, priority=2)
    assert within == "R009" and within.notice == ""
    beyond = RS.file_request(engineer, person_id="P082", host_team="Serving", skill_id=None,
                             earliest_quarter=5, latest_quarter=8, priority=2)
    assert "will not take part in the next plan" in beyond.notice
    # The next plan's horizon is the latest saved plan's.
    org, result = RS.run(store, RS.Policy(quarters=6))
    RS.save_plan(store, org, result)
    partly = RS.file_request(engineer, person_id="P082", host_team="Serving", skill_id=None,
                             earliest_quarter=5, latest_quarter=8, priority=2)
    assert partly.notice == ("Only Q5–Q6 of Q5–Q8 lie within the next plan's horizon (Q1–Q6): "
                             "R011 takes part in the next plan for those quarters.")
    assert RS.request(store, partly)["status"] == "requested"


def test_an_approval_names_the_quarter_and_the_host_team(tmp_path, monkeypatch) -> None:
    app = _app(tmp_path, monkeypatch, "engineer")
    store = _with_store(tmp_path)
    try:
        org, result = RS.run(store)
        version = RS.save_plan(store, org, result)
        planned = RS.plan_rotations(store, version)
        mine = planned[planned["request_id"] == "R001"].iloc[0]   # Dara's request
        app.run()
        assert (f"Proposed in plan v1: Q{mine.quarter} with {mine.host_team}, waiting for a "
                "manager.") in [i.value for i in app.info]
        manager = store.as_caller(Caller(Role.MANAGER, "P002", frozenset({"Feature Store"}),
                                         "p002@example.org"))
        RS.approve_requested(manager, version, "Observability agreed")
    finally:
        store.close()
    app.run()
    assert not app.exception
    assert (f"Approved: you spend Q{mine.quarter} with {mine.host_team} (plan v1, decided by "
            "manager P002).") in [s.value for s in app.success]
    assert "— Approved" in app.markdown[0].value


def test_a_refusal_names_its_rule_and_words(tmp_path, monkeypatch) -> None:
    app = _app(tmp_path, monkeypatch, "engineer")
    # A second request Dara cannot have as well: one rotation per person in the horizon.
    app.selectbox(key="rr-host").set_value("Observability")
    app.select_slider(key="rr-window").set_value((2, 2))
    app.radio(key="rr-priority").set_value(1)
    app.button(key="FormSubmitter:rr-form-File request").click().run()
    store = _with_store(tmp_path)
    try:
        org, result = RS.run(store)
        RS.save_plan(store, org, result)
        refused = result.refusals["R009"]
    finally:
        store.close()
    app.run()
    assert not app.exception
    [warning] = [w.value for w in app.warning if w.value.startswith("Not in plan")]
    assert warning.startswith(f"Not in plan v1 ({refused.rules}): ")
    assert refused.rules.startswith("rule 1, one host per quarter") and refused.text in warning


def test_the_managers_requests_tab_never_has_an_empty_rule_or_reason(tmp_path,
                                                                     monkeypatch) -> None:
    app = _app(tmp_path, monkeypatch, "manager")
    app.selectbox(key="rr-person").set_value("P082")
    app.selectbox(key="rr-host").set_value("Observability")
    app.select_slider(key="rr-window").set_value((2, 2))
    app.button(key="FormSubmitter:rr-form-File request").click().run()
    app.switch_page("pages/5_rotations.py").run()
    run_planner(app)
    assert not app.exception
    outcomes = next(d.value for d in app.dataframe if "outcome" in d.value.columns)
    refused = outcomes[outcomes["outcome"] == "refused"]
    planned = outcomes[outcomes["outcome"] == "planned"]
    assert not refused.empty and not planned.empty
    assert (refused["constraints"].str.startswith("rule ")).all()
    assert (refused["reason"] != "").all()
    # A planned request has nothing to explain, whoever's it is.
    assert (planned["constraints"] == "").all() and (planned["reason"] == "").all()


def test_requests_add_says_on_stderr_when_the_window_lies_beyond_the_horizon(
        store: Store) -> None:
    import io
    import json
    from contextlib import redirect_stderr, redirect_stdout

    from skills.cli import main as cli_main

    out, err = io.StringIO(), io.StringIO()
    store.close()   # the command opens the file itself
    with redirect_stdout(out), redirect_stderr(err):
        code = cli_main(["requests", "add", "--db", str(store.path), "--person-id", "P082",
                         "--host-team", "Serving", "--earliest", "5", "--latest", "8",
                         "--priority", "2"])
    assert code == 0
    assert json.loads(out.getvalue().strip())["request_id"] == "R009"
    assert err.getvalue().startswith("note: R009 will not take part in the next plan: it "
                                     "asks for Q5–Q8")


def test_withdrawn_requests_leave_the_cards_for_one_table(tmp_path, monkeypatch) -> None:
    app = _app(tmp_path, monkeypatch, "engineer")
    store = _with_store(tmp_path)
    engineer = store.as_caller(ENGINEER)
    kept = RS.file_request(engineer, person_id="P082", host_team="Serving", skill_id=None,
                           earliest_quarter=1, latest_quarter=2, priority=2)
    gone = RS.file_request(engineer, person_id="P082", host_team="Observability",
                           skill_id=None, earliest_quarter=2, latest_quarter=3,
                           priority=1)
    RS.withdraw_request(engineer, gone, "changed my mind")
    store.close()
    app.run()
    assert not app.exception
    titles = [m.value for m in app.markdown]
    assert any(t.startswith(f"**{kept}: Serving") for t in titles)
    assert not any(t.startswith(f"**{gone}:") for t in titles)
    assert app.button(key=f"rr-withdraw-{kept}") is not None
    expander = app.expander[0]
    assert expander.label == "Withdrawn and declined (1)"
    table = expander.dataframe[0].value
    assert table["request_id"].tolist() == [gone]
    assert table["status"].tolist() == ["Withdrawn"]
    assert table["host_team"].tolist() == ["Observability"]


def test_filing_and_withdrawing_show_in_the_list_they_change(tmp_path, monkeypatch) -> None:
    # Both run as the buttons' callbacks, before the page is drawn (one run of the page, not
    # two), so the list drawn in that run already shows what they changed.
    app = _app(tmp_path, monkeypatch, "engineer")
    app.selectbox(key="rr-host").set_value("Serving")
    app.button(key="FormSubmitter:rr-form-File request").click().run()
    assert not app.error
    filed = app.success[0].value.split()[1]
    assert any(m.value.startswith(f"**{filed}: Serving") for m in app.markdown)
    app.button(key=f"rr-withdraw-{filed}").click().run()
    assert not app.error
    assert not any(m.value.startswith(f"**{filed}:") for m in app.markdown)
    assert app.expander[0].dataframe[0].value["request_id"].tolist() == [filed]
    # Withdrawing it again (another tab still shows the button) says why it cannot be.
    store = _with_store(tmp_path)
    with pytest.raises(RS.RequestError):
        RS.withdraw_request(store.as_caller(ENGINEER), filed)
    store.close()


def test_many_open_requests_show_a_few_cards_and_one_table(tmp_path, monkeypatch) -> None:
    # A card costs a dozen elements on every rerun; a long list of them buried the form and,
    # at 25 sessions, was a quarter of the server's time. The requests with news come first as
    # cards, then the newest; the others are one table, withdrawn by picking them.
    app = _app(tmp_path, monkeypatch, "engineer")
    store = _with_store(tmp_path)
    engineer = store.as_caller(ENGINEER)
    filed = [str(RS.file_request(engineer, person_id="P082", host_team="Serving",
                                 skill_id=None, earliest_quarter=1, latest_quarter=2,
                                 priority=2))
             for _ in range(RS.REQUEST_CARDS + 3)]
    store.close()
    app.run()
    assert not app.exception

    def cards() -> list[str]:
        return [m.value[2:].split(":")[0] for m in app.markdown if m.value.startswith("**R")]

    def table(label: str) -> list[str]:
        found = [e for e in app.expander if e.label.startswith(label)]
        return found[0].dataframe[0].value["request_id"].tolist() if found else []

    every = ["R001", *filed]  # R001: Dara's request in the sample
    assert cards() == every[::-1][:RS.REQUEST_CARDS]
    assert [e.label for e in app.expander if e.label.startswith("More")] == [
        "More open requests (4)"]
    assert table("More open requests") == every[:4]
    assert app.button(key="rr-withdraw-picked").disabled  # nothing picked yet
    app.multiselect(key="rr-withdraw-pick").set_value([filed[0]]).run()  # a rerun, as a browser
    app.button(key="rr-withdraw-picked").click().run()
    assert not app.error
    assert table("More open requests") == ["R001", *filed[1:3]]
    assert table("Withdrawn and declined") == [filed[0]]
    store = _with_store(tmp_path)
    try:
        assert RS.request(store, filed[0])["status"] == "withdrawn"
        # A plan proposes one of them: that one is news, and a card first.
        org, result = RS.run(store)
        RS.save_plan(store, org, result)
        proposed = [r for r in every if RS.request(store, r)["status"] == "proposed"]
    finally:
        store.close()
    app.run()
    assert proposed
    assert cards()[:len(proposed)] == sorted(proposed, reverse=True)


def test_requests_that_leave_the_cards_leave_no_page_run_behind(tmp_path, monkeypatch) -> None:
    # Streamlit keeps the metadata of every widget a session drew, callbacks included; a
    # callback defined in the page script held its run's globals, every frame that run read.
    # Each request that moved from the cards to the table kept one run alive: the hour soak's
    # server grew 400 → 840 MB in 15 minutes.
    import gc

    import pandas as pd

    app = _app(tmp_path, monkeypatch, "engineer")
    store = _with_store(tmp_path)
    engineer = store.as_caller(ENGINEER)

    def file_and_rerun(times: int) -> int:
        for _ in range(times):
            RS.file_request(engineer, person_id="P082", host_team="Serving", skill_id=None,
                            earliest_quarter=1, latest_quarter=2, priority=2)
            app.run()
        assert not app.exception
        gc.collect()
        return sum(isinstance(o, pd.DataFrame) for o in gc.get_objects())

    try:
        settled = file_and_rerun(RS.REQUEST_CARDS + 2)
        later = file_and_rerun(12)
    finally:
        store.close()
    assert later - settled < 12, (settled, later)
