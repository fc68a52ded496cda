"""Pictures of a rotation plan: the timeline, coverage before and after, the bus-factor change.

The frames behind each figure are plain functions too, so tests and the CSV export use the same
numbers the figures show.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from skills.figures import empty_figure
from skills.organisation import PRACTITIONER_LEVEL, rotation_growth
from skills.plans.rotations.model import Policy, Rotation, RotationOrg, learnable

REQUESTED_COLOUR = "#1f77b4"
UNREQUESTED_COLOUR = "#9ecae1"
COMMITTED_COLOUR = "#2ca02c"


def timeline(plan: pd.DataFrame, quarters: int) -> go.Figure:
    """Gantt-style: one bar per rotation, grouped by host team, spanning its quarter.

    `plan` is `rotations.plan_frame(...)` (or the stored plan of a version).
    """
    if plan.empty:
        return empty_figure("The plan has no rotations")
    # A name the viewer may not see is left out of the frame; the id still keeps rows apart.
    shown = plan["name"].where(plan["name"].notna(), plan["person_id"])
    frame = (plan.assign(name=shown).sort_values(["host_team", "quarter", "name"])
             .reset_index(drop=True))
    labels = [[host for host in frame["host_team"]],
              [f"{name} ({home})" for name, home in zip(frame["name"], frame["home_team"],
                                                        strict=True)]]
    kind = ["approved earlier" if c else "requested" if r else "unrequested"
            for c, r in zip(frame["committed"], frame["requested"], strict=True)]
    colours = {"approved earlier": COMMITTED_COLOUR, "requested": REQUESTED_COLOUR,
               "unrequested": UNREQUESTED_COLOUR}
    figure = go.Figure()
    for label, colour in colours.items():
        rows = [i for i, k in enumerate(kind) if k == label]
        if not rows:
            continue
        figure.add_trace(go.Bar(
            orientation="h", name=label, marker_color=colour,
            y=[[labels[0][i] for i in rows], [labels[1][i] for i in rows]],
            x=[1] * len(rows), base=[int(frame.at[i, "quarter"]) - 0.5 for i in rows],
            customdata=[[frame.at[i, "request_id"] or "none", frame.at[i, "skills"] or "—",
                         int(frame.at[i, "quarter"])] for i in rows],
            hovertemplate=("%{y[1]} → %{y[0]} in Q%{customdata[2]}<br>request: "
                           "%{customdata[0]}<br>learns: %{customdata[1]}<extra></extra>")))
    figure.update_layout(
        barmode="overlay", height=max(260, 24 * len(frame) + 120),
        xaxis={"side": "top", "range": [0.5, quarters + 0.5], "tickvals":
               list(range(1, quarters + 1)), "ticktext": [f"Q{q}" for q in
                                                          range(1, quarters + 1)]},
        yaxis={"autorange": "reversed", "title": "Host team · rotator (home team)"},
        legend={"orientation": "h", "y": 0, "yanchor": "top"},
        margin={"l": 10, "r": 10, "t": 40, "b": 40})
    return figure


def coverage_by_quarter(org: RotationOrg, policy: Policy,
                        rotations: Sequence[Rotation]) -> pd.DataFrame:
    """Per team and quarter: target-skill practitioners present before and after the plan.

    Counted over the team's targets: each member at a target's level counts once per target.
    The hard constraints keep every target at its floor, so the change shows how thin the
    cover gets, not whether it breaks.
    """
    away: dict[tuple[str, int], set[str]] = defaultdict(set)
    for rotation in rotations:
        away[(org.home[rotation.person_id], rotation.quarter)].add(rotation.person_id)
    rows = []
    for team in org.teams:
        targets = [t for t in org.targets if t.team == team]
        before = sum(len(t.qualified) for t in targets)
        needed = sum(t.keep for t in targets)
        for quarter in range(1, policy.quarters + 1):
            gone = away.get((team, quarter), set())
            after = sum(len(t.qualified - gone) for t in targets)
            rows.append({"team": team, "quarter": quarter, "before": before, "after": after,
                         "floor": needed, "away": len(gone)})
    return pd.DataFrame(rows, columns=["team", "quarter", "before", "after", "floor", "away"])


def coverage_figure(frame: pd.DataFrame) -> go.Figure:
    """Heatmaps of target-skill practitioners present, before and after, per team and quarter."""
    if frame.empty:
        return empty_figure("No teams to show")
    teams = sorted(frame["team"].unique())
    quarters = sorted(frame["quarter"].unique())
    figure = make_subplots(rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.04,
                           subplot_titles=("Before the plan", "With the plan"))
    top = max(1, int(frame["before"].max()))
    for col, column in ((1, "before"), (2, "after")):
        grid = frame.pivot(index="team", columns="quarter", values=column).loc[teams, quarters]
        floor = frame.pivot(index="team", columns="quarter", values="floor").loc[teams,
                                                                                   quarters]
        away = frame.pivot(index="team", columns="quarter", values="away").loc[teams, quarters]
        figure.add_trace(go.Heatmap(
            z=grid.to_numpy(), x=[f"Q{q}" for q in quarters], y=teams, zmin=0, zmax=top,
            colorscale="Blues", showscale=col == 2, text=grid.to_numpy(),
            texttemplate="%{text}", customdata=[[[int(f), int(a)] for f, a in zip(
                frow, arow, strict=True)] for frow, arow in zip(floor.to_numpy(),
                                                                away.to_numpy(), strict=True)],
            hovertemplate=("%{y}, %{x}: %{z} practitioners present<br>targets need at least "
                           "%{customdata[0]}; %{customdata[1]} people away<extra></extra>"),
            colorbar={"title": "Present"}), row=1, col=col)
    figure.update_layout(height=max(260, 36 * len(teams) + 100),
                         margin={"l": 10, "r": 10, "t": 40, "b": 30})
    figure.update_yaxes(autorange="reversed")
    return figure


def bus_factor_change(org: RotationOrg, policy: Policy,
                      rotations: Sequence[Rotation]) -> pd.DataFrame:
    """Per critical skill: practitioners now, and expected after the plan's learning.

    What a rotation teaches is `skills.organisation.rotation_growth`: a rotator one level
    below practitioner, learning the skill in a team that holds it, becomes a practitioner;
    lower levels are not counted.
    """
    gained: dict[str, set[str]] = defaultdict(set)
    for rotation in rotations:
        for skill in learnable(org, rotation.person_id, rotation.host_team, policy):
            level = org.level_of(rotation.person_id, skill)
            if level < PRACTITIONER_LEVEL <= rotation_growth(level):
                gained[skill].add(rotation.person_id)
    rows = [{"skill_id": skill, "skill": org.skill_names[skill],
             "before": org.holders.get(skill, 0),
             "after": org.holders.get(skill, 0) + len(gained.get(skill, ())),
             "new_practitioners": len(gained.get(skill, ()))}
            for skill in sorted(org.skill_names) if org.critical.get(skill)]
    frame = pd.DataFrame(rows, columns=["skill_id", "skill", "before", "after",
                                        "new_practitioners"])
    return frame.sort_values(["before", "skill"]).reset_index(drop=True)


def bus_factor_figure(frame: pd.DataFrame, max_skills: int = 25) -> go.Figure:
    """Grouped bars: bus factor now and expected, the most fragile critical skills first."""
    if frame.empty:
        return empty_figure("No critical skills")
    shown = frame.head(max_skills)
    figure = go.Figure([
        go.Bar(name="Now", y=shown["skill"], x=shown["before"], orientation="h",
               marker_color="#bdbdbd"),
        go.Bar(name="Expected after the plan", y=shown["skill"], x=shown["after"],
               orientation="h", marker_color="#08519c",
               customdata=shown["new_practitioners"],
               hovertemplate="%{y}: %{x} practitioners (+%{customdata})<extra></extra>"),
    ])
    figure.update_layout(barmode="group", height=max(260, 30 * len(shown) + 100),
                         xaxis={"title": "Practitioners (bus factor)", "dtick": 1},
                         yaxis={"autorange": "reversed"},
                         legend={"orientation": "h", "y": 1.02, "yanchor": "bottom"},
                         margin={"l": 10, "r": 10, "t": 40, "b": 40})
    return figure


def _draw(draw: Callable[..., go.Figure], frame: pd.DataFrame, **options: Any) -> go.Figure:
    return draw(frame, **options)


def all_figures(org: RotationOrg, policy: Policy, rotations: Sequence[Rotation],
                plan: pd.DataFrame,
                keep: Callable[..., go.Figure] = _draw) -> dict[str, go.Figure]:
    """The plan's three figures; `keep(draw, frame, **options)` may serve one drawn before
    from the same frame (skills.services.charts.chart)."""
    return {
        "timeline": keep(timeline, plan, quarters=policy.quarters),
        "coverage": keep(coverage_figure, coverage_by_quarter(org, policy, rotations)),
        "bus_factor": keep(bus_factor_figure, bus_factor_change(org, policy, rotations)),
    }
