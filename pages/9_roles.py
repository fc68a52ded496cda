import pandas as pd
import streamlit as st

from pages._shared import require, store
from skills.services import identity
from skills.services.session import NotAllowed, Permission, Role

st.title("Roles")
st.caption("Who may sign in, as what: each email is one role (engineer, manager, HR, admin), "
           "the person of the matrix it is, and for a manager the teams they lead. An email "
           "that is not listed gets no access at all.")
if not require(Permission.MANAGE_ROLES):
    st.stop()
current = store()

if "roles-saved" in st.session_state:
    st.success(st.session_state.pop("roles-saved"), icon=":material/check_circle:")

mapping = identity.roles(current)
st.dataframe(mapping, hide_index=True, key="roles-table",
             column_config={"email": "Email", "role": "Role", "person_id": "Person",
                            "teams": "Teams led", "updated_at": "Changed",
                            "updated_by": "Changed by"})

left, right = st.columns(2)
with left, st.form("roles-one", clear_on_submit=True):
    st.subheader("Add or change one")
    email = st.text_input("Email", key="roles-email")
    role = st.selectbox("Role", [r.value for r in identity.ASSIGNABLE_ROLES], key="roles-role")
    person = st.text_input("Person id (engineers and managers)", key="roles-person")
    teams = st.text_input("Teams led (managers; separate with ;)", key="roles-teams")
    if st.form_submit_button("Save this role", type="primary"):
        entry = identity.RoleEntry(email.strip().lower(), Role(role), person.strip() or None,
                                   tuple(t.strip() for t in teams.split(";") if t.strip()))
        try:
            problems = identity.entry_problems(entry)
            if problems:
                raise identity.RolesError(problems)
            identity.set_role(current, entry)
        except (identity.RolesError, NotAllowed) as error:
            st.error(f"Not saved: {error}")
        else:
            st.session_state["roles-saved"] = f"{entry.email} is now {entry.role.value}."
            st.rerun()
with right:
    st.subheader("Take access away")
    emails = mapping["email"].tolist()
    gone = st.selectbox("Email", emails, index=None, key="roles-remove",
                        placeholder="Choose an email")
    if st.button("Remove", disabled=gone is None, key="roles-remove-button"):
        try:
            identity.remove_role(current, str(gone))
        except NotAllowed as error:
            st.error(f"Not removed: {error}.")
        else:
            st.session_state["roles-saved"] = f"{gone} has no access any more."
            st.rerun()

st.subheader("Replace the whole mapping")
st.caption("A CSV or .xlsx with the columns email, role, person_id, teams (its `roles` sheet, "
           "so the matrix workbook can carry it). It replaces every row above.")
upload = st.file_uploader("Roles file", type=["csv", "xlsx"], key="roles-upload")
if upload is not None:
    try:
        entries = identity.read_roles({upload.name: upload.getvalue()})
    except identity.RolesError as error:
        st.error(f"The file was not used:\n\n{error}")
    else:
        st.dataframe(pd.DataFrame([{"email": e.email, "role": e.role.value,
                                    "person_id": e.person_id, "teams": "; ".join(e.teams)}
                                   for e in entries]), hide_index=True, key="roles-preview")
        if st.button(f"Replace the mapping with these {len(entries)} rows", type="primary",
                     key="roles-replace"):
            try:
                identity.replace_roles(current, entries)
            except (identity.RolesError, NotAllowed) as error:
                st.error(f"Not replaced: {error}")
            else:
                st.session_state["roles-saved"] = f"The mapping now has {len(entries)} rows."
                st.rerun()
