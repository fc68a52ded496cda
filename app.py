"""crosstrain: where are we one resignation away from an outage, and who should learn what?"""

import streamlit as st

from pages._shared import role_picker

st.set_page_config(page_title="crosstrain", page_icon=":material/swap_horiz:", layout="wide")

PAGES = {
    "Coverage": [
        st.Page("pages/1_overview.py", title="Overview", icon=":material/home:", default=True),
        st.Page("pages/2_coverage.py", title="Coverage explorer", icon=":material/grid_view:"),
    ],
    "Plans": [
        # Planner pages, one line each: st.Page("pages/<n>_<planner>.py", title=..., icon=...),
    ],
    "Data": [
        st.Page("pages/3_data.py", title="Data", icon=":material/upload_file:"),
    ],
}

navigation = st.navigation({section: pages for section, pages in PAGES.items() if pages})
role_picker()
navigation.run()
