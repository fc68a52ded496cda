import streamlit as st

from pages._shared import caller, denied_words, store
from skills.plans.hiring import figures as hiring_figures
from skills.services import coverage
from skills.services import hiring as hiring_service
from skills.services.exports import csv_download
from skills.services.hiring import (
    BASELINE,
    Costs,
    HiringInputError,
    HiringOptions,
    HiringPlan,
    Scenario,
    ScenarioError,
    TargetChange,
)
from skills.services.session import Permission

st.title("Hiring targets")
st.caption("What the teams cannot close from inside: grow people who are one level short, "
           "move people teams can spare, and hire the rest — at the least cost.")

who = caller()
may_plan = who.can(Permission.PLAN)
may_export = who.can(Permission.EXPORT_PERSONAL)
if not (may_plan or may_export):
    st.info(denied_words(who.role.value, Permission.PLAN.value))
    st.stop()

current = store()
DEFAULTS = HiringOptions()
learning = hiring_service.learning_lines(current) if may_plan else []
count_learning = st.toggle(
    f"Count learning already under way ({len(learning)} from accepted mentoring pairs and "
    "approved rotations)", value=True, disabled=not learning, key="hiring-count-learning",
    help="A mentee grows one level in the pair's skill; a rotator one level below "
         "practitioner becomes a practitioner in what the host team teaches. Plans then do "
         "not buy those gaps again, nor grow these people in another skill.")
if learning and count_learning:
    with st.expander("Learning counted as under way"):
        st.markdown("\n".join(f"- {line}" for line in learning))


def rules_inputs(key: str, start: Scenario) -> dict:
    """Costs, horizon and allowed actions; returns Scenario fields."""
    first, second, third = st.columns(3)
    hire_cost = first.number_input("Cost of a hire", min_value=0.0, value=start.costs.hire,
                                   step=5.0, key=f"{key}-hire-cost")
    grow_cost = second.number_input("Cost of growing someone", min_value=0.0,
                                    value=start.costs.grow, step=5.0, key=f"{key}-grow-cost")
    move_cost = third.number_input("Cost of a move", min_value=0.0, value=start.costs.move,
                                   step=5.0, key=f"{key}-move-cost")
    horizon = first.number_input("Horizon (quarters)", min_value=1, max_value=12,
                                 value=start.horizon, step=1, key=f"{key}-horizon")
    per_hire = second.number_input("Skills per hire", min_value=1, max_value=10,
                                   value=start.skills_per_hire, step=1, key=f"{key}-per-hire")
    allow_hire = third.toggle("Hiring", value=start.allow_hire, key=f"{key}-allow-hire")
    allow_grow = third.toggle("Growing", value=start.allow_grow, key=f"{key}-allow-grow")
    allow_move = third.toggle("Moves", value=start.allow_move, key=f"{key}-allow-move")
    return {"costs": Costs(hire=float(hire_cost), grow=float(grow_cost),
                           move=float(move_cost)),
            "horizon": int(horizon), "skills_per_hire": int(per_hire),
            "allow_hire": allow_hire, "allow_grow": allow_grow, "allow_move": allow_move}


def show_plan(plan: HiringPlan, key: str) -> None:
    if plan.status == "infeasible":
        st.error(plan.message)
        st.markdown("\n".join(f"- {reason}" for reason in plan.reasons))
        return
    if plan.status == "timeout":
        st.warning(plan.message)
        return
    cost, hires, greedy, bound = st.columns(4)
    cost.metric("Plan cost", f"{plan.objective:,.0f}", border=True,
                delta=None if plan.pure_hiring_cost is None else
                f"{plan.objective - plan.pure_hiring_cost:,.0f} vs hiring only",
                delta_color="inverse")
    hires.metric("Hires", plan.hires, border=True,
                 help="Among plans of equal cost, the one with the fewest hires.")
    greedy.metric("Greedy baseline", "–" if plan.greedy_cost is None
                  else f"{plan.greedy_cost:,.0f}", border=True,
                  help="Cheap actions first, then hires: the plan's warm start.")
    bound.metric("Proven bound", "–" if plan.bound is None else f"{plan.bound:,.0f}",
                 border=True, delta=None if plan.gap is None else f"gap {plan.gap:.2%}",
                 delta_color="off", delta_arrow="off",
                 help="No plan can cost less than this.")
    st.caption(f"{plan.status.capitalize()} · {plan.message} · {plan.seconds:.1f} s · "
               f"{plan.targets_unmet_before} of {plan.targets} targets unmet today")
    if not plan.actions:
        st.success("Every target is already met.")
        return
    left, right = st.columns(2)
    left.plotly_chart(hiring_figures.cost_comparison_figure(plan), width="stretch",
                      key=f"{key}-costs")
    right.plotly_chart(hiring_figures.actions_by_team_figure(plan), width="stretch",
                       key=f"{key}-teams")
    st.subheader("Why each action")
    st.markdown("\n".join(f"- {line}" for line in plan.explanations()))
    with st.expander("Actions as a table"):
        st.dataframe(plan.frame(explained=True), hide_index=True, width="stretch",
                     key=f"{key}-table")


def scenario_editor(key: str, default: Scenario) -> Scenario:
    saved = {s.name: s for s in hiring_service.saved_scenarios(current)}
    choices = hiring_service.scenario_choices(current)
    chosen = st.selectbox("Start from", ["(new)", *saved], key=f"{key}-from")
    start = saved.get(chosen, default)
    # Widget keys carry the starting scenario, so picking another one resets the inputs.
    key = f"{key}-{chosen}"
    name = st.text_input("Scenario name", value=start.name, key=f"{key}-name")
    labels = choices.people
    removed = st.multiselect("People who leave", list(labels), format_func=labels.get,
                             default=[p for p in start.removed_people if p in labels],
                             key=f"{key}-removed")
    teams = choices.teams
    frozen = st.multiselect("Frozen teams (nobody moves out)", teams,
                            default=[t for t in start.frozen_teams if t in teams],
                            key=f"{key}-frozen")
    skill_names = choices.skills
    # A saved change whose team or skill is gone since (a new dataset) starts empty.
    change = next((c for c in start.target_changes
                   if c.team in teams and c.skill_id in skill_names), None)
    team_col, skill_col, level_col, people_col = st.columns([3, 3, 2, 2])
    target_team = team_col.selectbox("Change a target: team", ["(none)", *teams],
                                     index=teams.index(change.team) + 1 if change else 0,
                                     key=f"{key}-target-team")
    skills = sorted(skill_names, key=skill_names.get)
    target_skill = skill_col.selectbox("Skill", skills, format_func=skill_names.get,
                                       index=skills.index(change.skill_id) if change else 0,
                                       key=f"{key}-target-skill")
    min_level = level_col.number_input("Min level", min_value=1, max_value=4,
                                       value=change.min_level if change else 3,
                                       key=f"{key}-target-level")
    min_people = people_col.number_input("People (0 drops it)", min_value=0, max_value=50,
                                         value=change.min_people if change else 2,
                                         key=f"{key}-target-people")
    # The page edits one target change; a saved scenario's others are kept as they are.
    kept = tuple(c for c in start.target_changes if c is not change
                 and c.team in teams and c.skill_id in skill_names)
    if kept:
        st.caption("Also: " + "; ".join(f"{c.team} needs {c.min_people} at level "
                                        f"{c.min_level} in {skill_names[c.skill_id]}"
                                        for c in kept))
    with st.expander("Costs, horizon and actions"):
        rules = rules_inputs(key, start)
    changes = kept if target_team == "(none)" else (
        TargetChange(target_team, target_skill, int(min_level), int(min_people)),
        *kept)
    return Scenario(name=name, removed_people=tuple(removed), target_changes=changes,
                              frozen_teams=tuple(frozen), **rules)


def what_if() -> None:
    key_people = coverage.key_people(current)
    leaver = key_people.iloc[0] if not key_people.empty else None
    second_default = Scenario(
        name=f"What if {leaver['name']} leaves?" if leaver is not None else "What if",
        removed_people=(str(leaver["person_id"]),) if leaver is not None else ())
    left, right = st.columns(2)
    built = {}
    for column, key, default in ((left, "A", Scenario()),
                                 (right, "B", second_default)):
        with column, st.container(border=True):
            st.markdown(f"**Scenario {key}**")
            built[key] = scenario_editor(f"whatif-{key}", default)
            if st.button(f"Save scenario {key}", key=f"whatif-save-{key}"):
                try:
                    hiring_service.save_scenario(current, built[key])
                    st.toast(f"Saved “{built[key].name}”.")
                except ScenarioError as error:
                    st.error(str(error))
    limit = st.slider("Seconds per scenario", 1, 60, 10, key="whatif-time-limit")
    if st.button("Compare scenarios", type="primary", key="whatif-compare"):
        try:
            with st.spinner("Planning both scenarios…"):
                results = [hiring_service.scenario_with_learning(
                    current, built[k], time_limit=float(limit),
                    use_learning=bool(learning and count_learning))[0] for k in ("A", "B")]
            st.session_state["hiring-comparison"] = results
        except HiringInputError as error:  # includes ScenarioError
            st.error(str(error))
            st.session_state.pop("hiring-comparison", None)
    results = st.session_state.get("hiring-comparison")
    if not results:
        return
    comparison = hiring_service.compare(*results)
    st.subheader("Side by side")
    st.dataframe(comparison.summary, hide_index=True, width="stretch", key="whatif-summary",
                 height=35 * (len(comparison.summary) + 1) + 3)
    st.plotly_chart(hiring_figures.bus_factor_comparison_figure(comparison.bus_factor),
                    width="stretch", key="whatif-bus")
    with st.expander("Bus factor per critical skill"):
        st.dataframe(comparison.bus_factor, hide_index=True, width="stretch",
                     key="whatif-bus-table")
    for label, result in zip(("A", "B"), results, strict=True):
        with st.expander(f"Plan for scenario {label}: {result.scenario.name}"):
            show_plan(result.plan, f"whatif-plan-{label}")


def plan_tab() -> None:
    with st.expander("Costs, horizon and actions", expanded=False):
        rules = rules_inputs("plan", Scenario())
    limit = st.slider("Time limit (seconds)", 1, 120, int(DEFAULTS.time_limit),
                      key="plan-time-limit")
    options = Scenario(**rules).options(time_limit=float(limit))
    if st.button("Plan hiring", type="primary", key="plan-run"):
        with st.spinner("Planning…"):
            st.session_state["hiring-plan"] = (hiring_service.plan_with_learning(
                current, options, use_learning=bool(learning and count_learning))[0], options)
    if "hiring-plan" not in st.session_state:
        st.info("Set the costs and press **Plan hiring**.")
        return
    plan, used = st.session_state["hiring-plan"]
    show_plan(plan, "plan")
    if plan.has_plan and plan.actions and st.button("Save this plan for HR", key="plan-save"):
        plan_id = hiring_service.save_plan(current, BASELINE, plan, used)
        st.success(f"Saved as plan {plan_id}. HR can export it under **Saved plans**.")


ACTION_LABELS = {
    "action": "Action", "team": "Team", "discipline": "Discipline", "skill_id": "Skill id",
    "level": "Level", "person_id": "Person id", "person_name": "Person", "hire_no": "Hire #",
    "cost": "Cost", "from_team": "From team", "mentor_id": "Mentor id",
    "explanation": "Why"}


def saved_tab() -> None:
    plans = hiring_service.saved_plans(current)
    if plans.empty:
        st.info("No saved plans yet: a manager saves one from the Plan tab.")
        return
    st.dataframe(plans.drop(columns=["options"]), hide_index=True, width="stretch",
                 key="saved-plans")
    plan_id = st.selectbox("Plan", plans["plan_id"].tolist(), key="saved-plan-id",
                           format_func=lambda i: f"Plan {i}")
    actions = hiring_service.saved_plan_actions(current, int(plan_id))
    st.dataframe(actions, hide_index=True, width="stretch", key="saved-actions",
                 column_config=ACTION_LABELS, column_order=list(ACTION_LABELS))
    if may_export:
        # HR's file: the table's columns under its labels, names beside the ids.
        shown = actions[[c for c in ACTION_LABELS if c in actions.columns]]
        st.download_button("Export plan as CSV",
                           lambda: csv_download(current, shown, personal=True,
                                                labels=ACTION_LABELS,
                                                name=f"hiring-plan-{plan_id}.csv"),
                           file_name=f"hiring-plan-{plan_id}.csv", mime="text/csv",
                           key="saved-export")
    else:
        st.caption("HR exports saved plans as CSV.")


if may_plan:
    plan_view, what_if_view, saved_view = st.tabs(["Plan", "What-if", "Saved plans"])
    with plan_view:
        plan_tab()
    with what_if_view:
        what_if()
    with saved_view:
        saved_tab()
else:
    st.subheader("Saved plans")
    saved_tab()
