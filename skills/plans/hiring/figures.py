"""Plotly figures for the hiring plan and its what-if comparison; frames in, figures out."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from skills.figures import empty_figure
from skills.plans.hiring import GROW, HIRE, MOVE, HiringPlan

ACTION_COLOURS = {HIRE: "#d62728", GROW: "#2ca02c", MOVE: "#1f77b4"}
ACTION_LABELS = {HIRE: "Hires", GROW: "Grows", MOVE: "Moves"}
_MARGIN = {"l": 10, "r": 10, "t": 60, "b": 10}


def cost_comparison_figure(plan: HiringPlan) -> go.Figure:
    """Hiring only, the greedy baseline and this plan, against the proven lower bound."""
    bars = [("Hiring only", plan.pure_hiring_cost, "#bdbdbd"),
            ("Greedy baseline", plan.greedy_cost, "#fdae6b"),
            ("This plan", plan.objective, "#3182bd")]
    shown = [(label, value, colour) for label, value, colour in bars if value is not None]
    if not shown:
        return empty_figure("No plan to compare")
    figure = go.Figure(go.Bar(
        x=[b[0] for b in shown], y=[b[1] for b in shown], marker_color=[b[2] for b in shown],
        text=[f"{b[1]:,.0f}" for b in shown], textposition="outside",
        hovertemplate="%{x}: %{y:,.1f}<extra></extra>"))
    if plan.bound is not None:
        figure.add_hline(y=plan.bound, line_dash="dash", line_color="#31a354",
                         annotation_text=f"proven bound {plan.bound:,.0f}",
                         annotation_position="top left")
    top = max(b[1] for b in shown) or 1.0
    figure.update_layout(title="Cost: hiring only, greedy and this plan", yaxis_title="cost",
                         yaxis_range=[0, top * 1.2], height=360, margin=_MARGIN,
                         showlegend=False)
    return figure


def actions_by_team_figure(plan: HiringPlan) -> go.Figure:
    """How many hires, grows and moves each team receives."""
    if not plan.actions:
        return empty_figure("No actions: every target is met" if plan.has_plan else "No plan")
    counts = (pd.DataFrame([{"team": a.team, "action": a.action} for a in plan.actions])
              .value_counts().rename("count").reset_index())
    figure = go.Figure()
    for action in (HIRE, GROW, MOVE):
        part = counts[counts["action"] == action]
        if part.empty:
            continue
        figure.add_trace(go.Bar(x=part["team"], y=part["count"], name=ACTION_LABELS[action],
                                marker_color=ACTION_COLOURS[action],
                                hovertemplate="%{x}: %{y} " + action + "(s)<extra></extra>"))
    tallest = int(counts.groupby("team")["count"].sum().max())
    figure.update_yaxes(tick0=0, dtick=max(1, -(-tallest // 8)))
    figure.update_layout(title="Actions per team", barmode="stack", yaxis_title="people",
                         height=360, margin=_MARGIN, legend={"orientation": "h", "y": -0.2})
    return figure


def bus_factor_comparison_figure(bus_factor: pd.DataFrame) -> go.Figure:
    """Practitioners per critical skill after each scenario's plan, side by side."""
    after = [c for c in bus_factor.columns if c.endswith(": after plan")]
    if bus_factor.empty or not after:
        return empty_figure("No critical skills")
    frame = bus_factor.sort_values(after[0])
    figure = go.Figure()
    for column, colour in zip(after, ("#3182bd", "#e6550d"), strict=False):
        figure.add_trace(go.Bar(y=frame["name"], x=frame[column], orientation="h",
                                name=column.removesuffix(": after plan"), marker_color=colour,
                                hovertemplate="%{y}: %{x} practitioner(s)<extra></extra>"))
    figure.add_vline(x=1, line_dash="dash", line_color="#b2182b",
                     annotation_text="bus factor 1", annotation_position="top")
    figure.update_layout(title="Bus factor per critical skill after each scenario's plan",
                         barmode="group", xaxis_title="people at level ≥ 3",
                         height=max(360, 34 * len(frame) + 120), margin=_MARGIN,
                         legend={"orientation": "h", "y": -0.08})
    return figure


