"""crosstrain: where are we one resignation away from an outage, and who should learn what?"""

import streamlit as st

from pages._shared import run_guarded, sign_in
from skills.services.session import (
    Permission,
    collect_after_runs,
    keep_modules_out_of_collections,
)

st.set_page_config(page_title="crosstrain", page_icon=":material/swap_horiz:", layout="wide")

PAGES = {
    "Coverage": [
        st.Page("pages/1_overview.py", title="Overview", icon=":material/home:", default=True),
        st.Page("pages/2_coverage.py", title="Coverage explorer", icon=":material/grid_view:"),
    ],
    "Plans": [
        st.Page("pages/4_rotation_requests.py", title="Rotation requests",
                icon=":material/flight_takeoff:"),
        st.Page("pages/5_rotations.py", title="Rotation plan", icon=":material/event_repeat:"),
        st.Page("pages/6_mentoring.py", title="Mentoring pairs", icon=":material/diversity_3:"),
        st.Page("pages/7_hiring.py", title="Hiring targets", icon=":material/person_add:"),
        st.Page("pages/8_succession.py", title="Succession", icon=":material/account_tree:"),
    ],
    "Data": [
        st.Page("pages/3_data.py", title="Data", icon=":material/upload_file:"),
    ],
}


def _nothing() -> None:
    """The sign-in gate has drawn everything there is to see."""


def main() -> None:
    # Nobody sees a page before the sign-in gate says who they are (deny by default).
    who = sign_in()
    if who is None:
        # The sign-in screen is the only page: without a navigation of its own Streamlit would
        # run the page of the address bar (a deep link) under the sign-in screen.
        st.navigation([st.Page(_nothing, title="Sign in", url_path="sign-in", default=True)],
                      position="hidden").run()
        return
    pages = {section: list(entries) for section, entries in PAGES.items()}
    if who.can(Permission.MANAGE_ROLES):
        pages["Data"].append(st.Page("pages/9_roles.py", title="Roles",
                                     icon=":material/badge:"))
    if who.can(Permission.READ_AUDIT):
        pages["Data"].append(st.Page("pages/10_audit.py", title="Audit trail",
                                     icon=":material/history:"))
    st.navigation(pages).run()


try:
    run_guarded(main)
finally:
    # After the run, before the collection that follows it: see the functions for why.
    keep_modules_out_of_collections()
    collect_after_runs()
