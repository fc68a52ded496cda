"""In Chromium: the mentoring page draws its network view, with and without the skill graph."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.streamlit_page import expect_no_exception, open_page, wait_for_app

pytestmark = pytest.mark.browser
# HR sees every person in the network; a manager the people of the teams they lead.
DEMO_IDENTITY = "hr"


def test_network_view_renders(page: Page, app_url: str) -> None:
    open_page(page, app_url, "mentoring")
    expect(page.get_by_role("heading", name="Mentoring pairs", exact=True)).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Optimal: \d+ pairs"))).to_be_visible()
    page.get_by_role("tab", name="Network").click()
    chart = page.get_by_test_id("stPlotlyChart").filter(has_text="Mentoring network")
    expect(chart).to_be_visible()
    # Plotly drew one marker per person: the sample has 120 people.
    expect(chart.locator("g.trace.scatter path.point")).to_have_count(120)
    expect(chart.get_by_text("ML engineering")).to_be_visible()
    expect_no_exception(page)

    page.get_by_text("Show the skill graph").click()
    wait_for_app(page)
    chart = page.get_by_test_id("stPlotlyChart").filter(has_text="Mentoring network")
    expect(chart.get_by_text("Skill (red: one holder)")).to_be_visible()
    expect(chart.get_by_text("Rollback", exact=True)).to_be_visible()
    expect(page.get_by_text(re.compile(r"Held by one person only \(red\): .*rollback"))
           ).to_be_visible()
    expect_no_exception(page)
