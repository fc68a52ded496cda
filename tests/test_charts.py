"""Figures drawn once per frame content (skills/services/charts.py) and the garbage collector
kept off the imported modules' objects (skills/services/session.py)."""

from __future__ import annotations

import gc
import sys
import types

import pandas as pd

from skills import figures
from skills.services import charts
from skills.services.session import keep_modules_out_of_collections


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
