"""A newcomer's first visit, from the first page to a downloaded PDF, walked and counted.

Each step is a click a person makes (typing is not counted); a screenshot of every step goes to
``tests/e2e/artifacts/newcomer-*.png`` and the clicks and seconds to ``newcomer.json``, for a
person to look at. The time is measured, not asserted: it depends on the machine. The seven clicks
are the walk itself (first account, new city, save, start, one answer, draft report, download; the
report is made as its page opens): each
one must find its control on the page the one before left, so a detour fails the test.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect
from pypdf import PdfReader

from tests.e2e.steps import EMAIL, NAME, PASSWORD, current, settle, wait_for_focus_on

pytestmark = pytest.mark.e2e
CITY = "Newcomer Town"


class Walk:
    """Clicks counted, and the page photographed after each."""

    def __init__(self, page: Page, artifacts: Path) -> None:
        self.page, self.artifacts = page, artifacts
        self.clicks, self.started = 0, time.monotonic()
        self.steps: list[dict[str, object]] = []

    def click(self, target: Locator) -> None:
        target.click()
        self.clicks += 1

    def arrived(self, step: str) -> None:
        """The step's page is there (checked by the caller): note the time and photograph it."""
        settle(self.page)
        self.steps.append({"click": self.clicks, "step": step, "seconds": round(time.monotonic() - self.started, 1)})
        self.page.screenshot(path=self.artifacts / f"newcomer-{self.clicks:02d}-{step}.png")


def test_a_newcomer_reaches_a_downloaded_draft_report_in_seven_clicks(
    empty_app_url: str, browser, artifacts: Path, tmp_path: Path
) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    page = context.new_page()
    walk = Walk(page, artifacts)
    page.goto(empty_app_url)

    # a fresh server opens on the page that creates its first account, then the app, signed in
    expect(page.get_by_role("heading", name="Create the first account")).to_be_visible()
    page.get_by_label("Your name").fill(NAME)
    page.get_by_label("Your email").fill(EMAIL)
    page.get_by_label("Choose a password").fill(PASSWORD)
    walk.click(page.get_by_role("button", name="Create the account and sign in"))
    expect(page.get_by_test_id("stSidebar").get_by_text(f"Signed in as {NAME}")).to_be_visible(timeout=30_000)
    walk.arrived("first-account")

    walk.click(current(page).get_by_role("button", name="Set up a new city"))
    page.get_by_label("City name").fill(CITY)
    page.get_by_label("Country").fill("Fictional")
    walk.arrived("new-city")
    walk.click(page.get_by_role("button", name="Save the city profile"))
    # the page now names the city, as the sidebar does, and offers the next step with focus on it
    expect(page.get_by_role("heading", name="City profile", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="A new city")).to_have_count(0)
    expect(page.get_by_test_id("stSidebar").get_by_text(f"City: {CITY}")).to_be_visible()
    start = current(page).get_by_role("button", name="Start the assessment")
    wait_for_focus_on(page, "Start the assessment")
    walk.arrived("saved")

    walk.click(start)
    expect(page.get_by_role("heading", name="Questionnaire")).to_be_visible()
    page.wait_for_function("() => document.activeElement && document.activeElement.type === 'radio'")
    walk.arrived("questionnaire")
    walk.click(current(page).get_by_test_id("stRadioOption").first)
    expect(current(page).get_by_text("Answer saved at")).to_have_count(1, timeout=30_000)
    walk.arrived("answered")

    walk.click(current(page).get_by_role("link", name="Make a draft report now"))
    expect(page.get_by_text("Making the report")).to_be_visible()  # begun as the page opened
    walk.arrived("report")
    expect(page.get_by_text("The report is ready")).to_be_visible(timeout=120_000)
    download_button = page.get_by_role("button", name="Download the PDF report")
    walk.arrived("made")
    with page.expect_download() as download:
        walk.click(download_button)
    pdf = tmp_path / download.value.suggested_filename
    download.value.save_as(pdf)
    walk.arrived("downloaded")
    seconds = walk.steps[-1]["seconds"]

    reader = PdfReader(pdf)
    assert len(reader.pages) > 10 and CITY in (reader.pages[0].extract_text() or "")
    (artifacts / "newcomer.json").write_text(
        json.dumps({"clicks": walk.clicks, "seconds": seconds, "steps": walk.steps}, indent=2), encoding="utf-8"
    )
    context.close()
