"""Figures drawn once per frame content (skills/services/charts.py) and the garbage collector
kept off the imported modules' objects, and run at most once a second after script runs
(skills/services/session.py)."""

from __future__ import annotations

import gc
import sys
import threading
import tomllib
import types
import weakref
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from skills import figures
from skills.services import charts, session
from skills.services.session import (
    COLLECT_SHARE,
    collect_after_runs,
    collection_pause,
    keep_modules_out_of_collections,
)

ROOT = Path(__file__).resolve().parent.parent


def _skills(holders: int) -> pd.DataFrame:
    return pd.DataFrame({"skill_id": ["S1", "S2"], "name": ["Kafka", "Airflow"],
                         "discipline": ["data", "data"], "critical": [True, False],
                         "holders": [holders, 2]})


def test_the_same_content_is_drawn_once_and_new_content_again() -> None:
    first = charts.chart(figures.bus_factor_figure, _skills(1), critical_only=True)
    built = charts.built
    # Another frame object with the same rows: the figure drawn before.
    assert charts.chart(figures.bus_factor_figure, _skills(1), critical_only=True) is first
    assert charts.built == built
    # New data or other options: drawn afresh, never the old figure.
    changed = charts.chart(figures.bus_factor_figure, _skills(0), critical_only=True)
    assert changed is not first and charts.built == built + 1
    every = charts.chart(figures.bus_factor_figure, _skills(1), critical_only=False)
    assert every is not first and charts.built == built + 2


def test_kept_figures_are_bounded() -> None:
    for holders in range(charts.MAX_CHARTS + 10):
        charts.chart(figures.bus_factor_figure, _skills(holders))
    assert len(charts._charts) <= charts.MAX_CHARTS


def test_module_objects_are_frozen_once_per_set_of_modules() -> None:
    gc.unfreeze()
    try:
        keep_modules_out_of_collections()
        frozen = gc.get_freeze_count()
        assert frozen > 0
        alive: list[object] = []  # made after the freeze: the collector still sees it
        keep_modules_out_of_collections()  # the same modules: nothing more is frozen
        assert any(o is alive for o in gc.get_objects())
        sys.modules["crosstrain_test_new_module"] = types.ModuleType("crosstrain_test_new_module")
        try:
            keep_modules_out_of_collections()  # a module more: what is alive now is frozen
            assert not any(o is alive for o in gc.get_objects())
        finally:
            del sys.modules["crosstrain_test_new_module"]
    finally:
        gc.unfreeze()


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_what_a_run_leaves_in_cycles_is_collected_within_seconds() -> None:
    # Python's own collector off, so that only the one after runs can free the cycle.
    gc.disable()
    try:
        left = _Cycle()
        gone = threading.Event()
        weakref.finalize(left, gone.set)
        del left
        assert not gone.is_set()
        collect_after_runs(every=0.05)
        assert gone.wait(10)
    finally:
        gc.enable()


def test_collections_take_at_most_their_share_of_the_time() -> None:
    # A quick collection waits the least pause; a slow one (many sessions' state alive) waits
    # long enough that collecting stays COLLECT_SHARE of the time, not a tenth of it.
    assert collection_pause(1.0, 0.005) == 1.0
    for took in (0.05, 0.1, 0.3):
        pause = collection_pause(1.0, took)
        assert pause >= 1.0
        assert took / (took + pause) <= COLLECT_SHARE


def test_the_server_collects_after_runs_instead_of_streamlit_per_run() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["postScriptGC"] is False
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    before = session._runs_ended
    app.run()
    assert session._runs_ended == before + 1
    assert session._collector is not None and session._collector.is_alive()
