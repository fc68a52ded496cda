import pandas as pd
import streamlit as st

from pages._request_actions import FORM_DEFAULTS, file_from_form, withdraw, withdraw_picked
from pages._shared import caller, require, store
from skills.services import rotations as rotation_service
from skills.services.session import Permission

STATUS_WORDS = {
    "requested": "Waiting for the next plan",
    "proposed": "In a proposed plan, waiting for a manager",
    "approved": "Approved",
    "declined": "Declined",
    "withdrawn": "Withdrawn",
}

st.title("Rotation requests")
st.caption("Ask to spend a quarter embedded in another team. A manager runs the planner, which "
           "schedules as many requests as the coverage rules allow, and approves or declines "
           "each rotation.")
if not require(Permission.REQUEST_ROTATION):
    st.stop()

current = store()
people, all_teams, skill_labels = rotation_service.organisation_choices(current)
if people.empty:
    st.info("No organisation is loaded yet.")
    st.stop()
labels = {row.person_id: f"{row.name} · {row.team}" for row in people.itertuples()}
# The sign-in says who you are; a manager may also act for the people of the teams they lead
# (the service offers only those, and checks again when it stores anything).
who = caller()
if list(labels) == [who.person_id]:
    person_id = who.person_id
    st.caption(f"You are {labels[person_id]}.")
else:
    mine_first = sorted(labels, key=lambda p: (p != who.person_id, labels[p]))
    person_id = st.selectbox("Requests of", mine_first, format_func=labels.get,
                             key="rr-person")
home = people.loc[people["person_id"] == person_id, "team"].iloc[0]

teams = [t for t in all_teams if t != home]

if "rr-filed" in st.session_state:
    st.success(st.session_state.pop("rr-filed"), icon=":material/check_circle:")
if st.session_state.get("rr-notice"):
    st.warning(st.session_state.pop("rr-notice"), icon=":material/event_busy:")
if "rr-withdraw-error" in st.session_state:
    st.error(st.session_state.pop("rr-withdraw-error"))
st.subheader("Your requests")
every_request = rotation_service.person_requests(current, str(person_id))
if every_request.empty:
    st.info("You have no rotation requests yet.")


def listed(requests: pd.DataFrame) -> pd.DataFrame:
    """Requests as table rows: what was asked for, in words."""
    host = requests["host_team"].fillna("")
    return requests.assign(
        host_team=host.where(host != "", "any team holding "
                             + requests["skill_name"].fillna(requests["skill_id"])
                             .fillna("the skill")),
        window="Q" + requests["earliest_quarter"].astype(str) + "–Q"
        + requests["latest_quarter"].astype(str),
        status=requests["status"].map(STATUS_WORDS).fillna(requests["status"]),
    )[["request_id", "host_team", "window", "priority", "status", "latest_note"]]


REQUEST_COLUMNS = {"request_id": "Request", "host_team": "Host team", "window": "Window",
                   "priority": "Priority", "status": "Status", "latest_note": "Latest note"}
# A few requests as cards, each with what happens next, those with news first; the other open
# ones and the closed ones each in one table, so that a long history neither buries them nor
# costs a card each on every rerun.
cards, more, closed = rotation_service.request_cards(every_request)
for row in cards.itertuples():
    skill_name = row.skill_id if pd.isna(row.skill_name) else row.skill_name
    target = row.host_team or f"any team holding {skill_name}"
    title = (f"{row.request_id}: {target}, Q{row.earliest_quarter}–Q{row.latest_quarter}, "
             f"priority {row.priority} — {STATUS_WORDS.get(row.status, row.status)}")
    with st.container(border=True):
        st.markdown(f"**{title}**")
        latest = "" if pd.isna(row.latest_note) else str(row.latest_note)
        if row.status in ("approved", "proposed") and not pd.isna(row.rotation_host):
            where = f"Q{int(row.rotation_quarter)} with {row.rotation_host}"
            if row.status == "approved":
                st.success(f"Approved: you spend {where} (plan v{int(row.rotation_version)}, "
                           f"decided by {row.decided_by}).", icon=":material/event_available:")
            else:
                st.info(f"Proposed in plan v{int(row.rotation_version)}: {where}, waiting for "
                        "a manager.", icon=":material/pending:")
        if row.needs_decision:
            st.warning(f"Needs a decision: {row.needs_decision}.", icon=":material/rule:")
        if row.status == "requested" and latest.startswith("Not in plan"):
            st.warning(f"{latest}.", icon=":material/block:")
        elif latest:
            st.caption(latest)
        if row.status in rotation_service.OPEN_STATUSES:
            st.button("Withdraw", key=f"rr-withdraw-{row.request_id}", on_click=withdraw,
                      args=(str(row.request_id),))
if not more.empty:
    with st.expander(f"More open requests ({len(more):,})"):
        st.dataframe(listed(more), hide_index=True, width="stretch",
                     column_config=REQUEST_COLUMNS)
        may_go = more.loc[more["status"].isin(rotation_service.OPEN_STATUSES), "request_id"]
        picked = st.multiselect("Withdraw requests", may_go.astype(str).tolist(),
                                key="rr-withdraw-pick", placeholder="pick requests to withdraw")
        st.button("Withdraw the picked requests", key="rr-withdraw-picked",
                  on_click=withdraw_picked, disabled=not picked)
if not closed.empty:
    with st.expander(f"Withdrawn and declined ({len(closed):,})"):
        st.dataframe(listed(closed), hide_index=True, width="stretch",
                     column_config=REQUEST_COLUMNS)

for form_key, start in FORM_DEFAULTS.items():
    st.session_state.setdefault(form_key, start)
with st.form("rr-form", clear_on_submit=False):
    st.subheader("New request")
    st.radio("I want to", ["join a host team", "grow a skill"], horizontal=True, key="rr-kind")
    left, right = st.columns(2)
    left.selectbox("Host team", teams, key="rr-host",
                   help="Used when you want to join a host team.")
    # "" for no skill: a None set through the session state shows as no choice at all.
    right.selectbox("Skill to grow", ["", *skill_labels],
                    format_func=lambda s: skill_labels.get(s, "—"), key="rr-skill",
                    help="With 'grow a skill', any team holding it may host you.")
    st.select_slider("Quarter window", options=list(range(1, 9)), value=(1, 4),
                     format_func=lambda q: f"Q{q}", key="rr-window")
    st.radio("Priority", [1, 2, 3], horizontal=True, key="rr-priority",
             format_func={1: "1 · nice to have", 2: "2 · important",
                          3: "3 · most important"}.get)
    st.text_area("Note for the manager", max_chars=rotation_service.MAX_NOTE, key="rr-note")
    st.form_submit_button("File request", type="primary", on_click=file_from_form,
                          args=(str(person_id),))
if "rr-error" in st.session_state:
    st.error(st.session_state.pop("rr-error"))

with st.expander("The rules every plan keeps"):
    st.markdown("\n".join(f"{number}. {text.capitalize()}." for number, text in
                          rotation_service.CONSTRAINTS.items()))

if caller().can(Permission.PLAN):
    with st.expander("Every request (managers)"):
        everything = rotation_service.all_requests(current)
        st.dataframe(everything, hide_index=True, key="rr-all",
                     column_config={"needs_decision": "Needs a decision"})
