"""The coverage heatmaps in blocks small enough that every cell's skill label is on screen
with it (issue 14: 2,180 px at 120 people with labels only at the top)."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from skills import figures
from skills.ingest.sample import generate
from skills.services import coverage
from skills.store import ROOT, Store

# A 1440 x 1000 window shows about 900 px of page below the browser's own bars.
WINDOW = 900


def _heights(app: AppTest) -> list[int]:
    # The people or teams x skills heatmaps (cells with gaps), not team x discipline.
    specs = [json.loads(c.proto.spec) for c in app.get("plotly_chart")]
    return [int(s["layout"]["height"]) for s in specs
            if s["data"][0]["type"] == "heatmap" and "xgap" in s["data"][0]]


@pytest.fixture
def big_store(tmp_path):
    opened = Store(tmp_path / "big.duckdb")
    opened.replace_dataset(generate(people=1000, teams=37, seed=13))
    yield opened
    opened.close()


def test_a_long_team_is_split_into_blocks_with_their_own_labels(big_store):
    team = coverage.teams(big_store)[0]
    matrix = coverage.ratings_matrix(big_store, coverage.scope([team]))
    people = matrix["person_id"].nunique()
    blocks = figures.skills_heatmaps(matrix, per_block=10)
    assert len(blocks) == -(-people // 10)
    assert blocks[0][0] == f"{team} (1–10 of {people})"
    shown = [name for _, figure in blocks for name in figure.data[0].y[1]]
    assert len(shown) == people == len(set(shown))
    skills = matrix["skill_id"].nunique()
    assert all(len(figure.data[0].x[1]) == skills for _, figure in blocks)
    assert all(figure.layout.height <= WINDOW for _, figure in figures.skills_heatmaps(matrix))


def test_teams_by_skills_come_in_blocks_that_fit_the_window(big_store):
    frame = coverage.heatmap_view(big_store).frame
    teams = frame["team"].nunique()
    assert teams > figures.TEAMS_PER_BLOCK
    blocks = figures.team_skill_heatmaps(frame)
    assert len(blocks) == -(-teams // figures.TEAMS_PER_BLOCK)
    assert sum(len(b.data[0].y) for b in blocks) == teams
    assert all(b.layout.height <= WINDOW for b in blocks)


@pytest.fixture
def big_db(monkeypatch, big_store):
    monkeypatch.setenv("CROSSTRAIN_DB", str(big_store.path))
    big_store.close()
    return big_store.path


def test_the_page_at_a_thousand_people_says_so_and_every_block_fits(big_db):
    app = AppTest.from_file(str(ROOT / "pages" / "2_coverage.py"), default_timeout=120)
    app.session_state["role"] = "hr"
    app.run()
    assert not app.exception
    note = next(i.value for i in app.info if "too many for a row each" in i.value)
    assert note.startswith("1,000 people") and "person by person" in note
    before = _heights(app)
    assert len(before) >= 2 and max(before) <= WINDOW
    drill = app.selectbox(key="heatmap-drill")
    drill.select(drill.options[0]).run()
    assert not app.exception
    after = _heights(app)
    assert len(after) > len(before) and max(after) <= WINDOW


def test_the_sample_page_draws_a_block_per_team_without_a_toolbar(monkeypatch, store):
    monkeypatch.setenv("CROSSTRAIN_DB", str(store.path))
    store.close()
    app = AppTest.from_file(str(ROOT / "pages" / "2_coverage.py"), default_timeout=120)
    app.session_state["role"] = "hr"
    app.run()
    assert not app.exception
    heights = _heights(app)
    assert len(heights) == 8 and max(heights) <= WINDOW
    charts = [c for c in app.get("plotly_chart") if '"heatmap"' in c.proto.spec]
    # The toolbar covered the discipline labels on hover.
    assert all(json.loads(c.proto.config).get("displayModeBar") is False for c in charts[:8])


def test_blocks_line_their_columns_up(big_store):
    # A margin sized by each block's longest name shifted the columns from block to block.
    frame = coverage.heatmap_view(big_store).frame
    teams = figures.team_skill_heatmaps(frame)
    assert len({b.layout.margin.l for b in teams}) == 1
    assert all(b.layout.yaxis.automargin is False for b in teams)
    matrix = coverage.ratings_matrix(big_store, coverage.scope(coverage.teams(big_store)[:3]))
    people = [figure for _, figure in figures.skills_heatmaps(matrix)]
    assert len(people) >= 3 and len({f.layout.margin.l for f in people}) == 1
    assert all(f.layout.yaxis.automargin is False for f in people)
