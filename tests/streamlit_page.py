"""Helpers for driving the app in Chromium: wait on the app's own script state, never sleep."""

from __future__ import annotations

from playwright.sync_api import Page, expect


def wait_for_app(page: Page, timeout: float = 30_000) -> None:
    """Connected, the script run finished, and no element still a skeleton."""
    page.locator("[data-testid='stApp'][data-test-connection-state='CONNECTED']").wait_for(
        state="attached", timeout=timeout)
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        state="attached", timeout=timeout)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=timeout)


def open_page(page: Page, base_url: str, path: str = "") -> None:
    page.goto(f"{base_url}/{path}")
    wait_for_app(page)


def expect_no_exception(page: Page) -> None:
    expect(page.get_by_test_id("stException")).to_have_count(0)


def run_planner(app):  # noqa: ANN001, ANN201 - an AppTest, returned after the plan is shown
    """Press "Run the planner" on the rotation plan page and wait for the background job.

    The plan runs off the script thread; waiting on its future (not on a clock) and rerunning
    once shows the result exactly as the page's own progress fragment would.
    """
    app.button(key="rp-run").click().run()
    if "rp-job" in app.session_state:
        app.session_state["rp-job"].future.result(timeout=300)
        app.run()
    return app
