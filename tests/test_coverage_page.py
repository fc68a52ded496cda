"""The coverage explorer at every size: a block per team with its own skill labels, and teams
x skills with a drill-down once a row per person is no longer a picture."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from skills.ingest.sample import generate
from skills.services import coverage
from skills.store import ROOT, Store


def run_coverage(role: str = "hr") -> AppTest:
    # HR sees every person's row; a manager only the teams they lead (test_access_matrix).
    app = AppTest.from_file(str(ROOT / "pages" / "2_coverage.py"), default_timeout=120)
    app.session_state["role"] = role
    return app.run()


@pytest.fixture
def sample_db(monkeypatch, store):
    monkeypatch.setenv("CROSSTRAIN_DB", str(store.path))
    store.close()
    return store.path


@pytest.fixture
def large_db(monkeypatch, tmp_path):
    path = tmp_path / "large.duckdb"
    big = Store(path)
    big.replace_dataset(generate(people=1000, seed=11))
    big.close()
    monkeypatch.setenv("CROSSTRAIN_DB", str(path))
    return path


def test_one_heatmap_per_team_each_with_the_skill_labels(sample_db):
    app = run_coverage()
    assert not app.exception
    teams = coverage.teams(Store(sample_db))
    charts = [c for c in app.get("plotly_chart")]
    # The first tab draws one heatmap per team, each with every skill on its own axis.
    heatmaps = [c for c in charts if '"type":"heatmap"' in c.proto.spec.replace(" ", "")]
    assert len(heatmaps) >= len(teams)
    shown = [m.value for m in app.markdown]
    assert all(f"**{team}**" in shown for team in teams)


def test_a_thousand_people_get_teams_by_skills_and_a_drill_down(large_db):
    app = run_coverage()
    assert not app.exception
    assert any("too many for a row each" in info.value for info in app.info)
    drill = app.selectbox(key="heatmap-drill")
    team = drill.options[0]
    drill.select(team).run()
    assert not app.exception
    # The drill-down's blocks name the team's people by id; the team view has no person.
    specs = [json.loads(c.proto.spec)["data"][0] for c in app.get("plotly_chart")]
    drilled = [d for d in specs if d["type"] == "heatmap" and isinstance(d["y"][0], list)]
    assert drilled and all(set(d["y"][0]) == {team} for d in drilled)


def test_the_team_view_counts_practitioners_like_the_organisation_model(large_db):
    from skills.organisation import Organisation

    store = Store(large_db)
    view = coverage.heatmap_view(store)
    assert view.kind == "teams" and view.people_in_scope == 1000
    org = Organisation.of(store.dataset())
    expected = org.team_practitioners()
    for row in view.frame.itertuples(index=False):
        got = row.practitioners
        assert got == expected[org.team_index[row.team], org.skill_index[row.skill_id]]


def test_downloads_carry_the_headers_shown_on_screen(sample_db):
    from skills.services import exports

    frame = coverage.skill_coverage(Store(sample_db))
    text = exports.csv_download(Store(sample_db), frame, labels={"holders": "Practitioners"})
    assert text.decode("utf-8-sig").splitlines()[0].split(",")[4] == "Practitioners"


def test_the_discipline_filter_says_it_filters_skills(sample_db):
    app = run_coverage()
    box = app.multiselect(key="coverage-disciplines")
    assert box.label == "Skill disciplines"
    assert "not the people" in box.help
