"""In Chromium: an engineer files a rotation request, a manager plans and decides in bulk.

The server offers the demo chooser (no identity is preset), so each test signs in as a demo
person the way a visitor does; a reload starts a new session, so after each `open_page` the
test chooses again.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.streamlit_page import expect_no_exception, open_page, wait_for_app

pytestmark = pytest.mark.browser

# No demo role preset: the chooser is shown, as to a visitor.
DEMO_IDENTITY = "chooser"
MANAGER = "Søren Müller"      # P002, leads Feature Store
ENGINEER = "Dara Haddad"      # P082, Feature Store, has request R001
SHOTS = Path(os.environ.get("CROSSTRAIN_SHOTS", "/tmp/shots/rotations"))


def choose(page: Page, label: str, option: str) -> None:
    """Pick `option` in the Streamlit selectbox labelled `label` by typing, as a person would."""
    box = page.get_by_test_id("stSelectbox").filter(has_text=label)
    box.click()
    page.keyboard.type(option)
    page.get_by_role("option", name=re.compile(re.escape(option))).first.click()
    wait_for_app(page)


PAGES = {"rotations": "Rotation plan", "rotation_requests": "Rotation requests"}


def sign_in(page: Page, base_url: str, path: str, who: str) -> None:
    """Open the app in a new session, act as the demo person `who`, then go to the page as a
    visitor does, through the sidebar (before the choice no page but the chooser exists, so
    a deep link would only say "Page not found")."""
    open_page(page, base_url)
    expect(page.get_by_role("heading", name="Who do you want to act as?")).to_be_visible()
    page.get_by_role("button", name=re.compile(f"^{re.escape(who)} ·")).click()
    wait_for_app(page)
    expect(page.get_by_text(f"Viewing as {who}")).to_be_visible()
    page.get_by_test_id("stSidebarNav").get_by_text(PAGES[path], exact=True).click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name=PAGES[path], exact=True)).to_be_visible()


def shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def test_manager_decides_a_plan_in_bulk(page: Page, app_url: str) -> None:
    page.set_viewport_size({"width": 1440, "height": 1000})
    sign_in(page, app_url, "rotations", MANAGER)
    page.get_by_role("button", name="Run the planner").click()
    wait_for_app(page, timeout=60_000)
    status = page.get_by_text(re.compile(r"^Optimal"))
    expect(status).to_be_visible(timeout=60_000)
    # The default plan says how many unrequested rotations it adds and what they bring.
    expect(page.get_by_text(re.compile(r"It adds \d+ unrequested rotations? \(at most as many as "
                                       r"the \d+ that answer requests\) for the growth they bring"))
           ).to_be_visible()
    page.get_by_role("button", name="Save as a plan version for approval").click()
    wait_for_app(page)
    expect(page.get_by_text(re.compile(r"^Saved as plan version \d+\.$"))).to_be_visible()

    # After saving, the first table on the page is the pending rotations' decision table.
    editor = page.get_by_test_id("stDataFrame").first
    heading = page.get_by_text("Pending rotations", exact=False)
    heading.scroll_into_view_if_needed()
    expect(page.get_by_role("button", name=re.compile(
        r"^Approve all requested rotations that keep every rule \(\d+\)$"))).to_be_visible()
    expect(page.get_by_text("their teams' managers decide them", exact=False)).to_be_visible()
    page.mouse.wheel(0, 300)
    shoot(page, "1-bulk-table-all")

    # Narrow to requested rotations, then approve every one that keeps every rule.
    page.get_by_test_id("stRadio").filter(has_text="Rotations").get_by_text(
        "requested", exact=True).click()
    wait_for_app(page)
    button = page.get_by_role(
        "button", name=re.compile(r"^Approve all requested rotations that keep every rule"))
    count = int(re.search(r"\((\d+)\)", button.inner_text()).group(1))
    assert count >= 1
    expect(editor).to_be_visible()
    shoot(page, "2-bulk-table-requested")
    page.get_by_label("Rationale for the selection").fill("Requested, and the teams agree")
    button.click()
    wait_for_app(page)
    plural = "s" if count != 1 else ""
    expect(page.get_by_text(re.compile(
        rf"^Recorded {count} decision{plural} on v\d+: {count} requested rotation{plural} "
        r"approved\.$"))).to_be_visible()
    expect(page.get_by_text(re.compile(rf"v\d+: proposed.* {count} approved"))).to_be_visible()
    # The approved rotations left the pending table; the list below says who decided.
    expect(page.get_by_role("button", name=re.compile(
        r"^Approve all requested rotations that keep every rule \(0\)$"))).to_be_disabled()
    expect_no_exception(page)
    page.get_by_text("Every rotation of this version").scroll_into_view_if_needed()
    shoot(page, "3-after-approve-all")


def test_engineer_requests_and_manager_approves(page: Page, app_url: str) -> None:
    sign_in(page, app_url, "rotation_requests", MANAGER)
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

    sign_in(page, app_url, "rotations", MANAGER)
    page.get_by_role("button", name="Run the planner").click()
    wait_for_app(page, timeout=60_000)
    # The plan runs in the background; its progress fragment reruns the page when it is done.
    expect(page.get_by_text(re.compile(r"^Optimal"))).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible()
    page.get_by_role("button", name="Save as a plan version for approval").click()
    wait_for_app(page)
    saved = page.get_by_text(re.compile(r"^Saved as plan version \d+\.$"))
    expect(saved).to_be_visible()
    version = re.search(r"\d+", saved.inner_text()).group(0)

    # R009 is requested and keeps every rule: approve-all, narrowed to Hugo's team, takes it.
    page.get_by_test_id("stRadio").filter(has_text="Rotations").get_by_text(
        "requested", exact=True).click()
    wait_for_app(page)
    page.get_by_label("Rationale for the selection").fill("Serving agreed to host")
    page.get_by_role("button",
                     name=re.compile(r"^Approve all requested rotations that keep every rule")
                     ).click()
    wait_for_app(page)
    expect(page.get_by_text(re.compile(rf"v{version}: proposed.* \d+ approved"))).to_be_visible()
    expect_no_exception(page)

    sign_in(page, app_url, "rotation_requests", MANAGER)
    choose(page, "Requests of", "Hugo Ferreira")
    expect(page.get_by_text("R009: Serving, Q1–Q4, priority 3 — Approved")).to_be_visible()
    expect(page.get_by_text(re.compile(rf"^Approved: you spend Q\d with Serving \(plan "
                                       rf"v{version}, decided by manager P002\)\."))
           ).to_be_visible()
    expect_no_exception(page)


def test_the_request_form_keeps_the_note_after_an_error(page: Page, app_url: str) -> None:
    sign_in(page, app_url, "rotation_requests", ENGINEER)
    page.get_by_text("grow a skill", exact=True).click()
    note = page.get_by_label("Note for the manager")
    note.fill("Drift detection, please")
    page.get_by_role("button", name="File request").click()
    wait_for_app(page)
    expect(page.get_by_text("The request was not filed: choose a host team or a skill to "
                            "grow.")).to_be_visible()
    expect(note).to_have_value("Drift detection, please")
    expect(page.get_by_test_id("stRadio").filter(has_text="I want to")
           .get_by_role("radio", name="grow a skill")).to_be_checked()
    expect_no_exception(page)


def test_the_request_form_is_empty_again_once_a_request_is_filed(page: Page,
                                                                 app_url: str) -> None:
    sign_in(page, app_url, "rotation_requests", ENGINEER)
    note = page.get_by_label("Note for the manager")
    note.fill("Serving, next quarter")
    page.get_by_test_id("stRadio").filter(has_text="Priority").get_by_text(
        "3 · most important").click()
    page.get_by_role("button", name="File request").click()
    wait_for_app(page)
    expect(page.get_by_text(re.compile(r"^Request R\d+ filed"))).to_be_visible()
    # The browser shows what the next request starts from, not the last one's words.
    expect(note).to_have_value("")
    expect(page.get_by_test_id("stRadio").filter(has_text="Priority")
           .get_by_role("radio", name="2 · important")).to_be_checked()
    expect_no_exception(page)
