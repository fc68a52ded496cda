"""Figures kept for the frames they were drawn from, so a rerun that shows the same data does
not build the same figure again.

Every rerun of the overview and the coverage explorer draws its charts from frames the store
keeps (skills/readcache.py), so the figures come out the same until the data changes; building
the bus-factor chart alone costs ~20 ms, a third of an overview rerun. `chart` keys each figure
by the function that draws it, the content of its frame (not the frame object, so a stale
figure can never be shown for new data) and its options, and keeps the most recent ones.

Figures are shared between sessions, so nobody may change one: Streamlit only reads it
(`st.plotly_chart` serialises a copy), and pages pass it straight there.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import pandas as pd

T = TypeVar("T")
MAX_CHARTS = 128

_charts: OrderedDict[Hashable, Any] = OrderedDict()
_lock = threading.Lock()
built = 0  # how many figures `chart` has drawn (for benchmarks and tests)


def frame_key(frame: pd.DataFrame) -> Hashable:
    """The content of `frame`: its columns, their types and every value, with the index."""
    values = pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes()
    return (tuple(map(str, frame.columns)), tuple(map(str, frame.dtypes)), frame.shape, values)


def chart(draw: Callable[..., T], frame: pd.DataFrame, **options: Hashable) -> T:
    """`draw(frame, **options)`, drawn once for the same function, frame content and options."""
    global built
    key = (draw.__module__, draw.__qualname__, frame_key(frame),
           tuple(sorted(options.items())))
    with _lock:
        if key in _charts:
            _charts.move_to_end(key)
            return _charts[key]
    figure = draw(frame, **options)
    with _lock:
        built += 1
        _charts[key] = figure
        while len(_charts) > MAX_CHARTS:
            _charts.popitem(last=False)
    return figure
