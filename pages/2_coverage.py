import streamlit as st

from pages._shared import caller, scope_filters, store
from skills import figures
from skills.services import charts, coverage
from skills.services.exports import csv_download
from skills.services.session import Permission

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

# Downloads carry the headers shown on screen.
HEADERS = {key: value if isinstance(value, str) else value["label"]
           for key, value in LABELS.items()}

st.title("Coverage explorer")
current = store()
within = scope_filters("coverage")

heatmap, teams, bus, gaps = st.tabs(["Heatmap", "Team × discipline", "Bus factor",
                                     "Target gaps"])
with heatmap:
    view = coverage.heatmap_view(current, within)
    # Person rows only for teams the caller may see (the service decides; HR sees all).
    who = caller()
    visible = who.team_filter() if who.can(Permission.READ_PEOPLE) else []
    drillable = [t for t in sorted(view.frame["team"].unique())
                 if visible is None or t in visible] if view.kind == "teams" else []
    if view.kind == "teams":
        if view.people_in_scope > coverage.PERSON_ROWS_MAX:
            st.info(f"{view.people_in_scope:,} people are too many for a row each: this shows "
                    "teams × skills (the share of each team's members who practise the "
                    "skill). Choose a team under the heatmap to see it person by person.",
                    icon=":material/zoom_out_map:")
        else:
            st.info("Teams × skills: the share of each team's members who practise the skill. "
                    "People's own levels are for them, their managers and HR.",
                    icon=":material/groups:")
        # Blocks of teams, each with its skill labels, so no row is a screen from them.
        for number, figure in enumerate(charts.chart(figures.team_skill_heatmaps, view.frame)):
            st.plotly_chart(figure, width="stretch", key=f"heatmap-teams-{number}",
                            config={"displayModeBar": False})
        drill = st.selectbox("Team to see person by person", drillable,
                             index=None, placeholder="Choose a team", key="heatmap-drill",
                             disabled=not drillable) if drillable else None
        if drill:
            matrix = coverage.ratings_matrix(current, coverage.scope([drill],
                                                                     within.disciplines))
            for number, (caption, figure) in enumerate(charts.chart(figures.skills_heatmaps,
                                                                    matrix)):
                st.markdown(f"**{caption}**")
                st.plotly_chart(figure, width="stretch", key=f"heatmap-drill-figure-{number}",
                                config={"displayModeBar": False})
    else:
        st.caption("Proficiency by person and skill, one block per team (★ critical skill).")
        matrix = view.frame
        for number, (caption, figure) in enumerate(charts.chart(figures.skills_heatmaps,
                                                                matrix)):
            st.markdown(f"**{caption}**")
            # No toolbar: on hover it covered the discipline labels at the top right.
            st.plotly_chart(figure, width="stretch", key=f"heatmap-{number}",
                            config={"displayModeBar": False})
        if matrix.empty:
            st.plotly_chart(figures.skills_heatmap(matrix), width="stretch", key="heatmap")
with teams:
    team_view = coverage.team_discipline_coverage(current, within)
    st.plotly_chart(charts.chart(figures.team_discipline_figure, team_view), width="stretch")
    st.dataframe(team_view, hide_index=True, column_config=LABELS)
with bus:
    skills = coverage.skill_coverage(current, within)
    critical_only = st.toggle("Critical skills only", value=False)
    st.plotly_chart(charts.chart(figures.bus_factor_figure, skills, critical_only=critical_only),
                    width="stretch")
    st.dataframe(skills, hide_index=True, column_config=LABELS)
    # A callable: the file is made (and audited) when someone clicks, not on every run.
    st.download_button("Download skill coverage (CSV)",
                       lambda: csv_download(current, skills, labels=HEADERS,
                                            name="skill-coverage.csv"),
                       file_name="skill-coverage.csv", mime="text/csv")
with gaps:
    target_view = coverage.target_gaps(current, within)
    st.plotly_chart(charts.chart(figures.target_gaps_figure, target_view), width="stretch")
    st.dataframe(target_view, hide_index=True, column_config=LABELS)
    st.download_button("Download target gaps (CSV)",
                       lambda: csv_download(current, target_view, labels=HEADERS,
                                            name="target-gaps.csv"),
                       file_name="target-gaps.csv", mime="text/csv")
