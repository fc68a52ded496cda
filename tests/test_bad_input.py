"""Bad input: each case names its file, row and column, and the stored dataset is untouched."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from skills.ingest.problems import DatasetError
from skills.services.data import load_path
from skills.services.rotations import all_requests
from skills.store import Store
from tests.conftest import write_files

PEOPLE = "person_id,name,team,discipline\nP1,Ana,Serving,sre\nP2,Bo,Training,ml\n"
SKILLS = "skill_id,name,discipline,critical\nir,Incident response,sre,yes\nme,Model eval,ml,no\n"
RATINGS = "person_id,skill_id,level,interest\nP1,ir,3,1\nP2,me,2,2\n"
TARGETS = "team,skill_id,min_level,min_people\nServing,ir,3,1\n"
REQUESTS = ("request_id,person_id,host_team,earliest_quarter,latest_quarter,priority\n"
            "R1,P2,Serving,1,2,1\n")


def _broken_workbook() -> bytes:
    return b"PK\x03\x04 this is not really a zip"


def _workbook_bad_level() -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, text in (("people", PEOPLE), ("skills", SKILLS), ("ratings", RATINGS)):
        sheet = book.create_sheet(title)
        for line in text.strip().splitlines():
            sheet.append(line.split(","))
    book["ratings"]["C3"] = 7
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# (id, files overriding the good ones, source, row, column, words in the message)
CASES = [
    ("level-five", {"ratings.csv": RATINGS.replace("P1,ir,3", "P1,ir,5")},
     "ratings.csv", 2, "level", "5 is outside 0–4"),
    ("level-negative", {"ratings.csv": RATINGS.replace("P1,ir,3", "P1,ir,-1")},
     "ratings.csv", 2, "level", "-1 is outside 0–4"),
    ("level-fraction", {"ratings.csv": RATINGS.replace("P1,ir,3", "P1,ir,2.5")},
     "ratings.csv", 2, "level", '"2.5" is not a level'),
    ("level-word", {"ratings.csv": RATINGS.replace("P1,ir,3", "P1,ir,three")},
     "ratings.csv", 2, "level", '"three" is not a level'),
    ("level-empty", {"ratings.csv": RATINGS.replace("P1,ir,3,1", "P1,ir,,1")},
     "ratings.csv", 2, "level", "empty but required"),
    ("interest-four", {"ratings.csv": RATINGS.replace("P2,me,2,2", "P2,me,2,4")},
     "ratings.csv", 3, "interest", "4 is outside 0–3"),
    ("unknown-person", {"ratings.csv": RATINGS + "P9,ir,2,0\n"},
     "ratings.csv", 4, "person_id", 'person "P9" is not in people'),
    ("unknown-skill", {"ratings.csv": RATINGS + "P1,k8s,2,0\n"},
     "ratings.csv", 4, "skill_id", 'skill "k8s" is not in skills'),
    ("duplicate-rating", {"ratings.csv": RATINGS + "P1,ir,1,0\n"},
     "ratings.csv", 4, "skill_id", "already on row 2"),
    ("duplicate-person", {"people.csv": PEOPLE + "P1,Ana again,Serving,sre\n"},
     "people.csv", 4, "person_id", 'duplicate person: person_id "P1" is already on row 2'),
    ("duplicate-skill", {"skills.csv": SKILLS + "ir,IR,sre,no\n"},
     "skills.csv", 4, "skill_id", "duplicate skill"),
    ("missing-column", {"people.csv": "person_id,name,discipline\nP1,Ana,sre\n"},
     "people.csv", 1, "team", "missing the required column team"),
    ("unknown-discipline", {"people.csv": PEOPLE.replace("Bo,Training,ml", "Bo,Training,legal")},
     "people.csv", 3, "discipline", '"legal" is not a discipline'),
    ("bad-critical", {"skills.csv": SKILLS.replace("yes", "maybe")},
     "skills.csv", 2, "critical", '"maybe" is not true/false'),
    ("bad-date", {"ratings.csv": "person_id,skill_id,level,assessed_on\nP1,ir,3,31/03/2025\n"},
     "ratings.csv", 2, "assessed_on", "not an ISO date"),
    ("empty-file", {"people.csv": ""}, "people.csv", None, None, "is empty"),
    ("binary-file", {"people.csv": b"\x00\x01\x02\x03binary"}, "people.csv", None, None,
     "binary"),
    ("ragged-row", {"people.csv": PEOPLE + "P3,Cy,Serving,sre,extra\n"},
     "people.csv", 4, None, "has 5 values but the header has 4 columns"),
    ("unknown-manager", {"people.csv": "person_id,name,team,discipline,manager_id\n"
                                       "P1,Ana,Serving,sre,P7\nP2,Bo,Training,ml,P1\n"},
     "people.csv", 2, "manager_id", 'manager "P7" is not in people'),
    ("target-min-level", {"targets.csv": TARGETS.replace("Serving,ir,3,1", "Serving,ir,5,1")},
     "targets.csv", 2, "min_level", "5 is outside 1–4"),
    ("target-min-people", {"targets.csv": TARGETS.replace("Serving,ir,3,1", "Serving,ir,3,0")},
     "targets.csv", 2, "min_people", "0 is below 1"),
    ("target-unknown-team", {"targets.csv": TARGETS + "Nowhere,ir,3,1\n"},
     "targets.csv", 3, "team", 'team "Nowhere" is not in the teams of people'),
    ("request-window", {"requests.csv": REQUESTS.replace("R1,P2,Serving,1,2", "R1,P2,Serving,3,2")},
     "requests.csv", 2, "latest_quarter", "ends (quarter 2) before it starts (quarter 3)"),
    ("request-own-team", {"requests.csv": REQUESTS.replace("R1,P2,Serving", "R1,P2,Training")},
     "requests.csv", 2, "host_team", "already in team"),
    ("request-priority", {"requests.csv": REQUESTS.replace(",1\n", ",4\n")},
     "requests.csv", 2, "priority", "4 is outside 1–3"),
    ("header-twice", {"skills.csv": "skill_id,name,Name,discipline\nir,a,b,sre\n"},
     "skills.csv", 1, "Name", "names this column twice"),
    ("no-people-rows", {"people.csv": "person_id,name,team,discipline\n"},
     "people.csv", None, None, "has no people in it"),
    ("classic-bad-cell", {"people.csv": None, "skills.csv": None, "ratings.csv": None,
                          "targets.csv": None, "requests.csv": None,
                          "matrix.csv": "name,team,discipline,CI/CD\nAna,Serving,sre,9/1\n"},
     "matrix.csv", 2, "CI/CD", '"9/1" is not a level'),
    ("workbook-bad-level", {"people.csv": None, "skills.csv": None, "ratings.csv": None,
                            "targets.csv": None, "requests.csv": None,
                            "org.xlsx": _workbook_bad_level()},
     'org.xlsx, sheet "ratings"', 3, "level", "7 is outside 0–4"),
    ("corrupt-workbook", {"people.csv": None, "skills.csv": None, "ratings.csv": None,
                          "targets.csv": None, "requests.csv": None,
                          "org.xlsx": _broken_workbook()},
     "org.xlsx", None, None, "could not be read as an .xlsx workbook"),
    ("missing-ratings", {"ratings.csv": None}, None, None, None, "missing: ratings"),
]


def _snapshot(store: Store) -> dict[str, pd.DataFrame]:
    return {name: store.read(name) for name in ("people", "skills", "ratings", "targets",
                                                "requests")}


@pytest.mark.parametrize(("files", "source", "row", "column", "words"),
                         [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_bad_input_is_named_and_nothing_stored_changes(tmp_path, store, files, source, row,
                                                       column, words):
    good = {"people.csv": PEOPLE, "skills.csv": SKILLS, "ratings.csv": RATINGS,
            "targets.csv": TARGETS, "requests.csv": REQUESTS}
    chosen = {name: content for name, content in (good | files).items() if content is not None}
    folder = write_files(tmp_path / "upload", chosen)
    before = _snapshot(store)

    with pytest.raises(DatasetError) as raised:
        load_path(store, folder)

    matching = [p for p in raised.value.problems
                if words in p.message and (source is None or p.source == source)
                and p.row == row and p.column == column]
    assert matching, "\n".join(str(p) for p in raised.value.problems)
    if source is not None:
        assert str(matching[0]).startswith(source)
    after = _snapshot(store)
    for name, frame in before.items():
        pd.testing.assert_frame_equal(frame, after[name], obj=name)


def test_all_problems_are_reported_not_just_the_first(tmp_path, store):
    ratings = RATINGS + "P9,ir,2,0\nP1,k8s,7,0\nP2,ir,x,0\n"
    folder = write_files(tmp_path / "upload", {"people.csv": PEOPLE, "skills.csv": SKILLS,
                                               "ratings.csv": ratings})
    with pytest.raises(DatasetError) as raised:
        load_path(store, folder)
    located = {(p.row, p.column) for p in raised.value.problems}
    assert {(4, "person_id"), (5, "level"), (5, "skill_id"), (6, "level")} <= located
    assert "4 problems" in str(raised.value)


def test_good_files_load(tmp_path, store):
    folder = write_files(tmp_path / "upload", {"people.csv": PEOPLE, "skills.csv": SKILLS,
                                               "ratings.csv": RATINGS, "targets.csv": TARGETS,
                                               "requests.csv": REQUESTS})
    load_path(store, folder)
    # The matrix is replaced; requests are added to the eight the sample brought, never
    # deleted, and those eight now wait for a decision (their people are not in this file).
    assert store.counts() == {"people": 2, "teams": 2, "skills": 2, "ratings": 2, "targets": 1,
                              "requests": 9}
    requests = all_requests(store).set_index("request_id")
    assert requests.loc["R1", "needs_decision"] == ""
    assert (requests.drop(index="R1")["needs_decision"].str.endswith(
        "is no longer in the matrix")).all()
