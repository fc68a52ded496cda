"""Figure builders: the right data lands in the right place."""

from __future__ import annotations

from skills import figures
from skills.services import coverage
from skills.services.coverage import scope


def test_heatmap_groups_people_by_team_and_skills_by_discipline(store):
    matrix = coverage.ratings_matrix(store, scope(teams=["Serving", "Training"]))
    figure = figures.skills_heatmap(matrix)
    heatmap = figure.data[0]
    teams, names = heatmap.y
    disciplines, skills = heatmap.x
    assert list(teams) == sorted(teams)  # grouped by team
    assert list(disciplines) == sorted(disciplines, key=list(disciplines).index)
    assert len(names) == matrix["person_id"].nunique()
    assert len(skills) == matrix["skill_id"].nunique()
    first = matrix[(matrix["person_id"] == names[0].split(" · ")[1])]
    row = dict(zip(first["skill_name"], first["level"], strict=True))
    shown = {s.removesuffix(" ★"): z for s, z in zip(skills, heatmap.z[0], strict=True)}
    assert shown == row


def test_heatmap_of_nothing_says_so(store):
    figure = figures.skills_heatmap(coverage.ratings_matrix(store, scope(teams=["Nobody"])))
    assert "No people" in figure.layout.annotations[0].text


def test_team_discipline_figure(store):
    view = coverage.team_discipline_coverage(store)
    figure = figures.team_discipline_figure(view)
    assert len(figure.data[0].y) == view["team"].nunique()
    assert figure.data[0].zmax == 100


def test_bus_factor_marks_critical_skills(store):
    skills = coverage.skill_coverage(store)
    figure = figures.bus_factor_figure(skills, critical_only=True)
    bars = sum(len(trace.y) for trace in figure.data)
    assert bars == int(skills["critical"].sum())
    assert all(label.endswith("★") for trace in figure.data for label in trace.y)


def test_target_gaps_figure_sums_missing_people(store):
    gaps = coverage.target_gaps(store)
    figure = figures.target_gaps_figure(gaps)
    assert sum(sum(trace.y) for trace in figure.data) == gaps["missing"].sum()
