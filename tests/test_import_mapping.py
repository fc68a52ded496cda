"""Other tools' exports load through a proposed, confirmable mapping.

The files are generated here from the descriptions in issue 12: the French skills-matrix app's
CSV export (BOM, `;` by default, `,` or tab on request, `level/appetence` cells), its Excel
export (Matrice, Appétences, Analyse, Formations, with summary and legend rows and an average
column), its JSON backup (members, categories, objectives) and a long one-row-per-rating export.
"""

from __future__ import annotations

import contextlib
import io
import json

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skills.cli import main
from skills.ingest.loading import parse_path, parse_uploads
from skills.ingest.mapping import (
    apply_mapping,
    header_fingerprint,
    mapping_from_toml,
    propose_mapping,
    recall_mapping,
    remember_mapping,
)
from skills.ingest.problems import DatasetError
from skills.organisation import PRACTITIONER_LEVEL

SKILL_COLUMNS = ["CI/CD (GitLab)", "Kubernetes", "Cybersécurité", "Python", "Obsevability"]
MEMBERS = [
    # name, ownership, groups, {skill: (level, appetence)}
    ("Léa Fontaine", "Plateforme", "Plateforme", {"CI/CD (GitLab)": (4, 2), "Kubernetes": (3, 3),
                                                  "Cybersécurité": (1, 2)}),
    ("Éric Dupont", "", "Plateforme", {"Kubernetes": (2, 3), "Python": (3, 1)}),
    ("Zoë Martin", "Sécurité", "Data", {"Cybersécurité": (4, 1), "Obsevability": (2, 2)}),
    ("Léa Fontaine", "", "Data", {"Python": (4, 3), "CI/CD (GitLab)": (1, 0)}),
]


def french_csv(separator: str = ";", bom: bool = True) -> bytes:
    """The app's "Export CSV": Nom;Ownership;Appétences;Groupes;<skill>… with level/appetence."""
    header = ["Nom", "Ownership", "Appétences", "Groupes"] + SKILL_COLUMNS
    lines = [separator.join(header)]
    for name, ownership, group, skills in MEMBERS:
        liked = " ".join(s for s, (_, a) in skills.items() if a >= 2)
        cells = [f"{skills[s][0]}/{skills[s][1]}" if s in skills else "-" for s in SKILL_COLUMNS]
        lines.append(separator.join([name, ownership, liked, group] + cells))
    text = "\r\n".join(lines) + "\r\n"
    return ("\ufeff" if bom else "").encode("utf-8") + text.encode("utf-8")


def french_workbook() -> bytes:
    """The app's Excel export: levels, appetences, an analysis and trainings, with an average
    column and summary and legend rows under the data."""
    book = openpyxl.Workbook()
    matrix = book.active
    matrix.title = "Matrice"
    matrix.append(["Nom", "Groupes"] + SKILL_COLUMNS + ["Moyenne"])
    interests = book.create_sheet("Appétences")
    interests.append(["Nom"] + SKILL_COLUMNS)
    for row, (name, _, group, skills) in enumerate(MEMBERS, start=2):
        matrix.append([name, group] + [skills[s][0] if s in skills else None
                                       for s in SKILL_COLUMNS] + [f"=AVERAGE(C{row}:G{row})"])
        interests.append([name] + [skills[s][1] if s in skills else None for s in SKILL_COLUMNS])
    matrix.append([])
    matrix.append(["Moyenne", None] + [f"=AVERAGE({c}2:{c}5)" for c in "CDEFG"])
    matrix.append(["Légende : 0 Aucun, 1 Débutant, 2 Intermédiaire, 3 Confirmé, 4 Expert"])
    analyse = book.create_sheet("Analyse")
    analyse.append(["Compétence", "Experts", "Objectif"])
    analyse.append(["Kubernetes", 1, 2])
    formations = book.create_sheet("Formations")
    formations.append(["Nom", "Formation", "Date"])
    formations.append(["Éric Dupont", "CKA", "2025-04-01"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def french_backup() -> bytes:
    members = [{"id": f"m{i}", "name": name, "role": "DevOps engineer" if i % 2 else "",
                "appetences": [], "groups": [group],
                "skills": {s: {"level": lv, "appetence": ap} for s, (lv, ap) in skills.items()}}
               for i, (name, _, group, skills) in enumerate(MEMBERS, start=1)]
    document = {"version": 3, "members": members,
                "categories": [{"name": "DevOps", "skills": SKILL_COLUMNS[:2]},
                               {"name": "Data", "skills": ["Python"]}],
                "objectives": {"Kubernetes": {"minExperts": 2}, "Python": {"minExperts": 1}}}
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def long_export() -> bytes:
    lines = ["User,Skill,Own Rating,Manager Rating,Target Rating"]
    for name, _, _, skills in MEMBERS[:3]:
        for skill, (level, _) in skills.items():
            lines.append(f'"{name}","{skill}",{level},{max(0, level - 1)},4')
    return ("\n".join(lines) + "\n").encode("utf-8")


def _by_person(dataset):
    return dataset.ratings.set_index(["person_id", "skill_id"])


@pytest.mark.parametrize("separator", [";", ",", "\t"])
def test_french_csv_is_recognised_and_imports_every_rating(separator):
    files = {"matrice.csv": french_csv(separator)}
    proposal = propose_mapping(files)
    mapping = proposal.mapping
    assert mapping.layout == "wide"
    assert mapping.columns == {"name": "Nom", "team": "Groupes"}
    assert set(mapping.ignore) == {"Ownership", "Appétences"}
    chosen = {s.column: (s.skill_id, s.matched) for s in mapping.skills}
    assert chosen["CI/CD (GitLab)"] == ("ci-cd", "synonym")
    assert chosen["Kubernetes"] == ("container-orchestration", "synonym")
    assert chosen["Cybersécurité"] == ("security-compliance", "synonym")
    assert chosen["Python"] == ("python", "none")

    dataset = apply_mapping(files, mapping)
    ids = dataset.people["person_id"].tolist()
    assert ids == ["léa-fontaine", "éric-dupont", "zoë-martin", "léa-fontaine-2"]
    ratings = _by_person(dataset)
    assert len(ratings) == sum(len(skills) for *_, skills in MEMBERS)
    assert ratings.loc[("léa-fontaine", "ci-cd"), "level"] == 4
    assert ratings.loc[("léa-fontaine", "ci-cd"), "interest"] == 2
    assert ratings.loc[("zoë-martin", "security-compliance"), "level"] == 4
    # The matched skills keep the taxonomy's criticality, so there are key people to find.
    critical = set(dataset.skills.loc[dataset.skills["critical"].astype(bool), "skill_id"])
    assert {"ci-cd", "container-orchestration", "security-compliance"} <= critical
    held = dataset.ratings[dataset.ratings["level"] >= PRACTITIONER_LEVEL]
    assert set(held["skill_id"]) & critical
    assert dataset.people.set_index("person_id").loc["zoë-martin", "team"] == "Data"


def test_unmatched_skills_are_listed_with_a_suggestion_never_dropped():
    proposal = propose_mapping({"matrice.csv": french_csv()})
    unmatched = {s.column: s.suggestion for s in proposal.unmatched()}
    assert unmatched == {"Python": "", "Obsevability": "observability"}
    assert any("Obsevability (unassigned, perhaps observability?)" in note
               for note in proposal.notes)
    dataset = apply_mapping({"matrice.csv": french_csv()}, proposal.mapping)
    assert {"python", "obsevability"} <= set(dataset.skills["skill_id"])


def test_the_same_people_get_the_same_ids_next_quarter():
    first = apply_mapping({"m.csv": french_csv()}, propose_mapping({"m.csv": french_csv()}).mapping)
    later = french_csv().decode("utf-8") + "Nadia Benali;;;Data;2/1;-;-;-;-\r\n"
    files = {"m.csv": later.encode("utf-8")}
    second = apply_mapping(files, propose_mapping(files).mapping)
    assert second.people["person_id"].tolist()[:4] == first.people["person_id"].tolist()
    assert second.people["person_id"].tolist()[4] == "nadia-benali"


def test_a_mapping_round_trips_through_toml_and_can_be_edited():
    proposal = propose_mapping({"matrice.csv": french_csv()})
    text = proposal.mapping.to_toml()
    again = mapping_from_toml(text)
    assert again == proposal.mapping
    # The user assigns the unmatched skill and a default discipline by editing the file.
    edited = text.replace('skill_id = "python"\nname = "Python"\ndiscipline = "unassigned"',
                          'skill_id = "python"\nname = "Python"\ndiscipline = "ml"')
    assert edited != text
    dataset = apply_mapping({"matrice.csv": french_csv()}, mapping_from_toml(edited))
    assert dataset.skills.set_index("skill_id").loc["python", "discipline"] == "ml"


def test_a_broken_mapping_says_what_is_wrong():
    with pytest.raises(DatasetError) as raised:
        mapping_from_toml('layout = "sideways"\ncolour = "blue"\n[columns]\nshoe = "Nom"\n')
    text = str(raised.value)
    assert 'unknown setting "colour"' in text
    assert 'layout "sideways" is not one of' in text
    assert '[columns] names "shoe"' in text


def test_a_bad_cell_is_reported_where_the_file_has_it():
    text = french_csv().decode("utf-8").replace("4/2", "beaucoup")
    files = {"m.csv": text.encode("utf-8")}
    with pytest.raises(DatasetError) as raised:
        apply_mapping(files, propose_mapping(files).mapping)
    [problem] = raised.value.problems
    assert (problem.source, problem.row, problem.column) == ("m.csv", 2, "CI/CD (GitLab)")


def test_level_and_interest_words_in_english_and_french():
    text = ("Nom;Groupes;Kubernetes;CI/CD\n"
            "Ana;Ops;Confirmé/Fort;Practitioner/Moyenne\n"
            "Bo;Ops;Débutant;Expert-Faible\n")
    files = {"m.csv": text.encode("utf-8")}
    ratings = _by_person(apply_mapping(files, propose_mapping(files).mapping))
    assert ratings.loc[("ana", "container-orchestration")].tolist()[:2] == [3, 3]
    assert ratings.loc[("ana", "ci-cd")].tolist()[:2] == [3, 2]
    assert ratings.loc[("bo", "ci-cd")].tolist()[:2] == [4, 1]
    assert ratings.loc[("bo", "container-orchestration")].tolist()[:2] == [1, 0]


def test_the_excel_export_picks_the_matrix_and_reads_interests_from_its_twin_sheet():
    files = {"export.xlsx": french_workbook()}
    proposal = propose_mapping(files)
    assert proposal.mapping.table == "Matrice"
    assert proposal.mapping.interest_table == "Appétences"
    assert "Moyenne" in proposal.mapping.ignore
    dataset = apply_mapping(files, proposal.mapping)
    # The summary and legend rows under the data are not people.
    assert dataset.people["name"].tolist() == [m[0] for m in MEMBERS]
    ratings = _by_person(dataset)
    assert ratings.loc[("léa-fontaine", "container-orchestration"), "interest"] == 3
    assert ratings.loc[("zoë-martin", "security-compliance"), "level"] == 4
    assert len(ratings) == sum(len(skills) for *_, skills in MEMBERS)


def test_the_json_backup_imports_members_and_objectives_as_targets():
    files = {"backup.json": french_backup()}
    proposal = propose_mapping(files)
    assert proposal.mapping.layout == "json"
    dataset = apply_mapping(files, proposal.mapping)
    assert dataset.people["person_id"].tolist() == ["m1", "m2", "m3", "m4"]
    targets = dataset.targets.set_index(["team", "skill_id"])
    assert targets.loc[("Plateforme", "container-orchestration"), "min_level"] == 3
    assert targets.loc[("Plateforme", "container-orchestration"), "min_people"] == 2
    assert set(dataset.targets["origin"]) == {"file"}
    # A role says the discipline; without one the strongest known skills do.
    people = dataset.people.set_index("person_id")
    assert people.loc["m1", "discipline"] == "sre"
    # An unmatched skill takes the discipline its category is named after.
    assert dataset.skills.set_index("skill_id").loc["python", "discipline"] == "data"


def test_the_long_export_imports_one_rating_per_row():
    files = {"ratings-export.csv": long_export()}
    proposal = propose_mapping(files)
    assert proposal.mapping.layout == "long"
    assert proposal.mapping.columns == {"name": "User", "skill": "Skill", "level": "Own Rating"}
    assert {"Manager Rating", "Target Rating"} <= set(proposal.mapping.ignore)
    dataset = apply_mapping(files, proposal.mapping)
    assert len(dataset.ratings) == sum(len(skills) for *_, skills in MEMBERS[:3])
    assert _by_person(dataset).loc[("léa-fontaine", "ci-cd"), "level"] == 4


def test_a_confirmed_mapping_is_remembered_by_the_header(tmp_path):
    files = {"matrice.csv": french_csv()}
    mapping = propose_mapping(files).mapping
    mapping.default_discipline = "data"
    remember_mapping(tmp_path, files, mapping)
    next_quarter = {"matrice-q2.csv": french_csv().replace(b"4/2", b"4/3")}
    assert header_fingerprint(next_quarter) != header_fingerprint({"x.csv": long_export()})
    recalled = recall_mapping(tmp_path, {"matrice.csv": next_quarter["matrice-q2.csv"]})
    assert recalled == mapping
    assert recall_mapping(tmp_path, {"other.csv": long_export()}) is None


def test_without_a_mapping_the_export_is_refused_with_a_pointer_to_inspect():
    with pytest.raises(DatasetError) as raised:
        parse_uploads({"matrice.csv": french_csv()})
    assert "python -m skills inspect FILE" in str(raised.value)


def test_inspect_then_load_with_the_mapping(tmp_path, capsys):
    export = tmp_path / "matrice.csv"
    export.write_bytes(french_csv())
    mapping = tmp_path / "mapping.toml"
    assert main(["inspect", str(export), "--out", str(mapping)]) == 0
    printed = capsys.readouterr().out
    assert "would import: 4 people in 2 teams, 5 skills" in printed
    assert 'skill_id = "ci-cd"' in mapping.read_text()
    db = tmp_path / "x.duckdb"
    assert main(["load", str(export), "--mapping", str(mapping), "--db", str(db)]) == 0
    assert '"people": 4' in capsys.readouterr().out
    assert len(parse_path(export, mapping).ratings) == sum(len(s) for *_, s in MEMBERS)


@pytest.mark.parametrize(("content", "words"), [
    (b"[" * 100_000 + b"]" * 100_000, "could not be read as JSON"),
    (b'{"members": 3}', 'no "members" list'),
    (b'{"members": [{"name": "Ana", "skills": {"Kubernetes": {"level": 9}}}]}',
     '"9" is not a level'),
    (b'{"members": [7]}', "is not an object"),
    (b"\xff\xfe garbage", "could not be read as JSON"),
])
def test_a_hostile_backup_is_refused_with_a_message(content, words):
    files = {"backup.json": content}
    with pytest.raises(DatasetError) as raised:
        apply_mapping(files, mapping_from_toml('layout = "json"\n'))
    assert words in str(raised.value)


def test_our_own_tables_need_no_mapping(tmp_path, capsys):
    from skills.ingest.sample import SAMPLE_DIR

    assert main(["inspect", str(SAMPLE_DIR)]) == 0
    captured = capsys.readouterr()
    assert 'layout = "tables"' in captured.out
    assert "no mapping is needed" in captured.err


CELL = st.sampled_from(["3/2", "4", "-", "", "Expert/Fort", "x", "9/9", "2-1", "1;3", "=A1",
                        "Confirmé", " 3 / 1 ", "NA"])


@settings(max_examples=40, deadline=None)
@given(rows=st.lists(st.tuples(st.sampled_from(["Léa", "Bo", "", "Moyenne", "Zoë"]),
                               st.lists(CELL, min_size=3, max_size=3)), max_size=6))
def test_fuzz_a_mapped_export_raises_only_the_importers_error(rows):
    lines = ["Nom;Groupes;Kubernetes;CI/CD;Python"]
    lines += [";".join([name, "Ops"] + cells) for name, cells in rows]
    files = {"m.csv": ("\n".join(lines) + "\n").encode("utf-8")}
    with contextlib.suppress(DatasetError):
        apply_mapping(files, propose_mapping(files).mapping)
