"""A deep link is the first thing a fresh server sees: navigation still comes from app.py."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.streamlit_page import expect_no_exception, open_page

pytestmark = pytest.mark.browser


def test_first_visit_by_deep_link_uses_app_navigation(page: Page, app_url: str):
    # This module's server is fresh, and this is its first visitor.
    open_page(page, app_url, "coverage")
    expect(page.get_by_role("heading", name="Coverage explorer", exact=True)).to_be_visible()
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav).to_have_count(1)
    expect(nav.get_by_text("Coverage", exact=True)).to_be_visible()  # app.py's section header
    expect(nav.get_by_text("shared")).to_have_count(0)  # pages/_shared.py is no page
    expect(page.get_by_text("Viewing as")).to_be_visible()  # app.py's frame ran
    expect_no_exception(page)
