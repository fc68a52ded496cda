import streamlit as st

from pages._shared import caller, require, store
from skills.services import data
from skills.services.session import Permission

KINDS = {"request": "Rotation request", "approved rotation": "Approved rotation",
         "proposed rotation": "Proposed rotation", "mentoring pair": "Accepted mentoring pair",
         "hiring plan": "Saved hiring plan", "hiring scenario": "Saved hiring scenario"}
DECISION_LABELS = {"kind": "What", "item": "Which", "request_id": None, "reason": "Why"}

st.title("Data")
current = store()
counts = data.stored_counts(current)
load = data.latest_snapshot(current)
st.write(f"Stored now: {data.describe_counts(counts)}"
         + (f" — snapshot {load['snapshot']}, from {load['source']}, "
            f"{load['loaded_at']:%Y-%m-%d %H:%M} by {load['loaded_by']}." if load else "."))

st.download_button("Download the template (.xlsx)", data.template(),
                   file_name="crosstrain-template.xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
st.caption("Upload one .xlsx workbook with sheets people, skills, ratings (and optionally "
           "targets, requests), the same tables as CSV files, or one sheet in the classic "
           "layout: a row per person and a column per skill. A load replaces the matrix "
           "(people, skills, ratings, targets); requests, plans and decisions made in the app "
           "are kept, and a file's requests are added or updated.")

if replaced := st.session_state.pop("replaced", None):
    st.success(f"Dataset replaced: {replaced}")

# The items name people, so only those who may see people's rows get the list.
waiting = data.needs_decision(current) if caller().can(Permission.READ_PEOPLE) else None
if waiting is not None and not waiting.empty:
    st.subheader("Needs a decision")
    st.caption("Work in progress that refers to people, teams or skills the stored data no "
               "longer has. Nothing was dropped: decline or withdraw these on the plan and "
               "request pages, or load data that has them again.")
    st.dataframe(waiting.assign(kind=waiting["kind"].map(KINDS).fillna(waiting["kind"])),
                 hide_index=True, column_config=DECISION_LABELS, key="needs-decision")

if require(Permission.LOAD_DATASET):
    # A new key after each load empties the uploader, so the same files are not offered again.
    upload_round = st.session_state.setdefault("upload_round", 0)
    uploads = st.file_uploader("Dataset files", type=["csv", "tsv", "txt", "xlsx"],
                               accept_multiple_files=True, key=f"uploads-{upload_round}")
    if uploads:
        with st.status("Checking the upload…", expanded=False) as status:
            try:
                incoming = data.check_uploads({f.name: f.getvalue() for f in uploads})
            except data.DatasetError as error:
                incoming = None
                status.update(label=f"{len(error.problems)} problems found: nothing was stored",
                              state="error", expanded=False)
                problems = error.problems
            else:
                status.update(label="The upload is valid", state="complete")
        if incoming is None:
            st.error(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found; "
                     "the stored dataset is unchanged.")
            st.dataframe([p.as_dict() for p in problems], hide_index=True,
                         column_config={"source": "File", "row": "Row", "column": "Column",
                                        "message": "Problem"}, key="problems")
        else:
            dataset = incoming.dataset
            for warning in dataset.warnings:
                st.warning(warning)
            st.success(f"Ready to load: {data.describe_counts(dataset.summary())}")
            st.caption(f"SHA-256 of the upload: `{incoming.sha256}`")
            impact = data.preview(current, dataset)
            st.subheader("What the replacement changes")
            if impact.empty:
                st.info("Nobody leaves, no team disappears and no work in progress is "
                        "affected.", icon=":material/check_circle:")
            if not impact.leaving.empty:
                st.markdown(f"**{len(impact.leaving)} "
                            f"{'person leaves' if len(impact.leaving) == 1 else 'people leave'}"
                            "** the matrix:")
                st.dataframe(impact.leaving, hide_index=True, key="leaving",
                             column_config={"person_id": "Id", "name": "Name", "team": "Team"})
            if not impact.teams.empty:
                st.markdown("**Teams that disappear:** "
                            + ", ".join(f"{t} ({n} members)" for t, n in
                                        zip(impact.teams["team"], impact.teams["members"],
                                            strict=True)))
            if not impact.needs_decision.empty:
                st.warning(f"{len(impact.needs_decision)} item"
                           f"{'s' if len(impact.needs_decision) != 1 else ''} of work in "
                           "progress will need a decision. They are kept, marked with the "
                           "reason.", icon=":material/rule:")
                affected = impact.needs_decision
                st.dataframe(affected.assign(kind=affected["kind"].map(KINDS)
                                             .fillna(affected["kind"])),
                             hide_index=True, column_config=DECISION_LABELS, key="affected")
            for tab, frame in zip(st.tabs(list(dataset.tables())),
                                  dataset.tables().values(), strict=True):
                tab.dataframe(frame.head(200), hide_index=True)
            if st.button("Replace the stored dataset", type="primary", key="replace"):
                with st.spinner("Replacing the stored dataset…"):
                    snapshot = data.store_incoming(current, incoming)
                st.session_state["replaced"] = (f"snapshot {snapshot}, "
                                                f"{data.describe_counts(dataset.summary())}")
                st.session_state["upload_round"] = upload_round + 1
                st.rerun()

    with st.expander("Start over with the bundled sample organisation"):
        st.write("Replaces the stored matrix with the 120-person sample that ships with "
                 "crosstrain. Requests, plans and decisions are kept.")
        if st.button("Load the bundled sample", key="load-sample"):
            with st.spinner("Loading the sample…"):
                sample = data.load_sample(current)
            st.session_state["replaced"] = data.describe_counts(sample.summary())
            st.rerun()

with st.expander("Every load so far"):
    st.dataframe(data.snapshots(current), hide_index=True, key="snapshots",
                 column_config={"coverage": st.column_config.NumberColumn(
                     "Targets met", format="percent")})
