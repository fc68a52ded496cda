"""Hostile and careless files: refused quickly, by size, with a message and never a traceback.

Every case names its file, row and column like the base suite (tests/test_bad_input.py), and
the stored dataset is untouched.  The files are built here, from the issue's descriptions.
"""

from __future__ import annotations

import contextlib
import io
import signal
import zipfile
from collections.abc import Iterator

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skills.ingest.loading import parse_uploads
from skills.ingest.problems import DatasetError
from skills.services.data import load_path
from skills.store import Store
from tests.conftest import write_files
from tests.test_bad_input import PEOPLE, RATINGS, REQUESTS, SKILLS, TARGETS

NOT_NORMALISED = {"people.csv": None, "skills.csv": None, "ratings.csv": None,
                  "targets.csv": None, "requests.csv": None}


@pytest.fixture(autouse=True)
def hang_guard() -> Iterator[None]:
    """A hostile file must never hang the importer: fail instead of waiting forever."""
    def stop(signum: int, frame: object) -> None:
        raise TimeoutError("the importer hung on a hostile file")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(120)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def _book(sheets: dict[str, list[list[object]]], formats: dict[str, str] | None = None) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for ref, number_format in (formats or {}).items():
            if title == "people":
                sheet[ref].number_format = number_format
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rows(text: str) -> list[list[object]]:
    return [line.split(",") for line in text.strip().splitlines()]


def _normalised_book(**changes: list[list[object]]) -> bytes:
    sheets = {"people": _rows(PEOPLE), "skills": _rows(SKILLS), "ratings": _rows(RATINGS)}
    return _book(sheets | changes)


def _rewrite_zip(content: bytes, replace: dict[str, bytes]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            data = replace.get(entry.filename, source.read(entry.filename))
            target.writestr(entry.filename, data)
    return out.getvalue()


def _sheet_xml(content: bytes, index: int = 1) -> bytes:
    return zipfile.ZipFile(io.BytesIO(content)).read(f"xl/worksheets/sheet{index}.xml")


def _far_corner() -> bytes:
    book = openpyxl.Workbook()
    book.active.title = "people"
    book.active["XFD1048576"] = 1
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _entity_bomb() -> bytes:
    good = _normalised_book()
    lol = ("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
           + "".join(f"<!ENTITY lol{i} \"{'&lol' + str(i - 1) + ';' if i else '&lol;'}"
                     f"{('&lol' + str(i - 1) + ';') * 9 if i else '&lol;' * 9}\">"
                     for i in range(1, 10)) + "]>")
    sheet = _sheet_xml(good).replace(b"<t>Ana</t>", b"<t>&lol9;</t>")
    return _rewrite_zip(good, {"xl/worksheets/sheet1.xml": lol.encode() + sheet})


def _external_entity() -> bytes:
    good = _normalised_book()
    sheet = _sheet_xml(good)
    doctype = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    return _rewrite_zip(good, {"xl/worksheets/sheet1.xml": doctype + sheet.replace(
        b"<t>Ana</t>", b"<t>&xxe;</t>", 1)})


def _truncated_sheet() -> bytes:
    good = _normalised_book()
    sheet = _sheet_xml(good, 3)
    return _rewrite_zip(good, {"xl/worksheets/sheet3.xml": sheet[: len(sheet) // 2]})


def _formula_level() -> bytes:
    ratings = _rows(RATINGS)
    ratings[1][2] = "=1+2"
    return _normalised_book(ratings=ratings)


def _formula_classic() -> bytes:
    return _book({"Matrix": [["name", "team", "discipline", "CI/CD"],
                             ["Ana", "Serving", "sre", "=B2*0+3"], ["Bo", "Serving", "sre", 2]]})


def _two_people_sheets() -> bytes:
    return _book({"people": _rows(PEOPLE), "People ": _rows(PEOPLE), "skills": _rows(SKILLS),
                  "ratings": _rows(RATINGS)})


def _long_cell_book() -> bytes:
    people = _rows(PEOPLE)
    people[1][1] = "A" * 12_000
    return _normalised_book(people=people)


WIDE_HEADER = ",".join(f"c{i}" for i in range(40_000)) + "\n"
MANY_BAD = "person_id,skill_id,level\n" + "P1,ir,x\n" * 5_000
DIGITS_400 = "9" * 400
DIGITS_23 = "12345678901234567890123"

# (id, files overriding the good ones, source, row, column, words in the message)
CASES = [
    ("xlsx-far-corner", NOT_NORMALISED | {"org.xlsx": _far_corner()},
     'org.xlsx, sheet "people"', None, None, "declares 16,384 columns"),
    ("xlsx-entity-expansion", NOT_NORMALISED | {"org.xlsx": _entity_bomb()},
     "org.xlsx", None, None, "refused for safety"),
    ("xlsx-external-entity", NOT_NORMALISED | {"org.xlsx": _external_entity()},
     "org.xlsx", None, None, "refused for safety"),
    ("xlsx-truncated-xml", NOT_NORMALISED | {"org.xlsx": _truncated_sheet()},
     'org.xlsx, sheet "ratings"', None, None, "is damaged"),
    ("xlsx-formula-without-value", NOT_NORMALISED | {"org.xlsx": _formula_level()},
     'org.xlsx, sheet "ratings"', 2, "level", "formula whose value was never calculated"),
    ("classic-formula-without-value", NOT_NORMALISED | {"matrix.xlsx": _formula_classic()},
     'matrix.xlsx, sheet "Matrix"', 2, "CI/CD", "formula whose value was never calculated"),
    ("xlsx-two-sheets-one-table", NOT_NORMALISED | {"org.xlsx": _two_people_sheets()},
     'org.xlsx, sheet "People "', None, None, 'is the "people" table, and so is'),
    ("xlsx-long-cell", NOT_NORMALISED | {"org.xlsx": _long_cell_book()},
     'org.xlsx, sheet "people"', 2, "name", "holds 12,000 characters"),
    ("csv-40000-columns", {"people.csv": WIDE_HEADER}, "people.csv", 1, None,
     "has 40,000 columns in its header"),
    ("csv-long-cell", {"people.csv": PEOPLE.replace("Ana", "A" * 20_000)},
     "people.csv", 2, "name", "holds 20,000 characters"),
    ("level-400-digits", {"ratings.csv": RATINGS.replace("P1,ir,3", f"P1,ir,{DIGITS_400}")},
     "ratings.csv", 2, "level", "is far outside 0–4"),
    ("level-23-digits-not-a-float", {"ratings.csv": RATINGS.replace("P1,ir,3",
                                                                    f"P1,ir,{DIGITS_23}")},
     "ratings.csv", 2, "level", "12345678901234567890123 is far outside"),
    ("min-people-400-digits", {"targets.csv": TARGETS.replace("Serving,ir,3,1",
                                                              f"Serving,ir,3,{DIGITS_400}")},
     "targets.csv", 2, "min_people", "far too large"),
    ("interest-exponent", {"ratings.csv": RATINGS.replace("P2,me,2,2", "P2,me,2,1e400")},
     "ratings.csv", 3, "interest", '"1e400" is not an interest'),
    ("request-empty-quarters", {"requests.csv": REQUESTS.replace("R1,P2,Serving,1,2,1",
                                                                 "R1,P2,Serving,,,1")},
     "requests.csv", 2, "earliest_quarter", "is empty but required"),
    ("request-400-digit-quarter", {"requests.csv": REQUESTS.replace(
        "R1,P2,Serving,1,2,1", f"R1,P2,Serving,1,{DIGITS_400},1")},
     "requests.csv", 2, "latest_quarter", "far too large"),
    ("ratings-header-only", {"ratings.csv": "person_id,skill_id,level,interest\n"},
     "ratings.csv", None, None, "would remove every stored rating"),
    ("two-files-one-table", {"People.CSV": PEOPLE}, None, None, None,
     'is the "people" table, and so is'),
    ("utf8-with-one-bad-byte", {"people.csv": PEOPLE.replace("Bo", "Søren").encode()
                                .replace(b"Ana", b"An\xff")},
     "people.csv", 2, None, "is not valid UTF-8 here (byte 0xFF)"),
    ("zero-width-duplicate-id", {"people.csv": PEOPLE + "P1\u200b,Ana again,Serving,sre\n"},
     "people.csv", 4, "person_id", 'duplicate person: person_id "P1"'),
    ("zero-width-inside-id", {"people.csv": PEOPLE + "P\u200b3,Cy,Serving,sre\n"},
     "people.csv", 4, "person_id", "invisible character"),
    ("nul-in-name", {"people.csv": PEOPLE.replace("Ana", "An\x00a")},
     "people.csv", 2, "name", "control character"),
    ("lookalike-team", {"people.csv": PEOPLE + "P3,Cy,S\u0435rving,sre\n"},
     "people.csv", 4, "team", 'looks the same as "Serving" on row 2'),
    ("fullwidth-team", {"people.csv": PEOPLE + "P3,Cy,\uff33erving,sre\n"},
     "people.csv", 4, "team", 'looks the same as "Serving"'),
    ("lookalike-skill-id", {"skills.csv": SKILLS + "m\u0435,Model eval 2,ml,no\n"},
     "skills.csv", 4, "skill_id", 'looks the same as "me"'),
    ("self-manager", {"people.csv": "person_id,name,team,discipline,manager_id\n"
                                    "P1,Ana,Serving,sre,P1\nP2,Bo,Training,ml,P1\n"},
     "people.csv", 2, "manager_id", "is their own manager"),
    ("manager-cycle", {"people.csv": "person_id,name,team,discipline,manager_id\n"
                                     "P1,Ana,Serving,sre,P2\nP2,Bo,Training,ml,P1\n"},
     "people.csv", 2, "manager_id", "the manager chain loops: P1 → P2 → P1"),
    # Only managers' edges are walked: a loop is still told from where the first walk (from
    # P3, who manages nobody) reaches it, P1, not from the loop's first row (P2's).
    ("manager-cycle-reached-from-below", {
        "people.csv": "person_id,name,team,discipline,manager_id\nP3,Cy,Serving,sre,P1\n"
                      "P2,Bo,Training,ml,P1\nP1,Ana,Serving,sre,P2\n"},
     "people.csv", 3, "manager_id", "the manager chain loops: P1 → P2 → P1;"),
    ("date-with-garbage", {"ratings.csv": "person_id,skill_id,level,assessed_on\n"
                                          "P1,ir,3,2025-03-31Tgarbage\n"},
     "ratings.csv", 2, "assessed_on", "not an ISO date"),
    ("date-month-13", {"ratings.csv": "person_id,skill_id,level,assessed_on\nP1,ir,3,2025-13-01\n"},
     "ratings.csv", 2, "assessed_on", "not an ISO date"),
    ("classic-same-skill-twice", NOT_NORMALISED | {
        "matrix.csv": "name,team,discipline,CI/CD,ci-cd\nAna,Serving,sre,3,2\n"},
     "matrix.csv", 1, "ci-cd", 'names the same skill as the column "CI/CD"'),
    ("invisible-header-shown", {"people.csv": PEOPLE.replace("team", "te\x01am", 1)},
     "people.csv", 1, "team", "te<U+0001>am"),
    ("lookalike-header-hint", {"people.csv": PEOPLE.replace("team", "t\u0435am", 1)},
     "people.csv", 1, "team", "looks like team but is written with other characters"),
    ("unclosed-quote", {"people.csv": PEOPLE.replace("P2,Bo", 'P2,"Bo')},
     "people.csv", 3, None, "never closed"),
    ("bom-only", {"people.csv": b"\xef\xbb\xbf"}, "people.csv", None, None, "is empty"),
    ("blank-only", {"people.csv": " \r\n\t\n"}, "people.csv", None, None, "is empty"),
    # Line breaks of carriage returns alone (old Mac files) raised csv.Error, a traceback.
    ("carriage-returns-alone", {"people.csv": PEOPLE.replace("\n", "\r")},
     "people.csv", 1, None, "carriage return"),
    ("target-fractional-level", {"targets.csv": TARGETS.replace("Serving,ir,3,1",
                                                                "Serving,ir,3.5,1")},
     "targets.csv", 2, "min_level", '"3.5" is not a level'),
]


def _snapshot(store: Store) -> dict[str, pd.DataFrame]:
    return {name: store.read(name) for name in ("people", "skills", "ratings", "targets",
                                                "requests")}


@pytest.mark.parametrize(("files", "source", "row", "column", "words"),
                         [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_hostile_input_is_refused_with_a_message(tmp_path, store, files, source, row, column,
                                                 words):
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
    after = _snapshot(store)
    for name, frame in before.items():
        pd.testing.assert_frame_equal(frame, after[name], obj=name)


def test_a_flood_of_bad_rows_is_counted_not_listed():
    files = {"people.csv": PEOPLE.encode(), "skills.csv": SKILLS.encode(),
             "ratings.csv": MANY_BAD.encode()}
    with pytest.raises(DatasetError) as raised:
        parse_uploads(files)
    # 5,000 bad levels and 4,999 repeats of the first rating.
    assert len(raised.value.problems) == 200
    assert raised.value.total == 9_999
    assert "… and 9,799 more" in str(raised.value)


def test_limits_name_the_variable_that_changes_them(monkeypatch):
    monkeypatch.setenv("CROSSTRAIN_IMPORT_MAX_ROWS", "1")
    files = {"people.csv": PEOPLE.encode(), "skills.csv": SKILLS.encode(),
             "ratings.csv": RATINGS.encode()}
    with pytest.raises(DatasetError) as raised:
        parse_uploads(files)
    assert "set CROSSTRAIN_IMPORT_MAX_ROWS to change it" in str(raised.value)
    monkeypatch.setenv("CROSSTRAIN_IMPORT_MAX_ROWS", "10")
    assert len(parse_uploads(files).people) == 2


def test_an_xlsx_that_unpacks_too_far_is_refused_before_parsing(monkeypatch):
    monkeypatch.setenv("CROSSTRAIN_IMPORT_MAX_UNPACKED_MB", "1")
    padded = _normalised_book()
    sheet = _sheet_xml(padded)
    big = sheet.replace(b"<sheetData>", b"<sheetData>" + b" " * 2_000_000, 1)
    with pytest.raises(DatasetError) as raised:
        parse_uploads({"org.xlsx": _rewrite_zip(padded, {"xl/worksheets/sheet1.xml": big})})
    assert "unpacks to 2 MB of XML" in str(raised.value)
    assert "CROSSTRAIN_IMPORT_MAX_UNPACKED_MB" in str(raised.value)


def test_a_file_over_the_size_limit_is_refused_unread(monkeypatch):
    monkeypatch.setenv("CROSSTRAIN_IMPORT_MAX_FILE_MB", "1")
    with pytest.raises(DatasetError) as raised:
        parse_uploads({"people.csv": PEOPLE.encode() + b"P9,x,y,sre\n" * 200_000,
                       "skills.csv": SKILLS.encode(), "ratings.csv": RATINGS.encode()})
    assert "more than an import takes" in str(raised.value)


def test_thirty_thousand_people_with_one_name_get_ids_at_once():
    rows = "".join(f"Ana,Serving,sre,{i % 5}\n" for i in range(30_000))
    dataset = parse_uploads({"matrix.csv": ("name,team,discipline,CI/CD\n" + rows).encode()})
    assert dataset.people["person_id"].nunique() == 30_000
    assert dataset.people["person_id"].iloc[-1] == "ana-30000"


def test_utf16_without_bom_is_read_not_called_binary():
    files = {"people.csv": PEOPLE.encode("utf-16-le"), "skills.csv": SKILLS.encode(),
             "ratings.csv": RATINGS.encode()}
    assert parse_uploads(files).people["name"].tolist() == ["Ana", "Bo"]


def test_zero_padded_numbers_in_a_workbook_keep_what_the_sheet_shows():
    people = [["person_id", "name", "team", "discipline"], [124, "Ana", "Serving", "sre"]]
    ratings = [["person_id", "skill_id", "level"], ["000124", "ir", 3]]
    content = _book({"people": people, "skills": _rows(SKILLS), "ratings": ratings},
                    formats={"A2": "000000"})
    dataset = parse_uploads({"org.xlsx": content})
    assert dataset.people["person_id"].tolist() == ["000124"]


def test_a_formula_with_a_saved_value_reads_as_its_value():
    ratings = _rows(RATINGS)
    ratings[1][2] = "=1+2"
    content = _normalised_book(ratings=ratings)
    sheet = _sheet_xml(content, 3)
    # What a spreadsheet writes after calculating: the formula and its value.
    calculated = sheet.replace(b"<f>1+2</f><v />", b"<f>1+2</f><v>3</v>")
    assert calculated != sheet
    dataset = parse_uploads({"org.xlsx": _rewrite_zip(content,
                                                      {"xl/worksheets/sheet3.xml": calculated})})
    assert dataset.ratings["level"].tolist() == [3, 2]


CELLS = st.text(alphabet=st.characters(codec="utf-8"), max_size=12) | st.sampled_from(
    ["P1", "ir", "3", "-1", "9" * 30, "", " ", '"', "\x00", "\u200b", "2025-02-30", "NA",
     "Serving", "sre", "true"])


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(people=st.lists(st.lists(CELLS, min_size=0, max_size=6), max_size=5),
       ratings=st.lists(st.lists(CELLS, min_size=0, max_size=6), max_size=5),
       separator=st.sampled_from([",", ";", "\t"]), raw=st.binary(max_size=64))
def test_fuzz_the_importer_raises_only_its_own_error(people, ratings, separator, raw):
    def csv_text(header: str, rows: list[list[str]]) -> bytes:
        lines = [header.replace(",", separator)] + [separator.join(r) for r in rows]
        return "\n".join(lines).encode("utf-8", "surrogatepass")

    files = {"people.csv": csv_text("person_id,name,team,discipline,manager_id", people),
             "skills.csv": SKILLS.encode(),
             "ratings.csv": csv_text("person_id,skill_id,level,interest,assessed_on", ratings),
             "targets.csv": raw}
    with contextlib.suppress(DatasetError):
        parse_uploads(files)


@settings(max_examples=60, deadline=None)
@given(bosses=st.lists(st.integers(min_value=-1, max_value=5), min_size=2, max_size=8))
def test_manager_loops_are_told_as_the_walk_from_everyone_tells_them(bosses):
    # The validator walks only the edges of people who manage someone; whatever the chart,
    # it must report the very problems the walk from every person reports (-1: no manager).
    from skills.ingest.lookalikes import manager_cycle_problems

    rows = [(f"P{i}", f"P{b}" if b >= 0 else "", i + 2) for i, b in enumerate(bosses)]
    people = "person_id,name,team,discipline,manager_id\n" + "".join(
        f"{person},N{row},Serving,sre,{boss}\n" for person, boss, row in rows)
    expected = manager_cycle_problems("people.csv", [r for r in rows if r[1]])
    try:
        parse_uploads({"people.csv": people.encode(), "skills.csv": SKILLS.encode(),
                       "ratings.csv": b"person_id,skill_id,level\nP0,ir,1\n"})
        found = []
    except DatasetError as error:
        found = [p for p in error.problems if "manager chain loops" in p.message
                 or "own manager" in p.message]
    assert sorted(found, key=str) == sorted(expected, key=str)


SQL_TEXT = ["O'Brien'); DROP TABLE people; --", 'x" OR 1=1 --', "'; SELECT 1; '", "$path"]


def test_sql_in_a_file_is_only_ever_data(tmp_path) -> None:
    # The importer's SQL interpolates only names it made itself (its scratch tables, c0, c1…,
    # the contract's columns); what a file holds, headers included, is read by DuckDB as data.
    people = ("person_id,name,team,discipline,\"drop table people; --\"\n"
              + "".join(f'P{i},"{text.replace(chr(34), chr(34) * 2)}",Serving,sre,x\n'
                        for i, text in enumerate(SQL_TEXT)))
    ratings = "person_id,skill_id,level,interest\n" + "".join(
        f"P{i},ir,3,1\n" for i in range(len(SQL_TEXT)))
    folder = write_files(tmp_path / "org", {"people.csv": people, "skills.csv": SKILLS,
                                            "ratings.csv": ratings})
    store = Store(tmp_path / "sql.duckdb")
    load_path(store, folder)
    stored = store.read("people").set_index("person_id")["name"]
    assert [stored[f"P{i}"] for i in range(len(SQL_TEXT))] == SQL_TEXT
    assert len(store.read("ratings")) == len(SQL_TEXT)
    store.close()
