import json

import pandas as pd
import streamlit as st

from pages._shared import require, store
from skills.services import rotations as rotation_service
from skills.services.session import NotAllowed, Permission

DEFAULTS = rotation_service.Policy()
PLAN_LABELS = {
    "person_id": "Person", "name": "Name", "home_team": "Home team", "host_team": "Host team",
    "quarter": "Quarter", "request_id": "Request", "requested": "Requested",
    "committed": "Approved earlier", "learning": "Learning value", "skills": "Would learn",
    "decision": "Decision", "rationale": "Rationale", "window": "Window",
    "priority": "Priority", "outcome": "Outcome", "constraints": "Rules", "reason": "Why not",
    "decided_by": "Decided by", "decided_at": "Decided at", "check": "Plan check",
}

# What an empty cell means, in words: a name the manager may not see, a rotation nobody asked for.
BLANK_WORDS = {"name": "—", "request_id": "unrequested"}

st.title("Rotation plan")
st.caption("The planner schedules who spends which quarter embedded in another team: it honours "
           "as many requests as it can, adds rotations that grow fragile skills, and never "
           "breaks a coverage rule. You approve or decline each rotation.")
if not require(Permission.PLAN):
    st.stop()
current = store()

with st.expander("Policy", expanded=False):
    left, middle, right = st.columns(3)
    quarters = left.number_input("Horizon (quarters)", 1, 12, DEFAULTS.quarters,
                                 key="rp-quarters")
    share = middle.slider("Most of a team away at once", 0.0, 1.0, DEFAULTS.max_away_share,
                          0.05, format="%.2f", key="rp-share")
    capacity = right.number_input("Rotators a team hosts per quarter", 0, 10,
                                  DEFAULTS.host_capacity, key="rp-capacity")
    max_rotations = left.number_input("Rotations per person", 0, 4, DEFAULTS.max_rotations,
                                      key="rp-max-rotations")
    unrequested = middle.toggle("Propose unrequested rotations that grow skills",
                                DEFAULTS.allow_unrequested, key="rp-unrequested")
    time_limit = right.number_input("Time limit (seconds)", 1, 600, int(DEFAULTS.time_limit),
                                    key="rp-time-limit")
    max_unrequested = left.number_input(
        "Most unrequested rotations", 0, 10_000, DEFAULTS.max_unrequested, key="rp-max-unrequested",
        placeholder="as many as requested",
        help="Rotations nobody asked for, proposed because they grow skills. Empty: no more "
             "than the rotations that answer requests.")
    st.markdown("**Objective weights**")
    w1, w2, w3, w4 = st.columns(4)
    request_weight = w1.number_input("Per request priority point", 0.0, 100.0,
                                     DEFAULTS.request_weight, key="rp-w-request")
    learning_weight = w2.number_input("Per unit of learning", 0.0, 100.0,
                                      DEFAULTS.learning_weight, key="rp-w-learning")
    critical_bonus = w3.number_input("Critical skill bonus", 0.0, 100.0,
                                     DEFAULTS.critical_bonus, key="rp-w-critical")
    fragile_bonus = w4.number_input("Bus factor ≤ 1 bonus", 0.0, 100.0,
                                    DEFAULTS.fragile_bonus, key="rp-w-fragile")
    solver = st.radio("Solver", rotation_service.SOLVERS, horizontal=True, key="rp-solver",
                      format_func={"highs": "HiGHS", "cbc": "CBC"}.get)
    st.caption("A priority-3 request is worth 3 × the request weight. Learning counts a "
               "rotator's interest (out of 3) in up to three skills the host team holds at "
               "practitioner level, each weighted 1 + the critical bonus + the bus-factor bonus "
               "when they apply.")

policy = rotation_service.Policy(quarters=int(quarters), max_away_share=float(share),
                          host_capacity=int(capacity), max_rotations=int(max_rotations),
                          allow_unrequested=bool(unrequested),
                          max_unrequested=None if max_unrequested is None else int(max_unrequested),
                          time_limit=float(time_limit),
                          request_weight=float(request_weight),
                          learning_weight=float(learning_weight),
                          critical_bonus=float(critical_bonus),
                          fragile_bonus=float(fragile_bonus), solver=solver)



# Once a second: each poll is a script run the server pays for (with its garbage collection),
# and at 25 sessions twice a second was a large share of the server (README, load figures).
@st.fragment(run_every=1.0)
def plan_progress() -> None:
    """While the plan runs in the background: its progress, and a way to stop it."""
    job = st.session_state.get("rp-job")
    if job is None:
        return
    if job.done:
        st.rerun(scope="app")
    st.progress(job.progress(),
                text=f"Solving… {job.elapsed():.0f} s (at most {job.limit:.0f} s)")
    if st.button("Cancel", key="rp-cancel", disabled=job.cancelled):
        job.cancel()


# A finished job is collected before the button is drawn, so the button is live again.
running = st.session_state.get("rp-job")
if running is not None and running.done:
    st.session_state.pop("rp-job")
    st.session_state["rp-result"] = running.result()

if st.button("Run the planner", type="primary", key="rp-run",
             disabled="rp-job" in st.session_state):
    try:
        st.session_state["rp-job"] = rotation_service.start_plan(current, policy)
        st.session_state.pop("rp-result", None)
    except rotation_service.PolicyError as error:
        st.error(f"The policy is not valid: {error}.")

# The progress fragment always gets its own slot, so the result drawn after it never takes
# the place a fragment held in the run before (the browser dropped the status line there).
progress_slot = st.container()
if "rp-job" in st.session_state:
    with progress_slot:
        plan_progress()

if "rp-result" in st.session_state:
    org, result = st.session_state["rp-result"]
    if result.status == "optimal":
        st.success(result.message, icon=":material/verified:")
    elif result.status == "feasible":
        st.info(result.message, icon=":material/timelapse:")
    elif result.status == "infeasible":
        st.error("No plan keeps every approved rotation under this policy:\n\n"
                 + "\n".join(f"- {line}" for line in result.explanation),
                 icon=":material/block:")
    elif result.status == "error":
        st.error(result.message, icon=":material/error:")
    else:
        st.warning(f"No plan in time. {result.message}", icon=":material/hourglass_empty:")
    for finding in result.findings:
        st.warning(finding, icon=":material/rule:")

    if result.found:
        frame, outcomes = rotation_service.plan_tables(current, org, result)
        planned = int((outcomes["outcome"] == "planned").sum())
        m1, m2, m3, m4, m5 = st.columns(5)
        m1.metric("Rotations", len(frame))
        m2.metric("Requests honoured", f"{planned} of {len(outcomes)}")
        m3.metric("Objective", f"{result.objective:.1f}",
                  help=f"The quick heuristic scores {result.greedy_objective:.1f}.")
        m4.metric("Gap to best possible",
                  "—" if result.gap is None else f"{result.gap:.2%}",
                  help="How far the plan could at most be from the best possible one.")
        m5.metric("Solve time", f"{result.solve_seconds:.2f} s", help=f"Solver: {result.solver}")
        figures = rotation_service.plan_figures(org, result, frame)
        timeline, before_after, bus, requests_tab, table = st.tabs(
            ["Timeline", "Coverage before / after", "Bus factor", "Requests", "Table"])
        with timeline:
            st.plotly_chart(figures["timeline"], width="stretch", key="rp-timeline")
        with before_after:
            st.caption("Practitioners present in each team's target skills, per quarter. "
                       "The rules keep every target at its floor; this shows how thin cover "
                       "gets while people are away.")
            st.plotly_chart(figures["coverage"], width="stretch", key="rp-coverage")
        with bus:
            st.caption("Critical skills: practitioners now, and expected once rotators one "
                       "level below practitioner have learned from a team that holds the skill.")
            st.plotly_chart(figures["bus_factor"], width="stretch", key="rp-bus")
        with requests_tab:
            st.dataframe(outcomes, hide_index=True, column_config=PLAN_LABELS)
        with table:
            st.dataframe(frame.fillna({c: w for c, w in BLANK_WORDS.items() if c in frame}),
                         hide_index=True, column_config=PLAN_LABELS)
        if st.button("Save as a plan version for approval", key="rp-save"):
            version = rotation_service.save_plan(
                current, org, result, {k: f.to_json() for k, f in figures.items()})
            st.session_state.pop("rp-result")
            st.session_state["rp-version"] = version
            # The picker below has not been drawn yet in this run: show the new version.
            st.session_state["rp-version-pick"] = version
            st.success(f"Saved as plan version {version}.")

st.divider()
st.subheader("Approve or decline")
versions = rotation_service.plan_versions(current)
if versions.empty:
    st.info("No saved plan yet: run the planner and save its plan.")
    st.stop()
version_ids = versions["version"].tolist()
default = st.session_state.get("rp-version", version_ids[0])
version = st.selectbox("Plan version", version_ids,
                       index=version_ids.index(default) if default in version_ids else 0,
                       format_func=lambda v: f"v{v}", key="rp-version-pick")
summary = versions.loc[versions["version"] == version].iloc[0]
st.caption(f"v{version}: {summary['status']}, solver said {summary['solver_status']} "
           f"({summary['message']}); {summary['approved']} approved, {summary['declined']} "
           f"declined, {summary['pending']} pending.")
stored = rotation_service.plan_rotations(current, version)
checked = rotation_service.rule_check(current, int(version))
stored = stored.merge(checked, on=["person_id", "host_team", "quarter"], how="left")
stored["check"] = stored["problems"].fillna("").where(stored["problems"].fillna("") != "",
                                                      "keeps every rule")
stored.loc[stored["decision"] != "pending", "check"] = ""
for message in st.session_state.pop("rp-decided", []):
    st.success(message, icon=":material/check_circle:")

pending = stored[stored["decision"] == "pending"]
if not pending.empty:
    st.markdown("**Pending rotations**: set a decision on as many rows as you like, give one "
                "rationale, then record them together.")
    f1, f2, f3 = st.columns([2, 1, 1])
    teams = sorted(set(pending["home_team"]) | set(pending["host_team"]))
    team_pick = f1.multiselect("Teams (leaving or joining)", teams, key="rp-filter-teams",
                               placeholder="every team")
    quarter_pick = f2.multiselect("Quarters", sorted(pending["quarter"].unique().tolist()),
                                  format_func=lambda q: f"Q{q}", key="rp-filter-quarters",
                                  placeholder="every quarter")
    kind_pick = f3.radio("Rotations", ["all", "requested", "unrequested"], horizontal=True,
                         key="rp-filter-kind")
    view = pending
    if team_pick:
        view = view[view["home_team"].isin(team_pick) | view["host_team"].isin(team_pick)]
    if quarter_pick:
        view = view[view["quarter"].isin(quarter_pick)]
    if kind_pick != "all":
        view = view[view["requested"] == (kind_pick == "requested")]
    others = int((~view["may_decide"]).sum())
    view = view[view["may_decide"]]
    if view.empty:
        st.info("Nothing in this selection is pending for you to decide.")
    if others:
        st.caption(f"{others} more rotation{'s' if others != 1 else ''} in this selection "
                   "neither leave nor join a team you lead: their teams' managers decide them.")
    shown = view.assign(
        choice=rotation_service.LEAVE_PENDING,
        who=[p if pd.isna(n) else n for p, n in zip(view["person_id"], view["name"],
                                                     strict=True)],
        request=view["request_id"].fillna("unrequested"),
    )[["choice", "who", "home_team", "host_team", "quarter", "request", "check", "skills"]]
    # The editor's edits are kept by row position: a new selection or a recorded decision
    # starts a fresh editor, so an edit can never land on another rotation.
    selection = "|".join([",".join(team_pick), ",".join(map(str, quarter_pick)), kind_pick])
    round_ = st.session_state.get("rp-bulk-round", 0)
    edited = st.data_editor(
        shown.reset_index(drop=True), hide_index=True, width="stretch",
        key=f"rp-bulk-{version}-{round_}-{selection}",
        disabled=["who", "home_team", "host_team", "quarter", "request", "skills", "check"],
        column_config={
            "choice": st.column_config.SelectboxColumn(
                "Decision", options=[rotation_service.LEAVE_PENDING, "approved", "declined"],
                required=True, help="approved, declined, or pending (left as it is)"),
            "who": "Person", "home_team": "Home team", "host_team": "Host team",
            "quarter": st.column_config.NumberColumn("Quarter", format="Q%d"),
            "request": "Request",
            "skills": st.column_config.TextColumn("Would learn", width="medium"),
            "check": st.column_config.TextColumn(
                "Plan check", width="medium",
                help="The rules it would break if approved next to every rotation approved "
                     "so far, with the data as it is now"),
        })
    rationale = st.text_input("Rationale for the selection", max_chars=300,
                              key="rp-bulk-rationale", placeholder="One line on why")
    keys = list(zip(view["person_id"], view["host_team"], view["quarter"].astype(int),
                    strict=True))
    chosen = {key: choice for key, choice in zip(keys, edited["choice"], strict=True)
              if choice != rotation_service.LEAVE_PENDING}
    sound = view[view["approvable"].fillna(False).astype(bool)]
    b1, b2 = st.columns(2)
    record = b1.button(f"Record {len(chosen)} decision{'s' if len(chosen) != 1 else ''}",
                       type="primary", key="rp-bulk-record", disabled=not chosen)
    approve_all = b2.button(
        f"Approve all requested rotations that keep every rule ({len(sound)})",
        key="rp-bulk-approve", disabled=sound.empty,
        help="Every pending rotation in this selection that answers an open request and passes "
             "the plan check, approved together. Without a rationale they are approved as "
             f"'{rotation_service.REQUESTED_AND_SOUND}'.")
    done = None
    try:
        if record:
            done = rotation_service.decide_many(current, int(version), chosen, rationale)
            approved = sum(1 for c in chosen.values() if c == "approved")
            words = f"{approved} approved, {done - approved} declined"
        elif approve_all:
            done = rotation_service.approve_requested(current, int(version), rationale,
                                                      only=keys)
            words = f"{done} requested rotation{'s' if done != 1 else ''} approved"
    except (ValueError, NotAllowed) as error:
        st.error(f"Nothing was recorded: {error}.")
    if done is not None:
        st.session_state["rp-decided"] = [f"Recorded {done} decision{'s' if done != 1 else ''}"
                                          f" on v{version}: {words}."]
        st.session_state["rp-bulk-round"] = round_ + 1
        st.session_state["rp-version"] = int(version)
        st.rerun()

st.markdown("**Every rotation of this version**")
# Blank cells read as blank, not "None": a name the manager may not see, no request, no decision.
listed = stored[["person_id", "name", "home_team", "host_team", "quarter", "request_id",
                 "decision", "rationale", "decided_by", "decided_at", "check", "committed",
                 "learning", "skills"]].astype({"decided_at": "string"}).assign(
    quarter=lambda f: "Q" + f["quarter"].astype(int).astype(str)).fillna(BLANK_WORDS)
st.dataframe(listed.fillna(""), hide_index=True, column_config=PLAN_LABELS)
with st.expander("Plan versions"):
    st.dataframe(versions, hide_index=True)
    record = rotation_service.plan_version(current, int(version))
    if record:
        st.json({"policy": json.loads(record["policy"]), "inputs": json.loads(record["inputs"])},
                expanded=False)
