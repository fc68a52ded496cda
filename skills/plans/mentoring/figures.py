"""Plotly figures of the mentoring plan: the people network and the bus-factor change."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import plotly.graph_objects as go

from skills.figures import DISCIPLINE_COLOURS
from skills.taxonomy import DISCIPLINES

OTHER_COLOUR = "#7f7f7f"
SKILL_COLOUR = "#bdbdbd"
SOLE_HOLDER_COLOUR = "#d62728"


def network_figure(graph: nx.Graph, positions: dict[str, tuple[float, float]],
                   title: str = "Mentoring network") -> go.Figure:
    """People coloured by discipline, mentoring pairs as dark edges; skills as diamonds (red
    when one person holds them) with light edges to their holders."""
    figure = go.Figure()
    for kind, colour, width, label in (("holds", "#d9d9d9", 0.7, "holds at ≥ 3"),
                                       ("mentoring", "#444444", 1.8, "mentoring pair")):
        xs, ys = [], []
        for a, b, data in graph.edges(data=True):
            if data.get("kind") != kind or a not in positions or b not in positions:
                continue
            xs += [positions[a][0], positions[b][0], None]
            ys += [positions[a][1], positions[b][1], None]
        if xs:
            figure.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name=label,
                                        line={"color": colour, "width": width},
                                        hoverinfo="skip"))
    people = [(n, d) for n, d in graph.nodes(data=True) if d.get("kind") == "person"]
    for code in [*DISCIPLINES, None]:
        chosen = [(n, d) for n, d in people
                  if (d.get("discipline") == code if code else
                      d.get("discipline") not in DISCIPLINES)]
        if not chosen:
            continue
        figure.add_trace(go.Scatter(
            x=[positions[n][0] for n, _ in chosen], y=[positions[n][1] for n, _ in chosen],
            mode="markers", name=DISCIPLINES.get(code, "Other") if code else "Other",
            marker={"size": 11, "color": DISCIPLINE_COLOURS.get(code or "", OTHER_COLOUR),
                    "line": {"width": 1, "color": "white"}},
            text=[f"{d['name']} ({n})<br>{d['team']}<br>mentors {_out(graph, n)}, "
                  f"learns from {_in(graph, n)}" for n, d in chosen],
            hovertemplate="%{text}<extra></extra>"))
    skills = [(n, d) for n, d in graph.nodes(data=True) if d.get("kind") == "skill"
              and n in positions and graph.degree(n) > 0]
    if skills:
        figure.add_trace(go.Scatter(
            x=[positions[n][0] for n, _ in skills], y=[positions[n][1] for n, _ in skills],
            mode="markers+text", name="Skill (red: one holder)",
            marker={"symbol": "diamond", "size": [14 if d["critical"] else 10
                                                  for _, d in skills],
                    "color": [SOLE_HOLDER_COLOUR if d["holders"] == 1 else SKILL_COLOUR
                              for _, d in skills], "line": {"width": 1, "color": "#555"}},
            text=[d["name"] if d["holders"] == 1 else "" for _, d in skills],
            textposition="top center", textfont={"size": 10},
            customdata=[f"{d['name']}{' (critical)' if d['critical'] else ''}<br>"
                        f"{d['holders']} holder(s) organisation-wide" for _, d in skills],
            hovertemplate="%{customdata}<extra></extra>"))
    figure.update_layout(title=title, showlegend=True, height=640, hovermode="closest",
                         xaxis={"visible": False}, yaxis={"visible": False},
                         plot_bgcolor="white", margin={"l": 10, "r": 10, "t": 50, "b": 10},
                         legend={"orientation": "h", "y": -0.02})
    return figure


def _out(graph: nx.Graph, node: str) -> int:
    return sum(1 for _, _, d in graph.edges(node, data=True) if d.get("mentor") == node)


def _in(graph: nx.Graph, node: str) -> int:
    return sum(1 for _, _, d in graph.edges(node, data=True) if d.get("mentee") == node)


def practitioners_after_mentoring_figure(change: pd.DataFrame) -> go.Figure:
    """Practitioners now and once the mentees reach practitioner level, per (critical) skill;
    `change` is `explain.practitioners_after_mentoring`."""
    order = change.sort_values(["holders_now", "name"], ascending=[False, False])
    figure = go.Figure()
    figure.add_trace(go.Bar(y=order["name"], x=order["holders_now"], orientation="h",
                            name="Holders now", marker_color="#9e9e9e"))
    figure.add_trace(go.Bar(y=order["name"], x=order["new_holders"], orientation="h",
                            name="Mentees reaching level 3", marker_color="#2ca02c"))
    figure.add_vline(x=1, line_dash="dot", line_color=SOLE_HOLDER_COLOUR,
                     annotation_text="bus factor 1", annotation_position="top")
    figure.update_layout(barmode="stack", title="Bus factor per critical skill, now and after "
                                                "mentoring",
                         xaxis_title="People at level ≥ 3", height=max(320, 26 * len(order)),
                         margin={"l": 10, "r": 10, "t": 50, "b": 40},
                         legend={"orientation": "h", "y": -0.12})
    return figure
