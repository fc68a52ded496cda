"""The SQL checks accept exactly what the Python rules accept, value for value.

The importer checks a million cells in SQL but words problems with the Python parse functions
(`SPECS`); if the two ever disagreed, a bad value would be stored or a good one refused with
no message. Hypothesis tries the edges.
"""

from __future__ import annotations

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skills.ingest.validation import SPECS, Column, _bind, _checked

CHECKED = [(table, column) for table, spec in SPECS.items() for column in spec
           if _checked(column)]
CONNECTION = duckdb.connect()
EDGES = ["0", "4", "5", "-1", "+3", "3.0", "3.00", "3.5", "03", "1e3", " 3", "٣", "9" * 19,
         "9" * 400, "2025-03-31", "2025-02-30", "0000-01-01", "-025-03-31", "2025-3-31",
         "2025-03-31T10:00", "2025-03-31 10:00:00Z", "2025-03-31Tgarbage", "20250331",
         "true", "YES", "n", "maybe", "sre", "SRE / operations", "Data  engineering",
         "unassigned", "ml", "legal",
         # Ten bytes with dashes where a date has them, and near misses of that shape.
         "2025-03-é", "2025/03/31", "2025-1-031", "+025-03-31", "2025--3-31", "2025-03-3 ",
         "2025-03-3x", "1999-12-31", "0001-01-01"]


def _sql_accepts(column: Column, value: str) -> bool:
    expression = _bind(column.typed if column.converts else
                       f"CASE WHEN {column.check} THEN {column.typed} END", "$v")
    result = CONNECTION.execute(f"SELECT {expression}", {"v": value}).fetchall()[0][0]
    return result is not None


def _python_accepts(column: Column, value: str) -> bool:
    try:
        column.parse(value)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize(("table", "column"), CHECKED,
                         ids=[f"{t}.{c.name}" for t, c in CHECKED])
def test_sql_and_python_agree_on_the_edges(table, column):
    for value in EDGES:
        assert _sql_accepts(column, value) == _python_accepts(column, value), value


@settings(max_examples=300, deadline=None)
@given(value=st.text(alphabet="0123456789+-.eT: Z", min_size=1, max_size=22),
       index=st.integers(min_value=0, max_value=len(CHECKED) - 1))
def test_sql_and_python_agree_on_numbers_and_dates(value, index):
    _, column = CHECKED[index]
    assert _sql_accepts(column, value) == _python_accepts(column, value)
