"""Every page under Streamlit's AppTest, against a real DuckDB file."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from skills.services import coverage
from skills.store import ROOT


@pytest.fixture
def app_db(monkeypatch, store):
    monkeypatch.setenv("CROSSTRAIN_DB", str(store.path))
    store.close()
    return store.path


def run_page(path: str, role: str = "manager") -> AppTest:
    app = AppTest.from_file(str(ROOT / path), default_timeout=60)
    app.session_state["role"] = role
    return app.run()


def test_app_entrypoint_routes_to_the_overview(app_db, monkeypatch):
    # Past the demo sign-in (tests/test_identity_pages.py covers the chooser itself).
    monkeypatch.setenv("CROSSTRAIN_DEMO_IDENTITY", "manager")
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not app.exception
    assert app.title[0].value == "Coverage overview"


def test_overview_numbers_match_the_coverage_module(app_db):
    app = run_page("pages/1_overview.py")
    assert not app.exception
    from skills.store import Store

    expected = coverage.overview(Store(app_db))
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Fragile critical skills"] == str(expected.fragile_critical_skills)
    assert metrics["Team targets unmet"] == str(expected.targets_unmet)
    assert metrics["Key people"] == str(expected.key_people)


def test_coverage_explorer_filters(app_db):
    app = run_page("pages/2_coverage.py")
    assert not app.exception
    all_rows = len(app.dataframe[1].value)
    app.multiselect(key="coverage-disciplines").select("sre").run()
    assert not app.exception
    skills = app.dataframe[1].value
    assert set(skills["discipline"]) == {"sre"} and len(skills) < all_rows


def test_data_page_shows_the_stored_dataset_and_the_uploader(app_db):
    app = run_page("pages/3_data.py")
    assert not app.exception
    assert app.markdown[0].value.startswith("Stored now: 120 people, 8 teams, 36 skills")


def test_engineers_cannot_upload(app_db):
    app = run_page("pages/3_data.py", role="engineer")
    assert not app.exception
    assert any("may not load a dataset" in info.value for info in app.info)


def test_data_page_reloads_the_bundled_sample(app_db, tmp_path):
    from skills.ingest.sample import generate
    from skills.store import Store

    small = Store(app_db)
    small.replace_dataset(generate(people=20, teams=2, skills=8))
    small.close()
    app = run_page("pages/3_data.py")
    assert app.markdown[0].value.startswith("Stored now: 20 people")
    app.button[0].click().run()
    assert not app.exception
    assert app.markdown[0].value.startswith("Stored now: 120 people")
    assert any("Dataset replaced" in s.value for s in app.success)
