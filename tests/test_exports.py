"""CSV exports never carry a live spreadsheet formula."""

from __future__ import annotations

import csv
import io
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
