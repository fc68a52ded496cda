"""The foundation pages in Debian's Chromium, driven by Playwright against `streamlit run`."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.streamlit_page import expect_no_exception, open_page, wait_for_app

pytestmark = pytest.mark.browser

PAGES = [("", "Coverage overview"), ("coverage", "Coverage explorer"), ("data", "Data")]


@pytest.mark.parametrize(("path", "title"), PAGES)
def test_each_page_renders_without_an_exception(page: Page, app_url: str, path, title):
    open_page(page, app_url, path)
    expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
    expect_no_exception(page)


def test_sidebar_has_one_navigation_and_no_legacy_pages(page: Page, app_url: str):
    open_page(page, app_url)
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav).to_have_count(1)
    links = nav.get_by_test_id("stSidebarNavLink")
    labels = [links.nth(i).inner_text() for i in range(links.count())]
    assert "Overview" in " ".join(labels)
    assert not any("shared" in label.lower() or label.startswith(("1 ", "2 ")) for label in labels)


def test_heatmap_is_drawn(page: Page, app_url: str):
    open_page(page, app_url, "coverage")
    chart = page.get_by_test_id("stPlotlyChart").first
    expect(chart.locator(".heatmaplayer")).to_have_count(1)
    expect(chart.locator(".main-svg").first).to_be_visible()


def _upload(page: Page, files: list[dict]) -> None:
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(files)
    wait_for_app(page)


def _csv(name: str, text: str) -> dict:
    return {"name": name, "mimeType": "text/csv", "buffer": text.encode("utf-8")}


GOOD = [
    _csv("people.csv", "person_id,name,team,discipline\nX1,Ada Lovelace,Skunkworks,ml\n"
                       "X2,Grace Hopper,Skunkworks,sre\n"),
    _csv("skills.csv", "skill_id,name,discipline,critical\nzz-quantum,Quantum tuning,ml,yes\n"),
    _csv("ratings.csv", "person_id,skill_id,level\nX1,zz-quantum,4\n"),
]


def test_bad_upload_lists_its_problems_and_changes_nothing(page: Page, app_url: str):
    open_page(page, app_url, "data")
    stored = page.get_by_text("Stored now:").inner_text()
    bad = [GOOD[0], GOOD[1], _csv("ratings.csv", "person_id,skill_id,level\nX1,zz-quantum,5\n"
                                                 "X9,zz-quantum,2\n")]
    _upload(page, bad)
    expect(page.get_by_text("2 problems found; the stored dataset is unchanged.")).to_be_visible()
    problems = page.get_by_test_id("stDataFrame").first  # the problem list, above the history
    expect(problems).to_be_visible()
    expect(page.get_by_role("button", name="Replace the stored dataset")).to_have_count(0)
    page.reload()
    wait_for_app(page)
    assert page.get_by_text("Stored now:").inner_text() == stored


def test_good_upload_changes_the_coverage_page(page: Page, app_url: str):
    open_page(page, app_url, "data")
    _upload(page, GOOD)
    expect(page.get_by_text("Ready to load")).to_be_visible()
    page.get_by_role("button", name="Replace the stored dataset").click()
    wait_for_app(page)
    expect(page.get_by_text("Dataset replaced")).to_be_visible()
    expect(page.get_by_text("Stored now: 2 people, 1 team, 1 skill")).to_be_visible()

    open_page(page, app_url, "")
    expect(page.get_by_text("2 people, 1 team, 1 skill · snapshot")).to_be_visible()
    key_people = page.get_by_test_id("stMetric").filter(has_text="Key people")
    expect(key_people.get_by_test_id("stMetricValue")).to_have_text("1")  # Ada, sole expert
    open_page(page, app_url, "coverage")
    heatmap = page.get_by_test_id("stPlotlyChart").first
    expect(heatmap.get_by_text("Quantum tuning ★")).to_be_visible()
