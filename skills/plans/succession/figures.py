"""Plotly figures for succession: N-1 impact ranked, bench strength stacked; frames in."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from skills.figures import empty_figure

# Red is kept for risk across the app: a critical skill nobody practises any more.
IMPACT_PARTS = (("uncovered", "Critical skills left with no practitioner", "#d62728"),
                ("broken", "Team targets broken", "#ff7f0e"),
                ("thin", "Critical skills left with one practitioner", "#fdd0a2"))
BENCH_PARTS = (("ready_now", "Ready now", "#2ca02c"),
               ("ready_soon", "Ready in 1-2 years", "#98df8a"))
_MARGIN = {"l": 10, "r": 10, "t": 60, "b": 10}


def impact_figure(impact: pd.DataFrame, top: int = 20) -> go.Figure:
    """What breaks if each person alone leaves: the `top` most damaging, worst at the top."""
    if impact.empty:
        return empty_figure("Nobody's departure alone breaks anything")
    shown = impact.head(top).iloc[::-1]
    labels = [f"{n} ({t})" for n, t in zip(shown["name"], shown["team"], strict=True)]
    figure = go.Figure()
    for column, label, colour in IMPACT_PARTS:
        figure.add_trace(go.Bar(
            y=labels, x=shown[column], name=label, orientation="h", marker_color=colour,
            customdata=shown["what_breaks"],
            hovertemplate="%{y}: %{x} " + label.lower() + "<br>%{customdata}<extra></extra>"))
    figure.update_layout(
        barmode="stack", title=f"If they alone leave: the {len(shown)} most damaging departures",
        xaxis_title="what breaks (count)", height=max(320, 28 * len(shown) + 140),
        margin=_MARGIN, legend={"orientation": "h", "y": -0.15})
    return figure


def bench_figure(bench: pd.DataFrame, label: str, title: str) -> go.Figure:
    """Distinct people ready now and in 1-2 years, stacked, one bar per `label` value."""
    if bench.empty:
        return empty_figure("Nothing to show")
    shown = bench.assign(total=bench["ready_now"] + bench["ready_soon"]).sort_values(
        ["total", label], ascending=[True, False])
    figure = go.Figure()
    for column, part, colour in BENCH_PARTS:
        figure.add_trace(go.Bar(y=shown[label], x=shown[column], name=part, orientation="h",
                                marker_color=colour,
                                hovertemplate="%{y}: %{x} " + part.lower() + "<extra></extra>"))
    figure.update_layout(barmode="stack", title=title, xaxis_title="distinct people",
                         height=max(320, 24 * len(shown) + 140), margin=_MARGIN,
                         legend={"orientation": "h", "y": -0.15})
    return figure
