"""Plotly figures for coverage; plain functions from frames to figures, no UI code."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from skills.taxonomy import DISCIPLINES, LEVELS, UNASSIGNED

# One palette on every page; red is kept for risk (bus factor 1, sole holders).
DISCIPLINE_COLOURS = {
    "data": "#1f77b4",
    "ml": "#9467bd",
    "sre": "#2ca02c",
    "product": "#ff7f0e",
    UNASSIGNED: "#7f7f7f",
}
# Level 0 is white so gaps read as empty; practitioners and experts stand out.
LEVEL_SCALE = ["#f7f7f7", "#d0e1f2", "#94c4df", "#3b8bc2", "#08306b"]


def discipline_label(code: str) -> str:
    return DISCIPLINES.get(code, "Unassigned")


def _discrete_scale(colours: list[str]) -> list[list[object]]:
    steps = len(colours)
    scale: list[list[object]] = []
    for i, colour in enumerate(colours):
        scale.append([i / steps, colour])
        scale.append([(i + 1) / steps, colour])
    return scale


def _skill_axis(skills: pd.DataFrame) -> list[list[str]]:
    names = [f"{n} ★" if c else n for n, c in zip(skills["skill_name"], skills["critical"],
                                                   strict=True)]
    return [[discipline_label(d) for d in skills["skill_discipline"]], names]


_LEVEL_BAR = {"title": "Level", "tickvals": list(LEVELS),
              "ticktext": [f"{k} {v}" for k, v in LEVELS.items()],
              "lenmode": "pixels", "len": 220, "y": 1, "yanchor": "top"}
# Skill names stand vertically above the cells; this much room keeps the longest readable.
_LABEL_ROOM = 230
# Room for the row labels, fixed so that the blocks of one page line their columns up (an
# automatic margin follows each block's longest name).
_PERSON_LABEL_ROOM = 300
_TEAM_LABEL_ROOM = 210


def skills_heatmap(matrix: pd.DataFrame) -> go.Figure:
    """People x skills of one group of people, skills grouped by discipline, labels on top.

    The page draws one of these per team, so the skill labels stand above every block instead
    of only at the top of a figure thousands of pixels tall.
    """
    if matrix.empty:
        return empty_figure("No people or skills match the filters")
    people = matrix.drop_duplicates("person_id")[["person_id", "name", "team"]]
    skills = (matrix.drop_duplicates("skill_id")[["skill_id", "skill_name", "skill_discipline",
                                                  "critical"]]
              .sort_values(["skill_discipline", "skill_name"]))
    levels = matrix.pivot(index="person_id", columns="skill_id", values="level")
    levels = levels.loc[people["person_id"], skills["skill_id"]]
    interest = matrix.pivot(index="person_id", columns="skill_id", values="interest")
    interest = interest.loc[people["person_id"], skills["skill_id"]]
    # Name and id: two people can share a name and a team.
    y = [list(people["team"]), [f"{n} · {p}" for n, p in zip(people["name"],
                                                              people["person_id"], strict=True)]]
    hover = [[f"{int(level)} {LEVELS[int(level)]}, interest {int(wish)}"
              for level, wish in zip(level_row, interest_row, strict=True)]
             for level_row, interest_row in zip(levels.to_numpy(), interest.to_numpy(),
                                                strict=True)]
    figure = go.Figure(go.Heatmap(
        z=levels.to_numpy(), x=_skill_axis(skills), y=y, zmin=-0.5, zmax=4.5,
        colorscale=_discrete_scale(LEVEL_SCALE), customdata=hover,
        hovertemplate="%{y[1]} (%{y[0]})<br>%{x[1]}<br>level %{customdata}<extra></extra>",
        colorbar=_LEVEL_BAR, xgap=1, ygap=1,
    ))
    figure.update_layout(
        height=max(300, 18 * len(people) + _LABEL_ROOM + 20),
        margin={"l": _PERSON_LABEL_ROOM, "r": 10, "t": _LABEL_ROOM, "b": 10},
        xaxis={"side": "top", "tickangle": -90},
        yaxis={"autorange": "reversed", "automargin": False},
    )
    return figure


# A block of this many rows keeps its skill labels in a 1000 px window while its last row
# is read: 230 px of labels + 30 rows x 18 px, or 15 teams x 20 px.
PEOPLE_PER_BLOCK = 30
TEAMS_PER_BLOCK = 15


def skills_heatmaps(matrix: pd.DataFrame,
                    per_block: int = PEOPLE_PER_BLOCK) -> list[tuple[str, go.Figure]]:
    """(caption, figure) per team, a team of more than `per_block` people split into blocks:
    every block has its own skill labels, so no cell is further from its label than a
    screen."""
    if matrix.empty:
        return []
    blocks: list[tuple[str, go.Figure]] = []
    for team, rows in matrix.groupby("team", sort=True):
        people = list(dict.fromkeys(rows["person_id"]))
        for start in range(0, len(people), per_block):
            chunk = people[start:start + per_block]
            caption = str(team) if len(people) <= per_block else (
                f"{team} ({start + 1}–{start + len(chunk)} of {len(people)})")
            blocks.append((caption, skills_heatmap(rows[rows["person_id"].isin(chunk)])))
    return blocks


def team_skill_heatmaps(frame: pd.DataFrame,
                        per_block: int = TEAMS_PER_BLOCK) -> list[go.Figure]:
    """`team_skill_heatmap` in blocks of `per_block` teams, each with its own skill labels."""
    if frame.empty:
        return [team_skill_heatmap(frame)]
    teams = sorted(frame["team"].unique())
    return [team_skill_heatmap(frame[frame["team"].isin(teams[start:start + per_block])])
            for start in range(0, len(teams), per_block)]


def team_skill_heatmap(frame: pd.DataFrame) -> go.Figure:
    """Teams x skills for organisations too large for a row per person: the share of each
    team's members who practise the skill, with counts and the mean level on hover."""
    if frame.empty:
        return empty_figure("No teams or skills match the filters")
    skills = (frame.drop_duplicates("skill_id")[["skill_id", "skill_name", "skill_discipline",
                                                 "critical"]]
              .sort_values(["skill_discipline", "skill_name"]))
    teams = sorted(frame["team"].unique())
    share = frame.assign(share=frame["practitioners"] / frame["members"].clip(lower=1))
    z = share.pivot(index="team", columns="skill_id", values="share").loc[teams,
                                                                          skills["skill_id"]]
    count = frame.pivot(index="team", columns="skill_id", values="practitioners").loc[
        teams, skills["skill_id"]]
    members = frame.drop_duplicates("team").set_index("team")["members"].loc[teams]
    mean = frame.pivot(index="team", columns="skill_id", values="mean_level").loc[
        teams, skills["skill_id"]]
    hover = [[f"{int(c)} of {int(m)} practise it, mean level {v:.1f}"
              for c, v in zip(crow, vrow, strict=True)]
             for crow, vrow, m in zip(count.to_numpy(), mean.to_numpy(), members.to_numpy(),
                                      strict=True)]
    figure = go.Figure(go.Heatmap(
        z=z.to_numpy(), x=_skill_axis(skills), y=[f"{t} ({int(m)})" for t, m in
                                                 zip(teams, members, strict=True)],
        zmin=0, zmax=1, colorscale=[[0, LEVEL_SCALE[0]], [1, LEVEL_SCALE[-1]]],
        customdata=hover, xgap=1, ygap=1,
        hovertemplate="%{y}<br>%{x[1]}<br>%{customdata}<extra></extra>",
        colorbar={"title": "Share practising", "tickformat": ".0%", "lenmode": "pixels",
                  "len": 220, "y": 1, "yanchor": "top"},
    ))
    figure.update_layout(
        height=max(300, 20 * len(teams) + _LABEL_ROOM + 20),
        margin={"l": _TEAM_LABEL_ROOM, "r": 10, "t": _LABEL_ROOM, "b": 10},
        xaxis={"side": "top", "tickangle": -90},
        yaxis={"autorange": "reversed", "automargin": False},
    )
    return figure


def team_discipline_figure(coverage: pd.DataFrame) -> go.Figure:
    """Share of each discipline's critical skills that each team holds at level >= 3."""
    if coverage.empty:
        return empty_figure("No teams match the filters")
    pivot = coverage.pivot(index="team", columns="discipline", values="coverage")
    covered = coverage.pivot(index="team", columns="discipline", values="covered")
    total = coverage.pivot(index="team", columns="discipline", values="critical_skills")
    unmet = coverage.pivot(index="team", columns="discipline", values="targets_unmet")
    held = (covered.astype(int).astype(str) + "/" + total.astype(int).astype(str)).where(
        total > 0, "no critical skills")
    text = held + unmet.map(lambda n: f"<br>{int(n)} target{'s' if n != 1 else ''} unmet"
                            if n else "")
    figure = go.Figure(go.Heatmap(
        z=pivot.to_numpy() * 100, x=[discipline_label(d) for d in pivot.columns],
        y=list(pivot.index), text=text.to_numpy(), texttemplate="%{text}",
        colorscale="RdYlGn", zmin=0, zmax=100,
        colorbar={"title": "% critical<br>skills held", "ticksuffix": "%"},
        hovertemplate="%{y} · %{x}<br>%{z:.0f}% of critical skills held at ≥ 3<extra></extra>",
    ))
    figure.update_layout(title="Team × discipline: critical skills held at level ≥ 3",
                         height=max(320, 48 * len(pivot) + 140),
                         margin={"l": 10, "r": 10, "t": 60, "b": 10},
                         yaxis={"autorange": "reversed"})
    return figure


def bus_factor_figure(skills: pd.DataFrame, critical_only: bool = False) -> go.Figure:
    """Practitioners (level >= 3) per skill, fewest first, coloured by discipline."""
    frame = skills[skills["critical"]] if critical_only else skills
    if frame.empty:
        return empty_figure("No skills match the filters")
    frame = frame.sort_values(["holders", "name"], ascending=[False, False])
    figure = go.Figure()
    for discipline, part in frame.groupby("discipline", sort=False):
        figure.add_trace(go.Bar(
            x=part["holders"], y=[f"{n} ★" if c else n for n, c in
                                  zip(part["name"], part["critical"], strict=True)],
            orientation="h", name=discipline_label(str(discipline)),
            marker_color=DISCIPLINE_COLOURS.get(str(discipline), "#7f7f7f"),
            hovertemplate="%{y}: %{x} practitioner(s)<extra></extra>",
        ))
    figure.add_vline(x=1, line_dash="dash", line_color="#b2182b",
                     annotation_text="bus factor 1", annotation_position="top")
    figure.update_layout(title="Bus factor: people at level ≥ 3 per skill (★ critical)",
                         barmode="stack", height=max(360, 22 * len(frame) + 120),
                         yaxis={"categoryorder": "array",
                                "categoryarray": [f"{n} ★" if c else n for n, c in
                                                  zip(frame["name"], frame["critical"],
                                                      strict=True)]},
                         margin={"l": 10, "r": 10, "t": 60, "b": 10},
                         legend={"orientation": "h", "y": -0.08})
    return figure


def target_gaps_figure(gaps: pd.DataFrame) -> go.Figure:
    """People missing against targets, per team, split by discipline."""
    unmet = gaps[gaps["missing"] > 0]
    if unmet.empty:
        return empty_figure("Every team target is met")
    totals = unmet.groupby(["team", "discipline"], as_index=False)["missing"].sum()
    figure = go.Figure()
    for discipline, part in totals.groupby("discipline"):
        figure.add_trace(go.Bar(x=part["team"], y=part["missing"],
                                name=discipline_label(str(discipline)),
                                marker_color=DISCIPLINE_COLOURS.get(str(discipline))))
    figure.update_layout(title="People missing against team targets", barmode="stack",
                         yaxis_title="people missing", height=360,
                         margin={"l": 10, "r": 10, "t": 60, "b": 10})
    return figure


def trend_figure(trend: pd.DataFrame) -> go.Figure:
    """Per snapshot: each critical skill's bus factor (lines) and the share of team targets
    met (dashed, right axis). `trend` is long form: snapshot, loaded_at, series, value,
    measure ('bus factor' or 'coverage')."""
    if trend["snapshot"].nunique() < 2:
        return empty_figure("The trend appears after the second load")
    figure = go.Figure()
    bus = trend[trend["measure"] == "bus factor"]
    for series, part in bus.groupby("series"):
        figure.add_trace(go.Scatter(
            x=part["snapshot"], y=part["value"], mode="lines+markers", name=str(series),
            customdata=part["loaded_at"].astype(str),
            hovertemplate=f"{series}: %{{y}} practitioner(s) in snapshot %{{x}}"
                          " (%{customdata})<extra></extra>"))
    coverage = trend[trend["measure"] == "coverage"]
    figure.add_trace(go.Scatter(
        x=coverage["snapshot"], y=coverage["value"], mode="lines+markers", yaxis="y2",
        name="team targets met", line={"dash": "dash", "color": "#333333", "width": 3},
        hovertemplate="%{y:.0%} of team targets met in snapshot %{x}<extra></extra>"))
    figure.update_layout(title="Critical skills' bus factor and targets met, per load",
                         xaxis={"title": "snapshot", "dtick": 1},
                         yaxis={"title": "practitioners", "rangemode": "tozero"},
                         yaxis2={"title": "targets met", "overlaying": "y", "side": "right",
                                 "range": [0, 1.05], "tickformat": ".0%"},
                         height=420, margin={"l": 10, "r": 10, "t": 60, "b": 10},
                         legend={"orientation": "h", "y": -0.2})
    return figure


def empty_figure(message: str) -> go.Figure:
    """A blank figure that says why there is nothing to draw."""
    figure = go.Figure()
    figure.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper",
                          yref="paper", font={"size": 16})
    figure.update_layout(xaxis={"visible": False}, yaxis={"visible": False}, height=240)
    return figure
