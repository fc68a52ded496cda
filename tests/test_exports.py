"""CSV exports never carry a live spreadsheet formula."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from skills.exports import neutralise, to_csv, to_csv_bytes


@pytest.mark.parametrize("payload", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)",
                                     "\t=1", "\r=1", "|calc", "%0A"])
def test_formula_starts_are_neutralised(payload):
    assert neutralise(payload) == "'" + payload


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
