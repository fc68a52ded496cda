import datetime as dt

import streamlit as st

from pages._shared import require, store
from skills.services import audit
from skills.services.session import Permission

st.title("Audit trail")
st.caption("Who did what and when: sign-ins, imports, requests, plan versions, approvals and "
           "declines, exports. Lines are never changed or removed, and hold ids, counts and "
           "file digests, never anyone's levels, interests or notes.")
if not require(Permission.READ_AUDIT):
    st.stop()
current = store()

since = st.date_input("Since", value=None, key="audit-since", format="YYYY-MM-DD",
                      max_value=dt.date.today())
lines = audit.entries(current, since)
st.dataframe(lines, hide_index=True, key="audit-table",
             column_config={"entry": "#", "happened_at": "When", "actor": "Who",
                            "role": "Role", "action": "Did", "object": "What",
                            "row_count": "Rows", "sha256": "File SHA-256"})
st.caption(f"{len(lines)} line{'s' if len(lines) != 1 else ''}.")
left, right = st.columns(2)
left.download_button("Download as CSV", lambda: audit.export(current, since, "csv"),
                     file_name="audit.csv", mime="text/csv", key="audit-csv")
right.download_button("Download as JSON", lambda: audit.export(current, since, "json"),
                      file_name="audit.json", mime="application/json", key="audit-json")
