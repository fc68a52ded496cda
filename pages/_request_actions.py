"""The requests page's callbacks, in a module of their own rather than the page script.

Streamlit keeps the metadata of every widget a session ever drew, callbacks included, and a
function defined in a page script holds that run's globals: every frame the run read. The
withdraw button of a request that left the cards kept its run alive, one run per filing (the
hour soak's RSS climbed 400 → 840 MB in 15 minutes). Functions of an imported module hold only
the module.
"""

from __future__ import annotations

import streamlit as st

from pages._shared import store
from skills.services import rotations as rotation_service
from skills.services.session import NotAllowed

# What a new request starts from. Set through the session state, not given to the widgets: a
# value the state sets is sent to the browser, while a key merely dropped left the browser
# showing the last request's words after it was filed.
# (The window slider is a range only when given its default, so it keeps that and is reset
# by dropping its key.)
FORM_DEFAULTS = {"rr-kind": "join a host team", "rr-skill": "", "rr-priority": 2,
                 "rr-note": ""}


# Filing and withdrawing run as the buttons' callbacks, before the page is drawn, so the list
# below shows the change in the same run: a rerun after the action drew the whole page twice.
def file_from_form(own_id: str) -> None:
    state = st.session_state
    # Whose request: the person picked now (a manager acting for their team), else one's own.
    person_id = str(state.get("rr-person", own_id))
    window = state["rr-window"]
    try:
        request_id = rotation_service.file_request(
            store(), person_id=person_id,
            host_team=state["rr-host"] if state["rr-kind"] == "join a host team" else None,
            skill_id=state["rr-skill"] or None, earliest_quarter=int(window[0]),
            latest_quarter=int(window[1]), priority=int(state["rr-priority"]),
            note=state["rr-note"])
    except (rotation_service.RequestError, NotAllowed) as error:
        # The form keeps what was typed: fix the one thing and file again.
        state["rr-error"] = f"The request was not filed: {error}."
        return
    if request_id.notice:
        state["rr-filed"] = f"Request {request_id} filed."
        state["rr-notice"] = request_id.notice
    else:
        state["rr-filed"] = f"Request {request_id} filed. It takes part in the next plan."
    state.update(FORM_DEFAULTS)  # emptied for the next request
    state.pop("rr-window", None)


def withdraw(request_id: str) -> None:
    try:
        rotation_service.withdraw_request(store(), request_id, "withdrawn by the engineer")
    except (rotation_service.RequestError, NotAllowed) as error:
        st.session_state["rr-withdraw-error"] = f"Not withdrawn: {error}."


def withdraw_picked() -> None:
    picked = st.session_state.get("rr-withdraw-pick", [])
    st.session_state["rr-withdraw-pick"] = []  # set, not dropped: the browser is told too
    for request_id in picked:
        withdraw(str(request_id))
