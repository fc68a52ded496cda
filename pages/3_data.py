from pathlib import Path

import pandas as pd
import streamlit as st

from pages._shared import caller, require, store
from skills.services import data
from skills.services.session import Permission

KINDS = {"request": "Rotation request", "approved rotation": "Approved rotation",
         "proposed rotation": "Proposed rotation", "mentoring pair": "Accepted mentoring pair",
         "hiring plan": "Saved hiring plan", "hiring scenario": "Saved hiring scenario"}
DECISION_LABELS = {"kind": "What", "item": "Which", "request_id": None, "reason": "Why"}
PROBLEM_LABELS = {"source": "File", "row": "Row", "column": "Column", "message": "Problem"}
# The problem list of the last upload that failed its check, kept after the file has left the
# uploader (a new uploader key empties it, so the bad file is not combined with the next one).
REFUSED = "refused-upload"
EXAMINED = "examined-upload"
CHECKED = "checked-mapping"
SHEET = "mapping-sheet"

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
           "layout: a row per person and a column per skill. Another tool's export (a CSV, "
           "an .xlsx or a JSON backup) is mapped onto these tables first. A load replaces the "
           "matrix (people, skills, ratings, targets); requests, plans and decisions made in "
           "the app are kept, and a file's requests are added or updated.")

if replaced := st.session_state.pop("replaced", None):
    st.success(f"Dataset replaced: {replaced}")
if st.session_state.pop("disk_nearly_full", None):
    st.warning("The disk holding the database filled up just after the load was stored: the "
               "new data is safe in DuckDB's log and is folded into the file when it is next "
               "opened with room to spare. Ask whoever runs crosstrain to free some space.")

# The items name people, so only those who may see people's rows get the list.
waiting = data.needs_decision(current) if caller().can(Permission.READ_PEOPLE) else None
if waiting is not None and not waiting.empty:
    st.subheader("Needs a decision")
    st.caption("Work in progress that refers to people, teams or skills the stored data no "
               "longer has. Nothing was dropped: decline or withdraw these on the plan and "
               "request pages, or load data that has them again.")
    st.dataframe(waiting.assign(kind=waiting["kind"].map(KINDS).fillna(waiting["kind"])),
                 hide_index=True, column_config=DECISION_LABELS, key="needs-decision")


def show_problems(error: data.DatasetError, key: str) -> None:
    st.dataframe([p.as_dict() for p in error.problems], hide_index=True,
                 column_config=PROBLEM_LABELS, key=key)
    if error.more:
        st.caption(f"… and {error.more:,} more, not listed.")


def next_round(message: str, upload_round: int) -> None:
    """After a load: a fresh, empty uploader, and what was stored."""
    st.session_state["replaced"] = message
    st.session_state["upload_round"] = upload_round + 1
    for name in (EXAMINED, CHECKED, SHEET):
        st.session_state.pop(name, None)
    st.rerun()


def show_preview(incoming: data.Incoming) -> None:
    """What the upload holds and what replacing the stored matrix with it changes."""
    dataset = incoming.dataset
    for warning in dataset.warnings:
        st.warning(warning)
    st.success(f"Ready to load: {data.describe_counts(dataset.summary())}")
    st.caption(f"SHA-256 of the upload: `{incoming.sha256}`")
    impact = data.preview(current, dataset)
    st.subheader("What the replacement changes")
    if impact.empty:
        st.info("Nobody leaves, no team disappears and no work in progress is affected.",
                icon=":material/check_circle:")
    if not impact.leaving.empty:
        st.markdown(f"**{len(impact.leaving)} "
                    f"{'person leaves' if len(impact.leaving) == 1 else 'people leave'}"
                    "** the matrix:")
        st.dataframe(impact.leaving, hide_index=True, key="leaving",
                     column_config={"person_id": "Id", "name": "Name", "team": "Team"})
    if not impact.teams.empty:
        st.markdown("**Teams that disappear:** "
                    + ", ".join(f"{t} ({data.counted(int(n), 'member')})" for t, n in
                                zip(impact.teams["team"], impact.teams["members"], strict=True)))
    if not impact.needs_decision.empty:
        st.warning(f"{data.counted(len(impact.needs_decision), 'item')} of work in progress "
                   f"will need a decision. They are kept, marked with the reason.",
                   icon=":material/rule:")
        affected = impact.needs_decision
        st.dataframe(affected.assign(kind=affected["kind"].map(KINDS).fillna(affected["kind"])),
                     hide_index=True, column_config=DECISION_LABELS, key="affected")
    for tab, frame in zip(st.tabs(list(dataset.tables())), dataset.tables().values(),
                          strict=True):
        tab.dataframe(frame.head(200), hide_index=True)


def edit_mapping(step: data.MappingStep, key: str) -> data.ImportMapping | None:
    """The mapping as the person leaves it in the editors; None (with the reason shown) when
    it cannot be used as it stands."""
    base = step.mapping
    st.markdown(f"**Layout:** {data.LAYOUT_WORDS.get(base.layout, base.layout)}"
                + (f", from “{base.table}”" if base.table and base.layout != "json" else "")
                + (f"; interests from the sheet “{base.interest_table}”"
                   if base.interest_table else ""))
    settings: dict[str, object] = {}
    if step.sheets and base.layout == "wide":
        others = ["", *(t for t in step.sheets if t != base.table)]
        settings["interest_table"] = st.selectbox(
            "Interests from the sheet", others,
            index=others.index(base.interest_table) if base.interest_table in others else 0,
            format_func=lambda title: title or "none (interests in the cells, as in 3/2)",
            key=f"{key}-interests-from",
            help="A second sheet with the same people and skill columns, holding interests.")
    columns = None
    try:
        if base.layout in ("wide", "long"):
            st.markdown("**Columns.** What each column of the file is; a column marked "
                        "*Ignored* is not read.")
            columns = st.data_editor(
                data.column_table(step, base), hide_index=True, key=f"{key}-columns",
                column_config={
                    "column": st.column_config.TextColumn("Column in the file", disabled=True),
                    "used_as": st.column_config.SelectboxColumn(
                        "Used as", options=data.role_options(base.layout), required=True,
                        format_func=lambda role: data.FIELD_LABELS.get(role, role))})
        shaped = data.edited_mapping(base, columns)
    except data.DatasetError as error:
        st.error("The columns cannot be read this way: "
                 + " ".join(p.message for p in error.problems))
        return None

    known = data.known_skills()
    skills = data.skill_table(shaped)
    # Filled once the editor below has said which skills are still unmatched.
    unmatched_slot = st.empty()
    st.markdown("**Skills.** How each skill of the file maps to crosstrain's skills.")
    edited_skills = st.data_editor(
        skills, hide_index=True, key=f"{key}-skills-{len(skills)}",
        column_config={
            "column": st.column_config.TextColumn("Skill in the file", disabled=True),
            "known": st.column_config.SelectboxColumn(
                "Known skill", options=[data.OWN_SKILL, *known], required=True,
                format_func=lambda skill_id: known.get(skill_id, "(a skill of its own)")),
            "skill_id": st.column_config.TextColumn("Id, if its own"),
            "name": st.column_config.TextColumn("Name, if its own"),
            "discipline": st.column_config.SelectboxColumn(
                "Discipline", options=[*data.DISCIPLINES, data.UNASSIGNED], required=True,
                format_func=lambda code: data.DISCIPLINES.get(code, "not assigned")),
            "critical": st.column_config.CheckboxColumn("Critical"),
            "matched": st.column_config.TextColumn("Matched by", disabled=True),
            "suggestion": st.column_config.TextColumn("Perhaps", disabled=True)})

    st.markdown("**What the file does not say.**")
    left, middle, right = st.columns(3)
    settings["default_team"] = left.text_input(
        "Team for people without one", base.default_team, key=f"{key}-team",
        help="Used when the file has no team column or a person's team cell is empty.")
    disciplines = ["", *data.DISCIPLINES]
    settings["default_discipline"] = middle.selectbox(
        "Discipline for people without one", disciplines,
        index=disciplines.index(base.default_discipline)
        if base.default_discipline in disciplines else 0,
        format_func=lambda code: data.DISCIPLINES.get(code, "none"), key=f"{key}-discipline")
    settings["infer_discipline"] = right.checkbox(
        "Else from their strongest skills", base.infer_discipline, key=f"{key}-infer",
        help="A person without a discipline gets the one of the known skills they rate "
             "highest, before the default.")

    if "role" in base.columns or base.layout == "json":
        with st.expander("Discipline by role"):
            st.caption("A person without a discipline but with one of these roles gets its "
                       "discipline; common roles (data engineer, SRE, product manager…) are "
                       "known already.")
            roles = st.data_editor(
                pd.DataFrame({"role": list(base.roles), "discipline": list(base.roles.values())},
                             dtype="object"),
                hide_index=True, num_rows="dynamic", key=f"{key}-roles",
                column_config={"role": "Role", "discipline": st.column_config.SelectboxColumn(
                    "Discipline", options=list(data.DISCIPLINES),
                    format_func=lambda code: data.DISCIPLINES.get(code, code))})
        settings["roles"] = {str(r).strip(): str(d) for r, d in
                             zip(roles["role"], roles["discipline"], strict=True)
                             if isinstance(r, str) and r.strip() and isinstance(d, str) and d}
    st.markdown("**Reading cells and rows.**")
    left, middle, right = st.columns(3)
    settings["split"] = left.multiselect(
        "A cell's level and interest are split by", ["/", "-", ";", "|", ","], base.split,
        accept_new_options=True, key=f"{key}-split", help="3/2 is level 3, interest 2.")
    settings["none"] = middle.multiselect(
        "A cell means no rating when it is", sorted({*base.none, "-", "n/a", "na", "—", ""}),
        base.none, accept_new_options=True, key=f"{key}-none",
        format_func=lambda text: text or "(empty)")
    settings["skip_rows"] = right.multiselect(
        "Rows that are not people start with", sorted({*base.skip_rows}), base.skip_rows,
        accept_new_options=True, key=f"{key}-skip",
        help="Summary and legend rows under the data: Moyenne, Total, Légende…")
    settings["stop_at_blank_row"] = st.checkbox(
        "The data ends at the first blank row (legends and notes sit below it)",
        base.stop_at_blank_row, key=f"{key}-blank")
    with st.expander("Level and interest words"):
        left, right = st.columns(2)
        levels = left.data_editor(
            pd.DataFrame({"word": list(base.levels), "level": list(base.levels.values())}),
            hide_index=True, num_rows="dynamic", key=f"{key}-levels",
            column_config={"word": "Level word", "level": st.column_config.NumberColumn(
                "Level", min_value=0, max_value=4, step=1)})
        interests = right.data_editor(
            pd.DataFrame({"word": list(base.interests),
                          "interest": list(base.interests.values())}),
            hide_index=True, num_rows="dynamic", key=f"{key}-interests",
            column_config={"word": "Interest word", "interest": st.column_config.NumberColumn(
                "Interest", min_value=0, max_value=3, step=1)})
    settings["levels"] = {str(w): int(n) for w, n in zip(levels["word"], levels["level"],
                                                          strict=True)
                          if isinstance(w, str) and w.strip() and pd.notna(n)}
    settings["interests"] = {str(w): int(n) for w, n in
                             zip(interests["word"], interests["interest"], strict=True)
                             if isinstance(w, str) and w.strip() and pd.notna(n)}
    try:
        mapping = data.edited_mapping(base, columns, edited_skills, **settings)
    except data.DatasetError as error:
        st.error("The mapping cannot be used as it stands: "
                 + " ".join(p.message for p in error.problems))
        return None
    final = data.skill_table(mapping)
    unmatched = final[final["matched"] == "none"]
    if not unmatched.empty:
        listed = "; ".join(row.column + (f" (perhaps {row.suggestion}?)" if row.suggestion
                                         else "") for row in unmatched.itertuples())
        unmatched_slot.warning(
            f"{data.counted(len(unmatched), 'skill')} matched no known skill: {listed}. Each "
            "is kept as a skill of its own, not critical and with the discipline shown, unless "
            "you choose the known skill it is, or set its discipline and whether it is "
            "critical, below.", icon=":material/help:")
    return mapping


def mapping_step(step: data.MappingStep, upload_round: int) -> None:
    """Another tool's export: confirm or change the mapping, see what it imports, load."""
    key = f"map-{step.fingerprint}-{upload_round}"
    names = ", ".join(step.files)
    st.subheader("Map another tool's export")
    if step.sheets:
        sheet = st.selectbox("Sheet that holds the matrix", step.sheets,
                             index=step.sheets.index(step.mapping.table), key=f"{key}-sheet",
                             help="The sheet with a row per person; the others are not read "
                                  "(but one may hold the interests).")
        if sheet != step.mapping.table:
            # Another sheet has other columns: propose afresh for it, once.
            chosen = st.session_state.get(SHEET)
            if not chosen or chosen[0] != (step.sha256, sheet):
                chosen = ((step.sha256, sheet), data.from_sheet(step, sheet))
                st.session_state[SHEET] = chosen
            step = chosen[1]
            key = f"{key}-{step.sheets.index(sheet)}"
    if step.remembered is not None:
        found = step.remembered
        st.success(f"Recognised: files with this header were mapped on "
                   f"{found.confirmed_at:%Y-%m-%d} by {found.confirmed_by} (for "
                   f"{found.source}). That mapping is chosen below: check what it imports, "
                   "then load.", icon=":material/history:")
    else:
        st.info(f"{names} is not in crosstrain's template. This is how its columns seem to "
                "map: check it, change what is wrong, then load. The mapping you load with is "
                "remembered for files with the same header.", icon=":material/table_edit:")
    for note in step.notes:
        st.caption(f"• {note[0].upper()}{note[1:]}.")
    with st.expander("The mapping", expanded=step.remembered is None):
        mapping = edit_mapping(step, key)
    if mapping is None:
        return
    st.caption(f"Reads {data.describe_mapping(mapping)}.")
    st.download_button("Download the mapping (TOML)",
                       lambda: data.mapping_download(current, mapping,
                                                     f"{Path(names).stem}-mapping.toml"),
                       file_name=f"{Path(names).stem}-mapping.toml", mime="application/toml",
                       key=f"{key}-download",
                       help="For the command line: python -m skills load FILE --mapping "
                            "THIS.toml")
    # The check reads the whole file: once per mapping, not on every rerun.
    wanted = (step.sha256, mapping.to_toml())
    checked = st.session_state.get(CHECKED)
    if not checked or checked[0] != wanted:
        try:
            with st.spinner("Reading the file with this mapping…"):
                checked = (wanted, data.check_mapped(step, mapping), None)
        except data.DatasetError as error:
            checked = (wanted, None, error)
        st.session_state[CHECKED] = checked
    _, incoming, error = checked
    if error is not None:
        st.error(f"With this mapping the file has {error.headline}; nothing was stored. "
                 "Change the mapping above, or fix the file and upload it again.")
        show_problems(error, f"{key}-problems")
        return
    show_preview(incoming)
    label = ("Load with the remembered mapping" if step.remembered is not None
             and mapping == step.remembered.mapping
             else "Confirm the mapping and replace the stored dataset")
    if st.button(label, type="primary", key="replace-mapped"):
        with st.spinner("Replacing the stored dataset…"):
            try:
                snapshot = data.store_mapped(current, step, incoming, mapping)
            except data.StoredButNotCheckpointed as stored:
                snapshot = stored.snapshot
                st.session_state["disk_nearly_full"] = True
        next_round(f"snapshot {snapshot}, {data.describe_counts(incoming.dataset.summary())}. "
                   "The mapping is remembered for files with this header.", upload_round)


if require(Permission.LOAD_DATASET):
    # A new key after each load, and after each failed check, empties the uploader: the same
    # files are not offered again, and a bad file is never combined with the next one.
    upload_round = st.session_state.setdefault("upload_round", 0)
    uploads = st.file_uploader("Dataset files", type=["csv", "tsv", "txt", "xlsx", "json"],
                               accept_multiple_files=True, key=f"uploads-{upload_round}")
    refused = st.session_state.get(REFUSED)
    if refused and not uploads:
        names, several, error = refused
        [first, *_] = error.problems
        if error.total == 1 and first.row is None and first.column is None:
            # One problem about the upload as a whole: its words are the whole story.
            st.error(f"{first.source} {first.message}", icon=":material/block:")
        else:
            st.error(f"{names} {'were' if several else 'was'} not loaded: "
                     f"{error.headline} found; the stored dataset is unchanged. Fix the file "
                     "and upload it again.")
            show_problems(error, "problems")
    if uploads:
        st.session_state.pop(REFUSED, None)
        files = {f.name: f.getvalue() for f in uploads}
        wanted = (upload_round, data.digest(files), tuple(files))
        examined = st.session_state.get(EXAMINED)
        if not examined or examined[0] != wanted:
            try:
                with st.spinner("Checking the upload…"):
                    examined = (wanted, data.examine_uploads(current, files))
            except data.DatasetError as failed:
                st.session_state[REFUSED] = (", ".join(files), len(files) > 1, failed)
                st.session_state["upload_round"] = upload_round + 1
                st.rerun()
            st.session_state[EXAMINED] = examined
        result = examined[1]
        if result.step is not None:
            mapping_step(result.step, upload_round)
        elif result.incoming is not None:
            show_preview(result.incoming)
            if st.button("Replace the stored dataset", type="primary", key="replace"):
                with st.spinner("Replacing the stored dataset…"):
                    try:
                        snapshot = data.store_incoming(current, result.incoming)
                    except data.StoredButNotCheckpointed as stored:
                        snapshot = stored.snapshot
                        st.session_state["disk_nearly_full"] = True
                next_round(f"snapshot {snapshot}, "
                           f"{data.describe_counts(result.incoming.dataset.summary())}",
                           upload_round)

    with st.expander("Start over with the bundled sample organisation"):
        st.write("Replaces the stored matrix with the 120-person sample that ships with "
                 "crosstrain. Requests, plans and decisions are kept.")
        if st.button("Load the bundled sample", key="load-sample"):
            with st.spinner("Loading the sample…"):
                sample = data.load_sample(current)
            st.session_state["replaced"] = data.describe_counts(sample.summary())
            st.rerun()

    remembered = data.remembered_mappings(current)
    if not remembered.empty:
        with st.expander(f"Remembered mappings ({len(remembered)})"):
            st.caption("A file whose header matches one of these loads with its mapping "
                       "pre-selected.")
            st.dataframe(remembered, hide_index=True, key="remembered",
                         column_config={"fingerprint": "Header", "source": "Confirmed for",
                                        "confirmed_at": st.column_config.DatetimeColumn(
                                            "When", format="YYYY-MM-DD HH:mm"),
                                        "confirmed_by": "By"})

with st.expander("Every load so far"):
    st.dataframe(data.snapshots(current), hide_index=True, key="snapshots",
                 column_config={"coverage": st.column_config.NumberColumn(
                     "Targets met", format="percent")})
