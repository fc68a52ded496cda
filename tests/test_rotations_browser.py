"""In Chromium: an engineer files a rotation request, a manager plans and approves it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.streamlit_page import expect_no_exception, open_page, wait_for_app

pytestmark = pytest.mark.browser


def choose(page: Page, label: str, option: str) -> None:
    """Pick `option` in the Streamlit selectbox labelled `label` by typing, as a person would."""
    box = page.get_by_test_id("stSelectbox").filter(has_text=label)
    box.click()
    page.keyboard.type(option)
    page.get_by_role("option", name=re.compile(re.escape(option))).first.click()
    wait_for_app(page)


def test_engineer_requests_and_manager_approves(page: Page, app_url: str) -> None:
    open_page(page, app_url, "rotation_requests")
    expect(page.get_by_role("heading", name="Rotation requests", exact=True)).to_be_visible()
    choose(page, "Requests of", "Hugo Ferreira")  # the demo manager leads his team
    choose(page, "Host team", "Serving")
    page.get_by_text("3 · most important").click()
    page.get_by_label("Note for the manager").fill("I'd like to learn model serving")
    page.get_by_role("button", name="File request").click()
    wait_for_app(page)
    expect(page.get_by_text("Request R009 filed.")).to_be_visible()
    expect(page.get_by_text("R009: Serving, Q1–Q4, priority 3 — Waiting for the next plan")
           ).to_be_visible()
    expect_no_exception(page)

    open_page(page, app_url, "rotations")
    page.get_by_role("button", name="Run the planner").click()
    wait_for_app(page, timeout=60_000)
    # The plan runs in the background; its progress fragment reruns the page when it is done.
    expect(page.get_by_text(re.compile(r"^Optimal"))).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible()
    page.get_by_role("button", name="Save as a plan version for approval").click()
    wait_for_app(page)
    expect(page.get_by_text("Saved as plan version 1.")).to_be_visible()

    choose(page, "Rotation", "(request R009)")
    page.get_by_label("Rationale").fill("Serving agreed to host")
    page.get_by_role("button", name="Record decision").click()
    wait_for_app(page)
    expect(page.get_by_text(re.compile(r"v1: proposed.* 1 approved"))).to_be_visible()
    expect_no_exception(page)

    open_page(page, app_url, "rotation_requests")
    choose(page, "Requests of", "Hugo Ferreira")  # the demo manager leads his team
    expect(page.get_by_text("R009: Serving, Q1–Q4, priority 3 — Approved")).to_be_visible()
    expect_no_exception(page)
