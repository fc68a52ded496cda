"""Confirmed import mappings are remembered in DuckDB by the export's header, only for who may
load data, and each confirmation is in the audit trail; the services that the Data page's
mapping step calls, and the words the command line uses for counts."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from skills.access import Caller, NotAllowed, Permission, Role
from skills.cli import main
from skills.ingest.mapping import header_fingerprint, mapping_from_toml, propose_mapping
from skills.ingest.problems import DatasetError, Problem
from skills.ingest.sample import SAMPLE_DIR
from skills.services import audit, data
from skills.store import Store
from tests.test_import_mapping import (
    MEMBERS,
    french_backup,
    french_csv,
    french_workbook,
    long_export,
)

HR = Caller(Role.HR, "P011", email="p011@example.org")
MANAGER = Caller(Role.MANAGER, "P002", frozenset({"Feature Store"}), "p002@example.org")
ENGINEER = Caller(Role.ENGINEER, "P082", email="p082@example.org")
ADMIN = Caller(Role.ADMIN, email="admin@example.org")


def _step(store: Store, files: dict[str, bytes]) -> data.MappingStep:
    examined = data.examine_uploads(store.as_caller(HR), files)
    assert examined.incoming is None and examined.step is not None
    return examined.step


def test_a_confirmed_mapping_is_recalled_for_next_quarters_export(store):
    hr = store.as_caller(HR)
    step = _step(store, {"matrice-2026-q4.csv": french_csv()})
    assert step.remembered is None
    mapping = data.edited_mapping(step.mapping, default_discipline="data")
    incoming = data.check_mapped(step, mapping)
    snapshot = data.store_mapped(hr, step, incoming, mapping)
    assert snapshot == 2

    # Another name, other values, another separator... the same header row: recognised.
    later = {"export-2027-q1.csv": french_csv().replace(b"4/2", b"3/1")}
    again = _step(store, later)
    assert again.fingerprint == step.fingerprint
    assert again.remembered is not None
    assert again.remembered.mapping.default_discipline == "data"
    assert again.remembered.mapping.table == "export-2027-q1"   # fitted to the new file
    assert again.remembered.source == "matrice-2026-q4.csv"
    assert again.remembered.confirmed_by == "p011@example.org"
    assert again.mapping == again.remembered.mapping
    ratings = data.check_mapped(again, again.mapping).dataset.ratings
    assert ratings.set_index(["person_id", "skill_id"]).loc[("léa-fontaine", "ci-cd"),
                                                           "level"] == 3
    # The TOML kept is the one the command line reads.
    stored = store.read("import_mapping", fingerprint=step.fingerprint)
    assert mapping_from_toml(stored.at[0, "mapping"]) == mapping


def test_a_different_header_is_not_recognised(store):
    step = _step(store, {"matrice.csv": french_csv()})
    data.remember_mapping(store.as_caller(HR), step.fingerprint, step.mapping, "matrice.csv")
    assert _step(store, {"ratings-export.csv": long_export()}).remembered is None
    # A column more is another header.
    wider = french_csv().replace(b"Obsevability", b"Obsevability;Rust", 1)
    assert header_fingerprint({"m.csv": wider}) != step.fingerprint


def test_a_workbooks_sheet_titles_are_part_of_its_header():
    book = french_workbook()
    assert header_fingerprint({"a.xlsx": book}) == header_fingerprint({"b.xlsx": book})
    import io

    import openpyxl

    renamed = openpyxl.load_workbook(io.BytesIO(book))
    renamed["Analyse"].title = "Synthèse"
    buffer = io.BytesIO()
    renamed.save(buffer)
    assert header_fingerprint({"a.xlsx": buffer.getvalue()}) != header_fingerprint(
        {"a.xlsx": book})


def test_a_remembered_mapping_that_no_longer_reads_is_proposed_afresh(store):
    step = _step(store, {"matrice.csv": french_csv()})
    with store.transaction(Permission.LOAD_DATASET) as cursor:
        store.execute(cursor, "save_import_mapping", fingerprint=step.fingerprint,
                      mapping='layout = "sideways"\n', source="old.csv", confirmed_by="x")
    again = _step(store, {"matrice.csv": french_csv()})
    assert again.remembered is None and again.mapping == step.proposal.mapping


def test_a_later_confirmation_replaces_the_earlier_one(store):
    hr = store.as_caller(HR)
    step = _step(store, {"matrice.csv": french_csv()})
    data.remember_mapping(hr, step.fingerprint, step.mapping, "matrice.csv")
    changed = data.edited_mapping(step.mapping, default_team="Plateforme")
    data.remember_mapping(store.as_caller(MANAGER), step.fingerprint, changed, "matrice-q2.csv")
    remembered = data.remembered_mappings(hr)
    assert remembered["fingerprint"].tolist() == [step.fingerprint]
    assert remembered["confirmed_by"].tolist() == ["p002@example.org"]
    found = data.remembered_mapping(hr, step.fingerprint)
    assert found is not None and found.mapping.default_team == "Plateforme"


def test_confirmations_are_audited_like_loads_without_personal_values(store):
    hr = store.as_caller(HR)
    step = _step(store, {"matrice.csv": french_csv()})
    data.store_mapped(hr, step, data.check_mapped(step, step.mapping), step.mapping)
    trail = audit.entries(hr)
    [line] = trail[trail["action"] == "mapping confirmed"].to_dict(orient="records")
    assert line["actor"] == "p011@example.org" and line["role"] == "hr"
    assert line["object"] == f"mapping {step.fingerprint} (matrice.csv)"
    assert line["row_count"] == len(step.mapping.skills)
    assert line["sha256"] == hashlib.sha256(step.mapping.to_toml().encode()).hexdigest()
    assert not any(name in str(value) for name, *_ in MEMBERS for value in line.values())
    [load] = trail[trail["action"] == "import"].tail(1).to_dict(orient="records")
    assert load["object"] == "snapshot 2" and load["sha256"] == step.sha256


def test_only_who_may_load_data_may_confirm_or_read_mappings(store):
    step = _step(store, {"matrice.csv": french_csv()})
    incoming = data.check_mapped(step, step.mapping)
    for caller in (ENGINEER, ADMIN, Caller(Role.MANAGER)):
        view = store.as_caller(caller)
        if caller.role == Role.MANAGER:
            continue  # a manager may load data, whatever teams they lead
        calls = [lambda v: data.examine_uploads(v, {"matrice.csv": french_csv()}),
                 lambda v: data.store_mapped(v, step, incoming, step.mapping),
                 lambda v: data.remember_mapping(v, step.fingerprint, step.mapping, "x.csv"),
                 lambda v: data.remembered_mapping(v, step.fingerprint),
                 lambda v: data.remembered_mappings(v),
                 lambda v: data.mapping_download(v, step.mapping, "m.toml")]
        for call in calls:
            with pytest.raises(NotAllowed):
                call(view)
    assert store.read("import_mappings").empty
    assert data.snapshots(store)["snapshot"].tolist() == [1]
    data.remember_mapping(store.as_caller(MANAGER), step.fingerprint, step.mapping, "x.csv")
    assert len(store.read("import_mappings")) == 1


def test_the_downloaded_toml_loads_through_the_command_line(store, tmp_path, capsys):
    step = _step(store, {"matrice.csv": french_csv()})
    skills = data.skill_table(step.mapping)
    python = skills["column"] == "Python"
    skills.loc[python, "discipline"] = "ml"
    skills.loc[python, "critical"] = True
    mapping = data.edited_mapping(step.mapping, skills=skills)
    toml = data.mapping_download(store.as_caller(HR), mapping, "matrice-mapping.toml")
    assert mapping_from_toml(toml.decode("utf-8")) == mapping
    trail = audit.entries(store.as_caller(HR))
    assert trail["object"].iloc[-1] == "matrice-mapping.toml"
    assert trail["action"].iloc[-1] == "export"
    export = tmp_path / "matrice.csv"
    export.write_bytes(french_csv())
    (tmp_path / "m.toml").write_bytes(toml)
    db = tmp_path / "cli.duckdb"
    assert main(["load", str(export), "--mapping", str(tmp_path / "m.toml"),
                 "--db", str(db)]) == 0
    capsys.readouterr()
    loaded = Store(db)
    try:
        skills = loaded.read("skills").set_index("skill_id")
        assert skills.loc["python", "discipline"] == "ml" and bool(skills.loc["python",
                                                                              "critical"])
    finally:
        loaded.close()


def test_our_own_layouts_need_no_mapping_and_keep_their_problem_lists(store):
    hr = store.as_caller(HR)
    files = {p.name: p.read_bytes() for p in SAMPLE_DIR.glob("*.csv")}
    assert data.examine_uploads(hr, files).incoming is not None
    classic = b"name,team,discipline,Kubernetes\nAna,Ops,sre,3/2\nBo,Ops,sre,7\n"
    # A classic sheet with a bad level is our layout: its problem, not a mapping step.
    with pytest.raises(DatasetError) as raised:
        data.examine_uploads(hr, {"classic.csv": classic})
    assert raised.value.headline == "1 problem"
    assert raised.value.problems[0].row == 3
    # A file nothing can read is refused with the reader's words.
    with pytest.raises(DatasetError) as raised:
        data.examine_uploads(hr, {"blob.csv": b"\x00\x01\x02" * 100})
    assert "binary" in str(raised.value)


def test_the_json_backup_and_the_long_export_are_mapping_steps(store):
    backup = _step(store, {"backup.json": french_backup()})
    assert backup.mapping.layout == "json" and backup.proposal.headers == []
    assert len(data.check_mapped(backup, backup.mapping).dataset.targets) > 0
    long = _step(store, {"ratings.csv": long_export()})
    assert long.mapping.layout == "long"
    roles = data.column_table(long, long.mapping).set_index("column")["used_as"].to_dict()
    assert roles == {"User": "name", "Skill": "skill", "Own Rating": "level",
                     "Manager Rating": "ignore", "Target Rating": "ignore"}
    assert data.role_options("long")[-4:] == ["skill", "level", "interest", "ignore"]
    # The person reads the manager's rating instead of their own.
    changed = data.edited_mapping(long.mapping, pd.DataFrame({
        "column": list(roles), "used_as": ["name", "skill", "ignore", "level", "ignore"]}))
    ratings = data.check_mapped(long, changed).dataset.ratings.set_index(
        ["person_id", "skill_id"])
    assert ratings.loc[("léa-fontaine", "ci-cd"), "level"] == 3


def test_an_edited_mapping_says_what_is_wrong(store):
    step = _step(store, {"matrice.csv": french_csv()})
    columns = data.column_table(step, step.mapping)
    twice = columns.assign(used_as=columns["used_as"].where(columns["column"] != "Ownership",
                                                            "team"))
    with pytest.raises(DatasetError) as raised:
        data.edited_mapping(step.mapping, twice)
    assert 'columns "Ownership" and "Groupes" are both marked as team' in str(raised.value)
    with pytest.raises(DatasetError, match='"marine" is not a discipline'):
        data.edited_mapping(step.mapping, default_discipline="marine")
    skills = data.skill_table(step.mapping)
    taken = skills.assign(known="", skill_id=skills["skill_id"].where(
        skills["column"] != "Python", "ci-cd"))
    with pytest.raises(DatasetError, match="is a known skill's id"):
        data.edited_mapping(step.mapping, skills=taken)
    # Choosing another known skill brings its discipline and criticality with it.
    chosen = skills.assign(known=skills["known"].where(skills["column"] != "Python",
                                                       "feature-stores"))
    python = {s.column: s for s in data.edited_mapping(step.mapping, skills=chosen).skills}[
        "Python"]
    assert (python.skill_id, python.matched) == ("feature-stores", "manual")


@pytest.mark.parametrize(("files", "named"), [
    ({"bad-level7.xlsx": b"x", "good-rollback.xlsx": b"y"}, "2 files, and none of them is"),
    ({"people.csv": b"x", "export.xlsx": b"y"}, "and export.xlsx is not one"),
    ({"people.csv": b"x", "matrice.csv": b"y"}, "and matrice.csv is not one"),
])
def test_several_files_load_only_as_the_templates_tables(files, named):
    with pytest.raises(DatasetError) as raised:
        data.check_uploads(files)
    [problem] = raised.value.problems
    assert problem.source == ", ".join(files)
    assert named in problem.message and "nothing was combined or stored" in problem.message


def test_counts_are_in_words_for_one_and_for_many(tmp_path, capsys):
    assert str(DatasetError([Problem("f.csv", "is empty")])).startswith(
        "1 problem in the dataset:")
    assert DatasetError([Problem("f.csv", "x"), Problem("f.csv", "y")]).headline == "2 problems"
    assert "1 skill matched no known skill" in " ".join(
        propose_mapping({"m.csv": b"Nom;Groupes;Rust\nAna;Ops;3\n"}).notes)
    one = tmp_path / "one.csv"
    one.write_text("Nom;Groupes;Kubernetes\nAna;Ops;3/2\n", encoding="utf-8")
    assert main(["inspect", str(one)]) == 0
    printed = capsys.readouterr().err
    assert "would import: 1 person in 1 team, 1 skill (1 critical), 1 rating, 1 target" \
        in printed
    assert main(["load", str(one), "--db", str(tmp_path / "x.duckdb")]) == 2
    assert "1 problem in the dataset" in capsys.readouterr().err
