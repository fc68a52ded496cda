import streamlit as st

from pages._shared import caller, store
from skills.plans.succession import figures as succession_figures
from skills.services import succession
from skills.services.session import Role

LABELS = {
    "incumbent_name": "Key person", "team": "Team", "rank": "#",
    "successor_name": "Successor", "successor_team": "Successor's team",
    "readiness": "Readiness", "gaps": "Gaps (now→needed)", "development": "Development",
    "name": "Name", "skills_at_risk": "Skills at risk", "targets_at_risk": "Targets at risk",
    "successors": "Successors", "candidates": "Candidates", "reason": "Why",
    "note": "Note", "uncovered": "Critical skills uncovered", "broken": "Targets broken",
    "thin": "Critical skills left with one", "score": "Impact", "what_breaks": "What breaks",
    "first_name": "First", "first_team": "First's team", "second_name": "Second",
    "second_team": "Second's team", "skill_name": "Skill",
    "required_level": "Required level", "ready_now": "Ready now",
    "ready_soon": "Ready in 1-2 years", "key_people": "Key people",
    "successor_id": "Successor id", "incumbent_id": "Key person id",
    # The export's headers are these labels: one wording on screen and in the file.
    **succession.EXPORT_LABELS,
}


@st.cache_data(show_spinner="Working out who could step in…", max_entries=16)
def analyse(_current: succession.Organisation, version: tuple, role: str,
            teams: frozenset[str], options: succession.SuccessionOptions
            ) -> succession.SuccessionPlan:
    # `version`, the role and the teams key the cache; the store itself is not hashed.
    return succession.analyse(_current, options)


def page() -> None:
    st.title("Succession plans")
    st.caption("Who is one resignation away from a gap, who could step in, how ready they "
               "are, and what it takes to get them there.")
    who = caller()
    current = store()
    if not who.can(succession.Permission.READ_PEOPLE):
        st.info("Succession plans are for HR and managers.")
        return
    if who.role == Role.MANAGER:
        # The sign-in says which teams a manager leads (the roles mapping).
        st.caption("Your teams: " + (", ".join(sorted(who.teams)) or "none in the roles "
                                     "mapping; ask an administrator"))

    defaults = succession.SuccessionOptions()
    with st.expander("Settings", expanded=False):
        left, right = st.columns(2)
        max_successors = left.number_input("Successors per key person", 1, 10,
                                           defaults.max_successors, key="succession-slate")
        max_slates = right.number_input(
            "Most key people one person succeeds", 1, 10, defaults.max_slates,
            key="succession-cap",
            help="A bench made of the same two experts is no bench.")
        st.caption("Readiness over the skills at risk, each at practitioner level or the level "
                   "of the target that would break: ready now = there in every one; ready in "
                   "1-2 years = at most one level short in each, with interest ≥ 2 where "
                   "short; later = at least Awareness in each. The slates maximise readiness "
                   "points (3 / 2 / 1) plus 3 for a key person's first successor and 0.5 for "
                   "the second, exactly.")
    options = succession.SuccessionOptions(max_successors=int(max_successors),
                                           max_slates=int(max_slates))
    plan = analyse(current, succession.version(current), who.role.value, who.teams, options)

    if plan.found:
        count = len(plan.key_people)
        st.success(f"{plan.message} {count} key {'person' if count == 1 else 'people'}, "
                   f"{len(plan.slates)} successors named ({plan.method}, "
                   f"{plan.seconds:.2f} s).", icon=":material/verified:")
    else:
        st.error(plan.message + " " + "; ".join(v.message for v in plan.violations))
        return
    for reason in plan.reasons:
        st.warning(reason, icon=":material/person_off:")

    slates = plan.slates
    first, second, third, fourth = st.columns(4)
    first.metric("Key people", len(plan.key_people), border=True,
                 help="Leaving would leave a critical skill with no practitioner or break a "
                      "team target that is met today.")
    second.metric("Without a successor", int((plan.key_people["successors"] == 0).sum()),
                  border=True)
    third.metric("Successors ready now", int((slates["readiness"] == "ready now").sum()),
                 border=True)
    fourth.metric("Slate score", f"{plan.objective:.1f}", border=True,
                  help=f"For the whole organisation: proven bound {plan.bound:.1f}; greedy "
                      "baseline "
                      f"{plan.greedy_objective:.1f}.")

    slate_tab, impact_tab, pairs_tab, bench_tab, export_tab = st.tabs(
        ["Key people and successors", "Departure impact", "Hidden pairs", "Bench strength",
         "Export"])
    with slate_tab:
        st.dataframe(plan.key_people, hide_index=True, column_config=LABELS,
                     key="succession-key-people",
                     column_order=["name", "team", "skill_names_at_risk", "targets_at_risk",
                                   "successors", "reason", "note"])
        st.dataframe(slates, hide_index=True, column_config=LABELS, key="succession-slates",
                     column_order=["incumbent_name", "rank", "successor_name",
                                   "successor_team", "readiness", "gaps", "development"])
    with impact_tab:
        st.caption("What breaks if each person alone leaves, ranked: critical skills left "
                   "with no practitioner weigh 10, targets broken 3, critical skills left "
                   "with one practitioner 1.")
        st.plotly_chart(succession_figures.impact_figure(plan.impact), width="stretch",
                        key="succession-impact")
        st.dataframe(plan.impact, hide_index=True, column_config=LABELS,
                     key="succession-impact-table",
                     column_order=["name", "team", "score", "uncovered", "broken", "thin",
                                   "what_breaks"])
    with pairs_tab:
        st.caption("Pairs whose joint departure breaks what neither departure breaks alone: "
                   "the organisation's hidden single points of failure.")
        if plan.hidden.empty:
            st.info("No two people together break more than each of them alone.")
        else:
            st.dataframe(plan.hidden, hide_index=True, column_config=LABELS,
                         key="succession-hidden",
                         column_order=["first_name", "first_team", "second_name",
                                       "second_team", "score", "what_breaks"])
    with bench_tab:
        st.caption("Distinct people ready now and in 1-2 years: per critical skill (at its "
                   "required level) and per team (to succeed one of its key people).")
        left, right = st.columns(2)
        left.plotly_chart(succession_figures.bench_figure(
            plan.bench_skill, "skill_name", "Bench strength per critical skill"),
            width="stretch", key="succession-bench-skill")
        right.plotly_chart(succession_figures.bench_figure(
            plan.bench_team, "team", "Bench strength per team"), width="stretch",
            key="succession-bench-team")
    with export_tab:
        if not who.can(succession.Permission.EXPORT_PERSONAL):
            st.info("HR exports succession plans; your role may view them here.")
        else:
            st.caption("One row per key person and successor, names beside their ids, "
                       "headed as on this page; IDs stay text and no cell can run as a "
                       "formula.")
            left, right = st.columns(2)
            left.download_button("Download succession plan (CSV)",
                                 lambda: succession.export(current, "csv", plan=plan),
                                 file_name="succession.csv", mime=succession.MEDIA_TYPES["csv"],
                                 key="succession-csv")
            right.download_button("Download succession plan (XLSX)",
                                  lambda: succession.export(current, "xlsx", plan=plan),
                                  file_name="succession.xlsx",
                                  mime=succession.MEDIA_TYPES["xlsx"], key="succession-xlsx")


# app.py runs every page under run_guarded; errors here must stay visible to tests.
page()
