import streamlit as st

from pages._shared import scope_filters, store
from skills import figures
from skills.services import coverage
from skills.services.exports import csv_download

LABELS = {
    "team": "Team", "discipline": "Discipline", "skill_id": "Skill id", "name": "Skill",
    "skill_name": "Skill", "critical": "Critical", "holders": "Practitioners (≥ 3)",
    "level_0": "0 None", "level_1": "1 Awareness", "level_2": "2 Working",
    "level_3": "3 Practitioner", "level_4": "4 Expert", "interested": "Interested",
    "critical_skills": "Critical skills", "covered": "Held at ≥ 3",
    "coverage": st.column_config.ProgressColumn("Coverage", min_value=0, max_value=1,
                                                format="percent"),
    "targets": "Targets", "targets_unmet": "Unmet", "people_missing": "People missing",
    "min_level": "Min level", "min_people": "Needed", "have": "Have", "missing": "Missing",
    "origin": "Target from",
}

st.title("Coverage explorer")
current = store()
within = scope_filters("coverage")

heatmap, teams, bus, gaps = st.tabs(["Heatmap", "Team × discipline", "Bus factor",
                                     "Target gaps"])
with heatmap:
    matrix = coverage.ratings_matrix(current, within)
    shown = matrix["person_id"].nunique()
    total = sum(coverage.team_members(current).values()) if not within.teams else None
    if total is not None and shown < total:
        st.warning(f"Showing the first {shown} of {total} people; filter by team to see the "
                   "rest.")
    st.plotly_chart(figures.skills_heatmap(matrix), width="stretch", key="heatmap")
with teams:
    team_view = coverage.team_discipline_coverage(current, within)
    st.plotly_chart(figures.team_discipline_figure(team_view), width="stretch")
    st.dataframe(team_view, hide_index=True, column_config=LABELS)
with bus:
    skills = coverage.skill_coverage(current, within)
    critical_only = st.toggle("Critical skills only", value=False)
    st.plotly_chart(figures.bus_factor_figure(skills, critical_only=critical_only),
                    width="stretch")
    st.dataframe(skills, hide_index=True, column_config=LABELS)
    st.download_button("Download skill coverage (CSV)", csv_download(current, skills),
                       file_name="skill-coverage.csv", mime="text/csv")
with gaps:
    target_view = coverage.target_gaps(current, within)
    st.plotly_chart(figures.target_gaps_figure(target_view), width="stretch")
    st.dataframe(target_view, hide_index=True, column_config=LABELS)
    st.download_button("Download target gaps (CSV)", csv_download(current, target_view),
                       file_name="target-gaps.csv", mime="text/csv")
