import pandas as pd
import streamlit as st

from pages._shared import caller, store
from skills import figures
from skills.services import charts, coverage, data
from skills.services.session import Permission

GAP_WIDTHS = {"team": ("Team", 155), "skill_name": ("Skill", 170),
              "missing": ("Missing", 62), "target": ("Have", 90)}

st.title("Coverage overview")
current = store()
summary = coverage.overview(current)
load = data.latest_snapshot(current)
if load:
    counts = {"people": summary.people, "teams": summary.teams, "skills": summary.skills}
    st.caption(f"{data.describe_counts(counts)} · snapshot {load['snapshot']}, loaded from "
               f"{load['source']} at {load['loaded_at']:%Y-%m-%d %H:%M}")
waiting = data.needs_decision_count(current)
if waiting:
    st.warning(f"{waiting} item{'s' if waiting != 1 else ''} of work in progress "
               "refer to people or teams the data no longer has and need a decision: see "
               "**Data**.", icon=":material/rule:")

# People missing is a count of its own: as a metric's delta it drew a trend arrow.
first, second, third, fourth = st.columns(4)
first.metric("Fragile critical skills", summary.fragile_critical_skills,
             help="Critical skills with bus factor ≤ 1: at most one person at level ≥ 3 "
                  "(Practitioner).",
             border=True)
second.metric("Team targets unmet", summary.targets_unmet,
              help="Targets where fewer members than min_people are at min_level.",
              border=True)
third.metric("People missing", summary.people_missing,
             help="Members the unmet targets lack, added up over every unmet target.",
             border=True)
fourth.metric("Key people", summary.key_people,
              help="Sole practitioners of a critical skill: one resignation from a gap.",
              border=True)

left, right = st.columns(2)
with left:
    st.subheader("One resignation away")
    # Names are for who may see people (a manager: of the teams they lead); others the count.
    key = (coverage.key_people(current) if caller().can(Permission.READ_PEOPLE)
           else pd.DataFrame())
    if summary.key_people == 0:
        st.success("Every critical skill has at least two practitioners.")
    elif key.empty:
        count = summary.key_people
        st.info(f"{count} key {'person is' if count == 1 else 'people are'} the sole "
                "practitioner of a critical skill.")
    else:
        st.dataframe(key[["name", "team", "skill_name", "level"]], hide_index=True,
                     column_config={"name": "Person", "team": "Team",
                                    "skill_name": "Sole practitioner of", "level": "Level"})
    uncovered = coverage.fragile_skills(current, max_holders=0)
    if not uncovered.empty:
        st.error("No practitioner at all: " + ", ".join(uncovered["name"]))
with right:
    st.subheader("Largest target gaps")
    unmet = coverage.largest_gaps(current)
    if unmet.empty:
        st.success("Every team target is met.")
    else:
        # Four columns in GAP_WIDTHS fit half of a 1440 px page (about 480 px beside the
        # sidebar); the target reads as one phrase instead of three number columns.
        st.dataframe(unmet, hide_index=True, width="stretch", key="overview-gaps",
                     column_order=list(GAP_WIDTHS),
                     column_config={
                         column: (st.column_config.NumberColumn if column == "missing"
                                  else st.column_config.TextColumn)(label, width=width)
                         for column, (label, width) in GAP_WIDTHS.items()})

st.plotly_chart(charts.chart(figures.bus_factor_figure, coverage.skill_coverage(current),
                             critical_only=True), width="stretch")

st.subheader("Since the first load")
st.plotly_chart(charts.chart(figures.trend_figure, data.trend(current)), width="stretch",
                key="trend")
