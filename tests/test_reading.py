"""Reading files as spreadsheets save them: encodings, separators, headers, text IDs."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pytest

from skills.ingest.loading import parse_path, parse_uploads
from skills.ingest.problems import DatasetError
from skills.ingest.reading import decode, sniff_separator
from tests.conftest import write_files

PEOPLE = "person_id,name,team,discipline\n000123,Ana Souza,Serving,sre\n000124,NA,Serving,ml\n"
SKILLS = "skill_id,name,discipline,critical\nir,Incident response,sre,yes\n"
RATINGS = "person_id,skill_id,level,interest\n000123,ir,3,1\n000124,ir,1,3\n"


def test_ids_stay_text_and_na_is_a_name(tmp_path):
    dataset = parse_path(write_files(tmp_path, {"people.csv": PEOPLE, "skills.csv": SKILLS,
                                                "ratings.csv": RATINGS}))
    assert list(dataset.people["person_id"]) == ["000123", "000124"]
    assert list(dataset.people["name"]) == ["Ana Souza", "NA"]
    assert dataset.skills["critical"].tolist() == [True]


def test_semicolon_and_tab_separators_and_loose_headers(tmp_path):
    people = " Person_ID ; NAME;Team ;Discipline\n1;None;Serving;SRE / operations\n"
    skills = "skill_id\tname\tdiscipline\nir\tIncident response\tSRE\n"
    ratings = "PERSON_ID,Skill_Id,Level\n1,ir,4\n"
    dataset = parse_uploads({"people.csv": people.encode(), "skills.csv": skills.encode(),
                             "ratings.csv": ratings.encode()})
    assert dataset.people.iloc[0].to_dict() | {} == {
        "person_id": "1", "name": "None", "team": "Serving", "discipline": "sre",
        "role": None, "manager_id": None, "email": None}
    assert dataset.skills.iloc[0]["discipline"] == "sre"
    assert dataset.ratings.iloc[0]["level"] == 4
    assert dataset.ratings.iloc[0]["interest"] == 0


def test_utf8_bom_and_nfc_normalisation(tmp_path):
    decomposed = "Zoe\u0308 Moreau"  # e + combining diaeresis
    people = "\ufeffperson_id,name,team,discipline\n1,  " + decomposed + "  ,Serving,sre\n"
    dataset = parse_uploads({"people.csv": people.encode("utf-8"), "skills.csv": SKILLS.encode(),
                             "ratings.csv": b"person_id,skill_id,level\n1,ir,2\n"})
    assert dataset.people.iloc[0]["name"] == "Zo\u00eb Moreau"
    assert dataset.warnings == []


def test_windows_1252_is_read_with_a_warning_naming_the_file():
    people = "person_id,name,team,discipline\n1,Søren Müller,Serving,sre\n".encode("cp1252")
    dataset = parse_uploads({"people.csv": people, "skills.csv": SKILLS.encode(),
                             "ratings.csv": b"person_id,skill_id,level\n1,ir,2\n"})
    assert dataset.people.iloc[0]["name"] == "Søren Müller"
    assert any("people.csv" in w and "Windows-1252" in w for w in dataset.warnings)


def test_utf16_text_from_excel_unicode_export():
    text, warning = decode("x.csv", "a\tb\n1\t2\n".encode("utf-16"))
    assert text.startswith("a\tb") and warning is None


@pytest.mark.parametrize(("line", "separator"), [
    ("a,b,c", ","), ("a;b;c", ";"), ("a\tb\tc", "\t"), ('"x;y",b,c', ","), ("single", ","),
])
def test_sniff_separator(line, separator):
    assert sniff_separator(line) == separator


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


def test_workbook_sheets_numbers_and_dates():
    content = _workbook({
        "People": [["person_id", "name", "team", "discipline"], ["000123", "Ana", "Serving", "sre"],
                   [7, "Bo", "Serving", "Data engineering"]],
        "skills": [["skill_id", "name", "discipline"], ["ir", "Incident response", "sre"]],
        "RATINGS": [["person_id", "skill_id", "level", "interest", "assessed_on"],
                    ["000123", "ir", 3, 2, datetime(2025, 3, 31)], ["7", "ir", 2.0, None, None]],
    })
    dataset = parse_uploads({"org.xlsx": content})
    assert list(dataset.people["person_id"]) == ["000123", "7"]
    assert dataset.people.iloc[1]["discipline"] == "data"
    assert dataset.ratings["level"].tolist() == [3, 2]
    assert dataset.ratings.iloc[0]["assessed_on"] == date(2025, 3, 31)


def test_classic_layout_csv_with_taxonomy_and_unassigned_skills(tmp_path):
    classic = ("name,team,discipline,Incident response,Model evaluation,Kite flying\n"
               "Ana,Serving,sre,3/2,,4\n"
               "Bo,Training,ml,1,4/3,\n")
    dataset = parse_path(write_files(tmp_path, {"matrix.csv": classic}) / "matrix.csv")
    skills = dataset.skills.set_index("name")
    assert skills.loc["Incident response", "skill_id"] == "incident-response"
    assert skills.loc["Incident response", "discipline"] == "sre"
    assert bool(skills.loc["Incident response", "critical"]) is True
    assert skills.loc["Kite flying", "discipline"] == "unassigned"
    assert any("Kite flying" in w and "unassigned" in w for w in dataset.warnings)
    ratings = dataset.ratings.set_index(["person_id", "skill_id"])
    assert ratings.loc[("ana", "incident-response"), "level"] == 3
    assert ratings.loc[("ana", "incident-response"), "interest"] == 2
    assert ratings.loc[("bo", "model-evaluation"), "interest"] == 3
    assert len(dataset.ratings) == 4
    # Without a targets sheet each team keeps its critical practitioners.
    assert dataset.targets[["team", "skill_id"]].values.tolist() == [
        ["Serving", "incident-response"], ["Training", "model-evaluation"]]


def test_classic_layout_workbook_with_person_ids():
    content = _workbook({"Matrix": [["Person_ID", "Name", "Team", "Discipline", "CI/CD"],
                                    ["00042", "Ana", "Serving", "sre", "3"]]})
    dataset = parse_uploads({"matrix.xlsx": content})
    assert dataset.people.iloc[0]["person_id"] == "00042"
    assert dataset.ratings.iloc[0]["skill_id"] == "ci-cd"


def test_trailing_blank_rows_and_columns_are_ignored():
    people = "person_id,name,team,discipline,,\n1,Ana,Serving,sre,,\n,,,,,\n\n"
    dataset = parse_uploads({"people.csv": people.encode(), "skills.csv": SKILLS.encode(),
                             "ratings.csv": b"person_id,skill_id,level\n1,ir,2\n"})
    assert len(dataset.people) == 1


def test_extra_tables_are_reported_as_ignored():
    dataset = parse_uploads({"people.csv": PEOPLE.encode(), "skills.csv": SKILLS.encode(),
                             "ratings.csv": RATINGS.encode(), "notes.csv": b"a,b\n1,2\n"})
    assert any("notes.csv" in w and "ignored" in w for w in dataset.warnings)


def test_duckdb_and_python_readers_give_the_same_dataset(tmp_path, sample_dataset):
    """A blank line inside the ratings sends that file to the Python reader; the other files
    go through DuckDB. Both readers must build the very same tables."""
    from skills.ingest.sample import SAMPLE_DIR

    folder = tmp_path / "org"
    folder.mkdir()
    for path in SAMPLE_DIR.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    ratings = (folder / "ratings.csv").read_text().splitlines(keepends=True)
    (folder / "ratings.csv").write_text("".join(ratings[:5] + ["\n"] + ratings[5:]))
    python_read = parse_path(folder)
    for name, frame in sample_dataset.tables().items():
        other = python_read.tables()[name]
        assert frame.astype(str).values.tolist() == other.astype(str).values.tolist(), name


def test_row_numbers_after_blank_lines_and_multiline_cells():
    people = ('person_id,name,team,discipline\n1,"Ana\nSouza",Serving,sre\n\n'
              "2,Bo,Serving,legal\n")
    with pytest.raises(DatasetError) as raised:
        parse_uploads({"people.csv": people.encode(), "skills.csv": SKILLS.encode(),
                       "ratings.csv": b"person_id,skill_id,level\n1,ir,2\n"})
    [problem] = raised.value.problems
    assert (problem.row, problem.column) == (4, "discipline")


@pytest.mark.parametrize("ending", ["\n", "\r\n", ""])
def test_row_numbers_after_a_cell_that_spans_lines(ending):
    # More lines than rows, and no blank line: DuckDB reads it, and a row is a record.
    people = (f'person_id,name,team,discipline{ending or chr(10)}1,"Ana{chr(10)}Souza",Serving,'
              f'sre{ending or chr(10)}2,Bo,Serving,legal{ending}')
    with pytest.raises(DatasetError) as raised:
        parse_uploads({"people.csv": people.encode(), "skills.csv": SKILLS.encode(),
                       "ratings.csv": b"person_id,skill_id,level\n1,ir,2\n"})
    [problem] = raised.value.problems
    assert (problem.row, problem.column) == (3, "discipline")


def test_ids_from_names_keep_their_letters_and_repeat_fast():
    rows = "".join(f"Léa Fontaine,Serving,sre,{i % 5}\n" for i in range(3000))
    dataset = parse_uploads({"matrix.csv": ("name,team,discipline,CI/CD\n" + rows).encode()})
    ids = dataset.people["person_id"].tolist()
    assert ids[:3] == ["léa-fontaine", "léa-fontaine-2", "léa-fontaine-3"]
    assert len(set(ids)) == 3000


def test_classic_layout_matches_skills_by_synonym_and_refuses_two_columns_for_one():
    dataset = parse_uploads({"matrix.csv": b"name,team,discipline,CI/CD (GitLab),Kubernetes\n"
                                           b"Ana,Serving,sre,3,4\n"})
    skills = dataset.skills.set_index("skill_id")
    assert skills.loc["ci-cd", "name"] == "CI/CD"
    assert bool(skills.loc["container-orchestration", "critical"]) is True
    with pytest.raises(DatasetError) as raised:
        parse_uploads({"matrix.csv": b"name,team,discipline,CI/CD,GitLab CI\n"
                                     b"Ana,Serving,sre,3,4\n"})
    [problem] = raised.value.problems
    assert (problem.row, problem.column) == (1, "GitLab CI")
    assert 'same skill (CI/CD) as the column "CI/CD"' in problem.message


@pytest.mark.parametrize("people", [
    "person_id,name,team,discipline\n1, Ana,Serving,sre\n",
    "person_id,name,team,discipline\n1,Ana ,Serving,sre\n",
    "person_id,name,team,discipline\n1,\" Ana\",Serving,sre\n",
    "person_id,name,team,discipline\n1,Ana,Serving,sre \n",
    "person_id,name,team,discipline\n1,Ana,Serving,sre ",
    "person_id;name;team;discipline\n1; Ana;Serving;sre\n",
])
def test_cells_are_stripped_wherever_the_spaces_are(people):
    dataset = parse_uploads({"people.csv": people.encode(), "skills.csv": SKILLS.encode(),
                             "ratings.csv": b"person_id,skill_id,level\n1,ir,2\n"})
    assert dataset.people[["name", "discipline"]].values.tolist() == [["Ana", "sre"]]


def test_blank_lines_without_quotes_keep_row_numbers_through_duckdb():
    people = "person_id,name,team,discipline\n1,Ana,Serving,sre\n\n\n2,Bo,Serving,legal\n\n"
    with pytest.raises(DatasetError) as raised:
        parse_uploads({"people.csv": people.encode(), "skills.csv": SKILLS.encode(),
                       "ratings.csv": b"person_id,skill_id,level\n1,ir,2\n"})
    [problem] = raised.value.problems
    assert (problem.row, problem.column) == (5, "discipline")


def test_a_big_file_duckdb_refuses_is_reported_not_read_again_in_python(monkeypatch):
    import skills.ingest.reading as reading

    monkeypatch.setattr(reading, "_PYTHON_READER_BYTES", 10)
    people = PEOPLE + "P3,Cy,Serving,sre,extra\n"
    with pytest.raises(DatasetError) as raised:
        parse_uploads({"people.csv": people.encode(), "skills.csv": SKILLS.encode(),
                       "ratings.csv": RATINGS.encode()})
    [problem] = raised.value.problems
    assert (problem.source, problem.row) == ("people.csv", 4)
    assert "has 5 values but the header has 4 columns" in problem.message


@pytest.mark.parametrize(("people", "skills"), [(3, 4), (9_000, 7_500)],
                         ids=["few pairs", "more pairs than bits kept"])
def test_a_duplicate_rating_is_found_among_known_people_and_skills(people, skills):
    # References and duplicates of the ratings are settled in one pass (a bit per possible
    # pair, or a count of distinct pairs past 2**26 of them); a duplicate must still be
    # named with its row, among ratings whose every person and skill is known.
    people_csv = "person_id,name,team,discipline\n" + "".join(
        f"P{i},Person {i},Serving,sre\n" for i in range(people))
    skills_csv = "skill_id,name,discipline\n" + "".join(
        f"s{i},Skill {i},sre\n" for i in range(skills))
    ratings = (f"person_id,skill_id,level\nP0,s0,1\nP{people - 1},s{skills - 1},2\n"
               f"P1,s1,3\nP{people - 1},s{skills - 1},4\n")
    files = {"people.csv": people_csv.encode(), "skills.csv": skills_csv.encode(),
             "ratings.csv": ratings.encode()}
    with pytest.raises(DatasetError) as raised:
        parse_uploads(files)
    [problem] = raised.value.problems
    assert (problem.source, problem.row, problem.column) == ("ratings.csv", 5, "skill_id")
    assert "already on row 3" in problem.message
    fixed = ratings.replace(f"P{people - 1},s{skills - 1},4\n", f"P0,s{skills - 1},4\n")
    assert len(parse_uploads({**files, "ratings.csv": fixed.encode()}).ratings) == 4


def test_blank_and_half_empty_rating_rows_read_by_duckdb():
    # Rows as DuckDB read them are checked in place: a row of empty cells is skipped (as a
    # blank line is), a row missing its person is named, and the rows after keep their number.
    ratings = "person_id,skill_id,level,interest\n000123,ir,3,1\n,,,\n,ir,2,\n000124,ir,x,\n"
    with pytest.raises(DatasetError) as raised:
        parse_uploads({"people.csv": PEOPLE.encode(), "skills.csv": SKILLS.encode(),
                       "ratings.csv": ratings.encode()})
    assert [(p.row, p.column) for p in raised.value.problems] == [(4, "person_id"),
                                                                  (5, "level")]
    fixed = ratings.replace(",ir,2,\n", "").replace("000124,ir,x,", "000124,ir,2,")
    dataset = parse_uploads({"people.csv": PEOPLE.encode(), "skills.csv": SKILLS.encode(),
                             "ratings.csv": fixed.encode()})
    assert dataset.ratings[["person_id", "level", "interest"]].values.tolist() == [
        ["000123", 3, 1], ["000124", 2, 0]]
