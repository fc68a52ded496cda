"""In Chromium: HR opens the succession page, downloads the CSV and reads it back."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from skills.ingest.loading import parse_path
from skills.ingest.sample import SAMPLE_DIR
from skills.services import succession
from skills.store import Store
from tests.streamlit_page import expect_no_exception, open_page

pytestmark = pytest.mark.browser
# The server acts as the demo HR person (conftest.app_url); the manager's view of this page
# is tested under AppTest (tests/test_succession.py).
DEMO_IDENTITY = "hr"


def expected_rows(tmp_path) -> list[list[str]]:
    """The export of the bundled sample, which the app's fresh database starts with."""
    store = Store(tmp_path / "expected.duckdb")
    store.replace_dataset(parse_path(SAMPLE_DIR))
    text = succession.export(store).decode("utf-8-sig")
    store.close()
    return list(csv.reader(io.StringIO(text, newline="")))


def test_hr_downloads_the_succession_csv(page: Page, app_url: str, tmp_path) -> None:
    open_page(page, app_url, "succession")
    expect(page.get_by_role("heading", name="Succession plans", exact=True)).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Optimal: .* 10 key people"))).to_be_visible()
    expect_no_exception(page)

    # Tables of people offer no toolbar download of their own: exports go through the service.
    table = page.get_by_test_id("stDataFrame").first
    table.hover()
    toolbar = page.get_by_test_id("stElementToolbar").first
    expect(toolbar.get_by_role("button").first).to_be_visible()  # the hover shows the toolbar
    expect(page.get_by_role("button", name="Download as CSV")).to_have_count(0)

    page.get_by_role("tab", name="Departure impact").click()
    expect(page.get_by_test_id("stPlotlyChart").filter(has_text="most damaging departures")
           ).to_be_visible()
    page.get_by_role("tab", name="Export").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download succession plan (CSV)").click()
    assert download.value.suggested_filename == "succession.csv"
    raw = Path(download.value.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0] == list(succession.EXPORT_HEADERS)
    assert rows == expected_rows(tmp_path)
    readiness = rows[0].index("Readiness")
    assert {row[readiness] for row in rows[1:]} <= {"ready now", "ready in 1-2 years", "later"}
    expect_no_exception(page)
