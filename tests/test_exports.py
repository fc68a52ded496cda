"""CSV exports never carry a live spreadsheet formula."""

from __future__ import annotations

import csv
import io
import json
import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skills.exports import neutralise, to_csv, to_csv_bytes


@pytest.mark.parametrize("payload", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)",
                                     "\t=1", "\r1", "|calc", "%0A"])
def test_formula_starts_are_neutralised(payload):
    assert neutralise(payload) == "'" + payload


def test_a_formula_after_an_embedded_line_break_is_neutralised_too():
    assert neutralise("\r=1") == "'\r'=1"
    assert neutralise("Ana\r\n@x") == "Ana\r\n'@x"


def test_plain_values_and_numbers_pass_through():
    assert neutralise("Ana Souza") == "Ana Souza"
    assert neutralise(-3) == -3


def test_csv_round_trip_keeps_names_and_blocks_formulas():
    frame = pd.DataFrame({"name": ["Zoë", "=cmd|' /C calc'!A0"], "level": [3, -1]})
    rows = list(csv.DictReader(io.StringIO(to_csv(frame))))
    assert rows[0] == {"name": "Zoë", "level": "3"}
    assert rows[1]["name"].startswith("'=")
    assert rows[1]["level"] == "-1"
    assert to_csv_bytes(frame).startswith(b"\xef\xbb\xbf")


def test_a_name_with_an_embedded_carriage_return_stays_in_its_row():
    # Issue 13: the CR went out unquoted, so the row split and the formula began a line.
    frame = pd.DataFrame({"person_id": ["P1", "P2"],
                          "name": ["Ana\r=cmd|' /C calc'!A0", "Bo\n@SUM(A1)"]})
    text = to_csv(frame)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == 3 and [r[0] for r in rows[1:]] == ["P1", "P2"]
    physical = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    assert not [line for line in physical if line.startswith(("=", "+", "@"))]
    assert rows[1][1].startswith("Ana")


def _lines_of(cell: str) -> list[str]:
    return cell.replace("\r\n", "\n").replace("\r", "\n").split("\n")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("ab=+-@\t\r\n 'é1")), max_size=12),
                min_size=1, max_size=6))
def test_no_exported_text_line_can_start_a_formula(names: list[str]):
    frame = pd.DataFrame({"id": [f"{i:03d}" for i in range(len(names))], "name": names})
    rows = list(csv.reader(io.StringIO(to_csv(frame), newline="")))
    assert len(rows) == len(names) + 1
    for (ident, cell), original in zip(rows[1:], names, strict=True):
        assert ident.isdigit() and len(ident) == 3  # ids keep their leading zeros
        for line in _lines_of(cell):
            assert not line.startswith(("=", "+", "-", "@", "\t")), repr(cell)
        assert not cell.startswith(("\r", "\n")), repr(cell)
        # What was stored comes back once the neutralising quotes are taken off.
        assert _strip_guards(cell) == original


def _strip_guards(cell: str) -> str:
    """The inverse of the export's guard: one quote off each guarded start."""
    cell = re.sub(r"(?<=[\r\n])'(?='*[=+\-@\t|%])", "", cell)
    return re.sub(r"\A'(?='*[=+\-@\t\r\n|%])", "", cell)


# --- Headers and HR's exports (issue 14): on-screen labels as headers, names beside ids.

def test_headers_are_neutralised_in_csv_and_xlsx():
    from openpyxl import load_workbook

    from skills.exports import to_xlsx_bytes

    frame = pd.DataFrame({"=Team": ["a"], "Key person id": ["000123"]})
    header = next(csv.reader(io.StringIO(to_csv(frame), newline="")))
    assert header == ["'=Team", "Key person id"]
    sheet = load_workbook(io.BytesIO(to_xlsx_bytes(frame))).active
    assert [c.value for c in sheet[1]] == ["'=Team", "Key person id"]
    assert sheet["B2"].value == "000123" and sheet["B2"].data_type == "s"


def _succession_rows(store, fmt: str = "csv") -> list[dict]:
    from openpyxl import load_workbook

    from skills.access import Caller, Role
    from skills.plans.succession import SuccessionOptions
    from skills.services import succession

    data = succession.export(store.as_caller(Caller(Role.HR, "P011")), fmt,
                             SuccessionOptions(time_limit=30))
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    sheet = load_workbook(io.BytesIO(data)).active
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, (c.value or "" for c in row), strict=True))
            for row in sheet.iter_rows(min_row=2)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_succession_export_has_the_pages_labels_and_names_beside_ids(store, fmt):
    from skills.organisation import shown_name_map
    from skills.services import succession

    rows = _succession_rows(store, fmt)
    assert rows and list(rows[0]) == list(succession.EXPORT_HEADERS)
    people = shown_name_map(store.read("people"))
    skills = dict(zip(store.read("skills")["skill_id"], store.read("skills")["name"],
                      strict=True))
    for row in rows:
        assert row["Key person"] == people[row["Key person id"]]
        ids = row["Skill ids at risk"].split(";")
        assert row["Skills at risk"] == "; ".join(skills[s] for s in ids)
        if row["Successor id"]:
            assert row["Successor"] == people[row["Successor id"]]


def test_the_succession_page_shows_skill_names_under_the_exports_label(monkeypatch, store):
    from streamlit.testing.v1 import AppTest

    from skills.store import ROOT

    monkeypatch.setenv("CROSSTRAIN_DB", str(store.path))
    store.close()
    app = AppTest.from_file(str(ROOT / "pages" / "8_succession.py"), default_timeout=120)
    app.session_state["role"] = "hr"
    app.run()
    assert not app.exception
    keys = next(d for d in app.dataframe if "skill_names_at_risk" in d.value.columns)
    assert "skill_names_at_risk" in keys.proto.column_order
    assert "skills_at_risk" not in keys.proto.column_order
    assert not keys.value["skill_names_at_risk"].str.contains("-").all()


def test_hrs_hiring_export_is_the_tables_columns_with_names_beside_ids(monkeypatch, store):
    from streamlit.testing.v1 import AppTest

    from skills.plans.hiring import HiringOptions
    from skills.services import hiring
    from skills.store import ROOT

    options = HiringOptions(time_limit=20)
    plan, _ = hiring.plan_with_learning(store, options)
    hiring.save_plan(store, "Today", plan, options)
    monkeypatch.setenv("CROSSTRAIN_DB", str(store.path))
    store.close()
    app = AppTest.from_file(str(ROOT / "pages" / "7_hiring.py"), default_timeout=120)
    app.session_state["role"] = "hr"
    app.run()
    assert not app.exception
    table = next(d for d in app.dataframe if "person_name" in d.value.columns)
    order = list(table.proto.column_order)
    assert order.index("person_name") == order.index("person_id") + 1
    labels = {k: v["label"] for k, v in json.loads(table.proto.columns).items() if "label" in v}
    assert labels["person_name"] == "Person" and labels["person_id"] == "Person id"
    assert any(b.label == "Export plan as CSV" for b in app.get("download_button"))
