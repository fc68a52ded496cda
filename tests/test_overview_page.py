"""The overview at 1440 px (issue 14): the target gaps table has columns that fit half the page,
and the people missing are a count, not a trend arrow."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from skills.services import coverage
from skills.store import ROOT, Store


@pytest.fixture
def app_db(monkeypatch, store):
    monkeypatch.setenv("CROSSTRAIN_DB", str(store.path))
    store.close()
    return store.path


def run_overview(role: str = "manager") -> AppTest:
    app = AppTest.from_file(str(ROOT / "pages" / "1_overview.py"), default_timeout=60)
    app.session_state["role"] = role
    return app.run()


def test_people_missing_is_a_count_of_its_own_without_an_arrow(app_db):
    app = run_overview()
    assert not app.exception
    expected = coverage.overview(Store(app_db))
    metrics = {m.label: m for m in app.metric}
    assert metrics["People missing"].value == str(expected.people_missing)
    assert expected.people_missing > 0
    # A delta draws an arrow, read as a trend: no metric on the overview has one.
    assert all(not m.proto.delta for m in app.metric)


def test_the_largest_gaps_table_has_four_columns_that_fit(app_db):
    app = run_overview()
    assert not app.exception
    table = next(d for d in app.dataframe if "target" in d.value.columns)
    assert list(table.proto.column_order) == ["team", "skill_name", "missing", "target"]
    # Every column has a width in pixels, and together they fit half of a 1440 px page
    # (main area about 980 px beside the sidebar, two columns).
    widths = [json.loads(table.proto.columns)[c]["width"] for c in table.proto.column_order]
    assert all(isinstance(w, int) for w in widths) and sum(widths) <= 480
    frame = table.value
    assert (frame["missing"] > 0).all()
    assert list(frame["missing"]) == sorted(frame["missing"], reverse=True)


def test_largest_gaps_words_the_target(store):
    gaps = coverage.largest_gaps(store)
    row = gaps.iloc[0]
    assert row["target"] == (f"{row['have']} of {row['min_people']} at ≥ {row['min_level']}")
    assert row["missing"] == row["min_people"] - row["have"]
    assert len(gaps) == int((coverage.target_gaps(store)["missing"] > 0).sum())


@pytest.mark.parametrize("role", ["manager", "hr"])
def test_the_caption_names_the_input_not_where_it_sat_on_the_server(app_db, role):
    # The sample was loaded from a folder on the server; everyone who reads coverage sees
    # the caption, so it names the folder, not the server's directories.
    stored = Store(app_db).latest_load()
    assert stored is not None and "/" in stored["source"]
    app = run_overview(role)
    assert not app.exception
    caption = next(c.value for c in app.caption if "loaded from" in c.value)
    assert f"loaded from {stored['source'].rsplit('/', 1)[-1]} at " in caption
    assert stored["source"] not in caption and "/" not in caption
