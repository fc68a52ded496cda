import pandas as pd
import streamlit as st

from pages._shared import caller, scope_filters, store
from skills.plans.mentoring import figures as mentoring_figures
from skills.services import mentoring as mentoring_service
from skills.services.exports import csv_download
from skills.services.session import Organisation, Permission

DEFAULTS = mentoring_service.MentoringOptions()
LABELS = {
    "mentor_name": "Mentor", "mentor_team": "Mentor's team", "mentor_level": "Mentor level",
    "mentee_name": "Mentee", "mentee_team": "Mentee's team", "mentee_level": "Mentee level",
    "skill_name": "Skill", "score": st.column_config.NumberColumn("Score", format="%.2f"),
    "decision": "Decision", "fixed": "Kept (accepted)", "reason": "Why this pair",
    "decider": "Decided by", "note": "Rationale",
    "decided_at": st.column_config.DatetimeColumn("Decided at", format="YYYY-MM-DD HH:mm"),
}


def pair_label(row: pd.Series) -> str:
    return f"{row['mentor_name']} → {row['mentee_name']} · {row['skill_name']}"


def decide(current: Organisation, picked: pd.DataFrame, decision: str) -> None:
    rationale = st.session_state.get("mentoring-rationale") or None
    count = mentoring_service.record_decisions(current, picked, decision, rationale)
    st.session_state["mentoring-done"] = f"{count} pair(s) {decision}."
    st.session_state["mentoring-pick"] = []
    st.session_state["mentoring-rationale"] = ""


st.title("Mentoring pairs")
st.caption("Pairs a mentor at practitioner level or above with someone at least two levels "
           "below who wants the skill or whose team misses it. The plan closes gaps on "
           "fragile critical skills first and favours pairs across teams and disciplines; "
           "it is the best possible set under the settings below.")
current = store()
may_decide = caller().can(Permission.PLAN)
people = mentoring_service.people(current)

with st.expander("Settings", expanded=False):
    left, middle, right = st.columns(3)
    min_level = left.number_input("Least mentor level", 1, 4, DEFAULTS.min_mentor_level,
                                  key="mentoring-min-level")
    capacity = middle.number_input("Mentees per mentor", 0, 10, DEFAULTS.mentor_capacity,
                                   key="mentoring-capacity")
    max_mentors = right.number_input("Mentors per mentee", 0, 5, DEFAULTS.max_mentors,
                                     key="mentoring-max-mentors")
    cross = left.slider("Weight of pairs across teams and disciplines", -3.0, 6.0,
                        DEFAULTS.weights.cross, 0.5, key="mentoring-cross",
                        help="Turn up to mix specialties; below 0 prefers pairs in one team.")
    keep = middle.toggle("Keep accepted pairs", True, key="mentoring-keep")
    # Names as the service shows them (namesakes in one team carry their id), with the team.
    names = {p: f"{n} · {t}" for p, n, t in zip(people["person_id"], people["name"],
                                                people["team"], strict=True)}
    exclude = right.multiselect("Leave out (on leave, overloaded)", list(names),
                                format_func=names.__getitem__,
                                key="mentoring-exclude")
    st.caption("Score of a pair: 4 × critical skill ÷ bus factor + 3 if it closes a team gap "
               "+ 2 × interest ÷ 3 + 1 × level difference ÷ 4 + the cross weight × (½ other "
               "team + ½ other discipline).")

options = mentoring_service.MentoringOptions(
    min_mentor_level=int(min_level), mentor_capacity=int(capacity),
    max_mentors=int(max_mentors), weights=mentoring_service.Weights(cross=float(cross)),
    exclude=frozenset(exclude))
latest = mentoring_service.decisions(current)
try:
    with st.spinner("Finding the best mentoring pairs…"):
        # Solved once per snapshot, decisions and settings; the caller gets their rows of it.
        view = mentoring_service.plan_view(current, options, bool(keep))
    plan, org = view.plan, view.org
except mentoring_service.MentoringInputError as error:
    st.error(f"These settings do not work: {error}.")
    st.stop()

if plan.status == "optimal":
    st.success(view.headline(), icon=":material/verified:")
else:
    st.warning(view.headline(), icon=":material/hourglass_empty:")
for dropped in plan.dropped_fixed:
    st.info(f"An accepted pair is no longer kept: {dropped}.")

within = scope_filters("mentoring")
pairs = mentoring_service.pairs_view(plan.pairs, latest, within)

# The totals are of the caller's pairs; the organisation's stand beside them.
m1, m2, m3, m4 = st.columns(4)
whole = f"The organisation's plan has {view.organisation_pairs} pairs."
m1.metric("Pairs" if view.everyone else "Your pairs", len(plan.pairs),
          help=None if view.everyone else whole)
m2.metric("Shown", len(pairs), help="Your pairs within the team and discipline filters.")
m3.metric("Across teams", int((plan.pairs["mentor_team"] != plan.pairs["mentee_team"]).sum()))
m4.metric("Total score" if view.everyone else "Score of your pairs", f"{view.score:.1f}",
          help=f"Whole plan {view.organisation_score:.1f}; {plan.method}; "
               f"{plan.seconds:.2f} s")

table, network, bus, history = st.tabs(["Pairs", "Network", "Bus factor", "Decisions"])
with table:
    if not view.names_people:
        st.info("Mentoring pairs name people, so they are for the people in them, their "
                f"managers and HR. The organisation's plan has {view.organisation_pairs} "
                "pairs; the Bus factor tab shows what they change.")
    else:
        st.dataframe(pairs, hide_index=True, column_config=LABELS, key="mentoring-table",
                     column_order=["decision", "mentor_name", "mentor_team", "mentor_level",
                                   "mentee_name", "mentee_team", "mentee_level", "skill_name",
                                   "score", "reason"])
    if may_decide:
        labels = {pair_label(row): i for i, row in pairs.iterrows()}
        chosen = st.multiselect("Pairs to accept or decline", list(labels),
                                key="mentoring-pick",
                                placeholder="Choose pairs from the table")
        st.text_input("Rationale", max_chars=mentoring_service.MAX_RATIONALE,
                      key="mentoring-rationale",
                      placeholder="Why: e.g. agreed with both in the 1:1s",
                      help="Stored with the decision and shown under Decisions.")
        accept, decline, _ = st.columns([1, 1, 4])
        keys = ["mentor_id", "mentee_id", "skill_id", "score"]
        picked = pairs.loc[[labels[label] for label in chosen], keys]
        for button, decision, label, key in (
                (accept, "accepted", "Accept", "mentoring-accept"),
                (decline, "declined", "Decline", "mentoring-decline")):
            # A callback runs before the next script run, so it may also clear the picker.
            button.button(label, key=key, disabled=picked.empty, on_click=decide,
                          args=(current, picked, decision),
                          type="primary" if decision == "accepted" else "secondary")
        shown = pairs.loc[:, list(mentoring_service.PAIR_COLUMNS)]
        st.download_button("Download pairs (CSV)",
                           lambda: csv_download(current, shown, name="mentoring-pairs.csv"),
                           file_name="mentoring-pairs.csv", mime="text/csv")
    elif view.names_people:
        st.info("Managers accept or decline pairs; your role may view them.")
    if "mentoring-done" in st.session_state:
        st.success(st.session_state.pop("mentoring-done"))

with network:
    show_skills = st.toggle("Show the skill graph (people ↔ skills held at level ≥ 3)",
                            key="mentoring-skill-graph")
    scope_people = people
    if within.teams:
        scope_people = scope_people[scope_people["team"].isin(within.teams)]
    if within.disciplines:
        scope_people = scope_people[scope_people["discipline"].isin(within.disciplines)]
    drawn = mentoring_service.network(org, pairs, scope_people["person_id"].tolist(),
                                      with_skills=show_skills)
    if drawn.too_large:
        st.warning(f"{drawn.graph.number_of_nodes()} people and skills are too many to draw; "
                   "filter by team or discipline.")
    else:
        st.plotly_chart(mentoring_figures.network_figure(drawn.graph, drawn.positions),
                        width="stretch", key="mentoring-network")
        if drawn.sole_holder_skills:
            st.caption("Held by one person only (red): " + ", ".join(drawn.sole_holder_skills))

with bus:
    st.caption("Practitioners (level ≥ 3) per critical skill now, and once every mentee in "
               "the plan reaches level 3.")
    change = mentoring_service.practitioners_after_mentoring(org, plan.pairs)
    st.plotly_chart(mentoring_figures.practitioners_after_mentoring_figure(change),
                    width="stretch",
                    key="mentoring-bus")
    st.dataframe(change, hide_index=True)

with history:
    if latest.empty:
        st.info("No pair you may see has been accepted or declined yet."
                if not view.everyone else "No pair has been accepted or declined yet.")
    else:
        st.dataframe(latest, hide_index=True, column_config=LABELS, key="mentoring-decisions",
                     column_order=list(mentoring_service.DECISION_COLUMNS))
