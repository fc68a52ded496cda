"""The sign-in gate in demo mode, and the roles and audit pages, under Streamlit's AppTest."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from skills.services import audit, identity
from skills.store import ROOT, Store

BANNER = "anyone who can reach this app can act as anyone"


@pytest.fixture
def app_db(monkeypatch, store):
    monkeypatch.setenv("CROSSTRAIN_DB", str(store.path))
    monkeypatch.delenv("CROSSTRAIN_DEMO_IDENTITY", raising=False)
    store.close()
    return store.path


def _app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)


def _button(app: AppTest, starts: str):
    found = [b for b in app.button if b.label.startswith(starts)]
    assert found, [b.label for b in app.button]
    return found[0]


def test_demo_mode_shows_the_banner_and_only_the_demo_identities(app_db):
    app = _app().run()
    assert not app.exception
    assert any(BANNER in w.value for w in app.warning)
    assert app.title[0].value == "Who do you want to act as?"
    labels = [b.label for b in app.button]
    assert [label.split(" · ")[:2] for label in labels] == [
        ["Dara Haddad", "engineer"], ["Søren Müller", "manager"], ["Farah Iyer", "hr"],
        ["Administrator", "admin"]]
    # No free choice of role, and nothing of the organisation before choosing.
    assert not app.selectbox and not app.dataframe and not app.metric


def test_choosing_an_identity_opens_the_app_and_a_reload_asks_again(app_db):
    app = _app().run()
    _button(app, "Dara Haddad").click().run()
    assert not app.exception
    assert app.title[0].value == "Coverage overview"
    assert any(BANNER in w.value for w in app.warning)
    assert any("Viewing as Dara Haddad" in c.value for c in app.sidebar.caption)
    # The engineer sees how many key people there are, not who they are.
    assert not app.dataframe or all("name" not in d.value.columns for d in app.dataframe)
    # A reload is a new session: back to the chooser, never silently a manager.
    again = _app().run()
    assert again.title[0].value == "Who do you want to act as?"
    trail = audit.entries(Store(app_db))
    assert (trail["action"] == "sign-in").sum() == 1
    assert trail[trail["action"] == "sign-in"]["actor"].tolist() == ["p082@example.org"]


def test_switching_identity_goes_back_to_the_chooser(app_db):
    app = _app().run()
    _button(app, "Søren Müller").click().run()
    assert app.title[0].value == "Coverage overview"
    _button(app, "Act as someone else").click().run()
    assert app.title[0].value == "Who do you want to act as?"


def test_the_demo_identity_can_be_preset_by_whoever_starts_the_server(app_db, monkeypatch):
    monkeypatch.setenv("CROSSTRAIN_DEMO_IDENTITY", "hr")
    app = _app().run()
    assert not app.exception
    assert app.title[0].value == "Coverage overview"
    assert any("Farah Iyer" in c.value for c in app.sidebar.caption)


def test_demo_mode_refuses_to_serve_beyond_this_machine(app_db):
    from streamlit import config

    before = config.get_option("server.address")
    config.set_option("server.address", "0.0.0.0")
    try:
        app = _app().run()
    finally:
        config.set_option("server.address", before)
    assert not app.exception
    assert "Demo mode serves this machine only" in app.error[0].value
    assert not app.button and not app.metric


def _page(path: str, role: str) -> AppTest:
    app = AppTest.from_file(str(ROOT / path), default_timeout=60)
    app.session_state["role"] = role
    return app.run()


def test_the_roles_page_is_the_admins(app_db):
    for role in ("engineer", "manager", "hr"):
        closed = _page("pages/9_roles.py", role)
        assert not closed.exception
        assert closed.info[0].value.startswith("Your role may not manage roles")
    app = _page("pages/9_roles.py", "admin")
    assert not app.exception
    emails = app.dataframe[0].value["email"].tolist()
    assert "p002@example.org" in emails and "admin@example.org" in emails
    app.text_input(key="roles-email").input("new.hr@example.org")
    app.selectbox(key="roles-role").select("hr")
    app.button[0].click().run()
    assert not app.exception
    assert app.success[0].value == "new.hr@example.org is now hr."
    assert identity.identify(Store(app_db), "new.hr@example.org") is not None


def test_the_audit_page_is_for_hr_and_admins(app_db):
    for role in ("engineer", "manager"):
        closed = _page("pages/10_audit.py", role)
        assert not closed.exception
        assert closed.info[0].value.startswith("Your role may not read the audit trail")
    for role in ("hr", "admin"):
        app = _page("pages/10_audit.py", role)
        assert not app.exception
        assert list(app.dataframe[0].value.columns) == audit.COLUMNS
        assert "roles replaced" in app.dataframe[0].value["action"].tolist()


def test_an_engineer_sees_teams_not_people_in_the_coverage_heatmap(app_db):
    app = _page("pages/2_coverage.py", "engineer")
    assert not app.exception
    assert any("People's own levels are for them" in i.value for i in app.info)
    assert not [s for s in app.selectbox if s.label == "Team to see person by person"]
