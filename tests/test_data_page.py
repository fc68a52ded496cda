"""The Data page under AppTest: another tool's export through the mapping step (proposed,
changed, remembered by its header, downloaded), and the upload's own rules (a failed file
leaves the uploader, several files never combine into one dataset, "1 problem")."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from skills.ingest.sample import SAMPLE_DIR
from skills.services import audit, data
from skills.store import ROOT, Store
from tests.test_import_mapping import french_backup, french_csv, french_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def app_db(monkeypatch, store):
    monkeypatch.setenv("CROSSTRAIN_DB", str(store.path))
    store.close()
    return store.path


def data_page(role: str = "hr") -> AppTest:
    app = AppTest.from_file(str(ROOT / "pages/3_data.py"), default_timeout=60)
    app.session_state["role"] = role
    app.run()
    _fine(app)
    return app


def _fine(app: AppTest) -> None:
    assert not app.exception, app.exception
    assert not [e.value for e in app.error if "Something went wrong" in e.value]


def upload(app: AppTest, files: list[tuple[str, bytes]], key: str = "uploads-0") -> AppTest:
    kinds = {".csv": "text/csv", ".xlsx": XLSX, ".json": "application/json"}
    app.file_uploader(key=key).set_value(
        [(name, content, kinds[Path(name).suffix]) for name, content in files]).run()
    _fine(app)
    return app


def editor(app: AppTest, suffix: str):
    [found] = [e for e in app.data_editor if e.key and e.key.endswith(suffix)]
    return found


def edit(app: AppTest, suffix: str, rows: dict[int, dict[str, object]]) -> AppTest:
    """Change cells of a data editor as a person would (AppTest seeds its edit state)."""
    app.session_state[editor(app, suffix).key] = {"edited_rows": rows, "added_rows": [],
                                                  "deleted_rows": []}
    app.run()
    _fine(app)
    return app


def texts(app: AppTest) -> list[str]:
    found = []
    for kind in ("markdown", "caption", "error", "warning", "info", "success", "subheader"):
        found += [str(e.value) for e in getattr(app, kind)]
    found += [str(b.label) for b in app.button]
    # Expanders and status boxes (st.status) carry their words in their labels.
    found += _labels(app._tree)
    return found


def _labels(node) -> list[str]:  # noqa: ANN001 - a node of AppTest's element tree
    label = getattr(getattr(node, "proto", None), "label", None)
    found = [label] if isinstance(label, str) and label else []
    for child in getattr(node, "children", {}).values():
        found += _labels(child)
    return found


def _stored(db: Path) -> Store:
    return Store(db)


def _skill(db: Path, skill_id: str) -> dict:
    store = _stored(db)
    try:
        return store.read("skills").set_index("skill_id").loc[skill_id].to_dict()
    finally:
        store.close()


# --- the mapping step ----------------------------------------------------------------------


def test_another_tools_export_shows_the_proposed_mapping_and_what_it_imports(app_db):
    app = upload(data_page(), [("matrice.csv", french_csv())])
    assert any("matrice.csv is not in crosstrain's template" in i.value for i in app.info)
    columns = editor(app, "-columns").value.set_index("column")["used_as"].to_dict()
    assert columns == {"Nom": "name", "Ownership": "ignore", "Appétences": "ignore",
                       "Groupes": "team", "CI/CD (GitLab)": "skill column",
                       "Kubernetes": "skill column",
                       "Cybersécurité": "skill column", "Python": "skill column",
                       "Obsevability": "skill column"}
    skills = editor(app, "-skills-5").value.set_index("column")
    assert skills.loc["CI/CD (GitLab)", ["known", "matched"]].tolist() == ["ci-cd", "synonym"]
    assert skills.loc["Kubernetes", "known"] == "container-orchestration"
    assert skills.loc["Obsevability", ["known", "suggestion"]].tolist() == [data.OWN_SKILL,
                                                                           "Observability"]
    # Unmatched skills are listed with a suggestion, never silently dropped.
    [unmatched] = [w.value for w in app.warning if "matched no known skill" in w.value]
    assert unmatched.startswith("2 skills matched no known skill: Python; Obsevability "
                                "(perhaps Observability?)")
    # Defaults, cell splitting and non-data rows are on the page to change.
    assert app.multiselect(key=[m.key for m in app.multiselect
                                if m.key.endswith("-split")][0]).value == ["/", "-", ";"]
    assert any(m.key.endswith("-skip") and "moyenne" in m.value for m in app.multiselect)
    assert any(t.key.endswith("-team") for t in app.text_input)
    # What it would import, and what the replacement changes, before anything is stored.
    assert "Ready to load: 4 people, 2 teams, 5 skills, 9 ratings" in app.success[0].value
    assert any("people leave" in m.value for m in app.markdown)
    assert app.button(key="replace-mapped").label == ("Confirm the mapping and replace the "
                                                      "stored dataset")
    assert any(b.label == "Download the mapping (TOML)" for b in app.get("download_button"))


def test_a_changed_mapping_is_what_loads_and_is_remembered_for_next_quarter(app_db):
    app = upload(data_page(), [("matrice.csv", french_csv())])
    # Python is the person's own skill in ML engineering, and critical; Obsevability is the
    # known Observability skill the page suggested.
    position = {c: i for i, c in enumerate(editor(app, "-skills-5").value["column"])}
    edit(app, "-skills-5", {position["Python"]: {"discipline": "ml", "critical": True},
                            position["Obsevability"]: {"known": "observability"}})
    assert not [w for w in app.warning if "Python; " in w.value]
    app.button(key="replace-mapped").click().run()
    _fine(app)
    assert any(s.value.startswith("Dataset replaced: snapshot 2, 4 people")
               and "mapping is remembered" in s.value for s in app.success)
    assert app.file_uploader(key="uploads-1") is not None
    python = _skill(app_db, "python")
    assert (python["discipline"], bool(python["critical"])) == ("ml", True)
    assert "obsevability" not in set(_stored_skill_ids(app_db))

    # Next quarter's export, under another name and with other levels, has the same header:
    # one click loads it with the confirmed mapping.
    later = french_csv().replace(b"4/2", b"3/3")
    again = upload(data_page(), [("export-2027-q1.csv", later)])
    assert any(s.value.startswith("Recognised: files with this header were mapped on")
               and "(for matrice.csv)" in s.value for s in again.success)
    [folded] = [e for e in again.expander if e.label == "The mapping"]
    assert not folded.proto.expanded  # remembered: nothing to answer, the load is one click
    assert not [c for c in again.caption if c.value.startswith("• ")]
    assert any(c.value.startswith("Reads name from “Nom”, team from “Groupes”; 5 skills (4 "
                                  "known, 1 of their own); ignored: Ownership, Appétences")
               for c in again.caption)
    assert "Remembered mappings (1)" in [e.label for e in again.expander]
    button = again.button(key="replace-mapped")
    assert button.label == "Load with the remembered mapping"
    button.click().run()
    _fine(again)
    assert any(s.value.startswith("Dataset replaced: snapshot 3") for s in again.success)
    assert _skill(app_db, "python")["discipline"] == "ml"
    assert "observability" in set(_stored_skill_ids(app_db))

    # Confirmations are in the audit trail like the loads they came with.
    store = _stored(app_db)
    try:
        trail = audit.entries(store)
    finally:
        store.close()
    confirmed = trail[trail["action"] == "mapping confirmed"]
    assert confirmed["actor"].tolist() == ["p011@example.org"] * 2
    assert confirmed["object"].str.contains("matrice.csv").iloc[0]
    assert confirmed["sha256"].str.len().eq(64).all()
    imports = trail[trail["action"] == "import"]
    assert imports["object"].tolist()[-2:] == ["snapshot 2", "snapshot 3"]


def _stored_skill_ids(db: Path) -> list[str]:
    store = _stored(db)
    try:
        return store.read("skills")["skill_id"].tolist()
    finally:
        store.close()


def test_marking_columns_and_a_default_team_change_what_is_imported(app_db):
    app = upload(data_page(), [("matrice.csv", french_csv())])
    columns = {c: i for i, c in enumerate(editor(app, "-columns").value["column"])}
    # Two columns cannot both be the team: the page says which and loads nothing.
    edit(app, "-columns", {columns["Ownership"]: {"used_as": "team"}})
    assert any('columns "Ownership" and "Groupes" are both marked as team' in e.value
               or 'columns "Groupes" and "Ownership" are both marked as team' in e.value
               for e in app.error)
    with pytest.raises(KeyError):
        app.button(key="replace-mapped")
    # Without a team column the default team takes everyone.
    edit(app, "-columns", {columns["Groupes"]: {"used_as": "ignore"}})
    team = [t for t in app.text_input if t.key.endswith("-team")][0]
    team.input("Plateforme").run()
    _fine(app)
    assert "4 people, 1 team," in app.success[0].value
    app.button(key="replace-mapped").click().run()
    store = _stored(app_db)
    try:
        assert set(store.read("people")["team"]) == {"Plateforme"}
    finally:
        store.close()


def test_a_mapping_that_does_not_fit_the_file_lists_its_problems(app_db):
    text = french_csv().decode("utf-8").replace("4/2", "beaucoup")
    app = upload(data_page(), [("matrice.csv", text.encode("utf-8"))])
    [error] = [e.value for e in app.error if e.value.startswith("With this mapping")]
    assert error.startswith("With this mapping the file has 1 problem; nothing was stored.")
    problems = [f.value for f in app.dataframe if "message" in f.value.columns]
    assert problems[0][["source", "row", "column"]].values.tolist() == [
        ["matrice.csv", 2, "CI/CD (GitLab)"]]
    with pytest.raises(KeyError):
        app.button(key="replace-mapped")
    # The file stays: the mapping may be what needs changing (here: a word for level 4).
    assert app.file_uploader(key="uploads-0").value


def test_the_excel_export_and_the_json_backup_go_through_the_same_step(app_db):
    app = upload(data_page(), [("export.xlsx", french_workbook())])
    assert any("from “Matrice”; interests from the sheet “Appétences”" in m.value
               for m in app.markdown)
    assert "4 people, 3 teams" not in app.success[0].value
    assert app.success[0].value.startswith("Ready to load: 4 people, 2 teams, 5 skills, 9 "
                                           "ratings")
    backup = upload(data_page(), [("backup.json", french_backup())])
    assert any("JSON backup" in m.value for m in backup.markdown)
    assert not [e for e in backup.data_editor if e.key.endswith("-columns")]
    assert "targets" in backup.success[0].value


def test_a_workbooks_matrix_sheet_and_interest_sheet_can_be_chosen(app_db):
    app = upload(data_page(), [("export.xlsx", french_workbook())])
    [sheet] = [b for b in app.selectbox if b.key.endswith("-sheet")]
    assert sheet.value == "Matrice"
    assert sheet.options == ["Matrice", "Appétences", "Analyse", "Formations"]
    [interests] = [b for b in app.selectbox if b.key.endswith("-interests-from")]
    assert interests.value == "Appétences"
    # Without the interest sheet, the cells' levels alone: every interest is 0.
    interests.set_value("").run()
    _fine(app)
    app.button(key="replace-mapped").click().run()
    store = _stored(app_db)
    try:
        assert set(store.read("ratings")["interest"]) == {0}
    finally:
        store.close()
    # Another sheet has other columns: the proposal is made afresh for it.
    app = upload(data_page(), [("export.xlsx", french_workbook())])
    [sheet] = [b for b in app.selectbox if b.key.endswith("-sheet")]
    sheet.set_value("Formations").run()
    _fine(app)
    columns = editor(app, "-columns").value.set_index("column")["used_as"].to_dict()
    assert columns == {"Nom": "name", "Formation": "skill column", "Date": "ignore"}
    assert any("from “Formations”" in m.value for m in app.markdown)


def test_a_role_says_the_discipline_of_who_has_none(app_db):
    export = (b"Nom;Poste;Groupes;Kubernetes;Python\n"
              b"Ana;Chaos wrangler;Ops;3/2;1\nBo;Data engineer;Ops;-;2/1\n")
    app = upload(data_page(), [("export.csv", export)])
    assert editor(app, "-columns").value.set_index("column").loc["Poste", "used_as"] == "role"
    app.session_state[editor(app, "-roles").key] = {
        "edited_rows": {}, "added_rows": [{"role": "Chaos wrangler", "discipline": "product"}],
        "deleted_rows": []}
    app.run()
    _fine(app)
    app.button(key="replace-mapped").click().run()
    store = _stored(app_db)
    try:
        people = store.read("people").set_index("name")["discipline"].to_dict()
    finally:
        store.close()
    assert people == {"Ana": "product", "Bo": "data"}


def test_a_file_in_our_own_layouts_needs_no_mapping(app_db):
    files = [(p.name, p.read_bytes()) for p in sorted(SAMPLE_DIR.glob("*.csv"))]
    app = upload(data_page(), files)
    assert not [e for e in app.data_editor if e.key and e.key.startswith("map-")]
    assert app.button(key="replace").label == "Replace the stored dataset"
    classic = (b"name,team,discipline,Kubernetes,CI/CD\nAna,Ops,sre,3/2,4\n"
               b"Bo,Ops,sre,2,\n")
    app = upload(data_page(), [("classic.csv", classic)])
    assert not [e for e in app.data_editor if e.key and e.key.startswith("map-")]
    assert app.success[0].value.startswith("Ready to load: 2 people, 1 team, 2 skills")


def test_who_may_not_load_data_sees_no_mapping_step(app_db):
    for role in ("engineer", "admin"):
        app = data_page(role)
        assert not app.get("file_uploader")
        assert any("may not load a dataset" in i.value for i in app.info)


# --- issue 14: the upload's own rules -------------------------------------------------------


def _workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


PEOPLE = [["person_id", "name", "team", "discipline"], ["E1", "Ana", "Ops", "sre"],
          ["E2", "Bo", "Ops", "sre"]]
SKILLS = [["skill_id", "name", "discipline", "critical"], ["k8s", "Kubernetes", "sre", "yes"]]
RATINGS = [["person_id", "skill_id", "level"], ["E1", "k8s", 3], ["E2", "k8s", 2]]


def test_a_failed_check_takes_the_file_out_of_the_uploader_and_counts_one_problem(app_db):
    bad = _workbook({"people": PEOPLE, "skills": SKILLS,
                     "ratings": [RATINGS[0], ["E1", "k8s", 7], RATINGS[2]]})
    app = upload(data_page(), [("bad-level7.xlsx", bad)])
    assert not [t for t in texts(app) if "1 problems" in t]
    # The failed file has left the uploader: a fresh one waits for the corrected file.
    assert not app.get("file_uploader")[0].value
    assert app.get("file_uploader")[0].key == "uploads-1"
    [error] = [e.value for e in app.error if "not loaded" in e.value]
    assert error.startswith("bad-level7.xlsx was not loaded: 1 problem found; the stored "
                            "dataset is unchanged.")
    assert not [t for t in texts(app) if "1 problems" in t]
    [problems] = [f.value for f in app.dataframe if "message" in f.value.columns]
    assert problems[["row", "column"]].values.tolist() == [[2, "level"]]

    # The corrected file alone is what loads, and what the snapshot says it came from.
    good = _workbook({"people": PEOPLE, "skills": SKILLS, "ratings": RATINGS})
    upload(app, [("good-rollback.xlsx", good)], key="uploads-1")
    assert not [e for e in app.error if "not loaded" in e.value]
    app.button(key="replace").click().run()
    _fine(app)
    store = _stored(app_db)
    try:
        assert data.latest_snapshot(store)["source"] == "good-rollback.xlsx"
    finally:
        store.close()


@pytest.mark.parametrize("second", ["good-rollback.xlsx", "ratings-only.xlsx", "ratings.csv"])
def test_two_files_never_combine_into_one_dataset(app_db, second):
    bad = _workbook({"people": PEOPLE, "skills": SKILLS,
                     "ratings": [RATINGS[0], ["E1", "k8s", 7]]})
    others = {"good-rollback.xlsx": _workbook({"people": PEOPLE, "skills": SKILLS,
                                               "ratings": RATINGS}),
              "ratings-only.xlsx": _workbook({"ratings": RATINGS}),
              "ratings.csv": b"person_id,skill_id,level\nE1,k8s,3\n"}
    first = "bad-level7.xlsx" if second != "ratings-only.xlsx" else "people-skills.xlsx"
    content = bad if first == "bad-level7.xlsx" else _workbook({"people": PEOPLE,
                                                                 "skills": SKILLS})
    app = upload(data_page(), [(first, content), (second, others[second])])
    # The one problem is the upload as a whole, so its words are the message, file names and
    # all: "a.xlsx, b.xlsx are 2 files, and none of them is one of the template's tables …".
    source = f"{first}, {second}"
    [error] = [e.value for e in app.error if e.value.startswith(source)]
    assert error.startswith(f"{source} are 2 files, and ")
    message = error.split(f"{source} are ", 1)[1]
    assert message.startswith("2 files, and ") and "one of the template's tables" in message
    assert (f"{first} is not" in message if second == "ratings.csv"
            else "none of them is" in message)
    assert "nothing was combined or stored" in message
    assert not [f for f in app.dataframe if "message" in f.value.columns]
    assert app.get("file_uploader")[0].key == "uploads-1"
    store = _stored(app_db)
    try:
        assert data.latest_snapshot(store)["snapshot"] == 1
    finally:
        store.close()


def test_a_disappearing_team_counts_its_members_in_words(app_db):
    store = _stored(app_db)
    try:
        data.load_path(store, _folder_of(app_db.parent / "solo", PEOPLE + [
            ["E3", "Cy", "Solo", "sre"]]))
    finally:
        store.close()
    good = _workbook({"people": PEOPLE, "skills": SKILLS, "ratings": RATINGS})
    app = upload(data_page(), [("without-solo.xlsx", good)])
    [line] = [m.value for m in app.markdown if m.value.startswith("**Teams that disappear:**")]
    assert line == "**Teams that disappear:** Solo (1 member)"
    assert "**1 person leaves** the matrix:" in [m.value for m in app.markdown]


def _folder_of(folder: Path, people: list[list[str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in (("people", people), ("skills", SKILLS), ("ratings", RATINGS)):
        (folder / f"{name}.csv").write_text("\n".join(",".join(map(str, r)) for r in rows)
                                           + "\n", encoding="utf-8")
    return folder


def test_stored_counts_read_with_thousands_separators(app_db):
    # The sample's 3,568 ratings read "3568 ratings" beside "120 people".
    store = _stored(app_db)
    try:
        ratings = store.counts()["ratings"]
    finally:
        store.close()
    assert ratings >= 1000
    [line] = [m.value for m in data_page().markdown if m.value.startswith("Stored now:")]
    assert f"{ratings:,} ratings" in line and f"{ratings} ratings" not in line
