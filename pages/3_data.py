import pandas as pd
import streamlit as st

from pages._shared import require, store
from skills.access import Permission
from skills.dataset import describe_counts
from skills.ingest.loading import parse_uploads
from skills.ingest.problems import DatasetError
from skills.ingest.template import template_workbook
from skills.services.data import load_sample

st.title("Data")
current = store()
counts = current.counts()
load = current.latest_load()
st.write(f"Stored now: {describe_counts(counts)}"
         + (f" — from {load['source']}, {load['loaded_at']:%Y-%m-%d %H:%M}." if load else "."))

st.download_button("Download the template (.xlsx)", template_workbook(),
                   file_name="crosstrain-template.xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
st.caption("Upload one .xlsx workbook with sheets people, skills, ratings (and optionally "
           "targets, requests), the same tables as CSV files, or one sheet in the classic "
           "layout: a row per person and a column per skill.")

if replaced := st.session_state.pop("replaced", None):
    st.success(f"Dataset replaced: {replaced}")

if require(Permission.LOAD_DATASET):
    # A new key after each load empties the uploader, so the same files are not offered again.
    upload_round = st.session_state.setdefault("upload_round", 0)
    uploads = st.file_uploader("Dataset files", type=["csv", "tsv", "txt", "xlsx"],
                               accept_multiple_files=True, key=f"uploads-{upload_round}")
    if uploads:
        with st.status("Checking the upload…", expanded=False) as status:
            try:
                dataset = parse_uploads({f.name: f.getvalue() for f in uploads})
            except DatasetError as error:
                dataset = None
                status.update(label=f"{len(error.problems)} problems found: nothing was stored",
                              state="error", expanded=False)
                problems = error.problems
            else:
                status.update(label="The upload is valid", state="complete")
        if dataset is None:
            st.error(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found; "
                     "the stored dataset is unchanged.")
            st.dataframe(pd.DataFrame([p.as_dict() for p in problems]), hide_index=True,
                         column_config={"source": "File", "row": "Row", "column": "Column",
                                        "message": "Problem"}, key="problems")
        else:
            for warning in dataset.warnings:
                st.warning(warning)
            st.success(f"Ready to load: {describe_counts(dataset.summary())}")
            for tab, frame in zip(st.tabs(list(dataset.tables())),
                                  dataset.tables().values(), strict=True):
                tab.dataframe(frame.head(200), hide_index=True)
            if st.button("Replace the stored dataset", type="primary"):
                with st.spinner("Replacing the stored dataset…"):
                    current.replace_dataset(dataset)
                st.session_state["replaced"] = describe_counts(dataset.summary())
                st.session_state["upload_round"] = upload_round + 1
                st.rerun()

    with st.expander("Start over with the bundled sample organisation"):
        st.write("Replaces the stored dataset with the 120-person sample that ships with "
                 "crosstrain.")
        if st.button("Load the bundled sample"):
            with st.spinner("Loading the sample…"):
                sample = load_sample(current)
            st.session_state["replaced"] = describe_counts(sample.summary())
            st.rerun()
